// Two slicing proxies (two runtime nodes' data paths) on one Open vSwitch bridge, arbitrated:
// OpenFlow 1.3 role requests with generation ids, only the master programs the switch and
// connects the tenant, a slave keeps the switch connection and takes over without deleting
// flows; statistics rounds and tenant polls answered from the snapshot; a slice set up again
// keeps its new rules when the removed rules' flow_removed messages arrive.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { freePort, waitFor, sleep } from '../../src/lab/proc.js';
import { SlicingProxy, flowKey, type RemovedFlow } from '../../src/proxy/index.js';
import { linePlan } from './fixtures.js';
import { FC, NO_BUFFER, OFPP, type OfMessage } from '../../src/proxy/messages.js';

const DPID = '0000000000000001';

interface Node {
  proxy: SlicingProxy;
  up: string[];
  down: string[];
  removed: RemovedFlow[];
  port: number;
}

async function startNode(statsCacheMs?: number): Promise<Node> {
  const n: Node = { up: [], down: [], removed: [], port: 0, proxy: undefined as unknown as SlicingProxy };
  n.proxy = new SlicingProxy({
    ofListen: '127.0.0.1:0',
    statsCacheMs,
    roles: { switchUp: (d) => n.up.push(d), switchDown: (d) => n.down.push(d) },
    onFlowRemoved: (e) => n.removed.push(e),
  });
  n.port = (await n.proxy.start()).port;
  return n;
}

/** target → role as Open vSwitch reports it (ovs-vsctl list controller). */
function ovsRoles(ovs: OvsSandbox): Record<string, string> {
  const out: Record<string, string> = {};
  const text = ovs.vsctl('--format=csv', '--data=bare', '--no-headings', '--columns=target,role', 'list', 'controller');
  for (const line of text.trim().split('\n')) {
    const [target, role] = line.split(',');
    if (target) out[target.replace(/"/g, '')] = (role ?? '').replace(/"/g, '');
  }
  return out;
}

const tableMiss = {
  type: 'flow_mod' as const,
  cookie: 0x77n,
  cookieMask: 0n,
  tableId: 0,
  command: FC.ADD,
  idleTimeout: 0,
  hardTimeout: 0,
  priority: 0,
  bufferId: NO_BUFFER,
  outPort: OFPP.ANY,
  outGroup: 0xffffffff,
  flags: 1,
  match: {},
  instructions: [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: OFPP.CONTROLLER, maxLen: 0xffff }] }],
};

const alphaPlan = (vlan: number, port: number) =>
  linePlan([
    {
      name: 'alpha',
      controllerPort: port,
      vlan,
      flowspace: [
        [1, 1, {}],
        [1, 2, {}],
      ],
    },
  ]);

/** One OpenFlow 1.3 bridge s1 with two proxies as controller targets, both given alpha's plan, and alpha's scripted tenant. */
async function twoProxiesOnOneBridge(ovs: OvsSandbox, statsCacheMs?: number): Promise<{ a: Node; b: Node; tenant: ScriptedController }> {
  ovs.start();
  ovs.addBridge('s1', 1, 'OpenFlow13');
  const tenant = new ScriptedController(await freePort());
  await tenant.start();
  const a = await startNode(statsCacheMs);
  const b = await startNode(statsCacheMs);
  await a.proxy.applyPlan(alphaPlan(101, tenant.port));
  await b.proxy.applyPlan(alphaPlan(101, tenant.port));
  ovs.setController('s1', `tcp:127.0.0.1:${a.port}`, `tcp:127.0.0.1:${b.port}`);
  await waitFor('both proxies see the switch', () => a.up.includes(DPID) && b.up.includes(DPID), 20_000, 50);
  return { a, b, tenant };
}

async function stopAll(ovs: OvsSandbox, ...parts: Array<{ stop(): Promise<void> } | undefined>): Promise<void> {
  for (const p of parts) await p?.stop().catch(() => undefined);
  ovs.teardown();
}

