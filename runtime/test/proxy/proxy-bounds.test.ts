// Exhaustion tests of the OpenFlow listener with short configured bounds and raw TCP peers (no
// Open vSwitch): a slow-loris peer is closed at the handshake bound, connections over the cap are
// closed at once, a silent established switch gets an echo request and is closed when it does not
// answer (kept when it does), and a peer sending a byte at a time does not grow the process' memory.
// Every closing is counted (channel-limits.ts, exposed in /metrics).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { SlicingProxy } from '../../src/proxy/index.js';
import { limitCounts, type LimitCause, type ListenerLimits } from '../../src/proxy/channel-limits.js';
import { linePlan } from './fixtures.js';
import { buildMetrics } from '../../src/node/metrics.js';
import { decodeMessage, encodeMessage, OpenFlowFramer, versionBitmap, type OfMessage } from '../../src/openflow/index.js';

const countOf = (cause: LimitCause, peer: 'switch' | 'tenant' = 'switch') =>
  limitCounts().find((c) => c.peer === peer && c.cause === cause)?.count ?? 0;

/** A raw peer: every decoded message it receives, and whether the proxy closed it. */
class RawPeer {
  readonly got: OfMessage[] = [];
  closed = false;
  readonly closedP: Promise<void>;
  private readonly framer = new OpenFlowFramer();
  private waiters: Array<() => void> = [];
  /** Answer barriers and echo requests like a switch (for peers that must stay up). */
  answer = false;
  constructor(readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.on('data', (c: Buffer) => {
      for (const f of this.framer.push(c).frames) {
        const d = decodeMessage(f);
        if (!d.ok) continue;
        this.got.push(d.msg);
        if (this.answer && d.msg.type === 'barrier_request')
          this.send({ version: d.msg.version, type: 'barrier_reply', xid: d.msg.xid } as OfMessage);
        if (this.answer && d.msg.type === 'echo_request')
          this.send({ version: d.msg.version, type: 'echo_reply', xid: d.msg.xid, data: d.msg.data } as OfMessage);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    sock.on('error', () => {});
    this.closedP = once(sock, 'close').then(() => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(port: number): Promise<RawPeer> {
    const s = connect({ host: '127.0.0.1', port });
    await once(s, 'connect');
    return new RawPeer(s);
  }
  /** Resolves with the first received message of the type (or null once closed). */
  async next(type: OfMessage['type'], from = 0): Promise<OfMessage | null> {
    for (;;) {
      const m = this.got.slice(from).find((x) => x.type === type);
      if (m) return m;
      if (this.closed) return null;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  send(m: OfMessage): void {
    this.sock.write(encodeMessage(m));
  }
  /** hello + features reply (1.0: the session is ready without a port description). */
  async handshake(dpid: bigint): Promise<void> {
    this.send({ version: 1, type: 'hello', xid: 1, elements: [versionBitmap([1])] });
    const fr = await this.next('features_request');
    assert.ok(fr, 'features request received');
    this.send({
      version: 1,
      type: 'features_reply',
      xid: fr.xid,
      dpid,
      nBuffers: 0,
      nTables: 1,
      capabilities: 0,
      actions: 0,
      ports: [],
    });
  }
}

async function withProxy(limits: Partial<ListenerLimits>, body: (port: number, proxy: SlicingProxy) => Promise<void>) {
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0', limits });
  const { port } = await proxy.start();
  try {
    await body(port, proxy);
  } finally {
    await proxy.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a slow-loris peer (a byte every 100 ms, never finishing the hello) is closed at the handshake bound', async () => {
  await withProxy({ handshakeMs: 600, idleMs: 60_000, echoTimeoutMs: 60_000 }, async (port) => {
    const before = countOf('handshake_timeout');
    const p = await RawPeer.open(port);
    // A hello that claims 65535 bytes: it never completes at this pace.
    const bytes = Buffer.alloc(0xffff);
    bytes.writeUInt8(4, 0);
    bytes.writeUInt16BE(0xffff, 2);
    let sent = 0;
    while (!p.closed && sent < bytes.length) {
      p.sock.write(bytes.subarray(sent, sent + 1));
      sent++;
      await sleep(100);
    }
    await p.closedP;
    assert.ok(sent < 200, `closed while still sending (after ${sent} bytes)`);
    assert.equal(countOf('handshake_timeout'), before + 1);
    // A peer that finishes the hello but never answers the features request is closed too.
    const q = await RawPeer.open(port);
    q.send({ version: 4, type: 'hello', xid: 1, elements: [versionBitmap([4])] });
    assert.ok(await q.next('features_request'));
    await q.closedP;
    assert.equal(countOf('handshake_timeout'), before + 2);
  });
});

test('connections beyond the cap are closed at once and counted; the ones under it are served', async () => {
  const cap = 5;
  await withProxy({ maxSwitchConnections: cap, handshakeMs: 30_000 }, async (port, proxy) => {
    const before = countOf('over_cap');
    const peers: RawPeer[] = [];
    for (let i = 0; i < 2 * cap; i++) peers.push(await RawPeer.open(port));
    // The first `cap` get the proxy's hello; the rest are closed without a byte.
    for (const p of peers.slice(0, cap)) assert.ok(await p.next('hello'), 'an accepted connection gets a hello');
    for (const p of peers.slice(cap)) {
      await p.closedP;
      assert.deepEqual(p.got, [], 'a refused connection gets nothing');
    }
    assert.equal(countOf('over_cap'), before + cap);
    for (const p of peers.slice(0, cap)) assert.equal(p.closed, false);
    // A slot freed by a closed connection is available again.
    peers[0]!.sock.destroy();
    await peers[0]!.closedP;
    let again: RawPeer | undefined;
    for (let i = 0; i < 50 && !again; i++) {
      const r = await RawPeer.open(port);
      const hello = await Promise.race([r.next('hello'), r.closedP.then(() => null)]);
      if (hello) again = r;
      else await sleep(20);
    }
    assert.ok(again, 'a new connection is accepted once one closed');
    await again.handshake(7n);
    for (let i = 0; i < 100 && !proxy.status().switches.some((s) => s.dpid === '0000000000000007'); i++) await sleep(20);
    assert.ok(proxy.status().switches.some((s) => s.dpid === '0000000000000007'));
    for (const p of peers) p.sock.destroy();
    again.sock.destroy();
  });
});

test('a silent established switch gets echo requests; it stays while it answers and is closed when it stops', async () => {
  await withProxy({ handshakeMs: 5_000, idleMs: 200, echoTimeoutMs: 300 }, async (port) => {
    const before = countOf('echo_timeout');
    const p = await RawPeer.open(port);
    await p.handshake(9n);
    // Answer three echo requests: the connection stays up.
    let from = 0;
    for (let i = 0; i < 3; i++) {
      const e = await p.next('echo_request', from);
      assert.ok(e, `echo request ${i + 1} received`);
      from = p.got.indexOf(e) + 1;
      p.send({ version: 1, type: 'echo_reply', xid: e.xid, data: Buffer.alloc(0) });
    }
    assert.equal(p.closed, false);
    assert.equal(countOf('echo_timeout'), before);
    // Stop answering: closed and counted.
    assert.ok(await p.next('echo_request', from));
    await p.closedP;
    assert.equal(countOf('echo_timeout'), before + 1);
  });
});

test('a peer sending a byte at a time does not grow the memory (RSS) beyond a bound, and its message still frames', async () => {
  await withProxy({ handshakeMs: 600_000, idleMs: 600_000, echoTimeoutMs: 600_000 }, async (port) => {
    const p = await RawPeer.open(port);
    p.send({ version: 4, type: 'hello', xid: 1, elements: [versionBitmap([4])] });
    assert.ok(await p.next('features_request'));
    // One 40,000-byte echo request, written a byte at a time (each write flushed before the next).
    const echo = encodeMessage({ version: 4, type: 'echo_request', xid: 77, data: Buffer.alloc(40_000 - 8, 0x5a) });
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    for (let i = 0; i < echo.length; i++) {
      await new Promise<void>((r) => p.sock.write(echo.subarray(i, i + 1), () => r()));
      if (i % 1000 === 0) {
        await new Promise((r) => setImmediate(r));
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const reply = await p.next('echo_reply');
    assert.ok(reply && reply.type === 'echo_reply' && reply.xid === 77 && reply.data.length === 40_000 - 8, 'the message framed whole');
    peak = Math.max(peak, process.memoryUsage().rss);
    // Generous: the framer holds one 40 kB buffer; a copy of the tail per byte would churn ~800 MB.
    assert.ok(peak - rss0 < 64 << 20, `RSS grew by ${((peak - rss0) / 1048576).toFixed(1)} MB`);
    p.sock.destroy();
  });
});

test('a tenant controller that accepts the connection but never says hello is dropped at the handshake bound and retried', async () => {
  // A "controller" that accepts and stays silent.
  const silent = createServer((s) => {
    accepted.push(s);
    s.on('error', () => {});
  });
  const accepted: Socket[] = [];
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const ctlPort = (silent.address() as AddressInfo).port;
  try {
    await withProxy({ handshakeMs: 300, idleMs: 60_000, echoTimeoutMs: 60_000 }, async (port, proxy) => {
      const before = countOf('handshake_timeout', 'tenant');
      await proxy.applyPlan(linePlan([{ name: 'mute', controllerPort: ctlPort, vlan: 201, flowspace: [[1, null, {}]] }]));
      const sw = await RawPeer.open(port);
      sw.answer = true;
      await sw.handshake(1n);
      // Two bounds passed: the link was dropped and a new connection tried (counted each time).
      for (let i = 0; i < 200 && (countOf('handshake_timeout', 'tenant') < before + 2 || accepted.length < 2); i++) await sleep(50);
      assert.ok(countOf('handshake_timeout', 'tenant') >= before + 2, 'the silent controller was dropped at the bound, twice');
      assert.ok(accepted.length >= 2, 'and the link reconnected');
      assert.equal(sw.closed, false, 'the switch stays connected');
      sw.sock.destroy();
    });
  } finally {
    for (const s of accepted) s.destroy();
    silent.close();
  }
});

test('a tenant controller that says hello and then never answers an echo request is dropped at the echo bound', async () => {
  // A "controller" that sends its hello and then reads everything without answering.
  const accepted: RawPeer[] = [];
  const mute = createServer((s) => {
    const p = new RawPeer(s);
    accepted.push(p);
    p.send({ version: 4, type: 'hello', xid: 1, elements: [versionBitmap([4])] });
  });
  mute.listen(0, '127.0.0.1');
  await once(mute, 'listening');
  const ctlPort = (mute.address() as AddressInfo).port;
  try {
    await withProxy({ handshakeMs: 5_000, idleMs: 200, echoTimeoutMs: 300 }, async (port, proxy) => {
      const before = countOf('echo_timeout', 'tenant');
      await proxy.applyPlan(linePlan([{ name: 'deaf', controllerPort: ctlPort, vlan: 202, flowspace: [[1, null, {}]] }]));
      const sw = await RawPeer.open(port);
      sw.answer = true;
      await sw.handshake(1n);
      for (let i = 0; i < 200 && !accepted[0]?.closed; i++) await sleep(50);
      const first = accepted[0];
      assert.ok(first, 'the tenant link connected');
      assert.ok(await first.next('echo_request'), 'the silent controller was sent an echo request');
      await first.closedP;
      assert.ok(countOf('echo_timeout', 'tenant') >= before + 1, 'dropped at the echo bound and counted');
      assert.equal(sw.closed, false, 'the switch (answering its echoes) stays connected');
      sw.sock.destroy();
    });
  } finally {
    for (const p of accepted) p.sock.destroy();
    mute.close();
  }
});

test('/metrics exposes the closings by peer and cause (prom-client registry of node/metrics.ts)', async () => {
  // The tests above closed connections for every cause; the registry reads the same counters.
  const registry = buildMetrics({ revision: () => 0, sliceTotals: () => [], switches: () => [], controllers: () => [] });
  const text = await registry.metrics();
  for (const c of limitCounts()) {
    const line = new RegExp(
      `^dfvisor_openflow_connections_closed_by_limit_total\\{peer="${c.peer}",cause="${c.cause}"\\} ${c.count}$`,
      'm',
    );
    assert.match(text, line);
  }
  for (const cause of ['handshake_timeout', 'echo_timeout', 'over_cap'] as const) assert.ok(countOf(cause) > 0, cause);
});
