// Tenants see only their own (issue 11): filtered metrics, topology, status, events and revisions,
// 404 for other owners' slices, deploy answers without other tenants' sources; admin-token
// hygiene; bounded event streams, audit entries and revisions, with the process memory bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText, files } from './fixtures.js';

let rt: RuntimeProcess;
let admin: string;
let alice: string;
let aliceId: string;

/** The process's resident memory in MiB (Linux). */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Reads an event stream until it ends; returns everything it carried. */
async function readAll(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += new TextDecoder().decode(value);
  }
}

const events = (token: string) => fetch(rt.url + '/v1/events', { headers: { authorization: `Bearer ${token}` } });

before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dfv-iso-'));
  const config = join(dataDir, 'config.json');
  writeFileSync(config, JSON.stringify({ revisionsKept: 3, eventStreamsPerToken: 2, eventStreamsTotal: 5 }));
  rt = await startRuntime({ args: ['--config', config] });
  admin = rt.adminToken;
  const net = await http(rt, 'POST', '/v1/deploy', {
    token: admin,
    body: files(['net.slice', NETWORK], ['bob.slice', sliceText('bobnet', 'bob', { port: 2, tag: 200, ctl: 7002 })]),
  });
  assert.equal(net.status, 200, JSON.stringify(net.body));
  const created = (await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner: 'alice' } })).body;
  alice = created.token;
  aliceId = created.id;
  const mine = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['alice.slice', sliceText('alicenet', 'alice', { port: 1, tag: 100 })]),
  });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
});
after(async () => {
  await rt?.stop();
});

test("a tenant's /metrics carries only its own slices' samples; the admin's all", async () => {
  const all = (await http(rt, 'GET', '/metrics', { token: admin })).body as string;
  assert.match(all, /slice="bobnet"/);
  const mine = (await http(rt, 'GET', '/metrics', { token: alice })).body as string;
  assert.match(mine, /dfvisor_slice_packets_total\{slice="alicenet"\}/);
  assert.equal(mine.includes('bobnet'), false);
  assert.equal(mine.includes('7002'), false, "another slice's controller URL");
  assert.equal(/dfvisor_process_|dfvisor_switch_/.test(mine), false, "node-wide series are the admin's");
});

test('a tenant sees only the switches and links its slices see; the admin the whole network', async () => {
  const full = (await http(rt, 'GET', '/v1/topology', { token: admin })).body;
  assert.equal(full.switches.length, 2);
  const mine = (await http(rt, 'GET', '/v1/topology', { token: alice })).body;
  const dpids = mine.switches.map((s: { dpid: string }) => s.dpid).sort();
  assert.deepEqual(dpids, ['0000000000000001', '0000000000000002']);
  for (const s of mine.switches)
    assert.deepEqual(s.ports.map((p: { number: number }) => p.number).sort(), [1, 4], 'only the ports of its view');
  assert.equal(mine.links.length, 1);
  const status = (await http(rt, 'GET', '/v1/status', { token: alice })).body;
  assert.deepEqual(
    status.slices.map((s: { name: string }) => s.name),
    ['alicenet'],
  );
});

test("other owners' slices are 404 everywhere", async () => {
  for (const [m, p] of [
    ['GET', '/v1/slices/bobnet'],
    ['GET', '/v1/slices/bobnet/stats'],
    ['DELETE', '/v1/slices/bobnet'],
  ] as const) {
    const r = await http(rt, m, p, { token: alice });
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.equal(JSON.stringify(r.body).includes('"bob'), false);
  }
  assert.equal((await http(rt, 'GET', '/v1/slices/bobnet', { token: admin })).status, 200);
});

