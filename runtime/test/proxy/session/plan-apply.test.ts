// Plan application against a fake switch: what is installed on a switch for a plan (isolation
// rule, per-slice base rules, meters, tenant connections), what an undeploy removes, the
// switch's errors and IS_SLAVE in the result, the queue check, and that a tenant's flood of
// barriers never pushes out the deploy's own barrier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP13 } from '../../../src/proxy/messages.js';
import { OFPFC, OFPMC } from '../../../src/openflow/constants.js';
import { HV_DROP_COOKIE, HV_SLICE_COOKIE_MASK, hvSliceCookie, SLICE_COOKIE_MASK, sliceCookie } from '../../../src/dataplane/cookies.js';
import { BASE_DROP_PRIORITY, LLDP_PRIORITY } from '../../../src/dataplane/priorities.js';
import { buildPlanViews } from '../../../src/proxy/slice-views.js';
import { connectSession } from './fake.js';
import { plan } from './plan.js';
import { dp } from '../fixtures.js';

test("a plan installs the isolation rule, each slice's base rules and meters (one per port of a capped slice), and binds its controller", async () => {
  const { session, channel, host } = connectSession(null);
  const applying = session.apply(buildPlanViews(plan));
  const fms = channel.of('flow_mod');
  assert.deepEqual(
    fms.map((f) => [f.cookie, f.priority]),
    [
      [HV_DROP_COOKIE, BASE_DROP_PRIORITY],
      [hvSliceCookie(0, 1), LLDP_PRIORITY],
      [hvSliceCookie(1, 1), LLDP_PRIORITY],
    ],
  );
  assert.equal(fms[1]!.match.in_port?.value, 3n, 'LLDP from the link port');
  assert.equal(fms[1]!.match.vlan_vid?.value, BigInt(201 | 0x1000));
  const meters = channel.of('meter_mod');
  assert.deepEqual(
    meters.map((m) => [m.command, m.meterId, m.bands[0]!.rate]),
    [
      [OFPMC.ADD, 0x10001, 1000],
      [OFPMC.ADD, 0x10003, 1000],
    ],
  );
  assert.deepEqual([...host.tenants.keys()], ['x', 'y']);
  assert.ok([...host.tenants.values()].every((t) => t.started));
  let settled = false;
  void applying.then(() => {
    settled = true;
  });
  await Promise.resolve();
  assert.equal(settled, false, 'the apply waits for the barrier reply');
  channel.answerBarriers();
  const r = await applying;
  assert.deepEqual(r, { dpid: dp(1), ok: true, errors: [], notes: r.notes, slicesAdded: ['x', 'y'], slicesRemoved: [] });
  assert.ok(r.notes.every((n) => !n.includes('error')));
});

test("undeploy removes each slice's tenant rules, base rules and meter, and stops its controller", async () => {
  const { session, channel, host } = connectSession(plan);
  channel.answerBarriers();
  const before = channel.sent.length;
  const undeploy = session.apply(null);
  const sent = channel.sent.slice(before);
  const deletes = sent.filter((m) => m.type === 'flow_mod');
  assert.deepEqual(
    deletes.map((f) => f.type === 'flow_mod' && [f.command, f.cookie, f.cookieMask]),
    [
      [OFPFC.DELETE, sliceCookie(0, 0), SLICE_COOKIE_MASK],
      [OFPFC.DELETE, hvSliceCookie(0, 0), HV_SLICE_COOKIE_MASK],
      [OFPFC.DELETE, sliceCookie(1, 0), SLICE_COOKIE_MASK],
      [OFPFC.DELETE, hvSliceCookie(1, 0), HV_SLICE_COOKIE_MASK],
    ],
  );
  assert.deepEqual(
    sent.filter((m) => m.type === 'meter_mod').map((m) => m.type === 'meter_mod' && [m.command, m.meterId]),
    [
      [OFPMC.DELETE, 0x10001],
      [OFPMC.DELETE, 0x10003],
    ],
  );
  channel.answerBarriers();
  const r = await undeploy;
  assert.equal(r.ok, true);
  assert.deepEqual(r.slicesRemoved, ['x', 'y']);
  assert.ok([...host.tenants.values()].every((t) => t.stopped));
  assert.equal(session.bindings.size, 0);
});

