// A partition of one Hazelcast member and its runtime node, both still running, with real
// processes: 3 Hazelcast members and 3 `dfvisor run --store hazelcast` nodes, member i and node
// n<i+1> in network namespace i (partition-net.ts), three Open vSwitch bridges in the root
// namespace that reach every node. Namespace 3 is cut off from the other two (blackhole routes:
// packets vanish) while the switches and the test still reach it. Checked: the minority node
// refuses deploys with 503 STORE_NO_QUORUM; the majority takes its switches and deploys there are
// applied to every switch; Open vSwitch never has two masters for a bridge (sampled throughout);
// after healing, every node reports the same revisions, and the healed node takes deploys again
// and every switch follows them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterRig, DPIDS, lineSlices, stepper, type NodeHandle } from './rig.js';
import { PartitionNet } from './partition-net.js';
import { waitFor } from '../../src/lab/proc.js';

let rig: ClusterRig;
let net: PartitionNet | undefined;
const step = stepper(() => rig);
const BRIDGES = ['s1', 's2', 's3'];
const EXTRA_PORT = 'switch s2 dpid 2 { port 1..5';
const text = (extra = '') => lineSlices(7001, 7002, extra).replace('switch s2 dpid 2 { port 1..4', EXTRA_PORT);
const slice = (name: string, vlan: number, port: number) => `slice ${name} {
  controller "tcp:127.0.0.1:${port}"
  overlay vlan ${vlan}
  flowspace { edge: match on s1:4, s2:5, s3:4 }
}
`;
/** Base rules of the slice with id `id`: cookie 0xffff << 48 | (id + 1) << 16 | seq. */
const baseRules = (bridge: string, id: number) =>
  rig.ovs.dumpFlows(bridge).filter((l) => new RegExp(`cookie=0xffff0000000${id + 1}[0-9a-f]{4},`).test(l));

async function revisionsOf(n: NodeHandle): Promise<string> {
  return JSON.stringify((await rig.api(n, 'GET', '/v1/revisions')).body.revisions);
}

