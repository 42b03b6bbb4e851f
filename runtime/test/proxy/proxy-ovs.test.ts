// The slicing proxy against real Open vSwitch (userspace bridges, hosts in namespaces), real
// tenant controllers (ovs-testcontroller, the project's os-ken app) and a scripted controller.
// Two slices reuse the same IP subnet on different edge ports across three switches.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { startOsken, startTestController, type TenantController } from '../../src/lab/controllers.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { freePort, waitFor, spawnOwned, sleep } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { baseFlowMod, dp, linePlan, mplsSlice } from './fixtures.js';
import { FC, OFP13, OFPP, type FlowStats, type OfMessage } from '../../src/proxy/messages.js';
import { errorNumbers } from '../../src/openflow/index.js';

const ofErr = (type: string, code: string) => {
  const n = errorNumbers(4, type, code);
  return [n.type, n.code];
};

interface Rig {
  ovs: OvsSandbox;
  proxy: SlicingProxy;
  ctl: { alpha?: TenantController; beta?: TenantController };
  scripted?: ScriptedController;
  hosts: Record<string, Host>;
  ports: { alpha: number; beta: number; gamma: number };
}

async function setUp(version: 'OpenFlow13' | 'OpenFlow10', capKbps?: number): Promise<Rig> {
  const ovs = new OvsSandbox();
  const rig: Rig = {
    ovs,
    proxy: new SlicingProxy({ ofListen: '127.0.0.1:0' }),
    ctl: {},
    hosts: {},
    ports: { alpha: await freePort(), beta: await freePort(), gamma: await freePort() },
  };
  try {
    ovs.start();
    for (const n of [1, 2, 3]) ovs.addBridge(`s${n}`, n, version);
    ovs.link('s1', 3, 's2', 1);
    ovs.link('s2', 2, 's3', 3);
    // Same addresses in both slices; alpha also owns 10.0.0.9 nowhere, beta owns 10.0.0.9 on b3.
    rig.hosts.a1 = ovs.addHost({ name: 'a1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
    rig.hosts.b1 = ovs.addHost({ name: 'b1', bridge: 's1', ofport: 2, ip: '10.0.0.1/24' });
    rig.hosts.a3 = ovs.addHost({ name: 'a3', bridge: 's3', ofport: 1, ip: '10.0.0.2/24' });
    rig.hosts.b3 = ovs.addHost({ name: 'b3', bridge: 's3', ofport: 2, ip: '10.0.0.2/24' });
    await ovs.inNs(rig.hosts.b3, 'ip', ['addr', 'add', '10.0.0.9/24', 'dev', 'eth0']);
    rig.ctl.alpha = await startTestController(rig.ports.alpha, version);
    rig.ctl.beta = version === 'OpenFlow13' ? await startOsken(rig.ports.beta) : await startTestController(rig.ports.beta, version);
    rig.scripted = new ScriptedController(rig.ports.gamma);
    await rig.scripted.start();
    const { port } = await rig.proxy.start();
    const plan = linePlan([
      {
        name: 'alpha',
        controllerPort: rig.ports.alpha,
        vlan: 101,
        flowspace: [
          [1, 1, {}],
          [3, 1, {}],
          [2, null, {}],
        ],
        capKbps,
      },
      {
        name: 'beta',
        controllerPort: rig.ports.beta,
        vlan: 102,
        flowspace: [
          [1, 2, {}],
          [3, 2, {}],
          [2, null, {}],
        ],
      },
      {
        name: 'gamma',
        controllerPort: rig.ports.gamma,
        vlan: 103,
        flowspace: [[1, 4, { eth_type: 0x0800, ipv4_src: '10.9.0.0/16' }]],
        flowEntries: 3,
      },
    ]);
    await rig.proxy.applyPlan(plan);
    for (const n of [1, 2, 3]) ovs.setController(`s${n}`, `tcp:127.0.0.1:${port}`);
    await waitFor(
      'three switches and their tenants connected',
      () => {
        const st = rig.proxy.status();
        return st.switches.length === 3 && st.switches.every((s) => s.slices.length > 0 && s.slices.every((x) => x.connected));
      },
      30_000,
      100,
    );
    return rig;
  } catch (e) {
    await tearDown(rig);
    throw e;
  }
}

async function tearDown(rig: Rig): Promise<void> {
  await rig.proxy.stop().catch(() => {});
  await rig.ctl.alpha?.stop().catch(() => {});
  await rig.ctl.beta?.stop().catch(() => {});
  await rig.scripted?.stop().catch(() => {});
  rig.ovs.teardown();
}

async function pingUntil(rig: Rig, from: Host, to: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${from.name} reaches ${to}`, async () => (await rig.ovs.ping(from, to, 1)).code === 0, timeoutMs, 200);
}

async function neighbourMac(rig: Rig, h: Host, ip: string): Promise<string | null> {
  const r = await rig.ovs.inNs(h, 'ip', ['neigh', 'show', ip]);
  return /lladdr ([0-9a-f:]+)/.exec(r.stdout)?.[1] ?? null;
}

describe('slicing proxy with OpenFlow 1.3 switches, ovs-testcontroller and os-ken tenants', { timeout: 150_000 }, () => {
  let rig: Rig;
  before(async () => {
    rig = await setUp('OpenFlow13', 2000);
  });
  after(async () => {
    if (rig) await tearDown(rig);
  });

  test('push-based setup: base drop rule, LLDP-per-slice rules and meters are on every switch before traffic', () => {
    for (const br of ['s1', 's2', 's3']) {
      const flows = rig.ovs.dumpFlows(br).join('\n');
      assert.match(flows, /priority=0 actions=drop/, `${br}: ${flows}`);
    }
    assert.match(
      rig.ovs.dumpFlows('s2').join('\n'),
      /priority=65530,dl_vlan=101,in_port=1,dl_type=0x88cc|priority=65530,lldp,in_port=1,dl_vlan=101|dl_vlan=101/,
    );
    // alpha's cap on each of its ports of s1 (1 and 3): meters (slice id + 1) << 16 | port
    for (const id of [0x10001, 0x10003])
      assert.match(rig.ovs.dumpMeters('s1'), new RegExp(`meter=${id} kbps burst stats bands=\\s*type=drop rate=2000`));
  });

  test("two slices on the same subnet each ping their own hosts across three switches, never the other's", async () => {
    const { a1, a3, b1, b3 } = rig.hosts;
    await pingUntil(rig, a1, '10.0.0.2');
    await pingUntil(rig, b1, '10.0.0.2');
    assert.equal(await neighbourMac(rig, a1, '10.0.0.2'), a3.mac, 'alpha resolved 10.0.0.2 to its own host');
    assert.equal(await neighbourMac(rig, b1, '10.0.0.2'), b3.mac, 'beta resolved 10.0.0.2 to its own host');
    // 10.0.0.9 exists only in beta: alpha must not reach it.
    assert.notEqual((await rig.ovs.ping(a1, '10.0.0.9', 2)).code, 0, 'alpha reached a beta-only address');
    assert.equal((await rig.ovs.ping(b1, '10.0.0.9', 2)).code, 0, 'beta reaches its own 10.0.0.9');
    // Tenant flows carry the overlay: alpha's on the s2 core are VLAN 101, beta's 102.
    const core = rig.ovs.dumpFlows('s2').join('\n');
    assert.match(core, /dl_vlan=101/);
    assert.match(core, /dl_vlan=102/);
    const st = rig.proxy.status();
    assert.ok(st.slices.alpha.packetInsDelivered > 0 && st.slices.beta.packetInsDelivered > 0);
  });

  test("in_port is never writable: a hostile tenant's set_field in_port is refused, never in the table, nothing reaches the other slice", async () => {
    const sc = rig.scripted!;
    const conn = await sc.connection(1n);
    const { b1 } = rig.hosts;
    // A sniffer on beta's host b1 (port 2 of s1) counts frames of an experimental ethertype
    // (0x88b5): received ones, and its own sent one (proof that it sees the wire).
    const sniffer = spawnOwned('sniffer', 'ip', [
      'netns',
      'exec',
      b1.ns,
      'python3',
      '-c',
      [
        'import socket, sys, time',
        // ETH_P_ALL: a protocol-bound packet socket does not see outgoing frames.
        's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))',
        "s.bind(('eth0', 0)); s.settimeout(0.2)",
        // Sent from a second socket: a packet socket never sees its own transmissions.
        "t = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); t.bind(('eth0', 0))",
        "t.send(bytes.fromhex('ffffffffffff') + bytes.fromhex('020000000b01') + bytes.fromhex('88b5') + b'self' * 12)",
        "print('ready', flush=True)",
        'inc = out = 0; end = time.time() + 4',
        'while time.time() < end:',
        '    try: d, a = s.recvfrom(2048)',
        '    except socket.timeout: continue',
        "    if d[12:14] != bytes.fromhex('88b5'): continue",
        '    if a[2] == socket.PACKET_OUTGOING: out += 1',
        '    else: inc += 1',
        "print('in', inc, 'out', out, flush=True)",
      ].join('\n'),
    ]);
    try {
      const said = () => sniffer.output.join('');
      await waitFor('sniffer ready', () => said().includes('ready'), 10_000, 50);
      const frame = Buffer.concat([Buffer.from('ffffffffffff02000000cc04' + '88b5', 'hex'), Buffer.alloc(46, 0x77)]);
      const setIn = (port: number) => ({ type: 'set_field' as const, field: 'in_port' as const, value: BigInt(port) });
      const inPortOut = { type: 'output' as const, port: OFPP.IN_PORT, maxLen: 0 };
      const xids = [
        // Packet-outs from gamma's own port and from the controller, rewritten to beta's port and to LOCAL.
        sc.send(conn, { type: 'packet_out', bufferId: 0xffffffff, inPort: 4, actions: [setIn(2), inPortOut], data: frame }),
        sc.send(conn, { type: 'packet_out', bufferId: 0xffffffff, inPort: OFPP.CONTROLLER, actions: [setIn(2), inPortOut], data: frame }),
        sc.send(conn, { type: 'packet_out', bufferId: 0xffffffff, inPort: 4, actions: [setIn(OFPP.LOCAL), inPortOut], data: frame }),
        // A flow-mod on gamma's own traffic doing the same.
        sc.send(conn, {
          type: 'flow_mod',
          ...baseFlowMod({
            match: { in_port: { value: 4n }, eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a090000n, mask: 0xffff0000n } },
            instructions: [{ type: 'apply_actions', actions: [setIn(2), inPortOut] }],
          }),
        }),
      ];
      const replies = await sc.settle(conn, xids);
      for (const xid of xids) {
        const e = replies.find((m) => m.xid === xid && m.type === 'error') as { errType: number; code: number } | undefined;
        assert.deepEqual(e && [e.errType, e.code], ofErr('BAD_ACTION', 'EPERM'), `xid ${xid} refused with BAD_ACTION/EPERM`);
      }
      const flows = rig.ovs.dumpFlows('s1');
      assert.ok(
        !flows.some((f) => /in_port->|->in_port|set_field:[^,]*in_port|IN_PORT/i.test(f.split('actions=')[1] ?? '')),
        flows.join('\n'),
      );
      await waitFor('sniffer done', () => !sniffer.alive, 15_000, 100);
      const m = /in (\d+) out (\d+)/.exec(said());
      assert.ok(m, `sniffer output: ${said()}`);
      assert.equal(Number(m[2]), 1, 'the sniffer saw its own frame (it sees the wire)');
      assert.equal(Number(m[1]), 0, "no frame reached the other slice's host");
    } finally {
      await sniffer.stop();
    }
  });

  test('refused tenant flows get OpenFlow errors and leave nothing in the switch table', async () => {
    const sc = rig.scripted!;
    const conn = await sc.connection(1n);
    const out = (port: number) => [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port, maxLen: 0 }] }];
    // 1. outside the flowspace (10.1/16 is not gamma's)
    const x1 = sc.send(conn, {
      type: 'flow_mod',
      ...baseFlowMod({ match: { eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a010000n, mask: 0xffff0000n } }, instructions: out(4) }),
    });
    // 2. output to a foreign port (alpha's port 1)
    const x2 = sc.send(conn, { type: 'flow_mod', ...baseFlowMod({ match: { in_port: { value: 4n } }, instructions: out(1) }) });
    // 3. a wider rule: becomes the intersection with gamma's flowspace
    const x3 = sc.send(conn, { type: 'flow_mod', ...baseFlowMod({ priority: 7, instructions: out(OFPP.CONTROLLER) }) });
    // 4. limit: flow_entries 3 → the 3rd and 4th of these (4 total with the wide one) fail
    const more = [80, 81, 82].map((p) =>
      sc.send(conn, {
        type: 'flow_mod',
        ...baseFlowMod({
          match: { eth_type: { value: 0x800n }, ip_proto: { value: 6n }, tcp_dst: { value: BigInt(p) } },
          instructions: out(4),
        }),
      }),
    );
    const replies = await sc.settle(conn, [x1, x2, x3, ...more]);
    const err = (xid: number) => replies.find((m) => m.xid === xid && m.type === 'error') as { errType: number; code: number } | undefined;
    assert.deepEqual(err(x1) && [err(x1)!.errType, err(x1)!.code], ofErr('FLOW_MOD_FAILED', 'EPERM'));
    assert.deepEqual(err(x2) && [err(x2)!.errType, err(x2)!.code], ofErr('BAD_ACTION', 'BAD_OUT_PORT'));
    assert.equal(err(x3), undefined, 'the wide rule is accepted as its intersection');
    assert.equal(err(more[0]), undefined);
    assert.equal(err(more[1]), undefined);
    assert.deepEqual(err(more[2]) && [err(more[2])!.errType, err(more[2])!.code], ofErr('FLOW_MOD_FAILED', 'TABLE_FULL'));
    const flows = rig.ovs.dumpFlows('s1');
    const gamma = flows.filter((f) => f.includes('in_port=4'));
    assert.ok(!flows.some((f) => f.includes('nw_src=10.1.0.0/16')), 'no flow of the refused flowspace');
    assert.ok(!gamma.some((f) => /actions=.*output:1\b/.test(f)), 'no gamma flow to a foreign port');
    assert.ok(
      gamma.some((f) => f.includes('nw_src=10.9.0.0/16') && f.includes('CONTROLLER')),
      `wide rule intersected: ${gamma.join('\n')}`,
    );
    assert.equal(gamma.filter((f) => f.includes('tp_dst=8')).length, 2, 'only the flows within the limit');
    assert.equal(rig.proxy.status().slices.gamma.flowEntries, 3);
  });

  test("a flow-mod the switch itself refuses comes back to the tenant as an error with the tenant's xid", async () => {
    const sc = rig.scripted!;
    const conn = await sc.connection(1n);
    const before = rig.proxy.status().slices.gamma.errorsSent;
    // Within gamma's flowspace and ports, so the proxy passes it on; Open vSwitch refuses it
    // (set_field ipv6_src on an IPv4 rule: the match does not satisfy the field's prerequisites).
    const tcp80 = { eth_type: { value: 0x800n }, ip_proto: { value: 6n }, tcp_dst: { value: 80n } };
    const xid = sc.send(conn, {
      type: 'flow_mod',
      ...baseFlowMod({
        command: FC.MODIFY,
        match: tcp80,
        instructions: [
          {
            type: 'apply_actions',
            actions: [
              { type: 'set_field', field: 'ipv6_src', value: 1n },
              { type: 'output', port: 4, maxLen: 0 },
            ],
          },
        ],
      }),
    });
    const replies = await sc.settle(conn, [xid]);
    const err = replies.find((m) => m.xid === xid && m.type === 'error') as { errType: number; code: number; data: Buffer } | undefined;
    assert.ok(err, `the switch's refusal reaches the tenant under its own xid: ${JSON.stringify(replies.map((m) => [m.type, m.xid]))}`);
    assert.equal(err.errType, ofErr('BAD_ACTION', 'EPERM')[0], 'a BAD_ACTION error, as the switch sent it');
    assert.equal(rig.proxy.status().slices.gamma.errorsSent, before + 1);
    assert.ok(!rig.ovs.dumpFlows('s1').some((f) => f.includes('ipv6_src') || f.includes('ipv6')), 'the switch kept the rule as it was');
  });

  test("a meter cap limits alpha's throughput while beta is unaffected", async (t) => {
    const { a1, a3, b1, b3 } = rig.hosts;
    const rate = async (from: Host, to: Host) => {
      const port = await freePort();
      const srv = spawnOwned('iperf3', 'ip', ['netns', 'exec', to.ns, 'iperf3', '-s', '-1', '-p', String(port)]);
      try {
        await sleep(300);
        const r = await rig.ovs.inNs(
          from,
          'iperf3',
          ['-c', '10.0.0.2', '-p', String(port), '-u', '-b', '20M', '-t', '2', '-l', '1200', '-J'],
          20_000,
        );
        const j = JSON.parse(r.stdout) as { end: { sum: { bits_per_second: number; lost_percent: number } } };
        return j.end.sum;
      } finally {
        await srv.stop();
      }
    };
    const capped = await rate(a1, a3);
    const free = await rate(b1, b3);
    t.diagnostic(
      `alpha (cap 2 Mbps): ${(capped.bits_per_second / 1e6).toFixed(2)} Mbps sent, ${capped.lost_percent.toFixed(1)}% lost; beta: ${free.lost_percent.toFixed(1)}% lost`,
    );
    assert.ok(capped.lost_percent > 50, `alpha capped at 2 Mbps loses most of 20 Mbps: ${JSON.stringify(capped)}`);
    assert.ok(free.lost_percent < 20, `beta is not capped: ${JSON.stringify(free)}`);
  });

  test('a killed and restarted tenant controller comes back', async () => {
    const { a1 } = rig.hosts;
    await rig.ctl.alpha!.proc.stop('SIGKILL');
    await waitFor(
      'alpha disconnected',
      () => rig.proxy.status().switches.every((s) => s.slices.find((x) => x.slice === 'alpha')?.connected === false),
      10_000,
    );
    rig.ctl.alpha = await startTestController(rig.ports.alpha, 'OpenFlow13');
    await waitFor(
      'alpha reconnected on every switch',
      () => rig.proxy.status().switches.every((s) => s.slices.find((x) => x.slice === 'alpha')?.connected === true),
      15_000,
    );
    // The new controller drives the slice: a fresh ARP broadcast goes to it as a packet-in.
    const before = rig.proxy.status().slices.alpha.packetInsDelivered;
    await rig.ovs.inNs(a1, 'ip', ['neigh', 'flush', 'all']);
    await pingUntil(rig, a1, '10.0.0.2');
    assert.ok(rig.proxy.status().slices.alpha.packetInsDelivered > before, 'packet-ins reach the restarted controller');
  });

  test("undeploy removes a slice's rules and meter from every switch", async () => {
    const plan = rig.proxy.currentPlan()!;
    const r = await rig.proxy.applyPlan({
      ...plan,
      slices: plan.slices.filter((s) => s.name !== 'alpha'),
      flowspace: plan.flowspace.filter((e) => e.slice !== 'alpha'),
      qos: { ...plan.qos, meters: [] },
    });
    assert.ok(r.ok, JSON.stringify(r));
    for (const br of ['s1', 's2', 's3'])
      assert.ok(!rig.ovs.dumpFlows(br).some((f) => f.includes('dl_vlan=101') || (f.includes('in_port=1,') && br !== 's2')), br);
    assert.doesNotMatch(rig.ovs.dumpMeters('s1'), /meter=6553[79]/);
    assert.equal((await rig.ovs.ping(rig.hosts.a1, '10.0.0.2', 1)).code === 0, false);
    assert.equal((await rig.ovs.ping(rig.hosts.b1, '10.0.0.2', 1)).code, 0);
  });
});

