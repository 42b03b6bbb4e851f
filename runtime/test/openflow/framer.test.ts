import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { OpenFlowConnection, OpenFlowFramer, decodeMessage, encodeMessage, type OfMessage } from '../../src/openflow/index.js';
import { samples10, samples13 } from './samples.js';

const stream = Buffer.concat(samples13.slice(0, 20).map(encodeMessage));
const expected = samples13.slice(0, 20).map((m) => encodeMessage(m).toString('hex'));

test('framer: one chunk with many coalesced messages', () => {
  const f = new OpenFlowFramer();
  const { frames, error } = f.push(stream);
  assert.equal(error, undefined);
  assert.deepEqual(
    frames.map((b) => b.toString('hex')),
    expected,
  );
  assert.equal(f.buffered, 0);
});

test('framer: the stream split at every byte boundary', () => {
  for (let cut = 1; cut < stream.length; cut++) {
    const f = new OpenFlowFramer();
    const a = f.push(stream.subarray(0, cut));
    const b = f.push(stream.subarray(cut));
    assert.equal(a.error ?? b.error, undefined);
    assert.deepEqual(
      [...a.frames, ...b.frames].map((x) => x.toString('hex')),
      expected,
      `cut at ${cut}`,
    );
  }
});

test('framer: byte-by-byte delivery', () => {
  const f = new OpenFlowFramer();
  const out: string[] = [];
  for (let i = 0; i < stream.length; i++) out.push(...f.push(stream.subarray(i, i + 1)).frames.map((x) => x.toString('hex')));
  assert.deepEqual(out, expected);
});

test('framer: the same frames and the same error whatever the split (every point, then random points)', () => {
  // A broken header after the good messages: the error and its offset must not depend on chunking.
  const bad = Buffer.concat([stream, Buffer.from([0x04, 0x00, 0x00, 0x05, 0, 0, 0, 0])]);
  const whole = new OpenFlowFramer().push(bad);
  assert.equal(whole.error?.code, 'bad_length');
  assert.equal(whole.error?.streamOffset, stream.length);
  const cuts = (points: number[]) => {
    const f = new OpenFlowFramer();
    const got: Buffer[] = [];
    let error: unknown;
    let from = 0;
    for (const p of [...points, bad.length]) {
      const r = f.push(bad.subarray(from, p));
      got.push(...r.frames);
      error ??= r.error;
      from = p;
    }
    return { frames: got.map((x) => x.toString('hex')), error };
  };
  for (let a = 0; a <= bad.length; a++) assert.deepEqual(cuts([a]), { frames: expected, error: whole.error }, `cut at ${a}`);
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let round = 0; round < 200; round++) {
    const points = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * bad.length)).sort((x, y) => x - y);
    assert.deepEqual(cuts(points), { frames: expected, error: whole.error }, `cuts at ${points.join(',')}`);
  }
});

test('framer: 1 MB delivered a byte at a time is copied a linear number of bytes', () => {
  const msgs = [...samples13, ...samples10].map(encodeMessage);
  const parts: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < 1 << 20; i++) {
    const m = msgs[i % msgs.length]!;
    parts.push(m);
    total += m.length;
  }
  const s = Buffer.concat(parts);
  const f = new OpenFlowFramer();
  let frames = 0;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    for (const fr of f.push(s.subarray(i, i + 1)).frames) {
      frames++;
      bytes += fr.length;
    }
  }
  assert.equal(frames, parts.length);
  assert.equal(bytes, s.length);
  assert.equal(f.buffered, 0);
  // Each byte once, plus a message's first 4 bytes once more: a copy of the buffered tail per read
  // (the old framer) would be ~ sum of message lengths squared / 2, far above this.
  assert.ok(f.copiedBytes <= s.length + 4 * parts.length, `copied ${f.copiedBytes} bytes for ${s.length}`);
  assert.ok(f.copiedBytes >= s.length, 'every byte of a split message is copied once');
});

test('framer: random chunking keeps every message intact (1.0 and 1.3 mixed)', () => {
  const all = [...samples13, ...samples10].map(encodeMessage);
  const s = Buffer.concat(all);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let round = 0; round < 50; round++) {
    const f = new OpenFlowFramer();
    const got: Buffer[] = [];
    for (let at = 0; at < s.length; ) {
      const n = 1 + Math.floor(rnd() * 300);
      got.push(...f.push(s.subarray(at, at + n)).frames);
      at += n;
    }
    assert.equal(got.length, all.length);
    for (const [i, g] of got.entries()) assert.ok(g.equals(all[i]!));
    for (const g of got) assert.ok(decodeMessage(g).ok);
  }
});

