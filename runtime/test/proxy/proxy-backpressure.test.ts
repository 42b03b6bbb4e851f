// Backpressure through the proxy with real sockets (no Open vSwitch): a switch that stops reading
// makes the proxy stop reading the tenant controllers that feed it (their flow-mods wait in their
// own sockets, not in the proxy's memory) and the other switches' tenants keep being served; once
// the switch reads again everything goes through. A tenant controller that stops reading loses
// packet-ins (counted as dropped) instead of having them queued, and the other tenant of the same
// switch still gets every one of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { SlicingProxy } from '../../src/proxy/index.js';
import { encodeMessage, MATCH10_ALL, OpenFlowFramer, versionBitmap, type OfMessage } from '../../src/openflow/index.js';
import { linePlan } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, f: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !f(); ) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** Counts the OpenFlow messages of one type byte in a byte stream (framed, not decoded). */
class Counter {
  private readonly framer = new OpenFlowFramer();
  readonly byType = new Map<number, number>();
  first: Buffer[] = [];
  push(chunk: Buffer): void {
    for (const f of this.framer.push(chunk).frames) {
      this.byType.set(f[1]!, (this.byType.get(f[1]!) ?? 0) + 1);
      if (this.first.length < 64) this.first.push(Buffer.from(f));
    }
  }
  count(type: number): number {
    return this.byType.get(type) ?? 0;
  }
}

const OFPT10 = { hello: 0, echoRequest: 2, featuresRequest: 5, packetIn: 10, flowMod: 14, barrierRequest: 18 };

/** An OpenFlow 1.0 switch on a raw socket: handshakes, answers echoes and barriers while reading, counts the rest. */
class RawSwitch {
  readonly counter = new Counter();
  private constructor(readonly sock: Socket) {}
  static async connect(port: number, dpid: bigint): Promise<RawSwitch> {
    const sock = connect({ host: '127.0.0.1', port });
    await once(sock, 'connect');
    const sw = new RawSwitch(sock);
    sock.on('error', () => {});
    const framer = new OpenFlowFramer();
    sock.on('data', (c: Buffer) => {
      sw.counter.push(c);
      for (const f of framer.push(c).frames) {
        const xid = f.readUInt32BE(4);
        if (f[1] === OFPT10.featuresRequest)
          sock.write(
            encodeMessage({
              version: 1,
              type: 'features_reply',
              xid,
              dpid,
              nBuffers: 0,
              nTables: 1,
              capabilities: 0,
              actions: 0,
              ports: [],
            }),
          );
        else if (f[1] === OFPT10.echoRequest) sock.write(encodeMessage({ version: 1, type: 'echo_reply', xid, data: Buffer.alloc(0) }));
        else if (f[1] === OFPT10.barrierRequest) sock.write(encodeMessage({ version: 1, type: 'barrier_reply', xid }));
      }
    });
    sock.write(encodeMessage({ version: 1, type: 'hello', xid: 1, elements: [versionBitmap([1])] }));
    return sw;
  }
}