describe('slicing proxy with OpenFlow 1.0 switches and controllers', { timeout: 90_000 }, () => {
  let rig: Rig;
  before(async () => {
    rig = await setUp('OpenFlow10');
  });
  after(async () => {
    if (rig) await tearDown(rig);
  });

  test('two OpenFlow 1.0 tenants on the same subnet reach only their own hosts', async () => {
    const { a1, a3, b1, b3 } = rig.hosts;
    await pingUntil(rig, a1, '10.0.0.2');
    await pingUntil(rig, b1, '10.0.0.2');
    assert.equal(await neighbourMac(rig, a1, '10.0.0.2'), a3.mac);
    assert.equal(await neighbourMac(rig, b1, '10.0.0.2'), b3.mac);
    assert.notEqual((await rig.ovs.ping(a1, '10.0.0.9', 2)).code, 0);
  });

  test("OpenFlow 1.0 undeploy removes the slice's flows (no cookies in 1.0: by flowspace) and keeps the other slice", async () => {
    const plan = rig.proxy.currentPlan()!;
    const r = await rig.proxy.applyPlan({
      ...plan,
      slices: plan.slices.filter((s) => s.name !== 'alpha'),
      flowspace: plan.flowspace.filter((e) => e.slice !== 'alpha'),
    });
    assert.ok(r.ok, JSON.stringify(r));
    for (const br of ['s1', 's3']) {
      const flows = rig.ovs.dumpFlows(br, 'OpenFlow10');
      assert.ok(!flows.some((f) => /in_port=1\b/.test(f) && !f.includes('priority=0')), `${br}: ${flows.join('\n')}`);
    }
    assert.ok(!rig.ovs.dumpFlows('s2', 'OpenFlow10').some((f) => f.includes('dl_vlan=101')));
    await rig.ovs.inNs(rig.hosts.a1, 'ip', ['neigh', 'flush', 'all']);
    assert.notEqual((await rig.ovs.ping(rig.hosts.a1, '10.0.0.2', 2)).code, 0, 'alpha is gone');
    assert.equal((await rig.ovs.ping(rig.hosts.b1, '10.0.0.2', 2)).code, 0, 'beta still works');
  });
});

