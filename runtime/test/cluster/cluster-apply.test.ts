// Cluster-wide apply with real processes (2 `dfvisor run --store hazelcast` nodes, 1 Hazelcast
// member, three Open vSwitch bridges with both nodes as controller targets, hosts and tenant
// controllers): a deploy answers per switch as each switch's master reported it; one switch that
// refuses (its flow table is full) rolls the whole cluster back and the 502 names it; a switch connected to no node is
// "unreachable" and gets the current revision when it comes back; reconciliation removes stale
// rules and the meters of a slice removed while its switch's master was dead.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterRig, DPIDS, lineSlices, stepper } from './rig.js';
import { freePort, waitFor } from '../../src/lab/proc.js';

let rig: ClusterRig;
const step = stepper(() => rig);

let spare = 0;
/** The line network with a fifth port on s2 (so new slices can span all three switches), and `extra` slices. */
const text = (extra = '') =>
  lineSlices(rig.ctlPorts[0], rig.ctlPorts[1], extra).replace('switch s2 dpid 2 { port 1..4', 'switch s2 dpid 2 { port 1..5');
const slice = (name: string, vlan: number, edge: string) => `slice ${name} {
  controller "tcp:127.0.0.1:${spare}"
  overlay vlan ${vlan}
  flowspace { edge: match on ${edge} }
}
`;

/** Rules on a bridge of slice id `id`: base rules (0xffff << 48 | (id+1) << 16 | seq) and tenant rules ((id+1) << 48 | n). */
function sliceRules(bridge: string, id: number): string[] {
  const base = new RegExp(`cookie=0xffff0000${(id + 1).toString(16).padStart(4, '0')}[0-9a-f]{4},`);
  const tenant = new RegExp(`cookie=0x${(id + 1).toString(16)}[0-9a-f]{12},`);
  return rig.ovs.dumpFlows(bridge).filter((l) => base.test(l) || tenant.test(l));
}

interface Outcome {
  dpid: string;
  status: string;
  node: string | null;
  errors: string[];
}

async function revisions(): Promise<Array<{ revision: number; action: string }>> {
  const r = await rig.api(rig.nodes[0], 'GET', '/v1/revisions');
  return r.body.revisions;
}

/** dfvisor_reconciled_meters_total{change="removed"} summed over the live nodes. */
async function reconciledMeters(): Promise<number> {
  let n = 0;
  for (const node of rig.alive()) {
    const m = String((await rig.api(node, 'GET', '/metrics')).body);
    n += Number(/^dfvisor_reconciled_meters_total\{change="removed"\} (\S+)$/m.exec(m)?.[1] ?? 0);
  }
  return n;
}

