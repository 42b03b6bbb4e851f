// Slice-wide flow_entries across nodes: the pure sum (local live counts + other switches'
// published counts), and two slicing proxies (two nodes on one embedded global tier), each
// serving one Open vSwitch bridge of a slice with `flow_entries 10`: once one node holds the
// slice's 10, the other refuses every rule (k nodes do not allow k × N).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, HazelcastStore, LocalTier, type GlobalStore } from '../../src/store/index.js';
import { HazelcastCluster } from '../store/hazelcast-cluster.js';
import { SliceTotals, entriesKey, parseEntriesKey, sliceTotal } from '../../src/cluster/index.js';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { FC, OFP13, type FlowMatch } from '../../src/proxy/messages.js';
import { ScriptedController } from '../harness/scripted-controller.js';
import { sharedHandle } from '../store/shared-handle.js';
import { baseFlowMod, linePlan } from '../proxy/fixtures.js';

test('a slice total is the live local counts plus the published counts of switches not served here', () => {
  const local = new Map([['a', 3]]);
  const published = new Map([
    ['a', 7],
    ['b', 4],
  ]);
  assert.equal(sliceTotal(local, published), 7, 'a switch served here counts live, not as published');
  assert.equal(sliceTotal(new Map(), published), 11);
  assert.equal(sliceTotal(local, undefined), 3);
  assert.deepEqual(parseEntriesKey(entriesKey('red', '0000000000000001')), { slice: 'red', dpid: '0000000000000001' });
  assert.equal(parseEntriesKey('other/red/1'), null);
  assert.equal(parseEntriesKey('flow-entries/red/'), null);
});

/**
 * Two nodes' SliceTotals over one global tier (`open` gives each node its own client): what one
 * node publishes the other counts; its own switches count live, not as published.
 */
async function twoNodes(open: () => Promise<GlobalStore>): Promise<void> {
  const counts = [new Map<string, number>(), new Map<string, number>()];
  const stores = [await open(), await open()];
  const tiers: LocalTier[] = [];
  const totals: SliceTotals[] = [];
  try {
    for (const [i, store] of stores.entries()) {
      const t = await LocalTier.open(store, ['meta']);
      assert.ok(t.ok);
      tiers.push(t.value);
      const local = () => [...counts[i]!].map(([dpid, entries]) => ({ slice: 'q', dpid, entries }));
      totals.push(new SliceTotals({ store, tier: t.value, nodeId: `n${i}`, local, intervalMs: 50 }));
      totals[i]!.start();
    }
    counts[0]!.set('0000000000000001', 10);
    counts[1]!.set('0000000000000002', 0);
    assert.ok(await tiers[1]!.waitFor(() => totals[1]!.total('q') === 10, 15_000), "node 2 counts node 1's switch");
    assert.equal(totals[0]!.total('q'), 10);
    counts[1]!.set('0000000000000002', 4);
    assert.equal(totals[1]!.total('q'), 14, 'its own switch live at once');
    assert.ok(await tiers[0]!.waitFor(() => totals[0]!.total('q') === 14, 15_000));
    // A switch moves to node 2 (node 1 no longer masters it): node 2's live count replaces the published one.
    counts[0]!.delete('0000000000000001');
    counts[1]!.set('0000000000000001', 3);
    assert.equal(totals[1]!.total('q'), 7);
    assert.ok(await tiers[0]!.waitFor(() => totals[0]!.total('q') === 7, 15_000));
  } finally {
    for (const t of totals) t.stop();
    for (const t of tiers) await t.close();
    for (const s of stores) await s.close();
  }
}

test('two nodes on the embedded global tier count each other’s switches', async () => {
  const opened = await EmbeddedStore.open();
  assert.ok(opened.ok);
  const store = opened.value;
  await twoNodes(async () => sharedHandle(store));
  await store.close();
});

test('two nodes on a Hazelcast global tier count each other’s switches', { timeout: 120_000 }, async () => {
  const cluster = await HazelcastCluster.start(1);
  try {
    const prefix = `totals-${Date.now().toString(36)}`;
    await twoNodes(async () => {
      const r = await HazelcastStore.open({
        members: cluster.addresses,
        clusterName: cluster.clusterName,
        prefix,
        connectTimeoutMs: 15_000,
      });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      return r.value;
    });
  } finally {
    await cluster.stop();
  }
});

const dst = (i: number): FlowMatch => ({ eth_type: { value: 0x800n }, ipv4_dst: { value: 0x0a010000n + BigInt(i) } });

