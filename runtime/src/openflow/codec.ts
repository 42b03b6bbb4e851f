/** decodeMessage / encodeMessage: whole OpenFlow messages (header + body) for versions 1.0 and 1.3. */
import { CodecFault, Reader, Writer } from './bytes.js';
import { KNOWN_WIRE_VERSIONS, OFP_HEADER_LEN, SUGGEST, typeCode, typeName } from './constants.js';
import {
  actions10Length,
  actions13Length,
  instructionsLength,
  MATCH10_LEN,
  readActions10,
  readActions13,
  readInstructions,
  readMatch10,
  writeActions10,
  writeActions13,
  writeInstructions,
  writeMatch10,
} from './actions.js';
import { match13Length, readMatch13, writeMatch13 } from './oxm.js';
import {
  bandsLength,
  bucketsLength,
  PORT10_LEN,
  PORT13_LEN,
  queuesLength,
  readBands,
  readBuckets,
  readPort10,
  readPort13,
  readQueues,
  writeBands,
  writeBuckets,
  writePort10,
  writePort13,
  writeQueues,
} from './structs.js';
import {
  mp10Code,
  mp13Code,
  mpReply10Length,
  mpReply13Length,
  mpRequest10Length,
  mpRequest13Length,
  readMpReply10,
  readMpReply13,
  readMpRequest10,
  readMpRequest13,
  writeMpReply10,
  writeMpReply13,
  writeMpRequest10,
  writeMpRequest13,
} from './multipart.js';
import type { Hello, HelloElement, Message10, Message13, OfMessage, Port10 } from './types.js';

/** Why a message could not be decoded, with the OpenFlow error to send back to the peer. */
export interface DecodeError {
  /** Stable machine code: truncated, bad_length, bad_version, bad_type, bad_action_type, bad_match_type… */
  readonly code: string;
  readonly message: string;
  /** Byte offset inside the message where the problem was found. */
  readonly offset: number;
  /** Suggested OpenFlow error (type, code numbers of the message's version). */
  readonly ofError: { readonly type: number; readonly code: number };
}

export type DecodeResult = { readonly ok: true; readonly msg: OfMessage } | { readonly ok: false; readonly error: DecodeError };

// ---------------------------------------------------------------- hello
function readHelloElements(r: Reader): HelloElement[] {
  const out: HelloElement[] = [];
  while (r.remaining >= 4) {
    const start = r.pos;
    const type = r.u16();
    const len = r.u16();
    if (len < 4) r.fail('bad_length', `hello element length ${len} < 4`, SUGGEST.badLen, start);
    const b = r.sub(len - 4, 'hello element');
    if (type === 1) {
      if ((len - 4) % 4 !== 0) r.fail('bad_length', `version bitmap length ${len}`, SUGGEST.badLen, start);
      const bitmaps: number[] = [];
      while (b.remaining > 0) bitmaps.push(b.u32());
      out.push({ type: 'versionbitmap', bitmaps });
    } else {
      out.push({ type: 'unknown', elementType: type, data: b.rest() });
    }
    r.skip(Math.min(r.remaining, (8 - (len % 8)) % 8), 'hello element padding');
  }
  if (r.remaining > 0) r.fail('bad_length', `${r.remaining} stray bytes after hello elements`, SUGGEST.badLen);
  return out;
}

function writeHelloElements(w: Writer, elements: readonly HelloElement[]): void {
  for (const e of elements) {
    const start = w.pos;
    w.u16(e.type === 'versionbitmap' ? 1 : e.elementType);
    const slot = w.lenSlot();
    if (e.type === 'versionbitmap') for (const b of e.bitmaps) w.u32(b);
    else w.bytes(e.data);
    w.patchLen(slot, start);
    w.align(start, 8);
  }
}

