/**
 * OpenFlow 1.3 OXM (OpenFlow eXtensible Match) fields and the ofp_match structure.
 *
 * Value representation: binary, as on the wire (text only when printing: `oxmValueText`):
 * - 8/16/24/32-bit fields and IPv4 addresses: `number` (vlan_vid includes the OFPVID_PRESENT bit 0x1000
 *   as on the wire; an IPv4 address is its unsigned 32-bit value);
 * - 64-bit fields (metadata, tunnel_id), MAC addresses (48 bits) and IPv6 addresses (128 bits): `bigint`;
 * - fields of other OXM classes (NXM, experimenter) or unknown basic fields: kept raw as Buffers.
 * A mask, when present, has the same representation as the value. The decoder always gives the binary
 * form; the encoder also accepts address text ("aa:bb:cc:dd:ee:ff", dotted quad, IPv6 text) from
 * message builders.
 */
import { ipv4Text, ipv6Text, macText, type Reader, type Writer } from './bytes.js';
import { SUGGEST } from './constants.js';

export const OFPXMC_OPENFLOW_BASIC = 0x8000;

type Kind = 'u8' | 'u16' | 'u24' | 'u32' | 'u64' | 'mac' | 'ipv4' | 'ipv6';

export type OxmFieldName =
  | 'in_port'
  | 'in_phy_port'
  | 'metadata'
  | 'eth_dst'
  | 'eth_src'
  | 'eth_type'
  | 'vlan_vid'
  | 'vlan_pcp'
  | 'ip_dscp'
  | 'ip_ecn'
  | 'ip_proto'
  | 'ipv4_src'
  | 'ipv4_dst'
  | 'tcp_src'
  | 'tcp_dst'
  | 'udp_src'
  | 'udp_dst'
  | 'sctp_src'
  | 'sctp_dst'
  | 'icmpv4_type'
  | 'icmpv4_code'
  | 'arp_op'
  | 'arp_spa'
  | 'arp_tpa'
  | 'arp_sha'
  | 'arp_tha'
  | 'ipv6_src'
  | 'ipv6_dst'
  | 'ipv6_flabel'
  | 'icmpv6_type'
  | 'icmpv6_code'
  | 'ipv6_nd_target'
  | 'ipv6_nd_sll'
  | 'ipv6_nd_tll'
  | 'mpls_label'
  | 'mpls_tc'
  | 'mpls_bos'
  | 'pbb_isid'
  | 'tunnel_id'
  | 'ipv6_exthdr';

interface FieldDef {
  readonly name: OxmFieldName;
  readonly kind: Kind;
  /** Value size in bytes. */
  readonly size: number;
  /** OXM field number in class OPENFLOW_BASIC. */
  readonly number: number;
}

const KIND_SIZE: Record<Kind, number> = { u8: 1, u16: 2, u24: 3, u32: 4, u64: 8, mac: 6, ipv4: 4, ipv6: 16 };
let nextNumber = 0;
const d = (name: OxmFieldName, kind: Kind): FieldDef => ({ name, kind, size: KIND_SIZE[kind], number: nextNumber++ });

/** Index = OXM field number in class OPENFLOW_BASIC. */
export const OXM_FIELDS: readonly FieldDef[] = [
  d('in_port', 'u32'),
  d('in_phy_port', 'u32'),
  d('metadata', 'u64'),
  d('eth_dst', 'mac'),
  d('eth_src', 'mac'),
  d('eth_type', 'u16'),
  d('vlan_vid', 'u16'),
  d('vlan_pcp', 'u8'),
  d('ip_dscp', 'u8'),
  d('ip_ecn', 'u8'),
  d('ip_proto', 'u8'),
  d('ipv4_src', 'ipv4'),
  d('ipv4_dst', 'ipv4'),
  d('tcp_src', 'u16'),
  d('tcp_dst', 'u16'),
  d('udp_src', 'u16'),
  d('udp_dst', 'u16'),
  d('sctp_src', 'u16'),
  d('sctp_dst', 'u16'),
  d('icmpv4_type', 'u8'),
  d('icmpv4_code', 'u8'),
  d('arp_op', 'u16'),
  d('arp_spa', 'ipv4'),
  d('arp_tpa', 'ipv4'),
  d('arp_sha', 'mac'),
  d('arp_tha', 'mac'),
  d('ipv6_src', 'ipv6'),
  d('ipv6_dst', 'ipv6'),
  d('ipv6_flabel', 'u32'),
  d('icmpv6_type', 'u8'),
  d('icmpv6_code', 'u8'),
  d('ipv6_nd_target', 'ipv6'),
  d('ipv6_nd_sll', 'mac'),
  d('ipv6_nd_tll', 'mac'),
  d('mpls_label', 'u32'),
  d('mpls_tc', 'u8'),
  d('mpls_bos', 'u8'),
  d('pbb_isid', 'u24'),
  d('tunnel_id', 'u64'),
  d('ipv6_exthdr', 'u16'),
];

