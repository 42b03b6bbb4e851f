// Parsing of packet-in (and packet-out) frames for classification: Ethernet, one VLAN tag, IPv4,
// IPv6 (with its common extension headers), TCP/UDP ports, as plain numbers (PacketSummary) or as
// bigint match fields (parsePacket, which adds IP ECN, the IPv6 flow label, ICMP and ARP fields);
// and VLAN tag stripping. The fields are those Open vSwitch extracts from the same frame (its
// lib/flow.c): a malformed IP header carries no IP fields, a non-first fragment no L4 ports.
import type { FlowMatch } from './messages.js';
import type { PacketHeaders } from '../classifier/index.js';
import { OFPVID_PRESENT } from '../openflow/constants.js';

export interface ParsedPacket {
  fields: FlowMatch;
  /** The outer VLAN id when the frame is 802.1Q-tagged. */
  vlan: number | null;
}

/** What packet-in classification needs, as plain numbers (no bigint, no field objects). */
export interface PacketSummary {
  /** IPv6 addresses are four 32-bit words (most significant first). */
  headers: PacketHeaders;
  /** The outer VLAN id when the frame is 802.1Q-tagged. */
  vlan: number | null;
  /** The ethertype after any VLAN tag (-1 when the frame is too short). */
  ethType: number;
  /** Offset of the header after the ethertype (-1 when the frame is too short). */
  l3: number;
  /**
   * Offset of the transport header (TCP, UDP, ICMP…, the protocol being headers.ip_proto) of a
   * well-formed IPv4/IPv6 packet that is not a later fragment; -1 otherwise (no L4 fields).
   */
  l4: number;
  /** The IP payload's length from l4 by the IP header's own lengths (the bytes may be cut off). */
  l4Size: number;
}

/**
 * The frame's summary. `frameLength`: the frame's length on the wire when `data` may be cut off
 * (a packet-in's total_len); the IP headers' lengths are judged against it, bytes are read only
 * from `data`.
 */
export function summarizePacket(data: Buffer, frameLength = data.length): PacketSummary {
  return summarizeInto(data, frameLength, { headers: {}, vlan: null, ethType: -1, l3: -1, l4: -1, l4Size: 0 }, null, null);
}

/**
 * One summary reused for every packet-in of a session (nothing allocated per packet-in): its
 * headers object has every field, undefined where the frame has none (one shape throughout); an
 * IPv6 address is written into one of two reused arrays of four words. Valid until the next `read`.
 */
export class PacketSummaryScratch {
  private readonly s: PacketSummary = {
    headers: {
      eth_src: undefined,
      eth_dst: undefined,
      eth_type: undefined,
      vlan_vid: undefined,
      vlan_pcp: undefined,
      ip_proto: undefined,
      ip_dscp: undefined,
      ipv4_src: undefined,
      ipv4_dst: undefined,
      ipv6_src: undefined,
      ipv6_dst: undefined,
      tcp_src: undefined,
      tcp_dst: undefined,
      udp_src: undefined,
      udp_dst: undefined,
    },
    vlan: null,
    ethType: -1,
    l3: -1,
    l4: -1,
    l4Size: 0,
  };
  private readonly src6 = [0, 0, 0, 0];
  private readonly dst6 = [0, 0, 0, 0];

  read(data: Buffer, frameLength = data.length): PacketSummary {
    const h = this.s.headers;
    h.eth_src = h.eth_dst = h.eth_type = h.vlan_vid = h.vlan_pcp = h.ip_proto = h.ip_dscp = undefined;
    h.ipv4_src = h.ipv4_dst = h.ipv6_src = h.ipv6_dst = undefined;
    h.tcp_src = h.tcp_dst = h.udp_src = h.udp_dst = undefined;
    return summarizeInto(data, frameLength, this.s, this.src6, this.dst6);
  }
}

// Big-endian reads at offsets the caller checked against the frame's length (Buffer's readers
// validate their arguments on every call: this runs for every packet-in).
const be16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const be32 = (b: Buffer, o: number): number => b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
const be48 = (b: Buffer, o: number): number => be16(b, o) * 0x100000000 + be32(b, o + 2);

