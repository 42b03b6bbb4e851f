// The match fields of the header space, in one fixed order, with their widths and
// the protocol prerequisites they imply (OpenFlow 1.3 OXM prerequisites).
import type { Match } from '../plan/types.js';

export type FieldKind = 'int' | 'mac' | 'ipv4' | 'ipv6' | 'port';

export interface FieldSpec {
  /** The plan's (OXM-style) field name. */
  key: keyof Match;
  /** The name in the slice language. */
  langName: string;
  kind: FieldKind;
  bits: number;
}

export const FIELDS: readonly FieldSpec[] = [
  { key: 'eth_src', langName: 'eth_src', kind: 'mac', bits: 48 },
  { key: 'eth_dst', langName: 'eth_dst', kind: 'mac', bits: 48 },
  { key: 'eth_type', langName: 'eth_type', kind: 'int', bits: 16 },
  { key: 'vlan_vid', langName: 'vlan_vid', kind: 'int', bits: 12 },
  { key: 'vlan_pcp', langName: 'vlan_pcp', kind: 'int', bits: 3 },
  { key: 'ip_proto', langName: 'ip_proto', kind: 'int', bits: 8 },
  { key: 'ip_dscp', langName: 'ip_dscp', kind: 'int', bits: 6 },
  { key: 'ipv4_src', langName: 'ip_src', kind: 'ipv4', bits: 32 },
  { key: 'ipv4_dst', langName: 'ip_dst', kind: 'ipv4', bits: 32 },
  { key: 'ipv6_src', langName: 'ipv6_src', kind: 'ipv6', bits: 128 },
  { key: 'ipv6_dst', langName: 'ipv6_dst', kind: 'ipv6', bits: 128 },
  { key: 'tcp_src', langName: 'tcp_src', kind: 'port', bits: 16 },
  { key: 'tcp_dst', langName: 'tcp_dst', kind: 'port', bits: 16 },
  { key: 'udp_src', langName: 'udp_src', kind: 'port', bits: 16 },
  { key: 'udp_dst', langName: 'udp_dst', kind: 'port', bits: 16 },
];

export const FIELD_INDEX: Readonly<Record<keyof Match, number>> = Object.fromEntries(FIELDS.map((f, i) => [f.key, i])) as Record<
  keyof Match,
  number
>;

export const ETH_TYPE = { ipv4: 0x0800, arp: 0x0806, ipv6: 0x86dd, lldp: 0x88cc, vlan: 0x8100, mpls: 0x8847 } as const;
export const IP_PROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

export function ethTypeName(v: number): string | undefined {
  for (const [k, n] of Object.entries(ETH_TYPE)) if (n === v) return k;
  return undefined;
}

export function ipProtoName(v: number): string | undefined {
  for (const [k, n] of Object.entries(IP_PROTO)) if (n === v) return k;
  return undefined;
}

/** The largest value of a field (its all-ones value). */
export function fieldMax(f: FieldSpec): number | bigint {
  return f.kind === 'ipv6' ? (1n << 128n) - 1n : 2 ** f.bits - 1;
}