/** A tenant controller (OpenFlow 1.0) accepting the proxy's connection; counts what it gets. */
class RawController {
  readonly counter = new Counter();
  sock: Socket | null = null;
  private constructor(readonly server: Server) {}
  static async start(): Promise<RawController> {
    const server = createServer();
    const c = new RawController(server);
    server.on('connection', (s) => {
      s.on('error', () => {});
      c.sock = s;
      s.on('data', (chunk: Buffer) => c.counter.push(chunk));
      s.write(encodeMessage({ version: 1, type: 'hello', xid: 1, elements: [versionBitmap([1])] }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return c;
  }
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  stop(): void {
    this.sock?.destroy();
    this.server.close();
  }
}

/** An OpenFlow 1.0 flow-mod ADD with an empty match (the slice's whole space) and OUTPUT 1. */
function flowMod10(xid: number): Buffer {
  const m = {
    version: 1,
    type: 'flow_mod',
    xid,
    match: MATCH10_ALL,
    cookie: 0n,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 10,
    bufferId: 0xffffffff,
    outPort: 0xffff,
    flags: 0,
    actions: [{ type: 'output', port: 1, maxLen: 0 }],
  };
  return encodeMessage(m as OfMessage);
}

/** An IPv4/UDP frame of `len` bytes. */
function frame(len: number): Buffer {
  const f = Buffer.alloc(len);
  f.writeUIntBE(0x020000000001, 0, 6);
  f.writeUIntBE(0x020000000002, 6, 6);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(len - 14, 16);
  f[23] = 17;
  f.writeUInt32BE(0x0a000001, 26);
  f.writeUInt32BE(0x0a000002, 30);
  return f;
}

function packetIn10(inPort: number, data: Buffer): Buffer {
  return encodeMessage({
    version: 1,
    type: 'packet_in',
    xid: 0,
    bufferId: 0xffffffff,
    totalLen: data.length,
    inPort,
    reason: 0,
    data,
  } as OfMessage);
}

/** Writes `bytes` `times` times, respecting the socket's own backpressure; resolves with how many were accepted when `stop()` says so or all were. */
function flood(sock: Socket, bytes: Buffer, times: number): { written: () => number; done: Promise<void> } {
  let n = 0;
  const done = (async () => {
    while (n < times && !sock.destroyed) {
      n++;
      if (!sock.write(bytes)) await once(sock, 'drain');
    }
  })();
  return { written: () => n, done };
}

test('a switch that stops reading pauses its tenants (bounded memory); other switches are served; all goes through after', async () => {
  const red = await RawController.start();
  const blue = await RawController.start();
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  const { port } = await proxy.start();
  const s1 = await RawSwitch.connect(port, 1n);
  const s3 = await RawSwitch.connect(port, 3n);
  try {
    // red: three edge ports of s1 (one tenant flow-mod becomes three switch rules); blue: s3.
    await proxy.applyPlan(
      linePlan([
        {
          name: 'red',
          controllerPort: red.port,
          vlan: 101,
          flowspace: [
            [1, 1, {}],
            [1, 2, {}],
            [1, 4, {}],
          ],
        },
        { name: 'blue', controllerPort: blue.port, vlan: 102, flowspace: [[3, 1, {}]] },
      ]),
    );
    await until('both controllers connected', () => red.sock !== null && blue.sock !== null && red.counter.count(OFPT10.hello) > 0);
    await sleep(200);
    const accepted = (slice: string) => proxy.sliceCounters()[slice]?.flowModsAccepted ?? 0;
    const s1Before = s1.counter.count(OFPT10.flowMod);

    // s1 stops reading; red floods flow-mods (a 64 kB chunk of them at a time).
    s1.sock.pause();
    const perChunk = 800;
    const chunk = Buffer.concat(Array.from({ length: perChunk }, (_, i) => flowMod10(i + 1)));
    const chunks = 400; // 320,000 tenant flow-mods, ~29 MB of switch flow-mods: more than the kernel buffers hold
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const f = flood(red.sock!, chunk, chunks);
    // The proxy stops taking red's flow-mods: the count stays put for a while with red still writing.
    let last = -1;
    let stable = 0;
    let peak = rss0;
    await until('red is no longer read', () => {
      peak = Math.max(peak, process.memoryUsage().rss);
      const a = accepted('red');
      stable = a === last ? stable + 1 : 0;
      last = a;
      return stable >= 25;
    });
    const stalledAt = accepted('red');
    assert.ok(stalledAt < chunks * perChunk, `the proxy stopped reading red (${stalledAt} of ${chunks * perChunk} taken)`);
    assert.ok(f.written() < chunks, 'red is still waiting to write');
    assert.ok(peak - rss0 < 200 << 20, `memory stayed bounded (RSS +${((peak - rss0) / 1048576).toFixed(1)} MB)`);

    // blue on s3 is served meanwhile.
    const s3Before = s3.counter.count(OFPT10.flowMod);
    blue.sock!.write(flowMod10(7));
    await until('blue reaches s3', () => s3.counter.count(OFPT10.flowMod) > s3Before);
    assert.equal(accepted('red'), stalledAt, 'red is still paused');

    // s1 reads again: every red flow-mod goes through, three switch rules each.
    s1.sock.resume();
    await f.done;
    await until('every red flow-mod accepted', () => accepted('red') === chunks * perChunk, 120_000);
    await until('every switch rule reached s1', () => s1.counter.count(OFPT10.flowMod) - s1Before === 3 * chunks * perChunk, 120_000);
  } finally {
    s1.sock.destroy();
    s3.sock.destroy();
    await proxy.stop();
    red.stop();
    blue.stop();
  }
});

test('a tenant that stops reading loses packet-ins (dropped, counted), not memory; the other tenant of the switch gets all of its own', async () => {
  const red = await RawController.start();
  const blue = await RawController.start();
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  const { port } = await proxy.start();
  const s1 = await RawSwitch.connect(port, 1n);
  try {
    await proxy.applyPlan(
      linePlan([
        { name: 'red', controllerPort: red.port, vlan: 101, flowspace: [[1, 1, {}]] },
        { name: 'blue', controllerPort: blue.port, vlan: 102, flowspace: [[1, 2, {}]] },
      ]),
    );
    await until('both controllers connected', () => red.sock !== null && blue.sock !== null);
    await sleep(200);
    red.sock!.pause();
    // Alternating packet-ins for red (port 1) and blue (port 2), 1400-byte frames: ~60 MB for red alone.
    const data = frame(1400);
    const pair = Buffer.concat([packetIn10(1, data), packetIn10(2, data)]);
    const n = 40_000;
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    // In bursts of 100 pairs, each once blue has read all but the last burst: blue reads (it
    // shares this process with the proxy) and red does not.
    const burst = Buffer.concat(Array.from({ length: 100 }, () => pair));
    for (let sent = 0; sent < n; sent += 100) {
      await until('blue keeps up', () => blue.counter.count(OFPT10.packetIn) >= sent - 100);
      if (!s1.sock.write(burst)) await once(s1.sock, 'drain');
    }
    await until('blue got every packet-in of its port', () => blue.counter.count(OFPT10.packetIn) === n, 120_000);
    clearInterval(sampler);
    const c = proxy.sliceCounters();
    assert.equal(c.red!.packetInsDelivered + c.red!.packetInsDropped, n, 'every red packet-in is delivered or counted as dropped');
    assert.ok(c.red!.packetInsDropped > 0, 'red lost packet-ins');
    assert.ok(c.red!.packetInsDelivered * data.length < 50 << 20, `queued for red: ${c.red!.packetInsDelivered} packet-ins`);
    assert.equal(c.blue!.packetInsDropped, 0, 'blue lost none');
    assert.ok(peak - rss0 < 200 << 20, `memory stayed bounded (RSS +${((peak - rss0) / 1048576).toFixed(1)} MB)`);
    // red reads again and gets what was delivered to it.
    red.sock!.resume();
    await until('red got what was delivered', () => red.counter.count(OFPT10.packetIn) === c.red!.packetInsDelivered, 60_000);
  } finally {
    s1.sock.destroy();
    await proxy.stop();
    red.stop();
    blue.stop();
  }
});