test('framer: length < 8 is a framing error after the good frames', () => {
  const f = new OpenFlowFramer();
  const good = encodeMessage({ version: 4, type: 'barrier_request', xid: 1 });
  const r = f.push(Buffer.concat([good, Buffer.from('04000004', 'hex')]));
  assert.equal(r.frames.length, 1);
  assert.equal(r.error?.code, 'bad_length');
  assert.equal(r.error?.streamOffset, 8);
  assert.equal(f.push(good).frames.length, 0, 'a broken framer yields nothing more');
});

test('framer: unknown version is a framing error', () => {
  const f = new OpenFlowFramer();
  const r = f.push(Buffer.from('09000008000000010', 'hex'));
  assert.equal(r.error?.code, 'bad_version');
  const g = new OpenFlowFramer([1, 4]);
  assert.equal(g.push(Buffer.from('0500000800000001', 'hex')).error?.code, 'bad_version');
});

test('framer: a maximal 65535-byte message', () => {
  const big = encodeMessage({ version: 4, type: 'echo_request', xid: 9, data: Buffer.alloc(65535 - 8, 0xaa) });
  assert.equal(big.length, 65535);
  const f = new OpenFlowFramer();
  const parts = [big.subarray(0, 3), big.subarray(3, 40000), big.subarray(40000)];
  const frames = parts.flatMap((p) => f.push(p).frames);
  assert.equal(frames.length, 1);
  assert.ok(frames[0]!.equals(big));
  assert.throws(() => encodeMessage({ version: 4, type: 'echo_request', xid: 9, data: Buffer.alloc(65535 - 7) }), RangeError);
});

test('connection: echo auto-reply, request/reply by xid, error reply to bad message, close on framing error', async () => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, '127.0.0.1');
  const [serverSock] = (await once(server, 'connection')) as [net.Socket];
  await once(client, 'connect');
  const logs: string[] = [];
  const logger = { info: (_o: object, m?: string) => logs.push(`info ${m}`), warn: (_o: object, m?: string) => logs.push(`warn ${m}`) };
  const sw = new OpenFlowConnection(serverSock, { logger, logContext: { dpid: '1' } });
  const ctl = new OpenFlowConnection(client);
  try {
    const received: OfMessage[] = [];
    sw.on('message', (m) => received.push(m));
    // echo auto-reply on the "switch" side, awaited through request() on the controller side
    const reply = await ctl.request({ version: 4, type: 'echo_request', xid: ctl.nextXid(), data: Buffer.from('hi') });
    assert.equal(reply.type, 'echo_reply');
    assert.ok(reply.type === 'echo_reply' && reply.data.toString() === 'hi');
    // a frame that does not decode gets an OpenFlow error back with the same xid
    const errs: OfMessage[] = [];
    ctl.on('message', (m) => {
      if (m.type === 'error') errs.push(m);
    });
    ctl.socket.write(Buffer.from('04ee000800000abc', 'hex'));
    ctl.socket.write(Buffer.from('040e000c00000abd00000000', 'hex'));
    ctl.send({ version: 4, type: 'barrier_request', xid: ctl.nextXid() });
    // replies come back in order on one socket: once this echo is answered, both errors have arrived
    await ctl.request({ version: 4, type: 'echo_request', xid: ctl.nextXid(), data: Buffer.alloc(0) });
    assert.equal(errs.length, 2);
    const [e1, e2] = errs;
    assert.ok(e1?.type === 'error' && e1.xid === 0xabc && e1.errType === 1 && e1.code === 1);
    assert.ok(e2?.type === 'error' && e2.xid === 0xabd && e2.errType === 1 && e2.code === 6);
    assert.ok(received.some((m) => m.type === 'barrier_request'));
    // framing error closes the connection with a logged reason
    const closed = once(sw, 'close');
    ctl.socket.write(Buffer.from('0400000200000001', 'hex'));
    const [reason] = (await closed) as [string];
    assert.match(reason, /framing error/);
    assert.ok(logs.some((l) => l.includes('framing error')));
    assert.ok(logs.some((l) => l.includes('connection closed')));
  } finally {
    sw.close('test done');
    ctl.close('test done');
    client.destroy();
    serverSock.destroy();
    server.close();
  }
});
