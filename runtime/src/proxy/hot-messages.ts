// The proxy's hot messages — packet-in, flow-mod, packet-out, OpenFlow 1.3 and 1.0 — read from the
// frame straight into the neutral messages (messages.ts) and written straight back to bytes, without
// a codec message object or text forms of addresses on the way. Part of the one translation
// (wire.ts): for these three types this module is the only decoder and encoder, so it answers
// every frame of its types: a message, or an error value — `refused` (what the proxy cannot slice,
// exactly what translate.ts says of the codec's message) or `malformed` (what the codec rejects; the
// caller takes the codec's diagnostic for the reply). 1.3 matches, actions and instructions are read
// here over the codec's OXM field table (values in the codec's binary form); 1.0 ones with the
// codec's own structure readers and writers (runtime/src/openflow/actions.ts) and the 1.0 mapping of
// translate.ts. test/proxy/hot-messages.test.ts holds it to the codec path on random and mutated
// frames. Readers give packet data as a view of the frame (frames are views of fresh read buffers).
import {
  OXM_FIELDS,
  ACTION13_CODES,
  INSTRUCTION_CODES,
  MATCH10_LEN,
  readActions10,
  writeActions10,
  actions10Length,
} from '../openflow/index.js';
import { CodecFault, Reader, Writer, readU64At, writeU64At } from '../openflow/bytes.js';
import type { Action, ErrorKind, FieldName, FieldValue, FlowMatch, Instruction, MessageOf, OfMessage } from './messages.js';
import { OFP10, OFP13 } from './messages.js';
import {
  exactValue,
  FIELD_INDEX,
  fullMask,
  inPortMatch,
  isFieldName,
  presentFields as presentFieldsOf,
  smallBig,
} from './match-algebra.js';
import { actionsFrom10, actionsTo10, instructionsTo10, port10to13, port13to10 } from './translate.js';
import { readMatch10At, writeMatch10At } from './match10-bytes.js';

const OFPT_PACKET_IN = 10;
const OFPT_PACKET_OUT = 13;
const OFPT_FLOW_MOD = 14;
const OFPT10_PACKET_IN = 10;
const OFPT10_PACKET_OUT = 13;
const OFPT10_FLOW_MOD = 14;
const OFPXMC_OPENFLOW_BASIC = 0x8000;
const MAX_LEN = 0xffff;

/** An error value instead of a message: what the proxy cannot slice, or a frame the codec rejects. */
export interface Refusal {
  readonly refused: ErrorKind | 'malformed';
  readonly message: string;
}
export type HotRead = OfMessage | Refusal;
export const isRefusal = (r: HotRead): r is Refusal => 'refused' in r;

/** Whether a frame of this version and type byte is one of the hot messages read here. */
export function isHot(version: number, type: number): boolean {
  if (version === OFP13) return type === OFPT_PACKET_IN || type === OFPT_PACKET_OUT || type === OFPT_FLOW_MOD;
  if (version === OFP10) return type === OFPT10_PACKET_IN || type === OFPT10_PACKET_OUT || type === OFPT10_FLOW_MOD;
  return false;
}

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

/** Thrown inside the readers for a frame the codec rejects; never escapes this module. */
class Malformed extends Error {}
const malformed = new Malformed();
function bad(): never {
  throw malformed;
}

/** The first thing the current read found that the proxy cannot slice (the rest is still checked). */
let refusal: Refusal | null = null;
function refuse(kind: ErrorKind, message: string): void {
  if (refusal === null) refusal = { refused: kind, message };
}

/** A field of at most 6 bytes at `o` (inside the frame: the caller checked) as a number. */
function readNumber(b: Buffer, o: number, size: number): number {
  switch (size) {
    case 1:
      return b[o]!;
    case 2:
      return (b[o]! << 8) | b[o + 1]!;
    case 4:
      return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    case 6:
      return ((b[o]! << 8) | b[o + 1]!) * 0x100000000 + (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0);
    default:
      return b.readUIntBE(o, size);
  }
}

/**
 * `m[info.name] = v`, the usual fields by name: each a store site of its own, which stays fast for
 * the matches one controller sends (one keyed store for all names goes megamorphic).
 */
function setField(m: FlowMatch, info: FieldInfo, v: FieldValue): void {
  switch (info.number) {
    case 0:
      m.in_port = v;
      return;
    case 3:
      m.eth_dst = v;
      return;
    case 4:
      m.eth_src = v;
      return;
    case 5:
      m.eth_type = v;
      return;
    case 6:
      m.vlan_vid = v;
      return;
    case 8:
      m.ip_dscp = v;
      return;
    case 9:
      m.ip_ecn = v;
      return;
    case 10:
      m.ip_proto = v;
      return;
    case 11:
      m.ipv4_src = v;
      return;
    case 12:
      m.ipv4_dst = v;
      return;
    case 13:
      m.tcp_src = v;
      return;
    case 14:
      m.tcp_dst = v;
      return;
    case 15:
      m.udp_src = v;
      return;
    case 16:
      m.udp_dst = v;
      return;
    default:
      m[info.name] = v;
  }
}

function readBig(b: Buffer, o: number, size: number): bigint {
  switch (size) {
    case 1:
      return smallBig(b[o]!);
    case 2:
      return smallBig(b.readUInt16BE(o));
    case 4:
      return smallBig(b.readUInt32BE(o));
    case 6:
      return BigInt(b.readUIntBE(o, 6));
    case 8:
      return readU64At(b, o);
    default:
      return (b.readBigUInt64BE(o) << 64n) | b.readBigUInt64BE(o + 8);
  }
}

