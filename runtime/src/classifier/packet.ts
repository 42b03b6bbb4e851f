// Concrete packet headers (what a packet-in carries) and their normal form: a value vector
// indexed by slot plus presence bits, computed once per packet.
import { FIELD_ID, FIELDS, SLOT_COUNT, ipv6WordsOfBytes, parseIpv4, parseIpv6, parseMac, type Words128 } from './fields.js';

/**
 * Concrete header fields of one packet; an absent field is one the packet does not carry
 * (no VLAN tag, not TCP…). Addresses may be given as text or as numbers (MAC: 48-bit number,
 * IPv4: unsigned 32-bit number, IPv6: four 32-bit words or 16 bytes).
 */
export interface PacketHeaders {
  eth_src?: string | number;
  eth_dst?: string | number;
  eth_type?: number;
  vlan_vid?: number;
  vlan_pcp?: number;
  ip_proto?: number;
  ip_dscp?: number;
  ipv4_src?: string | number;
  ipv4_dst?: string | number;
  ipv6_src?: string | readonly number[] | Uint8Array;
  ipv6_dst?: string | readonly number[] | Uint8Array;
  tcp_src?: number;
  tcp_dst?: number;
  udp_src?: number;
  udp_dst?: number;
}

export interface NormalizedPacket {
  /** SLOT_COUNT numbers; absent fields hold -1. */
  values: number[];
  /** Presence bits, 1 << field id. */
  present: number;
}

/**
 * Normal form of packet headers. A field whose value is malformed (bad text, out of range)
 * is treated as absent, so it matches only rules that wildcard it; this never throws.
 */
export function normalizePacket(h: PacketHeaders): NormalizedPacket {
  const values = new Array<number>(SLOT_COUNT).fill(-1);
  return { values, present: normalizeInto(h, values) };
}

const F = FIELD_ID;
const S = (key: keyof typeof FIELD_ID): number => FIELDS[FIELD_ID[key]]!.slot;
const M = (key: keyof typeof FIELD_ID): number => FIELDS[FIELD_ID[key]]!.max;
const MAX = {
  mac: M('eth_src'),
  eth_type: M('eth_type'),
  vlan_vid: M('vlan_vid'),
  vlan_pcp: M('vlan_pcp'),
  ip_proto: M('ip_proto'),
  ip_dscp: M('ip_dscp'),
  port: M('tcp_src'),
};
const SLOT = {
  eth_src: S('eth_src'),
  eth_dst: S('eth_dst'),
  eth_type: S('eth_type'),
  vlan_vid: S('vlan_vid'),
  vlan_pcp: S('vlan_pcp'),
  ip_proto: S('ip_proto'),
  ip_dscp: S('ip_dscp'),
  ipv4_src: S('ipv4_src'),
  ipv4_dst: S('ipv4_dst'),
  ipv6_src: S('ipv6_src'),
  ipv6_dst: S('ipv6_dst'),
  tcp_src: S('tcp_src'),
  tcp_dst: S('tcp_dst'),
  udp_src: S('udp_src'),
  udp_dst: S('udp_dst'),
};

/** An integer in 0..max written at `slot`: its presence bit, or 0 (malformed or absent). */
function scalar(values: number[], slot: number, raw: unknown, max: number, bit: number): number {
  if (typeof raw !== 'number' || !(raw >= 0 && raw <= max) || Math.floor(raw) !== raw) return 0;
  values[slot] = raw;
  return bit;
}

function mac(values: number[], slot: number, raw: string | number | undefined, bit: number): number {
  return scalar(values, slot, typeof raw === 'string' ? parseMac(raw) : raw, MAX.mac, bit);
}

function ipv4(values: number[], slot: number, raw: string | number | undefined, bit: number): number {
  return scalar(values, slot, typeof raw === 'string' ? parseIpv4(raw) : raw, 0xffffffff, bit);
}