// ---------------------------------------------------------------- 1.3 bodies
function decode13(r: Reader, code: number, xid: number): Message13 {
  const version = 4 as const;
  const name = typeName(4, code);
  switch (name) {
    case 'error': {
      const errType = r.u16();
      const c = r.u16();
      if (errType === 0xffff) {
        const experimenter = r.u32();
        return { version, type: name, xid, errType, code: c, experimenter, data: r.rest() };
      }
      return { version, type: name, xid, errType, code: c, data: r.rest() };
    }
    case 'echo_request':
    case 'echo_reply':
      return { version, type: name, xid, data: r.rest() };
    case 'experimenter': {
      const experimenter = r.u32();
      const expType = r.u32();
      return { version, type: name, xid, experimenter, expType, data: r.rest() };
    }
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
    case 'get_async_request':
      return { version, type: name, xid };
    case 'features_reply': {
      const dpid = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      const auxiliaryId = r.u8();
      r.skip(2);
      return { version, type: name, xid, dpid, nBuffers, nTables, auxiliaryId, capabilities: r.u32(), reserved: r.u32() };
    }
    case 'get_config_reply':
    case 'set_config':
      return { version, type: name, xid, flags: r.u16(), missSendLen: r.u16() };
    case 'packet_in': {
      const bufferId = r.u32();
      const totalLen = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const cookie = r.u64();
      const match = readMatch13(r);
      r.skip(2);
      return { version, type: name, xid, bufferId, totalLen, reason, tableId, cookie, match, data: r.rest() };
    }
    case 'flow_removed': {
      const cookie = r.u64();
      const priority = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const packetCount = r.u64();
      const byteCount = r.u64();
      return {
        version,
        type: name,
        xid,
        cookie,
        priority,
        reason,
        tableId,
        durationSec,
        durationNsec,
        idleTimeout,
        hardTimeout,
        packetCount,
        byteCount,
        match: readMatch13(r),
      };
    }
    case 'port_status': {
      const reason = r.u8();
      r.skip(7);
      return { version, type: name, xid, reason, port: readPort13(r) };
    }
    case 'packet_out': {
      const bufferId = r.u32();
      const inPort = r.u32();
      const actionsLen = r.u16();
      r.skip(6);
      const actions = readActions13(r.sub(actionsLen, 'packet_out actions', SUGGEST.badLen));
      return { version, type: name, xid, bufferId, inPort, actions, data: r.rest() };
    }
    case 'flow_mod': {
      const cookie = r.u64();
      const cookieMask = r.u64();
      const tableId = r.u8();
      const command = r.u8();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const priority = r.u16();
      const bufferId = r.u32();
      const outPort = r.u32();
      const outGroup = r.u32();
      const flags = r.u16();
      r.skip(2);
      const match = readMatch13(r);
      return {
        version,
        type: name,
        xid,
        cookie,
        cookieMask,
        tableId,
        command,
        idleTimeout,
        hardTimeout,
        priority,
        bufferId,
        outPort,
        outGroup,
        flags,
        match,
        instructions: readInstructions(r),
      };
    }
    case 'group_mod': {
      const command = r.u16();
      const groupType = r.u8();
      r.skip(1);
      const groupId = r.u32();
      return { version, type: name, xid, command, groupType, groupId, buckets: readBuckets(r) };
    }
    case 'port_mod': {
      const portNo = r.u32();
      r.skip(4);
      const hwAddr = r.mac('hw_addr');
      r.skip(2);
      const config = r.u32();
      const mask = r.u32();
      const advertise = r.u32();
      r.skip(4);
      return { version, type: name, xid, portNo, hwAddr, config, mask, advertise };
    }
    case 'table_mod': {
      const tableId = r.u8();
      r.skip(3);
      return { version, type: name, xid, tableId, config: r.u32() };
    }
    case 'multipart_request':
    case 'multipart_reply': {
      const mp = r.u16();
      const flags = r.u16();
      r.skip(4);
      if (name === 'multipart_request') return { version, type: name, xid, flags, body: readMpRequest13(r, mp) };
      return { version, type: name, xid, flags, body: readMpReply13(r, mp) };
    }
    case 'queue_get_config_request': {
      const port = r.u32();
      r.skip(4);
      return { version, type: name, xid, port };
    }
    case 'queue_get_config_reply': {
      const port = r.u32();
      r.skip(4);
      return { version, type: name, xid, port, queues: readQueues(r, 4) };
    }
    case 'role_request':
    case 'role_reply': {
      const role = r.u32();
      r.skip(4);
      return { version, type: name, xid, role, generationId: r.u64() };
    }
    case 'get_async_reply':
    case 'set_async': {
      const packetInMask: [number, number] = [r.u32(), r.u32()];
      const portStatusMask: [number, number] = [r.u32(), r.u32()];
      const flowRemovedMask: [number, number] = [r.u32(), r.u32()];
      return { version, type: name, xid, packetInMask, portStatusMask, flowRemovedMask };
    }
    case 'meter_mod': {
      const command = r.u16();
      const flags = r.u16();
      const meterId = r.u32();
      return { version, type: name, xid, command, flags, meterId, bands: readBands(r) };
    }
    case 'hello':
    case undefined:
    default:
      return r.fail('bad_type', `unknown OpenFlow 1.3 message type ${code}`, SUGGEST.badType, 1);
  }
}