/** What oxmAt found besides the field: the has-mask bit and the payload length (no object per TLV). */
let oxmMasked = false;
let oxmLen = 0;

/**
 * Checks one OXM TLV at p (inside [p, end)) as the codec's readOxm does and returns its field info
 * when the proxy slices on it; otherwise records why not (`refuse`, when `refuseAs`) and returns
 * null. Sets oxmMasked and oxmLen.
 */
function oxmAt(b: Buffer, p: number, end: number, refuseAs: ErrorKind | null): FieldInfo | null {
  if (p + 4 > end) bad();
  const cls = b.readUInt16BE(p);
  const hdr = b[p + 2]!;
  const len = b[p + 3]!;
  const masked = (hdr & 1) === 1;
  if (p + 4 + len > end) bad();
  oxmMasked = masked;
  oxmLen = len;
  const def = cls === OFPXMC_OPENFLOW_BASIC ? OXM_FIELDS[hdr >> 1] : undefined;
  if (!def) {
    if (masked && len % 2 !== 0) bad();
    if (refuseAs) refuse(refuseAs, `OXM class 0x${cls.toString(16)} field ${hdr >> 1} is not sliced`);
    return null;
  }
  if (len !== (masked ? 2 * def.size : def.size)) bad();
  const info = BY_NUMBER[hdr >> 1];
  if (!info && refuseAs) refuse(refuseAs, `match on ${def.name} is not sliced`);
  return info ?? null;
}

/**
 * What readMatch found besides the match: the offset after it (padding included), and where its
 * canonical key (matchKey's bytes) starts in the frame when the TLVs already are in canonical form
 * (-1: they are not). `matchKeyable`: they are but for their order (no whole-field mask, nothing
 * refused), and the TLVs' field order, offsets and lengths are in TLV_*[0, tlvCount) (-1: too many).
 */
let matchNext = 0;
let matchKeyRead = -1;
let matchKeyable = false;
const MAX_TLVS = 64;
const TLV_ORDER = new Int32Array(MAX_TLVS);
const TLV_AT = new Int32Array(MAX_TLVS);
const TLV_LEN = new Int32Array(MAX_TLVS);
let tlvCount = 0;
/** An ofp_match (OXM) at `off`; `end` bounds it with its padding. */
function readMatch(b: Buffer, off: number, end: number): FlowMatch {
  if (off + 4 > end) bad();
  const len = b.readUInt16BE(off + 2);
  if (b.readUInt16BE(off) !== 1 || len < 4) bad();
  const mEnd = off + len;
  const next = off + ((len + 7) & ~7);
  if (next > end) bad();
  const match: FlowMatch = {};
  let canonical = true;
  let ordered = true;
  let last = -1;
  let n = 0;
  let p = off + 4;
  while (p < mEnd) {
    // The common case inline (a basic field the proxy slices, of its size); anything else by oxmAt.
    let info = p + 4 <= mEnd && b[p] === 0x80 && b[p + 1] === 0 ? BY_NUMBER[b[p + 2]! >> 1] : undefined;
    let masked = false;
    let len = 0;
    if (info) {
      masked = (b[p + 2]! & 1) === 1;
      len = b[p + 3]!;
      if (len !== (masked ? 2 * info.size : info.size) || p + 4 + len > mEnd) info = undefined;
    }
    if (!info) {
      info = oxmAt(b, p, mEnd, 'eperm_match') ?? undefined;
      masked = oxmMasked;
      len = oxmLen;
    }
    if (info) {
      if (masked) {
        const value = readBig(b, p + 4, info.size);
        const mask = readBig(b, p + 4 + info.size, info.size);
        if (mask === info.full) canonical = false;
        setField(match, info, { value, mask });
      } else {
        // Fields up to 48 bits: a shared constraint where the value repeats (no bigint, no object).
        setField(match, info, info.size <= 6 ? exactValue(readNumber(b, p + 4, info.size)) : { value: readBig(b, p + 4, info.size) });
      }
      if (info.order <= last) ordered = false;
      last = info.order;
      if (n < MAX_TLVS) {
        TLV_ORDER[n] = info.order;
        TLV_AT[n] = p;
        TLV_LEN[n] = 4 + len;
      }
      n++;
    }
    p += 4 + len;
  }
  matchNext = next;
  matchKeyable = canonical && refusal === null;
  matchKeyRead = matchKeyable && ordered ? off + 4 : -1;
  tlvCount = n <= MAX_TLVS ? n : -1;
  return match;
}

/**
 * The TLVs readMatch just read from `b` (matchKeyable, out of order) written in field order into
 * KEY13 from 0: the match's canonical key (matchKey's bytes). Its length, or -1 when a field came
 * twice (the match keeps the last: its key is written from the match) or they do not fit.
 */
function sortTlvsInto13(b: Buffer): number {
  const n = tlvCount;
  if (n < 0) return -1;
  // One controller writes its matches in one field order (Open vSwitch's, for one): the order of
  // the TLVs sorted last is kept, and the same order again takes its permutation as it is.
  let same = n === sortedN;
  for (let i = 0; same && i < n; i++) if (TLV_ORDER[i] !== SORTED_ORDER[i]) same = false;
  const idx = SORTED;
  if (!same) {
    // Insertion sort of the TLV indexes by field order (a handful; no allocation).
    for (let i = 0; i < n; i++) {
      let j = i - 1;
      while (j >= 0 && TLV_ORDER[idx[j]!]! > TLV_ORDER[i]!) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      idx[j + 1] = i;
    }
    sortedTwice = false;
    for (let k = 1; k < n; k++) if (TLV_ORDER[idx[k - 1]!] === TLV_ORDER[idx[k]!]) sortedTwice = true;
    SORTED_ORDER.set(TLV_ORDER.subarray(0, n));
    sortedN = n;
  }
  if (sortedTwice) return -1;
  let at = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const len = TLV_LEN[i]!;
    if (at + len > KEY_ROOM) return -1;
    tlvToKey13(b, TLV_AT[i]!, at, len);
    at += len;
  }
  return at;
}
/** The permutation sortTlvsInto13 made last (SORTED[0, sortedN)), for the field order SORTED_ORDER; whether a field came twice in it. */
const SORTED = new Int32Array(MAX_TLVS);
const SORTED_ORDER = new Int32Array(MAX_TLVS);
let sortedN = -1;
let sortedTwice = false;

