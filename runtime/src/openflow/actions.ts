/** OpenFlow 1.3 actions and instructions, OpenFlow 1.0 actions. */
import { Reader, type Writer } from './bytes.js';
import { SUGGEST } from './constants.js';
import { type OxmTlv, oxmLength, readOxm, writeOxm } from './oxm.js';

// ---------------------------------------------------------------- OpenFlow 1.3 actions
export type Action13 =
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'copy_ttl_out' }
  | { readonly type: 'copy_ttl_in' }
  | { readonly type: 'set_mpls_ttl'; readonly ttl: number }
  | { readonly type: 'dec_mpls_ttl' }
  | { readonly type: 'push_vlan'; readonly ethertype: number }
  | { readonly type: 'pop_vlan' }
  | { readonly type: 'push_mpls'; readonly ethertype: number }
  | { readonly type: 'pop_mpls'; readonly ethertype: number }
  | { readonly type: 'set_queue'; readonly queueId: number }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'set_nw_ttl'; readonly ttl: number }
  | { readonly type: 'dec_nw_ttl' }
  | { readonly type: 'set_field'; readonly field: OxmTlv }
  | { readonly type: 'push_pbb'; readonly ethertype: number }
  | { readonly type: 'pop_pbb' }
  /** `data` is everything after the experimenter id (OVS's NX actions keep their subtype in it). */
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Buffer };

export const ACTION13_CODES = {
  output: 0,
  copy_ttl_out: 11,
  copy_ttl_in: 12,
  set_mpls_ttl: 15,
  dec_mpls_ttl: 16,
  push_vlan: 17,
  pop_vlan: 18,
  push_mpls: 19,
  pop_mpls: 20,
  set_queue: 21,
  group: 22,
  set_nw_ttl: 23,
  dec_nw_ttl: 24,
  set_field: 25,
  push_pbb: 26,
  pop_pbb: 27,
  experimenter: 0xffff,
} as const;

function badActionLen(r: Reader, type: number, len: number, want: number, start: number): never {
  return r.fail('bad_length', `action type ${type} has length ${len}, expected ${want}`, SUGGEST.badActionLen, start);
}

function readAction13(r: Reader): Action13 {
  const start = r.pos;
  r.need(4, 'action header');
  const type = r.u16();
  const len = r.u16();
  if (len < 8 || len % 8 !== 0) r.fail('bad_length', `action type ${type} has bad length ${len}`, SUGGEST.badActionLen, start);
  if (start + len > r.end)
    r.fail(
      'bad_length',
      `action: length ${len - 4} at offset ${start + 4} exceeds the ${r.end - start - 4} bytes left`,
      SUGGEST.badActionLen,
    );
  const end = start + len;
  // Fixed-size actions are read in place; their body is inside [start + 4, end).
  let a: Action13;
  switch (type) {
    case 0: {
      if (len !== 16) badActionLen(r, type, len, 16, start);
      const port = r.u32();
      const maxLen = r.u16();
      a = { type: 'output', port, maxLen };
      break;
    }
    case 11:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'copy_ttl_out' };
      break;
    case 12:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'copy_ttl_in' };
      break;
    case 15:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'set_mpls_ttl', ttl: r.u8() };
      break;
    case 16:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'dec_mpls_ttl' };
      break;
    case 17:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'push_vlan', ethertype: r.u16() };
      break;
    case 18:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'pop_vlan' };
      break;
    case 19:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'push_mpls', ethertype: r.u16() };
      break;
    case 20:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'pop_mpls', ethertype: r.u16() };
      break;
    case 21:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'set_queue', queueId: r.u32() };
      break;
    case 22:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'group', groupId: r.u32() };
      break;
    case 23:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'set_nw_ttl', ttl: r.u8() };
      break;
    case 24:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'dec_nw_ttl' };
      break;
    case 25: {
      const inner = new Reader(r.buf, r.pos, end, SUGGEST.badSetLen13);
      const field = readOxm(inner);
      if (len !== ((4 + oxmLength(field) + 7) & ~7))
        r.fail('bad_length', `set_field length ${len} does not fit its OXM`, SUGGEST.badSetLen13, start);
      a = { type: 'set_field', field };
      break;
    }
    case 26:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'push_pbb', ethertype: r.u16() };
      break;
    case 27:
      if (len !== 8) badActionLen(r, type, len, 8, start);
      a = { type: 'pop_pbb' };
      break;
    case 0xffff: {
      const b = new Reader(r.buf, r.pos, end, SUGGEST.badActionLen);
      a = { type: 'experimenter', experimenter: b.u32(), data: b.rest() };
      break;
    }
    default:
      return r.fail('bad_action_type', `unknown OpenFlow 1.3 action type ${type}`, SUGGEST.badActionType, start);
  }
  r.pos = end;
  return a;
}