test("a tenant's deploy answer never quotes other tenants' files, slices or rules", async () => {
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['clash.slice', sliceText('clash', 'alice', { port: 2, tag: 300, prefix: '10.1.0.0/16' })]),
  });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  const codes = r.body.diagnostics.map((d: { code: string }) => d.code);
  assert.ok(codes.includes('SL301'), codes.join(','));
  const text = JSON.stringify(r.body);
  assert.equal(text.includes('bobnet'), false, text);
  assert.equal(text.includes('deployed:'), false, text);
  assert.ok(r.body.diagnostics.every((d: { file: string }) => d.file === 'clash.slice'));
  // The admin sees the whole picture.
  const a = await http(rt, 'POST', '/v1/deploy?dryRun=true', {
    token: admin,
    body: files(['clash.slice', sliceText('clash', 'alice', { port: 2, tag: 300, prefix: '10.1.0.0/16' })]),
  });
  assert.ok(JSON.stringify(a.body).includes('bobnet'));
});

test('/v1/revisions does not tell tenants who deployed; it tells the admin', async () => {
  const mine = (await http(rt, 'GET', '/v1/revisions', { token: alice })).body;
  const bys = mine.revisions.map((r: { by?: string }) => r.by);
  assert.ok(bys.includes('alice'));
  assert.equal(bys.includes('admin'), false);
  assert.ok(mine.revisions.every((r: { slices: string[] }) => !r.slices.includes('bobnet')));
  const all = (await http(rt, 'GET', '/v1/revisions', { token: admin })).body;
  assert.ok(all.revisions.some((r: { by: string }) => r.by === 'admin'));
});

test('event streams: tenants get no revision or deploy-progress events; capped per token and in total; closed on revocation', async () => {
  const tenantStream = await events(alice);
  assert.equal(tenantStream.status, 200);
  // Per-token cap (2): a third stream for alice is refused.
  const second = await events(alice);
  assert.equal(second.status, 200);
  const third = await events(alice);
  assert.equal(third.status, 429);
  assert.equal(((await third.json()) as { code: string }).code, 'TOO_MANY_STREAMS');
  await second.body!.cancel();

  const tenantText = readAll(tenantStream);
  const d = await http(rt, 'POST', '/v1/deploy', {
    token: admin,
    body: files(['bob.slice', sliceText('bobnet', 'bob', { port: 2, tag: 200, ctl: 7002, guarantee: '120Mbps' })]),
  });
  assert.equal(d.status, 200, JSON.stringify(d.body));
  // Revoking alice's token ends her stream (after everything the deploy sent).
  assert.equal((await http(rt, 'DELETE', `/v1/tokens/${aliceId}`, { token: admin })).status, 200);
  const seen = await tenantText;
  assert.match(seen, /event: closed\ndata: .*token revoked/);
  assert.equal(/deploy-progress|event: revision/.test(seen), false, seen);

  // Total cap (5): five admin streams are served, the sixth is refused.
  const open: Response[] = [];
  for (let i = 0; i < 5; i++) {
    const extra = await fetch(rt.url + '/v1/events', { headers: { authorization: `Bearer ${admin}` } });
    if (extra.status === 200) open.push(extra);
    else break;
  }
  assert.ok(open.length <= 5);
  const refused = await events(admin);
  assert.equal(refused.status, 429);
  for (const r of open) await r.body!.cancel();
});

test('a flood of event-stream requests is refused without growing the process', async (t) => {
  const rss0 = rssMiB(rt.child.pid!);
  const streams: Response[] = [];
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const r = await events(admin);
    if (r.status === 200) streams.push(r);
    else {
      refused++;
      await r.text();
    }
  }
  assert.ok(streams.length <= 5, `${streams.length} streams open`);
  assert.ok(refused >= 295);
  for (const r of streams) await r.body!.cancel();
  t.diagnostic(`RSS ${rss0.toFixed(0)} -> ${rssMiB(rt.child.pid!).toFixed(0)} MiB after 300 stream requests`);
  assert.ok(rssMiB(rt.child.pid!) - rss0 < 100, `RSS grew from ${rss0} to ${rssMiB(rt.child.pid!)} MiB`);
});