describe('slicing proxies arbitrated by OpenFlow 1.3 roles (OVS + scripted tenant)', { timeout: 120_000 }, () => {
  const ovs = new OvsSandbox();
  let a: Node | undefined;
  let b: Node | undefined;
  let tenant: ScriptedController | undefined;
  const plan = alphaPlan;

  before(async () => {
    ({ a, b, tenant } = await twoProxiesOnOneBridge(ovs, 60_000));
  });

  after(() => stopAll(ovs, a?.proxy, b?.proxy, tenant));

  test('before a role, neither proxy programs the switch nor connects the tenant', async () => {
    await sleep(300);
    assert.equal(ovs.dumpFlows('s1').length, 0);
    assert.equal(tenant!.conns.length, 0);
    assert.equal(a!.proxy.roleOf(DPID), 'pending');
  });

  let conn: ScriptedSwitchConn;
  test('master programs and connects the tenant; slave stays connected with role slave at the switch', async () => {
    const [ra] = await Promise.all([a!.proxy.setRole(DPID, 'master', 1n), b!.proxy.setRole(DPID, 'slave', 1n)]);
    assert.ok(ra?.ok, JSON.stringify(ra));
    assert.ok(
      ovs.dumpFlows('s1').some((l) => l.includes('cookie=0xffff000000000001')),
      'the isolation drop rule is on the switch',
    );
    conn = await tenant!.connection(1n);
    await sleep(200);
    assert.equal(tenant!.conns.filter((c) => !c.channel.closed).length, 1, 'one tenant connection, through the master');
    // Open vSwitch publishes the roles in its database a little later.
    await waitFor(
      'OVS reports A master and B slave',
      () => {
        const roles = ovsRoles(ovs);
        return roles[`tcp:127.0.0.1:${a!.port}`] === 'master' && roles[`tcp:127.0.0.1:${b!.port}`] === 'slave';
      },
      15_000,
      200,
    );
    assert.equal(a!.proxy.status().switches[0]?.role, 'master');
    assert.equal(b!.proxy.status().switches[0]?.role, 'slave');
    // A deploy on the slave does not write to the switch.
    const before = ovs.dumpFlows('s1').length;
    const rb = await b!.proxy.applyPlan(plan(101, tenant!.port));
    assert.ok(rb.ok);
    assert.match(rb.switches[0]!.notes.join(' '), /not programmed here/);
    assert.equal(ovs.dumpFlows('s1').length, before);
  });

  test('statistics: a round asks flow, port, meter and queue stats once; tenant polls are answered from it', async () => {
    const xid = tenant!.send(conn, tableMiss);
    await tenant!.settle(conn, [xid]);
    const snap = await a!.proxy.collectStats(DPID);
    assert.ok(snap, 'the switch answered the round');
    assert.ok(
      snap.flows.some((f) => f.cookie >> 48n === 1n),
      'the tenant rule is in the flow statistics',
    );
    assert.ok(snap.ports.some((p) => p.portNo === OFPP.LOCAL || p.portNo < 0xffffff00));
    assert.deepEqual(snap.queues, [], 'no queues configured on the bridge');
    assert.equal(a!.proxy.statsMessageCounts().requestsToSwitches, 4);
    const poll = tenant!.send(conn, {
      type: 'multipart_request',
      mpType: 'flow',
      flags: 0,
      flow: { tableId: 0xff, outPort: OFPP.ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} },
    });
    const reply = (await tenant!.reply(conn, poll)) as Extract<OfMessage, { type: 'multipart_reply' }>;
    assert.equal(reply.mpType, 'flow');
    assert.deepEqual(
      reply.flows?.map((f) => f.cookie),
      [0x77n],
      'the tenant sees its own cookie',
    );
    const ports = tenant!.send(conn, { type: 'multipart_request', mpType: 'port_stats', flags: 0, portNo: OFPP.ANY });
    const pr = (await tenant!.reply(conn, ports)) as Extract<OfMessage, { type: 'multipart_reply' }>;
    assert.equal(pr.type, 'multipart_reply');
    assert.ok(
      (pr.portStats ?? []).every((p) => p.portNo === 1 || p.portNo === 2),
      'only the slice ports',
    );
    const counts = a!.proxy.statsMessageCounts();
    assert.equal(counts.tenantPollsFromCache, 2);
    assert.equal(counts.tenantPollsForwarded, 0);
    assert.equal(counts.requestsToSwitches, 4, 'no tenant poll reached the switch');
  });

  test('flow-removed: an expiring tenant rule reports its final counters under its flow-statistics key; the tenant did not ask and sees nothing', async () => {
    const expiring = { ...tableMiss, cookie: 0x88n, priority: 7, hardTimeout: 1, flags: 0, match: { eth_type: { value: 0x86ddn } } };
    const xid = tenant!.send(conn, expiring);
    await tenant!.settle(conn, [xid]);
    const snap = await a!.proxy.collectStats(DPID);
    const live = snap?.flows.filter((f) => f.hardTimeout === 1) ?? [];
    assert.ok(live.length > 0, 'the rule is in the flow statistics');
    assert.ok(
      live.every((f) => f.cookie >> 48n === 1n && (f.flags & 1) === 1),
      'tenant rules ask the switch for flow-removed',
    );
    const keys = new Set(live.map((f) => flowKey(f.cookie, f.priority, f.match)));
    const removed = await waitFor(
      'the switch removes the expired rule',
      () => {
        const r = a!.removed.filter((e) => keys.has(e.key));
        return r.length === keys.size ? r : null;
      },
      10_000,
      100,
    );
    assert.ok(removed.every((e) => e.dpid === DPID && typeof e.packetCount === 'bigint'));
    await sleep(200);
    assert.ok(!conn.received.some((m) => m.type === 'flow_removed'), 'the tenant did not set SEND_FLOW_REM: no flow_removed for it');
  });

  test('failover: the slave becomes master with a newer generation, keeps the flows and connects the tenant', async () => {
    const flowsBefore = ovs.dumpFlows('s1').filter((l) => l.includes('cookie=0x1')).length;
    await a!.proxy.stop();
    a = undefined;
    const r = await b!.proxy.setRole(DPID, 'master', 2n);
    assert.ok(r?.ok, JSON.stringify(r));
    await waitFor(
      'the tenant reconnects through the new master',
      () => tenant!.conns.filter((c) => !c.channel.closed && c.dpid === 1n).length === 1 && tenant!.conns.length === 2,
      10_000,
      50,
    );
    await waitFor('OVS reports B master', () => ovsRoles(ovs)[`tcp:127.0.0.1:${b!.port}`] === 'master', 15_000, 200);
    assert.equal(
      ovs.dumpFlows('s1').filter((l) => l.includes('cookie=0x1')).length,
      flowsBefore,
      'the tenant rules of the old master stay',
    );
    // Cookies of the new generation do not reuse the old master's.
    conn = tenant!.conns.find((c) => !c.channel.closed)!;
    const xid = tenant!.send(conn, { ...tableMiss, priority: 1, match: { eth_type: { value: 0x0806n } } });
    await tenant!.settle(conn, [xid]);
    assert.ok(
      ovs.dumpFlows('s1').some((l) => /cookie=0x100020000000\d/.test(l)),
      ovs.dumpFlows('s1').join('\n'),
    );
  });

  test('a slice set up again keeps its new rules when the removed ones report flow_removed', async () => {
    const r = await b!.proxy.applyPlan(plan(111, tenant!.port));
    assert.ok(r.ok);
    const fresh = await waitFor(
      'a new tenant connection',
      () => tenant!.conns.find((c) => !c.channel.closed && c !== conn && c.dpid === 1n),
      10_000,
      50,
    );
    const xid = tenant!.send(fresh, tableMiss);
    await tenant!.settle(fresh, [xid]);
    await sleep(500);
    // The table-miss rule is one physical rule per edge port of the slice (1 and 2).
    const onSwitch = ovs.dumpFlows('s1').filter((l) => /cookie=0x1[0-9a-f]{12},/.test(l)).length;
    assert.equal(onSwitch, 2, ovs.dumpFlows('s1').join('\n'));
    assert.equal(b!.proxy.status().slices.alpha?.flowEntries, onSwitch);
    assert.equal(b!.proxy.status().switches[0]?.slices[0]?.flowEntries, onSwitch);
  });
});

