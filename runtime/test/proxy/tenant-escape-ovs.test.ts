// A hostile tenant against the slicing proxy and real Open vSwitch (issue 11, "every tenant
// message is checked as a transformation of packets"): slices red (ip_src 10.0.1.0/24) and blue
// (ip_src 10.0.2.0/24) share edge port 1 of one switch; red also has port 2, blue port 3. Red's
// controller is ours and tries to push its packets into blue's header space: packet-outs of
// blue's source with OUTPUT TABLE / CONTROLLER / IN_PORT / the shared port, flow-mods that
// rewrite ipv4_src to blue's and send to the controller, the shared port, FLOOD, VLAN- and
// MPLS-tagged frames. Every attempt must get an OpenFlow error, and the evidence is looked for
// where a breach would show: sniffers on blue's host and on the shared port's host, blue's
// controller (no packet-in of red's), and the switch's table (no rule that rewrites into blue).
// Positive controls prove the sniffers and the paths work (red's legal packet-out arrives, blue's
// own traffic reaches blue's controller, red's own frames reach red's controller).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { freePort, waitFor, spawnOwned, type OwnedProcess } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { baseFlowMod, ipv4Frame, linePlan, type SliceSpec } from './fixtures.js';
import { OFPP, type Action, type OfMessage } from '../../src/proxy/messages.js';
import { errorNumbers } from '../../src/openflow/index.js';

const ESCAPE = Buffer.from('RED-ESCAPE-MARK');
const RED_OK = Buffer.from('RED-LEGAL-MARK');
const BLUE_OWN = Buffer.from('BLUE-OWN-MARK');
const NO_BUFFER = 0xffffffff;
const refusals = [errorNumbers(4, 'BAD_ACTION', 'EPERM'), errorNumbers(4, 'BAD_REQUEST', 'EPERM')].map((n) => `${n.type}/${n.code}`);
const ip = (s: string) => s.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n);
const out = (port: number): Action => ({ type: 'output', port, maxLen: 0xffff });
const hasMark = (m: OfMessage, mark: Buffer) => m.type === 'packet_in' && m.data.includes(mark);

/** A sniffer in a host's namespace: counts received frames carrying `mark` for `seconds`, and sends one of its own (proof that it sees the wire). */
function sniffer(h: Host, mark: Buffer, seconds: number): OwnedProcess {
  return spawnOwned(`sniffer-${h.name}`, 'ip', [
    'netns',
    'exec',
    h.ns,
    'python3',
    '-c',
    [
      'import socket, time',
      's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))',
      "s.bind(('eth0', 0)); s.settimeout(0.2)",
      "t = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); t.bind(('eth0', 0))",
      `mark = bytes.fromhex('${mark.toString('hex')}')`,
      "t.send(bytes.fromhex('ffffffffffff020000000b0188b5') + mark + b'self' * 10)",
      "print('ready', flush=True)",
      `inc = own = 0; end = time.time() + ${seconds}`,
      'while time.time() < end:',
      '    try: d, a = s.recvfrom(4096)',
      '    except socket.timeout: continue',
      '    if mark not in d: continue',
      '    if a[2] == socket.PACKET_OUTGOING: own += 1',
      '    else: inc += 1',
      "print('in', inc, 'own', own, flush=True)",
    ].join('\n'),
  ]);
}

async function sniffed(p: OwnedProcess): Promise<{ in: number; own: number }> {
  await waitFor(`${p.name} done`, () => !p.alive, 30_000, 100);
  const m = /in (\d+) own (\d+)/.exec(p.output.join(''));
  assert.ok(m, `sniffer output: ${p.output.join('')}`);
  return { in: Number(m[1]), own: Number(m[2]) };
}

/** Sends raw frames from a host (three copies each). */
async function sendFrames(ovs: OvsSandbox, h: Host, frames: Buffer[]): Promise<void> {
  const code = [
    'import socket, sys',
    "t = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); t.bind(('eth0', 0))",
    'for f in sys.argv[1:]:',
    '    for _ in range(3): t.send(bytes.fromhex(f))',
  ].join('\n');
  const r = await ovs.inNs(h, 'python3', ['-c', code, ...frames.map((f) => f.toString('hex'))]);
  assert.equal(r.code, 0, r.stderr);
}

