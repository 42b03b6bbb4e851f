// Flowspace algebra on the proxy's FlowMatch (field → value/mask as bigint): normalisation,
// intersection, subsumption, packet matching, and conversions between bigint values and the
// codec's OXM value representation (numbers, MAC/IP strings, bigint for 64-bit fields).
import { OXM_FIELDS, oxmFieldSize, type OxmValue } from '../openflow/index.js';
import type { FieldName, FieldValue, FlowMatch } from './messages.js';
import { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6, parseMac } from '@dfvisor/grammar';

const NOT_PROXY_FIELDS = new Set(['in_phy_port', 'pbb_isid', 'tunnel_id', 'ipv6_exthdr']);
/** Canonical field order (by OXM number) so that rewritten matches are deterministic. */
export const FIELD_ORDER: FieldName[] = OXM_FIELDS.map((f) => f.name).filter((n): n is FieldName => !NOT_PROXY_FIELDS.has(n));
const FIELD_SET = new Set<string>(FIELD_ORDER);
export const isFieldName = (s: string): s is FieldName => FIELD_SET.has(s);

/** Fields narrower than their OXM payload. */
const NARROW: Partial<Record<FieldName, number>> = {
  vlan_vid: 13,
  vlan_pcp: 3,
  ip_dscp: 6,
  ip_ecn: 2,
  ipv6_flabel: 20,
  mpls_label: 20,
  mpls_tc: 3,
  mpls_bos: 1,
};
const FULL = new Map<FieldName, bigint>(FIELD_ORDER.map((n) => [n, (1n << BigInt(NARROW[n] ?? oxmFieldSize(n) * 8)) - 1n]));

/**
 * smallBig's shared bigints, made on first use. Dense from the start (a hole-filled array of 65 536
 * slots): filled out of order from empty, an array turns into a slow dictionary of elements.
 */
const SMALL: Array<bigint | undefined> = new Array<bigint | undefined>(0x10000).fill(undefined);
/**
 * The bigint of an integer, shared for small non-negative ones (one allocation per distinct value
 * below 65 536: ports, ethertypes, protocol numbers): the hot path reads them from every message.
 */
export function smallBig(n: number): bigint {
  if (n >= 0 && n < 0x10000 && Number.isInteger(n)) return (SMALL[n] ??= BigInt(n));
  return BigInt(n);
}

const EXACT_SMALL: Array<FieldValue | undefined> = new Array<FieldValue | undefined>(0x10000).fill(undefined);
const WIDE_SLOTS = 4096;
const WIDE_N = new Float64Array(WIDE_SLOTS).fill(-1);
const WIDE_F: Array<FieldValue | undefined> = new Array<FieldValue | undefined>(WIDE_SLOTS).fill(undefined);

/**
 * The exact constraint `{ value: n }` of a field read from a frame (an integer, 0 ≤ n < 2^48: every
 * field but metadata, cookies and IPv6 addresses), shared instead of made per field per message:
 * one object per value below 65 536 (ports, ethertypes, protocol numbers, VLANs), and for wider values
 * (MACs, IPv4 addresses) the one last made for the same value in a small direct-mapped cache, so a
 * host's address seen again (a learned destination, a subnet's addresses) takes no bigint and no
 * object. Safe because no match or field constraint is mutated once built.
 */
export function exactValue(n: number): FieldValue {
  if (n < 0x10000) return (EXACT_SMALL[n] ??= { value: smallBig(n) });
  const slot = (n ^ (n / 0x1000000)) & (WIDE_SLOTS - 1);
  if (WIDE_N[slot] === n) return WIDE_F[slot]!;
  const f: FieldValue = { value: BigInt(n) };
  WIDE_N[slot] = n;
  WIDE_F[slot] = f;
  return f;
}

const IN_PORT: Array<FlowMatch | undefined> = [];
/**
 * The match `in_port = p`, one shared object per port number below 65 536 (packet-ins carry it, and
 * flow-mod expansion intersects with it, once per message): never mutate it (no match is, once built).
 */
