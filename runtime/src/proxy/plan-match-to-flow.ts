// Plan matches (grammar/src/plan/types.ts Match) → the proxy's OXM-style FlowMatch alternatives.
// Port ranges become a few masked prefixes (a disjunction), so one plan Match may give several.
import type { Match, PortMatch } from '@dfvisor/grammar';
import type { FieldName, FlowMatch } from './messages.js';
import { OFPVID_PRESENT } from '../openflow/constants.js';
import { intersectMatches, ipv4ToBigint, ipv6ToBigint, macToBigint, prefixMask } from './match-algebra.js';

/** Splits an inclusive range [lo, hi] of `bits`-wide values into value/mask prefixes. */
export function rangeToPrefixes(lo: number, hi: number, bits = 16): Array<{ value: bigint; mask: bigint }> {
  const out: Array<{ value: bigint; mask: bigint }> = [];
  const full = (1 << bits) - 1;
  while (lo <= hi) {
    let size = 1;
    while ((lo & (size * 2 - 1)) === 0 && lo + size * 2 - 1 <= hi && size * 2 <= full + 1) size *= 2;
    out.push({ value: BigInt(lo), mask: BigInt(full & ~(size - 1)) });
    lo += size;
  }
  return out;
}

function portAlternatives(name: FieldName, pm: PortMatch): FlowMatch[] {
  if (typeof pm === 'number') return [{ [name]: { value: BigInt(pm) } }];
  return rangeToPrefixes(pm.min, pm.max).map((p) => ({ [name]: p.mask === 0xffffn ? { value: p.value } : p }));
}

function prefix(name: FieldName, cidr: string, bits: number, parse: (s: string) => bigint): FlowMatch {
  const [addr, lenStr] = cidr.split('/');
  const len = lenStr === undefined ? bits : Number(lenStr);
  const mask = prefixMask(bits, len);
  if (len === 0) return {};
  return { [name]: len === bits ? { value: parse(addr) } : { value: parse(addr) & mask, mask } };
}

/** The plan match as a disjunction of FlowMatches (usually one). */
export function planMatchToFlowMatches(m: Match): FlowMatch[] {
  let base: FlowMatch = {};
  if (m.eth_src) base.eth_src = { value: macToBigint(m.eth_src) };
  if (m.eth_dst) base.eth_dst = { value: macToBigint(m.eth_dst) };
  if (m.eth_type !== undefined) base.eth_type = { value: BigInt(m.eth_type) };
  if (m.vlan_vid !== undefined) base.vlan_vid = { value: BigInt(m.vlan_vid | OFPVID_PRESENT) };
  if (m.vlan_pcp !== undefined) base.vlan_pcp = { value: BigInt(m.vlan_pcp) };
  if (m.ip_proto !== undefined) base.ip_proto = { value: BigInt(m.ip_proto) };
  if (m.ip_dscp !== undefined) base.ip_dscp = { value: BigInt(m.ip_dscp) };
  if (m.ipv4_src) base = { ...base, ...prefix('ipv4_src', m.ipv4_src, 32, ipv4ToBigint) };
  if (m.ipv4_dst) base = { ...base, ...prefix('ipv4_dst', m.ipv4_dst, 32, ipv4ToBigint) };
  if (m.ipv6_src) base = { ...base, ...prefix('ipv6_src', m.ipv6_src, 128, ipv6ToBigint) };
  if (m.ipv6_dst) base = { ...base, ...prefix('ipv6_dst', m.ipv6_dst, 128, ipv6ToBigint) };
  let alts: FlowMatch[] = [base];
  for (const name of ['tcp_src', 'tcp_dst', 'udp_src', 'udp_dst'] as const) {
    const pm = m[name];
    if (pm === undefined) continue;
    const next: FlowMatch[] = [];
    for (const a of alts)
      for (const p of portAlternatives(name, pm)) {
        const x = intersectMatches(a, p);
        if (x) next.push(x);
      }
    alts = next;
  }
  return alts;
}
