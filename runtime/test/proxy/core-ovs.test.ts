// The managed core against real Open vSwitch (issue 18): edges e1, e2 and a core c1, c2, c3 with
// two disjoint paths (c1–c3 direct, c1–c2–c3), as samples/core. Two tenants with the same host
// addresses (red: ovs-testcontroller, blue: os-ken) and a scripted one (gamma) each see only the
// edges and one virtual port; hosts ping across the core; the core's tables do not grow with
// tenant flows; a core link going down moves the virtual links and pings resume (the gap is
// printed, not asserted); red's traffic never reaches blue's host.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { startOsken, startTestController, type TenantController } from '../../src/lab/controllers.js';
import { ScriptedController } from '../harness/scripted-controller.js';
import { freePort, waitFor, spawnOwned, sleep } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { OFPP, type OfMessage } from '../../src/proxy/messages.js';
import { baseFlowMod } from './fixtures.js';
import { corePlan } from './core-fixtures.js';

const V = 0xfe00;

interface Rig {
  ovs: OvsSandbox;
  proxy: SlicingProxy;
  red?: TenantController;
  blue?: TenantController;
  gamma?: ScriptedController;
  hosts: Record<string, Host>;
}

async function setUp(): Promise<Rig> {
  const ovs = new OvsSandbox();
  const rig: Rig = { ovs, proxy: new SlicingProxy({ ofListen: '127.0.0.1:0' }), hosts: {} };
  try {
    ovs.start();
    for (const [name, dpid] of [
      ['e1', 1],
      ['e2', 2],
      ['c1', 0x11],
      ['c2', 0x12],
      ['c3', 0x13],
    ] as const)
      ovs.addBridge(name, dpid, 'OpenFlow13');
    ovs.link('e1', 2, 'c1', 1);
    ovs.link('c1', 2, 'c2', 1);
    ovs.link('c2', 2, 'c3', 2);
    ovs.link('c1', 3, 'c3', 3);
    ovs.link('c3', 1, 'e2', 2);
    rig.hosts.r1 = ovs.addHost({ name: 'r1', bridge: 'e1', ofport: 1, ip: '10.0.0.1/24' });
    rig.hosts.b1 = ovs.addHost({ name: 'b1', bridge: 'e1', ofport: 3, ip: '10.0.0.1/24' });
    rig.hosts.r2 = ovs.addHost({ name: 'r2', bridge: 'e2', ofport: 1, ip: '10.0.0.2/24' });
    rig.hosts.b2 = ovs.addHost({ name: 'b2', bridge: 'e2', ofport: 3, ip: '10.0.0.2/24' });
    const ports = { red: await freePort(), blue: await freePort(), gamma: await freePort() };
    rig.red = await startTestController(ports.red, 'OpenFlow13');
    rig.blue = await startOsken(ports.blue);
    rig.gamma = new ScriptedController(ports.gamma);
    await rig.gamma.start();
    const { port } = await rig.proxy.start();
    await rig.proxy.applyPlan(
      corePlan([
        { name: 'red', controllerPort: ports.red, vlan: 101, linkTag: 201, hostPort: 1 },
        { name: 'blue', controllerPort: ports.blue, vlan: 102, linkTag: 202, hostPort: 3 },
        { name: 'gamma', controllerPort: ports.gamma, vlan: 103, linkTag: 203, hostPort: 4 },
      ]),
    );
    for (const br of ['e1', 'e2', 'c1', 'c2', 'c3']) ovs.setController(br, `tcp:127.0.0.1:${port}`);
    await waitFor(
      'five switches up, the tenants of the edges connected',
      () => {
        const st = rig.proxy.status();
        const edges = st.switches.filter((s) => s.slices.length > 0);
        return (
          st.switches.length === 5 && edges.length === 2 && edges.every((s) => s.slices.length === 3 && s.slices.every((x) => x.connected))
        );
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
  await rig.red?.stop().catch(() => {});
  await rig.blue?.stop().catch(() => {});
  await rig.gamma?.stop().catch(() => {});
  rig.ovs.teardown();
}

const coreRules = (rig: Rig) => Object.fromEntries(['c1', 'c2', 'c3'].map((c) => [c, rig.ovs.dumpFlows(c).length]));

async function pingUntil(rig: Rig, from: Host, to: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${from.name} reaches ${to}`, async () => (await rig.ovs.ping(from, to, 1)).code === 0, timeoutMs, 100);
}

async function neighbourMac(rig: Rig, h: Host, ip: string): Promise<string | null> {
  const r = await rig.ovs.inNs(h, 'ip', ['neigh', 'show', ip]);
  return /lladdr ([0-9a-f:]+)/.exec(r.stdout)?.[1] ?? null;
}

describe('managed core on Open vSwitch: virtual links across a three-switch core', { timeout: 180_000 }, () => {
  let rig: Rig;
  before(async () => {
    rig = await setUp();
  });
  after(async () => {
    if (rig) await tearDown(rig);
  });

  test("each tenant's controller sees only its edge switches, with its host port and one virtual port (up, named vl-<peer>)", async () => {
    const sc = rig.gamma!;
    await waitFor('gamma connected from both edges', () => sc.conns.filter((c) => c.dpid !== null).length === 2, 10_000);
    assert.deepEqual(sc.conns.map((c) => c.dpid).sort(), [1n, 2n], 'no connection for a core switch');
    for (const dpid of [1n, 2n]) {
      const conn = await sc.connection(dpid);
      const xid = sc.send(conn, { type: 'multipart_request', mpType: 'port_desc', flags: 0 });
      const reply = (await sc.reply(conn, xid)) as Extract<OfMessage, { type: 'multipart_reply' }>;
      const ports = (reply.ports ?? []).map((p) => [p.portNo, p.name, p.state & 1]);
      // gamma's host port 4 has no interface on the bridges: the virtual port is all it sees.
      assert.deepEqual(ports, [[V, dpid === 1n ? 'vl-e2' : 'vl-e1', 0]]);
    }
    // The core switches hold the isolation rule and the virtual links' forwarding only.
    const c2 = rig.ovs.dumpFlows('c2');
    assert.equal(c2.length, 1, `c2 carries no path yet: ${c2.join('\n')}`);
    assert.match(rig.ovs.dumpFlows('c1').join('\n'), /dl_vlan=201.*actions=output:3|in_port=1,dl_vlan=201 actions=output:3/);
  });

  test('hosts of both tenants ping across the core, each reaching its own host of the same address', async () => {
    const { r1, r2, b1, b2 } = rig.hosts;
    await pingUntil(rig, r1, '10.0.0.2');
    await pingUntil(rig, b1, '10.0.0.2');
    assert.equal(await neighbourMac(rig, r1, '10.0.0.2'), r2!.mac);
    assert.equal(await neighbourMac(rig, b1, '10.0.0.2'), b2!.mac);
    // Tenant rules on the edges output to the virtual port's group; the core has 2 rules per slice and switch.
    assert.match(rig.ovs.dumpFlows('e1').join('\n'), /push_vlan:0x8100,set_field:4297->vlan_vid,group:/);
    assert.deepEqual(coreRules(rig), { c1: 7, c2: 1, c3: 7 });
    // Per-virtual-link counters from the core rules' statistics (API and /metrics read these).
    await rig.proxy.collectStats('0000000000000011');
    await rig.proxy.collectStats('0000000000000013');
    const [vl] = rig.proxy.virtualLinks('red');
    assert.equal(vl!.state, 'up');
    assert.deepEqual(vl!.path, { index: 0, links: ['e1:2<->c1:1', 'c1:3<->c3:3', 'c3:1<->e2:2'], switches: ['c1', 'c3'] });
    assert.ok(vl!.counters.aToB!.packets > 0 && vl!.counters.bToA!.packets > 0, JSON.stringify(vl!.counters));
    assert.ok(vl!.counters.aToB!.bytes >= 64 * vl!.counters.aToB!.packets);
  });

  test("red's traffic never reaches blue's host of the same address", async () => {
    const { r1, b2 } = rig.hosts;
    const sniffer = spawnOwned('sniffer', 'ip', [
      'netns',
      'exec',
      b2!.ns,
      'python3',
      '-c',
      [
        'import socket, time',
        's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))',
        "s.bind(('eth0', 0)); s.settimeout(0.2)",
        "print('ready', flush=True)",
        'n = 0; end = time.time() + 4',
        'while time.time() < end:',
        '    try: d, a = s.recvfrom(2048)',
        '    except socket.timeout: continue',
        "    if bytes.fromhex('dfc0ffee') * 4 in d: n += 1",
        "print('seen', n, flush=True)",
      ].join('\n'),
    ]);
    try {
      await waitFor('sniffer ready', () => sniffer.output.join('').includes('ready'), 10_000, 50);
      const r = await rig.ovs.ping(r1!, '10.0.0.2', 5, ['-p', 'dfc0ffee']);
      assert.equal(r.code, 0, 'red reaches its own 10.0.0.2 with the marked payload');
      await waitFor('sniffer done', () => /seen \d+/.test(sniffer.output.join('')), 10_000, 100);
      assert.match(sniffer.output.join(''), /seen 0\b/, "blue's host saw red's marked pings");
    } finally {
      await sniffer.stop();
    }
  });

  test("a tenant's LLDP sent on its virtual port crosses the core and comes back to it from the far edge's virtual port", async () => {
    const sc = rig.gamma!;
    const e1 = await sc.connection(1n);
    const e2 = await sc.connection(2n);
    // LLDP: chassis id 'gamma-e1', port id 'fe00', TTL 120, end.
    const tlv = (type: number, value: Buffer) =>
      Buffer.concat([Buffer.from([(type << 1) | (value.length >> 8), value.length & 0xff]), value]);
    const lldp = Buffer.concat([
      Buffer.from('0180c200000e' + '02000000ee01' + '88cc', 'hex'),
      tlv(1, Buffer.concat([Buffer.from([7]), Buffer.from('gamma-e1')])),
      tlv(2, Buffer.concat([Buffer.from([7]), Buffer.from('fe00')])),
      tlv(3, Buffer.from([0, 120])),
      Buffer.from([0, 0]),
    ]);
    const before = e2.received.length;
    sc.send(e1, {
      type: 'packet_out',
      bufferId: 0xffffffff,
      inPort: OFPP.CONTROLLER,
      actions: [{ type: 'output', port: V, maxLen: 0 }],
      data: lldp,
    });
    const pin = (await waitFor(
      'the LLDP frame at e2',
      () => e2.received.slice(before).find((m) => m.type === 'packet_in' && m.data.includes(Buffer.from('gamma-e1'))),
      10_000,
      20,
    )) as Extract<OfMessage, { type: 'packet_in' }>;
    assert.equal(Number(pin.match.in_port?.value), V, 'it arrived on the virtual port');
    assert.equal(pin.data.readUInt16BE(12), 0x88cc, 'untagged, as sent');
  });

  test('the core switches hold the same rules after 1 000 tenant flows as after 1', async () => {
    const sc = rig.gamma!;
    const conn = await sc.connection(1n);
    const flow = (i: number) =>
      sc.send(conn, {
        type: 'flow_mod',
        ...baseFlowMod({
          match: { in_port: { value: 4n }, eth_dst: { value: BigInt(0x020000aa0000 + i) } },
          instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: V, maxLen: 0 }] }],
        }),
      });
    const first = [flow(0)];
    assert.deepEqual(
      (await sc.settle(conn, first)).filter((m) => m.type === 'error'),
      [],
    );
    const afterOne = coreRules(rig);
    const edgeOne = rig.ovs.dumpFlows('e1').length;
    const xids: number[] = [];
    for (let i = 1; i < 1000; i++) xids.push(flow(i));
    assert.deepEqual(
      (await sc.settle(conn, xids)).filter((m) => m.type === 'error'),
      [],
    );
    assert.equal(rig.ovs.dumpFlows('e1').length, edgeOne + 999, 'the edge holds the tenant flows');
    assert.deepEqual(coreRules(rig), afterOne, 'the core holds the same rules');
    console.log(`core rules per switch after 1 and 1 000 tenant flows: ${JSON.stringify(afterOne)} / ${JSON.stringify(coreRules(rig))}`);
  });

  test('a core link going down moves the virtual links to the other path; pings resume; the link coming back restores the preferred path', async () => {
    const { r1 } = rig.hosts;
    await pingUntil(rig, r1!, '10.0.0.2');
    const down = Date.now();
    rig.ovs.ofctl('-O', 'OpenFlow13', 'mod-port', 'c1', '3', 'down');
    await waitFor('red moved to c1–c2–c3', () => rig.proxy.coreState().get('red', 'e1<->e2')?.active === 1, 10_000, 20);
    await pingUntil(rig, r1!, '10.0.0.2');
    console.log(`failover c1:3 down: pings resumed after ${Date.now() - down} ms`);
    assert.equal(rig.proxy.coreState().get('blue', 'e1<->e2')?.active, 1);
    await waitFor('c2 carries both slices', () => rig.ovs.dumpFlows('c2').length === 1 + 2 * 3, 5_000, 50);
    // c1 forwards to c2 now, and the direct path's rules are gone from c3.
    assert.doesNotMatch(rig.ovs.dumpFlows('c3').join('\n'), /in_port=3/);
    // The tenant saw no port change: its virtual port stayed up.
    const gammaPortStatus = rig.gamma!.conns.flatMap((c) => c.received.filter((m) => m.type === 'port_status'));
    assert.deepEqual(gammaPortStatus, []);
    rig.ovs.ofctl('-O', 'OpenFlow13', 'mod-port', 'c1', '3', 'up');
    await waitFor('red back on c1–c3', () => rig.proxy.coreState().get('red', 'e1<->e2')?.active === 0, 10_000, 20);
    await waitFor('c2 empty again', () => rig.ovs.dumpFlows('c2').length === 1, 5_000, 50);
    await pingUntil(rig, r1!, '10.0.0.2');
  });

  test('with no path left the virtual port goes down for the tenant, and comes back up with a path', async () => {
    const sc = rig.gamma!;
    const conn = await sc.connection(1n);
    const statuses = () => conn.received.filter((m): m is Extract<OfMessage, { type: 'port_status' }> => m.type === 'port_status');
    rig.ovs.ofctl('-O', 'OpenFlow13', 'mod-port', 'e1', '2', 'down');
    await waitFor('gamma told its virtual port is down', () => statuses().some((m) => m.port.portNo === V && m.port.state & 1), 10_000, 20);
    assert.equal(rig.proxy.coreState().activePath('gamma', 'e1<->e2'), null);
    rig.ovs.ofctl('-O', 'OpenFlow13', 'mod-port', 'e1', '2', 'up');
    await waitFor(
      'gamma told its virtual port is up',
      () => statuses().some((m) => m.port.portNo === V && !(m.port.state & 1)),
      10_000,
      20,
    );
    await sleep(100);
    await pingUntil(rig, rig.hosts.b1!, '10.0.0.2');
  });

  test('a core rule removed behind the proxy comes back with the next statistics round; undeploy removes the core rules and groups', async () => {
    const before = rig.ovs.dumpFlows('c1').length;
    rig.ovs.ofctl('-O', 'OpenFlow13', 'del-flows', 'c1', 'dl_vlan=201');
    assert.equal(rig.ovs.dumpFlows('c1').length, before - 2);
    await rig.proxy.collectStats('0000000000000011');
    await waitFor('c1 reconciled', () => rig.ovs.dumpFlows('c1').length === before, 5_000, 50);
    await rig.proxy.applyPlan(null);
    for (const c of ['c1', 'c2', 'c3'])
      await waitFor(`${c} holds no core rule`, () => !rig.ovs.dumpFlows(c).some((l) => /dl_vlan=20[123]/.test(l)), 5_000, 50);
    await waitFor('e1 holds no group', () => !/group_id=/.test(rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-groups', 'e1')), 5_000, 50);
  });
});
