// The queue reconciler against a real ovsdb-server + ovs-vswitchd (OvsSandbox): what a deploy,
// a repeat, a changed guarantee, a removed slice and an undeploy leave in OVSDB, read back with
// ovs-vsctl and as the switch reports them in OpenFlow queue stats; and that rows DFVisor did not create (a hand-made QoS and Queue, bridge external_ids,
// other ports' qos, the same owner's rows of another switch) are byte-for-byte untouched throughout.
// Run under `flock /tmp/dfv-integration.lock`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { waitFor } from '../../src/lab/proc.js';
import { OvsdbClient } from '../../src/ovsdb/client.js';
import { reconcileQueues, type QueueReconcileResult } from '../../src/ovsdb/queue-reconciler.js';
import type { SwitchQueues } from '../../src/ovsdb/queues.js';
import { createOperatorQos, listRows, type OvsRow } from './ovs-rows.js';

const OWNER = 'dfv-test-deployment';
const S1 = '0000000000000001',
  S2 = '0000000000000002';
const M = 1_000_000;

let ovs: OvsSandbox;
let client: OvsdbClient;
/** OpenFlow port → Port name, per bridge. */
const names: Record<string, Record<number, string>> = { s1: {}, s2: {} };

const list = (table: string): OvsRow[] => listRows(ovs, table);

/** The (port, queue id) pairs ovs-vswitchd reports in OpenFlow queue stats (what the proxy's apply check asks), queue 0 (the default class) left out. */
function switchQueues(bridge: string): string[] {
  return [...ovs.ofctl('-O', 'OpenFlow13', 'queue-stats', bridge).matchAll(/port (\d+) queue (\d+):/g)]
    .filter((m) => m[2] !== '0')
    .map((m) => `${m[1]}/${m[2]}`)
    .sort();
}

const portQos = (name: string) => ovs.vsctl('get', 'port', name, 'qos').trim();

/** Everything DFVisor must not touch: rows not marked with our owner for s1, and other ports' qos. */
/** Every row of a table, in uuid order (ovsdb-server lists rows in no fixed order). */
const sortedRows = (table: string) => list(table).sort((x, y) => String(x._uuid).localeCompare(String(y._uuid)));

function untouched(): string {
  const mine = (r: OvsRow) =>
    (r.external_ids as Record<string, string>)['dfvisor-owner'] === OWNER &&
    (r.external_ids as Record<string, string>)['dfvisor-dpid'] === S1;
  return JSON.stringify({
    qos: sortedRows('qos').filter((r) => !mine(r)),
    queue: sortedRows('queue').filter((r) => !mine(r)),
    bridges: list('bridge')
      .map((b) => [b.name, b.external_ids, b.other_config])
      .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    otherPorts: [names.s1[3], names.s2[1], names.s2[2]].map((n) => [n, portQos(n)]),
  });
}

/** s1's QoS rows of ours, by OpenFlow port: rates, queue ids and each queue's rates and marks. */
function ourS1State(): Record<string, unknown> {
  const queues = new Map(list('queue').map((q) => [q._uuid, q]));
  const out: Record<string, unknown> = {};
  for (const q of list('qos')) {
    const ext = q.external_ids as Record<string, string>;
    if (ext['dfvisor-owner'] !== OWNER || ext['dfvisor-dpid'] !== S1) continue;
    const port = Number(ext['dfvisor-port']);
    assert.equal(portQos(names.s1[port]), q._uuid, `Port ${names.s1[port]}.qos points to our QoS`);
    out[port] = {
      type: q.type,
      other_config: q.other_config,
      queues: Object.fromEntries(
        Object.entries(q.queues as Record<string, string>).map(([id, u]) => {
          const row = queues.get(u)!;
          const e = row.external_ids as Record<string, string>;
          return [
            id,
            {
              ...(row.other_config as object),
              slice: e['dfvisor-slice'],
              class: e['dfvisor-class'] ?? null,
              queueId: e['dfvisor-queue-id'],
            },
          ];
        }),
      ),
    };
  }
  return out;
}

function desiredS1(aGuarantee: number, withB: boolean): SwitchQueues {
  return {
    dpid: S1,
    ports: [
      {
        port: 1,
        capacityBps: 100 * M,
        queues: [
          { queueId: 1, slice: 'a', class: null, minBps: aGuarantee, maxBps: null },
          ...(withB ? [{ queueId: 2, slice: 'b', class: null, minBps: 20 * M, maxBps: 50 * M }] : []),
          { queueId: 3, slice: 'a', class: 'voice', minBps: null, maxBps: 10 * M },
        ],
      },
      { port: 2, capacityBps: null, queues: [{ queueId: 1, slice: 'a', class: null, minBps: 5 * M, maxBps: null }] },
      // Port 3 uses a hand-made QoS: a conflict. Port 9 does not exist.
      { port: 3, capacityBps: 100 * M, queues: [{ queueId: 1, slice: 'a', class: null, minBps: 5 * M, maxBps: null }] },
      { port: 9, capacityBps: 100 * M, queues: [{ queueId: 1, slice: 'a', class: null, minBps: 5 * M, maxBps: null }] },
    ],
  };
}