describe('a hostile tenant cannot move its packets into another slice sharing its edge port (real Open vSwitch)', {
  timeout: 120_000,
}, () => {
  const ovs = new OvsSandbox();
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  let redCtl: ScriptedController;
  let blueCtl: ScriptedController;
  let red: ScriptedSwitchConn;
  let blue: ScriptedSwitchConn;
  const hosts: Record<string, Host> = {};

  before(async () => {
    redCtl = new ScriptedController(await freePort());
    blueCtl = new ScriptedController(await freePort());
    await redCtl.start();
    await blueCtl.start();
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow13');
    hosts.h1 = ovs.addHost({ name: 'h1', bridge: 's1', ofport: 1, ip: '10.0.1.1/24', mac: '02:00:00:00:01:01' });
    hosts.r2 = ovs.addHost({ name: 'r2', bridge: 's1', ofport: 2, ip: '10.0.1.2/24', mac: '02:00:00:00:01:02' });
    hosts.b3 = ovs.addHost({ name: 'b3', bridge: 's1', ofport: 3, ip: '10.0.2.3/24', mac: '02:00:00:00:02:03' });
    const { port } = await proxy.start();
    // Each slice: the shared port 1 and a port of its own, its source /24 on both.
    const slice = (name: string, controllerPort: number, vlan: number, own: number, src: string): SliceSpec => ({
      name,
      controllerPort,
      vlan,
      flowspace: [1, own].map((p): SliceSpec['flowspace'][number] => [1, p, { eth_type: 0x800, ipv4_src: src }]),
    });
    await proxy.applyPlan(linePlan([slice('red', redCtl.port, 101, 2, '10.0.1.0/24'), slice('blue', blueCtl.port, 102, 3, '10.0.2.0/24')]));
    ovs.setController('s1', `tcp:127.0.0.1:${port}`);
    red = await redCtl.connection(1n, 30_000);
    blue = await blueCtl.connection(1n, 30_000);
    // Both tenants install the usual OpenFlow 1.3 table-miss rule (narrowed to their flowspace).
    for (const [ctl, conn] of [
      [redCtl, red],
      [blueCtl, blue],
    ] as const) {
      const x = ctl.send(conn, {
        type: 'flow_mod',
        ...baseFlowMod({ priority: 0, instructions: [{ type: 'apply_actions', actions: [out(OFPP.CONTROLLER)] }] }),
      });
      const got = await ctl.settle(conn, [x]);
      assert.ok(!got.some((m) => m.type === 'error'), `table-miss rule refused: ${JSON.stringify(got)}`);
    }
  });

  after(async () => {
    await proxy.stop().catch(() => {});
    await redCtl?.stop().catch(() => {});
    await blueCtl?.stop().catch(() => {});
    ovs.teardown();
  });

  test('every escape gets an OpenFlow error; nothing of red reaches blue’s host, the shared port, blue’s controller or the table', async () => {
    const { h1, r2, b3 } = hosts;
    const sniffers = { b3: sniffer(b3, ESCAPE, 12), h1: sniffer(h1, ESCAPE, 12), r2: sniffer(r2, RED_OK, 12) };
    try {
      for (const p of Object.values(sniffers)) await waitFor(`${p.name} ready`, () => p.output.join('').includes('ready'), 10_000, 50);
      const blueFrame = (payload: Buffer, extra: { vlan?: number; mpls?: number } = {}) =>
        ipv4Frame('10.0.2.1', '10.0.2.3', { srcMac: h1.mac, dstMac: b3.mac, payload, ...extra });
      const redFrame = (payload: Buffer, extra: { vlan?: number; mpls?: number } = {}) =>
        ipv4Frame('10.0.1.1', '10.0.1.2', { srcMac: h1.mac, dstMac: r2.mac, payload, ...extra });

      // Positive controls: red's legal packet-out reaches r2; blue's own traffic reaches blue's controller.
      const legal = redCtl.send(red, {
        type: 'packet_out',
        bufferId: NO_BUFFER,
        inPort: OFPP.CONTROLLER,
        actions: [out(2)],
        data: redFrame(RED_OK),
      });
      assert.ok(!(await redCtl.settle(red, [legal])).some((m) => m.type === 'error'), "red's legal packet-out is accepted");
      await sendFrames(ovs, h1, [blueFrame(BLUE_OWN)]);
      await waitFor("blue's own frame reaches blue's controller", () => blue.received.some((m) => hasMark(m, BLUE_OWN)), 10_000, 50);

      const toBlueSrc: Action = { type: 'set_field', field: 'ipv4_src', value: ip('10.0.2.1') };
      const redSpace = { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_src: { value: ip('10.0.1.0'), mask: 0xffffff00n } };
      const flowMod = (actions: Action[], match: typeof redSpace | Record<string, never> = redSpace) =>
        ({ type: 'flow_mod', ...baseFlowMod({ priority: 100, match, instructions: [{ type: 'apply_actions', actions }] }) }) as const;
      const packetOut = (inPort: number, actions: Action[], data: Buffer) =>
        ({ type: 'packet_out', bufferId: NO_BUFFER, inPort, actions, data }) as const;
      const attempts: Array<[string, Parameters<ScriptedController['send']>[1]]> = [
        ["packet-out of blue's source at the shared port, OUTPUT TABLE", packetOut(1, [out(OFPP.TABLE)], blueFrame(ESCAPE))],
        ["packet-out of blue's source at the shared port, OUTPUT CONTROLLER", packetOut(1, [out(OFPP.CONTROLLER)], blueFrame(ESCAPE))],
        ["packet-out of blue's source at the shared port, OUTPUT IN_PORT", packetOut(1, [out(OFPP.IN_PORT)], blueFrame(ESCAPE))],
        ["packet-out from the controller of blue's source to the shared port", packetOut(OFPP.CONTROLLER, [out(1)], blueFrame(ESCAPE))],
        [
          "packet-out of red's frame rewritten to blue's source, OUTPUT TABLE",
          packetOut(1, [toBlueSrc, out(OFPP.TABLE)], redFrame(ESCAPE)),
        ],
        ["packet-out of red's frame rewritten to blue's source, to the shared port", packetOut(2, [toBlueSrc, out(1)], redFrame(ESCAPE))],
        ["packet-out of a frame tagged with blue's VLAN", packetOut(1, [out(2)], redFrame(ESCAPE, { vlan: 102 }))],
        ['packet-out of an MPLS-labelled frame', packetOut(1, [out(2)], redFrame(ESCAPE, { mpls: 102 }))],
        ["flow-mod SET_FIELD ipv4_src=blue's + OUTPUT CONTROLLER", flowMod([toBlueSrc, out(OFPP.CONTROLLER)])],
        ["flow-mod SET_FIELD ipv4_src=blue's + the shared port", flowMod([toBlueSrc, out(OFPP.IN_PORT)])],
        ["flow-mod SET_FIELD ipv4_src=blue's + FLOOD", flowMod([toBlueSrc, out(OFPP.FLOOD)])],
        ["wildcard flow-mod SET_FIELD ipv4_src=blue's + port 2", flowMod([toBlueSrc, out(2)], {})],
      ];
      const xids = attempts.map(([, m]) => redCtl.send(red, m));
      const replies = await redCtl.settle(red, xids);
      attempts.forEach(([name], i) => {
        const e = replies.find((m) => m.xid === xids[i] && m.type === 'error') as { errType: number; code: number } | undefined;
        assert.ok(e, `${name}: no OpenFlow error`);
        assert.ok(refusals.includes(`${e.errType}/${e.code}`), `${name}: error ${e.errType}/${e.code}`);
      });

      // Red's own traffic at the shared port (what a rewriting rule would have taken): only red sees it.
      await sendFrames(ovs, h1, [redFrame(ESCAPE)]);
      await waitFor("red's own frame reaches red's controller", () => red.received.some((m) => hasMark(m, ESCAPE)), 10_000, 50);

      const seen = { b3: await sniffed(sniffers.b3), h1: await sniffed(sniffers.h1), r2: await sniffed(sniffers.r2) };
      for (const [name, s] of Object.entries(seen)) assert.ok(s.own >= 1, `the sniffer on ${name} sees the wire`);
      assert.ok(seen.r2.in >= 1, "red's legal packet-out reached r2 (the path works)");
      assert.equal(seen.b3.in, 0, "nothing of red's reached blue's host");
      assert.equal(seen.h1.in, 0, "nothing of red's came back out of the shared port");
      assert.ok(!blue.received.some((m) => hasMark(m, ESCAPE)), "no packet-in of red's reached blue's controller");
      const flows = ovs.dumpFlows('s1');
      assert.ok(!flows.some((f) => /10\.0\.2\.1|mod_nw_src|set_field:[^,]*nw_src/.test(f.split('actions=')[1] ?? '')), flows.join('\n'));
      // Each slice's rules (one cookie prefix per slice) match only that slice's source space.
      const spaces = new Map<string, Set<string>>();
      for (const f of flows) {
        const c = /cookie=0x([0-9a-f]{13})\b/.exec(f);
        if (!c) continue;
        const prefix = c[1]!.slice(0, 1);
        if (!spaces.has(prefix)) spaces.set(prefix, new Set());
        spaces.get(prefix)!.add(/nw_src=([0-9./]+)/.exec(f)?.[1] ?? 'any');
      }
      assert.deepEqual([...spaces.values()].map((v) => [...v]).sort(), [['10.0.1.0/24'], ['10.0.2.0/24']], flows.join('\n'));
    } finally {
      for (const p of Object.values(sniffers)) await p.stop();
    }
  });
});
