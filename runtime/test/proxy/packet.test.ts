// Packet summaries (packet.ts): the headers a packet-in is classified by, read from the frame's
// bytes, and the reused summary a session keeps (PacketSummaryScratch) answering exactly as a
// fresh one after any earlier frame (no field of an earlier frame left behind); IPv6 with its
// extension headers, IPv4 fragments and malformed headers as Open vSwitch reads them (a later
// fragment has no ports); cut-off frames; and a reference parser on random frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketSummaryScratch, parsePacket, summarizePacket, type PacketSummary } from '../../src/proxy/packet.js';
import { ipv4Frame } from './session/plan.js';
import { PROTO, ah, fragment, icmpv6, ipv4Packet, ipv6Frame, options, tcp, udp, type Header } from './ip-frames.js';
import { ipv6ToBytes } from '../../src/openflow/index.js';
import { normalizeInto } from '../../src/classifier/packet.js';
import { FIELD_ID, FIELDS, SLOT_COUNT } from '../../src/classifier/fields.js';

/** The summary with its headers' defined fields only, in name order. */
const plain = (s: PacketSummary) => ({
  ...s,
  headers: Object.fromEntries(
    Object.entries(s.headers)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  ),
});

test('a tagged and an untagged IPv4/UDP frame: MACs, VLAN, addresses and ports as numbers', () => {
  const untagged = plain(summarizePacket(ipv4Frame('10.1.0.1', '192.168.0.2')));
  assert.deepEqual(untagged, {
    headers: {
      eth_dst: 0x020000000002,
      eth_src: 0x020000000001,
      eth_type: 0x0800,
      ip_dscp: 0,
      ip_proto: 17,
      ipv4_dst: 0xc0a80002,
      ipv4_src: 0x0a010001,
      udp_dst: 2000,
      udp_src: 1000,
    },
    vlan: null,
    ethType: 0x0800,
    l3: 14,
    l4: 34,
    l4Size: 26,
  });
  const tagged = plain(summarizePacket(ipv4Frame('10.1.0.1', '10.1.0.2', 0xa000 | 201)));
  assert.equal(tagged.vlan, 201);
  assert.equal(tagged.headers.vlan_pcp, 5);
  assert.equal(tagged.l3, 18);
  assert.equal(tagged.headers.udp_dst, 2000);
});

test('the reused summary answers as a fresh one for every frame, whatever came before (random frames)', () => {
  let seed = 11;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const scratch = new PacketSummaryScratch();
  for (let i = 0; i < 5_000; i++) {
    const frame = Buffer.alloc(rand(90));
    for (let j = 0; j < frame.length; j++) frame[j] = rand(256);
    // Often a real ethertype (VLAN, IPv4) and IP protocol, so that every branch is taken.
    const tagged = frame.length >= 18 && rand(3) === 0;
    if (tagged) frame.writeUInt16BE(0x8100, 12);
    const l3 = tagged ? 18 : 14;
    if (frame.length >= l3 && rand(3) > 0) frame.writeUInt16BE(0x0800, l3 - 2);
    if (frame.length > l3 + 9) {
      frame[l3] = 0x45;
      frame[l3 + 9] = [6, 17, 1][rand(3)]!;
    }
    assert.deepEqual(plain(scratch.read(frame)), plain(summarizePacket(frame)), `frame ${frame.toString('hex')}`);
  }
});

/** An IPv6 address as the summary gives it: four 32-bit words. */
const words = (text: string) => {
  const b = ipv6ToBytes(text);
  return [0, 4, 8, 12].map((o) => b.readUInt32BE(o));
};
const A = '2001:db8:a::1';
const B = '2001:db8:b::2';
/** parsePacket's field values as bigints, by name. */
const fieldsOf = (data: Buffer, frameLength?: number) =>
  Object.fromEntries(Object.entries(parsePacket(data, frameLength).fields).map(([k, f]) => [k, f!.value]));

