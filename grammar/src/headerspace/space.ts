// The header space of a match: one inclusive interval per field (FIELDS order), a
// wildcard being the field's whole range. Protocol prerequisites are always applied
// (tcp_dst ⇒ ip_proto 6 ⇒ eth_type 0x0800; ipv6 fields ⇒ eth_type 0x86dd), so two
// boxes intersect exactly when some packet matches both matches.
import type { Match, PortMatch } from '../plan/types.js';
import {
  canonicalIpv4Prefix,
  canonicalIpv6Prefix,
  formatIpv4,
  formatIpv6,
  formatMac,
  parseIpv4,
  parseIpv4Prefix,
  parseIpv6,
  parseIpv6Prefix,
  parseMac,
  ipv4PrefixRange,
  ipv6PrefixRange,
} from './addresses.js';
import { ETH_TYPE, FIELDS, FIELD_INDEX, IP_PROTO, ethTypeName, fieldMax, ipProtoName, type FieldSpec } from './fields.js';

export type Bound = number | bigint;

/** A box in header space: lo[i]..hi[i] for field FIELDS[i]. */
export interface HeaderBox {
  lo: Bound[];
  hi: Bound[];
}

/** A concrete packet: the header fields it has (MAC/IP as text, the rest as numbers). */
export type Packet = Partial<Record<keyof Match, number | string>>;

const FULL_LO: Bound[] = FIELDS.map((f) => (f.kind === 'ipv6' ? 0n : 0));
const FULL_HI: Bound[] = FIELDS.map((f) => fieldMax(f));

const I = FIELD_INDEX;

/** The whole header space (matches every packet). */
export function fullBox(): HeaderBox {
  return { lo: FULL_LO.slice(), hi: FULL_HI.slice() };
}

export function isWildcard(box: HeaderBox, i: number): boolean {
  return box.lo[i] === FULL_LO[i] && box.hi[i] === FULL_HI[i];
}

function restrict(box: HeaderBox, i: number, lo: Bound, hi: Bound): boolean {
  if (lo > box.lo[i]) box.lo[i] = lo;
  if (hi < box.hi[i]) box.hi[i] = hi;
  return box.lo[i] <= box.hi[i];
}

function portBounds(p: PortMatch): [number, number] {
  return typeof p === 'number' ? [p, p] : [p.min, p.max];
}

/** The address interval of an IPv4 or IPv6 prefix text; undefined when malformed. */
function prefixBounds(kind: 'ipv4' | 'ipv6', text: string): [Bound, Bound] | undefined {
  if (kind === 'ipv4') {
    const p = parseIpv4Prefix(text);
    return p && ipv4PrefixRange(p);
  }
  const p = parseIpv6Prefix(text);
  return p && ipv6PrefixRange(p);
}

/**
 * The box of a match with its prerequisites applied; null when the match is
 * contradictory (matches no packet) or a value is malformed.
 */
export function toBox(m: Match): HeaderBox | null {
  const box = fullBox();
  for (const f of FIELDS) {
    const v = m[f.key];
    if (v === undefined) continue;
    const i = I[f.key];
    let ok: boolean;
    switch (f.kind) {
      case 'int':
        ok = typeof v === 'number' && restrict(box, i, v, v);
        break;
      case 'port': {
        const [a, b] = portBounds(v as PortMatch);
        ok = restrict(box, i, a, b);
        break;
      }
      case 'mac': {
        const n = parseMac(String(v));
        ok = n !== undefined && restrict(box, i, n, n);
        break;
      }
      case 'ipv4':
      case 'ipv6': {
        const bounds = prefixBounds(f.kind, String(v));
        ok = bounds !== undefined && restrict(box, i, bounds[0], bounds[1]);
        break;
      }
    }
    if (!ok) return null;
  }
  return applyPrerequisites(box, m) ? box : null;
}