test('a switch error about a message of the apply fails it; IS_SLAVE makes this node a slave instead', async () => {
  {
    const { session, channel } = connectSession(null);
    const applying = session.apply(buildPlanViews(plan));
    channel.inject({ type: 'error', xid: channel.of('flow_mod')[1]!.xid, errType: 5, code: 0, data: Buffer.alloc(0) });
    channel.answerBarriers();
    const r = await applying;
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors, ['switch error type 5 code 0']);
  }
  {
    const { session, channel, host } = connectSession(null);
    const applying = session.apply(buildPlanViews(plan));
    channel.inject({ type: 'error', xid: channel.of('flow_mod')[0]!.xid, errType: 1, code: 10, data: Buffer.alloc(0) });
    channel.answerBarriers();
    const r = await applying;
    assert.equal(r.ok, true, 'not a failure of the plan');
    assert.ok(r.notes.includes(`${dp(1)}: not programmed here (the switch answered IS_SLAVE: another node is master)`));
    assert.equal(session.role, 'slave');
    assert.equal(session.bindings.size, 0);
    assert.ok([...host.tenants.values()].every((t) => t.stopped));
  }
});

test("the plan's queues are checked: the apply notes the missing ones", async () => {
  const withQueues = {
    ...plan,
    qos: {
      ...plan.qos,
      queues: [
        { dpid: dp(1), port: 1, queueId: 1, slice: 'x', class: null, minBps: null, maxBps: null },
        { dpid: dp(1), port: 2, queueId: 7, slice: 'y', class: null, minBps: null, maxBps: null },
      ],
    },
  };
  const { session, channel } = connectSession(null);
  const applying = session.apply(buildPlanViews(withQueues));
  const q = channel.last('multipart_request');
  assert.equal(q.mpType, 'queue');
  channel.inject({
    type: 'multipart_reply',
    xid: q.xid,
    mpType: 'queue',
    flags: 1,
    queues: [{ portNo: 1, queueId: 1, txPackets: 0n, txBytes: 0n, txErrors: 0n }],
  });
  channel.inject({
    type: 'multipart_reply',
    xid: q.xid,
    mpType: 'queue',
    flags: 0,
    queues: [{ portNo: 3, queueId: 7, txPackets: 0n, txBytes: 0n, txErrors: 0n }],
  });
  channel.answerBarriers();
  const r = await applying;
  assert.ok(
    r.notes.includes(`${dp(1)}: 1 of 2 planned queues missing (port 2 queue 7 of y); create them on the switch (docs/dataplane.md)`),
    r.notes.join('\n'),
  );
});

test('a node waiting for its role does not program the switch', async () => {
  const { session, channel } = connectSession(plan, { arbitrated: true });
  assert.equal(session.role, 'pending');
  assert.equal(channel.of('flow_mod').length, 0);
  const r = await session.apply(buildPlanViews(plan));
  assert.deepEqual(r.notes, [`${dp(1)}: not programmed here (this node is waiting for its role)`]);
  assert.equal(channel.of('flow_mod').length, 0);
});

test("9 000 barriers from one tenant do not push out the deploy's own barrier", async () => {
  const { session, channel, host } = connectSession(plan);
  channel.answerBarriers();
  const x = host.tenants.get('x')!;
  x.ready();
  const undeployY = session.apply(
    buildPlanViews({
      ...plan,
      slices: plan.slices.filter((s) => s.name === 'x'),
      flowspace: plan.flowspace.filter((e) => e.slice === 'x'),
    }),
  );
  const deployBarrier = channel.last('barrier_request').xid;
  for (let i = 0; i < 9000; i++) x.sendToProxy({ type: 'barrier_request', xid: 50_000 + i });
  channel.inject({ type: 'barrier_reply', xid: deployBarrier });
  const r = await undeployY;
  assert.equal(r.ok, true);
  assert.deepEqual(r.slicesRemoved, ['y']);
  // The tenant's newest barriers are still answered in its own terms.
  const last = channel.last('barrier_request');
  channel.inject({ type: 'barrier_reply', xid: last.xid });
  assert.deepEqual(
    x.of('barrier_reply').map((m) => m.xid),
    [50_000 + 8999],
  );
  assert.equal(session.version, OFP13);
});
