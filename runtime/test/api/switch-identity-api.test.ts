// Switch identity seen through a running node (`dfvisor run`): an emulated switch whose features
// reply names a dpid the deployed network does not declare gets an OpenFlow error and a closed
// connection; it is counted in /metrics and listed (address, count, last seen) in the admin's
// /v1/topology, never in a tenant's; a live connection that stops answering echoes loses its dpid
// to a second connection claiming it; a slice naming the runtime's own listener is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRuntime, http, type RuntimeProcess } from './runtime-process.js';
import { NETWORK, sliceText, files } from './fixtures.js';
import { emulatedSwitch } from '../harness/emulated-switch.js';

let rt: RuntimeProcess;
let alice: string;

before(async () => {
  rt = await startRuntime();
  const net = await http(rt, 'POST', '/v1/deploy', { token: rt.adminToken, body: files(['net.slice', NETWORK]) });
  assert.equal(net.status, 200, JSON.stringify(net.body));
  alice = (await http(rt, 'POST', '/v1/tokens', { token: rt.adminToken, body: { owner: 'alice' } })).body.token;
  const mine = await http(rt, 'POST', '/v1/deploy', { token: alice, body: files(['alice.slice', sliceText('alicenet', 'alice')]) });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
});
after(async () => {
  await rt?.stop();
});

test('an undeclared dpid is refused with HELLO_FAILED/EPERM, counted, and listed for the admin only', async () => {
  for (let i = 0; i < 3; i++) {
    const r = emulatedSwitch(rt.ofPort, 0x77n);
    await r.closed;
    assert.deepEqual(r.error, [0, 1], 'OFPET_HELLO_FAILED / OFPHFC_EPERM');
    assert.equal(r.types.includes(18), false, 'no multipart request (port descriptions) to a refused switch');
  }
  const topo = (await http(rt, 'GET', '/v1/topology', { token: rt.adminToken })).body;
  assert.equal(topo.refused.length, 1);
  const [r] = topo.refused;
  assert.equal(r.dpid, '0000000000000077');
  assert.equal(r.count, 3);
  assert.match(r.address, /^127\.0\.0\.1:\d+$/);
  assert.ok(!Number.isNaN(Date.parse(r.lastSeen)));
  const mine = (await http(rt, 'GET', '/v1/topology', { token: alice })).body;
  assert.equal('refused' in mine, false, 'a tenant never sees refused switches');
  const metrics = (await http(rt, 'GET', '/metrics', { token: rt.adminToken })).body as string;
  assert.match(metrics, /dfvisor_switch_refused_total\{dpid="0000000000000077"\} 3/);
  const tenantMetrics = (await http(rt, 'GET', '/metrics', { token: alice })).body as string;
  assert.equal(tenantMetrics.includes('refused'), false);
  // One log line for the three refusals (no flood from a reconnecting switch).
  assert.equal(
    rt
      .logs()
      .split('\n')
      .filter((l) => l.includes('switch refused')).length,
    1,
  );
});

test("a slice naming the runtime's own OpenFlow listener is refused with a problem body", async () => {
  const r = await http(rt, 'POST', '/v1/deploy', {
    token: alice,
    body: files(['evil.slice', sliceText('evil', 'alice', { ctl: rt.ofPort, port: 2, tag: 300, prefix: '10.9.0.0/16' })]),
  });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.code, 'CONTROLLER_NOT_ALLOWED');
  assert.match(r.body.detail, /own listeners/);
  const api = Number(new URL(rt.url).port);
  const viaApi = await http(rt, 'POST', '/v1/deploy', {
    token: rt.adminToken,
    body: files(['evil.slice', sliceText('evil', 'alice', { ctl: api, port: 2, tag: 300, prefix: '10.9.0.0/16' })]),
  });
  assert.equal(viaApi.status, 422, JSON.stringify(viaApi.body));
});

test('a live switch that stops answering echoes is closed when another connection claims its dpid, which takes over', async () => {
  const silent = emulatedSwitch(rt.ofPort, 2n, { answerEchoes: false });
  await silent.identified;
  await eventually(() => silent.types.includes(18), 'the first connection is asked for its ports');
  const successor = emulatedSwitch(rt.ofPort, 2n);
  await successor.identified;
  await silent.closed; // it failed the echo
  assert.ok(silent.types.includes(2), 'the live connection was sent an echo request');
  await eventually(() => successor.types.includes(18), 'the successor is asked for its ports (its handshake goes on)');
  successor.close();
  await successor.closed;
});

async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), what);
}
