// Minimal Ethernet/VLAN/IPv4/ARP/TCP/UDP/ICMP parsing of packet-in data into match fields,
// and VLAN tag stripping, for classifying packet-ins by headers.
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
  headers: PacketHeaders;
  /** The outer VLAN id when the frame is 802.1Q-tagged. */
  vlan: number | null;
  /** The ethertype after any VLAN tag (-1 when the frame is too short). */
  ethType: number;
  /** Offset of the header after the ethertype (-1 when the frame is too short). */
  l3: number;
}

export function summarizePacket(data: Buffer): PacketSummary {
  return summarizeInto(data, { headers: {}, vlan: null, ethType: -1, l3: -1 });
}

/**
 * One summary reused for every packet-in of a session (nothing allocated per packet-in): its
 * headers object has every field, undefined where the frame has none (one shape throughout).
 * Valid until the next `read`.
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
  };

  read(data: Buffer): PacketSummary {
    const h = this.s.headers;
    h.eth_src = h.eth_dst = h.eth_type = h.vlan_vid = h.vlan_pcp = h.ip_proto = h.ip_dscp = undefined;
    h.ipv4_src = h.ipv4_dst = h.tcp_src = h.tcp_dst = h.udp_src = h.udp_dst = undefined;
    return summarizeInto(data, this.s);
  }
}

// Big-endian reads at offsets the caller checked against the frame's length (Buffer's readers
// validate their arguments on every call: this runs for every packet-in).
const be16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const be32 = (b: Buffer, o: number): number => b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
const be48 = (b: Buffer, o: number): number => be16(b, o) * 0x100000000 + be32(b, o + 2);

/** Writes the frame's headers into `out` (its headers hold no field of an earlier frame). */
function summarizeInto(data: Buffer, out: PacketSummary): PacketSummary {
  const h = out.headers;
  out.vlan = null;
  out.ethType = -1;
  out.l3 = -1;
  if (data.length < 14) return out;
  h.eth_dst = be48(data, 0);
  h.eth_src = be48(data, 6);
  let off = 12;
  let type = be16(data, off);
  let vlan: number | null = null;
  if (type === 0x8100 && data.length >= 18) {
    const tci = be16(data, 14);
    vlan = tci & 0xfff;
    h.vlan_vid = vlan;
    h.vlan_pcp = tci >> 13;
    off = 16;
    type = be16(data, off);
  }
  h.eth_type = type;
  const l3 = off + 2;
  if (type === 0x0800 && data.length >= l3 + 20) {
    const ihl = (data[l3]! & 0x0f) * 4;
    h.ip_dscp = data[l3 + 1]! >> 2;
    const proto = data[l3 + 9]!;
    h.ip_proto = proto;
    h.ipv4_src = be32(data, l3 + 12);
    h.ipv4_dst = be32(data, l3 + 16);
    const l4 = l3 + ihl;
    if ((proto === 6 || proto === 17) && data.length >= l4 + 4) {
      if (proto === 6) {
        h.tcp_src = be16(data, l4);
        h.tcp_dst = be16(data, l4 + 2);
      } else {
        h.udp_src = be16(data, l4);
        h.udp_dst = be16(data, l4 + 2);
      }
    }
  }
  out.vlan = vlan;
  out.ethType = type;
  out.l3 = l3;
  return out;
}

const v = (n: number) => ({ value: BigInt(n) });

/**
 * The frame's headers as match fields (bigint values): summarizePacket's, with the VLAN id as
 * OpenFlow matches it (OFPVID_PRESENT, or 0 for untagged), plus IP ECN, ICMP and ARP fields.
 */
export function parsePacket(data: Buffer): ParsedPacket {
  const s = summarizePacket(data);
  const f: FlowMatch = {};
  if (s.l3 < 0) return { fields: f, vlan: null };
  for (const [k, n] of Object.entries(s.headers) as Array<[keyof PacketHeaders & keyof FlowMatch, number]>) f[k] = v(n);
  f.vlan_vid = v(s.vlan === null ? 0 : s.vlan | OFPVID_PRESENT);
  const l3 = s.l3;
  if (s.ethType === 0x0800 && f.ip_proto) {
    f.ip_ecn = v(data[l3 + 1]! & 3);
    const l4 = l3 + (data[l3]! & 0x0f) * 4;
    if (s.headers.ip_proto === 1 && data.length >= l4 + 2) {
      f.icmpv4_type = v(data[l4]!);
      f.icmpv4_code = v(data[l4 + 1]!);
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
