// Limits, topology slicing and robustness of the slicing proxy against real Open vSwitch with
// scripted tenants (a learning switch cannot send LLDP or floods on demand): LLDP sent by one
// slice comes back only to it, packet_in_rate and control_rate are enforced per slice, malformed
// OpenFlow from a tenant or a switch gets an error or a closed connection (never a crash), and a
// tenant that stops reading never stalls the switch or the other slices.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { OvsSandbox } from '../../src/lab/ovs.js';
import { freePort, waitFor, sleep } from '../../src/lab/proc.js';
import { SlicingProxy } from '../../src/proxy/index.js';
import type { Logger } from '../../src/proxy/channel.js';
import { NO_BUFFER, OFPP, type OfMessage } from '../../src/proxy/messages.js';
import { encodeMessage, versionBitmap } from '../../src/openflow/index.js';
import { ScriptedController, type ScriptedSwitchConn } from '../harness/scripted-controller.js';
import { linePlan } from './fixtures.js';
import { attributeQueues, queueKey, queueOwners } from '../../src/cluster/switch-stats.js';

/** A logger that keeps every line (to prove malformed input is logged). */
function recordingLogger(lines: string[]): Logger {
  const rec = (level: string) => (obj: object | string, msg?: string) => {
    lines.push(
      `${level} ${msg ?? ''} ${typeof obj === 'string' ? obj : JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  };
  const l: Logger = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error'), child: () => l };
  return l;
}

function lldpFrame(tag: string): Buffer {
  const f = Buffer.alloc(60);
  Buffer.from([0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e]).copy(f, 0);
  Buffer.from([0x02, 0, 0, 0, 0, 0x77]).copy(f, 6);
  f.writeUInt16BE(0x88cc, 12);
  f.write(tag, 14, 'latin1');
  return f;
}

const isLldpIn = (m: OfMessage, tag?: string) =>
  m.type === 'packet_in' &&
  m.data.length >= 14 &&
  m.data.readUInt16BE(12) === 0x88cc &&
  (tag === undefined || m.data.includes(tag, 14, 'latin1'));

describe('slicing proxy limits and robustness (OVS + scripted tenants)', { timeout: 120_000 }, () => {
  const ovs = new OvsSandbox();
  const logLines: string[] = [];
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0', logger: recordingLogger(logLines) });
  let x: ScriptedController;
  let y: ScriptedController;
  let proxyPort = 0;

  before(async () => {
    x = new ScriptedController(await freePort());
    y = new ScriptedController(await freePort());
    await x.start();
    await y.start();
    ovs.start();
    ovs.addBridge('s1', 1, 'OpenFlow13');
    ovs.addBridge('s2', 2, 'OpenFlow13');
    ovs.link('s1', 3, 's2', 1);
    proxyPort = (await proxy.start()).port;
    const plan = linePlan([
      {
        name: 'x',
        controllerPort: x.port,
        vlan: 201,
        flowspace: [
          [1, 1, {}],
          [2, null, {}],
        ],
        packetInRate: 5,
      },
      {
        name: 'y',
        controllerPort: y.port,
        vlan: 202,
        flowspace: [
          [1, 2, {}],
          [2, null, {}],
        ],
        controlRate: 20,
      },
    ]);
    await proxy.applyPlan(plan);
    for (const br of ['s1', 's2']) ovs.setController(br, `tcp:127.0.0.1:${proxyPort}`);
    await waitFor(
      'both switches with both tenants connected',
      () => {
        const st = proxy.status();
        return st.switches.length === 2 && st.switches.every((s) => s.slices.length === 2 && s.slices.every((b) => b.connected));
      },
      30_000,
      100,
    );
  });

  after(async () => {
    await proxy.stop().catch(() => {});
    await x?.stop().catch(() => {});
    await y?.stop().catch(() => {});
    ovs.teardown();
  });

  const sendLldp = (sc: ScriptedController, conn: ScriptedSwitchConn, tag: string) =>
    sc.send(conn, {
      type: 'packet_out',
      bufferId: NO_BUFFER,
      inPort: OFPP.CONTROLLER,
      actions: [{ type: 'output', port: 3, maxLen: 0 }],
      data: lldpFrame(tag),
    });

  test('LLDP a slice sends over a link comes back (untagged) to that slice only', async () => {
    const x1 = await x.connection(1n),
      x2 = await x.connection(2n),
      y2 = await y.connection(2n);
    sendLldp(x, x1, 'from-x');
    const got = await waitFor('x receives its LLDP on s2', () => x2.received.find((m) => isLldpIn(m, 'from-x')), 10_000);
    assert.equal(got.type === 'packet_in' && got.match.in_port?.value, 1n, 'arrives on the link port of s2');
    assert.equal(got.type === 'packet_in' && got.data.readUInt16BE(12), 0x88cc, 'the overlay tag is stripped');
    await sleep(300);
    assert.ok(!y2.received.some((m) => isLldpIn(m)), "slice y never sees x's LLDP");
    assert.ok(!x1.received.some((m) => isLldpIn(m)), 'and it does not come back on the sending switch');
  });

  test('packet_in_rate: a slice flooded with packet-ins gets about its rate, the rest is dropped and counted', async () => {
    const x1 = await x.connection(1n),
      x2 = await x.connection(2n);
    await sleep(1200); // refill the bucket
    const before = x2.received.filter((m) => isLldpIn(m)).length;
    const dropsBefore = proxy.status().slices.x!.packetInsDropped;
    for (let i = 0; i < 60; i++) sendLldp(x, x1, `burst-${i}`);
    await x.settle(x1, []);
    await sleep(500);
    const delivered = x2.received.filter((m) => isLldpIn(m)).length - before;
    const dropped = proxy.status().slices.x!.packetInsDropped - dropsBefore;
    assert.ok(delivered >= 3 && delivered <= 12, `delivered ${delivered} of 60 at packet_in_rate 5/s`);
    assert.ok(dropped >= 45, `dropped ${dropped}`);
  });

  test('control_rate: a tenant sending faster than its rate gets EPERM errors; the other slice is unaffected', async () => {
    const y1 = await y.connection(1n),
      x1 = await x.connection(1n);
    await sleep(1200);
    const xids: number[] = [];
    for (let i = 0; i < 100; i++) xids.push(y.send(y1, { type: 'features_request' }));
    await waitFor('an answer to every request', () => xids.every((id) => y1.received.some((m) => m.xid === id)), 10_000);
    const answers = y1.received.filter((m) => xids.includes(m.xid));
    const refused = answers.filter((m) => m.type === 'error' && m.errType === 1 && m.code === 5);
    const served = answers.filter((m) => m.type === 'features_reply');
    assert.ok(served.length >= 15 && served.length <= 30, `served ${served.length} within a burst of 20`);
    assert.equal(refused.length + served.length, 100);
    assert.ok(proxy.status().slices.y!.controlRateDrops >= 70);
    // Slice x is not limited: 100 requests, 100 replies.
    const xx: number[] = [];
    for (let i = 0; i < 100; i++) xx.push(x.send(x1, { type: 'features_request' }));
    await waitFor('x served', () => xx.every((id) => x1.received.some((m) => m.xid === id && m.type === 'features_reply')), 10_000);
  });

  test('malformed OpenFlow from a tenant gets an OpenFlow error and a log line; the link and the other slice stay up', async () => {
    const x1 = await x.connection(1n),
      y1 = await y.connection(1n);
    await sleep(1200);
    // A flow-mod whose header says 16 bytes: far too short for its body.
    const bad = Buffer.from('040e0010000012340000000000000000', 'hex');
    x1.channel.sendRaw(bad);
    const err = await waitFor('error for xid 0x1234', () => x1.received.find((m) => m.xid === 0x1234 && m.type === 'error'), 5000);
    assert.equal(err.type === 'error' && err.errType, 1, 'OFPET_BAD_REQUEST');
    assert.ok(
      logLines.some((l) => l.includes('undecodable OpenFlow message')),
      'logged',
    );
    assert.ok(!x1.channel.closed);
    const b = y.send(y1, { type: 'barrier_request' });
    await y.reply(y1, b);
    assert.ok(proxy.status().switches.every((s) => s.slices.every((v) => v.connected)));
  });

  test('malformed OpenFlow from a switch: error reply, then a broken frame closes only that connection', async () => {
    const sock = connect({ host: '127.0.0.1', port: proxyPort });
    const received: Buffer[] = [];
    let closed = false;
    sock.on('data', (d) => received.push(d));
    sock.on('close', () => {
      closed = true;
    });
    sock.on('error', () => {});
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(encodeMessage({ version: 4, type: 'hello', xid: 1, elements: [versionBitmap([4])] }));
    // Unknown message type 99: the proxy answers with an OpenFlow error.
    sock.write(Buffer.from('04630008000000aa', 'hex'));
    await waitFor(
      'error reply for xid 0xaa',
      () => {
        const all = Buffer.concat(received);
        for (let at = 0; at + 8 <= all.length; at += all.readUInt16BE(at + 2) || 8)
          if (all[at + 1] === 1 && all.readUInt32BE(at + 4) === 0xaa) return true;
        return false;
      },
      5000,
    );
    // A header with length 4 cannot be framed: the connection is closed.
    sock.write(Buffer.from('0400000400000000', 'hex'));
    await waitFor('closed by the proxy', () => closed, 5000);
    assert.ok(
      logLines.some((l) => l.includes('framing error')),
      'framing error logged',
    );
    assert.equal(proxy.status().switches.length, 2, 'the real switches are still served');
  });

  test('queues: OpenFlow cannot create them, so each apply reports which planned queues exist on the switch', async () => {
    const plan = proxy.currentPlan()!;
    const withQueues = {
      ...plan,
      qos: {
        ...plan.qos,
        // A class queue (the slice declares no such class, so its view and tenant connection stay
        // as they are; a guarantee queue would steer all of x's traffic there and set x up again).
        queues: [{ dpid: plan.slices[0]!.view[0]!.dpid, port: 3, queueId: 1, slice: 'x', class: 'bulk', minBps: 1e6, maxBps: 1e7 }],
      },
    };
    const missing = await proxy.applyPlan(withQueues);
    const s1 = missing.switches.find((s) => s.dpid.endsWith('1'))!;
    assert.ok(
      s1.notes.some((n) => /1 of 1 planned queues missing \(port 3 queue 1 of x\)/.test(n)),
      JSON.stringify(s1.notes),
    );
    // Create the queue on the switch port (the link port s1:3) (as docs/dataplane.md shows), then apply again.
    const port = `d${ovs.id}s13s2`.slice(0, 15); // s1's end of the s1:3 <-> s2:1 link (see OvsSandbox.link)
    ovs.vsctl(
      'set',
      'port',
      port,
      'qos=@q',
      '--',
      '--id=@q',
      'create',
      'qos',
      'type=linux-htb',
      'other-config:max-rate=100000000',
      'queues:1=@q1',
      '--',
      '--id=@q1',
      'create',
      'queue',
      'other-config:max-rate=10000000',
    );
    const present = await waitFor(
      'queue visible to the switch',
      async () => {
        const r = await proxy.applyPlan(withQueues);
        const n = r.switches.find((s) => s.dpid.endsWith('1'))!.notes;
        return n.some((x) => x.includes('all 1 planned queues exist')) ? n : null;
      },
      10_000,
      500,
    );
    assert.ok(present.length > 0);
    // Each statistics round asks for queue statistics too; the plan's qos.queues name the slice.
    const stats = await proxy.collectStats(s1.dpid);
    assert.ok(stats, 'the switch answered the round');
    const q = stats.queues.find((e) => e.portNo === 3 && e.queueId === 1);
    assert.ok(
      q,
      JSON.stringify(stats.queues, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    const owners = queueOwners(withQueues.qos.queues);
    const bySlice = attributeQueues(
      s1.dpid,
      stats.queues.map((e) => ({
        portNo: e.portNo,
        queueId: e.queueId,
        txPackets: Number(e.txPackets),
        txBytes: Number(e.txBytes),
        txErrors: Number(e.txErrors),
      })),
      (d, p, id) => owners.get(queueKey(d, p, id)),
    );
    assert.deepEqual(
      bySlice.get('x')?.map((e) => [e.dpid, e.port, e.queueId]),
      [[s1.dpid, 3, 1]],
    );
    await proxy.applyPlan(plan);
  });

  test('a tenant that stops reading never stalls the switch or the other slice', async () => {
    const x1 = await x.connection(1n),
      x2 = await x.connection(2n),
      y1 = await y.connection(1n),
      y2 = await y.connection(2n);
    x2.channel.socket.pause();
    try {
      // x floods itself with packet-ins it never reads (LLDP over the link), with a large frame.
      for (let i = 0; i < 300; i++) sendLldp(x, x1, `stall-${i}`);
      await sleep(1200);
      for (const [conn, sc] of [
        [y1, y],
        [y2, y],
      ] as const) {
        const t0 = Date.now();
        const b = sc.send(conn, { type: 'barrier_request' });
        await sc.reply(conn, b, 3000);
        assert.ok(Date.now() - t0 < 3000);
      }
      const b = x.send(x1, { type: 'barrier_request' });
      await x.reply(x1, b, 3000);
    } finally {
      x2.channel.socket.resume();
    }
  });
});
