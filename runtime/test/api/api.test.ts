// The HTTP API of a real `dfvisor run` process: every endpoint and its error paths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { files } from './fixtures.js';
import { repoRoot } from '../support/paths.js';

let rt: RuntimeProcess;
let admin: string;
const labText = readFileSync(join(repoRoot, 'samples/lab/lab.slice'), 'utf8');

before(async () => {
  rt = await startRuntime({ args: ['--body-limit', '65536'] });
  admin = rt.adminToken;
});
after(async () => {
  await rt?.stop();
});

test('GET /healthz needs no token', async () => {
  const r = await http(rt, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { ok: true });
});

test('every other route needs a valid bearer token: 401 problem+json', async () => {
  for (const [m, p] of [
    ['GET', '/v1/slices'],
    ['GET', '/v1/status'],
    ['POST', '/v1/deploy'],
    ['GET', '/metrics'],
    ['GET', '/v1/revisions'],
    ['DELETE', '/v1/slices/x'],
  ] as const) {
    const none = await http(rt, m, p);
    assert.equal(none.status, 401, `${m} ${p}`);
    assert.equal(none.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    assert.equal(none.body.code, 'UNAUTHORIZED');
    const wrong = await http(rt, m, p, { token: 'not-the-token' });
    assert.equal(wrong.status, 401);
  }
});

test('deploy the lab: dry run changes nothing, then one revision with the diff', async () => {
  const dry = await http(rt, 'POST', '/v1/deploy?dryRun=true', { token: admin, body: files(['lab.slice', labText]) });
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  assert.equal(dry.body.dryRun, true);
  assert.deepEqual(dry.body.diff.added, ['production', 'research']);
  assert.equal((await http(rt, 'GET', '/v1/revisions', { token: admin })).body.revisions.length, 0);

  const r = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', labText]) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.revision, 1);
  assert.deepEqual(r.body.diff.added, ['production', 'research']);

  const again = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', labText]) });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.diff.unchanged, ['production', 'research']);
  assert.deepEqual(again.body.diff.added, []);

  const slices = await http(rt, 'GET', '/v1/slices', { token: admin });
  assert.deepEqual(slices.body.slices.map((s: { name: string }) => s.name).sort(), ['production', 'research']);
  const research = await http(rt, 'GET', '/v1/slices/research', { token: admin });
  assert.equal(research.status, 200);
  assert.equal(research.body.owner, 'alice@example.org');
  assert.deepEqual(research.body.overlay, { type: 'vlan', tag: 101 });
  assert.ok(research.body.flowspace.length > 0);
  assert.ok(research.body.flowspace.every((e: { slice: string }) => e.slice === 'research'));
  const stats = await http(rt, 'GET', '/v1/slices/research/stats', { token: admin });
  assert.equal(stats.status, 200);
  assert.equal(stats.body.slice, 'research');
  const status = await http(rt, 'GET', '/v1/status', { token: admin });
  assert.equal(status.status, 200);
  assert.ok(status.body.nodes.length >= 1);
  assert.deepEqual(
    status.body.switches.map((s: { dpid: string }) => s.dpid),
    ['0000000000000001', '0000000000000002', '0000000000000003'],
  );
  const topo = await http(rt, 'GET', '/v1/topology', { token: admin });
  assert.equal(topo.body.links.length, 2);
  const metrics = await http(rt, 'GET', '/metrics', { token: admin });
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /dfvisor_active_revision \d+/);
  assert.match(metrics.body, /dfvisor_slice_packets_total\{slice="research"\}/);
});