async function reconcile(d: SwitchQueues): Promise<Extract<QueueReconcileResult, { ok: true }>> {
  const r = await reconcileQueues(client, d, { owner: OWNER });
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  assert.deepEqual(r.report.missingPorts, d.ports.some((p) => p.port === 9) ? [9] : []);
  return r;
}

let baseline = '';

before(async () => {
  ovs = new OvsSandbox();
  ovs.start();
  ovs.addBridge('s1', 1);
  ovs.addBridge('s2', 2);
  for (const p of [1, 2, 3]) ovs.link('s1', p, 's2', p);
  for (const i of list('interface')) {
    const m = /^d[0-9a-f]{4}(s[12])(\d)/.exec(String(i.name));
    if (m) names[m[1]][Number(m[2])] = String(i.name);
  }
  // Someone else's configuration: a QoS with a queue on s1 port 3 and on s2 port 1, bridge external_ids.
  createOperatorQos(ovs, names.s1[3]!);
  ovs.vsctl(
    'set',
    'port',
    names.s2[1],
    'qos=@q',
    '--',
    '--id=@q',
    'create',
    'qos',
    'type=linux-htb',
    'queues:1=@q1',
    '--',
    '--id=@q1',
    'create',
    'queue',
    'other-config:max-rate=42',
  );
  ovs.vsctl('br-set-external-id', 's1', 'site', 'lab-7');
  const c = await OvsdbClient.connect(`unix:${ovs.dir}/db.sock`);
  assert.ok(c.ok, c.ok ? '' : c.error.message);
  client = c.value;
  // The same owner's queues on the other switch (s2 port 2): scoped by dpid, never touched by s1's reconciles.
  const s2 = await reconcileQueues(
    client,
    { dpid: S2, ports: [{ port: 2, capacityBps: 10 * M, queues: [{ queueId: 1, slice: 'a', class: null, minBps: M, maxBps: null }] }] },
    { owner: OWNER },
  );
  assert.ok(s2.ok && s2.changed);
  baseline = untouched();
});

after(() => {
  client?.close();
  ovs?.teardown();
});

test('deploy: one linux-htb QoS per port, one Queue per plan queue id, Port.qos set; conflicts and missing ports reported', async () => {
  const r = await reconcile(desiredS1(30 * M, true));
  assert.equal(r.changed, true);
  assert.equal(r.transactions, 2, 'one read, one write');
  assert.deepEqual(r.report.created.map((c) => `${c.table}:${c.port}:${c.queueId ?? ''}`).sort(), [
    'QoS:1:',
    'QoS:2:',
    'Queue:1:1',
    'Queue:1:2',
    'Queue:1:3',
    'Queue:2:1',
  ]);
  assert.deepEqual([r.report.updated, r.report.removed], [[], []]);
  assert.equal(r.report.conflicts.length, 1);
  assert.equal(r.report.conflicts[0].port, 3);
  assert.equal(r.report.conflicts[0].qos, portQos(names.s1[3]));
  assert.deepEqual(ourS1State(), {
    1: {
      type: 'linux-htb',
      other_config: { 'max-rate': '100000000' },
      queues: {
        1: { 'min-rate': '30000000', 'max-rate': '100000000', slice: 'a', class: null, queueId: '1' },
        2: { 'min-rate': '20000000', 'max-rate': '50000000', slice: 'b', class: null, queueId: '2' },
        3: { 'max-rate': '10000000', slice: 'a', class: 'voice', queueId: '3' },
      },
    },
    2: { type: 'linux-htb', other_config: {}, queues: { 1: { 'min-rate': '5000000', slice: 'a', class: null, queueId: '1' } } },
  });
  assert.equal(untouched(), baseline);
  // ovs-vswitchd applied them: the switch reports exactly the plan's queue ids over OpenFlow
  // (the hand-made queue 7 on port 3 too), and a flow steers into one by that id.
  await waitFor(
    'the switch to report the new queues',
    () => JSON.stringify(switchQueues('s1')) === JSON.stringify(['1/1', '1/2', '1/3', '2/1', '3/7']),
  );
  ovs.ofctl('-O', 'OpenFlow13', 'add-flow', 's1', 'priority=100,in_port=2,actions=set_queue:2,output:1');
  assert.ok(ovs.dumpFlows('s1').some((f) => f.includes('in_port=2') && f.includes('actions=set_queue:2,output:1')));
});

test('the same input again changes nothing (read only)', async () => {
  const before = JSON.stringify([sortedRows('qos'), sortedRows('queue'), sortedRows('port')]);
  const r = await reconcile(desiredS1(30 * M, true));
  assert.equal(r.changed, false);
  assert.equal(r.transactions, 1);
  assert.deepEqual([r.report.created, r.report.updated, r.report.removed], [[], [], []]);
  assert.equal(JSON.stringify([sortedRows('qos'), sortedRows('queue'), sortedRows('port')]), before);
});