function applyPrerequisites(box: HeaderBox, m: Match): boolean {
  const tcp = m.tcp_src !== undefined || m.tcp_dst !== undefined;
  const udp = m.udp_src !== undefined || m.udp_dst !== undefined;
  if (tcp && !restrict(box, I.ip_proto, IP_PROTO.tcp, IP_PROTO.tcp)) return false;
  if (udp && !restrict(box, I.ip_proto, IP_PROTO.udp, IP_PROTO.udp)) return false;
  const v4 = m.ipv4_src !== undefined || m.ipv4_dst !== undefined;
  const v6 = m.ipv6_src !== undefined || m.ipv6_dst !== undefined;
  if (v4 && v6) return false;
  if (v4 && !restrict(box, I.eth_type, ETH_TYPE.ipv4, ETH_TYPE.ipv4)) return false;
  if (v6 && !restrict(box, I.eth_type, ETH_TYPE.ipv6, ETH_TYPE.ipv6)) return false;
  const ipLayer = tcp || udp || m.ip_proto !== undefined || m.ip_dscp !== undefined;
  if (ipLayer && !v4 && !v6) {
    // An IP-layer field needs eth_type IPv4 or IPv6; IPv4 unless IPv6 was asked for.
    if (m.eth_type === ETH_TYPE.ipv6) return true;
    if (!restrict(box, I.eth_type, ETH_TYPE.ipv4, ETH_TYPE.ipv4)) return false;
  }
  return true;
}

/** The intersection of two boxes, or null when they are disjoint. */
export function intersectBoxes(a: HeaderBox, b: HeaderBox): HeaderBox | null {
  const lo: Bound[] = new Array(a.lo.length);
  const hi: Bound[] = new Array(a.lo.length);
  for (let i = 0; i < a.lo.length; i++) {
    // biome-ignore lint/complexity/useMathMinMax: bounds may be bigint, which Math.max does not take
    const l = a.lo[i] > b.lo[i] ? a.lo[i] : b.lo[i];
    // biome-ignore lint/complexity/useMathMinMax: as above
    const h = a.hi[i] < b.hi[i] ? a.hi[i] : b.hi[i];
    if (l > h) return null;
    lo[i] = l;
    hi[i] = h;
  }
  return { lo, hi };
}

/** True when the boxes share a packet (no allocation). */
export function boxesOverlap(a: HeaderBox, b: HeaderBox): boolean {
  for (let i = 0; i < a.lo.length; i++) {
    if (a.lo[i] > b.hi[i] || b.lo[i] > a.hi[i]) return false;
  }
  return true;
}

/** True when every packet in `inner` is in `outer`. */
export function boxCovers(outer: HeaderBox, inner: HeaderBox): boolean {
  for (let i = 0; i < outer.lo.length; i++) {
    if (inner.lo[i] < outer.lo[i] || inner.hi[i] > outer.hi[i]) return false;
  }
  return true;
}

function prefixLength(lo: bigint, hi: bigint, bits: number): number {
  let size = hi - lo + 1n;
  let len = bits;
  while (size > 1n) {
    size >>= 1n;
    len--;
  }
  return len;
}

/** Calls `visit` with every field the box constrains (not a wildcard), in FIELDS order. */
function eachConstrained(box: HeaderBox, visit: (f: FieldSpec, lo: Bound, hi: Bound) => void): void {
  for (let i = 0; i < FIELDS.length; i++) if (!isWildcard(box, i)) visit(FIELDS[i], box.lo[i], box.hi[i]);
}

/** A box back to an OXM-style match (wildcard fields omitted; prerequisites included). */
export function fromBox(box: HeaderBox): Match {
  const m: Match = {};
  const out = m as Record<string, unknown>;
  eachConstrained(box, (f, lo, hi) => {
    switch (f.kind) {
      case 'int':
        out[f.key] = Number(lo);
        break;
      case 'mac':
        out[f.key] = formatMac(Number(lo));
        break;
      case 'port':
        out[f.key] = lo === hi ? Number(lo) : { min: Number(lo), max: Number(hi) };
        break;
      case 'ipv4':
        out[f.key] = canonicalIpv4Prefix({ value: Number(lo), length: prefixLength(BigInt(lo), BigInt(hi), 32) });
        break;
      case 'ipv6':
        out[f.key] = canonicalIpv6Prefix({ value: lo as bigint, length: prefixLength(lo as bigint, hi as bigint, 128) });
        break;
    }
  });
  return m;
}