/** The 16 bytes at `o` as four 32-bit words, into `into` (a new array when null). */
function words128(b: Buffer, o: number, into: number[] | null): number[] {
  const w = into ?? [0, 0, 0, 0];
  w[0] = be32(b, o);
  w[1] = be32(b, o + 4);
  w[2] = be32(b, o + 8);
  w[3] = be32(b, o + 12);
  return w;
}

const IPPROTO = { hopOpts: 0, tcp: 6, udp: 17, routing: 43, fragment: 44, ah: 51, dstOpts: 60 } as const;
const TCP_HEADER_LEN = 20;
const UDP_HEADER_LEN = 8;

/**
 * Writes the frame's headers into `out` (its headers hold no field of an earlier frame: the
 * caller cleared them). An IPv4 header shorter than 20 bytes (IHL < 5), or whose lengths disagree
 * with each other or with the frame, and an IPv6 header whose payload length exceeds the frame,
 * carry no IP fields (Open vSwitch sees no IP packet there either).
 */
function summarizeInto(data: Buffer, frameLength: number, out: PacketSummary, src6: number[] | null, dst6: number[] | null): PacketSummary {
  const h = out.headers;
  out.vlan = null;
  out.ethType = -1;
  out.l3 = -1;
  out.l4 = -1;
  out.l4Size = 0;
  const n = data.length;
  if (n < 14) return out;
  h.eth_dst = be48(data, 0);
  h.eth_src = be48(data, 6);
  let off = 12;
  let type = be16(data, off);
  let vlan: number | null = null;
  if (type === 0x8100) {
    // A tag cut off by the switch hides the ethertype (a whole frame that short is just that).
    if (n < 18) {
      if (frameLength > n) return out;
      h.eth_type = type;
      out.ethType = type;
      out.l3 = 14;
      return out;
    }
    const tci = be16(data, 14);
    vlan = tci & 0xfff;
    h.vlan_vid = vlan;
    h.vlan_pcp = tci >> 13;
    off = 16;
    type = be16(data, off);
  }
  h.eth_type = type;
  const l3 = off + 2;
  // The bytes after the ethertype on the wire (a total length below the bytes at hand is not the frame's).
  const room = Math.max(frameLength, n) - l3;
  out.vlan = vlan;
  out.ethType = type;
  out.l3 = l3;
  let proto = -1;
  let l4 = -1;
  let l4Size = 0;
  if (type === 0x0800) {
    if (n < l3 + 20) return out;
    const ihl = (data[l3]! & 0x0f) * 4;
    const totLen = be16(data, l3 + 2);
    if (ihl < 20 || totLen < ihl || totLen > room) return out;
    proto = data[l3 + 9]!;
    h.ip_dscp = data[l3 + 1]! >> 2;
    h.ip_proto = proto;
    h.ipv4_src = be32(data, l3 + 12);
    h.ipv4_dst = be32(data, l3 + 16);
    // A later fragment (offset ≠ 0) has payload where the ports would be: it has none.
    if ((be16(data, l3 + 6) & 0x1fff) !== 0) return out;
    l4 = l3 + ihl;
    l4Size = totLen - ihl;
  } else if (type === 0x86dd) {
    if (n < l3 + 40) return out;
    const plen = be16(data, l3 + 4);
    if (plen > room - 40) return out;
    h.ipv6_src = words128(data, l3 + 8, src6);
    h.ipv6_dst = words128(data, l3 + 24, dst6);
    // The extension headers Open vSwitch walks, up to the transport header; each is at least 8
    // bytes and must lie in the payload and in the bytes at hand (so the walk ends with the frame).
    let next = data[l3 + 6]!;
    let at = l3 + 40;
    const end = at + plen;
    let later = false;
    for (;;) {
      if (
        next !== IPPROTO.hopOpts &&
        next !== IPPROTO.routing &&
        next !== IPPROTO.dstOpts &&
        next !== IPPROTO.ah &&
        next !== IPPROTO.fragment
      )
        break;
      if (end - at < 8) return out; // malformed: addresses only, as Open vSwitch
      if (n < at + 8) return out; // cut off before the transport header: its protocol is unknown
      const len = next === IPPROTO.fragment ? 8 : next === IPPROTO.ah ? (data[at + 1]! + 2) * 4 : (data[at + 1]! + 1) * 8;
      if (next === IPPROTO.fragment && (be16(data, at + 2) & 0xfff8) !== 0) later = true;
      next = data[at]!;
      if (end - at < len) return out;
      at += len;
      if (later) {
        next = IPPROTO.fragment;
        break;
      }
    }
    proto = next;
    h.ip_dscp = ((be16(data, l3) >> 4) & 0xff) >> 2;
    h.ip_proto = proto;
    if (later) return out;
    l4 = at;
    l4Size = end - at;
  } else return out;
  out.l4 = l4;
  out.l4Size = l4Size;
  if (proto === IPPROTO.tcp) {
    // Ports when the header is whole by the IP lengths and its data offset is sane (the bytes
    // up to the data offset must be at hand to tell).
    if (l4Size >= TCP_HEADER_LEN && n >= l4 + 13) {
      const doff = (data[l4 + 12]! >> 4) * 4;
      if (doff >= TCP_HEADER_LEN && l4Size >= doff) {
        h.tcp_src = be16(data, l4);
        h.tcp_dst = be16(data, l4 + 2);
      }
    }
  } else if (proto === IPPROTO.udp && l4Size >= UDP_HEADER_LEN && n >= l4 + 4) {
    h.udp_src = be16(data, l4);
    h.udp_dst = be16(data, l4 + 2);
  }
  return out;
}