describe('partition of one Hazelcast member and its node: 3 members, 3 nodes, Open vSwitch', { timeout: 300_000 }, () => {
  before(async () => {
    net = PartitionNet.create(3);
    rig = await ClusterRig.start({ nodes: 3, members: 3, noTraffic: true, net });
  });
  after(async () => {
    await rig?.teardown();
    net?.teardown();
  });

  it(
    'the minority refuses deploys with 503, the majority deploys and masters every switch, one master per bridge throughout, converged after healing',
    step(async () => {
      await rig.settledMasters(60_000);
      const r1 = await rig.deploy(rig.node('n1'), text());
      assert.equal(r1.status, 200, JSON.stringify(r1.body));
      const minority = rig.node('n3');
      const majority = [rig.node('n1'), rig.node('n2')];
      const majorityTargets = new Set(majority.map((n) => rig.target(n)));

      // Open vSwitch's view, sampled every 100 ms from the cut until the end: never two masters.
      const doubleMasters: string[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const b of BRIDGES) {
            const m = rig.masterTargets(b);
            if (m.length > 1) doubleMasters.push(`${b}: ${m.join(', ')}`);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      try {
        const cutAt = Date.now();
        net!.cut(2);
        // Split-brain protection counts members: the cut-off member refuses writes once it has
        // dropped the others (max.no.heartbeat). Before that a deploy there can still be taken
        // (docs/cluster.md, Known limits), so the minority's deploys are tried from then on.
        await waitFor('the cut-off member sees a cluster of 1', () => rig.hz!.sizeSeenBy(2) === 1, 60_000, 200);
        // The minority side: refused with a problem body, never accepted. Until its member has
        // dropped the others (max.no.heartbeat), a write may still wait for the store's timeout (502).
        let refused: Awaited<ReturnType<typeof rig.deploy>> | undefined;
        let refusedInMs = 0;
        const accepted: unknown[] = [];
        await waitFor(
          'the minority node answers a deploy with 503',
          async () => {
            const t0 = Date.now();
            const r = await rig.deploy(minority, text(slice('delta', 104, 7004)));
            if (r.status === 200) accepted.push(r.body);
            if (r.status !== 503) return false;
            refused = r;
            refusedInMs = Date.now() - t0;
            return true;
          },
          60_000,
          500,
        );
        assert.deepEqual(accepted, [], 'no deploy on the minority side was accepted');
        assert.equal(refused!.body.code, 'STORE_NO_QUORUM', JSON.stringify(refused!.body));
        assert.equal(refused!.headers.get('content-type')?.split(';')[0], 'application/problem+json');
        assert.match(refused!.body.detail, /majority/);
        console.log(`minority refused a deploy ${Date.now() - cutAt} ms after the cut; the refusal took ${refusedInMs} ms`);
        // Once refused, at once every time.
        const again = await rig.deploy(minority, text(slice('delta', 104, 7004)));
        assert.equal(again.status, 503, JSON.stringify(again.body));

        // The majority side takes every switch (Open vSwitch agrees) and deploys go on there.
        await waitFor(
          'the majority nodes master every switch, as Open vSwitch sees it',
          async () => {
            const st = await rig.api(majority[0], 'GET', '/v1/status');
            const masters = (st.body.switches as Array<{ dpid: string; master: string | null }>).map((s) => s.master);
            return (
              DPIDS.length === masters.length &&
              masters.every((m) => m === 'n1' || m === 'n2') &&
              BRIDGES.every((b) => {
                const t = rig.masterTargets(b);
                return t.length === 1 && majorityTargets.has(t[0]);
              })
            );
          },
          60_000,
          200,
        ).catch(async (e) => {
          const views = await Promise.all(majority.map((n) => rig.api(n, 'GET', '/v1/status')));
          console.error(JSON.stringify(views.map((v) => v.body.switches)), BRIDGES.map((b) => rig.masterTargets(b)));
          throw e;
        });
        const r2 = await rig.deploy(majority[1], text(slice('gamma', 103, 7003)));
        assert.equal(r2.status, 200, JSON.stringify(r2.body));
        const reports = r2.body.switches as Array<{ dpid: string; status: string; node: string }>;
        assert.deepEqual(
          reports.map((s) => [s.dpid, s.status]),
          DPIDS.map((d) => [d, 'applied']),
        );
        assert.ok(
          reports.every((s) => s.node !== 'n3'),
          `applied by the majority: ${JSON.stringify(reports)}`,
        );
        // gamma is slice id 2: its base rules are on every switch.
        for (const b of BRIDGES) assert.ok(baseRules(b, 2).length > 0, `gamma on ${b}`);

        // Heal: the members merge (the minority member joins the majority's cluster again), and
        // everything converges to the majority's revisions and masters.
        net!.heal(2);
        await rig.hz!.waitForSize(3, 120_000);
        await waitFor(
          'every node reports the same revisions and the same masters',
          async () => {
            const [a, b, c] = await Promise.all(rig.nodes.map(revisionsOf));
            const m = await rig.masters();
            return a === b && b === c && DPIDS.every((d) => m[d] !== undefined);
          },
          120_000,
          500,
        );
        const status = await Promise.all(rig.nodes.map((n) => rig.api(n, 'GET', '/v1/status')));
        assert.deepEqual(
          status.map((s) => s.body.revision),
          rig.nodes.map(() => r2.body.revision),
        );
        // The healed node takes deploys again (gamma removed), and every switch follows.
        const r3 = await rig.deploy(minority, text());
        assert.equal(r3.status, 200, JSON.stringify(r3.body));
        assert.deepEqual(
          (r3.body.switches as Array<{ dpid: string; status: string }>).map((s) => [s.dpid, s.status]),
          DPIDS.map((d) => [d, 'applied']),
        );
        for (const b of BRIDGES) assert.deepEqual(baseRules(b, 2), [], `gamma gone from ${b}`);
        await waitFor(
          'every node reports the healed node\'s deploy as its active revision',
          async () => (await Promise.all(rig.nodes.map((n) => rig.api(n, 'GET', '/v1/status')))).every((st) => st.body.revision === r3.body.revision),
          30_000,
          200,
        );
      } finally {
        sampling = false;
        await sampler;
      }
      assert.deepEqual(doubleMasters, [], 'Open vSwitch never had two masters of a bridge');
      for (const b of BRIDGES) {
        const t = rig.masterTargets(b);
        assert.equal(t.length, 1, `${b} has one master`);
      }
    }),
  );
});