describe('MPLS overlay end to end (OpenFlow 1.3, ovs-testcontroller)', { timeout: 90_000 }, () => {
  const ovs = new OvsSandbox();
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  let ctl: TenantController | undefined;
  /** The VLAN-slicing tenant: customer VLAN 100 at s1:2 and s3:2, over MPLS in the core. */
  let custCtl: TenantController | undefined;
  /** The tenant of 'ety' (s1:4, s3:4, all of s2; MPLS label 1003): rules for ethertype 0x88b5, by hand. */
  let ety: ScriptedController | undefined;
  const hosts: Record<string, Host> = {};
  before(async () => {
    ovs.start();
    for (const n of [1, 2, 3]) ovs.addBridge(`s${n}`, n, 'OpenFlow13');
    ovs.link('s1', 3, 's2', 1);
    ovs.link('s2', 2, 's3', 3);
    hosts.m1 = ovs.addHost({ name: 'm1', bridge: 's1', ofport: 1, ip: '10.5.0.1/24' });
    hosts.m3 = ovs.addHost({ name: 'm3', bridge: 's3', ofport: 1, ip: '10.5.0.3/24' });
    // No static neighbours: ARP and IPv6 neighbour discovery cross the MPLS core (the inner
    // ethertype travels in the label's traffic class).
    for (const [h, n] of [
      [hosts.m1, 1],
      [hosts.m3, 3],
    ] as const)
      await ovs.inNs(h, 'ip', ['-6', 'addr', 'add', `fd00:5::${n}/64`, 'dev', 'eth0', 'nodad']);
    // The VLAN-slicing tenant's hosts: they send and receive raw frames tagged 100 (the test
    // machine has no 8021q module for VLAN interfaces).
    hosts.t1 = ovs.addHost({ name: 't1', bridge: 's1', ofport: 2, ip: '10.99.0.1/24' });
    hosts.t3 = ovs.addHost({ name: 't3', bridge: 's3', ofport: 2, ip: '10.99.0.3/24' });
    hosts.e1 = ovs.addHost({ name: 'e1', bridge: 's1', ofport: 4, ip: '10.98.0.1/24' });
    hosts.e3 = ovs.addHost({ name: 'e3', bridge: 's3', ofport: 4, ip: '10.98.0.3/24' });
    ety = new ScriptedController(await freePort(), [OFP13]);
    await ety.start();
    const port = await freePort();
    ctl = await startTestController(port, 'OpenFlow13');
    const custPort = await freePort();
    custCtl = await startTestController(custPort, 'OpenFlow13');
    const { port: of } = await proxy.start();
    await proxy.applyPlan(
      linePlan([
        mplsSlice(port),
        {
          name: 'cust',
          controllerPort: custPort,
          vlan: 1002,
          overlay: 'mpls',
          flowspace: [
            [1, 2, { vlan_vid: 100 }],
            [3, 2, { vlan_vid: 100 }],
            [2, null, {}],
          ],
        },
        {
          name: 'ety',
          controllerPort: ety.port,
          vlan: 1003,
          overlay: 'mpls',
          flowspace: [
            [1, 4, {}],
            [3, 4, {}],
            [2, null, {}],
          ],
        },
      ]),
    );
    for (const n of [1, 2, 3]) ovs.setController(`s${n}`, `tcp:127.0.0.1:${of}`);
    await waitFor(
      'three switches connected',
      () => proxy.status().switches.length === 3 && proxy.status().switches.every((s) => s.slices.every((b) => b.connected)),
      30_000,
      100,
    );
  });
  after(async () => {
    await proxy.stop().catch(() => {});
    await ctl?.stop().catch(() => {});
    await custCtl?.stop().catch(() => {});
    await ety?.stop().catch(() => {});
    ovs.teardown();
  });

  test("hosts ping across the core and the core forwards on the slice's MPLS label", async () => {
    await waitFor('m1 reaches m3', async () => (await ovs.ping(hosts.m1!, '10.5.0.3', 1)).code === 0, 25_000, 300);
    const core = ovs.dumpFlows('s2').join('\n');
    assert.match(core, /mpls_label=1001/, core);
    // Once the learning switch has installed both directions, the edges push and pop the label.
    await waitFor(
      'edge flows installed',
      async () => {
        await ovs.ping(hosts.m1!, '10.5.0.3', 2);
        const edges = [...ovs.dumpFlows('s1'), ...ovs.dumpFlows('s3')].join('\n');
        return /push_mpls:0x8847/.test(edges) && /pop_mpls:0x0800/.test(edges);
      },
      20_000,
      200,
    );
    const edges = [...ovs.dumpFlows('s1'), ...ovs.dumpFlows('s3')].join('\n');
    // (pop_mpls:0x8847 only in the second-label dispatch rules, at priority 65529)
    const tenantEdges = edges.split('\n').filter((f) => !f.includes('priority=65529'));
    assert.doesNotMatch(tenantEdges.join('\n'), /pop_mpls:0x8847/, 'the pop restores the inner IPv4 ethertype');
    assert.equal((await ovs.ping(hosts.m1!, '10.5.0.3', 3)).code, 0, 'pings through the installed MPLS flows');
    // The hosts learnt each other by ARP across the core (nothing static).
    const neigh = (await ovs.inNs(hosts.m1!, 'ip', ['neigh', 'show', '10.5.0.3'])).stdout;
    assert.match(neigh, new RegExp(hosts.m3!.mac), neigh);
    assert.doesNotMatch(neigh, /PERMANENT/, neigh);
    assert.match(edges, /pop_mpls:0x0806/, 'ARP is popped as ARP');
  });

  test('IPv6 crosses the MPLS core: neighbour discovery and ping6', async () => {
    await waitFor('m1 reaches m3 over IPv6', async () => (await ovs.ping(hosts.m1!, 'fd00:5::3', 1, ['-6'])).code === 0, 25_000, 300);
    assert.match((await ovs.inNs(hosts.m1!, 'ip', ['-6', 'neigh', 'show', 'fd00:5::3'])).stdout, new RegExp(hosts.m3!.mac));
    assert.match([...ovs.dumpFlows('s1'), ...ovs.dumpFlows('s3')].join('\n'), /pop_mpls:0x86dd/, 'IPv6 is popped as IPv6');
  });

  test('VLAN slicing: frames tagged 100 at the edge reach the slice that owns vlan_vid 100, tag kept end to end, over MPLS', async () => {
    // At t3: count the ARP frames from t1 by their VLAN tag (the kernel moves a received tag into
    // the packet's auxiliary data).
    const sniffer = spawnOwned('vlan-sniffer', 'ip', [
      'netns',
      'exec',
      hosts.t3!.ns,
      'python3',
      '-c',
      [
        'import socket, struct, time',
        's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))',
        "s.bind(('eth0', 0)); s.settimeout(0.2)",
        's.setsockopt(263, 8, 1)', // SOL_PACKET, PACKET_AUXDATA
        "print('ready', flush=True)",
        'seen = {}; end = time.time() + 8',
        'while time.time() < end:',
        '    try: d, anc, flags, a = s.recvmsg(2048, socket.CMSG_SPACE(32))',
        '    except socket.timeout: continue',
        `    if d[6:12] != bytes.fromhex('${hosts.t1!.mac.replaceAll(':', '')}'): continue`,
        '    vid = None',
        '    if d[12:14] == bytes.fromhex("8100"): vid = struct.unpack("!H", d[14:16])[0] & 0xfff',
        '    for lvl, typ, data in anc:',
        '        if lvl == 263 and typ == 8:',
        '            st, ln, sn, mac, net, tci, tpid = struct.unpack("IIIHHHH", data[:20])',
        '            if st & 0x10: vid = tci & 0xfff',
        '    seen[str(vid)] = seen.get(str(vid), 0) + 1',
        "print('seen', seen, flush=True)",
      ].join('\n'),
    ]);
    try {
      const said = () => sniffer.output.join('');
      await waitFor('sniffer ready', () => said().includes('ready'), 10_000, 50);
      // From t1: ARP requests tagged 100 (the slice's) and untagged (no slice's), a few of each.
      const arp = (tag: string) =>
        `bytes.fromhex('ffffffffffff${hosts.t1!.mac.replaceAll(':', '')}${tag}0806000108000604000102000000000a0a0600010000000000000a060003') + bytes(18)`;
      await ovs.inNs(hosts.t1!, 'python3', [
        '-c',
        [
          'import socket, time',
          "t = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); t.bind(('eth0', 0))",
          'for i in range(6):',
          `    t.send(${arp('81000064')}); t.send(${arp('')}); time.sleep(0.5)`,
        ].join('\n'),
      ]);
      await waitFor('sniffer done', () => said().includes('seen'), 15_000, 100);
      const seen = JSON.parse(/seen (\{.*\})/.exec(said())![1]!.replaceAll("'", '"')) as Record<string, number>;
      assert.ok((seen['100'] ?? 0) > 0, `frames tagged 100 arrive at t3 with their tag: ${said()}`);
      assert.deepEqual(Object.keys(seen), ['100'], `nothing else from t1 arrives (the untagged frames are no slice's): ${said()}`);
      assert.match(ovs.dumpFlows('s1').join('\n'), /dl_vlan=100/, "the slice's rules match its customer tag");
    } finally {
      await sniffer.stop();
    }
  });

  test('LLDP stays in its MPLS slice: per link port, the label with the LLDP class goes to the controller', () => {
    const core = ovs.dumpFlows('s2').join('\n');
    for (const port of [1, 2])
      assert.match(core, new RegExp(`priority=65530,mpls,in_port=${port},mpls_label=1001,mpls_tc=3 actions=CONTROLLER`), core);
  });
  test('any ethertype a rule names crosses the MPLS core in a second label (table 1), restored at the far edge; flow stats, modify, delete and flow-removed span both tables', async () => {
    const sc = ety!;
    const X = 0x88b5n;
    const conn = await Promise.all([1n, 2n, 3n].map((d) => sc.connection(d)));
    const [c1, c2, c3] = conn as [ScriptedSwitchConn, ScriptedSwitchConn, ScriptedSwitchConn];
    const out = (port: number) => [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port, maxLen: 0xffff }] }];
    const add = (c: ScriptedSwitchConn, over: Parameters<typeof baseFlowMod>[0]) =>
      sc.send(c, { type: 'flow_mod', ...baseFlowMod({ flags: 1 /* SEND_FLOW_REM */, ...over }) });
    const probe = 0x020000000099n;
    const xids = [
      add(c1, { match: { in_port: { value: 4n }, eth_type: { value: X } }, instructions: out(3) }),
      add(c2, { match: { in_port: { value: 1n }, eth_type: { value: X } }, instructions: out(2), cookie: 0x2222n }),
      add(c3, { match: { in_port: { value: 3n }, eth_type: { value: X } }, instructions: out(4), cookie: 0x3333n }),
      add(c3, {
        priority: 20,
        match: { in_port: { value: 3n }, eth_type: { value: X }, eth_dst: { value: probe } },
        instructions: out(OFPP.CONTROLLER),
      }),
    ];
    for (const [i, c] of [c1, c2, c3, c3].entries()) {
      const replies = await sc.settle(c, [xids[i]!]);
      assert.deepEqual(
        replies.filter((m) => m.type === 'error'),
        [],
        `rule ${i} accepted`,
      );
    }
    const table1 = (br: string) => ovs.dumpFlows(br).filter((f) => f.includes('table=1,'));
    // The far end reads the ethertype from the second label, behind the dispatch of each link port.
    assert.equal(table1('s3').length, 2, table1('s3').join('\n'));
    assert.ok(
      table1('s3').every((f) => /mpls_label=34997,mpls_bos=1/.test(f) && /metadata=0x/.test(f)),
      table1('s3').join('\n'),
    );
    assert.match(table1('s3').join('\n'), /pop_mpls:0x88b5,output:4/);
    assert.match(table1('s2').join('\n'), /in_port=1,.*push_mpls:0x8847,set_field:1003->mpls_label,set_field:7->mpls_tc,output:2/);
    for (const [br, ports] of [
      ['s2', [1, 2]],
      ['s3', [3]],
    ] as const)
      for (const p of ports)
        assert.match(
          ovs.dumpFlows(br).join('\n'),
          new RegExp(
            `priority=65529,mpls,in_port=${p},mpls_label=1003,mpls_tc=7,mpls_bos=0 actions=pop_mpls:0x8847,write_metadata:0x[0-9a-f]+,goto_table:1`,
          ),
        );
    assert.match(
      ovs.dumpFlows('s1').join('\n'),
      /dl_type=0x88b5 actions=push_mpls:0x8847,set_field:34997->mpls_label,push_mpls:0x8847,set_field:1003->mpls_label,set_field:7->mpls_tc,output:3/,
    );
    // Raw 0x88b5 frames from e1 (broadcast, and to the probe MAC that s3 sends to the tenant), seen at e3.
    const src = hosts.e1!.mac.replaceAll(':', '');
    const sniffer = spawnOwned('ethertype-sniffer', 'ip', [
      'netns',
      'exec',
      hosts.e3!.ns,
      'python3',
      '-c',
      [
        'import socket, time',
        's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))',
        "s.bind(('eth0', 0)); s.settimeout(0.2)",
        "print('ready', flush=True)",
        'n = 0; end = time.time() + 6',
        'while time.time() < end:',
        '    try: d = s.recv(2048)',
        '    except socket.timeout: continue',
        `    if d[6:12] == bytes.fromhex('${src}') and d[12:14] == bytes.fromhex('88b5') and d[14:24] == b'dfv-88b5-x': n += 1`,
        "print('seen', n, flush=True)",
      ].join('\n'),
    ]);
    try {
      await waitFor('sniffer ready', () => sniffer.output.join('').includes('ready'), 10_000, 50);
      await ovs.inNs(hosts.e1!, 'python3', [
        '-c',
        [
          'import socket, time',
          "t = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); t.bind(('eth0', 0))",
          'for i in range(4):',
          `    t.send(bytes.fromhex('ffffffffffff${src}88b5') + b'dfv-88b5-x' + bytes(40))`,
          `    t.send(bytes.fromhex('${probe.toString(16).padStart(12, '0')}${src}88b5') + b'dfv-88b5-c' + bytes(40)); time.sleep(0.3)`,
        ].join('\n'),
      ]);
      await waitFor('sniffer done', () => sniffer.output.join('').includes('seen'), 15_000, 100);
    } finally {
      await sniffer.stop();
    }
    const seen = Number(/seen (\d+)/.exec(sniffer.output.join(''))?.[1] ?? 0);
    assert.ok(seen >= 3, `0x88b5 frames arrive at e3 with their ethertype restored: ${sniffer.output.join('')}`);
    // The probe frames reach the tenant as packet-ins (table 1 → controller with the whole stack), restored.
    const pins = c3.received.filter(
      (m): m is Extract<OfMessage, { type: 'packet_in' }> => m.type === 'packet_in' && m.data.subarray(14, 24).toString() === 'dfv-88b5-c',
    );
    assert.ok(pins.length >= 3, `packet-ins of the probe frames: ${pins.length}`);
    assert.ok(
      pins.every(
        (m) => m.data.readUInt16BE(12) === 0x88b5 && m.tableId === 0 && m.cookie === 0x42n && Number(m.match.in_port!.value) === 3,
      ),
    );
    // Flow statistics: the tenant's table 0, its own match and cookie, the counters of the table-1 rules.
    const statsXid = sc.send(c3, {
      type: 'multipart_request',
      mpType: 'flow',
      flags: 0,
      flow: { tableId: 0, outPort: OFPP.ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} },
    });
    const stats = ((await sc.reply(c3, statsXid)) as { flows?: FlowStats[] }).flows ?? [];
    const plain = stats.find((f) => f.cookie === 0x3333n);
    assert.ok(plain, JSON.stringify(stats.map((f) => f.cookie.toString(16))));
    assert.deepEqual([plain.tableId, plain.match], [0, { in_port: { value: 3n }, eth_type: { value: X } }]);
    assert.ok(plain.packetCount >= 3n, `counted in table 1: ${plain.packetCount}`);
    // A strict modify reaches the table-1 rule.
    const mod = sc.send(c3, {
      type: 'flow_mod',
      ...baseFlowMod({
        command: FC.MODIFY_STRICT,
        match: { in_port: { value: 3n }, eth_type: { value: X } },
        instructions: out(OFPP.CONTROLLER),
      }),
    });
    assert.deepEqual(
      (await sc.settle(c3, [mod])).filter((m) => m.type === 'error'),
      [],
    );
    assert.match(
      table1('s3').join('\n'),
      /priority=26,.*mpls_label=34997.*actions=push_mpls:0x8847,set_field:1003->mpls_label,set_field:7->mpls_tc,CONTROLLER/,
    );
    // A non-strict delete by ethertype takes both table-1 rules of s3; a strict one the rule on s2.
    const del3 = sc.send(c3, { type: 'flow_mod', ...baseFlowMod({ command: FC.DELETE, match: { eth_type: { value: X } } }) });
    const del2 = sc.send(c2, {
      type: 'flow_mod',
      ...baseFlowMod({ command: FC.DELETE_STRICT, match: { in_port: { value: 1n }, eth_type: { value: X } } }),
    });
    assert.deepEqual(
      [...(await sc.settle(c3, [del3])), ...(await sc.settle(c2, [del2]))].filter((m) => m.type === 'error'),
      [],
    );
    assert.deepEqual(table1('s3'), []);
    assert.deepEqual(table1('s2'), []);
    assert.equal(
      ovs.dumpFlows('s3').filter((f) => f.includes('priority=65529') && f.includes('mpls_label=1003')).length,
      1,
      'the dispatch stays (a base rule)',
    );
    await waitFor(
      'flow-removed of the table-1 rules',
      () => {
        const removed = [...c2.received, ...c3.received]
          .filter((m) => m.type === 'flow_removed')
          .map((m) => (m as { cookie: bigint }).cookie);
        return removed.includes(0x2222n) && removed.includes(0x3333n);
      },
      5000,
      50,
    );
    const left = proxy
      .status()
      .switches.find((w) => w.dpid === dp(3))!
      .slices.find((b) => b.slice === 'ety');
    assert.equal(left?.flowEntries, 0, JSON.stringify(left));
  });
});
