// Direct OpenFlow 1.3 wire forms of the proxy's three hot messages (packet-in, flow-mod,
// packet-out): bytes ⇄ neutral messages (messages.ts) without the codec's object model and the text
// forms of addresses on the way. They give exactly what fromWire(decodeMessage(b)) and
// encodeMessage(toWire(m)) give (test/proxy/wire13.test.ts holds them to that on random and
// mutated messages), but only for the common case: a reader answers null for anything else
// (malformed, unknown fields, experimenter actions…) and a writer answers null for what it does not
// write, and the caller takes the codec path, which owns every error. Unlike the codec, readers
// give packet data as a view of the frame (frames are views of the socket's fresh read buffers).
import { OXM_FIELDS } from '../openflow/index.js';
import type { Action, FieldName, FlowMatch, Instruction, MessageOf, OfMessage } from './messages.js';
import { OFP13 } from './messages.js';
import { FIELD_INDEX, fullMask, isFieldName, presentFields as presentFieldsOf } from './match.js';

const OFPT_PACKET_IN = 10;
const OFPT_PACKET_OUT = 13;
const OFPT_FLOW_MOD = 14;
const OFPXMC_OPENFLOW_BASIC = 0x8000;
const MAX_LEN = 0xffff;

interface FieldInfo {
  readonly name: FieldName;
  readonly number: number;
  readonly size: number;
  readonly full: bigint;
  /** Position in the canonical field order (FIELD_ORDER). */
  readonly order: number;
}
/** The proxy's match fields by OXM field number, and by name. */
const BY_NUMBER: Array<FieldInfo | undefined> = [];
const BY_NAME: Record<string, FieldInfo | undefined> = Object.create(null) as Record<string, FieldInfo | undefined>;
for (const f of OXM_FIELDS) {
  if (!isFieldName(f.name)) continue;
  const info: FieldInfo = { name: f.name, number: f.number, size: f.size, full: fullMask(f.name), order: FIELD_INDEX[f.name]! };
  BY_NUMBER[f.number] = info;
  BY_NAME[f.name] = info;
}

// ---- reading ---------------------------------------------------------------------------

function readBig(b: Buffer, o: number, size: number): bigint {
  switch (size) {
    case 1: return BigInt(b[o]!);
    case 2: return BigInt(b.readUInt16BE(o));
    case 4: return BigInt(b.readUInt32BE(o));
    case 6: return BigInt(b.readUIntBE(o, 6));
    case 8: return b.readBigUInt64BE(o);
    default: return (b.readBigUInt64BE(o) << 64n) | b.readBigUInt64BE(o + 8);
  }
}

/**
 * An ofp_match (OXM) at `off`; `end` bounds it with its padding. null: not the common case.
 * `key`: the match's canonical key (see matchKey) when the TLVs already are in canonical form.
 */
function readMatch(b: Buffer, off: number, end: number): { match: FlowMatch; next: number; key: string | undefined } | null {
  if (off + 4 > end) return null;
  const len = b.readUInt16BE(off + 2);
  if (b.readUInt16BE(off) !== 1 || len < 4) return null;
  const mEnd = off + len;
  const next = off + ((len + 7) & ~7);
  if (next > end) return null;
  const match: FlowMatch = {};
  let canonical = true;
  let last = -1;
  let p = off + 4;
  while (p < mEnd) {
    if (p + 4 > mEnd || b[p] !== 0x80 || b[p + 1] !== 0) return null;
    const hdr = b[p + 2]!;
    const info = BY_NUMBER[hdr >> 1];
    const tlvLen = b[p + 3]!;
    if (!info) return null;
    const masked = (hdr & 1) === 1;
    if (tlvLen !== (masked ? 2 * info.size : info.size) || p + 4 + tlvLen > mEnd) return null;
    const value = readBig(b, p + 4, info.size);
    if (masked) {
      const mask = readBig(b, p + 4 + info.size, info.size);
      if (mask === info.full) canonical = false;
      match[info.name] = { value, mask };
    } else {
      match[info.name] = { value };
    }
    if (info.order <= last) canonical = false;
    last = info.order;
    p += 4 + tlvLen;
  }
  return { match, next, key: canonical ? b.toString('latin1', off + 4, mEnd) : undefined };
}