test('a huge deploy is answered, its audit entry stays small, memory stays bounded', async (t) => {
  const rss0 = rssMiB(rt.child.pid!);
  const many = Array.from({ length: 10_000 }, (_, i) => [`dir/file-${i}.slice`, `// ${'x'.repeat(900)}\n`] as [string, string]);
  const r = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(...many) });
  assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 300));
  assert.equal(r.body.code, 'NO_SLICES');
  const audit = (await http(rt, 'GET', '/v1/audit?limit=5', { token: admin })).body.entries as Array<{ target: string; detail?: string }>;
  const last = audit.at(-1)!;
  assert.match(last.target, /\+9997 more files/);
  assert.ok(JSON.stringify(last).length < 1024, JSON.stringify(last).length.toString());
  const line = readFileSync(join(rt.dataDir, 'audit.log'), 'utf8').trim().split('\n').at(-1)!;
  assert.ok(line.length < 1024);
  t.diagnostic(
    `RSS ${rss0.toFixed(0)} -> ${rssMiB(rt.child.pid!).toFixed(0)} MiB after a ${(JSON.stringify(files(...many)).length / 2 ** 20).toFixed(1)} MiB deploy`,
  );
  assert.ok(rssMiB(rt.child.pid!) - rss0 < 300, `RSS grew from ${rss0} to ${rssMiB(rt.child.pid!)} MiB`);
});

test('no-op deploys store nothing; revisions beyond revisionsKept are pruned', async () => {
  const before = (await http(rt, 'GET', '/v1/revisions', { token: admin })).body.active;
  const same = files(['bob.slice', sliceText('bobnet', 'bob', { port: 2, tag: 200, ctl: 7002, guarantee: '120Mbps' })]);
  const again = await http(rt, 'POST', '/v1/deploy', { token: admin, body: same });
  assert.equal(again.status, 200);
  assert.equal(again.body.revision, before);
  assert.equal((await http(rt, 'GET', '/v1/revisions', { token: admin })).body.active, before, 'a no-op deploy made a revision');
  for (const g of ['130Mbps', '140Mbps', '150Mbps', '160Mbps']) {
    const d = await http(rt, 'POST', '/v1/deploy', {
      token: admin,
      body: files(['bob.slice', sliceText('bobnet', 'bob', { port: 2, tag: 200, ctl: 7002, guarantee: g })]),
    });
    assert.equal(d.status, 200, JSON.stringify(d.body));
  }
  const revs = (await http(rt, 'GET', '/v1/revisions', { token: admin })).body;
  assert.equal(revs.revisions.length, 3);
  assert.deepEqual(
    revs.revisions.map((r: { revision: number }) => r.revision),
    [revs.active - 2, revs.active - 1, revs.active],
  );
  assert.equal((await http(rt, 'POST', `/v1/rollback/${revs.active - 3}`, { token: admin })).status, 404, 'a pruned revision is gone');
  assert.equal((await http(rt, 'POST', `/v1/rollback/${revs.active - 1}`, { token: admin })).status, 200, 'a kept one rolls back');
});

test('a short admin token is refused at start with a clear error', async () => {
  await assert.rejects(
    startRuntime({ adminToken: 'secret' }),
    /refusing to start: the admin token has 6 characters; it must be a random secret of at least 24/,
  );
  await assert.rejects(startRuntime({ adminToken: 'a'.repeat(40) }), /refusing to start: the admin token repeats a few characters/);
});

test('a generated admin token goes to a 0600 file in the data dir, never into the log', async () => {
  const gen = await startRuntime({ env: { DFVISOR_ADMIN_TOKEN: '' } });
  try {
    const file = join(gen.dataDir, 'admin-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    assert.match(token, /^dfv_admin_/);
    assert.equal(gen.logs().includes(token), false, 'the token is in the output');
    assert.match(gen.logs(), /generated an admin token, readable only by this user, in .*admin-token/);
    assert.equal((await http(gen, 'GET', '/v1/slices', { token })).status, 200);
  } finally {
    await gen.stop();
  }
});