export function inPortMatch(p: number): FlowMatch {
  if (p >= 0 && p < 0x10000 && Number.isInteger(p)) return (IN_PORT[p] ??= { in_port: exactValue(p) });
  return { in_port: { value: BigInt(p) } };
}

export function fullMask(name: FieldName): bigint {
  return FULL.get(name)!;
}

/** Effective mask: an absent mask is the full field. */
export function maskOf(name: FieldName, fv: FieldValue): bigint {
  return fv.mask ?? FULL.get(name)!;
}

/** Normalises: drops full masks, clears value bits outside the mask, drops all-zero masks (wildcard). */
export function normField(name: FieldName, fv: FieldValue): FieldValue | null {
  const full = FULL.get(name)!;
  // Exact values come from fixed-width wire fields or the plan: kept as they are (no bigint work).
  if (fv.mask === undefined) return fv;
  const mask = fv.mask & full;
  if (mask === 0n) return null;
  const value = fv.value & mask;
  return mask === full ? { value } : { value, mask };
}

/** Intersection of two constraints on one field; null when no value satisfies both. */
export function intersectField(name: FieldName, a: FieldValue, b: FieldValue): FieldValue | null {
  if (a.mask === undefined && b.mask === undefined) return a.value === b.value ? a : null;
  const ma = maskOf(name, a),
    mb = maskOf(name, b);
  const common = ma & mb;
  if ((a.value & common) !== (b.value & common)) return null;
  return normField(name, { value: (a.value & ma) | (b.value & mb), mask: ma | mb }) ?? { value: 0n, mask: 0n };
}

/** Intersection of two matches; null when empty. Visits only the fields the two constrain. */
export function intersectMatches(a: FlowMatch, b: FlowMatch): FlowMatch | null {
  const out: FlowMatch = {};
  for (const k in a) {
    const name = k as FieldName;
    const x = a[name]!,
      y = b[name];
    if (y) {
      const r = intersectField(name, x, y);
      if (!r) return null;
      if (r.mask !== 0n) out[name] = r;
    } else {
      const n = normField(name, x);
      if (n) out[name] = n;
    }
  }
  for (const k in b) {
    const name = k as FieldName;
    if (a[name]) continue;
    const n = normField(name, b[name]!);
    if (n) out[name] = n;
  }
  return out;
}

/**
 * Whether two matches have no packet in common: exactly when intersectMatches(a, b) is null, without
 * building the intersection. Visits only `b`'s fields (give the smaller match as `b`).
 */
export function matchesDisjoint(a: FlowMatch, b: FlowMatch): boolean {
  for (const k in b) {
    const name = k as FieldName;
    const y = b[name],
      x = a[name];
    if (!x || !y) continue;
    if (x.mask === undefined && y.mask === undefined) {
      if (x.value !== y.value) return true;
      continue;
    }
    const common = maskOf(name, x) & maskOf(name, y);
    if ((x.value & common) !== (y.value & common)) return true;
  }
  return false;
}

