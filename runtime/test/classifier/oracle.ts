// An independent, deliberately naive model of flowspace semantics for the tests: every field
// is a closed interval of BigInts (exact value, prefix block or port range); a packet matches
// when each field value lies in the interval; two matches intersect when every field's
// intervals overlap. Shares no code with the classifier.
import type { FlowspaceEntry, Match, PortMatch } from '@dfvisor/grammar';
import type { PacketHeaders } from '../../src/classifier/index.js';

type Interval = [bigint, bigint];
const KEYS: Array<keyof Match> = [
  'eth_src',
  'eth_dst',
  'eth_type',
  'vlan_vid',
  'vlan_pcp',
  'ip_proto',
  'ip_dscp',
  'ipv4_src',
  'ipv4_dst',
  'ipv6_src',
  'ipv6_dst',
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
];

export function v4ToBig(s: string): bigint {
  return s.split('.').reduce((acc, x) => acc * 256n + BigInt(Number(x)), 0n);
}

export function v6ToBig(s: string): bigint {
  let groups: string[];
  if (s.includes('::')) {
    const [a, b] = s.split('::');
    const ha = a === '' ? [] : a.split(':');
    const hb = b === '' ? [] : b.split(':');
    groups = [...ha, ...Array(8 - ha.length - hb.length).fill('0'), ...hb];
  } else groups = s.split(':');
  return groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

function macToBig(s: string): bigint {
  return BigInt('0x' + s.split(':').join(''));
}

function prefixInterval(text: string, bits: number, parse: (a: string) => bigint): Interval {
  const [addr, lenText] = text.split('/');
  const len = lenText === undefined ? bits : Number(lenText);
  const size = 1n << BigInt(bits - len);
  const lo = (parse(addr) / size) * size;
  return [lo, lo + size - 1n];
}

export function fieldInterval(key: keyof Match, v: unknown): Interval {
  switch (key) {
    case 'eth_src':
    case 'eth_dst': {
      const x = macToBig(v as string);
      return [x, x];
    }
    case 'ipv4_src':
    case 'ipv4_dst':
      return prefixInterval(v as string, 32, v4ToBig);
    case 'ipv6_src':
    case 'ipv6_dst':
      return prefixInterval(v as string, 128, v6ToBig);
    case 'tcp_src':
    case 'tcp_dst':
    case 'udp_src':
    case 'udp_dst': {
      const p = v as PortMatch;
      return typeof p === 'number' ? [BigInt(p), BigInt(p)] : [BigInt(p.min), BigInt(p.max)];
    }
    default:
      return [BigInt(v as number), BigInt(v as number)];
  }
}

function fullInterval(key: keyof Match): Interval | undefined {
  if (key === 'tcp_src' || key === 'tcp_dst' || key === 'udp_src' || key === 'udp_dst') return [0n, 65535n];
  if (key === 'ipv4_src' || key === 'ipv4_dst') return [0n, (1n << 32n) - 1n];
  if (key === 'ipv6_src' || key === 'ipv6_dst') return [0n, (1n << 128n) - 1n];
  return undefined;
}

function packetValue(key: keyof Match, h: PacketHeaders): bigint | undefined {
  const v = h[key];
  if (v === undefined) return undefined;
  if (key === 'eth_src' || key === 'eth_dst') return macToBig(v as string);
  if (key === 'ipv4_src' || key === 'ipv4_dst') return v4ToBig(v as string);
  if (key === 'ipv6_src' || key === 'ipv6_dst') return v6ToBig(v as string);
  return BigInt(v as number);
}

/** Does a packet at (dpid, inPort) fall in an entry? A /0 prefix or a full port range is a wildcard. */
export function naiveMatches(e: FlowspaceEntry, dpid: string, inPort: number, h: PacketHeaders): boolean {
  if (e.dpid !== dpid || (e.inPort !== null && e.inPort !== inPort)) return false;
  for (const key of KEYS) {
    const mv = e.match[key];
    if (mv === undefined) continue;
    const [lo, hi] = fieldInterval(key, mv);
    const full = fullInterval(key);
    if (full && lo === full[0] && hi === full[1]) continue;
    const pv = packetValue(key, h);
    if (pv === undefined || pv < lo || pv > hi) return false;
  }
  return true;
}

/** Field intervals of a match, /0 prefixes and full port ranges left out (they are wildcards). */
export function matchIntervals(m: Match): Map<keyof Match, Interval> {
  const out = new Map<keyof Match, Interval>();
  for (const key of KEYS) {
    if (m[key] === undefined) continue;
    const iv = fieldInterval(key, m[key]);
    const full = fullInterval(key);
    if (full && iv[0] === full[0] && iv[1] === full[1]) continue;
    out.set(key, iv);
  }
  return out;
}

/** The intersection of two matches as intervals, or null when some field is disjoint. */
export function naiveIntersect(a: Match, b: Match): Map<keyof Match, Interval> | null {
  const ia = matchIntervals(a);
  const ib = matchIntervals(b);
  const out = new Map<keyof Match, Interval>();
  for (const key of KEYS) {
    const x = ia.get(key);
    const y = ib.get(key);
    if (!x && !y) continue;
    if (!x || !y) {
      out.set(key, (x ?? y)!);
      continue;
    }
    const lo = x[0] > y[0] ? x[0] : y[0];
    const hi = x[1] < y[1] ? x[1] : y[1];
    if (lo > hi) return null;
    out.set(key, [lo, hi]);
  }
  return out;
}

export function byPriorityThenId(a: FlowspaceEntry, b: FlowspaceEntry): number {
  return b.priority - a.priority || a.id - b.id;
}