test('bad requests: bad JSON 400, schema 400, oversized 413, unknown slice 404, unknown route 404', async () => {
  const badJson = await http(rt, 'POST', '/v1/deploy', { token: admin, raw: '{"files": [' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.headers.get('content-type')?.split(';')[0], 'application/problem+json');
  const schema = await http(rt, 'POST', '/v1/deploy', { token: admin, body: { files: [{ path: 'x' }] } });
  assert.equal(schema.status, 400);
  assert.equal(schema.body.code, 'BAD_REQUEST');
  const big = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['big.slice', '// ' + 'x'.repeat(70_000)]) });
  assert.equal(big.status, 413);
  assert.equal(big.body.code, 'TOO_LARGE');
  assert.equal((await http(rt, 'GET', '/v1/slices/nosuch', { token: admin })).status, 404);
  assert.equal((await http(rt, 'DELETE', '/v1/slices/nosuch', { token: admin })).status, 404);
  assert.equal((await http(rt, 'GET', '/v1/nothing-here', { token: admin })).status, 404);
  assert.equal((await http(rt, 'POST', '/v1/rollback/999', { token: admin })).status, 404);
});

test('language errors and admission failures: 422 with diagnostics, nothing changes', async () => {
  const before = (await http(rt, 'GET', '/v1/revisions', { token: admin })).body.active;
  const broken = await http(rt, 'POST', '/v1/deploy', {
    token: admin,
    body: files(
      ['lab.slice', labText],
      ['x.slice', 'slice x { controller "tcp:127.0.0.1:1" flowspace { r: match ip_src 10.9.0.0/16 on s7:1 } }'],
    ),
  });
  assert.equal(broken.status, 422);
  assert.equal(broken.body.code, 'LANGUAGE_ERRORS');
  assert.ok(broken.body.diagnostics.some((d: { code: string; file: string }) => d.code === 'SL101' && d.file === 'x.slice'));
  const greedy = labText.replace('guarantee 700Mbps', 'guarantee 900Mbps');
  const admission = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', greedy]) });
  assert.equal(admission.status, 422);
  assert.ok(
    admission.body.diagnostics.some((d: { code: string }) => d.code === 'SL401'),
    JSON.stringify(admission.body.diagnostics),
  );
  assert.equal((await http(rt, 'GET', '/v1/revisions', { token: admin })).body.active, before);
});

test('change, remove by file, rollback: each one revision with the right diff', async () => {
  const changed = labText.replace('cap 500Mbps', 'cap 400Mbps');
  const c = await http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', changed]) });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.deepEqual(c.body.diff.changed, ['research']);
  assert.deepEqual(c.body.diff.unchanged, ['production']);
  const revBefore = c.body.revision;

  const rolled = await http(rt, 'POST', `/v1/rollback/1`, { token: admin });
  assert.equal(rolled.status, 200, JSON.stringify(rolled.body));
  assert.equal(rolled.body.revision, revBefore + 1);
  assert.deepEqual(rolled.body.diff.changed, ['research']);
  const revs = await http(rt, 'GET', '/v1/revisions', { token: admin });
  assert.equal(revs.body.active, revBefore + 1);
  assert.equal(revs.body.revisions.at(-1).action, 'rollback');

  const del = await http(rt, 'DELETE', '/v1/slices/production', { token: admin });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.deepEqual(del.body.diff.removed, ['production']);
  const names = (await http(rt, 'GET', '/v1/slices', { token: admin })).body.slices.map((s: { name: string }) => s.name);
  assert.deepEqual(names, ['research']);
});

test('concurrent deploys: one wins, the other gets 409, nothing half-applied', async () => {
  const start = (await http(rt, 'GET', '/v1/revisions', { token: admin })).body.active;
  const a = labText.replace('cap 500Mbps', 'cap 300Mbps');
  const b = labText.replace('cap 500Mbps', 'cap 200Mbps');
  const results = await Promise.all([
    http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', a]) }),
    http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', b]) }),
  ]);
  const statuses = results.map((r) => r.status).sort();
  assert.ok(statuses[0] === 200, JSON.stringify(results.map((r) => r.body)));
  const end = (await http(rt, 'GET', '/v1/revisions', { token: admin })).body.active;
  if (statuses[1] === 409) {
    assert.equal(end, start + 1);
    assert.equal(results.find((r) => r.status === 409)!.body.code, 'CONFLICT');
  } else {
    // Both serialised (the second saw the first): two revisions, both complete.
    assert.equal(statuses[1], 200);
    assert.equal(end, start + 2);
  }
  const research = (await http(rt, 'GET', '/v1/slices/research', { token: admin })).body;
  assert.ok([300e6, 200e6].includes(research.qos.capBps), String(research.qos.capBps));
});