/** Byte length of an OpenFlow 1.3 action. */
export function action13Length(a: Action13): number {
  switch (a.type) {
    case 'output':
      return 16;
    case 'set_field':
      return (4 + oxmLength(a.field) + 7) & ~7;
    case 'experimenter':
      return (8 + a.data.length + 7) & ~7;
    default:
      return 8;
  }
}

export function actions13Length(actions: readonly Action13[]): number {
  let n = 0;
  for (let i = 0; i < actions.length; i++) n += action13Length(actions[i]!);
  return n;
}

function writeAction13(w: Writer, a: Action13): void {
  const start = w.pos;
  w.u16(ACTION13_CODES[a.type]);
  const slot = w.lenSlot();
  switch (a.type) {
    case 'output':
      w.u32(a.port);
      w.u16(a.maxLen);
      w.zeros(6);
      break;
    case 'set_mpls_ttl':
    case 'set_nw_ttl':
      w.u8(a.ttl);
      w.zeros(3);
      break;
    case 'push_vlan':
    case 'push_mpls':
    case 'pop_mpls':
    case 'push_pbb':
      w.u16(a.ethertype);
      w.zeros(2);
      break;
    case 'set_queue':
      w.u32(a.queueId);
      break;
    case 'group':
      w.u32(a.groupId);
      break;
    case 'set_field':
      writeOxm(w, a.field);
      w.align(start, 8);
      break;
    case 'experimenter':
      w.u32(a.experimenter);
      w.bytes(a.data);
      w.align(start, 8);
      break;
    default:
      w.zeros(4);
  }
  w.patchLen(slot, start);
}

export function readActions13(r: Reader): Action13[] {
  const out: Action13[] = [];
  while (r.pos < r.end) out.push(readAction13(r));
  return out;
}

export function writeActions13(w: Writer, actions: readonly Action13[]): void {
  for (let i = 0; i < actions.length; i++) writeAction13(w, actions[i]!);
}

// ---------------------------------------------------------------- OpenFlow 1.3 instructions
export type Instruction =
  | { readonly type: 'goto_table'; readonly tableId: number }
  | { readonly type: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly type: 'write_actions'; readonly actions: readonly Action13[] }
  | { readonly type: 'apply_actions'; readonly actions: readonly Action13[] }
  | { readonly type: 'clear_actions' }
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Buffer };

export const INSTRUCTION_CODES = {
  goto_table: 1,
  write_metadata: 2,
  write_actions: 3,
  apply_actions: 4,
  clear_actions: 5,
  meter: 6,
  experimenter: 0xffff,
} as const;

function readInstruction(r: Reader): Instruction {
  const start = r.pos;
  r.need(4, 'instruction header');
  const type = r.u16();
  const len = r.u16();
  if (len < 8 || len % 8 !== 0) r.fail('bad_length', `instruction type ${type} has bad length ${len}`, SUGGEST.badInstructionLen13, start);
  const b = r.sub(len - 4, 'instruction', SUGGEST.badInstructionLen13);
  const want = type === 2 ? 24 : type === 1 || type === 5 || type === 6 ? 8 : len;
  if (len !== want)
    r.fail('bad_length', `instruction type ${type} has length ${len}, expected ${want}`, SUGGEST.badInstructionLen13, start);
  switch (type) {
    case 1:
      return { type: 'goto_table', tableId: b.u8() };
    case 2: {
      b.skip(4);
      const metadata = b.u64();
      return { type: 'write_metadata', metadata, mask: b.u64() };
    }
    case 3:
    case 4: {
      b.skip(4);
      const actions = readActions13(b);
      return { type: type === 3 ? 'write_actions' : 'apply_actions', actions };
    }
    case 5:
      return { type: 'clear_actions' };
    case 6:
      return { type: 'meter', meterId: b.u32() };
    case 0xffff:
      return { type: 'experimenter', experimenter: b.u32(), data: b.rest() };
    default:
      return r.fail('bad_instruction_type', `unknown instruction type ${type}`, SUGGEST.badInstruction13, start);
  }
}

/** Byte length of an instruction. */
export function instructionLength(i: Instruction): number {
  switch (i.type) {
    case 'write_metadata':
      return 24;
    case 'write_actions':
    case 'apply_actions':
      return 8 + actions13Length(i.actions);
    case 'experimenter':
      return (8 + i.data.length + 7) & ~7;
    default:
      return 8;
  }
}

