// Statistics: the pure answers (a slice's flow, aggregate and port statistics from the switch's,
// queue notes, flow identity) and, against a fake switch, collection rounds over multipart
// replies and tenant polls answered from a recent round or through the switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowStats, PortStats } from '../../../src/proxy/messages.js';
import { OFPP13 as OFPP } from '../../../src/openflow/constants.js';
import { sliceCookie, SLICE_COOKIE_MASK } from '../../../src/dataplane/cookies.js';
import { SliceFlowTable } from '../../../src/proxy/flow-table.js';
import { aggregateOf, flowKey, queueCheckNote, tenantFlowStats, tenantPortStats } from '../../../src/proxy/session/stats-answers.js';
import { connectSession, flowMod } from './fake.js';
import { sliceSwitchFlows } from '../../../src/proxy/slice-flows.js';
import { plan } from './plan.js';

const stat = (cookie: bigint, packets: bigint, over: Partial<FlowStats> = {}): FlowStats => ({
  tableId: 0,
  durationSec: 1,
  durationNsec: 0,
  priority: 30,
  idleTimeout: 0,
  hardTimeout: 0,
  flags: 1,
  cookie,
  packetCount: packets,
  byteCount: packets * 100n,
  match: { in_port: { value: 1n } },
  instructions: [],
  ...over,
});
const ports = (...nos: number[]): PortStats[] => nos.map((portNo) => ({ portNo, rxPackets: 1n }) as PortStats);

function table(): SliceFlowTable {
  const t = new SliceFlowTable();
  const rule = (cookie: bigint, tenantCookie: bigint, ethDst: bigint) => ({
    cookie,
    tenantCookie,
    match: { eth_dst: { value: ethDst } },
    priority: 5,
    flags: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    instructions: [],
  });
  t.add(rule(sliceCookie(0, 1), 0x10n, 1n), [{} as never, {} as never], '1');
  t.add(rule(sliceCookie(0, 2), 0x20n, 2n), [{} as never], '2');
  return t;
}

test("a slice's flow statistics sum each tenant rule's physical rules, in the tenant's terms", () => {
  const t = table();
  // (one physical rule in table 1: an MPLS slice's second-label rule; the tenant sees one table, 0)
  const physical = [
    stat(sliceCookie(0, 1), 4n, { tableId: 1 }),
    stat(sliceCookie(0, 1), 3n),
    stat(sliceCookie(1, 1), 50n),
    stat(sliceCookie(0, 9), 1n),
  ];
  const all = { match: {}, cookie: 0n, cookieMask: 0n };
  const flows = tenantFlowStats(0, t, all, physical, false);
  assert.deepEqual(
    flows.map((f) => [f.tableId, f.cookie, f.packetCount, f.priority, f.match.eth_dst?.value]),
    [[0, 0x10n, 7n, 5, 1n]],
  );
  // the operator's view (GET /v1/slices/{name}/flows) says which table each switch rule is in
  const view = sliceSwitchFlows('0000000000000001', t, { at: 0, flows: physical });
  assert.deepEqual(
    view.rules[0]!.switch.rules.map((r) => [r.table, r.packets]),
    [
      [1, 4],
      [0, 3],
    ],
  );
  const withUnseen = tenantFlowStats(0, t, all, physical, true);
  assert.deepEqual(
    withUnseen.map((f) => [f.cookie, f.packetCount]),
    [
      [0x10n, 7n],
      [0x20n, 0n],
    ],
    'rules newer than the snapshot, with zero counters',
  );
  assert.deepEqual(
    tenantFlowStats(0, t, { match: {}, cookie: 0x20n, cookieMask: 0xf0n }, physical, true).map((f) => f.cookie),
    [0x20n],
  );
  assert.deepEqual(
    tenantFlowStats(0, t, { match: { eth_dst: { value: 1n } }, cookie: 0n, cookieMask: 0n }, physical, true).map((f) => f.cookie),
    [0x10n],
  );
  assert.deepEqual(aggregateOf(withUnseen), { packetCount: 7n, byteCount: 700n, flowCount: 2 });
});

test("a slice's port statistics: its ports only, by number", () => {
  assert.deepEqual(
    tenantPortStats(new Set([3, 1]), OFPP.ANY, ports(4, 3, 2, 1)).map((p) => p.portNo),
    [1, 3],
  );
  assert.deepEqual(
    tenantPortStats(new Set([3, 1]), 3, ports(4, 3, 1)).map((p) => p.portNo),
    [3],
  );
  assert.deepEqual(tenantPortStats(new Set([3, 1]), 4, ports(4, 3, 1)), []);
});

test('queue notes and flow identities', () => {
  const wanted = [
    { port: 1, queueId: 1, slice: 'x' },
    { port: 2, queueId: 2, slice: 'y' },
  ];
  assert.equal(queueCheckNote('d', wanted, new Set(['1/1', '2/2'])), 'all 2 planned queues exist on d');
  assert.equal(
    queueCheckNote('d', wanted, new Set(['1/1'])),
    'd: 1 of 2 planned queues missing (port 2 queue 2 of y); create them on the switch (docs/dataplane.md)',
  );
  const a = flowKey(5n, 7, { in_port: { value: 1n }, eth_dst: { value: 2n, mask: 3n } });
  assert.equal(a, flowKey(5n, 7, { eth_dst: { value: 2n, mask: 3n }, in_port: { value: 1n } }), 'field order ignored');
  assert.notEqual(a, flowKey(5n, 8, { in_port: { value: 1n }, eth_dst: { value: 2n, mask: 3n } }));
});

