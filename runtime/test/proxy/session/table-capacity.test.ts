// Table 0's capacity against a fake switch: learnt at the handshake from 1.3 table features and
// 1.0 table statistics without holding the handshake up; no capacity (logged once) when the switch
// refuses, does not answer or reports 0 / 0xffffffff; the rules that are not tenant rules measured
// by table statistics; the slices' tenant rules together held to what is left (TABLE_FULL /
// ALL_TABLES_FULL, the slice's own flow_entries refusal), and their tracked rules bounded by it.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { OFP10, OFP13, type OfMessage, type OfVersion, type TableInfo } from '../../../src/proxy/messages.js';
import { OFPFC } from '../../../src/openflow/constants.js';
import { CAPACITY_TIMEOUT_MS } from '../../../src/proxy/session/table-capacity.js';
import { connectSession, flowMod, recordingLogger, type Rig } from './fake.js';
import { plan } from './plan.js';

type Request = Extract<OfMessage, { type: 'multipart_request' }>;

/** The session's table requests (capacity and measurements), oldest first. */
function tableRequests(rig: Rig): Request[] {
  return rig.channel.of('multipart_request').filter((m) => m.mpType === 'table_features' || m.mpType === 'table');
}

function answer(rig: Rig, req: Request, tables: TableInfo[], more = false): void {
  rig.channel.inject({ type: 'multipart_reply', xid: req.xid, mpType: req.mpType, flags: more ? 1 : 0, tables });
}

/** A session of `version` whose switch reports `capacity` for table 0 and `active` entries in use. */
function withCapacity(version: OfVersion, capacity: number, active: number) {
  const lines: string[] = [];
  const rig = connectSession(plan, { version, log: recordingLogger(lines) });
  rig.channel.answerBarriers();
  const [learn] = tableRequests(rig);
  assert.ok(learn, 'a capacity request at the handshake');
  answer(rig, learn, [{ tableId: 0, maxEntries: capacity }]);
  const measure = tableRequests(rig).at(-1)!;
  assert.notEqual(measure.xid, learn.xid, 'then a measurement');
  assert.equal(measure.mpType, 'table');
  answer(rig, measure, [{ tableId: 0, activeCount: active }]);
  const x = rig.host.tenants.get('x')!,
    y = rig.host.tenants.get('y')!;
  x.ready(version);
  y.ready(version);
  // A 1.0 tenant's miss emulation rule is measured again: answer with it counted.
  if (version === OFP10) {
    const again = tableRequests(rig).filter((m) => m.xid > measure.xid);
    for (const [i, m] of again.entries()) answer(rig, m, [{ tableId: 0, activeCount: active + 1 + i }]);
  }
  return { ...rig, x, y, lines };
}

const toPort2 = [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: 2, maxLen: 0 }] }];

/** A rule of slice x on its edge port 1 (one physical entry). */
const xRule = (xid: number, dst: number, command: number = OFPFC.ADD) =>
  flowMod({ xid, command, match: { in_port: { value: 1n }, eth_dst: { value: BigInt(dst) } } });

test('1.3: the capacity comes from table 0 of the table features (all parts), asked at the handshake, not waited for', () => {
  const rig = connectSession(plan);
  assert.equal(rig.session.ready, true, 'ready before any capacity answer');
  const [req] = tableRequests(rig);
  assert.equal(req!.mpType, 'table_features');
  assert.deepEqual(rig.session.table, { capacity: null, otherRules: null, tenantRules: 0 });
  answer(rig, req!, [{ tableId: 1, maxEntries: 50 }], true);
  assert.equal(rig.session.table.capacity, null, 'more parts follow');
  answer(rig, req!, [
    { tableId: 0, maxEntries: 1000 },
    { tableId: 2, maxEntries: 7 },
  ]);
  assert.equal(rig.session.table.capacity, 1000);
});

test('1.0: the capacity comes from the table statistics; the hypervisor rules are measured', () => {
  const rig = withCapacity(OFP10, 40, 6);
  assert.equal(rig.session.version, OFP10);
  assert.equal(rig.session.table.capacity, 40);
  // 6 active before the tenants, then two miss-emulation rules (one per 1.0 tenant): 7, 8.
  assert.equal(rig.session.table.otherRules, 8);
});

for (const [name, reply] of [
  ['refuses the request', 'error'],
  ['reports max_entries 0', 0],
  ['reports max_entries 0xffffffff', 0xffffffff],
  ['leaves table 0 out', 'no table 0'],
] as const) {
  test(`a switch that ${name} has no capacity: logged once, rules bounded by flow_entries only`, () => {
    const lines: string[] = [];
    const rig = connectSession(plan, { log: recordingLogger(lines) });
    rig.channel.answerBarriers();
    const [req] = tableRequests(rig);
    if (reply === 'error') rig.channel.inject({ type: 'error', xid: req!.xid, errType: 1, code: 2, data: Buffer.alloc(0) });
    else if (reply === 'no table 0') answer(rig, req!, [{ tableId: 1, maxEntries: 9 }]);
    else answer(rig, req!, [{ tableId: 0, maxEntries: reply }]);
    assert.equal(rig.session.ready, true);
    assert.equal(rig.session.table.capacity, null);
    assert.equal(lines.filter((l) => l.includes('table capacity unknown')).length, 1);
    assert.equal(tableRequests(rig).length, 1, 'nothing measured without a capacity');
    const x = rig.host.tenants.get('x')!;
    x.ready();
    for (let i = 0; i < 20; i++) x.sendToProxy(xRule(100 + i, i + 1));
    assert.deepEqual(x.of('error'), []);
    assert.equal(rig.host.sliceCounters.get('x')!.flowEntries, 20);
  });
}