const FIELD_BY_NAME = new Map<string, FieldDef>(OXM_FIELDS.map((f) => [f.name, f]));

export type OxmValue = number | bigint | string;

/** A field of class OPENFLOW_BASIC that this codec knows. */
export interface OxmBasic {
  readonly field: OxmFieldName;
  readonly value: OxmValue;
  readonly mask?: OxmValue;
}

/** Any other TLV (other class, experimenter class, or an unknown basic field): kept as bytes. */
export interface OxmRaw {
  readonly field: 'raw';
  readonly oxmClass: number;
  readonly oxmField: number;
  /** Payload after the 4-byte header (for the experimenter class it starts with the experimenter id). */
  readonly value: Buffer;
  /** When the has-mask bit is set: the second half of the payload. */
  readonly mask?: Buffer;
}

export type OxmTlv = OxmBasic | OxmRaw;

export function oxmFieldSize(name: OxmFieldName): number {
  const def = FIELD_BY_NAME.get(name);
  if (def === undefined) throw new RangeError(`unknown OXM field ${name}`);
  return def.size;
}

function readValue(r: Reader, kind: Kind): OxmValue {
  switch (kind) {
    case 'u8':
      return r.u8();
    case 'u16':
      return r.u16();
    case 'u24':
      return r.u24();
    case 'u32':
      return r.u32();
    case 'u64':
      return r.u64();
    case 'mac':
      return r.macBin();
    case 'ipv4':
      return r.ipv4Bin();
    case 'ipv6':
      return r.ipv6Bin();
  }
}

/** A basic field's value (or mask) as text: addresses in their usual notation, numbers in decimal. For printing. */
export function oxmValueText(field: OxmFieldName, v: OxmValue): string {
  const def = FIELD_BY_NAME.get(field);
  switch (def?.kind) {
    case 'mac':
      return typeof v === 'number' ? macText(BigInt(v)) : macText(v);
    case 'ipv4':
      return typeof v === 'bigint' ? ipv4Text(Number(v)) : ipv4Text(v);
    case 'ipv6':
      return typeof v === 'number' ? ipv6Text(BigInt(v)) : ipv6Text(v);
    default:
      return String(v);
  }
}

function wrongType(name: string, want: string, v: unknown): never {
  throw new RangeError(`OXM ${name} needs a ${want}, got ${typeof v}`);
}

function writeValue(w: Writer, kind: Kind, v: OxmValue, name: string): void {
  switch (kind) {
    case 'u8':
      if (typeof v !== 'number') wrongType(name, 'number', v);
      return w.u8(v);
    case 'u16':
      if (typeof v !== 'number') wrongType(name, 'number', v);
      return w.u16(v);
    case 'u24':
      if (typeof v !== 'number') wrongType(name, 'number', v);
      return w.u24(v);
    case 'u32':
      if (typeof v !== 'number') wrongType(name, 'number', v);
      return w.u32(v);
    case 'u64':
      if (typeof v === 'bigint') return w.u64(v);
      if (typeof v !== 'number') wrongType(name, 'number', v);
      return w.u64(BigInt(v));
    case 'mac':
      if (typeof v === 'number') wrongType(name, 'bigint or text', v);
      return w.macAddr(v);
    case 'ipv4':
      if (typeof v === 'bigint') wrongType(name, 'number or text', v);
      return w.ipv4Addr(v);
    case 'ipv6':
      if (typeof v === 'number') wrongType(name, 'bigint or text', v);
      return w.ipv6Addr(v);
  }
}

