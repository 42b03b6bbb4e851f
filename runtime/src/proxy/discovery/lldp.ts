// The hypervisor's own LLDP probes (link discovery): building one for a switch port and reading
// one back from a packet-in. Distinct from tenants' LLDP: the source MAC is DFVisor's
// (PROBE_SRC), the chassis id names the switch ("dfvisor:<dpid>"), and an organisation TLV
// carries the send time and an HMAC over (dpid, port, time) under the cluster's discovery key, so
// a host or tenant that forges or replays a probe elsewhere is told apart (counted, never trusted).
// Pure functions over Buffers.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The LLDP ethertype. */
export const LLDP_ETHERTYPE = 0x88cc;
/** Destination: the nearest-bridge group address (every OpenFlow switch passes it to its rules). */
export const LLDP_DST = 0x0180c200000en;
/** Source MAC of every DFVisor probe (locally administered): what the switches' probe rule matches. */
export const PROBE_SRC = 0x02df56000001n;
/** The organisation TLV's identifier: a locally administered marker, then subtype 1. */
const ORG_ID = Buffer.from([0x02, 0xdf, 0x56, 0x01]);
const CHASSIS_PREFIX = 'dfvisor:';
const MAC_LEN = 16;

export interface ProbeOrigin {
  dpid: string;
  port: number;
  /** When the master sent it (ms since the epoch). */
  sentAt: number;
}

export type ProbeReading = { kind: 'probe'; origin: ProbeOrigin } | { kind: 'forged'; reason: string } | { kind: 'other' };

function tlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(2);
  h.writeUInt16BE((type << 9) | value.length);
  return Buffer.concat([h, value]);
}

function signature(key: Buffer, dpid: string, port: number, sentAt: number): Buffer {
  return createHmac('sha256', key).update(`${dpid}/${port}/${sentAt}`).digest().subarray(0, MAC_LEN);
}

/** The probe frame the master sends out of `port` of switch `dpid`. */
export function buildProbe(key: Buffer, dpid: string, port: number, sentAt: number): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUIntBE(Number(LLDP_DST), 0, 6);
  eth.writeUIntBE(Number(PROBE_SRC), 6, 6);
  eth.writeUInt16BE(LLDP_ETHERTYPE, 12);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(sentAt));
  return Buffer.concat([
    eth,
    tlv(1, Buffer.concat([Buffer.from([7]), Buffer.from(CHASSIS_PREFIX + dpid)])), // chassis id, locally assigned
    tlv(2, Buffer.concat([Buffer.from([7]), Buffer.from(String(port))])), // port id, locally assigned
    tlv(3, Buffer.from([0, 120])), // TTL
    tlv(127, Buffer.concat([ORG_ID, time, signature(key, dpid, port, sentAt)])),
    Buffer.alloc(2), // end
  ]);
}

/** Whether a frame is a DFVisor probe by its Ethernet header (untagged, our source MAC, LLDP). */
export function looksLikeProbe(data: Buffer): boolean {
  return data.length >= 14 && data.readUInt16BE(12) === LLDP_ETHERTYPE && BigInt(data.readUIntBE(6, 6)) === PROBE_SRC;
}

/** Reads a probe back: where it was sent from, or why it cannot be trusted; 'other' for any other frame. */
export function readProbe(key: Buffer, data: Buffer): ProbeReading {
  if (!looksLikeProbe(data)) return { kind: 'other' };
  let chassis: string | null = null;
  let port: number | null = null;
  let org: Buffer | null = null;
  for (let off = 14; off + 2 <= data.length; ) {
    const h = data.readUInt16BE(off);
    const type = h >> 9;
    const len = h & 0x1ff;
    const value = data.subarray(off + 2, off + 2 + len);
    if (value.length < len) return { kind: 'forged', reason: 'truncated TLV' };
    if (type === 0) break;
    if (type === 1 && len > 1 && value[0] === 7) chassis = value.subarray(1).toString();
    if (type === 2 && len > 1 && value[0] === 7) port = Number(value.subarray(1).toString());
    if (type === 127 && len === ORG_ID.length + 8 + MAC_LEN && value.subarray(0, ORG_ID.length).equals(ORG_ID)) org = value;
    off += 2 + len;
  }
  if (!chassis?.startsWith(CHASSIS_PREFIX) || port === null || !Number.isInteger(port) || !org)
    return { kind: 'forged', reason: 'not a well-formed DFVisor probe' };
  const dpid = chassis.slice(CHASSIS_PREFIX.length);
  const sentAt = Number(org.readBigUInt64BE(ORG_ID.length));
  const mac = org.subarray(ORG_ID.length + 8);
  if (!timingSafeEqual(mac, signature(key, dpid, port, sentAt))) return { kind: 'forged', reason: 'bad signature' };
  return { kind: 'probe', origin: { dpid, port, sentAt } };
}