test('a switch that never answers has no capacity after the timeout (logged once); the handshake did not wait', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const lines: string[] = [];
    const rig = connectSession(plan, { log: recordingLogger(lines) });
    assert.equal(rig.session.ready, true);
    assert.equal(rig.host.readyCalls, 1);
    mock.timers.tick(CAPACITY_TIMEOUT_MS);
    assert.deepEqual(
      lines.filter((l) => l.includes('table capacity')),
      ['info switch table capacity unknown: tenant rules bounded by flow_entries only'],
    );
    // A late answer changes nothing.
    answer(rig, tableRequests(rig)[0]!, [{ tableId: 0, maxEntries: 10 }]);
    assert.equal(rig.session.table.capacity, null);
  } finally {
    mock.timers.reset();
  }
});

for (const [version, errType, code, label] of [
  [OFP13, 5, 1, 'FLOW_MOD_FAILED / TABLE_FULL'],
  [OFP10, 3, 0, 'FLOW_MOD_FAILED / ALL_TABLES_FULL'],
] as const) {
  test(`OpenFlow ${version === OFP13 ? '1.3' : '1.0'}: the slices together never hold more than the switch leaves them (${label})`, () => {
    // 10 entries, 5 of them the hypervisor's (1.0: 7 once the two miss-emulation rules are in): room 5 (3).
    const rig = withCapacity(version, 10, 5);
    const { x, y, channel, host } = rig;
    const room = version === OFP13 ? 5 : 3;
    assert.deepEqual(rig.session.table, { capacity: 10, otherRules: 10 - room, tenantRules: 0 });
    // y: one rule without in_port is two entries (edge port 2, link port 3); y's own limit is 3.
    y.sendToProxy(flowMod({ xid: 1, match: { eth_dst: { value: 9n } }, instructions: toPort2 }));
    const flowModsBefore = channel.of('flow_mod').length;
    for (let i = 0; i < 6; i++) x.sendToProxy(xRule(10 + i, i + 1));
    const fits = room - 2;
    assert.deepEqual(
      x.of('error').map((e) => [e.xid, e.errType, e.code]),
      Array.from({ length: 6 - fits }, (_, i) => [10 + fits + i, errType, code]),
      `every add past the room refused with ${label}`,
    );
    assert.equal(channel.of('flow_mod').length - flowModsBefore, fits, 'refused adds never reach the switch');
    assert.equal(host.sliceCounters.get('x')!.refused['flow_mod/table_full'], 6 - fits);
    assert.deepEqual(rig.session.table, { capacity: 10, otherRules: 10 - room, tenantRules: room });
    // The same rule again replaces it: accepted at a full table.
    x.sendToProxy(xRule(30, 1));
    assert.equal(x.of('error').length, 6 - fits);
    // A delete makes room for one more.
    x.sendToProxy(xRule(31, 1, OFPFC.DELETE_STRICT));
    x.sendToProxy(xRule(32, 100));
    x.sendToProxy(xRule(33, 101));
    assert.deepEqual(
      x
        .of('error')
        .map((e) => e.xid)
        .slice(6 - fits),
      [33],
    );
    assert.equal(rig.session.table.tenantRules, room);
  });
}

test("tracked rules (live and deleted ones waiting for their flow-removed) stay within the switch's room", () => {
  const rig = withCapacity(OFP13, 10, 5); // room 5
  const { x, y, session } = rig;
  const xt = session.bindings.get('x')!.table;
  y.sendToProxy(flowMod({ xid: 1, match: { eth_dst: { value: 9n } }, instructions: toPort2 }));
  assert.equal(session.bindings.get('y')!.table.size, 1);
  for (let i = 0; i < 3; i++) x.sendToProxy(xRule(10 + i, i + 1));
  for (let i = 0; i < 3; i++) x.sendToProxy(xRule(20 + i, i + 1, OFPFC.DELETE_STRICT));
  assert.equal(xt.size, 3, 'the deleted rules wait for their flow-removed');
  for (let i = 0; i < 3; i++) x.sendToProxy(xRule(30 + i, 50 + i));
  // Room 5, y tracks 1: x may track 4 (3 live, 1 deleted); the earliest deleted are forgotten.
  assert.equal(xt.entries, 3);
  assert.equal(xt.size, 4);
  assert.deepEqual(x.of('error'), []);
});

test("the measurement counts the tenant rules as its request left: the switch's answer is in order", () => {
  const rig = withCapacity(OFP13, 100, 4);
  const { x, session } = rig;
  for (let i = 0; i < 3; i++) x.sendToProxy(xRule(10 + i, i + 1));
  // Every apply measures again (the plan's rules may have changed).
  void session.apply(rig.views);
  rig.channel.answerBarriers();
  const req = tableRequests(rig).at(-1)!;
  assert.equal(req.mpType, 'table');
  // Rules added after the request left are not in the switch's count.
  for (let i = 0; i < 2; i++) x.sendToProxy(xRule(20 + i, 10 + i));
  answer(rig, req, [{ tableId: 0, activeCount: 4 + 3 }]);
  assert.deepEqual(session.table, { capacity: 100, otherRules: 4, tenantRules: 5 });
});