function encode13(w: Writer, m: Message13): void {
  switch (m.type) {
    case 'error':
      w.u16(m.errType);
      w.u16(m.code);
      if (m.errType === 0xffff) w.u32(m.experimenter ?? 0);
      w.bytes(m.data);
      return;
    case 'echo_request':
    case 'echo_reply':
      w.bytes(m.data);
      return;
    case 'experimenter':
      w.u32(m.experimenter);
      w.u32(m.expType);
      w.bytes(m.data);
      return;
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
    case 'get_async_request':
      return;
    case 'features_reply':
      w.u64(m.dpid);
      w.u32(m.nBuffers);
      w.u8(m.nTables);
      w.u8(m.auxiliaryId);
      w.zeros(2);
      w.u32(m.capabilities);
      w.u32(m.reserved);
      return;
    case 'get_config_reply':
    case 'set_config':
      w.u16(m.flags);
      w.u16(m.missSendLen);
      return;
    case 'packet_in':
      w.u32(m.bufferId);
      w.u16(m.totalLen);
      w.u8(m.reason);
      w.u8(m.tableId);
      w.u64(m.cookie);
      writeMatch13(w, m.match);
      w.zeros(2);
      w.bytes(m.data);
      return;
    case 'flow_removed':
      w.u64(m.cookie);
      w.u16(m.priority);
      w.u8(m.reason);
      w.u8(m.tableId);
      w.u32(m.durationSec);
      w.u32(m.durationNsec);
      w.u16(m.idleTimeout);
      w.u16(m.hardTimeout);
      w.u64(m.packetCount);
      w.u64(m.byteCount);
      writeMatch13(w, m.match);
      return;
    case 'port_status':
      w.u8(m.reason);
      w.zeros(7);
      writePort13(w, m.port);
      return;
    case 'packet_out': {
      w.u32(m.bufferId);
      w.u32(m.inPort);
      const slot = w.lenSlot();
      w.zeros(6);
      const start = w.pos;
      writeActions13(w, m.actions);
      w.patchLen(slot, start);
      w.bytes(m.data);
      return;
    }
    case 'flow_mod':
      w.u64(m.cookie);
      w.u64(m.cookieMask);
      w.u8(m.tableId);
      w.u8(m.command);
      w.u16(m.idleTimeout);
      w.u16(m.hardTimeout);
      w.u16(m.priority);
      w.u32(m.bufferId);
      w.u32(m.outPort);
      w.u32(m.outGroup);
      w.u16(m.flags);
      w.zeros(2);
      writeMatch13(w, m.match);
      writeInstructions(w, m.instructions);
      return;
    case 'group_mod':
      w.u16(m.command);
      w.u8(m.groupType);
      w.zeros(1);
      w.u32(m.groupId);
      writeBuckets(w, m.buckets);
      return;
    case 'port_mod':
      w.u32(m.portNo);
      w.zeros(4);
      w.mac(m.hwAddr);
      w.zeros(2);
      w.u32(m.config);
      w.u32(m.mask);
      w.u32(m.advertise);
      w.zeros(4);
      return;
    case 'table_mod':
      w.u8(m.tableId);
      w.zeros(3);
      w.u32(m.config);
      return;
    case 'multipart_request':
      w.u16(mp13Code(m.body.mpType));
      w.u16(m.flags);
      w.zeros(4);
      writeMpRequest13(w, m.body);
      return;
    case 'multipart_reply':
      w.u16(mp13Code(m.body.mpType));
      w.u16(m.flags);
      w.zeros(4);
      writeMpReply13(w, m.body);
      return;
    case 'queue_get_config_request':
      w.u32(m.port);
      w.zeros(4);
      return;
    case 'queue_get_config_reply':
      w.u32(m.port);
      w.zeros(4);
      writeQueues(w, m.queues, 4);
      return;
    case 'role_request':
    case 'role_reply':
      w.u32(m.role);
      w.zeros(4);
      w.u64(m.generationId);
      return;
    case 'get_async_reply':
    case 'set_async':
      w.u32(m.packetInMask[0]);
      w.u32(m.packetInMask[1]);
      w.u32(m.portStatusMask[0]);
      w.u32(m.portStatusMask[1]);
      w.u32(m.flowRemovedMask[0]);
      w.u32(m.flowRemovedMask[1]);
      return;
    case 'meter_mod':
      w.u16(m.command);
      w.u16(m.flags);
      w.u32(m.meterId);
      writeBands(w, m.bands);
      return;
  }
}

