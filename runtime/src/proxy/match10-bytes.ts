// The OpenFlow 1.0 match (the fixed 40-byte ofp_match) read from a frame straight into the proxy's
// FlowMatch and written from one straight into an output buffer: the hot path's 1.0 flow-mods and
// packet-outs take no codec Match10 object, no closures and no field-name arrays per message. It is
// exactly translate.ts's 1.0 mapping over the codec's match reader and writer — `readMatch10At(b, o)`
// equals `matchFrom10(readMatch10(reader at o))`, and `writeMatch10At` writes the bytes of
// `writeMatch10(w, matchTo10(m))` or throws a RangeError exactly when that does (same checks, same
// order of precedence between fields) — which test/proxy/hot-messages.test.ts holds it to. Fields
// are produced in the canonical (OXM) order, so keying the match (matchKey) needs no sort. Small
// values share one field constraint each where they repeat (exactValue): no bigint and no object
// per field for them.
import { OFPFW10 as W, OFPVID_PRESENT } from '../openflow/constants.js';
import type { FieldName, FieldValue, FlowMatch } from './messages.js';
import { exactValue, fullMask } from './match-algebra.js';
import { MATCHABLE_10, port10to13, port13to10 } from './translate.js';

export const MATCH10_BYTES = 40;

const PREFIX: bigint[] = Array.from({ length: 33 }, (_, len) => (len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(32 - len)));

/**
 * The canonical key (hot-messages.ts matchKey's bytes: the OXM fields in field order, no padding)
 * of the match readMatch10At read last, written as it read the fields: KEY10[0, key10Length()),
 * for the match object key10Match() (the flow table keys a tenant's 1.0 rule by it, frame-key.ts).
 */
export const KEY10 = Buffer.alloc(256);
let keyLen = 0;
let keyMatch: FlowMatch | null = null;
export const key10Match = (): FlowMatch | null => keyMatch;
/**
 * The 40 bytes writeMatch10At writes for key10Match() (written by the reader as it reads the fields:
 * the canonical form of what it read, wildcard bits of absent fields set, values of the fields it
 * drops zeroed): a rewritten 1.0 rule that is its tenant's own match copies them (writeMatch10At).
 */
const WIRE10 = Buffer.alloc(MATCH10_BYTES);
export const key10Length = (): number => keyLen;

/** OXM field numbers (and so the key's order) of the fields a 1.0 match has. */
const OXM = {
  in_port: 0,
  eth_dst: 3,
  eth_src: 4,
  eth_type: 5,
  vlan_vid: 6,
  vlan_pcp: 7,
  ip_dscp: 8,
  ip_proto: 10,
  ipv4_src: 11,
  ipv4_dst: 12,
  tcp_src: 13,
  tcp_dst: 14,
  udp_src: 15,
  udp_dst: 16,
  icmpv4_type: 19,
  icmpv4_code: 20,
  arp_op: 21,
  arp_spa: 22,
  arp_tpa: 23,
} as const;

/** Appends one unmasked OXM field of `size` bytes (value `v`, a number) to the key. */
function keyField(field: number, size: 1 | 2 | 4, v: number): void {
  const k = KEY10;
  let p = keyLen;
  k[p] = 0x80;
  k[p + 1] = 0;
  k[p + 2] = field << 1;
  k[p + 3] = size;
  p += 4;
  if (size === 4) {
    k[p++] = v >>> 24;
    k[p++] = (v >>> 16) & 0xff;
  }
  if (size >= 2) k[p++] = (v >>> 8) & 0xff;
  k[p++] = v & 0xff;
  keyLen = p;
}

/** Appends a masked 32-bit OXM field (its value, then its mask). */
function keyMasked32(field: number, v: number, mask: number): void {
  const k = KEY10;
  const p = keyLen;
  k[p] = 0x80;
  k[p + 1] = 0;
  k[p + 2] = (field << 1) | 1;
  k[p + 3] = 8;
  k.writeUInt32BE(v, p + 4);
  k.writeUInt32BE(mask, p + 8);
  keyLen = p + 12;
}

/** Appends a MAC field, its 6 bytes copied from the frame at `at`. */
function keyMac(field: number, b: Buffer, at: number): void {
  const k = KEY10;
  const p = keyLen;
  k[p] = 0x80;
  k[p + 1] = 0;
  k[p + 2] = field << 1;
  k[p + 3] = 6;
  for (let i = 0; i < 6; i++) k[p + 4 + i] = b[at + i]!;
  keyLen = p + 10;
}