test('IPv6 TCP, UDP and ICMPv6: addresses as words, protocol, DSCP, ports; parsePacket adds ECN, flow label, ICMPv6 type/code', () => {
  const t = plain(summarizePacket(ipv6Frame(A, B, [tcp(40000, 443)], { trafficClass: (46 << 2) | 1, flowLabel: 0xabcde })));
  assert.deepEqual(t.headers, {
    eth_dst: 0x020000000002,
    eth_src: 0x020000000001,
    eth_type: 0x86dd,
    ip_dscp: 46,
    ip_proto: 6,
    ipv6_dst: words(B),
    ipv6_src: words(A),
    tcp_dst: 443,
    tcp_src: 40000,
  });
  assert.deepEqual([t.l3, t.l4, t.l4Size], [14, 54, 20]);
  const f = fieldsOf(ipv6Frame(A, B, [tcp(40000, 443)], { trafficClass: (46 << 2) | 1, flowLabel: 0xabcde }));
  assert.equal(f.ipv6_src, 0x20010db8000a00000000000000000001n);
  assert.equal(f.ipv6_dst, 0x20010db8000b00000000000000000002n);
  assert.deepEqual([f.ip_dscp, f.ip_ecn, f.ipv6_flabel, f.tcp_dst, f.ip_proto], [46n, 1n, 0xabcden, 443n, 6n]);

  const u = summarizePacket(ipv6Frame(A, B, [udp(546, 547)])).headers;
  assert.deepEqual([u.ip_proto, u.udp_src, u.udp_dst, u.tcp_src], [17, 546, 547, undefined]);

  const icmp = ipv6Frame(A, B, [icmpv6(128, 0)]);
  const ih = plain(summarizePacket(icmp)).headers;
  assert.equal(ih.ip_proto, 58);
  assert.deepEqual([ih.tcp_src, ih.udp_src], [undefined, undefined]);
  const fi = fieldsOf(icmp);
  assert.deepEqual([fi.icmpv6_type, fi.icmpv6_code, fi.icmpv4_type], [128n, 0n, undefined]);
});

test('IPv6 extension headers (hop-by-hop, routing, destination options, AH) are walked to the transport header', () => {
  const chain = [options(PROTO.hopOpts, 1), options(PROTO.routing, 0), options(PROTO.dstOpts, 2), ah(4), tcp(1234, 80)];
  const s = summarizePacket(ipv6Frame(A, B, chain));
  assert.deepEqual([s.headers.ip_proto, s.headers.tcp_src, s.headers.tcp_dst], [6, 1234, 80]);
  assert.equal(s.l4, 14 + 40 + 16 + 8 + 24 + 24);
  // An extension header running past the payload: the packet is malformed, addresses only.
  const bad = summarizePacket(ipv6Frame(A, B, [options(PROTO.hopOpts, 9), tcp(1, 80)], { payloadLength: 72 })).headers;
  assert.deepEqual([bad.ipv6_src, bad.ip_proto, bad.ip_dscp, bad.tcp_dst], [words(A), undefined, undefined, undefined]);
  // An unknown next header ends the walk: it is the protocol, no ports.
  const unknown = summarizePacket(ipv6Frame(A, B, [[253, Buffer.alloc(8)]])).headers;
  assert.deepEqual([unknown.ip_proto, unknown.tcp_dst, unknown.udp_dst], [253, undefined, undefined]);
});

test('an IPv6 first fragment has its ports; a later fragment has none, and its protocol is the fragment header (44)', () => {
  const first = summarizePacket(ipv6Frame(A, B, [options(PROTO.hopOpts), fragment(0, true), udp(53, 5353, 16)])).headers;
  assert.deepEqual([first.ip_proto, first.udp_src, first.udp_dst], [17, 53, 5353]);
  const atomic = summarizePacket(ipv6Frame(A, B, [fragment(0, false), tcp(1, 22)])).headers;
  assert.deepEqual([atomic.ip_proto, atomic.tcp_dst], [6, 22]);
  // A later fragment whose payload begins with bytes that read as TCP port 80.
  const laterFrame = ipv6Frame(A, B, [fragment(185, false), tcp(80, 80)]);
  const later = plain(summarizePacket(laterFrame));
  assert.equal(later.headers.ip_proto, PROTO.fragment);
  assert.deepEqual([later.headers.tcp_src, later.headers.tcp_dst, later.l4], [undefined, undefined, -1]);
  assert.deepEqual(later.headers.ipv6_src, words(A));
  const f = fieldsOf(laterFrame);
  assert.deepEqual([f.ip_proto, f.tcp_dst, f.tcp_src], [44n, undefined, undefined]);
});

test('an IPv4 later fragment has no ports (its payload is not a TCP header); the first fragment has them', () => {
  const looksLikePort80 = tcp(80, 80)[1];
  const later = summarizePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { offset: 185 }));
  assert.deepEqual(
    [later.headers.ip_proto, later.headers.ipv4_src, later.headers.tcp_src, later.headers.tcp_dst, later.l4],
    [6, 0x0a000001, undefined, undefined, -1],
  );
  const f = fieldsOf(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { offset: 1, more: true }));
  assert.deepEqual([f.ip_proto, f.tcp_dst], [6n, undefined]);
  const first = summarizePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { more: true })).headers;
  assert.deepEqual([first.tcp_src, first.tcp_dst], [80, 80]);
  // An ICMP later fragment has no type/code either.
  const icmpLater = fieldsOf(ipv4Packet('10.0.0.1', '10.0.0.2', 1, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), { offset: 3 }));
  assert.deepEqual([icmpLater.ip_proto, icmpLater.icmpv4_type], [1n, undefined]);
  const icmpWhole = fieldsOf(ipv4Packet('10.0.0.1', '10.0.0.2', 1, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0])));
  assert.deepEqual([icmpWhole.icmpv4_type, icmpWhole.icmpv4_code], [8n, 0n]);
});