/**
 * The `len`-byte TLV at b[p] copied to KEY13[at]: unrolled for the usual lengths (a field of 1, 2,
 * 4 or 6 bytes: the loop's per-byte overhead was half the sort's cost).
 */
function tlvToKey13(b: Buffer, p: number, at: number, len: number): void {
  const k = KEY13;
  k[at] = b[p]!;
  k[at + 1] = b[p + 1]!;
  k[at + 2] = b[p + 2]!;
  k[at + 3] = b[p + 3]!;
  if (len === 5 || len === 6 || len === 8 || len === 10) {
    k[at + 4] = b[p + 4]!;
    if (len === 5) return;
    k[at + 5] = b[p + 5]!;
    if (len === 6) return;
    k[at + 6] = b[p + 6]!;
    k[at + 7] = b[p + 7]!;
    if (len === 8) return;
    k[at + 8] = b[p + 8]!;
    k[at + 9] = b[p + 9]!;
    return;
  }
  for (let i = 4; i < len; i++) k[at + i] = b[p + i]!;
}

/** `len` bytes from src[from] to dst[at]: a loop for the few bytes of a TLV or a match (Buffer.copy's native call costs more). */
function copySmall(src: Buffer, from: number, dst: Buffer, at: number, len: number): void {
  if (len > 128) {
    src.copy(dst, at, from, from + len);
    return;
  }
  for (let i = 0; i < len; i++) dst[at + i] = src[from + i]!;
}

/**
 * The type-length-value items (actions, instructions: 16-bit type and length, lengths in
 * multiples of 8) in [off, end), each read by `item`.
 */
function readTlvs<T>(b: Buffer, off: number, end: number, item: (b: Buffer, type: number, p: number, len: number) => T): T[] {
  const out: T[] = [];
  for (let p = off; p < end; ) {
    if (p + 4 > end) bad();
    const len = b.readUInt16BE(p + 2);
    if (len < 8 || len % 8 !== 0 || p + len > end) bad();
    out.push(item(b, b.readUInt16BE(p), p, len));
    p += len;
  }
  return out;
}

const UNSUPPORTED_8: ReadonlySet<number> = new Set([
  ACTION13_CODES.copy_ttl_out,
  ACTION13_CODES.copy_ttl_in,
  ACTION13_CODES.set_mpls_ttl,
  ACTION13_CODES.dec_mpls_ttl,
  ACTION13_CODES.set_nw_ttl,
  ACTION13_CODES.push_pbb,
  ACTION13_CODES.pop_pbb,
]);

/** One OpenFlow 1.3 action; the ones the proxy does not model become `unsupported` with their code. */
function readAction(b: Buffer, type: number, p: number, len: number): Action {
  switch (type) {
    case 0:
      if (len !== 16) bad();
      return { type: 'output', port: b.readUInt32BE(p + 4), maxLen: b.readUInt16BE(p + 8) };
    case 17:
    case 19:
    case 20:
      if (len !== 8) bad();
      return { type: type === 17 ? 'push_vlan' : type === 19 ? 'push_mpls' : 'pop_mpls', ethertype: b.readUInt16BE(p + 4) };
    case 18:
    case 24:
      if (len !== 8) bad();
      return { type: type === 18 ? 'pop_vlan' : 'dec_nw_ttl' };
    case 21:
    case 22:
      if (len !== 8) bad();
      return type === 21 ? { type: 'set_queue', queueId: b.readUInt32BE(p + 4) } : { type: 'group', groupId: b.readUInt32BE(p + 4) };
    case 25: {
      const info = oxmAt(b, p + 4, p + len, null);
      if (len !== ((8 + oxmLen + 7) & ~7)) bad();
      if (!info || oxmMasked) return { type: 'unsupported', code: ACTION13_CODES.set_field };
      return { type: 'set_field', field: info.name, value: readBig(b, p + 8, info.size) };
    }
    case ACTION13_CODES.experimenter:
      return { type: 'unsupported', code: type };
    default:
      if (!UNSUPPORTED_8.has(type) || len !== 8) bad();
      return { type: 'unsupported', code: type };
  }
}

const readActions = (b: Buffer, off: number, end: number): Action[] => readTlvs(b, off, end, readAction);

function readInstruction(b: Buffer, type: number, p: number, len: number): Instruction {
  switch (type) {
    case 3:
    case 4:
      return { type: type === 4 ? 'apply_actions' : 'write_actions', actions: readActions(b, p + 8, p + len) };
    case 1:
      if (len !== 8) bad();
      return { type: 'goto_table', tableId: b[p + 4]! };
    case 2:
      if (len !== 24) bad();
      return { type: 'write_metadata', metadata: b.readBigUInt64BE(p + 8), mask: b.readBigUInt64BE(p + 16) };
    case 5:
      if (len !== 8) bad();
      return { type: 'clear_actions' };
    case 6:
      if (len !== 8) bad();
      return { type: 'meter', meterId: b.readUInt32BE(p + 4) };
    case INSTRUCTION_CODES.experimenter:
      return { type: 'unsupported', code: type };
    default:
      return bad();
  }
}

