// Controller endpoints at deploy: a slice naming the runtime's own OpenFlow or API listener is
// refused with a problem body (CONTROLLER_NOT_ALLOWED), as is one outside `controllerAllow`;
// a tenant is checked on its own slices only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../src/node/config.js';
import { EmbeddedStore, LocalTier } from '../../src/store/index.js';
import { DeployService } from '../../src/deploy/service.js';
import { parseAddressRange, type ControllerPolicy } from '../../src/deploy/controller-policy.js';
import { StoreRevisionRepository } from '../../src/deploy/store-repository.js';
import { NETWORK, sliceText } from '../api/fixtures.js';

async function service(controllers: ControllerPolicy) {
  const opened = await EmbeddedStore.open({});
  assert.ok(opened.ok);
  const tier = await LocalTier.open(opened.value, ['revisions']);
  assert.ok(tier.ok);
  const applied: unknown[] = [];
  const svc = new DeployService({
    repository: new StoreRevisionRepository(opened.value, tier.value),
    applier: { apply: async (plan) => (applied.push(plan), { ok: true, errors: [] }) },
    controllers,
  });
  return { svc, applied };
}

const admin = { kind: 'admin' as const, owner: 'admin', tokenId: 'a' };
const alice = { kind: 'tenant' as const, owner: 'alice', tokenId: 't1' };
const f = (path: string, text: string) => ({ path, text });
const listeners = () => [
  { host: '127.0.0.1', port: 6653 },
  { host: '0.0.0.0', port: 8181 },
];

test("a slice naming the runtime's OpenFlow or API listener is refused at deploy", async () => {
  const { svc, applied } = await service({ listeners });
  for (const ctl of [6653, 8181]) {
    const r = await svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('a', 'alice', { ctl }))] });
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.problem.status, 422);
    assert.equal(r.problem.code, 'CONTROLLER_NOT_ALLOWED');
    assert.match(r.problem.detail, new RegExp(`slice a: controller tcp:127.0.0.1:${ctl} is one of the runtime's own listeners`));
  }
  // A dry run is refused alike; nothing reached the switches.
  const dry = await svc.deploy(admin, {
    dryRun: true,
    files: [f('n.slice', NETWORK), f('a.slice', sliceText('a', 'alice', { ctl: 6653 }))],
  });
  assert.equal(dry.ok, false);
  assert.equal(applied.length, 0);
  // Another port of the same host is fine.
  const ok = await svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('a', 'alice', { ctl: 7001 }))] });
  assert.equal(ok.ok, true);
});

test('controllerAllow: only addresses inside the ranges; a tenant is checked on its own slices only', async () => {
  const { svc } = await service({ listeners, allow: ['10.0.0.0/8'] });
  const r = await svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('a', 'alice'))] });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.problem.detail, /outside the allowed controller addresses \(controllerAllow: 10\.0\.0\.0\/8\)/);
  const open = await service({ listeners, allow: ['10.0.0.0/8', '127.0.0.1/32'] });
  assert.equal((await open.svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('a', 'alice'))] })).ok, true);
  // Alice's deploy is judged on her slice ('c' names the API listener).
  const t = await service({ listeners, allow: ['127.0.0.1/32'] });
  assert.equal(
    (await t.svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', sliceText('a', 'alice', { ctl: 7001 }))] })).ok,
    true,
  );
  const mine = await t.svc.deploy(alice, {
    files: [f('c.slice', sliceText('c', 'alice', { ctl: 8181, port: 2, tag: 300, prefix: '10.3.0.0/16' }))],
  });
  assert.equal(mine.ok, false);
  if (!mine.ok) assert.equal(mine.problem.code, 'CONTROLLER_NOT_ALLOWED');
});

test('address ranges come from the grammar parsers: IPv4 and IPv6 prefixes, nothing else', () => {
  assert.deepEqual(parseAddressRange('10.0.0.0/8'), { v: 4, lo: 0x0a000000, hi: 0x0affffff });
  assert.deepEqual(parseAddressRange('127.0.0.1'), { v: 4, lo: 0x7f000001, hi: 0x7f000001 });
  assert.equal(parseAddressRange('fd00::/8')?.v, 6);
  for (const bad of ['10.0.0.0/33', 'example.com', '', '10.0.0/8']) assert.equal(parseAddressRange(bad), undefined, bad);
});

test('the config file refuses a controllerAllow entry that is not an address range', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-cfg-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ controllerAllow: ['10.0.0.0/8', 'ten.example'] }));
  await assert.rejects(readConfigFile(bad), /controllerAllow entry 'ten\.example' is not an IPv4 or IPv6 address range/);
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ controllerAllow: ['10.0.0.0/8', '::1/128'] }));
  assert.deepEqual((await readConfigFile(good)).controllerAllow, ['10.0.0.0/8', '::1/128']);
});

test('ssl: controllers: refused without tenant TLS, checked against the listeners like tcp: ones with it', async () => {
  const ssl = (ctl: number) => sliceText('a', 'alice', { ctl }).replace('"tcp:', '"ssl:');
  const without = await service({ listeners });
  const r = await without.svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', ssl(7001))] });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.problem.code, 'CONTROLLER_NOT_ALLOWED');
    assert.match(r.problem.detail, /slice a: controller ssl:127\.0\.0\.1:7001 needs TLS toward tenant controllers/);
  }
  assert.equal(without.applied.length, 0);
  const withTls = await service({ listeners, tenantTls: true });
  const own = await withTls.svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', ssl(6653))] });
  assert.equal(own.ok, false);
  if (!own.ok) assert.match(own.problem.detail, /controller ssl:127\.0\.0\.1:6653 is one of the runtime's own listeners/);
  const ok = await withTls.svc.deploy(admin, { files: [f('n.slice', NETWORK), f('a.slice', ssl(7001))] });
  assert.equal(ok.ok, true);
  const plan = withTls.applied[0] as { slices: Array<{ controllers: Array<{ url: string; host: string; port: number }> }> };
  assert.deepEqual(plan.slices[0]!.controllers, [{ url: 'ssl:127.0.0.1:7001', host: '127.0.0.1', port: 7001 }]);
});