test('a malformed IPv4 header (IHL < 5, lengths that disagree) carries no IP fields; ports lie within the total length', () => {
  const payload = tcp(80, 80)[1];
  for (const [why, opts] of [
    ['IHL 4', { ihl: 4 }],
    ['IHL 0', { ihl: 0 }],
    ['total length below the header', { totalLength: 19 }],
    ['total length beyond the frame', { totalLength: 200 }],
  ] as const) {
    const s = summarizePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, payload, opts));
    assert.equal(s.headers.eth_type, 0x0800, why);
    assert.deepEqual(
      [s.headers.ipv4_src, s.headers.ip_proto, s.headers.ip_dscp, s.headers.tcp_dst, s.l4],
      [undefined, undefined, undefined, undefined, -1],
      why,
    );
    assert.equal(parsePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, payload, opts)).fields.ip_ecn, undefined, why);
  }
  // A cut-off packet-in (total_len says the frame is longer than its data) is not malformed.
  const cut = ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, payload, { totalLength: 200 });
  assert.equal(summarizePacket(cut, 14 + 200).headers.tcp_dst, 80);
  // IHL 6: the ports after the option word.
  assert.equal(summarizePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, payload, { ihl: 6 })).headers.tcp_dst, 80);
  // An IP header with no payload, the frame padded to 60 bytes: padding is no TCP header.
  const padded = summarizePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, Buffer.alloc(0), { pad: 26 }));
  assert.deepEqual([padded.headers.ip_proto, padded.headers.tcp_dst], [6, undefined]);
  // A TCP header whose data offset is below 5 words: no ports.
  const doff = Buffer.from(payload);
  doff[12] = 4 << 4;
  assert.equal(summarizePacket(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, doff)).headers.tcp_dst, undefined);
  // An IPv6 payload length beyond the frame: no IPv6 fields at all.
  const long = summarizePacket(ipv6Frame(A, B, [tcp(1, 2)], { payloadLength: 21 })).headers;
  assert.deepEqual([long.eth_type, long.ipv6_src, long.ip_proto], [0x86dd, undefined, undefined]);
});

test('a VLAN-tagged IPv6 frame: the tag, then IPv6 at offset 18', () => {
  const s = plain(summarizePacket(ipv6Frame(A, B, [options(PROTO.dstOpts), udp(1, 2)], { vlan: 0x6000 | 300 })));
  assert.deepEqual([s.vlan, s.headers.vlan_vid, s.headers.vlan_pcp, s.l3, s.ethType], [300, 300, 3, 18, 0x86dd]);
  assert.deepEqual([s.headers.ipv6_dst, s.headers.udp_dst], [words(B), 2]);
  assert.equal(fieldsOf(ipv6Frame(A, B, [udp(1, 2)], { vlan: 300 })).vlan_vid, 0x1000n | 300n);
});