describe('OpenFlow 1.0 switch: no roles at the switch, the arbiter alone decides who programs', { timeout: 60_000 }, () => {
  const ovs = new OvsSandbox();
  let a: Node | undefined;
  let b: Node | undefined;
  let tenant: ScriptedController | undefined;

  after(async () => {
    await a?.proxy.stop().catch(() => undefined);
    await b?.proxy.stop().catch(() => undefined);
    await tenant?.stop().catch(() => undefined);
    ovs.teardown();
  });

  test('master programs and connects the tenant, slave writes nothing; the slave takes over', async () => {
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow10');
    tenant = new ScriptedController(await freePort());
    await tenant.start();
    a = await startNode();
    b = await startNode();
    const plan = linePlan([
      {
        name: 'alpha',
        controllerPort: tenant.port,
        vlan: 101,
        flowspace: [
          [1, 1, {}],
          [1, 2, {}],
        ],
      },
    ]);
    await a.proxy.applyPlan(plan);
    await b.proxy.applyPlan(plan);
    ovs.setController('s1', `tcp:127.0.0.1:${a.port}`, `tcp:127.0.0.1:${b.port}`);
    await waitFor('both proxies see the switch', () => a!.up.includes(DPID) && b!.up.includes(DPID), 20_000, 50);
    await b.proxy.setRole(DPID, 'slave', 1n);
    await sleep(200);
    assert.equal(ovs.dumpFlows('s1', 'OpenFlow10').length, 0, 'the slave wrote nothing');
    const r = await a.proxy.setRole(DPID, 'master', 1n);
    assert.ok(r?.ok, JSON.stringify(r));
    assert.ok(ovs.dumpFlows('s1', 'OpenFlow10').some((l) => l.includes('cookie=0xffff000000000001')));
    await tenant.connection(1n);
    assert.equal(tenant.conns.length, 1);
    await a.proxy.stop();
    a = undefined;
    const r2 = await b.proxy.setRole(DPID, 'master', 2n);
    assert.ok(r2?.ok, JSON.stringify(r2));
    await waitFor(
      'the tenant reconnects through the new master',
      () => tenant!.conns.filter((c) => !c.channel.closed && c.dpid === 1n).length === 1 && tenant!.conns.length === 2,
      10_000,
      50,
    );
  });
});