const readInstructions = (b: Buffer, off: number, end: number): Instruction[] => readTlvs(b, off, end, readInstruction);

function whole(b: Buffer, min: number): void {
  if (b.length < min || b.readUInt16BE(2) !== b.length) bad();
}

/**
 * The match of the last 1.3 flow-mod read whose TLVs were canonical but perhaps for their order
 * (Open vSwitch writes eth_src before eth_dst, for one), and its canonical key bytes: in the frame
 * when in order, else sorted into KEY13. The flow table's key of that match (frame-key.ts), and
 * what writeFlowMod copies when it writes that very match object (a rewritten rule that is its
 * tenant's own match, matches being never mutated once built): writeMatch would write the same
 * bytes. Frames are views of fresh read buffers; KEY13 is rewritten by the next flow-mod read.
 */
let canonicalRead: FlowMatch | null = null;
let canonicalBuf: Buffer = Buffer.alloc(0);
let canonicalAt = 0;
let canonicalLen = 0;
const KEY_ROOM = 4096;
const KEY13 = Buffer.alloc(KEY_ROOM);
/** KEY13[0, n) as a view of its own, by n: the writer copies a sorted key with one native call and no allocation. */
const KEY13_VIEWS: Array<Buffer | undefined> = new Array<Buffer | undefined>(KEY_ROOM + 1).fill(undefined);

/** The match the canonical key bytes below belong to (object identity), or null. */
export const readKeyMatch = (): FlowMatch | null => canonicalRead;
/** The canonical key of readKeyMatch(): its bytes are readKeyBuffer()[readKeyAt(), readKeyAt() + readKeyLength()). */
export const readKeyBuffer = (): Buffer => canonicalBuf;
export const readKeyAt = (): number => canonicalAt;
export const readKeyLength = (): number => canonicalLen;

function readFlowMod13(b: Buffer): MessageOf<'flow_mod'> {
  whole(b, 48);
  const match = readMatch(b, 48, b.length);
  const matchKeyAt = matchKeyRead >= 0 ? matchKeyRead : undefined;
  canonicalRead = null;
  if (matchKeyAt !== undefined) {
    canonicalRead = match;
    canonicalBuf = b;
    canonicalAt = matchKeyAt;
    canonicalLen = b.readUInt16BE(50) - 4;
  } else if (matchKeyable) {
    const n = sortTlvsInto13(b);
    if (n >= 0) {
      canonicalRead = match;
      canonicalBuf = KEY13;
      canonicalAt = 0;
      canonicalLen = n;
    }
  }
  const instructions = readInstructions(b, matchNext, b.length);
  return {
    version: OFP13,
    xid: b.readUInt32BE(4),
    type: 'flow_mod',
    cookie: readU64At(b, 8),
    cookieMask: readU64At(b, 16),
    tableId: b[24]!,
    command: b[25]!,
    idleTimeout: b.readUInt16BE(26),
    hardTimeout: b.readUInt16BE(28),
    priority: b.readUInt16BE(30),
    bufferId: b.readUInt32BE(32),
    outPort: b.readUInt32BE(36),
    outGroup: b.readUInt32BE(40),
    flags: b.readUInt16BE(44),
    match,
    instructions,
    matchKeyAt,
  };
}

function readPacketOut13(b: Buffer): MessageOf<'packet_out'> {
  whole(b, 24);
  const actionsEnd = 24 + b.readUInt16BE(16);
  if (actionsEnd > b.length) bad();
  const actions = readActions(b, 24, actionsEnd);
  return {
    version: OFP13,
    xid: b.readUInt32BE(4),
    type: 'packet_out',
    bufferId: b.readUInt32BE(8),
    inPort: b.readUInt32BE(12),
    actions,
    data: b.subarray(actionsEnd),
  };
}

function readPacketIn13(b: Buffer): MessageOf<'packet_in'> {
  whole(b, 24);
  // The usual packet-in match, in_port alone (one 8-byte TLV): the shared match of that port.
  const inPortOnly = b.length >= 40 && b.readUInt16BE(24) === 1 && b.readUInt16BE(26) === 12 && b.readUInt32BE(28) === 0x80000004;
  const match = inPortOnly ? inPortMatch(b.readUInt32BE(32)) : readMatch(b, 24, b.length);
  const next = inPortOnly ? 40 : matchNext;
  if (next + 2 > b.length) bad();
  return {
    version: OFP13,
    xid: b.readUInt32BE(4),
    type: 'packet_in',
    bufferId: b.readUInt32BE(8),
    totalLen: b.readUInt16BE(12),
    reason: b[14]!,
    tableId: b[15]!,
    cookie: readU64At(b, 16),
    match,
    data: b.subarray(next + 2),
  };
}

// OpenFlow 1.0: the codec's match and action readers over the frame, the 1.0 mapping of translate.ts.

/**
 * The 1.0 actions in [off, end): a list of outputs only (a learning controller's) read here, each
 * as actionsFrom10 makes it; any other list through the codec's reader and actionsFrom10.
 */
function readActions10At(b: Buffer, off: number, end: number): Action[] {
  const out: Action[] = [];
  for (let p = off; p < end; p += 8) {
    if (p + 8 > end || b[p] !== 0 || b[p + 1] !== 0 || b[p + 2] !== 0 || b[p + 3] !== 8)
      return actionsFrom10(readActions10(new Reader(b, off, end)));
    out.push({ type: 'output', port: port10to13(b.readUInt16BE(p + 4)), maxLen: b.readUInt16BE(p + 6) });
  }
  return out;
}

