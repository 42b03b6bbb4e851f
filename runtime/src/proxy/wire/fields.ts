// OXM (OpenFlow 1.3 basic class) field numbers and widths, and value/mask helpers.
import type { FieldName, FieldValue, FlowMatch } from './model.js';

export interface FieldDef { name: FieldName; oxm: number; bytes: number; bits: number }

const DEFS: Array<[FieldName, number, number, number?]> = [
  ['in_port', 0, 4], ['metadata', 2, 8], ['eth_dst', 3, 6], ['eth_src', 4, 6], ['eth_type', 5, 2],
  ['vlan_vid', 6, 2, 13], ['vlan_pcp', 7, 1, 3], ['ip_dscp', 8, 1, 6], ['ip_ecn', 9, 1, 2], ['ip_proto', 10, 1],
  ['ipv4_src', 11, 4], ['ipv4_dst', 12, 4], ['tcp_src', 13, 2], ['tcp_dst', 14, 2], ['udp_src', 15, 2],
  ['udp_dst', 16, 2], ['sctp_src', 17, 2], ['sctp_dst', 18, 2], ['icmpv4_type', 19, 1], ['icmpv4_code', 20, 1],
  ['arp_op', 21, 2], ['arp_spa', 22, 4], ['arp_tpa', 23, 4], ['arp_sha', 24, 6], ['arp_tha', 25, 6],
  ['ipv6_src', 26, 16], ['ipv6_dst', 27, 16], ['ipv6_flabel', 28, 4, 20], ['icmpv6_type', 29, 1], ['icmpv6_code', 30, 1],
  ['ipv6_nd_target', 31, 16], ['ipv6_nd_sll', 32, 6], ['ipv6_nd_tll', 33, 6], ['mpls_label', 34, 4, 20],
  ['mpls_tc', 35, 1, 3], ['mpls_bos', 36, 1, 1],
];

export const FIELDS: FieldDef[] = DEFS.map(([name, oxm, bytes, bits]) => ({ name, oxm, bytes, bits: bits ?? bytes * 8 }));
export const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));
export const FIELD_BY_OXM = new Map(FIELDS.map((f) => [f.oxm, f]));
/** Canonical field order (by OXM number) so encodings are deterministic. */
export const FIELD_ORDER: FieldName[] = FIELDS.map((f) => f.name);

export function fullMask(name: FieldName): bigint {
  return (1n << BigInt(FIELD_BY_NAME.get(name)!.bits)) - 1n;
}

export function readUint(buf: Buffer, off: number, bytes: number): bigint {
  let v = 0n;
  for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(buf[off + i]);
  return v;
}

export function writeUint(buf: Buffer, off: number, bytes: number, v: bigint): void {
  for (let i = bytes - 1; i >= 0; i--) { buf[off + i] = Number(v & 0xffn); v >>= 8n; }
}

/** Effective mask: an absent mask is the full field. */
export function maskOf(name: FieldName, fv: FieldValue): bigint {
  return fv.mask ?? fullMask(name);
}

/** Normalises: drops full masks, clears value bits outside the mask, drops all-zero masks (wildcard). */
export function normField(name: FieldName, fv: FieldValue): FieldValue | null {
  const full = fullMask(name);
  const mask = (fv.mask ?? full) & full;
  if (mask === 0n) return null;
  const value = fv.value & mask;
  return mask === full ? { value } : { value, mask };
}

export function normMatch(m: FlowMatch): FlowMatch {
  const out: FlowMatch = {};
  for (const name of FIELD_ORDER) {
    const fv = m[name];
    if (!fv) continue;
    const n = normField(name, fv);
    if (n) out[name] = n;
  }
  return out;
}

/** Intersection of two constraints on one field; null when no value satisfies both. */
export function intersectField(name: FieldName, a: FieldValue, b: FieldValue): FieldValue | null {
  const ma = maskOf(name, a), mb = maskOf(name, b);
  const common = ma & mb;
  if ((a.value & common) !== (b.value & common)) return null;
  return normField(name, { value: (a.value & ma) | (b.value & mb), mask: ma | mb }) ?? { value: 0n, mask: 0n };
}

/** Intersection of two matches; null when empty. */
export function intersectMatches(a: FlowMatch, b: FlowMatch): FlowMatch | null {
  const out: FlowMatch = {};
  for (const name of FIELD_ORDER) {
    const x = a[name], y = b[name];
    if (x && y) {
      const r = intersectField(name, x, y);
      if (!r) return null;
      if (r.mask !== 0n) out[name] = r;
    } else if (x || y) {
      const n = normField(name, (x ?? y)!);
      if (n) out[name] = n;
    }
  }
  return out;
}

/** True when every packet matching `inner` also matches `outer`. */
export function matchSubsumes(outer: FlowMatch, inner: FlowMatch): boolean {
  for (const name of FIELD_ORDER) {
    const o = outer[name];
    if (!o) continue;
    const i = inner[name];
    if (!i) return false;
    const mo = maskOf(name, o), mi = maskOf(name, i);
    if ((mo & mi) !== mo) return false;
    if ((i.value & mo) !== (o.value & mo)) return false;
  }
  return true;
}

export function matchEquals(a: FlowMatch, b: FlowMatch): boolean {
  return matchSubsumes(a, b) && matchSubsumes(b, a);
}

/** Does a concrete packet (field → value) satisfy the match? Absent packet fields fail constraints. */
export function packetMatches(m: FlowMatch, pkt: FlowMatch): boolean {
  for (const name of FIELD_ORDER) {
    const c = m[name];
    if (!c) continue;
    const p = pkt[name];
    if (!p) return false;
    const mask = maskOf(name, c);
    if ((p.value & mask) !== (c.value & mask)) return false;
  }
  return true;
}

export function macToBigint(mac: string): bigint {
  return BigInt('0x' + mac.split(':').join(''));
}

export function ipv4ToBigint(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

export function prefixMask(bits: number, len: number): bigint {
  if (len <= 0) return 0n;
  return ((1n << BigInt(len)) - 1n) << BigInt(bits - len);
}

export function ipv6ToBigint(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, null];
  const h = head ? head.split(':') : [];
  const t = tail !== null && tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
