// Test frames for packet classification: IPv4 packets with any header length, total length and
// fragment offset, and IPv6 packets with a chain of extension headers (hop-by-hop, routing,
// destination options, AH, fragment) before TCP, UDP or ICMPv6. Checksums are zero.
import { ipv6ToBytes } from '../../src/openflow/index.js';

export const PROTO = { hopOpts: 0, tcp: 6, udp: 17, routing: 43, fragment: 44, ah: 51, icmpv6: 58, dstOpts: 60 } as const;

/** One header of an IPv6 chain: its protocol number and its bytes (an extension header's first byte is filled in). */
export type Header = readonly [proto: number, bytes: Buffer];

export const tcp = (src: number, dst: number): Header => {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(src, 0);
  b.writeUInt16BE(dst, 2);
  b[12] = 5 << 4; // data offset: 5 words
  b[13] = 0x02; // SYN
  return [PROTO.tcp, b];
};

export const udp = (src: number, dst: number, payload = 0): Header => {
  const b = Buffer.alloc(8 + payload);
  b.writeUInt16BE(src, 0);
  b.writeUInt16BE(dst, 2);
  b.writeUInt16BE(8 + payload, 4);
  return [PROTO.udp, b];
};

export const icmpv6 = (type: number, code: number): Header => [PROTO.icmpv6, Buffer.from([type, code, 0, 0, 0, 0, 0, 0])];

/** Hop-by-hop, routing or destination options: (units + 1) × 8 bytes. */
export const options = (proto: number, units = 0): Header => {
  const b = Buffer.alloc((units + 1) * 8);
  b[1] = units;
  return [proto, b];
};

/** An authentication header: (units + 2) × 4 bytes. */
export const ah = (units = 1): Header => {
  const b = Buffer.alloc((units + 2) * 4);
  b[1] = units;
  return [PROTO.ah, b];
};

/** A fragment header: offset in 8-byte units, more-fragments flag. */
export const fragment = (offset: number, more: boolean): Header => {
  const b = Buffer.alloc(8);
  b.writeUInt16BE((offset << 3) | (more ? 1 : 0), 2);
  b.writeUInt32BE(0x1234, 4);
  return [PROTO.fragment, b];
};

const MACS = Buffer.from('020000000002020000000001', 'hex');

function ethernet(type: number, l3: Buffer, vlan?: number): Buffer {
  const tag = vlan === undefined ? [] : [Buffer.from([0x81, 0x00, (vlan >> 8) & 0xff, vlan & 0xff])];
  const t = Buffer.alloc(2);
  t.writeUInt16BE(type);
  return Buffer.concat([MACS, ...tag, t, l3]);
}

/**
 * Ethernet + IPv6 + the chain (each extension header's next-header byte set to the next one's
 * protocol). `trafficClass`, `flowLabel`, `vlan` (a whole TCI) and `payloadLength` (default: the
 * chain's length) as given.
 */
export function ipv6Frame(
  src: string,
  dst: string,
  chain: readonly Header[],
  opts: { trafficClass?: number; flowLabel?: number; vlan?: number; payloadLength?: number; nextHeader?: number } = {},
): Buffer {
  const parts = chain.map(([, b]) => Buffer.from(b));
  for (let i = 0; i + 1 < chain.length; i++) parts[i]![0] = chain[i + 1]![0];
  const body = Buffer.concat(parts);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(((6 << 28) | ((opts.trafficClass ?? 0) << 20) | (opts.flowLabel ?? 0)) >>> 0, 0);
  ip.writeUInt16BE(opts.payloadLength ?? body.length, 4);
  ip[6] = opts.nextHeader ?? chain[0]?.[0] ?? 59;
  ip[7] = 64;
  ipv6ToBytes(src).copy(ip, 8);
  ipv6ToBytes(dst).copy(ip, 24);
  return ethernet(0x86dd, Buffer.concat([ip, body]), opts.vlan);
}

/** Ethernet + IPv4 (header `ihl` words, options zero) + `payload`; fragment offset in 8-byte units. */
export function ipv4Packet(
  src: string,
  dst: string,
  proto: number,
  payload: Buffer,
  opts: { ihl?: number; totalLength?: number; offset?: number; more?: boolean; tos?: number; pad?: number } = {},
): Buffer {
  const ihl = opts.ihl ?? 5;
  const hlen = Math.max(ihl * 4, 20);
  const ip = Buffer.alloc(hlen + payload.length + (opts.pad ?? 0));
  ip[0] = 0x40 | ihl;
  ip[1] = opts.tos ?? 0;
  ip.writeUInt16BE(opts.totalLength ?? hlen + payload.length, 2);
  ip.writeUInt16BE(((opts.more ? 0x2000 : 0) | (opts.offset ?? 0)) >>> 0, 6);
  ip[8] = 64;
  ip[9] = proto;
  for (const [i, o] of src.split('.').entries()) ip[12 + i] = Number(o);
  for (const [i, o] of dst.split('.').entries()) ip[16 + i] = Number(o);
  payload.copy(ip, hlen);
  return ethernet(0x0800, ip);
}