function ipv6(values: number[], slot: number, raw: string | readonly number[] | Uint8Array | undefined, bit: number): number {
  if (raw === undefined || raw === null) return 0;
  const w = ipv6Words(raw);
  if (!w) return 0;
  values[slot] = w[0];
  values[slot + 1] = w[1];
  values[slot + 2] = w[2];
  values[slot + 3] = w[3];
  return bit;
}

/**
 * `normalizePacket` into a caller's vector of SLOT_COUNT numbers (overwritten); returns the
 * presence bits. Reads each field by name exactly once, into a local (no loop over a field
 * table): headers come in several shapes, so each read is a megamorphic load that the compiler
 * cannot merge with a second one, and a field tested and then passed on would cost two.
 */
export function normalizeInto(h: PacketHeaders, values: number[]): number {
  for (let i = 0; i < SLOT_COUNT; i++) values[i] = -1;
  let present = 0;
  const {
    eth_src,
    eth_dst,
    eth_type,
    vlan_vid,
    vlan_pcp,
    ip_proto,
    ip_dscp,
    ipv4_src,
    ipv4_dst,
    ipv6_src,
    ipv6_dst,
    tcp_src,
    tcp_dst,
    udp_src,
    udp_dst,
  } = h;
  if (eth_src !== undefined) present |= mac(values, SLOT.eth_src, eth_src, 1 << F.eth_src);
  if (eth_dst !== undefined) present |= mac(values, SLOT.eth_dst, eth_dst, 1 << F.eth_dst);
  if (eth_type !== undefined) present |= scalar(values, SLOT.eth_type, eth_type, MAX.eth_type, 1 << F.eth_type);
  if (vlan_vid !== undefined) present |= scalar(values, SLOT.vlan_vid, vlan_vid, MAX.vlan_vid, 1 << F.vlan_vid);
  if (vlan_pcp !== undefined) present |= scalar(values, SLOT.vlan_pcp, vlan_pcp, MAX.vlan_pcp, 1 << F.vlan_pcp);
  if (ip_proto !== undefined) present |= scalar(values, SLOT.ip_proto, ip_proto, MAX.ip_proto, 1 << F.ip_proto);
  if (ip_dscp !== undefined) present |= scalar(values, SLOT.ip_dscp, ip_dscp, MAX.ip_dscp, 1 << F.ip_dscp);
  if (ipv4_src !== undefined) present |= ipv4(values, SLOT.ipv4_src, ipv4_src, 1 << F.ipv4_src);
  if (ipv4_dst !== undefined) present |= ipv4(values, SLOT.ipv4_dst, ipv4_dst, 1 << F.ipv4_dst);
  if (ipv6_src !== undefined) present |= ipv6(values, SLOT.ipv6_src, ipv6_src, 1 << F.ipv6_src);
  if (ipv6_dst !== undefined) present |= ipv6(values, SLOT.ipv6_dst, ipv6_dst, 1 << F.ipv6_dst);
  if (tcp_src !== undefined) present |= scalar(values, SLOT.tcp_src, tcp_src, MAX.port, 1 << F.tcp_src);
  if (tcp_dst !== undefined) present |= scalar(values, SLOT.tcp_dst, tcp_dst, MAX.port, 1 << F.tcp_dst);
  if (udp_src !== undefined) present |= scalar(values, SLOT.udp_src, udp_src, MAX.port, 1 << F.udp_src);
  if (udp_dst !== undefined) present |= scalar(values, SLOT.udp_dst, udp_dst, MAX.port, 1 << F.udp_dst);
  return present;
}

const isWord = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

/** The address as four words; given as four words, the caller's own array (read at once, never kept: nothing allocated). */
function ipv6Words(raw: string | readonly number[] | Uint8Array): Readonly<Words128> | undefined {
  if (typeof raw === 'string') return parseIpv6(raw);
  if (raw instanceof Uint8Array) return raw.length === 16 ? ipv6WordsOfBytes(raw) : undefined;
  if (Array.isArray(raw) && raw.length === 4 && isWord(raw[0]) && isWord(raw[1]) && isWord(raw[2]) && isWord(raw[3])) {
    return raw as unknown as Readonly<Words128>;
  }
  return undefined;
}