/** Body length (after the 8-byte header) of a 1.3 message, as `encode13` writes it. */
function size13(m: Message13): number {
  switch (m.type) {
    case 'error':
      return 4 + (m.errType === 0xffff ? 4 : 0) + m.data.length;
    case 'echo_request':
    case 'echo_reply':
      return m.data.length;
    case 'experimenter':
      return 8 + m.data.length;
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
    case 'get_async_request':
      return 0;
    case 'features_reply':
      return 24;
    case 'get_config_reply':
    case 'set_config':
      return 4;
    case 'packet_in':
      return 16 + match13Length(m.match) + 2 + m.data.length;
    case 'flow_removed':
      return 40 + match13Length(m.match);
    case 'port_status':
      return 8 + PORT13_LEN;
    case 'packet_out':
      return 16 + actions13Length(m.actions) + m.data.length;
    case 'flow_mod':
      return 40 + match13Length(m.match) + instructionsLength(m.instructions);
    case 'group_mod':
      return 8 + bucketsLength(m.buckets);
    case 'port_mod':
      return 32;
    case 'table_mod':
      return 8;
    case 'multipart_request':
      return 8 + mpRequest13Length(m.body);
    case 'multipart_reply':
      return 8 + mpReply13Length(m.body);
    case 'queue_get_config_request':
      return 8;
    case 'queue_get_config_reply':
      return 8 + queuesLength(m.queues, 4);
    case 'role_request':
    case 'role_reply':
      return 16;
    case 'get_async_reply':
    case 'set_async':
      return 24;
    case 'meter_mod':
      return 8 + bandsLength(m.bands);
  }
}

