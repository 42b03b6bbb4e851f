// OfChannel's write batching over a loopback connection: every message sent while handling one
// round goes out in one write, as one view of the bytes when the messages lie end to end in one
// memory block (hot messages are written that way, hot-messages.ts outBytes) and as a copy
// otherwise; either way the peer reads exactly the messages sent, whole and in order, also
// across the writers' 64 KB chunks and mixed with codec-written ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo } from 'node:net';
import { OfChannel, silentLogger } from '../../src/proxy/channel.js';
import { OFP10, OFP13, type OfMessage, type OfVersion } from '../../src/proxy/messages.js';
import { waitFor } from '../../src/lab/proc.js';

/** Two channels over loopback, negotiated at `v`: `a` sends, `b` records what it reads. */
async function pair(v: OfVersion): Promise<{ a: OfChannel; got: OfMessage[]; close: () => void }> {
  const got: OfMessage[] = [];
  let b: OfChannel | undefined;
  const server = createServer((sock) => {
    b = new OfChannel(sock, silentLogger, [v], 'tenant');
    b.onMessage = (m) => got.push(m);
    b.hello();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const sock = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  const a = new OfChannel(sock, silentLogger, [v], 'switch');
  await new Promise<void>((r) => {
    a.onReady = () => r();
    sock.once('connect', () => a.hello());
  });
  await waitFor('the peer negotiated', () => b?.version === v || null, 5000, 5);
  return {
    a,
    got,
    close: () => {
      a.close('done');
      b?.close('done');
      server.close();
    },
  };
}

const flowMod = (v: OfVersion, i: number): OfMessage => ({
  version: v,
  type: 'flow_mod',
  xid: i,
  cookie: BigInt(i),
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 60,
  hardTimeout: 0,
  priority: i & 0xffff,
  bufferId: 0xffffffff,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  flags: 0,
  match: { in_port: { value: 1n }, eth_src: { value: BigInt(0x020000000000 + i) }, eth_type: { value: 0x800n } },
  instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
});

const packetIn = (v: OfVersion, i: number): OfMessage => ({
  version: v,
  type: 'packet_in',
  xid: i,
  bufferId: i,
  totalLen: 60,
  reason: 0,
  tableId: 0,
  cookie: 0n,
  match: { in_port: { value: 3n } },
  data: Buffer.alloc(60, i & 0xff),
});

for (const v of [OFP13, OFP10] as const) {
  test(`OpenFlow ${v === OFP13 ? '1.3' : '1.0'}: messages sent in one round (hot ones end to end across 64 KB chunks, codec ones between) reach the peer whole and in order`, async () => {
    const { a, got, close } = await pair(v);
    try {
      const sent: OfMessage[] = [];
      // One round: 1 500 hot messages (some 150 KB: past two chunks), an echo request (the codec's
      // own buffer) every 100th.
      for (let i = 1; i <= 1500; i++) {
        const m =
          i % 100 === 0
            ? ({ version: v, type: 'echo_reply', xid: i, data: Buffer.from([i & 0xff]) } as OfMessage)
            : i % 2
              ? flowMod(v, i)
              : packetIn(v, i);
        assert.equal(a.send(m), null);
        sent.push(m);
      }
      // A second round of one message (a single buffer, written as it is).
      await new Promise((r) => setImmediate(r));
      const last = flowMod(v, 1501);
      a.send(last);
      sent.push(last);
      await waitFor('every message read', () => got.length >= sent.length || null, 10_000, 5);
      assert.equal(got.length, sent.length);
      for (let i = 0; i < sent.length; i++) {
        const s = sent[i]!,
          g = got[i]!;
        assert.equal(g.type, s.type, `message ${i}`);
        assert.equal(g.xid, s.xid, `message ${i}`);
        if (s.type === 'flow_mod' && g.type === 'flow_mod') {
          assert.equal(g.cookie, s.cookie);
          assert.equal(g.match.eth_src?.value, s.match.eth_src?.value);
        }
        if (s.type === 'packet_in' && g.type === 'packet_in') assert.deepEqual(g.data, s.data);
      }
    } finally {
      close();
    }
  });
}