function readFlowMod10(b: Buffer): MessageOf<'flow_mod'> {
  whole(b, 8 + MATCH10_LEN + 24);
  const match = readMatch10At(b, 8);
  const actions = readActions10At(b, 8 + MATCH10_LEN + 24, b.length);
  return {
    version: OFP10,
    xid: b.readUInt32BE(4),
    type: 'flow_mod',
    cookie: readU64At(b, 48),
    cookieMask: 0n,
    tableId: 0,
    command: b.readUInt16BE(56),
    idleTimeout: b.readUInt16BE(58),
    hardTimeout: b.readUInt16BE(60),
    priority: b.readUInt16BE(62),
    bufferId: b.readUInt32BE(64),
    outPort: port10to13(b.readUInt16BE(68)),
    outGroup: 0xffffffff,
    flags: b.readUInt16BE(70),
    match,
    instructions: [{ type: 'apply_actions', actions }],
  };
}

function readPacketOut10(b: Buffer): MessageOf<'packet_out'> {
  whole(b, 16);
  const actionsEnd = 16 + b.readUInt16BE(14);
  if (actionsEnd > b.length) bad();
  const actions = readActions10At(b, 16, actionsEnd);
  return {
    version: OFP10,
    xid: b.readUInt32BE(4),
    type: 'packet_out',
    bufferId: b.readUInt32BE(8),
    inPort: port10to13(b.readUInt16BE(12)),
    actions,
    data: b.subarray(actionsEnd),
  };
}

function readPacketIn10(b: Buffer): MessageOf<'packet_in'> {
  whole(b, 18);
  return {
    version: OFP10,
    xid: b.readUInt32BE(4),
    type: 'packet_in',
    bufferId: b.readUInt32BE(8),
    totalLen: b.readUInt16BE(12),
    reason: b[16]!,
    tableId: 0,
    cookie: 0n,
    match: inPortMatch(port10to13(b.readUInt16BE(14))),
    data: b.subarray(18),
  };
}

function readByType(b: Buffer): OfMessage {
  if (b[0] === OFP13) {
    switch (b[1]) {
      case OFPT_FLOW_MOD:
        return readFlowMod13(b);
      case OFPT_PACKET_OUT:
        return readPacketOut13(b);
      default:
        return readPacketIn13(b);
    }
  }
  switch (b[1]) {
    case OFPT10_FLOW_MOD:
      return readFlowMod10(b);
    case OFPT10_PACKET_OUT:
      return readPacketOut10(b);
    default:
      return readPacketIn10(b);
  }
}

/**
 * A hot message (see isHot) as a neutral one, or an error value; null for any other frame.
 * Never throws.
 */
export function readHot(b: Buffer): HotRead | null {
  if (b.length < 8 || !isHot(b[0]!, b[1]!)) return null;
  refusal = null;
  try {
    const m = readByType(b);
    return refusal ?? m;
  } catch (e) {
    if (e === malformed || e instanceof CodecFault || e instanceof RangeError)
      return { refused: 'malformed', message: e === malformed ? 'malformed' : (e as Error).message };
    throw e;
  } finally {
    refusal = null;
  }
}

// ---- writing ---------------------------------------------------------------------------

/** What the writers cannot encode: a RangeError, as the codec's encoder throws (wire.ts makes it a value). */
function cannot(what: string): never {
  throw new RangeError(what);
}

const MAX_BY_SIZE = [0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff];

/** Checked writers for the message's numbers: what the codec's Writer refuses (out of range, fractions, NaN) is left to it. */
function u8(b: Buffer, o: number, v: number): void {
  if ((v & 0xff) !== v) cannot(`${v} is not an 8-bit number`);
  b[o] = v;
}

function u16(b: Buffer, o: number, v: number): void {
  if ((v & 0xffff) !== v) cannot(`${v} is not a 16-bit number`);
  writeU16(b, o, v);
}

function u32(b: Buffer, o: number, v: number): void {
  if (v >>> 0 !== v) cannot(`${v} is not a 32-bit number`);
  writeU32(b, o, v);
}

function writeU32(b: Buffer, o: number, n: number): void {
  b[o] = n >>> 24;
  b[o + 1] = (n >>> 16) & 0xff;
  b[o + 2] = (n >>> 8) & 0xff;
  b[o + 3] = n & 0xff;
}

function writeU16(b: Buffer, o: number, n: number): void {
  b[o] = n >>> 8;
  b[o + 1] = n & 0xff;
}

function zero(b: Buffer, from: number, to: number): void {
  for (let i = from; i < to; i++) b[i] = 0;
}

function writeBig(b: Buffer, o: number, size: number, v: bigint): void {
  if (size <= 6) {
    // Up to 48 bits: exact as a double, written without bigint arithmetic.
    const n = Number(v);
    if (!(n >= 0 && n <= MAX_BY_SIZE[size]!)) cannot(`${v} does not fit ${size} bytes`);
    switch (size) {
      case 1:
        b[o] = n;
        return;
      case 2:
        writeU16(b, o, n);
        return;
      case 4:
        writeU32(b, o, n);
        return;
      case 6:
        writeU16(b, o, Math.floor(n / 0x100000000));
        writeU32(b, o + 2, n >>> 0);
        return;
      default:
        b.writeUIntBE(n, o, size);
        return;
    }
  }
  if (size === 8) {
    writeU64At(b, o, v);
    return;
  }
  if (v < 0n || v >> 128n) cannot(`${v} does not fit 16 bytes`);
  b.writeBigUInt64BE(v >> 64n, o);
  b.writeBigUInt64BE(v & 0xffffffffffffffffn, o + 8);
}