describe('cluster-wide apply: 2 nodes, 1 Hazelcast member, Open vSwitch', { timeout: 240_000 }, () => {
  before(async () => {
    rig = await ClusterRig.start({ nodes: 2, members: 1 });
    spare = await freePort();
    // Port 4 of s1 and s3 (free in the line network) exists, so slices on it get rules there.
    for (const b of ['s1', 's3'])
      rig.ovs.vsctl('add-port', b, `${b}p4`, '--', 'set', 'interface', `${b}p4`, 'type=internal', 'ofport_request=4');
  });
  after(async () => {
    await rig?.teardown();
  });

  it(
    'a deploy answers once every switch master reported the revision applied',
    step(async () => {
      const masters = await rig.settledMasters();
      assert.ok(new Set(Object.values(masters)).size >= 1);
      const r = await rig.deploy(rig.node('n1'), text());
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const sw = r.body.switches as Outcome[];
      assert.deepEqual(
        sw.map((s) => [s.dpid, s.status, s.node]),
        DPIDS.map((d) => [d, 'applied', masters[d]]),
      );
      assert.equal(r.body.unreachable, false);
    }),
  );

  it(
    'one switch refuses: the 502 lists it with its error, and every switch is back on the previous revision',
    step(async () => {
      const masters = await rig.settledMasters();
      // s1's table 0 is full: it refuses every new rule (OFPFMFC_TABLE_FULL), replacing and deleting still work.
      const n = rig.ovs.dumpFlows('s1').length;
      assert.ok(sliceRules('s1', 0).length > 0, "alpha's rules are on s1");
      rig.ovs.vsctl(
        '--',
        '--id=@ft',
        'create',
        'Flow_Table',
        `flow_limit=${n}`,
        'overflow_policy=refuse',
        '--',
        'set',
        'Bridge',
        's1',
        'flow_tables:0=@ft',
      );
      // gamma has rules on every switch; its id is 2 (alpha 0, beta 1).
      const r = await rig.deploy(rig.node('n1'), text(slice('gamma', 103, 's1:4, s2:5, s3:4')));
      rig.ovs.vsctl('clear', 'Bridge', 's1', 'flow_tables');
      assert.equal(r.status, 502, JSON.stringify(r.body));
      assert.equal(r.body.code, 'APPLY_FAILED');
      const sw = r.body.switches as Outcome[];
      const s1 = sw.find((s) => s.dpid === DPIDS[0])!;
      assert.equal(s1.status, 'refused', JSON.stringify(sw));
      assert.equal(s1.node, masters[DPIDS[0]]);
      assert.ok(s1.errors.length > 0 && s1.errors.every((e) => /switch error type 5 code 1/.test(e)), JSON.stringify(s1));
      assert.match(r.body.detail, /0000000000000001: switch error type 5 code 1/);
      for (const d of [DPIDS[1], DPIDS[2]]) assert.equal(sw.find((s) => s.dpid === d)?.status, 'applied', JSON.stringify(sw));
      // Revision 2 (gamma) was rolled back by revision 3, which every switch carries: no gamma rule anywhere.
      assert.deepEqual(
        (await revisions()).map((x) => [x.revision, x.action]),
        [
          [1, 'deploy'],
          [2, 'deploy'],
          [3, 'rollback'],
        ],
      );
      for (const b of ['s1', 's2', 's3']) assert.deepEqual(sliceRules(b, 2), [], `no rule of gamma on ${b}`);
      assert.ok(sliceRules('s1', 0).length > 0, "alpha's rules stay on s1");
    }),
  );

  it(
    'a switch connected to no node is unreachable; it gets the current revision when it comes back',
    step(async () => {
      rig.ovs.vsctl('del-controller', 's3');
      await waitFor(
        'no node connected to s3',
        async () => {
          for (const n of rig.alive()) {
            const st = await rig.api(n, 'GET', '/v1/status');
            if ((st.body.switches as Array<{ dpid: string; connected: boolean }>).some((s) => s.dpid === DPIDS[2] && s.connected))
              return false;
          }
          return true;
        },
        15_000,
        100,
      );
      const r = await rig.deploy(rig.node('n2'), text(slice('delta', 104, 's1:4, s2:5, s3:4')));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.unreachable, true);
      const sw = r.body.switches as Outcome[];
      assert.equal(sw.find((s) => s.dpid === DPIDS[2])?.status, 'unreachable', JSON.stringify(sw));
      assert.equal(sw.find((s) => s.dpid === DPIDS[0])?.status, 'applied', JSON.stringify(sw));
      // delta takes id 2 (gamma's freed id).
      assert.ok(sliceRules('s1', 2).length > 0, 'delta is on s1');
      assert.deepEqual(sliceRules('s3', 2), [], 's3 has not got delta yet');
      rig.ovs.setController('s3', ...rig.nodes.map((n) => `tcp:127.0.0.1:${n.ofPort}`));
      await waitFor('s3 gets delta from its new master', () => sliceRules('s3', 2).length > 0, 20_000, 100);
    }),
  );

  it(
    'reconciliation: stale hypervisor rules injected with ovs-ofctl disappear, a missing base rule comes back, foreign rules stay',
    step(async () => {
      await rig.settledMasters();
      const of = (...a: string[]) => rig.ovs.ofctl('-O', 'OpenFlow13', ...a);
      // Slice id 9 is in no plan: a tenant rule and a base rule of it. Base rule 0x77 of alpha (id 0) is one its setup never makes.
      of('add-flow', 's2', 'cookie=0x000a000000000001,priority=16,in_port=4,actions=drop');
      of('add-flow', 's2', 'cookie=0xffff0000000a0001,priority=65530,in_port=1,dl_vlan=199,dl_type=0x88cc,actions=drop');
      of('add-flow', 's2', 'cookie=0xffff000000010077,priority=65530,in_port=2,dl_vlan=777,dl_type=0x88cc,actions=drop');
      of('add-flow', 's2', 'cookie=0x0,priority=5,in_port=4,actions=drop');
      // alpha's LLDP rule on s1's link port goes missing.
      const lldp = 'cookie=0xffff000000010001,';
      assert.ok(rig.ovs.dumpFlows('s1').some((l) => l.startsWith(lldp)));
      of('del-flows', 's1', 'cookie=0xffff000000010001/-1');
      assert.ok(!rig.ovs.dumpFlows('s1').some((l) => l.startsWith(lldp)));
      const stale = ['cookie=0xa000000000001,', 'cookie=0xffff0000000a0001,', 'cookie=0xffff000000010077,'];
      await waitFor(
        'the stale rules are gone from s2',
        () => !rig.ovs.dumpFlows('s2').some((l) => stale.some((c) => l.startsWith(c))),
        20_000,
        100,
      );
      await waitFor("alpha's LLDP rule is back on s1", () => rig.ovs.dumpFlows('s1').some((l) => l.startsWith(lldp)), 20_000, 100);
      assert.ok(
        rig.ovs.dumpFlows('s2').some((l) => l.startsWith('cookie=0x0,') && l.includes('priority=5,in_port=4')),
        'a rule DFVisor did not write stays',
      );
      let removed = 0;
      let restored = 0;
      for (const n of rig.alive()) {
        const m = String((await rig.api(n, 'GET', '/metrics')).body);
        removed += Number(/^dfvisor_reconciled_rules_total\{change="removed"\} (\S+)$/m.exec(m)?.[1] ?? 0);
        restored += Number(/^dfvisor_reconciled_rules_total\{change="restored"\} (\S+)$/m.exec(m)?.[1] ?? 0);
      }
      assert.ok(removed >= 3, `removed ${removed}`);
      assert.ok(restored >= 1, `restored ${restored}`);
    }),
  );

  it(
    "reconciliation: the meters of a capped slice removed while its switch's master was dead are deleted by the new master",
    step(async () => {
      // s1 gets a port 5 for capped (delta holds port 4).
      rig.ovs.vsctl('add-port', 's1', 's1p5', '--', 'set', 'interface', 's1p5', 'type=internal', 'ofport_request=5');
      const text5 = (extra: string) => text(extra).replace('switch s1 dpid 1 { port 1..4', 'switch s1 dpid 1 { port 1..5');
      const delta = slice('delta', 104, 's1:4, s2:5, s3:4');
      const capped = `slice capped {
  controller "tcp:127.0.0.1:${spare}"
  overlay vlan 105
  flowspace { edge: match on s1:5 }
  qos { cap 10Mbps }
}
`;
      const r = await rig.deploy(rig.node('n1'), text5(delta + capped));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // capped takes id 3 (alpha 0, beta 1, delta 2): its meter on s1 port 5 is (3 + 1) << 16 | 5
      // (it has no base rules: no link port; no tenant rules: no controller).
      const meter = `meter=${(4 << 16) | 5} `;
      const meters = () => rig.ovs.dumpMeters('s1');
      await waitFor("capped's meter is on s1", () => meters().includes(meter), 20_000, 100);
      // s1 is connected to its master only; that master dies; capped is removed on the other node.
      const masters = await rig.settledMasters();
      const master = rig.node(masters[DPIDS[0]]);
      const other = rig.alive().find((n) => n !== master)!;
      rig.ovs.setController('s1', rig.target(master));
      await waitFor(
        `${other.id} no longer connected to s1`,
        async () =>
          !((await rig.api(other, 'GET', '/v1/status')).body.switches as Array<{ dpid: string; connected: boolean }>).some(
            (s) => s.dpid === DPIDS[0] && s.connected,
          ),
        15_000,
        100,
      );
      await rig.kill9(master.id);
      const removedBefore = await reconciledMeters();
      const d = await rig.deploy(other, text5(delta));
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.equal((d.body.switches as Outcome[]).find((s) => s.dpid === DPIDS[0])?.status, 'unreachable', JSON.stringify(d.body));
      assert.ok(meters().includes(meter), "nobody programs s1: capped's meter is still there");
      // The dead node comes back and s1 gets every node again: its new master programs the plan
      // (which no longer has capped, so it tears nothing down) and reconciles the rest away.
      await rig.startNode(master.id, master.ofPort);
      rig.ovs.setController('s1', ...rig.nodes.map((n) => rig.target(n)));
      await waitFor("capped's meter is gone from s1", () => !meters().includes(meter), 30_000, 100);
      await waitFor('a node counted the removed meter', async () => (await reconciledMeters()) > removedBefore, 10_000, 200);
    }),
  );

  it(
    "kill -9 of the node that got a switch's flow-removed messages keeps the slice's removed counters",
    step(async () => {
      const masters = await rig.settledMasters();
      await rig.pingUntil('a1', '10.0.0.2', 30_000);
      for (let i = 0; i < 5; i++) await rig.ping('a1', '10.0.0.2');
      const victim = rig.node(masters[DPIDS[0]]);
      const survivor = rig.alive().find((n) => n !== victim)!;
      type Stats = { packets: number; removed: { packets: number } };
      const stats = async (n: typeof victim) => (await rig.api<Stats>(n, 'GET', '/v1/slices/alpha/stats')).body;
      // alpha's tenant rules on s1 go: the master of s1 gets their final counters (flow-removed).
      assert.ok(
        sliceRules('s1', 0).some((l) => l.startsWith('cookie=0x1') && !/n_packets=0,/.test(l)),
        'alpha has used tenant rules on s1',
      );
      rig.ovs.ofctl('-O', 'OpenFlow13', 'del-flows', 's1', 'cookie=0x1000000000000/0xffff000000000000');
      const before = await waitFor(
        'the survivor sees the removed counters',
        async () => {
          const st = await stats(survivor);
          return st.removed.packets > 0 ? st : null;
        },
        15_000,
        100,
      );
      await rig.kill9(victim.id);
      await rig.settledMasters(20_000);
      // The victim's own aggregate leaves the sums once its heartbeat entry expires.
      await waitFor(
        `${survivor.id} no longer lists ${victim.id}`,
        async () => !((await rig.api(survivor, 'GET', '/v1/status')).body.nodes as Array<{ id: string }>).some((x) => x.id === victim.id),
        20_000,
        200,
      );
      // Rounds of the new master come and go; the removed part never drops.
      for (let i = 0; i < 5; i++) {
        const st = await stats(survivor);
        assert.ok(st.removed.packets >= before.removed.packets, `removed ${st.removed.packets} < ${before.removed.packets}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
});