/** The match with its implied prerequisites filled in; null when it matches nothing. */
export function withPrerequisites(m: Match): Match | null {
  const b = toBox(m);
  return b ? fromBox(b) : null;
}

/** The packets matched by both `a` and `b` as one match, or null when none is. */
export function intersectMatch(a: Match, b: Match): Match | null {
  const ba = toBox(a);
  const bb = toBox(b);
  if (!ba || !bb) return null;
  const x = intersectBoxes(ba, bb);
  return x ? fromBox(x) : null;
}

/** True when every packet matched by `b` is matched by `a`. */
export function matchCovers(a: Match, b: Match): boolean {
  const bb = toBox(b);
  if (!bb) return true;
  const ba = toBox(a);
  return ba !== null && boxCovers(ba, bb);
}

/** A concrete packet in a box: the fields the box constrains, each with one value. */
export function witnessInBox(box: HeaderBox): Packet {
  const p: Packet = {};
  eachConstrained(box, (f, lo, hi) => {
    switch (f.kind) {
      case 'int':
      case 'port':
        p[f.key] = Number(lo);
        break;
      case 'mac':
        p[f.key] = formatMac(Number(lo));
        break;
      // Prefer a host address over the network address when there is one.
      case 'ipv4':
        p[f.key] = formatIpv4(Number(hi) - Number(lo) >= 2 ? Number(lo) + 1 : Number(lo));
        break;
      case 'ipv6':
        p[f.key] = formatIpv6((hi as bigint) - (lo as bigint) >= 2n ? (lo as bigint) + 1n : (lo as bigint));
        break;
    }
  });
  return p;
}

/** A packet that the match matches, or null when it matches nothing. */
export function witnessPacket(m: Match): Packet | null {
  const b = toBox(m);
  return b ? witnessInBox(b) : null;
}

function packetValue(f: (typeof FIELDS)[number], v: number | string): Bound | undefined {
  switch (f.kind) {
    case 'int':
    case 'port':
      return typeof v === 'number' ? v : undefined;
    case 'mac':
      return parseMac(String(v));
    case 'ipv4':
      return parseIpv4(String(v));
    case 'ipv6':
      return parseIpv6(String(v));
  }
}

/** True when the packet has every field the box constrains, each inside its interval. */
export function packetInBox(box: HeaderBox, pkt: Packet): boolean {
  for (let i = 0; i < FIELDS.length; i++) {
    if (isWildcard(box, i)) continue;
    const raw = pkt[FIELDS[i].key];
    if (raw === undefined) return false;
    const v = packetValue(FIELDS[i], raw);
    if (v === undefined || v < box.lo[i] || v > box.hi[i]) return false;
  }
  return true;
}

export function packetMatches(m: Match, pkt: Packet): boolean {
  const b = toBox(m);
  return b !== null && packetInBox(b, pkt);
}

/** `eth_type=ipv4 ip_proto=tcp ip_src=10.1.0.1 tcp_dst=80`, in the language's field names. */
export function formatPacket(pkt: Packet): string {
  const parts: string[] = [];
  for (const f of FIELDS) {
    const v = pkt[f.key];
    if (v === undefined) continue;
    let text = String(v);
    if (f.key === 'eth_type' && typeof v === 'number') text = ethTypeName(v) ?? `0x${v.toString(16).padStart(4, '0')}`;
    if (f.key === 'ip_proto' && typeof v === 'number') text = ipProtoName(v) ?? String(v);
    parts.push(`${f.langName}=${text}`);
  }
  return parts.length ? parts.join(' ') : 'any packet';
}
