// What the partition fault tests (cluster-minority, cluster-split) share: the line network with a
// fifth port on s2, extra slices on the spare edge ports, Open vSwitch's master view sampled for
// double masters, and the waits for "the majority masters every switch" and "every node
// converged after healing" (the observable conditions those tests wait for).
import { before, after } from 'node:test';
import { ClusterRig, DPIDS, lineSlices, type NodeHandle } from './rig.js';
import { PartitionNet } from './partition-net.js';
import { waitFor } from '../../src/lab/proc.js';

export interface PartitionSuite {
  rig: ClusterRig | undefined;
  net: PartitionNet | undefined;
}

/**
 * Registers the suite's before/after hooks (call inside `describe`): 3 Hazelcast members and 3
 * nodes, member i and node n<i+1> in namespace i, no hosts or tenants. The fields are set once
 * `before` has run.
 */
export function partitionSuite(): PartitionSuite {
  const s: PartitionSuite = { rig: undefined, net: undefined };
  before(async () => {
    s.net = PartitionNet.create(3);
    s.rig = await ClusterRig.start({ nodes: 3, members: 3, noTraffic: true, net: s.net });
  });
  after(async () => {
    await s.rig?.teardown();
    s.net?.teardown();
  });
  return s;
}

export const BRIDGES = ['s1', 's2', 's3'];

/** The line network (alpha, beta) with a fifth port on s2 and `extra` slices. */
export const lineText = (extra = '') =>
  lineSlices(7001, 7002, extra).replace('switch s2 dpid 2 { port 1..4', 'switch s2 dpid 2 { port 1..5');

/** A slice on the spare edge ports (s1:4, s2:5, s3:4): base rules on every switch. */
export const edgeSlice = (name: string, vlan: number, port: number) => `slice ${name} {
  controller "tcp:127.0.0.1:${port}"
  overlay vlan ${vlan}
  flowspace { edge: match on s1:4, s2:5, s3:4 }
}
`;

/** Open vSwitch's masters of every bridge, sampled every 100 ms until `stop()`, which returns each time a bridge had two. */
export function sampleDoubleMasters(rig: ClusterRig): { stop(): Promise<string[]> } {
  const seen: string[] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      for (const b of BRIDGES) {
        const m = rig.masterTargets(b);
        if (m.length > 1) seen.push(`${b}: ${m.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      on = false;
      await loop;
      return seen;
    },
  };
}

/** Waits until the given nodes master every switch, as their status and Open vSwitch both say. */
export async function waitForMasters(rig: ClusterRig, nodes: NodeHandle[], timeoutMs = 60_000): Promise<void> {
  const ids = new Set(nodes.map((n) => n.id));
  const targets = new Set(nodes.map((n) => rig.target(n)));
  await waitFor(
    `${[...ids].join(', ')} master every switch, as Open vSwitch sees it`,
    async () => {
      const st = await rig.api(nodes[0], 'GET', '/v1/status');
      const masters = (st.body.switches as Array<{ dpid: string; master: string | null }>).map((s) => s.master);
      return (
        DPIDS.length === masters.length &&
        masters.every((m) => m !== null && ids.has(m)) &&
        BRIDGES.every((b) => {
          const t = rig.masterTargets(b);
          return t.length === 1 && targets.has(t[0]);
        })
      );
    },
    timeoutMs,
    200,
  ).catch(async (e) => {
    const views = await Promise.all(nodes.map((n) => rig.api(n, 'GET', '/v1/status')));
    console.error(
      JSON.stringify(views.map((v) => v.body.switches)),
      BRIDGES.map((b) => rig.masterTargets(b)),
    );
    throw e;
  });
}

/**
 * Waits until the members have split: member `cut` sees a cluster of 1 and every other member sees
 * all but it. Until then a write whose backup is on the other side is not confirmed and fails
 * (`502 STORE_UNAVAILABLE`, docs/cluster.md "Partitions"), on either side.
 */
export async function waitForSplit(rig: ClusterRig, cut: number, members: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `member ${cut + 1} sees a cluster of 1, the others a cluster of ${members - 1}`,
    () => Array.from({ length: members }, (_, i) => rig.hz!.sizeSeenBy(i) === (i === cut ? 1 : members - 1)).every(Boolean),
    timeoutMs,
    200,
  );
}

/**
 * After healing: every member sees the whole cluster again (merged), then every node lists the
 * same revisions and the same master of every switch.
 */
export async function waitForConvergence(rig: ClusterRig, members: number, timeoutMs = 120_000): Promise<void> {
  await rig.hz!.waitForSize(members, timeoutMs);
  const revisionsOf = async (n: NodeHandle) => JSON.stringify((await rig.api(n, 'GET', '/v1/revisions')).body.revisions);
  await waitFor(
    'every node reports the same revisions and the same masters',
    async () => {
      const lists = await Promise.all(rig.nodes.map(revisionsOf));
      const m = await rig.masters();
      return lists.every((l) => l === lists[0]) && DPIDS.every((d) => m[d] !== undefined);
    },
    timeoutMs,
    500,
  );
}
