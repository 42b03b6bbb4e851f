// The header fields the classifier knows, their slots in a packet's value vector, and
// the number forms of addresses it needs (MAC, IPv4, IPv6 words, masked prefixes). Parsers
// return undefined on malformed text and never throw.
import {
  formatIpv4,
  formatIpv6Bytes,
  formatMac,
  parseIpv4,
  parseIpv4Prefix as parseIpv4PrefixText,
  parseIpv6Into,
  parseIpv6Prefix as parseIpv6PrefixText,
  parseMac,
  type Match,
} from '@dfvisor/grammar';

export type FieldKind = 'exact' | 'prefix32' | 'prefix128' | 'port';

export interface FieldInfo {
  key: keyof Match;
  kind: FieldKind;
  /** First slot of the field in a value vector (IPv6 takes 4 slots of 32 bits). */
  slot: number;
  /** Largest value for exact and port fields. */
  max: number;
}

/** Fixed field order; the index is the field id and its presence bit is 1 << id. */
export const FIELDS: readonly FieldInfo[] = [
  { key: 'eth_src', kind: 'exact', slot: 0, max: 2 ** 48 - 1 },
  { key: 'eth_dst', kind: 'exact', slot: 1, max: 2 ** 48 - 1 },
  { key: 'eth_type', kind: 'exact', slot: 2, max: 0xffff },
  { key: 'vlan_vid', kind: 'exact', slot: 3, max: 0x1fff },
  { key: 'vlan_pcp', kind: 'exact', slot: 4, max: 7 },
  { key: 'ip_proto', kind: 'exact', slot: 5, max: 255 },
  { key: 'ip_dscp', kind: 'exact', slot: 6, max: 63 },
  { key: 'ipv4_src', kind: 'prefix32', slot: 7, max: 0 },
  { key: 'ipv4_dst', kind: 'prefix32', slot: 8, max: 0 },
  { key: 'ipv6_src', kind: 'prefix128', slot: 9, max: 0 },
  { key: 'ipv6_dst', kind: 'prefix128', slot: 13, max: 0 },
  { key: 'tcp_src', kind: 'port', slot: 17, max: 0xffff },
  { key: 'tcp_dst', kind: 'port', slot: 18, max: 0xffff },
  { key: 'udp_src', kind: 'port', slot: 19, max: 0xffff },
  { key: 'udp_dst', kind: 'port', slot: 20, max: 0xffff },
];

export const SLOT_COUNT = 21;

export const FIELD_ID: Readonly<Record<keyof Match, number>> = Object.fromEntries(FIELDS.map((f, i) => [f.key, i])) as Record<
  keyof Match,
  number
>;

export const ETH_TYPE_IPV4 = 0x0800;
export const ETH_TYPE_IPV6 = 0x86dd;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;

// ---------------------------------------------------------------- addresses
// Text parsing and printing are the grammar's (one implementation in the project); this module
// adds the classifier's number forms: IPv6 as four 32-bit words, masks, masked prefixes.

export { formatMac, parseIpv4, formatIpv4, parseMac };

/** Keeps the first `len` bits of a 32-bit value (len 0..32), as an unsigned number. */
export function maskIpv4(v: number, len: number): number {
  if (len <= 0) return 0;
  if (len >= 32) return v >>> 0;
  return ((v >>> (32 - len)) << (32 - len)) >>> 0;
}

export type Words128 = [number, number, number, number];

function bigToWords(v: bigint): Words128 {
  return [Number((v >> 96n) & 0xffffffffn), Number((v >> 64n) & 0xffffffffn), Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
}

/** The 16 bytes of the address being parsed or printed (no allocation per call). */
const ipv6Bytes = new Uint8Array(16);

function word(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** The 16 bytes of an IPv6 address (network order) at b[at..at+16) → 4 words. */
export function ipv6WordsOfBytes(b: Uint8Array, at = 0): Words128 {
  return [word(b, at), word(b, at + 4), word(b, at + 8), word(b, at + 12)];
}

/** An IPv6 address in RFC 4291 text form (with `::` and an optional dotted IPv4 tail) → 4 words. */
export function parseIpv6(text: string): Words128 | undefined {
  return parseIpv6Into(text, ipv6Bytes, 0) ? ipv6WordsOfBytes(ipv6Bytes) : undefined;
}

/** RFC 5952 canonical text: lower case, no leading zeros, the longest zero run (≥2) as `::`. */
export function formatIpv6(w: readonly number[]): string {
  const b = ipv6Bytes;
  for (let k = 0; k < 4; k++) {
    const v = w[k]!;
    b[4 * k] = v >>> 24;
    b[4 * k + 1] = v >>> 16;
    b[4 * k + 2] = v >>> 8;
    b[4 * k + 3] = v;
  }
  return formatIpv6Bytes(b, 0);
}

/** How many bits of word `i` (0..3) a prefix of length `len` covers (0..32). */
export function wordBits(len: number, i: number): number {
  const b = len - 32 * i;
  return b <= 0 ? 0 : b >= 32 ? 32 : b;
}

export function maskIpv6(w: readonly number[], len: number): Words128 {
  return [
    maskIpv4(w[0]!, wordBits(len, 0)),
    maskIpv4(w[1]!, wordBits(len, 1)),
    maskIpv4(w[2]!, wordBits(len, 2)),
    maskIpv4(w[3]!, wordBits(len, 3)),
  ];
}

// ---------------------------------------------------------------- prefixes

export interface ParsedPrefix<T> {
  addr: T;
  len: number;
}

/** `10.1.0.0/16` (or a bare address, /32) → masked address and length. */
export function parseIpv4Prefix(text: string): ParsedPrefix<number> | undefined {
  const p = parseIpv4PrefixText(text);
  return p && { addr: maskIpv4(p.value, p.length), len: p.length };
}

export function parseIpv6Prefix(text: string): ParsedPrefix<Words128> | undefined {
  const p = parseIpv6PrefixText(text);
  return p && { addr: maskIpv6(bigToWords(p.value), p.length), len: p.length };
}