/**
 * The type-length-value items (actions, instructions: 16-bit type and length, lengths in
 * multiples of 8) in [off, end), each read by `item`; null when a length is off or `item` says null.
 */
function readTlvs<T>(b: Buffer, off: number, end: number, item: (b: Buffer, type: number, p: number, len: number) => T | null): T[] | null {
  const out: T[] = [];
  for (let p = off; p < end;) {
    if (p + 4 > end) return null;
    const len = b.readUInt16BE(p + 2);
    if (len < 8 || len % 8 !== 0 || p + len > end) return null;
    const x = item(b, b.readUInt16BE(p), p, len);
    if (x === null) return null;
    out.push(x);
    p += len;
  }
  return out;
}

/** One OpenFlow 1.3 action; null for any action outside the common set. */
function readAction(b: Buffer, type: number, p: number, len: number): Action | null {
  switch (type) {
    case 0:
      return len === 16 ? { type: 'output', port: b.readUInt32BE(p + 4), maxLen: b.readUInt16BE(p + 8) } : null;
    case 17: case 19: case 20:
      return len === 8 ? { type: type === 17 ? 'push_vlan' : type === 19 ? 'push_mpls' : 'pop_mpls', ethertype: b.readUInt16BE(p + 4) } : null;
    case 18: case 24:
      return len === 8 ? { type: type === 18 ? 'pop_vlan' : 'dec_nw_ttl' } : null;
    case 21: case 22:
      if (len !== 8) return null;
      return type === 21 ? { type: 'set_queue', queueId: b.readUInt32BE(p + 4) } : { type: 'group', groupId: b.readUInt32BE(p + 4) };
    case 25: {
      if (len < 16 || b.readUInt16BE(p + 4) !== OFPXMC_OPENFLOW_BASIC) return null;
      const hdr = b[p + 6]!;
      const info = BY_NUMBER[hdr >> 1];
      if (!info || (hdr & 1) === 1 || b[p + 7] !== info.size || len !== ((8 + info.size + 7) & ~7)) return null;
      return { type: 'set_field', field: info.name, value: readBig(b, p + 8, info.size) };
    }
    default: return null;
  }
}

const readActions = (b: Buffer, off: number, end: number): Action[] | null => readTlvs(b, off, end, readAction);

function readInstruction(b: Buffer, type: number, p: number, len: number): Instruction | null {
  switch (type) {
    case 3: case 4: {
      const actions = readActions(b, p + 8, p + len);
      return actions && { type: type === 4 ? 'apply_actions' : 'write_actions', actions };
    }
    case 1: return len === 8 ? { type: 'goto_table', tableId: b[p + 4]! } : null;
    case 2: return len === 24 ? { type: 'write_metadata', metadata: b.readBigUInt64BE(p + 8), mask: b.readBigUInt64BE(p + 16) } : null;
    case 5: return len === 8 ? { type: 'clear_actions' } : null;
    case 6: return len === 8 ? { type: 'meter', meterId: b.readUInt32BE(p + 4) } : null;
    default: return null;
  }
}

const readInstructions = (b: Buffer, off: number, end: number): Instruction[] | null => readTlvs(b, off, end, readInstruction);

function whole(b: Buffer, type: number, min: number): boolean {
  return b.length >= min && b[0] === OFP13 && b[1] === type && b.readUInt16BE(2) === b.length;
}

export function readFlowMod13(b: Buffer): MessageOf<'flow_mod'> | null {
  if (!whole(b, OFPT_FLOW_MOD, 56)) return null;
  const m = readMatch(b, 48, b.length);
  if (!m) return null;
  const instructions = readInstructions(b, m.next, b.length);
  if (!instructions) return null;
  return {
    version: OFP13, xid: b.readUInt32BE(4), type: 'flow_mod',
    cookie: b.readBigUInt64BE(8), cookieMask: b.readBigUInt64BE(16), tableId: b[24]!, command: b[25]!,
    idleTimeout: b.readUInt16BE(26), hardTimeout: b.readUInt16BE(28), priority: b.readUInt16BE(30),
    bufferId: b.readUInt32BE(32), outPort: b.readUInt32BE(36), outGroup: b.readUInt32BE(40), flags: b.readUInt16BE(44),
    match: m.match, instructions, matchKey: m.key,
  };
}