test('tokens: admin creates, lists and revokes; tenants cannot manage tokens', async () => {
  const created = await http(rt, 'POST', '/v1/tokens', { token: admin, body: { owner: 'carol@example.org' } });
  assert.equal(created.status, 201);
  assert.match(created.body.token, /^dfv_[a-z0-9]+_/);
  const tenant = created.body.token as string;
  assert.equal((await http(rt, 'GET', '/v1/slices', { token: tenant })).status, 200);
  assert.equal((await http(rt, 'GET', '/v1/tokens', { token: tenant })).status, 403);
  assert.equal((await http(rt, 'POST', '/v1/tokens', { token: tenant, body: { owner: 'carol@example.org' } })).status, 403);
  const list = await http(rt, 'GET', '/v1/tokens', { token: admin });
  const rec = list.body.tokens.find((t: { id: string }) => t.id === created.body.id);
  assert.equal(rec.owner, 'carol@example.org');
  assert.equal(JSON.stringify(list.body).includes(tenant), false, 'secrets are never listed');
  assert.equal((await http(rt, 'DELETE', `/v1/tokens/${created.body.id}`, { token: admin })).status, 200);
  assert.equal((await http(rt, 'GET', '/v1/slices', { token: tenant })).status, 401, 'a revoked token is refused');
});

test('SSE: a deploy streams progress and the new revision', async () => {
  const ctl = new AbortController();
  const res = await fetch(rt.url + '/v1/events', { headers: { authorization: `Bearer ${admin}` }, signal: ctl.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const reader = res.body!.getReader();
  const text = labText.replace('cap 500Mbps', 'cap 450Mbps');
  const deployed = http(rt, 'POST', '/v1/deploy', { token: admin, body: files(['lab.slice', text]) });
  let seen = '';
  while (!/event: revision/.test(seen) || !/"stage":"done"/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  ctl.abort();
  assert.equal((await deployed).status, 200);
  assert.match(seen, /event: deploy-progress/);
  assert.match(seen, /"stage":"applying"/);
  assert.match(seen, /event: revision/);
});

test('failed authentication is rate limited (429) per address and token id; valid tokens keep access', async () => {
  const rt2 = await startRuntime({ args: ['--auth-failures-per-minute', '5'] });
  try {
    const tenant = (await http(rt2, 'POST', '/v1/tokens', { token: rt2.adminToken, body: { owner: 'carol' } })).body.token as string;
    const id = /^dfv_([a-z0-9]+)_/.exec(tenant)![1];
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await http(rt2, 'GET', '/v1/slices', { token: `wrong-${i}` })).status;
    assert.equal(last, 429);
    const limited = await http(rt2, 'GET', '/v1/slices', { token: 'wrong-again' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'TOO_MANY_FAILED_LOGINS');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // The admin (same address) keeps access, and so does a tenant token.
    assert.equal((await http(rt2, 'GET', '/v1/slices', { token: rt2.adminToken })).status, 200, 'the admin is not locked out');
    assert.equal((await http(rt2, 'GET', '/v1/slices', { token: tenant })).status, 200);
    // Failures with another token id are counted on their own: 401, not 429.
    const guess = `dfv_${id}_${'x'.repeat(32)}`;
    for (let i = 0; i < 5; i++) assert.equal((await http(rt2, 'GET', '/v1/slices', { token: guess })).status, 401, `guess ${i}`);
    assert.equal((await http(rt2, 'GET', '/v1/slices', { token: guess })).status, 429, 'guessing one token id is limited');
    assert.equal((await http(rt2, 'GET', '/v1/slices', { token: tenant })).status, 200, 'the real token still gets in');
  } finally {
    await rt2.stop();
  }
});
