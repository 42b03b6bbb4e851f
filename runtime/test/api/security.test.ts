// Tenants touch only their own slices, never the network; every refusal changes nothing and is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText, files } from './fixtures.js';

let rt: RuntimeProcess;
let admin: string;
let alice: string;
let bob: string;

const state = async () => {
  const revs = await http(rt, 'GET', '/v1/revisions', { token: admin });
  const slices = await http(rt, 'GET', '/v1/slices', { token: admin });
  return JSON.stringify({
    active: revs.body.active,
    slices: slices.body.slices.map((s: { name: string; owner: string; overlay: unknown }) => [s.name, s.owner, s.overlay]),
  });
};

before(async () => {
  rt = await startRuntime();
  admin = rt.adminToken;
  const net = await http(rt, 'POST', '/v1/deploy', {
    token: admin,
    body: files(['net.slice', NETWORK], ['bob.slice', sliceText('bobnet', 'bob', { port: 2, tag: 200, ctl: 7002 })]),
  });
  assert.equal(net.status, 200, JSON.stringify(net.body));
  alice = (await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner: 'alice' } })).body.token;
  bob = (await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner: 'bob' } })).body.token;
});
after(async () => {
  await rt?.stop();
});

test('a tenant deploys, changes and removes its own slice (sending only its own file)', async () => {
  const add = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['alice.slice', sliceText('alicenet', 'alice', { port: 1, tag: 100 })]),
  });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  assert.deepEqual(add.body.diff.added, ['alicenet']);
  assert.deepEqual(add.body.diff.unchanged, ['bobnet']);
  const change = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['alice.slice', sliceText('alicenet', 'alice', { port: 1, tag: 100, guarantee: '150Mbps' })]),
  });
  assert.equal(change.status, 200);
  assert.deepEqual(change.body.diff.changed, ['alicenet']);
  // Tenants see only their own slices.
  const visible = await http(rt, 'GET', '/v1/slices', { token: alice });
  assert.deepEqual(
    visible.body.slices.map((s: { name: string }) => s.name),
    ['alicenet'],
  );
  assert.equal((await http(rt, 'GET', '/v1/slices/bobnet', { token: alice })).status, 404);
  assert.equal((await http(rt, 'GET', '/v1/slices/bobnet/stats', { token: alice })).status, 404);
});

test('a tenant deploying a slice with another owner is refused (403), nothing changes', async () => {
  const before = await state();
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['evil.slice', sliceText('evil', 'bob', { port: 3, tag: 300 })]),
  });
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'FORBIDDEN');
  assert.equal(await state(), before);
});

test("a tenant changing another owner's slice (same name, own owner) is refused", async () => {
  const before = await state();
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['b.slice', sliceText('bobnet', 'alice', { port: 2, tag: 200 })]),
  });
  assert.equal(r.status, 403);
  assert.equal(await state(), before);
});

test("deleting another's slice answers 404 (as if it did not exist), nothing changes", async () => {
  const before = await state();
  const r = await http(rt, 'DELETE', '/v1/slices/bobnet', { token: alice });
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'UNKNOWN_SLICE');
  assert.equal(JSON.stringify(r.body).includes('bob"'), false, 'the owner is not named');
  assert.equal(await state(), before);
});

test('a tenant changing the network is refused (403), nothing changes', async () => {
  const before = await state();
  const bigger = NETWORK.replace('capacity 1Gbps', 'capacity 10Gbps');
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['net.slice', bigger], ['alice.slice', sliceText('alicenet', 'alice', { port: 1, tag: 100 })]),
  });
  assert.equal(r.status, 403);
  assert.match(r.body.detail, /network/);
  assert.equal(await state(), before);
  const plan = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: { plan: { format: 'dfvisor-plan', version: 1, network: {}, slices: [], flowspace: [], qos: {} } },
  });
  assert.equal(plan.status, 403, 'tenants cannot deploy compiled plans');
  assert.equal(await state(), before);
});

test("a tenant's conflicting slice is checked against other tenants' deployed slices", async () => {
  const before = await state();
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['alice2.slice', sliceText('clash', 'alice', { port: 2, tag: 200, prefix: '10.1.0.0/16' })]),
  });
  assert.equal(r.status, 422);
  const codes = r.body.diagnostics.map((d: { code: string }) => d.code);
  assert.ok(codes.includes('SL302'), codes.join(','));
  assert.ok(codes.includes('SL301'), codes.join(','));
  assert.equal(await state(), before);
});

test('a revoked token is refused (401), nothing changes; the audit log records the attempts', async () => {
  const list = await http(rt, 'GET', '/v1/tokens', { token: admin });
  const bobId = list.body.tokens.find((t: { owner: string }) => t.owner === 'bob').id;
  assert.equal((await http(rt, 'DELETE', `/v1/tokens/${bobId}`, { token: admin })).status, 200);
  const before = await state();
  const r = await http(rt, 'DELETE', '/v1/slices/bobnet', { token: bob });
  assert.equal(r.status, 401);
  assert.equal(await state(), before);
  const audit = await http(rt, 'GET', '/v1/audit', { token: admin });
  const entries = audit.body.entries as Array<{ who: string; action: string; outcome: string }>;
  assert.ok(entries.some((e) => e.who === 'tenant:alice' && e.outcome === 'refused' && e.action === 'undeploy'));
  assert.ok(entries.some((e) => e.who === 'tenant:alice' && e.outcome === 'refused' && e.action === 'deploy'));
  assert.ok(entries.some((e) => e.who.startsWith('anonymous@') && e.outcome === 'refused'));
  assert.ok(entries.some((e) => e.who === 'tenant:alice' && e.outcome === 'ok'));
  const file = readFileSync(join(rt.dataDir, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(file.length >= entries.length - 1);
  assert.equal((await http(rt, 'GET', '/v1/audit', { token: alice })).status, 403);
});