test('a collection round gathers every part of flow, port, queue and meter statistics', async () => {
  const { session, channel, host } = connectSession(null);
  const round = session.collectStats();
  assert.equal(session.collectStats(), round, 'rounds do not overlap');
  const reqs = channel.of('multipart_request').filter((m) => m.mpType !== 'port_desc' && m.mpType !== 'table_features');
  assert.deepEqual(
    reqs.map((m) => m.mpType),
    ['flow', 'port_stats', 'queue', 'meter'],
  );
  assert.equal(host.statsSent, 4);
  const [flow, portReq, queue, meter] = reqs;
  channel.inject({ type: 'multipart_reply', xid: flow!.xid, mpType: 'flow', flags: 1, flows: [stat(1n, 1n)] });
  channel.inject({ type: 'multipart_reply', xid: flow!.xid, mpType: 'flow', flags: 0, flows: [stat(2n, 2n)] });
  channel.inject({ type: 'multipart_reply', xid: portReq!.xid, mpType: 'port_stats', flags: 0, portStats: ports(1, 2) });
  channel.inject({ type: 'error', xid: queue!.xid, errType: 1, code: 2, data: Buffer.alloc(0) });
  channel.inject({ type: 'multipart_reply', xid: meter!.xid, mpType: 'meter', flags: 0, meterStats: [] });
  const s = await round;
  assert.deepEqual(
    s?.flows.map((f) => f.cookie),
    [1n, 2n],
  );
  assert.deepEqual(
    s?.ports.map((p) => p.portNo),
    [1, 2],
  );
  assert.equal(session.lastStats, s);
});

test('a round the switch does not finish in time gives nothing; its late answers are dropped', async () => {
  const { session, channel } = connectSession(null);
  const s = await session.collectStats(1);
  assert.equal(s, undefined);
  const flow = channel.of('multipart_request').find((m) => m.mpType === 'flow')!;
  channel.inject({ type: 'multipart_reply', xid: flow.xid, mpType: 'flow', flags: 0, flows: [stat(1n, 1n)] });
  assert.equal(session.lastStats, null);
});

test("a tenant's flow poll goes to the switch for the slice's rules, unless a recent round can answer", async () => {
  const { channel, host } = connectSession(plan);
  channel.answerBarriers();
  const x = host.tenants.get('x')!;
  x.ready();
  x.sendToProxy(flowMod({ xid: 1, cookie: 0x55n, priority: 3, match: { in_port: { value: 1n } }, instructions: [] }));
  const physical = channel.last('flow_mod');
  x.sendToProxy({
    type: 'multipart_request',
    xid: 2,
    mpType: 'aggregate',
    flags: 0,
    flow: { tableId: 0xff, outPort: OFPP.ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} },
  });
  const req = channel.last('multipart_request');
  assert.deepEqual([req.mpType, req.flow?.cookie, req.flow?.cookieMask], ['flow', sliceCookie(0, 0), SLICE_COOKIE_MASK]);
  channel.inject({
    type: 'multipart_reply',
    xid: req.xid,
    mpType: 'flow',
    flags: 0,
    flows: [stat(physical.cookie, 9n, { match: physical.match, priority: physical.priority })],
  });
  assert.deepEqual(
    x.of('multipart_reply').map((m) => [m.xid, m.aggregate]),
    [[2, { packetCount: 9n, byteCount: 900n, flowCount: 1 }]],
  );
  assert.deepEqual(host.polls, ['switch']);
});

test('with a statistics cache, tenant polls are answered from the last round', async () => {
  const { session, channel, host } = connectSession(plan, { statsCacheMs: 60_000 });
  channel.answerBarriers();
  const y = host.tenants.get('y')!;
  y.ready();
  const start = channel.sent.length;
  const round = session.collectStats();
  for (const m of channel.sent.slice(start)) {
    if (m.type !== 'multipart_request') continue;
    channel.inject({
      type: 'multipart_reply',
      xid: m.xid,
      mpType: m.mpType,
      flags: 0,
      flows: [],
      portStats: m.mpType === 'port_stats' ? ports(1, 2, 3) : undefined,
    });
  }
  assert.ok(await round);
  const sent = channel.sent.length;
  y.sendToProxy({ type: 'multipart_request', xid: 8, mpType: 'port_stats', flags: 0, portNo: OFPP.ANY });
  y.sendToProxy({ type: 'multipart_request', xid: 9, mpType: 'flow', flags: 0 });
  assert.equal(channel.sent.length, sent, 'no switch round trip');
  assert.deepEqual(
    y.of('multipart_reply').map((m) => [m.xid, m.portStats?.map((p) => p.portNo) ?? m.flows]),
    [
      [8, [2, 3]],
      [9, []],
    ],
  );
  assert.deepEqual(host.polls, ['cache', 'cache']);
});