test('a frame cut off at every length never throws, never reads past its end, and loses only the fields beyond the cut', () => {
  const frames: Array<[string, Buffer]> = [
    ['IPv4 TCP with options', ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, tcp(5, 80)[1], { ihl: 7 })],
    ['IPv4 ICMP', ipv4Packet('10.0.0.1', '10.0.0.2', 1, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]))],
    ['IPv6 extension chain', ipv6Frame(A, B, [options(PROTO.hopOpts, 1), fragment(0, true), ah(), tcp(7, 443)])],
    ['IPv6 later fragment', ipv6Frame(A, B, [fragment(9, true), udp(7, 53)])],
    ['VLAN IPv6 ICMPv6', ipv6Frame(A, B, [icmpv6(135, 0)], { vlan: 5 })],
  ];
  const scratch = new PacketSummaryScratch();
  for (const [name, full] of frames) {
    const whole = plain(summarizePacket(full)).headers as Record<string, unknown>;
    const wholeFields = fieldsOf(full);
    let before = 0;
    for (let len = 0; len <= full.length; len++) {
      // A byte read past the end is undefined: a field made of one would not be a whole number.
      const data = Buffer.from(full.subarray(0, len));
      for (const frameLength of [len, full.length]) {
        const at = `${name} cut at ${len} of ${full.length} (frame length ${frameLength})`;
        const h = plain(scratch.read(data, frameLength)).headers as Record<string, unknown>;
        assert.deepEqual(h, plain(summarizePacket(data, frameLength)).headers, at);
        const fields = fieldsOf(data, frameLength);
        for (const [k, x] of Object.entries(h)) for (const w of [x].flat()) assert.ok(Number.isInteger(w), `${at}: ${k} ${String(x)}`);
        if (frameLength === full.length) {
          // A packet-in cut off by the switch: what it says is what the whole frame says.
          for (const [k, x] of Object.entries(h)) assert.deepEqual(x, whole[k], `${at}: ${k}`);
          for (const [k, x] of Object.entries(fields)) assert.equal(x, wholeFields[k], `${at}: ${k}`);
          assert.ok(Object.keys(h).length >= before, `${at}: a longer cut never knows less`);
          before = Object.keys(h).length;
        }
      }
    }
    assert.deepEqual(plain(scratch.read(full)).headers, whole, `${name}: whole`);
  }
});

// ---- Reference parser: Open vSwitch's steps (lib/flow.c miniflow_extract), written apart from
// packet.ts: a cursor over the bytes and a remaining size, pulling each header; fields by name.
function reference(frame: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let at = 0;
  let size = frame.length;
  const pull = (n: number) => {
    const start = at;
    at += n;
    size -= n;
    return start;
  };
  if (size < 14) return out;
  out.eth_dst = frame.readUIntBE(0, 6);
  out.eth_src = frame.readUIntBE(6, 6);
  pull(12);
  let type = frame.readUInt16BE(at);
  if (type === 0x8100 && size >= 6) {
    out.vlan_vid = frame.readUInt16BE(at + 2) & 0xfff;
    out.vlan_pcp = frame.readUInt16BE(at + 2) >> 13;
    pull(4);
    type = frame.readUInt16BE(at);
  }
  pull(2);
  out.eth_type = type;
  let proto: number;
  let later = false;
  if (type === 0x0800) {
    if (size < 20) return out;
    const ipLen = (frame[at]! & 15) * 4;
    const totLen = frame.readUInt16BE(at + 2);
    if (ipLen < 20 || size < ipLen || totLen > size || ipLen > totLen) return out;
    out.ipv4_src = frame.readUInt32BE(at + 12);
    out.ipv4_dst = frame.readUInt32BE(at + 16);
    out.ip_dscp = frame[at + 1]! >> 2;
    proto = frame[at + 9]!;
    later = (frame.readUInt16BE(at + 6) & 0x1fff) !== 0;
    size = totLen;
    pull(ipLen);
  } else if (type === 0x86dd) {
    if (size < 40) return out;
    const plen = frame.readUInt16BE(at + 4);
    if (plen + 40 > size) return out;
    out.ipv6_src = [8, 12, 16, 20].map((o) => frame.readUInt32BE(at + o));
    out.ipv6_dst = [24, 28, 32, 36].map((o) => frame.readUInt32BE(at + o));
    const dscp = (frame.readUInt32BE(at) >>> 22) & 0x3f;
    proto = frame[at + 6]!;
    pull(40);
    size = plen;
    for (;;) {
      if (![PROTO.hopOpts, PROTO.routing, PROTO.dstOpts, PROTO.ah, PROTO.fragment].includes(proto as 0)) break;
      if (size < 8) return out;
      const len = proto === PROTO.ah ? (frame[at + 1]! + 2) * 4 : proto === PROTO.fragment ? 8 : (frame[at + 1]! + 1) * 8;
      const offlg = frame.readUInt16BE(at + 2);
      const wasFragment = proto === PROTO.fragment;
      proto = frame[at]!;
      if (size < len) return out;
      pull(len);
      if (wasFragment && (offlg & 0xfff8) !== 0) {
        later = true;
        proto = PROTO.fragment;
        break;
      }
    }
    out.ip_dscp = dscp;
  } else return out;
  out.ip_proto = proto;
  if (later) return out;
  if (proto === PROTO.tcp && size >= 20) {
    const doff = (frame[at + 12]! >> 4) * 4;
    if (doff >= 20 && size >= doff) {
      out.tcp_src = frame.readUInt16BE(at);
      out.tcp_dst = frame.readUInt16BE(at + 2);
    }
  } else if (proto === PROTO.udp && size >= 8) {
    out.udp_src = frame.readUInt16BE(at);
    out.udp_dst = frame.readUInt16BE(at + 2);
  }
  return out;
}