// Big-endian reads without Buffer method calls (the caller checked the 40 bytes are there).
const be16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const be32 = (b: Buffer, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const be48 = (b: Buffer, o: number): number => be16(b, o) * 0x100000000 + be32(b, o + 2);
/** Zeroes the 40 bytes (the typed array's own fill: Buffer's validates its arguments in JavaScript first). */
const zero40 = (w: Buffer): void => void Uint8Array.prototype.fill.call(w, 0);

/** The 1.0 match at `o` (40 bytes, the caller checked the length) as a FlowMatch in OXM field order (and its key, see KEY10). */
export function readMatch10At(b: Buffer, o: number): FlowMatch {
  const wc = be32(b, o);
  const m: FlowMatch = {};
  const w = WIRE10;
  zero40(w);
  let out: number = W.ALL; // the wildcards writeMatch10At writes for m
  keyLen = 0;
  if (!(wc & W.IN_PORT)) {
    const port10 = be16(b, o + 4);
    const port = port10to13(port10);
    m.in_port = exactValue(port);
    keyField(OXM.in_port, 4, port);
    out &= ~W.IN_PORT;
    w.writeUInt16BE(port10, 4);
  }
  if (!(wc & W.DL_DST)) {
    m.eth_dst = exactValue(be48(b, o + 12));
    keyMac(OXM.eth_dst, b, o + 12);
    out &= ~W.DL_DST;
    copy6(b, o + 12, w, 12);
  }
  if (!(wc & W.DL_SRC)) {
    m.eth_src = exactValue(be48(b, o + 6));
    keyMac(OXM.eth_src, b, o + 6);
    out &= ~W.DL_SRC;
    copy6(b, o + 6, w, 6);
  }
  const dlType = wc & W.DL_TYPE ? -1 : be16(b, o + 22);
  if (dlType >= 0) {
    m.eth_type = exactValue(dlType);
    keyField(OXM.eth_type, 2, dlType);
    out &= ~W.DL_TYPE;
    w.writeUInt16BE(dlType, 22);
  }
  let noVlan = false;
  if (!(wc & W.DL_VLAN)) {
    const dlVlan = be16(b, o + 18);
    noVlan = dlVlan === 0xffff;
    const vid = noVlan ? 0 : (dlVlan & 0xfff) | OFPVID_PRESENT;
    m.vlan_vid = exactValue(vid);
    keyField(OXM.vlan_vid, 2, vid);
    out &= ~W.DL_VLAN;
    w.writeUInt16BE(noVlan ? 0xffff : dlVlan & 0xfff, 18);
  }
  // No pcp under "no VLAN" (matchFrom10 drops it).
  if (!(wc & W.DL_VLAN_PCP) && !noVlan) {
    m.vlan_pcp = exactValue(b[o + 20]! & 7);
    keyField(OXM.vlan_pcp, 1, b[o + 20]! & 7);
    out &= ~W.DL_VLAN_PCP;
    w[20] = b[o + 20]! & 7;
  }
  const isArp = dlType === 0x0806;
  const isIp = dlType === 0x0800;
  // Only fields whose prerequisites hold are kept (exact 1.0 matches carry zeros elsewhere).
  if (!(wc & W.NW_TOS) && isIp) {
    m.ip_dscp = exactValue(b[o + 24]! >> 2);
    keyField(OXM.ip_dscp, 1, b[o + 24]! >> 2);
    out &= ~W.NW_TOS;
    w[24] = b[o + 24]! & 0xfc;
  }
  const proto = wc & W.NW_PROTO ? -1 : b[o + 25]!;
  if (proto >= 0 && (isIp || isArp)) {
    out &= ~W.NW_PROTO;
    w[25] = proto;
  }
  if (proto >= 0 && isIp) {
    m.ip_proto = exactValue(proto);
    keyField(OXM.ip_proto, 1, proto);
  }
  if (isIp) {
    const src = nw(be32(b, o + 28), wc, W.NW_SRC_SHIFT, OXM.ipv4_src, 28);
    if (src) m.ipv4_src = src;
    const dst = nw(be32(b, o + 32), wc, W.NW_DST_SHIFT, OXM.ipv4_dst, 32);
    if (dst) m.ipv4_dst = dst;
    if (proto === 6 || proto === 17 || proto === 1) {
      const tcp = proto === 6;
      const udp = proto === 17;
      if (!(wc & W.TP_SRC)) {
        const v = be16(b, o + 36);
        if (tcp) m.tcp_src = exactValue(v);
        else if (udp) m.udp_src = exactValue(v);
        else m.icmpv4_type = exactValue(v & 0xff);
        if (tcp || udp) keyField(tcp ? OXM.tcp_src : OXM.udp_src, 2, v);
        else keyField(OXM.icmpv4_type, 1, v & 0xff);
        out &= ~W.TP_SRC;
        w.writeUInt16BE(tcp || udp ? v : v & 0xff, 36);
      }
      if (!(wc & W.TP_DST)) {
        const v = be16(b, o + 38);
        if (tcp) m.tcp_dst = exactValue(v);
        else if (udp) m.udp_dst = exactValue(v);
        else m.icmpv4_code = exactValue(v & 0xff);
        if (tcp || udp) keyField(tcp ? OXM.tcp_dst : OXM.udp_dst, 2, v);
        else keyField(OXM.icmpv4_code, 1, v & 0xff);
        out &= ~W.TP_DST;
        w.writeUInt16BE(tcp || udp ? v : v & 0xff, 38);
      }
    }
  }
  if (isArp) {
    if (proto >= 0) {
      m.arp_op = exactValue(proto);
      keyField(OXM.arp_op, 2, proto);
    }
    const spa = nw(be32(b, o + 28), wc, W.NW_SRC_SHIFT, OXM.arp_spa, 28);
    if (spa) m.arp_spa = spa;
    const tpa = nw(be32(b, o + 32), wc, W.NW_DST_SHIFT, OXM.arp_tpa, 32);
    if (tpa) m.arp_tpa = tpa;
  }
  w.writeUInt32BE((out & ~(W.NW_SRC_MASK | W.NW_DST_MASK)) | (nwOut & (W.NW_SRC_MASK | W.NW_DST_MASK)), 0);
  nwOut = W.ALL;
  keyMatch = m;
  return m;
}

/** The nw_src/nw_dst wildcard bits of WIRE10 (set by nw as it reads the IPv4 fields, reset after each match). */
let nwOut: number = W.ALL;

function copy6(from: Buffer, at: number, to: Buffer, to0: number): void {
  for (let i = 0; i < 6; i++) to[to0 + i] = from[at + i]!;
}

/**
 * An IPv4 field of the 1.0 match (its wildcard bits at `shift` in `wc`), also appended to the key as
 * OXM field `field` and written into WIRE10 at `at` (value and wildcard bits, as nwField writes them).
 */
function nw(addr: number, wc: number, shift: number, field: number, at: number): FieldValue | null {
  const n = Math.min(32, (wc >> shift) & 0x3f);
  if (n >= 32) return null;
  nwOut = (nwOut & ~(0x3f << shift)) | (n << shift);
  // Exact: the address as it is (no masking, one bigint).
  if (n === 0) {
    keyField(field, 4, addr);
    WIRE10.writeUInt32BE(addr, at);
    return exactValue(addr);
  }
  const maskBits = (0xffffffff << n) >>> 0;
  const masked = (addr & maskBits) >>> 0;
  keyMasked32(field, masked, maskBits);
  WIRE10.writeUInt32BE(masked, at);
  const mask = PREFIX[32 - n]!;
  return { value: BigInt(addr) & mask, mask };
}

// ---- writing -------------------------------------------------------------------------------

function badValue(v: number, what: string): never {
  throw new RangeError(`value ${JSON.stringify(v)} does not fit ${what}`);
}
function u8(b: Buffer, o: number, v: number): void {
  if ((v & 0xff) !== v) badValue(v, 'u8');
  b[o] = v;
}
function u16(b: Buffer, o: number, v: number): void {
  if ((v & 0xffff) !== v) badValue(v, 'u16');
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}
function u32(b: Buffer, o: number, v: number): void {
  if (v >>> 0 !== v) badValue(v, 'u32');
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/**
 * The field's value (`f`, the match's field `name`, read by name: no keyed lookup) when it is
 * constrained exactly (a whole-field mask counts as none); RangeError when masked.
 */
function exact(f: FieldValue | undefined, name: FieldName): FieldValue | undefined {
  if (f && f.mask !== undefined && f.mask !== fullMask(name)) throw new RangeError(`OpenFlow 1.0 cannot mask ${name}`);
  return f;
}

const MAX_MAC = 0xffffffffffffn;
const MAX_IPV4 = 0xffffffffn;

function mac(b: Buffer, o: number, v: bigint): void {
  if (v < 0n || v > MAX_MAC) throw new RangeError(`${v} is not a MAC address (48 bits)`);
  b.writeUIntBE(Number(v), o, 6);
}

function prefixLen(mask: bigint): number {
  for (let len = 32; len >= 0; len--) if (PREFIX[len] === mask) return len;
  throw new RangeError('OpenFlow 1.0 supports only prefix masks on IPv4 addresses');
}

function ipv4(v: bigint): number {
  if (v < 0n || v > MAX_IPV4) throw new RangeError(`${v} is not a IPv4 address (32 bits)`);
  return Number(v);
}

/** One IPv4 field's wildcard bits in `wc` and its address, written at `at` (the later of two fields wins, as matchTo10). */
function nwField(b: Buffer, at: number, f: FieldValue | undefined, wc: number, shift: number): number {
  if (!f) return wc;
  const len = f.mask === undefined ? 32 : prefixLen(f.mask);
  u32(b, at, ipv4(f.value));
  return (wc & ~(0x3f << shift)) | ((32 - len) << shift);
}

/**
 * Writes `m` as a 1.0 match at `o` (40 bytes); RangeError for what 1.0 cannot express (a field it
 * lacks, a mask on a field it cannot mask, a value that does not fit), as matchTo10 + writeMatch10.
 */
export function writeMatch10At(b: Buffer, o: number, m: FlowMatch): void {
  if (m === keyMatch) {
    // The match read last, written as the reader wrote it (see WIRE10).
    WIRE10.copy(b, o);
    return;
  }
  for (const k in m) if (!MATCHABLE_10.has(k)) throw new RangeError(`OpenFlow 1.0 cannot match ${k}`);
  b.fill(0, o, o + MATCH10_BYTES);
  let wc: number = W.ALL;
  let f: FieldValue | undefined;
  if ((f = exact(m.in_port, 'in_port'))) {
    wc &= ~W.IN_PORT;
    u16(b, o + 4, port13to10(Number(f.value)));
  }
  if ((f = exact(m.eth_src, 'eth_src'))) {
    wc &= ~W.DL_SRC;
    mac(b, o + 6, f.value);
  }
  if ((f = exact(m.eth_dst, 'eth_dst'))) {
    wc &= ~W.DL_DST;
    mac(b, o + 12, f.value);
  }
  if ((f = m.vlan_vid)) {
    wc &= ~W.DL_VLAN;
    const v = Number(f.value);
    u16(b, o + 18, v & OFPVID_PRESENT ? v & 0xfff : 0xffff);
  }
  if ((f = exact(m.vlan_pcp, 'vlan_pcp'))) {
    wc &= ~W.DL_VLAN_PCP;
    u8(b, o + 20, Number(f.value));
  }
  if ((f = exact(m.eth_type, 'eth_type'))) {
    wc &= ~W.DL_TYPE;
    u16(b, o + 22, Number(f.value));
  }
  if ((f = exact(m.ip_dscp, 'ip_dscp'))) {
    wc &= ~W.NW_TOS;
    u8(b, o + 24, Number(f.value) << 2);
  }
  if ((f = exact(m.ip_proto, 'ip_proto') ?? exact(m.arp_op, 'arp_op'))) {
    wc &= ~W.NW_PROTO;
    u8(b, o + 25, Number(f.value));
  }
  wc = nwField(b, o + 28, m.ipv4_src, wc, W.NW_SRC_SHIFT);
  wc = nwField(b, o + 28, m.arp_spa, wc, W.NW_SRC_SHIFT);
  wc = nwField(b, o + 32, m.ipv4_dst, wc, W.NW_DST_SHIFT);
  wc = nwField(b, o + 32, m.arp_tpa, wc, W.NW_DST_SHIFT);
  if ((f = exact(m.tcp_src, 'tcp_src') ?? exact(m.udp_src, 'udp_src') ?? exact(m.icmpv4_type, 'icmpv4_type'))) {
    wc &= ~W.TP_SRC;
    u16(b, o + 36, Number(f.value));
  }
  if ((f = exact(m.tcp_dst, 'tcp_dst') ?? exact(m.udp_dst, 'udp_dst') ?? exact(m.icmpv4_code, 'icmpv4_code'))) {
    wc &= ~W.TP_DST;
    u16(b, o + 38, Number(f.value));
  }
  u32(b, o, wc >>> 0);
}