/**
 * planMatch's answer: the match's fields in canonical order (PLAN[0..planCount)) and its length
 * without padding. Module scratch, no allocation: each writer plans and writes one match at a time.
 */
const PLAN: FieldInfo[] = [];
let planCount = 0;

function planMatch(m: FlowMatch): number {
  let len = 4,
    n = 0,
    sorted = true,
    last = -1;
  for (const k in m) {
    const fv = m[k as FieldName];
    if (!fv) continue;
    const info = BY_NAME[k];
    if (!info) cannot(`cannot match ${k}`);
    len += 4 + (fv.mask === undefined || fv.mask === info.full ? info.size : 2 * info.size);
    if (info.order < last) sorted = false;
    last = info.order;
    PLAN[n++] = info;
  }
  planCount = n;
  if (!sorted) {
    // Insertion sort: a handful of fields, and no allocation (Array.prototype.sort allocates).
    for (let i = 1; i < n; i++) {
      const x = PLAN[i]!;
      let j = i - 1;
      while (j >= 0 && PLAN[j]!.order > x.order) {
        PLAN[j + 1] = PLAN[j]!;
        j--;
      }
      PLAN[j + 1] = x;
    }
  }
  return len;
}

const padded = (n: number) => (n + 7) & ~7;

/** Writes the match planMatch just planned (its length `len`) at `off`; returns the offset after its padding. */
function writeMatch(b: Buffer, off: number, m: FlowMatch, len: number): number {
  writeU16(b, off, 1);
  writeU16(b, off + 2, len);
  let p = off + 4;
  for (let i = 0; i < planCount; i++) {
    const info = PLAN[i]!;
    const fv = m[info.name]!;
    const masked = fv.mask !== undefined && fv.mask !== info.full;
    b[p] = 0x80;
    b[p + 1] = 0;
    b[p + 2] = (info.number << 1) | (masked ? 1 : 0);
    b[p + 3] = masked ? 2 * info.size : info.size;
    writeBig(b, p + 4, info.size, fv.value);
    if (masked) writeBig(b, p + 4 + info.size, info.size, fv.mask!);
    p += 4 + (masked ? 2 : 1) * info.size;
  }
  const end = off + padded(len);
  zero(b, p, end);
  return end;
}

function actionLength(a: Action): number {
  switch (a.type) {
    case 'output':
      return 16;
    case 'set_field': {
      const info = BY_NAME[a.field];
      if (!info) cannot(`cannot set ${a.field}`);
      return padded(8 + info.size);
    }
    case 'unsupported':
      return cannot(`cannot encode unsupported action ${a.code}`);
    default:
      return 8;
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
      case 'output':
        writeU16(b, p, 0);
        u32(b, p + 4, a.port);
        u16(b, p + 8, a.maxLen);
        break;
      case 'push_vlan':
      case 'push_mpls':
      case 'pop_mpls':
        writeU16(b, p, a.type === 'push_vlan' ? 17 : a.type === 'push_mpls' ? 19 : 20);
        u16(b, p + 4, a.ethertype);
        break;
      case 'pop_vlan':
        writeU16(b, p, 18);
        break;
      case 'dec_nw_ttl':
        writeU16(b, p, 24);
        break;
      case 'set_queue':
        writeU16(b, p, 21);
        u32(b, p + 4, a.queueId);
        break;
      case 'group':
        writeU16(b, p, 22);
        u32(b, p + 4, a.groupId);
        break;
      case 'set_field': {
        const info = BY_NAME[a.field]!;
        writeU16(b, p, 25);
        writeU16(b, p + 4, OFPXMC_OPENFLOW_BASIC);
        b[p + 6] = info.number << 1;
        b[p + 7] = info.size;
        writeBig(b, p + 8, info.size, a.value);
        break;
      }
      case 'unsupported':
        cannot(`cannot encode unsupported action ${a.code}`);
    }
    p += len;
  }
  return p;
}

function instructionLength(i: Instruction): number {
  switch (i.type) {
    case 'apply_actions':
    case 'write_actions':
      return 8 + actionsLength(i.actions);
    case 'write_metadata':
      return 24;
    case 'unsupported':
      return cannot(`cannot encode unsupported instruction ${i.code}`);
    default:
      return 8;
  }
}

function writeInstructions(b: Buffer, off: number, list: readonly Instruction[]): number {
  let p = off;
  for (const i of list) {
    const len = instructionLength(i);
    writeU16(b, p + 2, len);
    writeU32(b, p + 4, 0);
    switch (i.type) {
      case 'apply_actions':
      case 'write_actions':
        writeU16(b, p, i.type === 'apply_actions' ? 4 : 3);
        writeActions(b, p + 8, i.actions);
        break;
      case 'goto_table':
        writeU16(b, p, 1);
        u8(b, p + 4, i.tableId);
        break;
      case 'write_metadata':
        writeU16(b, p, 2);
        writeBig(b, p + 8, 8, i.metadata);
        writeBig(b, p + 16, 8, i.mask);
        break;
      case 'clear_actions':
        writeU16(b, p, 5);
        break;
      case 'meter':
        writeU16(b, p, 6);
        u32(b, p + 4, i.meterId);
        break;
      case 'unsupported':
        cannot(`cannot encode unsupported instruction ${i.code}`);
    }
    p += len;
  }
  return p;
}

/**
 * Where written messages go: 64 KB chunks filled one message after another with no gap, so the
 * messages a channel queues in one round usually lie end to end in one chunk and go out as one
 * view of it (channel.ts `flush`) instead of being copied together. A chunk is never written twice:
 * a full one is left to the messages in it (freed with the last of them).
 */