/** True when every packet matching `inner` also matches `outer`. */
export function matchSubsumes(outer: FlowMatch, inner: FlowMatch): boolean {
  // Only the outer match's fields (usually a few) are visited; order does not matter.
  for (const k in outer) {
    const name = k as FieldName;
    const o = outer[name];
    if (!o) continue;
    const i = inner[name];
    if (!i) return false;
    // Both exact and equal (the usual case): no bigint arithmetic.
    if (o.mask === undefined && i.mask === undefined && o.value === i.value) continue;
    const mo = maskOf(name, o),
      mi = maskOf(name, i);
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

export function prefixMask(bits: number, len: number): bigint {
  if (len <= 0) return 0n;
  return ((1n << BigInt(len)) - 1n) << BigInt(bits - len);
}

// ---- bigint ⇄ text values (the grammar's address parsers and printers; one implementation) ----

function must<T>(v: T | undefined, what: string, text: string): T {
  if (v === undefined) throw new RangeError(`not a valid ${what}: '${text}'`);
  return v;
}

export function macToBigint(mac: string): bigint {
  return BigInt(must(parseMac(mac), 'MAC address', mac));
}

function inRange(v: bigint, bits: number, what: string): bigint {
  if (v < 0n || v >> BigInt(bits)) throw new RangeError(`${v} is not a ${what} (${bits} bits)`);
  return v;
}

export function bigintToMac(v: bigint): string {
  return formatMac(Number(inRange(v, 48, 'MAC address')));
}

/** A codec MAC value (binary, or text from a builder) as a bigint. */
export const macValue = (v: bigint | string): bigint => (typeof v === 'bigint' ? v : macToBigint(v));
/** A codec IPv4 value (binary, or text from a builder) as a bigint. */
export const ipv4Value = (v: number | string): bigint => (typeof v === 'number' ? BigInt(v) : ipv4ToBigint(v));
/** A neutral MAC value in the codec's binary form (RangeError beyond 48 bits). */
export const macBinary = (v: bigint): bigint => inRange(v, 48, 'MAC address');
/** A neutral IPv4 value in the codec's binary form (RangeError beyond 32 bits). */
export const ipv4Binary = (v: bigint): number => Number(inRange(v, 32, 'IPv4 address'));

export function ipv4ToNumber(ip: string): number {
  return must(parseIpv4(ip), 'IPv4 address', ip);
}

export function ipv4ToBigint(ip: string): bigint {
  return BigInt(ipv4ToNumber(ip));
}

export function bigintToIpv4(v: bigint): string {
  return formatIpv4(Number(inRange(v, 32, 'IPv4 address')));
}

export function ipv6ToBigint(ip: string): bigint {
  return must(parseIpv6(ip), 'IPv6 address', ip);
}

export function bigintToIpv6(v: bigint): string {
  return formatIpv6(inRange(v, 128, 'IPv6 address'));
}

type Kind = 'num' | 'u64' | 'mac' | 'ipv4' | 'ipv6';
const MAC_FIELDS = new Set(['eth_dst', 'eth_src', 'arp_sha', 'arp_tha', 'ipv6_nd_sll', 'ipv6_nd_tll']);
const IPV4_FIELDS = new Set(['ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa']);
const IPV6_FIELDS = new Set(['ipv6_src', 'ipv6_dst', 'ipv6_nd_target']);
const KIND = new Map<FieldName, Kind>(
  FIELD_ORDER.map((n) => [
    n,
    MAC_FIELDS.has(n) ? 'mac' : IPV4_FIELDS.has(n) ? 'ipv4' : IPV6_FIELDS.has(n) ? 'ipv6' : n === 'metadata' ? 'u64' : 'num',
  ]),
);

/** Position of each field in FIELD_ORDER (OXM order). */
export const FIELD_INDEX: Readonly<Record<string, number | undefined>> = Object.assign(
  Object.create(null) as Record<string, number>,
  Object.fromEntries(FIELD_ORDER.map((n, i) => [n, i])),
);

/** The fields a match constrains, in OXM order (matches are usually built in order: sorted only when not). */
export function presentFields(m: FlowMatch): FieldName[] {
  const names: FieldName[] = [];
  let sorted = true,
    last = -1;
  for (const k in m) {
    const i = FIELD_INDEX[k];
    if (i === undefined || !m[k as FieldName]) continue;
    if (i < last) sorted = false;
    last = i;
    names.push(k as FieldName);
  }
  if (!sorted) names.sort((a, b) => FIELD_INDEX[a]! - FIELD_INDEX[b]!);
  return names;
}

/** A codec OXM value as a bigint. */
export function oxmToBigint(name: FieldName, v: OxmValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  switch (KIND.get(name)) {
    case 'mac':
      return macToBigint(v);
    case 'ipv4':
      return ipv4ToBigint(v);
    case 'ipv6':
      return ipv6ToBigint(v);
    default:
      return BigInt(v);
  }
}

/** A bigint as the codec's OXM value for that field. */
export function bigintToOxm(name: FieldName, v: bigint): OxmValue {
  switch (KIND.get(name)) {
    case 'mac':
      return inRange(v, 48, 'MAC address');
    case 'ipv4':
      return Number(inRange(v, 32, 'IPv4 address'));
    case 'ipv6':
      return inRange(v, 128, 'IPv6 address');
    case 'u64':
      return v;
    default:
      return Number(v);
  }
}
