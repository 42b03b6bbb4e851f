// Concrete packet headers (what a packet-in carries) and their normal form: a value vector
// indexed by slot plus presence bits, computed once per packet.
import {
  FIELDS, SLOT_COUNT, parseIpv4, parseIpv6, parseMac, type Words128,
} from './fields.js';

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
  let present = 0;
  for (let field = 0; field < FIELDS.length; field++) {
    const info = FIELDS[field];
    const raw = h[info.key];
    if (raw === undefined || raw === null) continue;
    switch (info.kind) {
      case 'exact':
      case 'port': {
        const v = typeof raw === 'string' ? (info.key === 'eth_src' || info.key === 'eth_dst' ? parseMac(raw) : undefined) : raw;
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= info.max) {
          values[info.slot] = v;
          present |= 1 << field;
        }
        break;
      }
      case 'prefix32': {
        const v = typeof raw === 'string' ? parseIpv4(raw) : raw;
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
          values[info.slot] = v;
          present |= 1 << field;
        }
        break;
      }
      case 'prefix128': {
        const w = ipv6Words(raw as string | readonly number[] | Uint8Array);
        if (w) {
          for (let i = 0; i < 4; i++) values[info.slot + i] = w[i];
          present |= 1 << field;
        }
        break;
      }
    }
  }
  return { values, present };
}

function ipv6Words(raw: string | readonly number[] | Uint8Array): Words128 | undefined {
  if (typeof raw === 'string') return parseIpv6(raw);
  if (raw instanceof Uint8Array) {
    if (raw.length !== 16) return undefined;
    const w: Words128 = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) {
      w[i] = ((raw[4 * i] << 24) | (raw[4 * i + 1] << 16) | (raw[4 * i + 2] << 8) | raw[4 * i + 3]) >>> 0;
    }
    return w;
  }
  if (Array.isArray(raw) && raw.length === 4 && raw.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) {
    return [raw[0], raw[1], raw[2], raw[3]];
  }
  return undefined;
}