describe('slice-wide flow_entries over two nodes on the embedded global tier, with Open vSwitch', { timeout: 120_000 }, () => {
  const ovs = new OvsSandbox();
  const nodes: Array<{ proxy: SlicingProxy; totals: SliceTotals; tier: LocalTier }> = [];
  let store: EmbeddedStore;
  let tenant: ScriptedController;

  before(async () => {
    const opened = await EmbeddedStore.open();
    assert.ok(opened.ok);
    store = opened.value;
    const ctlPort = await freePort();
    tenant = new ScriptedController(ctlPort, [OFP13]);
    await tenant.start();
    ovs.start();
    // Slice q: port 1 of s1 and port 2 of s2 (and the link between them), 10 entries slice-wide.
    const plan = linePlan([
      {
        name: 'q',
        controllerPort: ctlPort,
        vlan: 110,
        flowspace: [
          [1, 1, {}],
          [2, 2, {}],
        ],
        flowEntries: 10,
      },
    ]);
    for (const [i, bridge] of [
      [1, 's1'],
      [2, 's2'],
    ] as const) {
      ovs.addBridge(bridge, i, 'OpenFlow13');
      const handle = sharedHandle(store);
      const tr = await LocalTier.open(handle, ['meta']);
      assert.ok(tr.ok);
      const tier = tr.value;
      let totals: SliceTotals | undefined;
      const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0', sliceEntries: (slice) => totals!.total(slice) });
      totals = new SliceTotals({ store: handle, tier, nodeId: `node${i}`, local: () => proxy.entriesBySwitch(), intervalMs: 50 });
      totals.start();
      const { port } = await proxy.start();
      await proxy.applyPlan(plan);
      nodes.push({ proxy, totals, tier });
      ovs.setController(bridge, `tcp:127.0.0.1:${port}`);
    }
    ovs.link('s1', 3, 's2', 1);
    ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
    ovs.addHost({ name: 'h2', bridge: 's2', ofport: 2, ip: '10.0.0.2/24' });
  });

  after(async () => {
    for (const n of nodes) {
      n.totals.stop();
      await n.proxy.stop().catch(() => {});
      await n.tier.close();
    }
    await tenant?.stop().catch(() => {});
    ovs.teardown();
    await store?.close();
  });

  test('once node 1 holds the slice’s 10 entries, node 2 refuses every rule; a delete on node 1 frees room on node 2', async () => {
    const c1 = await tenant.connection(1n, 30_000);
    const c2 = await tenant.connection(2n, 30_000);
    // Each rule is 2 physical entries on s1 (edge port 1 and the tagged link port 3).
    const x1 = Array.from({ length: 8 }, (_, i) =>
      tenant.send(c1, { type: 'flow_mod', ...baseFlowMod({ match: dst(i), instructions: [] }) }),
    );
    const a1 = await tenant.settle(c1, x1);
    assert.equal(a1.filter((m) => m.type === 'error').length, 3, '5 rules (10 entries) fit on node 1');
    assert.equal(nodes[0]!.proxy.status().slices.q!.flowEntries, 10);
    // Node 2 learns node 1's count through the global tier.
    await waitFor("node 2 sees node 1's entries", () => nodes[1]!.totals.total('q') === 10, 10_000, 20);
    const x2 = Array.from({ length: 5 }, (_, i) =>
      tenant.send(c2, { type: 'flow_mod', ...baseFlowMod({ match: dst(100 + i), instructions: [] }) }),
    );
    const a2 = await tenant.settle(c2, x2);
    assert.equal(a2.filter((m) => m.type === 'error').length, 5, 'node 2 refuses all: the slice is full cluster-wide');
    assert.equal(ovs.dumpFlows('s2').filter((l) => /nw_dst=10\.1\./.test(l)).length, 0);
    // A delete on node 1 frees room; node 2 can then add as much as was freed.
    const d = tenant.send(c1, { type: 'flow_mod', ...baseFlowMod({ command: FC.DELETE_STRICT, match: dst(0) }) });
    await tenant.settle(c1, [d]);
    await waitFor("node 2 sees node 1's delete", () => nodes[1]!.totals.total('q') === 8, 10_000, 20);
    const x3 = [0, 1].map((i) => tenant.send(c2, { type: 'flow_mod', ...baseFlowMod({ match: dst(200 + i), instructions: [] }) }));
    const a3 = await tenant.settle(c2, x3);
    assert.equal(a3.filter((m) => m.type === 'error').length, 1, 'one rule (2 entries) fits again');
    const held = (br: string) => ovs.dumpFlows(br).filter((l) => /nw_dst=10\.1\./.test(l)).length;
    assert.equal(held('s1') + held('s2'), 10, 'the switches hold the slice’s 10 entries in all');
  });
});