// ---------------------------------------------------------------- 1.0 bodies
function decode10(r: Reader, code: number, xid: number): Message10 {
  const version = 1 as const;
  const name = typeName(1, code);
  switch (name) {
    case 'error': {
      const errType = r.u16();
      const c = r.u16();
      return { version, type: name, xid, errType, code: c, data: r.rest() };
    }
    case 'echo_request':
    case 'echo_reply':
      return { version, type: name, xid, data: r.rest() };
    case 'experimenter':
      return { version, type: name, xid, experimenter: r.u32(), data: r.rest() };
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return { version, type: name, xid };
    case 'features_reply': {
      const dpid = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      r.skip(3);
      const capabilities = r.u32();
      const actions = r.u32();
      if (r.remaining % 48 !== 0)
        r.fail('bad_length', `features_reply ports length ${r.remaining} is not a multiple of 48`, SUGGEST.badLen);
      const ports: Port10[] = [];
      while (r.remaining > 0) ports.push(readPort10(r));
      return { version, type: name, xid, dpid, nBuffers, nTables, capabilities, actions, ports };
    }
    case 'get_config_reply':
    case 'set_config':
      return { version, type: name, xid, flags: r.u16(), missSendLen: r.u16() };
    case 'packet_in': {
      const bufferId = r.u32();
      const totalLen = r.u16();
      const inPort = r.u16();
      const reason = r.u8();
      r.skip(1);
      return { version, type: name, xid, bufferId, totalLen, inPort, reason, data: r.rest() };
    }
    case 'flow_removed': {
      const match = readMatch10(r);
      const cookie = r.u64();
      const priority = r.u16();
      const reason = r.u8();
      r.skip(1);
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const idleTimeout = r.u16();
      r.skip(2);
      return {
        version,
        type: name,
        xid,
        match,
        cookie,
        priority,
        reason,
        durationSec,
        durationNsec,
        idleTimeout,
        packetCount: r.u64(),
        byteCount: r.u64(),
      };
    }
    case 'port_status': {
      const reason = r.u8();
      r.skip(7);
      return { version, type: name, xid, reason, port: readPort10(r) };
    }
    case 'packet_out': {
      const bufferId = r.u32();
      const inPort = r.u16();
      const actionsLen = r.u16();
      const actions = readActions10(r.sub(actionsLen, 'packet_out actions', SUGGEST.badLen));
      return { version, type: name, xid, bufferId, inPort, actions, data: r.rest() };
    }
    case 'flow_mod': {
      const match = readMatch10(r);
      const cookie = r.u64();
      const command = r.u16();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const priority = r.u16();
      const bufferId = r.u32();
      const outPort = r.u16();
      const flags = r.u16();
      return {
        version,
        type: name,
        xid,
        match,
        cookie,
        command,
        idleTimeout,
        hardTimeout,
        priority,
        bufferId,
        outPort,
        flags,
        actions: readActions10(r),
      };
    }
    case 'port_mod': {
      const portNo = r.u16();
      const hwAddr = r.mac('hw_addr');
      const config = r.u32();
      const mask = r.u32();
      const advertise = r.u32();
      r.skip(4);
      return { version, type: name, xid, portNo, hwAddr, config, mask, advertise };
    }
    case 'multipart_request':
    case 'multipart_reply': {
      const mp = r.u16();
      const flags = r.u16();
      if (name === 'multipart_request') return { version, type: name, xid, flags, body: readMpRequest10(r, mp) };
      return { version, type: name, xid, flags, body: readMpReply10(r, mp) };
    }
    case 'queue_get_config_request': {
      const port = r.u16();
      r.skip(2);
      return { version, type: name, xid, port };
    }
    case 'queue_get_config_reply': {
      const port = r.u16();
      r.skip(6);
      return { version, type: name, xid, port, queues: readQueues(r, 1) };
    }
    default:
      return r.fail('bad_type', `unknown OpenFlow 1.0 message type ${code}`, SUGGEST.badType, 1);
  }
}

function encode10(w: Writer, m: Message10): void {
  switch (m.type) {
    case 'error':
      w.u16(m.errType);
      w.u16(m.code);
      w.bytes(m.data);
      return;
    case 'echo_request':
    case 'echo_reply':
      w.bytes(m.data);
      return;
    case 'experimenter':
      w.u32(m.experimenter);
      w.bytes(m.data);
      return;
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return;
    case 'features_reply':
      w.u64(m.dpid);
      w.u32(m.nBuffers);
      w.u8(m.nTables);
      w.zeros(3);
      w.u32(m.capabilities);
      w.u32(m.actions);
      for (const p of m.ports) writePort10(w, p);
      return;
    case 'get_config_reply':
    case 'set_config':
      w.u16(m.flags);
      w.u16(m.missSendLen);
      return;
    case 'packet_in':
      w.u32(m.bufferId);
      w.u16(m.totalLen);
      w.u16(m.inPort);
      w.u8(m.reason);
      w.zeros(1);
      w.bytes(m.data);
      return;
    case 'flow_removed':
      writeMatch10(w, m.match);
      w.u64(m.cookie);
      w.u16(m.priority);
      w.u8(m.reason);
      w.zeros(1);
      w.u32(m.durationSec);
      w.u32(m.durationNsec);
      w.u16(m.idleTimeout);
      w.zeros(2);
      w.u64(m.packetCount);
      w.u64(m.byteCount);
      return;
    case 'port_status':
      w.u8(m.reason);
      w.zeros(7);
      writePort10(w, m.port);
      return;
    case 'packet_out': {
      w.u32(m.bufferId);
      w.u16(m.inPort);
      const slot = w.lenSlot();
      const start = w.pos;
      writeActions10(w, m.actions);
      w.patchLen(slot, start);
      w.bytes(m.data);
      return;
    }
    case 'flow_mod':
      writeMatch10(w, m.match);
      w.u64(m.cookie);
      w.u16(m.command);
      w.u16(m.idleTimeout);
      w.u16(m.hardTimeout);
      w.u16(m.priority);
      w.u32(m.bufferId);
      w.u16(m.outPort);
      w.u16(m.flags);
      writeActions10(w, m.actions);
      return;
    case 'port_mod':
      w.u16(m.portNo);
      w.mac(m.hwAddr);
      w.u32(m.config);
      w.u32(m.mask);
      w.u32(m.advertise);
      w.zeros(4);
      return;
    case 'multipart_request':
      w.u16(mp10Code(m.body.mpType));
      w.u16(m.flags);
      writeMpRequest10(w, m.body);
      return;
    case 'multipart_reply':
      w.u16(mp10Code(m.body.mpType));
      w.u16(m.flags);
      writeMpReply10(w, m.body);
      return;
    case 'queue_get_config_request':
      w.u16(m.port);
      w.zeros(2);
      return;
    case 'queue_get_config_reply':
      w.u16(m.port);
      w.zeros(6);
      writeQueues(w, m.queues, 1);
      return;
  }
}

