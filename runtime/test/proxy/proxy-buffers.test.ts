// Buffer ids through the running slicing proxy, with an emulated switch: Open vSwitch 3.1 never
// buffers packet-ins (its features reply says n_buffers 0 and every packet-in carries
// OFP_NO_BUFFER), so a switch that does (as cbench and most hardware switches) is emulated over
// TCP, as the load benchmark's fake switch. Slice x's controller answers a buffered packet-in with
// a flow-mod carrying the buffer id, which reaches the switch with it on one rule; slice y's
// flow-mod and packet-out naming the same id get BAD_REQUEST/BUFFER_UNKNOWN and never reach it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import { OfChannel, silentLogger } from '../../src/proxy/channel.js';
import { OFP10, type OfMessage } from '../../src/proxy/messages.js';
import { errorNumbers } from '../../src/openflow/index.js';
import { ScriptedController } from '../harness/scripted-controller.js';
import { flowMod, port } from './session/fake.js';
import { ipv4Frame } from './session/plan.js';
import { linePlan } from './fixtures.js';

/** An OpenFlow 1.0 switch with buffers: answers the handshake and barriers, records the rest. */
class BufferingSwitch {
  readonly received: OfMessage[] = [];
  readonly channel: OfChannel;
  constructor(proxyPort: number) {
    const sock = connect({ host: '127.0.0.1', port: proxyPort });
    this.channel = new OfChannel(sock, silentLogger, [OFP10], 'switch');
    this.channel.onMessage = (m) => {
      if (m.type === 'features_request') {
        this.channel.send({
          version: OFP10,
          type: 'features_reply',
          xid: m.xid,
          dpid: 1n,
          nBuffers: 256,
          nTables: 1,
          auxiliaryId: 0,
          capabilities: 0,
          actions: 0xfff,
          ports: [1, 2, 3, 4].map(port),
        });
      } else if (m.type === 'barrier_request') this.channel.send({ version: OFP10, type: 'barrier_reply', xid: m.xid });
      else this.received.push(m);
    };
    sock.once('connect', () => this.channel.hello());
  }
}

/** A controller's flow-mod for IPv4 naming `bufferId`, output to `outPort`. */
const ipv4FlowMod = (xid: number, bufferId: number, outPort: number) =>
  flowMod({
    xid,
    bufferId,
    match: { eth_type: { value: 0x800n } },
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: outPort, maxLen: 0 }] }],
  });

describe('buffer ids through the slicing proxy (emulated buffering switch)', { timeout: 60_000 }, () => {
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  let x: ScriptedController;
  let y: ScriptedController;
  let sw: BufferingSwitch;

  before(async () => {
    x = new ScriptedController(await freePort());
    y = new ScriptedController(await freePort());
    await x.start();
    await y.start();
    const proxyPort = (await proxy.start()).port;
    await proxy.applyPlan(
      linePlan([
        { name: 'x', controllerPort: x.port, vlan: 201, flowspace: [[1, 1, {}]] },
        { name: 'y', controllerPort: y.port, vlan: 202, flowspace: [[1, 2, {}]] },
      ]),
    );
    sw = new BufferingSwitch(proxyPort);
    await waitFor(
      'the switch with both tenants connected',
      () => {
        const st = proxy.status();
        return st.switches.length === 1 && st.switches[0]!.slices.length === 2 && st.switches[0]!.slices.every((b) => b.connected);
      },
      20_000,
      50,
    );
  });

  after(async () => {
    sw?.channel.close('test over');
    await proxy.stop().catch(() => {});
    await x?.stop().catch(() => {});
    await y?.stop().catch(() => {});
  });

  test("x's flow-mod uses its buffered packet-in; y's attempts get BUFFER_UNKNOWN and reach nothing", async () => {
    const cx = await x.connection(1n);
    const cy = await y.connection(1n);
    const frame = ipv4Frame('10.1.0.1', '10.1.0.2');
    sw.channel.send({
      version: OFP10,
      type: 'packet_in',
      xid: 0,
      bufferId: 42,
      totalLen: frame.length,
      reason: 0,
      tableId: 0,
      cookie: 0n,
      match: { in_port: { value: 1n } },
      data: frame,
    });
    const pin = await waitFor('x gets the packet-in', () => cx.received.find((m) => m.type === 'packet_in'), 5000, 10);
    assert.ok(pin.type === 'packet_in');
    assert.equal(pin.bufferId, 42, 'the buffer id reaches the slice');
    const before = sw.received.length;
    // y knows (or guesses) the id: refused, never forwarded.
    const fy = y.send(cy, ipv4FlowMod(cy.channel.xid(), 42, 2));
    const py = y.send(cy, {
      type: 'packet_out',
      bufferId: 42,
      inPort: 2,
      actions: [{ type: 'output', port: 2, maxLen: 0 }],
      data: Buffer.alloc(0),
    });
    const code = errorNumbers(cy.channel.version!, 'BAD_REQUEST', 'BUFFER_UNKNOWN');
    for (const xid of [fy, py]) {
      const e = await y.reply(cy, xid);
      assert.ok(e.type === 'error', `y's xid ${xid} is refused`);
      assert.deepEqual([e.errType, e.code], [code.type, code.code]);
    }
    // x's flow-mod with the id: on to the switch with it.
    const fx = x.send(cx, ipv4FlowMod(cx.channel.xid(), 42, 1));
    assert.deepEqual(await x.settle(cx, [fx]), [], 'no error for the owner');
    const mods = sw.received.slice(before).filter((m) => m.type === 'flow_mod');
    assert.deepEqual(
      mods.map((m) => m.type === 'flow_mod' && [m.match.in_port?.value, m.bufferId]),
      [[1n, 42]],
      "one rule on x's port, with the buffer",
    );
    assert.equal(sw.received.slice(before).filter((m) => m.type === 'packet_out').length, 0, "y's packet-out never reached the switch");
  });
});
