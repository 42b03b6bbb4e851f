// A node cut off while it keeps running (SIGSTOP: its sockets stay open, so the liveness channel
// says nothing and failover falls back to the lease), with real processes: 2 `dfvisor run --store
// hazelcast` nodes, 1 Hazelcast member, three Open vSwitch bridges. The other node takes its
// switches when the leases expire (Open vSwitch has only it as master), deploys go on there, and
// when the paused node wakes up it writes nothing with its stale plan (its lease is expired by
// its own clock, and the switch has a newer generation's master), turns slave and converges.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterRig, DPIDS, lineSlices, stepper, type NodeHandle } from './rig.js';
import { freePort, waitFor } from '../../src/lab/proc.js';

let rig: ClusterRig;
const step = stepper(() => rig);
const BRIDGES = ['s1', 's2', 's3'];
let spare = 0;
const text = (extra = '') =>
  lineSlices(rig.ctlPorts[0], rig.ctlPorts[1], extra).replace('switch s2 dpid 2 { port 1..4', 'switch s2 dpid 2 { port 1..5');
const gamma = () => `slice gamma {
  controller "tcp:127.0.0.1:${spare}"
  overlay vlan 103
  flowspace { edge: match on s1:4, s2:5, s3:4 }
}
`;
/** Base rules of gamma (slice id 2): cookie 0xffff << 48 | 3 << 16 | seq. */
const gammaRules = (bridge: string) => rig.ovs.dumpFlows(bridge).filter((l) => /cookie=0xffff00000003[0-9a-f]{4},/.test(l));

async function mastersSeenBy(n: NodeHandle): Promise<Record<string, string | null>> {
  const st = await rig.api(n, 'GET', '/v1/status');
  return Object.fromEntries((st.body.switches as Array<{ dpid: string; master: string | null }>).map((s) => [s.dpid, s.master]));
}

describe('partition of one node (SIGSTOP): 2 nodes, 1 Hazelcast member, Open vSwitch', { timeout: 240_000 }, () => {
  before(async () => {
    rig = await ClusterRig.start({ nodes: 2, members: 1, noTraffic: true });
    spare = await freePort();
  });
  after(async () => {
    for (const n of rig?.nodes ?? []) n.proc.child.kill('SIGCONT');
    await rig?.teardown();
  });

  it(
    'the paused master loses its switches at lease expiry, deploys go on, and it wakes up as a fenced slave that converges',
    step(async () => {
      const masters = await rig.settledMasters();
      const r1 = await rig.deploy(rig.node('n1'), text());
      assert.equal(r1.status, 200, JSON.stringify(r1.body));
      const victim = rig.node(masters[DPIDS[0]]);
      const other = rig.nodes.find((n) => n !== victim)!;
      const otherTarget = `tcp:127.0.0.1:${other.ofPort}`;
      rig.pause(victim.id);
      await waitFor(
        `${other.id} masters every switch`,
        async () => Object.values(await mastersSeenBy(other)).every((m) => m === other.id),
        20_000,
        100,
      );
      await waitFor(
        `Open vSwitch has ${other.id} as the one master of every bridge`,
        () => BRIDGES.every((b) => JSON.stringify(rig.masterTargets(b)) === JSON.stringify([otherTarget])),
        20_000,
        100,
      );
      // A deploy on the side that holds the global tier works while the paused node is away.
      const r2 = await rig.deploy(other, text(gamma()));
      assert.equal(r2.status, 200, JSON.stringify(r2.body));
      assert.deepEqual(
        (r2.body.switches as Array<{ dpid: string; status: string; node: string }>).map((s) => [s.dpid, s.status, s.node]),
        DPIDS.map((d) => [d, 'applied', other.id]),
      );
      for (const b of BRIDGES) assert.ok(gammaRules(b).length > 0, `gamma on ${b}`);

      rig.resume(victim.id);
      // It wakes with the old plan and thinks it masters its switches: nothing it writes may land.
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        for (const b of BRIDGES) {
          assert.deepEqual(rig.masterTargets(b), [otherTarget], `only ${other.id} is master of ${b}`);
          assert.ok(gammaRules(b).length > 0, `gamma's rules stay on ${b}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      // Converged: the woken node has every revision and sees the same masters.
      await waitFor(
        `${victim.id} converged`,
        async () => {
          const [a, b] = await Promise.all([rig.api(victim, 'GET', '/v1/revisions'), rig.api(other, 'GET', '/v1/revisions')]);
          const m = await mastersSeenBy(victim);
          return JSON.stringify(a.body.revisions) === JSON.stringify(b.body.revisions) && DPIDS.every((d) => m[d] === other.id);
        },
        20_000,
        200,
      );
      const st = await rig.api(victim, 'GET', '/v1/status');
      assert.ok(
        (st.body.switches as Array<{ connected: boolean }>).every((s) => s.connected),
        `${victim.id} kept its switch connections`,
      );
    }),
  );
});