/** Body length (after the 8-byte header) of a 1.0 message, as `encode10` writes it. */
function size10(m: Message10): number {
  switch (m.type) {
    case 'error':
      return 4 + m.data.length;
    case 'echo_request':
    case 'echo_reply':
      return m.data.length;
    case 'experimenter':
      return 4 + m.data.length;
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return 0;
    case 'features_reply':
      return 24 + PORT10_LEN * m.ports.length;
    case 'get_config_reply':
    case 'set_config':
      return 4;
    case 'packet_in':
      return 10 + m.data.length;
    case 'flow_removed':
      return MATCH10_LEN + 40;
    case 'port_status':
      return 8 + PORT10_LEN;
    case 'packet_out':
      return 8 + actions10Length(m.actions) + m.data.length;
    case 'flow_mod':
      return MATCH10_LEN + 24 + actions10Length(m.actions);
    case 'port_mod':
      return 24;
    case 'multipart_request':
      return 4 + mpRequest10Length(m.body);
    case 'multipart_reply':
      return 4 + mpReply10Length(m.body);
    case 'queue_get_config_request':
      return 4;
    case 'queue_get_config_reply':
      return 8 + queuesLength(m.queues, 1);
  }
}

function helloSize(elements: readonly HelloElement[]): number {
  let n = 0;
  for (const e of elements) n += (4 + (e.type === 'versionbitmap' ? 4 * e.bitmaps.length : e.data.length) + 7) & ~7;
  return n;
}

/** Encoded length of a message (header included); RangeError for a type its version does not have. */
export function messageLength(msg: OfMessage): number {
  if (msg.type === 'hello') return OFP_HEADER_LEN + helloSize(msg.elements);
  if (msg.version === 4) return OFP_HEADER_LEN + size13(msg as Message13);
  if (msg.version === 1) return OFP_HEADER_LEN + size10(msg as Message10);
  throw new RangeError(`cannot encode ${(msg as OfMessage).type} for OpenFlow version ${(msg as OfMessage).version}`);
}

// ---------------------------------------------------------------- public API
function fault(e: unknown): DecodeError {
  if (e instanceof CodecFault) return { code: e.code, message: e.message, offset: e.offset, ofError: e.ofError };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `decoder failure: ${message}`, offset: 0, ofError: SUGGEST.badLen };
}

/**
 * Decode one whole message (exactly `header.length` bytes; use OpenFlowFramer to cut a stream).
 * Never throws: malformed input gives `{ ok: false, error }` with the OpenFlow error to send back.
 * Hellos of any known wire version (1…6) decode; other messages need version 1 or 4.
 */