const CHUNK = 64 * 1024;
let chunk = Buffer.allocUnsafeSlow(CHUNK);
let chunkAt = 0;

/** `len` fresh (unzeroed) bytes for one message: the writer sets every one. */
export function outBytes(len: number): Buffer {
  if (len > CHUNK / 8) return Buffer.allocUnsafe(len);
  if (chunkAt + len > CHUNK) {
    chunk = Buffer.allocUnsafeSlow(CHUNK);
    chunkAt = 0;
  }
  const b = chunk.subarray(chunkAt, chunkAt + len);
  chunkAt += len;
  return b;
}

function header(len: number, type: number, xid: number): Buffer {
  if (len > MAX_LEN) cannot(`message too long: ${len} bytes`);
  const b = outBytes(len);
  b[0] = OFP13;
  b[1] = type;
  writeU16(b, 2, len);
  u32(b, 4, xid);
  return b;
}

function writeFlowMod(m: MessageOf<'flow_mod'>): Buffer {
  const copied = m.match === canonicalRead;
  const mp = copied ? 4 + canonicalLen : planMatch(m.match);
  let instrLen = 0;
  for (const i of m.instructions) instrLen += instructionLength(i);
  const b = header(48 + padded(mp) + instrLen, OFPT_FLOW_MOD, m.xid);
  writeBig(b, 8, 8, m.cookie);
  writeBig(b, 16, 8, m.cookieMask);
  u8(b, 24, m.tableId);
  u8(b, 25, m.command);
  u16(b, 26, m.idleTimeout);
  u16(b, 28, m.hardTimeout);
  u16(b, 30, m.priority);
  u32(b, 32, m.bufferId);
  u32(b, 36, m.outPort);
  u32(b, 40, m.outGroup);
  u16(b, 44, m.flags);
  writeU16(b, 46, 0);
  writeInstructions(b, copied ? copyCanonicalMatch(b, 48, mp) : writeMatch(b, 48, m.match, mp), m.instructions);
  return b;
}

/** The canonical match read last (see canonicalRead; `len`: its ofp_match length) at `off`, zero-padded; the offset after its padding. */
function copyCanonicalMatch(b: Buffer, off: number, len: number): number {
  writeU16(b, off, 1);
  writeU16(b, off + 2, len);
  const n = len - 4;
  // The sorted key (Open vSwitch's order read): one native copy from a view kept per length; the
  // frame's own bytes (read in order): natively past a few dozen bytes.
  if (canonicalBuf === KEY13) b.set((KEY13_VIEWS[n] ??= KEY13.subarray(0, n)), off + 4);
  else if (n > 32) canonicalBuf.copy(b, off + 4, canonicalAt, canonicalAt + n);
  else copySmall(canonicalBuf, canonicalAt, b, off + 4, n);
  const end = off + padded(len);
  zero(b, off + len, end);
  return end;
}

function writePacketOut(m: MessageOf<'packet_out'>): Buffer {
  const actionsLen = actionsLength(m.actions);
  const b = header(24 + actionsLen + m.data.length, OFPT_PACKET_OUT, m.xid);
  u32(b, 8, m.bufferId);
  u32(b, 12, m.inPort);
  writeU16(b, 16, actionsLen);
  zero(b, 18, 24);
  // TypedArray set: one native copy without Buffer.copy's argument checks (a third of its cost on a frame's bytes).
  b.set(m.data, writeActions(b, 24, m.actions));
  return b;
}

function writePacketIn(m: MessageOf<'packet_in'>): Buffer {
  // The usual match, a port's shared in_port match (inPortMatch): its 16 bytes without a plan.
  const ip = m.match.in_port;
  const port = ip !== undefined && ip.mask === undefined ? Number(ip.value) : -1;
  const inPortOnly = port >= 0 && port < 0x10000 && m.match === inPortMatch(port);
  const mp = inPortOnly ? 12 : planMatch(m.match);
  const b = header(24 + padded(mp) + 2 + m.data.length, OFPT_PACKET_IN, m.xid);
  u32(b, 8, m.bufferId);
  u16(b, 12, m.totalLen);
  u8(b, 14, m.reason);
  u8(b, 15, m.tableId);
  writeBig(b, 16, 8, m.cookie);
  const p = inPortOnly ? writeInPortMatch(b, 24, port) : writeMatch(b, 24, m.match, mp);
  b[p] = 0;
  b[p + 1] = 0;
  b.set(m.data, p + 2);
  return b;
}

/** The match `in_port = port` (type OXM, length 12, one TLV, 4 bytes of padding) at `off`; the offset after it. */
function writeInPortMatch(b: Buffer, off: number, port: number): number {
  writeU16(b, off, 1);
  writeU16(b, off + 2, 12);
  writeU32(b, off + 4, 0x80000004);
  writeU32(b, off + 8, port);
  writeU32(b, off + 12, 0);
  return off + 16;
}

const keyScratch = Buffer.alloc(4096);

/**
 * A canonical key of a match: its OXM fields in field order as bytes (masks equal to the whole
 * field dropped), as a latin1 string. Values that do not fit their field get a text form instead.
 */
export function matchKey(m: FlowMatch): string {
  const n = writeMatchKey(m, keyScratch, 0);
  if (n >= 0) return keyScratch.toString('latin1', 4, 4 + n);
  let key = '';
  for (const k of presentFieldsOf(m)) {
    const v = m[k]!;
    key += v.mask === undefined ? `${k}=${v.value.toString(16)},` : `${k}=${v.value.toString(16)}/${v.mask.toString(16)},`;
  }
  return key;
}

