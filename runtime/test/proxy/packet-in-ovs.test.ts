// Packet-in classification by IPv6 headers and of IPv4/IPv6 fragments, against real Open vSwitch:
// slices a and b share edge port 1 of s1; a owns 10.0.1.0/24 and 2001:db8:a::/48, b owns
// 2001:db8:b::/48 and reads TCP port 80 (IPv4 and IPv6). Both controllers speak OpenFlow 1.0, so
// the switch's packet-ins come from the proxy's miss-emulation rules and are classified by their
// headers. A host sends IPv6 traffic (each slice's controller gets its own prefix's packets, not
// the other's) and later fragments from a's addresses whose payload reads as TCP port 80: the switch
// sends them up by a's rule, a gets them, b (whose flowspace they are not in) must not. Positive
// control: a whole TCP port-80 packet and a first fragment from a's source reach both.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { linePlan } from './fixtures.js';
import { OFP10, type OfMessage } from '../../src/proxy/messages.js';
import { PROTO, fragment, ipv4Packet, ipv6Frame, tcp, udp, type Header } from './ip-frames.js';

/** The header with `mark` after it (to find the frame in a packet-in). */
const marked = ([proto, bytes]: Header, mark: string): Header => [proto, Buffer.concat([bytes, Buffer.from(mark)])];
const has = (conn: ScriptedSwitchConn, mark: string) =>
  conn.received.some((m: OfMessage) => m.type === 'packet_in' && m.data.includes(mark));