test('property: on random IPv4/IPv6 frames (extension chains, fragments, bad lengths) the summary, the reused summary and parsePacket agree with a reference parser', () => {
  let seed = 29;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  const ext = (): Header =>
    pick([
      () => options(pick([PROTO.hopOpts, PROTO.routing, PROTO.dstOpts]), rand(3)),
      () => ah(rand(4)),
      () => fragment(pick([0, 0, 1, rand(8000)]), rand(2) === 0),
      () => [pick([PROTO.tcp, PROTO.udp, 253]), Buffer.alloc(rand(12))] as Header,
    ])();
  const transport = (): Header =>
    pick([() => tcp(rand(65536), rand(65536)), () => udp(rand(65536), rand(65536)), () => icmpv6(rand(256), 0)])();
  const scratch = new PacketSummaryScratch();
  let withPorts = 0;
  let laterFragments = 0;
  for (let i = 0; i < 4000; i++) {
    let frame: Buffer;
    if (rand(2) === 0) {
      const chain = [...Array.from({ length: rand(4) }, ext), transport()];
      frame = ipv6Frame(A, B, chain, {
        trafficClass: rand(256),
        vlan: rand(4) === 0 ? rand(0x10000) : undefined,
        payloadLength: rand(5) === 0 ? rand(120) : undefined,
      });
    } else {
      const [proto, l4] = pick([tcp(rand(65536), rand(65536)), udp(rand(65536), rand(65536)), [1, Buffer.alloc(8)] as Header]);
      frame = ipv4Packet('10.0.0.1', '10.9.0.2', proto, l4, {
        ihl: pick([5, 5, 6, 4, rand(16)]),
        totalLength: rand(5) === 0 ? rand(80) : undefined,
        offset: pick([0, 0, 1, rand(0x2000)]),
        more: rand(2) === 0,
        tos: rand(256),
        pad: rand(3) === 0 ? rand(30) : 0,
      });
    }
    // Sometimes cut the frame (the cut frame is then all there is).
    if (rand(4) === 0) frame = frame.subarray(0, rand(frame.length + 1));
    const want = reference(frame);
    const at = `frame ${frame.toString('hex')}`;
    assert.deepEqual(plain(summarizePacket(frame)).headers, want, at);
    assert.deepEqual(plain(scratch.read(frame)).headers, want, at);
    const fields = fieldsOf(frame);
    for (const [k, x] of Object.entries(want)) {
      if (k === 'vlan_vid') continue; // OpenFlow's form (OFPVID_PRESENT), checked above
      const big = Array.isArray(x) ? x.reduce((acc: bigint, w: number) => (acc << 32n) | BigInt(w), 0n) : BigInt(x as number);
      assert.equal(fields[k], big, `${at}: ${k}`);
    }
    if (want.tcp_dst !== undefined || want.udp_dst !== undefined) withPorts++;
    if (want.ip_proto !== undefined && want.tcp_dst === undefined && want.udp_dst === undefined) laterFragments++;
  }
  // The generator reaches both sides of the port rule.
  assert.ok(withPorts > 500 && laterFragments > 500, `${withPorts} with ports, ${laterFragments} IP without`);
});

test("the classifier reads the reused summary's IPv6 words as they are, and still refuses malformed word arrays", () => {
  const values = new Array<number>(SLOT_COUNT).fill(0);
  const src = FIELDS[FIELD_ID.ipv6_src]!;
  const scratch = new PacketSummaryScratch();
  const present = normalizeInto(scratch.read(ipv6Frame(A, B, [udp(1, 2)])).headers, values);
  assert.ok(present & (1 << FIELD_ID.ipv6_src) && present & (1 << FIELD_ID.ipv6_dst));
  assert.deepEqual(values.slice(src.slot, src.slot + 4), words(A));
  // The next frame's words replace the last one's in the same arrays.
  normalizeInto(scratch.read(ipv6Frame(B, A, [udp(1, 2)])).headers, values);
  assert.deepEqual(values.slice(src.slot, src.slot + 4), words(B));
  for (const bad of [
    [1, 2, 3],
    [1, 2, 3, 2 ** 32],
    [1, 2, 3, 1.5],
    [1, 2, 3, -1],
    [1, 2, 3, '4'],
  ]) {
    const p = normalizeInto({ ipv6_src: bad as number[] }, values);
    assert.equal(p & (1 << FIELD_ID.ipv6_src), 0, JSON.stringify(bad));
    assert.equal(values[src.slot], -1, JSON.stringify(bad));
  }
});