export function readPacketOut13(b: Buffer): MessageOf<'packet_out'> | null {
  if (!whole(b, OFPT_PACKET_OUT, 24)) return null;
  const actionsEnd = 24 + b.readUInt16BE(16);
  if (actionsEnd > b.length) return null;
  const actions = readActions(b, 24, actionsEnd);
  if (!actions) return null;
  return { version: OFP13, xid: b.readUInt32BE(4), type: 'packet_out', bufferId: b.readUInt32BE(8), inPort: b.readUInt32BE(12), actions, data: b.subarray(actionsEnd) };
}

export function readPacketIn13(b: Buffer): MessageOf<'packet_in'> | null {
  if (!whole(b, OFPT_PACKET_IN, 32)) return null;
  const m = readMatch(b, 24, b.length);
  if (!m || m.next + 2 > b.length) return null;
  return {
    version: OFP13, xid: b.readUInt32BE(4), type: 'packet_in', bufferId: b.readUInt32BE(8), totalLen: b.readUInt16BE(12),
    reason: b[14]!, tableId: b[15]!, cookie: b.readBigUInt64BE(16), match: m.match, data: b.subarray(m.next + 2),
  };
}

/** A hot 1.3 message as a neutral one, or null (other types, or not the common case). */
export function readHot13(b: Buffer): OfMessage | null {
  switch (b[1]) {
    case OFPT_FLOW_MOD: return readFlowMod13(b);
    case OFPT_PACKET_OUT: return readPacketOut13(b);
    case OFPT_PACKET_IN: return readPacketIn13(b);
    default: return null;
  }
}

// ---- writing ---------------------------------------------------------------------------

/** Thrown inside the writers for what they leave to the codec; never escapes this module. */
class NotHere extends Error {}
const notHere = new NotHere();

const MAX_BY_SIZE = [0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff];

/** Checked writers for the message's numbers: what the codec's Writer refuses (out of range, fractions, NaN) is left to it. */
function u8(b: Buffer, o: number, v: number): void {
  if ((v & 0xff) !== v) throw notHere;
  b[o] = v;
}

function u16(b: Buffer, o: number, v: number): void {
  if ((v & 0xffff) !== v) throw notHere;
  writeU16(b, o, v);
}

function u32(b: Buffer, o: number, v: number): void {
  if (v >>> 0 !== v) throw notHere;
  writeU32(b, o, v);
}

function writeU32(b: Buffer, o: number, n: number): void {
  b[o] = n >>> 24; b[o + 1] = (n >>> 16) & 0xff; b[o + 2] = (n >>> 8) & 0xff; b[o + 3] = n & 0xff;
}

function writeU16(b: Buffer, o: number, n: number): void {
  b[o] = n >>> 8; b[o + 1] = n & 0xff;
}

function zero(b: Buffer, from: number, to: number): void {
  for (let i = from; i < to; i++) b[i] = 0;
}

function writeBig(b: Buffer, o: number, size: number, v: bigint): void {
  if (size <= 6) {
    // Up to 48 bits: exact as a double, written without bigint arithmetic.
    const n = Number(v);
    if (!(n >= 0 && n <= MAX_BY_SIZE[size]!)) throw notHere;
    switch (size) {
      case 1: b[o] = n; return;
      case 2: writeU16(b, o, n); return;
      case 4: writeU32(b, o, n); return;
      case 6: writeU16(b, o, Math.floor(n / 0x100000000)); writeU32(b, o + 2, n >>> 0); return;
      default: b.writeUIntBE(n, o, size); return;
    }
  }
  if (size === 8) { b.writeBigUInt64BE(v, o); return; }
  if (v < 0n || v >> 128n) throw notHere;
  b.writeBigUInt64BE(v >> 64n, o); b.writeBigUInt64BE(v & 0xffffffffffffffffn, o + 8);
}

/** A match's fields in canonical order with their infos, and its length without padding. */
interface MatchPlan { infos: FieldInfo[]; len: number }

