// The header fields the classifier knows, their slots in a packet's value vector, and
// the text <-> number conversions it needs (MAC, IPv4, IPv6). Parsers return undefined on
// malformed text and never throw.
import type { Match } from '@dfvisor/grammar';

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

export const FIELD_ID: Readonly<Record<keyof Match, number>> = Object.fromEntries(
  FIELDS.map((f, i) => [f.key, i]),
) as Record<keyof Match, number>;

export const ETH_TYPE_IPV4 = 0x0800;
export const ETH_TYPE_IPV6 = 0x86dd;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;

// ---------------------------------------------------------------- MAC

const MAC = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/;

/** `aa:bb:cc:dd:ee:ff` → 48-bit number. */
export function parseMac(text: string): number | undefined {
  if (!MAC.test(text)) return undefined;
  return parseInt(text.replace(/[:-]/g, ''), 16);
}

export function formatMac(v: number): string {
  const hex = v.toString(16).padStart(12, '0');
  return hex.match(/../g)!.join(':');
}

// ---------------------------------------------------------------- IPv4

/** `10.1.2.3` → unsigned 32-bit number. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Keeps the first `len` bits of a 32-bit value (len 0..32), as an unsigned number. */
export function maskIpv4(v: number, len: number): number {
  if (len <= 0) return 0;
  if (len >= 32) return v >>> 0;
  return ((v >>> (32 - len)) << (32 - len)) >>> 0;
}

// ---------------------------------------------------------------- IPv6 (four 32-bit words)

export type Words128 = [number, number, number, number];

/** An IPv6 address in RFC 4291 text form (with `::` and an optional dotted IPv4 tail) → 4 words. */
export function parseIpv6(text: string): Words128 | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    // Dotted IPv4 tail: rewrite it as two hex groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const dbl = body.indexOf('::');
  if (dbl >= 0 && body.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(body.slice(0, dbl));
    const rest = parseGroups(body.slice(dbl + 2));
    if (!head || !rest) return undefined;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    const all = parseGroups(body);
    if (!all) return undefined;
    groups = all;
  }
  if (groups.length !== 8) return undefined;
  const w: Words128 = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) w[i] = ((groups[2 * i] << 16) | groups[2 * i + 1]) >>> 0;
  return w;
}

/** RFC 5952 canonical text: lower case, no leading zeros, the longest zero run (≥2) as `::`. */
export function formatIpv6(w: Words128): string {
  const g: number[] = [];
  for (const x of w) g.push(x >>> 16, x & 0xffff);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** How many bits of word `i` (0..3) a prefix of length `len` covers (0..32). */
export function wordBits(len: number, i: number): number {
  const b = len - 32 * i;
  return b <= 0 ? 0 : b >= 32 ? 32 : b;
}

export function maskIpv6(w: readonly number[], len: number): Words128 {
  return [maskIpv4(w[0], wordBits(len, 0)), maskIpv4(w[1], wordBits(len, 1)),
    maskIpv4(w[2], wordBits(len, 2)), maskIpv4(w[3], wordBits(len, 3))];
}

// ---------------------------------------------------------------- prefixes

export interface ParsedPrefix<T> { addr: T; len: number }

function splitPrefix(text: string, maxLen: number): { addr: string; len: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return { addr: text, len: maxLen };
  const l = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(l) || Number(l) > maxLen) return undefined;
  return { addr: text.slice(0, slash), len: Number(l) };
}

/** `10.1.0.0/16` (or a bare address, /32) → masked address and length. */
export function parseIpv4Prefix(text: string): ParsedPrefix<number> | undefined {
  const s = splitPrefix(text, 32);
  const a = s && parseIpv4(s.addr);
  if (!s || a === undefined) return undefined;
  return { addr: maskIpv4(a, s.len), len: s.len };
}

export function parseIpv6Prefix(text: string): ParsedPrefix<Words128> | undefined {
  const s = splitPrefix(text, 128);
  const a = s && parseIpv6(s.addr);
  if (!s || a === undefined) return undefined;
  return { addr: maskIpv6(a, s.len), len: s.len };
}