test('a changed guarantee updates that Queue row in place', async () => {
  const queueUuid = (list('qos').find((q) => q._uuid === portQos(names.s1[1]))!.queues as Record<string, string>)['1'];
  const r = await reconcile(desiredS1(40 * M, true));
  assert.deepEqual(
    r.report.updated.map((c) => [c.table, c.port, c.queueId, c.uuid]),
    [['Queue', 1, 1, queueUuid]],
  );
  assert.deepEqual([r.report.created, r.report.removed], [[], []]);
  const state = ourS1State() as Record<number, { queues: Record<string, Record<string, string>> }>;
  assert.equal(state[1].queues[1]['min-rate'], '40000000');
  assert.equal((list('qos').find((q) => q._uuid === portQos(names.s1[1]))!.queues as Record<string, string>)['1'], queueUuid);
  assert.equal(untouched(), baseline);
});

test('removing a slice removes its Queue and its QoS map entry', async () => {
  const gone = (list('qos').find((q) => q._uuid === portQos(names.s1[1]))!.queues as Record<string, string>)['2'];
  const r = await reconcile(desiredS1(40 * M, false));
  assert.deepEqual(
    r.report.removed.map((c) => [c.table, c.port, c.queueId, c.slice, c.uuid]),
    [['Queue', 1, 2, 'b', gone]],
  );
  assert.deepEqual(
    r.report.updated.map((c) => [c.table, c.port]),
    [['QoS', 1]],
  );
  const state = ourS1State() as Record<number, { queues: Record<string, unknown> }>;
  assert.deepEqual(Object.keys(state[1].queues), ['1', '3']);
  assert.equal(
    list('queue').some((q) => q._uuid === gone),
    false,
  );
  assert.equal(untouched(), baseline);
});

test('undeploy: every QoS and Queue of ours on s1 is deleted and Port.qos cleared; nothing else changes', async () => {
  const ourQos = [portQos(names.s1[1]), portQos(names.s1[2])];
  const r = await reconcile({ dpid: S1, ports: [] });
  assert.deepEqual(
    r.report.removed
      .filter((c) => c.table === 'QoS')
      .map((c) => c.port)
      .sort(),
    [1, 2],
  );
  assert.equal(r.report.removed.filter((c) => c.table === 'Queue').length, 3);
  assert.deepEqual([portQos(names.s1[1]), portQos(names.s1[2])], ['[]', '[]']);
  const mineLeft = [...list('qos'), ...list('queue')].filter((x) => {
    const e = x.external_ids as Record<string, string>;
    return e['dfvisor-owner'] === OWNER && e['dfvisor-dpid'] === S1;
  });
  assert.deepEqual(mineLeft, []);
  assert.equal(
    list('qos').some((q) => ourQos.includes(q._uuid)),
    false,
  );
  assert.equal(untouched(), baseline);
  // The hand-made QoS on s1 port 3 still has its queue; s2's rows (same owner) are still there.
  assert.notEqual(portQos(names.s1[3]), '[]');
  assert.notEqual(portQos(names.s2[2]), '[]');
  await waitFor('the switch to drop our queues', () => JSON.stringify(switchQueues('s1')) === JSON.stringify(['3/7']));
  const again = await reconcile({ dpid: S1, ports: [] });
  assert.equal(again.changed, false);
});

test('a switch that is not in the database is an error value', async () => {
  const r = await reconcileQueues(client, { dpid: '00000000000000ff', ports: [] }, { owner: OWNER });
  assert.deepEqual(!r.ok && r.error.code, 'no_bridge');
  const bad = await reconcileQueues(
    client,
    {
      dpid: S1,
      ports: [{ port: 1, capacityBps: -5, queues: [{ queueId: 2 ** 33, slice: 'a', class: null, minBps: null, maxBps: null }] }],
    },
    { owner: OWNER },
  );
  assert.deepEqual(!bad.ok && bad.error.code, 'bad_input');
  assert.match(!bad.ok ? bad.error.message : '', /capacity -5 is not a rate.*queue id 8589934592 out of range/);
});

test('two nodes reconciling the same switch at once end with one set of rows (the Port.qos guard)', async () => {
  const other = await OvsdbClient.connect(`unix:${ovs.dir}/db.sock`);
  assert.ok(other.ok);
  try {
    const d = desiredS1(30 * M, true);
    const [a, b] = await Promise.all([reconcileQueues(client, d, { owner: OWNER }), reconcileQueues(other.value, d, { owner: OWNER })]);
    assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
    const mine = (x: OvsRow) =>
      (x.external_ids as Record<string, string>)['dfvisor-owner'] === OWNER &&
      (x.external_ids as Record<string, string>)['dfvisor-dpid'] === S1;
    assert.equal(list('qos').filter(mine).length, 2);
    assert.equal(list('queue').filter(mine).length, 4);
    assert.deepEqual(Object.keys(ourS1State()), ['1', '2']);
    assert.equal(untouched(), baseline);
    const undeploy = await reconcile({ dpid: S1, ports: [] });
    assert.equal(undeploy.report.removed.length, 6);
    assert.equal([...list('qos'), ...list('queue')].filter(mine).length, 0);
  } finally {
    other.value.close();
  }
});