function planMatch(m: FlowMatch): MatchPlan {
  const infos: FieldInfo[] = [];
  let len = 4, sorted = true, last = -1;
  for (const k in m) {
    const fv = m[k as FieldName];
    if (!fv) continue;
    const info = BY_NAME[k];
    if (!info) throw notHere;
    len += 4 + (fv.mask === undefined || fv.mask === info.full ? info.size : 2 * info.size);
    if (info.order < last) sorted = false;
    last = info.order;
    infos.push(info);
  }
  if (!sorted) {
    // Insertion sort: a handful of fields, and no allocation (Array.prototype.sort allocates).
    for (let i = 1; i < infos.length; i++) {
      const x = infos[i]!;
      let j = i - 1;
      while (j >= 0 && infos[j]!.order > x.order) { infos[j + 1] = infos[j]!; j--; }
      infos[j + 1] = x;
    }
  }
  return { infos, len };
}

const padded = (n: number) => (n + 7) & ~7;

function writeMatch(b: Buffer, off: number, m: FlowMatch, plan: MatchPlan): number {
  writeU16(b, off, 1);
  writeU16(b, off + 2, plan.len);
  let p = off + 4;
  for (const info of plan.infos) {
    const fv = m[info.name]!;
    const masked = fv.mask !== undefined && fv.mask !== info.full;
    b[p] = 0x80; b[p + 1] = 0;
    b[p + 2] = (info.number << 1) | (masked ? 1 : 0);
    b[p + 3] = masked ? 2 * info.size : info.size;
    writeBig(b, p + 4, info.size, fv.value);
    if (masked) writeBig(b, p + 4 + info.size, info.size, fv.mask!);
    p += 4 + (masked ? 2 : 1) * info.size;
  }
  const end = off + padded(plan.len);
  zero(b, p, end);
  return end;
}

function actionLength(a: Action): number {
  switch (a.type) {
    case 'output': return 16;
    case 'set_field': { const info = BY_NAME[a.field]; if (!info) throw notHere; return padded(8 + info.size); }
    case 'unsupported': throw notHere;
    default: return 8;
  }
}

function actionsLength(list: readonly Action[]): number {
  let n = 0;
  for (const a of list) n += actionLength(a);
  return n;
}

function writeActions(b: Buffer, off: number, list: readonly Action[]): number {
  let p = off;
  for (const a of list) {
    const len = actionLength(a);
    zero(b, p, p + len);
    writeU16(b, p + 2, len);
    switch (a.type) {
      case 'output': writeU16(b, p, 0); u32(b, p + 4, a.port); u16(b, p + 8, a.maxLen); break;
      case 'push_vlan': case 'push_mpls': case 'pop_mpls':
        writeU16(b, p, a.type === 'push_vlan' ? 17 : a.type === 'push_mpls' ? 19 : 20); u16(b, p + 4, a.ethertype); break;
      case 'pop_vlan': writeU16(b, p, 18); break;
      case 'dec_nw_ttl': writeU16(b, p, 24); break;
      case 'set_queue': writeU16(b, p, 21); u32(b, p + 4, a.queueId); break;
      case 'group': writeU16(b, p, 22); u32(b, p + 4, a.groupId); break;
      case 'set_field': {
        const info = BY_NAME[a.field]!;
        writeU16(b, p, 25); writeU16(b, p + 4, OFPXMC_OPENFLOW_BASIC); b[p + 6] = info.number << 1; b[p + 7] = info.size;
        writeBig(b, p + 8, info.size, a.value);
        break;
      }
      case 'unsupported': throw notHere;
    }
    p += len;
  }
  return p;
}

function instructionLength(i: Instruction): number {
  switch (i.type) {
    case 'apply_actions': case 'write_actions': return 8 + actionsLength(i.actions);
    case 'write_metadata': return 24;
    case 'unsupported': throw notHere;
    default: return 8;
  }
}

function writeInstructions(b: Buffer, off: number, list: readonly Instruction[]): number {
  let p = off;
  for (const i of list) {
    const len = instructionLength(i);
    writeU16(b, p + 2, len);
    writeU32(b, p + 4, 0);
    switch (i.type) {
      case 'apply_actions': case 'write_actions': writeU16(b, p, i.type === 'apply_actions' ? 4 : 3); writeActions(b, p + 8, i.actions); break;
      case 'goto_table': writeU16(b, p, 1); u8(b, p + 4, i.tableId); break;
      case 'write_metadata': writeU16(b, p, 2); writeBig(b, p + 8, 8, i.metadata); writeBig(b, p + 16, 8, i.mask); break;
      case 'clear_actions': writeU16(b, p, 5); break;
      case 'meter': writeU16(b, p, 6); u32(b, p + 4, i.meterId); break;
      case 'unsupported': throw notHere;
    }
    p += len;
  }
  return p;
}