/** Decode one OXM TLV at the reader's position. */
export function readOxm(r: Reader): OxmTlv {
  const start = r.pos;
  r.need(4, 'OXM header');
  const buf = r.buf;
  const oxmClass = (buf[start]! << 8) | buf[start + 1]!;
  const fh = buf[start + 2]!;
  const len = buf[start + 3]!;
  const oxmField = fh >> 1;
  const hasMask = (fh & 1) === 1;
  const at = start + 4;
  r.pos = at;
  if (at + len > r.end) {
    r.fail('bad_length', `OXM payload: length ${len} at offset ${at} exceeds the ${r.end - at} bytes left`, SUGGEST.badMatchLen13);
  }
  const def = oxmClass === OFPXMC_OPENFLOW_BASIC ? OXM_FIELDS[oxmField] : undefined;
  if (!def) {
    if (hasMask && len % 2 !== 0)
      r.fail('bad_length', `masked OXM ${oxmClass}:${oxmField} has odd length ${len}`, SUGGEST.badMatchLen13, start);
    const half = hasMask ? len / 2 : len;
    const value = r.bytes(half);
    return hasMask ? { field: 'raw', oxmClass, oxmField, value, mask: r.bytes(half) } : { field: 'raw', oxmClass, oxmField, value };
  }
  const size = def.size;
  if (len !== (hasMask ? size * 2 : size)) {
    r.fail('bad_length', `OXM ${def.name} has length ${len}, expected ${hasMask ? size * 2 : size}`, SUGGEST.badMatchLen13, start);
  }
  const value = readValue(r, def.kind);
  return hasMask ? { field: def.name, value, mask: readValue(r, def.kind) } : { field: def.name, value };
}

export function writeOxm(w: Writer, t: OxmTlv): void {
  if (t.field === 'raw') {
    const len = t.value.length + (t.mask ? t.mask.length : 0);
    w.u16(t.oxmClass);
    w.u8((t.oxmField << 1) | (t.mask ? 1 : 0));
    w.u8(len);
    w.bytes(t.value);
    if (t.mask) w.bytes(t.mask);
    return;
  }
  const def = FIELD_BY_NAME.get(t.field);
  if (def === undefined) throw new RangeError(`unknown OXM field ${String(t.field)}`);
  const size = def.size;
  const hasMask = t.mask !== undefined;
  w.u16(OFPXMC_OPENFLOW_BASIC);
  w.u8((def.number << 1) | (hasMask ? 1 : 0));
  w.u8(hasMask ? size * 2 : size);
  writeValue(w, def.kind, t.value, t.field);
  if (hasMask) writeValue(w, def.kind, t.mask!, t.field);
}

/** Byte length of an OXM TLV (header included). */
export function oxmLength(t: OxmTlv): number {
  if (t.field === 'raw') return 4 + t.value.length + (t.mask ? t.mask.length : 0);
  const def = FIELD_BY_NAME.get(t.field);
  if (def === undefined) throw new RangeError(`unknown OXM field ${String(t.field)}`);
  return 4 + (t.mask !== undefined ? def.size * 2 : def.size);
}

export const OFPMT_OXM = 1;

/** Read an ofp_match (type OXM) including its padding to 8 bytes. */
export function readMatch13(r: Reader): OxmTlv[] {
  const start = r.pos;
  r.need(4, 'match header');
  const type = r.u16();
  const length = r.u16();
  if (type !== OFPMT_OXM) r.fail('bad_match_type', `match type ${type} is not OXM (1)`, SUGGEST.badMatchType13, start);
  if (length < 4) r.fail('bad_length', `match length ${length} < 4`, SUGGEST.badMatchLen13, start);
  const body = r.sub(length - 4, 'match', SUGGEST.badMatchLen13);
  const out: OxmTlv[] = [];
  while (body.pos < body.end) out.push(readOxm(body));
  const pad = (8 - (length % 8)) % 8;
  r.skip(pad, 'match padding');
  return out;
}

/** Byte length of an ofp_match (OXM) with its padding. */
export function match13Length(fields: readonly OxmTlv[]): number {
  let len = 4;
  for (let i = 0; i < fields.length; i++) len += oxmLength(fields[i]!);
  return (len + 7) & ~7;
}

export function writeMatch13(w: Writer, fields: readonly OxmTlv[]): void {
  const start = w.pos;
  w.u16(OFPMT_OXM);
  const slot = w.lenSlot();
  for (let i = 0; i < fields.length; i++) writeOxm(w, fields[i]!);
  w.patchLen(slot, start);
  w.align(start, 8);
}

/** Find the first basic field of that name in a match. */
export function findOxm(match: readonly OxmTlv[], field: OxmFieldName): OxmBasic | undefined {
  return match.find((t): t is OxmBasic => t.field === field);
}