export function instructionsLength(list: readonly Instruction[]): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) n += instructionLength(list[i]!);
  return n;
}

export function readInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (r.remaining > 0) out.push(readInstruction(r));
  return out;
}

export function writeInstructions(w: Writer, list: readonly Instruction[]): void {
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!;
    const start = w.pos;
    w.u16(INSTRUCTION_CODES[i.type]);
    const slot = w.lenSlot();
    switch (i.type) {
      case 'goto_table':
        w.u8(i.tableId);
        w.zeros(3);
        break;
      case 'write_metadata':
        w.zeros(4);
        w.u64(i.metadata);
        w.u64(i.mask);
        break;
      case 'write_actions':
      case 'apply_actions':
        w.zeros(4);
        writeActions13(w, i.actions);
        break;
      case 'clear_actions':
        w.zeros(4);
        break;
      case 'meter':
        w.u32(i.meterId);
        break;
      case 'experimenter':
        w.u32(i.experimenter);
        w.bytes(i.data);
        w.align(start, 8);
        break;
    }
    w.patchLen(slot, start);
  }
}

// ---------------------------------------------------------------- OpenFlow 1.0 actions
export type Action10 =
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'set_vlan_vid'; readonly vlanVid: number }
  | { readonly type: 'set_vlan_pcp'; readonly vlanPcp: number }
  | { readonly type: 'strip_vlan' }
  | { readonly type: 'set_dl_src'; readonly mac: string }
  | { readonly type: 'set_dl_dst'; readonly mac: string }
  | { readonly type: 'set_nw_src'; readonly ip: string }
  | { readonly type: 'set_nw_dst'; readonly ip: string }
  | { readonly type: 'set_nw_tos'; readonly tos: number }
  | { readonly type: 'set_tp_src'; readonly port: number }
  | { readonly type: 'set_tp_dst'; readonly port: number }
  | { readonly type: 'enqueue'; readonly port: number; readonly queueId: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Buffer };

export const ACTION10_CODES = {
  output: 0,
  set_vlan_vid: 1,
  set_vlan_pcp: 2,
  strip_vlan: 3,
  set_dl_src: 4,
  set_dl_dst: 5,
  set_nw_src: 6,
  set_nw_dst: 7,
  set_nw_tos: 8,
  set_tp_src: 9,
  set_tp_dst: 10,
  enqueue: 11,
  experimenter: 0xffff,
} as const;

function readAction10(r: Reader): Action10 {
  const start = r.pos;
  r.need(4, 'action header');
  const type = r.u16();
  const len = r.u16();
  if (len < 8 || len % 8 !== 0) r.fail('bad_length', `action type ${type} has bad length ${len}`, SUGGEST.badActionLen, start);
  const b = r.sub(len - 4, 'action', SUGGEST.badActionLen);
  const exact = (want: number) => {
    if (len !== want) r.fail('bad_length', `action type ${type} has length ${len}, expected ${want}`, SUGGEST.badActionLen, start);
  };
  switch (type) {
    case 0: {
      exact(8);
      const port = b.u16();
      return { type: 'output', port, maxLen: b.u16() };
    }
    case 1:
      exact(8);
      return { type: 'set_vlan_vid', vlanVid: b.u16() };
    case 2:
      exact(8);
      return { type: 'set_vlan_pcp', vlanPcp: b.u8() };
    case 3:
      exact(8);
      return { type: 'strip_vlan' };
    case 4:
      exact(16);
      return { type: 'set_dl_src', mac: b.mac() };
    case 5:
      exact(16);
      return { type: 'set_dl_dst', mac: b.mac() };
    case 6:
      exact(8);
      return { type: 'set_nw_src', ip: b.ipv4() };
    case 7:
      exact(8);
      return { type: 'set_nw_dst', ip: b.ipv4() };
    case 8:
      exact(8);
      return { type: 'set_nw_tos', tos: b.u8() };
    case 9:
      exact(8);
      return { type: 'set_tp_src', port: b.u16() };
    case 10:
      exact(8);
      return { type: 'set_tp_dst', port: b.u16() };
    case 11: {
      exact(16);
      const port = b.u16();
      b.skip(6);
      return { type: 'enqueue', port, queueId: b.u32() };
    }
    case 0xffff:
      return { type: 'experimenter', experimenter: b.u32(), data: b.rest() };
    default:
      return r.fail('bad_action_type', `unknown OpenFlow 1.0 action type ${type}`, SUGGEST.badActionType, start);
  }
}

export function readActions10(r: Reader): Action10[] {
  const out: Action10[] = [];
  while (r.pos < r.end) out.push(readAction10(r));
  return out;
}