function header(len: number, type: number, xid: number): Buffer {
  if (len > MAX_LEN) throw notHere;
  const b = Buffer.allocUnsafe(len);
  b[0] = OFP13; b[1] = type; writeU16(b, 2, len); u32(b, 4, xid);
  return b;
}

function writeFlowMod(m: MessageOf<'flow_mod'>): Buffer {
  const mp = planMatch(m.match);
  let instrLen = 0;
  for (const i of m.instructions) instrLen += instructionLength(i);
  const b = header(48 + padded(mp.len) + instrLen, OFPT_FLOW_MOD, m.xid);
  writeBig(b, 8, 8, m.cookie); writeBig(b, 16, 8, m.cookieMask);
  u8(b, 24, m.tableId); u8(b, 25, m.command); u16(b, 26, m.idleTimeout); u16(b, 28, m.hardTimeout);
  u16(b, 30, m.priority); u32(b, 32, m.bufferId); u32(b, 36, m.outPort); u32(b, 40, m.outGroup);
  u16(b, 44, m.flags); writeU16(b, 46, 0);
  writeInstructions(b, writeMatch(b, 48, m.match, mp), m.instructions);
  return b;
}

function writePacketOut(m: MessageOf<'packet_out'>): Buffer {
  const actionsLen = actionsLength(m.actions);
  const b = header(24 + actionsLen + m.data.length, OFPT_PACKET_OUT, m.xid);
  u32(b, 8, m.bufferId); u32(b, 12, m.inPort); writeU16(b, 16, actionsLen); zero(b, 18, 24);
  m.data.copy(b, writeActions(b, 24, m.actions));
  return b;
}

function writePacketIn(m: MessageOf<'packet_in'>): Buffer {
  const mp = planMatch(m.match);
  const b = header(24 + padded(mp.len) + 2 + m.data.length, OFPT_PACKET_IN, m.xid);
  u32(b, 8, m.bufferId); u16(b, 12, m.totalLen); u8(b, 14, m.reason); u8(b, 15, m.tableId);
  writeBig(b, 16, 8, m.cookie);
  const p = writeMatch(b, 24, m.match, mp);
  b[p] = 0; b[p + 1] = 0;
  m.data.copy(b, p + 2);
  return b;
}

const keyScratch = Buffer.alloc(4096);

/**
 * A canonical key of a match: its OXM fields in field order as bytes (masks equal to the whole
 * field dropped), as a latin1 string. Values that do not fit their field get a text form instead.
 */
export function matchKey(m: FlowMatch): string {
  try {
    const plan = planMatch(m);
    if (plan.len > keyScratch.length) throw notHere;
    writeMatch(keyScratch, 0, m, plan);
    return keyScratch.toString('latin1', 4, plan.len);
  } catch (e) {
    if (e !== notHere && !(e instanceof RangeError)) throw e;
    let key = '';
    for (const k of presentFieldsOf(m)) {
      const v = m[k]!;
      key += v.mask === undefined ? `${k}=${v.value.toString(16)},` : `${k}=${v.value.toString(16)}/${v.mask.toString(16)},`;
    }
    return key;
  }
}

/** The bytes of a hot 1.3 message, or null: other types, or values the codec path must judge. */
export function writeHot13(m: OfMessage): Buffer | null {
  if (m.version !== OFP13) return null;
  try {
    switch (m.type) {
      case 'flow_mod': return writeFlowMod(m);
      case 'packet_out': return writePacketOut(m);
      case 'packet_in': return writePacketIn(m);
      default: return null;
    }
  } catch (e) {
    // Out-of-range numbers (Node's ERR_OUT_OF_RANGE) and what the writers leave to the codec.
    if (e === notHere || e instanceof RangeError) return null;
    throw e;
  }
}