describe('fencing: a stale master that the switch has demoted', { timeout: 90_000 }, () => {
  const ovs = new OvsSandbox();
  let a: Node | undefined;
  let b: Node | undefined;
  let tenant: ScriptedController | undefined;
  const plan = alphaPlan;

  before(async () => {
    ({ a, b, tenant } = await twoProxiesOnOneBridge(ovs));
  });

  after(() => stopAll(ovs, a?.proxy, b?.proxy, tenant));

  test('its deploy is refused by the switch (IS_SLAVE): not a failure, nothing written, it becomes a slave', async () => {
    const ra = await a!.proxy.setRole(DPID, 'master', 1n);
    assert.ok(ra?.ok, JSON.stringify(ra));
    // B takes over with a newer generation; A has not been told (its lease has not lapsed yet).
    const rb = await b!.proxy.setRole(DPID, 'master', 2n);
    assert.ok(rb?.ok, JSON.stringify(rb));
    await waitFor(
      'OVS reports B master and A slave',
      () => {
        const roles = ovsRoles(ovs);
        return roles[`tcp:127.0.0.1:${b!.port}`] === 'master' && roles[`tcp:127.0.0.1:${a!.port}`] === 'slave';
      },
      15_000,
      200,
    );
    const before = ovs
      .dumpFlows('s1')
      .map((l) => l.replace(/duration=[^,]*,|n_packets=\d+,|n_bytes=\d+,|idle_age=\d+,?/g, ''))
      .sort();
    assert.equal(a!.proxy.roleOf(DPID), 'master', 'A still believes it is master');
    const r = await a!.proxy.applyPlan(plan(102, tenant!.port));
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.switches[0]!.notes.join(' '), /IS_SLAVE/);
    assert.equal(a!.proxy.roleOf(DPID), 'slave');
    const after = ovs
      .dumpFlows('s1')
      .map((l) => l.replace(/duration=[^,]*,|n_packets=\d+,|n_bytes=\d+,|idle_age=\d+,?/g, ''))
      .sort();
    assert.ok(!after.some((l) => /dl_vlan=102|vlan_vid=102|4198/.test(l)), 'nothing of the stale plan reached the switch');
    assert.deepEqual(after, before);
  });
});