describe('packet-ins are classified by IPv6 headers, and fragments by what Open vSwitch sees (real Open vSwitch)', {
  timeout: 120_000,
}, () => {
  const ovs = new OvsSandbox();
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  let aCtl: ScriptedController;
  let bCtl: ScriptedController;
  let a: ScriptedSwitchConn;
  let b: ScriptedSwitchConn;
  let h1: Host;

  before(async () => {
    aCtl = new ScriptedController(await freePort(), [OFP10]);
    bCtl = new ScriptedController(await freePort(), [OFP10]);
    await aCtl.start();
    await bCtl.start();
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow13');
    h1 = ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.1.1/24', mac: '02:00:00:00:01:01' });
    ovs.addHost({ name: 'h2', bridge: 's1', ofport: 2, ip: '10.0.1.2/24', mac: '02:00:00:00:01:02' });
    const { port } = await proxy.start();
    await proxy.applyPlan(
      linePlan([
        {
          name: 'a',
          controllerPort: aCtl.port,
          vlan: 111,
          flowspace: [
            [1, 1, { eth_type: 0x800, ipv4_src: '10.0.1.0/24' }],
            [1, 1, { eth_type: 0x86dd, ipv6_src: '2001:db8:a::/48' }],
          ],
        },
        {
          name: 'b',
          controllerPort: bCtl.port,
          vlan: 112,
          flowspace: [
            [1, 1, { eth_type: 0x86dd, ipv6_src: '2001:db8:b::/48' }],
            [1, 1, { eth_type: 0x800, ip_proto: 6, tcp_dst: 80 }, ['read']],
            [1, 1, { eth_type: 0x86dd, ip_proto: 6, tcp_dst: 80 }, ['read']],
          ],
        },
      ]),
    );
    ovs.setController('s1', `tcp:127.0.0.1:${port}`);
    a = await aCtl.connection(1n, 30_000);
    b = await bCtl.connection(1n, 30_000);
    // The OpenFlow 1.0 miss emulation of both slices is in the switch's table.
    await waitFor(
      'miss-emulation rules of both slices',
      () => ovs.dumpFlows('s1').filter((f) => /actions=CONTROLLER/.test(f)).length >= 5,
      15_000,
      100,
    );
  });

  after(async () => {
    await proxy.stop().catch(() => {});
    await aCtl?.stop().catch(() => {});
    await bCtl?.stop().catch(() => {});
    ovs.teardown();
  });

  /** Sends raw frames out of h1's interface, in order. */
  async function send(...frames: Buffer[]): Promise<void> {
    const code =
      "import socket,sys\nt=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);t.bind(('eth0',0))\nfor f in sys.argv[1:]: t.send(bytes.fromhex(f))";
    const r = await ovs.inNs(h1, 'python3', ['-c', code, ...frames.map((f) => f.toString('hex'))]);
    assert.equal(r.code, 0, r.stderr);
  }

  test("an IPv6 packet-in reaches the slice of its prefix or TCP port and not the other's", async () => {
    const any = '2001:db8:ffff::9';
    await send(
      ipv6Frame('2001:db8:a::1', any, [marked(udp(5000, 6000), 'V6-A')]),
      ipv6Frame('2001:db8:b::1', any, [marked(udp(5000, 6000), 'V6-B')]),
      ipv6Frame('2001:db8:c::1', any, [marked(tcp(40000, 80), 'V6-C-TCP80')]),
      ipv6Frame('2001:db8:c::1', any, [marked(tcp(40000, 81), 'V6-C-TCP81')]),
      ipv6Frame('2001:db8:b::1', any, [marked(udp(5000, 6000), 'V6-B-LAST')]),
    );
    await waitFor("a's IPv6 packet reaches a", () => has(a, 'V6-A'), 10_000, 50);
    await waitFor(
      "b's IPv6 packets (prefix, TCP port 80) reach b",
      () => has(b, 'V6-B') && has(b, 'V6-C-TCP80') && has(b, 'V6-B-LAST'),
      10_000,
      50,
    );
    assert.ok(!has(b, 'V6-A'), "a's IPv6 packet did not reach b");
    assert.ok(!has(a, 'V6-B') && !has(a, 'V6-C-TCP80') && !has(a, 'V6-B-LAST'), "b's IPv6 packets did not reach a");
    assert.ok(!has(a, 'V6-C-TCP81') && !has(b, 'V6-C-TCP81'), 'a packet outside both flowspaces reached nobody');
  });

  test("later fragments whose payload reads as TCP port 80 reach a (by a's rule) and never b; whole and first-fragment port-80 packets reach both", async () => {
    const looks80 = tcp(80, 80);
    await send(
      ipv4Packet('10.0.1.1', '10.0.1.2', PROTO.tcp, marked(looks80, 'V4-LATER')[1], { offset: 185 }),
      ipv4Packet('10.0.1.1', '10.0.1.2', PROTO.tcp, marked(looks80, 'V4-MIDDLE')[1], { offset: 1, more: true }),
      ipv6Frame('2001:db8:a::1', '2001:db8:a::2', [fragment(185, false), marked(looks80, 'V6-LATER')]),
      ipv4Packet('10.0.1.1', '10.0.1.2', PROTO.tcp, marked(looks80, 'V4-FIRST')[1], { more: true }),
      ipv4Packet('10.0.1.1', '10.0.1.2', PROTO.tcp, marked(looks80, 'V4-WHOLE')[1]),
    );
    // Positive controls: the fragments reach the controllers at all (a's rule holds them), and b
    // reads real port-80 packets from a's source; the whole packet was sent last.
    await waitFor('the IPv4 later fragments reach a', () => has(a, 'V4-LATER') && has(a, 'V4-MIDDLE'), 10_000, 50);
    await waitFor(
      'the first fragment and the whole packet reach a and b',
      () => ['V4-FIRST', 'V4-WHOLE'].every((m) => has(a, m) && has(b, m)),
      10_000,
      50,
    );
    for (const mark of ['V4-LATER', 'V4-MIDDLE']) assert.ok(!has(b, mark), `${mark}: an IPv4 later fragment reached b`);
    await waitFor('the IPv6 later fragment reaches a', () => has(a, 'V6-LATER'), 10_000, 50);
    assert.ok(!has(b, 'V6-LATER'), 'an IPv6 later fragment reached b');
  });
});
