// The queue reconciler's pure decision (queue-diff.ts) and the plan → desired-queues derivation:
// what it writes, what it guards, and that rows of other owners, other switches or nobody are
// never in a write. The same flows against real OVSDB are in queues-ovs.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffQueues, queueOtherConfig, type ObservedSwitch } from '../../src/ovsdb/queue-diff.js';
import { switchQueuesFromPlan, type SwitchQueues } from '../../src/ovsdb/queues.js';
import type { Operation } from '../../src/ovsdb/types.js';
import type { Plan } from '@dfvisor/grammar';

const DP = '0000000000000001';
const mine = (port: number, extra: Record<string, string> = {}) => ({
  'dfvisor-owner': 'o',
  'dfvisor-dpid': DP,
  'dfvisor-port': String(port),
  ...extra,
});

function world(over: Partial<ObservedSwitch> = {}): ObservedSwitch {
  const ports = [
    { uuid: 'p1', name: 'eth1', ofports: [1], qos: undefined as string | undefined },
    { uuid: 'p2', name: 'eth2', ofports: [2], qos: 'theirs' },
  ];
  return {
    bridge: { uuid: 'b', name: 'br0' },
    bridgePorts: ports,
    allPorts: ports,
    qos: [{ uuid: 'theirs', type: 'linux-htb', otherConfig: {}, queues: new Map(), externalIds: {} }],
    queues: [],
    ...over,
  };
}