/**
 * matchKey's bytes without the string (the flow table keeps them as bytes): the match written at
 * `at` (its 4-byte header, then the key, then padding to 8; `into` must have 4096 bytes from `at`);
 * the key's length (it starts at `at + 4`), or -1 when the match needs matchKey's text form.
 */
export function writeMatchKey(m: FlowMatch, into: Buffer, at: number): number {
  try {
    const len = planMatch(m);
    if (len > 4096) cannot('match too long for a key');
    writeMatch(into, at, m, len);
    return len - 4;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return -1;
  }
}

/**
 * The length of the canonical key a reader found at `at` in `frame` (a flow-mod's `matchKeyAt`): its
 * bytes are frame[at, at + length), matchKey(match) as latin1 (the match's OXM header before them
 * gives the length).
 */
export const frameKeyLength = (frame: Buffer, at: number): number => frame.readUInt16BE(at - 2) - 4;

/**
 * The match a binary matchKey was made from (the flow table keeps keys, not match objects);
 * null for the text form (values that did not fit their field).
 */
export function matchOfKey(key: string): FlowMatch | null {
  if (key.length > 0 && key.charCodeAt(0) !== 0x80) return null;
  const len = 4 + key.length;
  const b = Buffer.alloc((len + 7) & ~7);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(len, 2);
  b.write(key, 4, 'latin1');
  return readMatch(b, 0, b.length);
}

// OpenFlow 1.0: the 1.0 mapping of translate.ts, written with the codec's match and action writers.

const EMPTY_10: ReturnType<typeof actionsTo10> = [];

function writer10(len: number, type: number, xid: number): Writer {
  if (len > MAX_LEN) cannot(`message too long: ${len} bytes`);
  const w = new Writer(len, outBytes(len));
  w.u8(OFP10);
  w.u8(type);
  w.u16(len);
  w.u32(xid);
  return w;
}

/** The actions of a list of outputs only (a learning switch's rules), else null: written by writeOutputs10. */
function outputsOnly(list: readonly Action[]): readonly Action[] | null {
  for (let i = 0; i < list.length; i++) if (list[i]!.type !== 'output') return null;
  return list;
}

/** The outputs-only list of one apply or write instruction (see outputsOnly), else null. */
function outputsOnlyOf(ins: readonly Instruction[]): readonly Action[] | null {
  if (ins.length !== 1) return null;
  const i = ins[0]!;
  return i.type === 'apply_actions' || i.type === 'write_actions' ? outputsOnly(i.actions) : null;
}

/** Outputs as 1.0 actions (8 bytes each) at w.pos, as actionsTo10 + writeActions10 write them (same checks). */
function writeOutputs10(w: Writer, list: readonly Action[]): void {
  for (const a of list) {
    if (a.type !== 'output') return cannot(`not an output: ${a.type}`);
    w.u16(0);
    w.u16(8);
    w.u16(port13to10(a.port));
    w.u16(Math.min(a.maxLen, 0xffff));
  }
}

function writeFlowMod10(m: MessageOf<'flow_mod'>): Buffer {
  const outputs = outputsOnlyOf(m.instructions);
  const actions = outputs ? EMPTY_10 : instructionsTo10(m.instructions);
  const actionsLen = outputs ? 8 * outputs.length : actions10Length(actions);
  const w = writer10(8 + MATCH10_LEN + 24 + actionsLen, OFPT10_FLOW_MOD, m.xid);
  writeMatch10At(w.buf, w.pos, m.match);
  w.pos += MATCH10_LEN;
  w.u64(m.cookie);
  w.u16(m.command);
  w.u16(m.idleTimeout);
  w.u16(m.hardTimeout);
  w.u16(m.priority);
  w.u32(m.bufferId);
  w.u16(port13to10(m.outPort));
  w.u16(m.flags & 0x7);
  if (outputs) writeOutputs10(w, outputs);
  else writeActions10(w, actions);
  return w.buf;
}

function writePacketOut10(m: MessageOf<'packet_out'>): Buffer {
  const outputs = outputsOnly(m.actions);
  const actions = outputs ? EMPTY_10 : actionsTo10(m.actions);
  const actionsLen = outputs ? 8 * outputs.length : actions10Length(actions);
  const w = writer10(16 + actionsLen + m.data.length, OFPT10_PACKET_OUT, m.xid);
  w.u32(m.bufferId);
  w.u16(port13to10(m.inPort));
  w.u16(actionsLen);
  if (outputs) writeOutputs10(w, outputs);
  else writeActions10(w, actions);
  w.bytes(m.data);
  return w.buf;
}

function writePacketIn10(m: MessageOf<'packet_in'>): Buffer {
  const w = writer10(18 + m.data.length, OFPT10_PACKET_IN, m.xid);
  w.u32(m.bufferId);
  w.u16(m.totalLen);
  w.u16(port13to10(Number(m.match.in_port?.value ?? 0n)));
  w.u8(m.reason);
  w.u8(0);
  w.bytes(m.data);
  return w.buf;
}

/**
 * The bytes of a hot message (packet-in, flow-mod, packet-out of either version); null for other
 * types. Throws RangeError for what the message's version cannot express (wire.ts makes it a value).
 */
export function writeHot(m: OfMessage): Buffer | null {
  if (m.version === OFP13) {
    switch (m.type) {
      case 'flow_mod':
        return writeFlowMod(m);
      case 'packet_out':
        return writePacketOut(m);
      case 'packet_in':
        return writePacketIn(m);
      default:
        return null;
    }
  }
  switch (m.type) {
    case 'flow_mod':
      return writeFlowMod10(m);
    case 'packet_out':
      return writePacketOut10(m);
    case 'packet_in':
      return writePacketIn10(m);
    default:
      return null;
  }
}