/** Byte length of an OpenFlow 1.0 action. */
export function action10Length(a: Action10): number {
  switch (a.type) {
    case 'set_dl_src':
    case 'set_dl_dst':
    case 'enqueue':
      return 16;
    case 'experimenter':
      return (8 + a.data.length + 7) & ~7;
    default:
      return 8;
  }
}

export function actions10Length(actions: readonly Action10[]): number {
  let n = 0;
  for (let i = 0; i < actions.length; i++) n += action10Length(actions[i]!);
  return n;
}

export function writeActions10(w: Writer, actions: readonly Action10[]): void {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const start = w.pos;
    w.u16(ACTION10_CODES[a.type]);
    const slot = w.lenSlot();
    switch (a.type) {
      case 'output':
        w.u16(a.port);
        w.u16(a.maxLen);
        break;
      case 'set_vlan_vid':
        w.u16(a.vlanVid);
        w.zeros(2);
        break;
      case 'set_vlan_pcp':
        w.u8(a.vlanPcp);
        w.zeros(3);
        break;
      case 'strip_vlan':
        w.zeros(4);
        break;
      case 'set_dl_src':
      case 'set_dl_dst':
        w.mac(a.mac);
        w.zeros(6);
        break;
      case 'set_nw_src':
      case 'set_nw_dst':
        w.ipv4(a.ip);
        break;
      case 'set_nw_tos':
        w.u8(a.tos);
        w.zeros(3);
        break;
      case 'set_tp_src':
      case 'set_tp_dst':
        w.u16(a.port);
        w.zeros(2);
        break;
      case 'enqueue':
        w.u16(a.port);
        w.zeros(6);
        w.u32(a.queueId);
        break;
      case 'experimenter':
        w.u32(a.experimenter);
        w.bytes(a.data);
        w.align(start, 8);
        break;
    }
    w.patchLen(slot, start);
  }
}

// ---------------------------------------------------------------- OpenFlow 1.0 match
/**
 * The fixed 40-byte OpenFlow 1.0 match: every field is present; `wildcards` says which are ignored.
 * Addresses in binary form, as OXM values (MAC: 48-bit bigint, IPv4: unsigned 32-bit number); the
 * encoder also accepts their text.
 */
export interface Match10 {
  readonly wildcards: number;
  readonly inPort: number;
  readonly dlSrc: bigint | string;
  readonly dlDst: bigint | string;
  readonly dlVlan: number;
  readonly dlVlanPcp: number;
  readonly dlType: number;
  readonly nwTos: number;
  readonly nwProto: number;
  readonly nwSrc: number | string;
  readonly nwDst: number | string;
  readonly tpSrc: number;
  readonly tpDst: number;
}

export const MATCH10_LEN = 40;

/** A match-all 1.0 match (all wildcard bits set, all fields zero). */
export const MATCH10_ALL: Match10 = {
  wildcards: (1 << 22) - 1,
  inPort: 0,
  dlSrc: 0n,
  dlDst: 0n,
  dlVlan: 0,
  dlVlanPcp: 0,
  dlType: 0,
  nwTos: 0,
  nwProto: 0,
  nwSrc: 0,
  nwDst: 0,
  tpSrc: 0,
  tpDst: 0,
};

export function readMatch10(r: Reader): Match10 {
  r.need(MATCH10_LEN, 'OpenFlow 1.0 match');
  const wildcards = r.u32();
  const inPort = r.u16();
  const dlSrc = r.macBin();
  const dlDst = r.macBin();
  const dlVlan = r.u16();
  const dlVlanPcp = r.u8();
  r.skip(1);
  const dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  r.skip(2);
  const nwSrc = r.ipv4Bin();
  const nwDst = r.ipv4Bin();
  const tpSrc = r.u16();
  const tpDst = r.u16();
  return { wildcards, inPort, dlSrc, dlDst, dlVlan, dlVlanPcp, dlType, nwTos, nwProto, nwSrc, nwDst, tpSrc, tpDst };
}

export function writeMatch10(w: Writer, m: Match10): void {
  w.u32(m.wildcards);
  w.u16(m.inPort);
  w.macAddr(m.dlSrc);
  w.macAddr(m.dlDst);
  w.u16(m.dlVlan);
  w.u8(m.dlVlanPcp);
  w.zeros(1);
  w.u16(m.dlType);
  w.u8(m.nwTos);
  w.u8(m.nwProto);
  w.zeros(2);
  w.ipv4Addr(m.nwSrc);
  w.ipv4Addr(m.nwDst);
  w.u16(m.tpSrc);
  w.u16(m.tpDst);
}