const one: SwitchQueues = {
  dpid: DP,
  ports: [{ port: 1, capacityBps: 1000, queues: [{ queueId: 5, slice: 's', class: null, minBps: 100, maxBps: null }] }],
};
/** Every uuid a write operation names (where clauses and mutations). */
const touched = (ops: Operation[]) =>
  ops
    .filter((o) => o.op !== 'wait')
    .flatMap((o) => JSON.stringify(o).match(/"uuid","[^"]+"/g) ?? [])
    .map((s) => s.split('"')[3]);

test('a new port gets a guarded Port.qos write, a QoS and its queue, in one transaction', () => {
  const { ops, report } = diffQueues('o', one, world());
  assert.deepEqual(
    ops.map((o) => `${o.op} ${'table' in o ? o.table : ''}`),
    ['wait Port', 'insert Queue', 'insert QoS', 'update Port'],
  );
  assert.deepEqual(ops[0], {
    op: 'wait',
    table: 'Port',
    where: [['_uuid', '==', ['uuid', 'p1']]],
    columns: ['qos'],
    until: '==',
    timeout: 0,
    rows: [{ qos: ['set', []] }],
  });
  const qos = ops[2] as Extract<Operation, { op: 'insert' }>;
  assert.deepEqual(qos.row.queues, ['map', [[5, ['named-uuid', 'dfv_queue_1_5']]]]);
  assert.deepEqual(qos.row.other_config, ['map', [['max-rate', '1000']]]);
  assert.deepEqual(
    report.created.map((c) => c.table),
    ['Queue', 'QoS'],
  );
  assert.deepEqual(touched(ops), ['p1']);
});

test("a port using someone else's QoS is a conflict and no write names it", () => {
  const d: SwitchQueues = { dpid: DP, ports: [{ ...one.ports[0], port: 2 }] };
  const { ops, report } = diffQueues('o', d, world());
  assert.deepEqual(ops, []);
  assert.deepEqual(
    report.conflicts.map((c) => [c.port, c.portName, c.qos]),
    [[2, 'eth2', 'theirs']],
  );
});

test('rows of another owner or another switch are not ours: never updated or deleted', () => {
  const foreign = [
    { uuid: 'q-other-owner', type: 'linux-htb', otherConfig: {}, queues: new Map(), externalIds: { ...mine(1), 'dfvisor-owner': 'x' } },
    {
      uuid: 'q-other-dpid',
      type: 'linux-htb',
      otherConfig: {},
      queues: new Map(),
      externalIds: { ...mine(1), 'dfvisor-dpid': '0000000000000002' },
    },
  ];
  const queues = [{ uuid: 'u-other', otherConfig: {}, externalIds: { ...mine(1), 'dfvisor-owner': 'x' } }];
  const { ops } = diffQueues('o', { dpid: DP, ports: [] }, world({ qos: foreign, queues }));
  assert.deepEqual(ops, []);
});

test('undeploy clears Port.qos only by deleting our uuid from it (mutate), then deletes our rows', () => {
  const ours = { uuid: 'ours', type: 'linux-htb', otherConfig: {}, queues: new Map([[5, 'qu']]), externalIds: mine(1) };
  const ports = [{ uuid: 'p1', name: 'eth1', ofports: [1], qos: 'ours' }];
  const { ops, report } = diffQueues(
    'o',
    { dpid: DP, ports: [] },
    world({
      bridgePorts: ports,
      allPorts: ports,
      qos: [ours],
      queues: [{ uuid: 'qu', otherConfig: {}, externalIds: mine(1, { 'dfvisor-queue-id': '5', 'dfvisor-slice': 's' }) }],
    }),
  );
  assert.deepEqual(ops, [
    { op: 'mutate', table: 'Port', where: [['_uuid', '==', ['uuid', 'p1']]], mutations: [['qos', 'delete', ['set', [['uuid', 'ours']]]]] },
    { op: 'delete', table: 'QoS', where: [['_uuid', '==', ['uuid', 'ours']]] },
    { op: 'delete', table: 'Queue', where: [['_uuid', '==', ['uuid', 'qu']]] },
  ]);
  assert.deepEqual(
    report.removed.map((c) => [c.table, c.port, c.queueId ?? null, c.slice ?? null]),
    [
      ['QoS', 1, null, null],
      ['Queue', 1, 5, 's'],
    ],
  );
});

test('a leftover QoS of ours (not referenced) is reused for its port rather than duplicated', () => {
  const leftover = { uuid: 'left', type: 'linux-htb', otherConfig: { 'max-rate': '1000' }, queues: new Map(), externalIds: mine(1) };
  const { ops, report } = diffQueues('o', one, world({ qos: [leftover] }));
  assert.deepEqual(
    ops.map((o) => `${o.op} ${'table' in o ? o.table : ''}`),
    ['wait Port', 'insert Queue', 'update QoS', 'update Port'],
  );
  assert.deepEqual(
    report.updated.map((c) => [c.table, c.uuid]),
    [['QoS', 'left']],
  );
  assert.deepEqual(report.removed, []);
});

test('queue rates: min = guarantee, max = the queue max capped by the port capacity, else the capacity', () => {
  const port = { port: 1, capacityBps: 100e6, queues: [] };
  assert.deepEqual(queueOtherConfig(port, { queueId: 1, slice: 's', class: null, minBps: 30e6, maxBps: null }), {
    'min-rate': '30000000',
    'max-rate': '100000000',
  });
  assert.deepEqual(queueOtherConfig(port, { queueId: 1, slice: 's', class: null, minBps: null, maxBps: 500e6 }), {
    'max-rate': '100000000',
  });
  assert.deepEqual(
    queueOtherConfig({ ...port, capacityBps: null }, { queueId: 1, slice: 's', class: 'c', minBps: null, maxBps: null }),
    {},
  );
});

test("switchQueuesFromPlan groups the switch's plan queues by port, with the link capacity on each", () => {
  const plan = {
    network: {
      name: 'n',
      switches: [{ name: 's1', dpid: DP, ports: [{ number: 1 }, { number: 4, speedBps: 1e9 }] }],
      links: [
        { id: 'l', a: { switch: 's1', dpid: DP, port: 1 }, b: { switch: 's2', dpid: '0000000000000002', port: 1 }, capacityBps: 100e6 },
      ],
    },
    qos: {
      meters: [],
      links: [],
      queues: [
        { dpid: DP, port: 4, queueId: 9, slice: 'b', class: 'voice', minBps: null, maxBps: 1e6 },
        { dpid: DP, port: 1, queueId: 2, slice: 'b', class: null, minBps: 20e6, maxBps: null },
        { dpid: DP, port: 1, queueId: 1, slice: 'a', class: null, minBps: 30e6, maxBps: 50e6 },
        { dpid: '0000000000000002', port: 1, queueId: 1, slice: 'a', class: null, minBps: 30e6, maxBps: 50e6 },
      ],
    },
  } as unknown as Pick<Plan, 'network' | 'qos'>;
  assert.deepEqual(switchQueuesFromPlan(plan, DP), {
    dpid: DP,
    ports: [
      {
        port: 1,
        capacityBps: 100e6,
        queues: [
          { queueId: 1, slice: 'a', class: null, minBps: 30e6, maxBps: 50e6 },
          { queueId: 2, slice: 'b', class: null, minBps: 20e6, maxBps: null },
        ],
      },
      { port: 4, capacityBps: 1e9, queues: [{ queueId: 9, slice: 'b', class: 'voice', minBps: null, maxBps: 1e6 }] },
    ],
  });
  assert.deepEqual(switchQueuesFromPlan(plan, '00000000000000aa'), { dpid: '00000000000000aa', ports: [] });
});