const v = (n: number) => ({ value: BigInt(n) });
const v128 = (w: readonly number[]) => ({
  value: (BigInt(w[0]!) << 96n) | (BigInt(w[1]!) << 64n) | (BigInt(w[2]!) << 32n) | BigInt(w[3]!),
});

/**
 * The frame's headers as match fields (bigint values): summarizePacket's, with the VLAN id as
 * OpenFlow matches it (OFPVID_PRESENT, or 0 for untagged), plus IP ECN, the IPv6 flow label,
 * ICMPv4/ICMPv6 type and code, and ARP fields. `frameLength` as summarizePacket's.
 */
export function parsePacket(data: Buffer, frameLength = data.length): ParsedPacket {
  const s = summarizePacket(data, frameLength);
  const f: FlowMatch = {};
  if (s.l3 < 0) return { fields: f, vlan: null };
  const h = s.headers;
  for (const [k, n] of Object.entries(h) as Array<[keyof PacketHeaders & keyof FlowMatch, number | number[]]>)
    f[k] = typeof n === 'number' ? v(n) : v128(n);
  f.vlan_vid = v(s.vlan === null ? 0 : s.vlan | OFPVID_PRESENT);
  const l3 = s.l3;
  if (h.ip_proto !== undefined) {
    const v6 = s.ethType === 0x86dd;
    // ECN: the low two bits of the IPv4 TOS / the IPv6 traffic class.
    f.ip_ecn = v(v6 ? (data[l3 + 1]! >> 4) & 3 : data[l3 + 1]! & 3);
    if (v6) f.ipv6_flabel = v(be32(data, l3) & 0xfffff);
    const icmp = v6 ? 58 : 1;
    if (h.ip_proto === icmp && s.l4 >= 0 && s.l4Size >= 8 && data.length >= s.l4 + 2) {
      f[v6 ? 'icmpv6_type' : 'icmpv4_type'] = v(data[s.l4]!);
      f[v6 ? 'icmpv6_code' : 'icmpv4_code'] = v(data[s.l4 + 1]!);
    }
  } else if (s.ethType === 0x0806 && data.length >= l3 + 28) {
    f.arp_op = v(data.readUInt16BE(l3 + 6));
    f.arp_sha = v(data.readUIntBE(l3 + 8, 6));
    f.arp_spa = v(data.readUInt32BE(l3 + 14));
    f.arp_tha = v(data.readUIntBE(l3 + 18, 6));
    f.arp_tpa = v(data.readUInt32BE(l3 + 24));
  }
  return { fields: f, vlan: s.vlan };
}

/** The frame without its outer 802.1Q tag (unchanged when untagged). */
export function stripVlan(data: Buffer): Buffer {
  if (data.length < 18 || data.readUInt16BE(12) !== 0x8100) return data;
  return Buffer.concat([data.subarray(0, 12), data.subarray(16)]);
}

export function isLldp(data: Buffer): boolean {
  if (data.length < 14) return false;
  const t = data.readUInt16BE(12);
  return t === 0x88cc || (t === 0x8100 && data.length >= 18 && data.readUInt16BE(16) === 0x88cc);
}