export function decodeMessage(buf: Buffer): DecodeResult {
  try {
    if (buf.length < OFP_HEADER_LEN) {
      return {
        ok: false,
        error: {
          code: 'truncated',
          message: `message of ${buf.length} bytes is shorter than the 8-byte header`,
          offset: 0,
          ofError: SUGGEST.badLen,
        },
      };
    }
    const version = buf[0]!;
    const code = buf[1]!;
    const length = buf.readUInt16BE(2);
    const xid = buf.readUInt32BE(4);
    if (length !== buf.length) {
      return {
        ok: false,
        error: { code: 'bad_length', message: `header length ${length} but ${buf.length} bytes given`, offset: 2, ofError: SUGGEST.badLen },
      };
    }
    const r = new Reader(buf, OFP_HEADER_LEN, length);
    let msg: OfMessage;
    if (code === 0 && KNOWN_WIRE_VERSIONS.includes(version)) {
      const hello: Hello = { version, type: 'hello', xid, elements: readHelloElements(r) };
      msg = hello;
    } else if (version === 4) {
      msg = decode13(r, code, xid);
    } else if (version === 1) {
      msg = decode10(r, code, xid);
    } else {
      return {
        ok: false,
        error: { code: 'bad_version', message: `unsupported OpenFlow version ${version}`, offset: 0, ofError: SUGGEST.badVersion },
      };
    }
    if (r.remaining > 0) {
      return {
        ok: false,
        error: {
          code: 'bad_length',
          message: `${r.remaining} unexpected trailing bytes in ${msg.type}`,
          offset: r.pos,
          ofError: SUGGEST.badLen,
        },
      };
    }
    return { ok: true, msg };
  } catch (e) {
    return { ok: false, error: fault(e) };
  }
}

/**
 * Encode a message. Throws RangeError on values that cannot be encoded (a programming error, e.g. a
 * 1.3-only message with version 1, a malformed MAC string or a message longer than 65535 bytes).
 */
export function encodeMessage(msg: OfMessage): Buffer {
  const code = msg.type === 'hello' ? 0 : typeCode(msg.version, msg.type);
  const size = messageLength(msg);
  if (size > 0xffff) throw new RangeError(`message too long: ${size} bytes`);
  const w = new Writer(size);
  w.u8(msg.version);
  w.u8(code);
  w.u16(size);
  w.u32(msg.xid);
  if (msg.type === 'hello') writeHelloElements(w, msg.elements);
  else if (msg.version === 4) encode13(w, msg as Message13);
  else encode10(w, msg as Message10);
  if (w.pos !== size) throw new Error(`internal codec error: ${msg.type} sized ${size} bytes but ${w.pos} written`);
  return w.buf;
}

// ---------------------------------------------------------------- helpers for callers
/** Versions listed in a hello's bitmap, or [hello.version] if it has none. */
export function helloVersions(h: Hello): number[] {
  const bm = h.elements.find((e) => e.type === 'versionbitmap');
  if (!bm || bm.type !== 'versionbitmap') return [h.version];
  const out: number[] = [];
  bm.bitmaps.forEach((word, i) => {
    for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.push(i * 32 + b);
  });
  return out;
}

/** A version bitmap element for the given versions. */
export function versionBitmap(versions: readonly number[]): HelloElement {
  const words = Math.floor(Math.max(0, ...versions) / 32) + 1;
  const bitmaps = new Array<number>(words).fill(0);
  for (const v of versions) bitmaps[v >> 5] = (bitmaps[v >> 5]! | (1 << (v & 31))) >>> 0;
  return { type: 'versionbitmap', bitmaps };
}

/** Highest version both sides support (OpenFlow 1.3.1+ rules), or undefined when there is none. */
export function negotiateVersion(ours: readonly number[], theirs: Hello): number | undefined {
  const hasBitmap = theirs.elements.some((e) => e.type === 'versionbitmap');
  const peer = hasBitmap ? helloVersions(theirs) : undefined;
  const common = ours.filter((v) => (peer ? peer.includes(v) : v <= theirs.version));
  return common.length ? Math.max(...common) : undefined;
}

/**
 * An error message answering a bad message: same version and xid when readable, the suggested
 * type/code, and the first 64 bytes of the offending message as data (as the spec asks).
 */
export function errorReplyFor(offending: Buffer, err: DecodeError, fallbackVersion: 1 | 4 = 4): OfMessage {
  const v = offending[0];
  const version: 1 | 4 = v === 1 || v === 4 ? v : fallbackVersion;
  const xid = offending.length >= 8 ? offending.readUInt32BE(4) : 0;
  return { version, type: 'error', xid, errType: err.ofError.type, code: err.ofError.code, data: Buffer.from(offending.subarray(0, 64)) };
}
