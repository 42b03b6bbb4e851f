// OpenFlow 1.3 encoding/decoding of the proxy's neutral messages.
import { FIELD_BY_NAME, FIELD_BY_OXM, FIELD_ORDER, fullMask, readUint, writeUint } from './fields.js';
import type { Action, FlowMatch, FlowStats, Instruction, OfMessage, Port } from './model.js';
import { OFP13 } from './model.js';

export class WireError extends Error {
  constructor(message: string) { super(message); }
}

function need(buf: Buffer, off: number, n: number): void {
  if (off + n > buf.length) throw new WireError(`truncated: need ${n} bytes at ${off}, have ${buf.length - off}`);
}

const pad8 = (n: number) => (n + 7) & ~7;

// ---- match (OXM) ----

export function encodeOxms(m: FlowMatch): Buffer {
  const parts: Buffer[] = [];
  for (const name of FIELD_ORDER) {
    const fv = m[name];
    if (!fv) continue;
    const def = FIELD_BY_NAME.get(name)!;
    const hasMask = fv.mask !== undefined && fv.mask !== fullMask(name);
    const len = def.bytes * (hasMask ? 2 : 1);
    const b = Buffer.alloc(4 + len);
    b.writeUInt16BE(0x8000, 0);
    b[2] = (def.oxm << 1) | (hasMask ? 1 : 0);
    b[3] = len;
    writeUint(b, 4, def.bytes, fv.value);
    if (hasMask) writeUint(b, 4 + def.bytes, def.bytes, fv.mask!);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

export function decodeOxms(buf: Buffer, off: number, end: number): FlowMatch {
  const m: FlowMatch = {};
  while (off + 4 <= end) {
    const cls = buf.readUInt16BE(off);
    const fieldByte = buf[off + 2];
    const len = buf[off + 3];
    need(buf, off + 4, len);
    const oxm = fieldByte >> 1, hasMask = (fieldByte & 1) === 1;
    const def = cls === 0x8000 ? FIELD_BY_OXM.get(oxm) : undefined;
    if (!def) throw new WireError(`unsupported OXM class 0x${cls.toString(16)} field ${oxm}`);
    const value = readUint(buf, off + 4, def.bytes);
    m[def.name] = hasMask ? { value, mask: readUint(buf, off + 4 + def.bytes, def.bytes) } : { value };
    off += 4 + len;
  }
  return m;
}

export function encodeMatch(m: FlowMatch): Buffer {
  const oxms = encodeOxms(m);
  const len = 4 + oxms.length;
  const b = Buffer.alloc(pad8(len));
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(len, 2);
  oxms.copy(b, 4);
  return b;
}

/** Returns the match and the offset just after it (padding included). */
export function decodeMatch(buf: Buffer, off: number): [FlowMatch, number] {
  need(buf, off, 4);
  const type = buf.readUInt16BE(off), len = buf.readUInt16BE(off + 2);
  if (type !== 1) throw new WireError(`unsupported match type ${type}`);
  need(buf, off, len);
  return [decodeOxms(buf, off + 4, off + len), off + pad8(len)];
}

// ---- actions ----

export function encodeActions(actions: Action[]): Buffer {
  const parts: Buffer[] = [];
  for (const a of actions) {
    let b: Buffer;
    switch (a.type) {
      case 'output': b = Buffer.alloc(16); b.writeUInt16BE(0, 0); b.writeUInt32BE(a.port >>> 0, 4); b.writeUInt16BE(a.maxLen, 8); break;
      case 'push_vlan': b = Buffer.alloc(8); b.writeUInt16BE(17, 0); b.writeUInt16BE(a.ethertype, 4); break;
      case 'pop_vlan': b = Buffer.alloc(8); b.writeUInt16BE(18, 0); break;
      case 'push_mpls': b = Buffer.alloc(8); b.writeUInt16BE(19, 0); b.writeUInt16BE(a.ethertype, 4); break;
      case 'pop_mpls': b = Buffer.alloc(8); b.writeUInt16BE(20, 0); b.writeUInt16BE(a.ethertype, 4); break;
      case 'set_queue': b = Buffer.alloc(8); b.writeUInt16BE(21, 0); b.writeUInt32BE(a.queueId, 4); break;
      case 'group': b = Buffer.alloc(8); b.writeUInt16BE(22, 0); b.writeUInt32BE(a.groupId, 4); break;
      case 'dec_nw_ttl': b = Buffer.alloc(8); b.writeUInt16BE(24, 0); break;
      case 'set_field': {
        const oxm = encodeOxms({ [a.field]: { value: a.value } });
        b = Buffer.alloc(pad8(4 + oxm.length)); b.writeUInt16BE(25, 0); oxm.copy(b, 4); break;
      }
      case 'unsupported': throw new WireError(`cannot encode unsupported action ${a.code}`);
    }
    b.writeUInt16BE(b.length, 2);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

export function decodeActions(buf: Buffer, off: number, end: number): Action[] {
  const out: Action[] = [];
  while (off + 4 <= end) {
    const type = buf.readUInt16BE(off), len = buf.readUInt16BE(off + 2);
    if (len < 8 || off + len > end) throw new WireError(`bad action length ${len}`);
    switch (type) {
      case 0: out.push({ type: 'output', port: buf.readUInt32BE(off + 4), maxLen: buf.readUInt16BE(off + 8) }); break;
      case 17: out.push({ type: 'push_vlan', ethertype: buf.readUInt16BE(off + 4) }); break;
      case 18: out.push({ type: 'pop_vlan' }); break;
      case 19: out.push({ type: 'push_mpls', ethertype: buf.readUInt16BE(off + 4) }); break;
      case 20: out.push({ type: 'pop_mpls', ethertype: buf.readUInt16BE(off + 4) }); break;
      case 21: out.push({ type: 'set_queue', queueId: buf.readUInt32BE(off + 4) }); break;
      case 22: out.push({ type: 'group', groupId: buf.readUInt32BE(off + 4) }); break;
      case 24: out.push({ type: 'dec_nw_ttl' }); break;
      case 25: {
        const m = decodeOxms(buf, off + 4, Math.min(off + len, off + 8 + buf[off + 7]));
        const [field, fv] = Object.entries(m)[0] as [keyof FlowMatch, { value: bigint }];
        out.push({ type: 'set_field', field, value: fv.value });
        break;
      }
      default: out.push({ type: 'unsupported', code: type });
    }
    off += len;
  }
  return out;
}

// ---- instructions ----

export function encodeInstructions(ins: Instruction[]): Buffer {
  const parts: Buffer[] = [];
  for (const i of ins) {
    let b: Buffer;
    switch (i.type) {
      case 'goto_table': b = Buffer.alloc(8); b.writeUInt16BE(1, 0); b[4] = i.tableId; break;
      case 'write_metadata': b = Buffer.alloc(24); b.writeUInt16BE(2, 0); b.writeBigUInt64BE(i.metadata, 8); b.writeBigUInt64BE(i.mask, 16); break;
      case 'write_actions': case 'apply_actions': {
        const acts = encodeActions(i.actions);
        b = Buffer.alloc(8 + acts.length); b.writeUInt16BE(i.type === 'write_actions' ? 3 : 4, 0); acts.copy(b, 8); break;
      }
      case 'clear_actions': b = Buffer.alloc(8); b.writeUInt16BE(5, 0); break;
      case 'meter': b = Buffer.alloc(8); b.writeUInt16BE(6, 0); b.writeUInt32BE(i.meterId, 4); break;
      case 'unsupported': throw new WireError(`cannot encode unsupported instruction ${i.code}`);
    }
    b.writeUInt16BE(b.length, 2);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

export function decodeInstructions(buf: Buffer, off: number, end: number): Instruction[] {
  const out: Instruction[] = [];
  while (off + 4 <= end) {
    const type = buf.readUInt16BE(off), len = buf.readUInt16BE(off + 2);
    if (len < 8 || off + len > end) throw new WireError(`bad instruction length ${len}`);
    switch (type) {
      case 1: out.push({ type: 'goto_table', tableId: buf[off + 4] }); break;
      case 2: need(buf, off, 24); out.push({ type: 'write_metadata', metadata: buf.readBigUInt64BE(off + 8), mask: buf.readBigUInt64BE(off + 16) }); break;
      case 3: out.push({ type: 'write_actions', actions: decodeActions(buf, off + 8, off + len) }); break;
      case 4: out.push({ type: 'apply_actions', actions: decodeActions(buf, off + 8, off + len) }); break;
      case 5: out.push({ type: 'clear_actions' }); break;
      case 6: out.push({ type: 'meter', meterId: buf.readUInt32BE(off + 4) }); break;
      default: out.push({ type: 'unsupported', code: type });
    }
    off += len;
  }
  return out;
}

// ---- ports ----

export function encodePort(p: Port): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(p.portNo >>> 0, 0);
  p.hwAddr.copy(b, 8, 0, 6);
  b.write(p.name.slice(0, 15), 16, 'latin1');
  const vals = [p.config, p.state, p.curr, p.advertised, p.supported, p.peer, p.currSpeed, p.maxSpeed];
  vals.forEach((v, i) => b.writeUInt32BE(v >>> 0, 32 + i * 4));
  return b;
}

export function decodePort(buf: Buffer, off: number): Port {
  need(buf, off, 64);
  const nameRaw = buf.subarray(off + 16, off + 32);
  const z = nameRaw.indexOf(0);
  const u = (i: number) => buf.readUInt32BE(off + 32 + i * 4);
  return {
    portNo: buf.readUInt32BE(off), hwAddr: Buffer.from(buf.subarray(off + 8, off + 14)),
    name: nameRaw.subarray(0, z < 0 ? 16 : z).toString('latin1'),
    config: u(0), state: u(1), curr: u(2), advertised: u(3), supported: u(4), peer: u(5), currSpeed: u(6), maxSpeed: u(7),
  };
}

// ---- flow stats ----

function encodeFlowStats(f: FlowStats): Buffer {
  const match = encodeMatch(f.match), ins = encodeInstructions(f.instructions);
  const b = Buffer.alloc(48 + match.length + ins.length);
  b.writeUInt16BE(b.length, 0); b[2] = f.tableId;
  b.writeUInt32BE(f.durationSec, 4); b.writeUInt32BE(f.durationNsec, 8);
  b.writeUInt16BE(f.priority, 12); b.writeUInt16BE(f.idleTimeout, 14); b.writeUInt16BE(f.hardTimeout, 16); b.writeUInt16BE(f.flags, 18);
  b.writeBigUInt64BE(f.cookie, 24); b.writeBigUInt64BE(f.packetCount, 32); b.writeBigUInt64BE(f.byteCount, 40);
  match.copy(b, 48); ins.copy(b, 48 + match.length);
  return b;
}

function decodeFlowStatsList(buf: Buffer, off: number, end: number): FlowStats[] {
  const out: FlowStats[] = [];
  while (off + 48 <= end) {
    const len = buf.readUInt16BE(off);
    if (len < 48 || off + len > end) throw new WireError(`bad flow stats length ${len}`);
    const [match, after] = decodeMatch(buf, off + 48);
    out.push({
      tableId: buf[off + 2], durationSec: buf.readUInt32BE(off + 4), durationNsec: buf.readUInt32BE(off + 8),
      priority: buf.readUInt16BE(off + 12), idleTimeout: buf.readUInt16BE(off + 14), hardTimeout: buf.readUInt16BE(off + 16),
      flags: buf.readUInt16BE(off + 18), cookie: buf.readBigUInt64BE(off + 24), packetCount: buf.readBigUInt64BE(off + 32),
      byteCount: buf.readBigUInt64BE(off + 40), match, instructions: decodeInstructions(buf, after, off + len),
    });
    off += len;
  }
  return out;
}

// ---- messages ----

function header(type: number, xid: number, body: Buffer): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b[0] = OFP13; b[1] = type; b.writeUInt16BE(b.length, 2); b.writeUInt32BE(xid >>> 0, 4);
  body.copy(b, 8);
  return b;
}

export function encode13(m: OfMessage): Buffer {
  switch (m.type) {
    case 'hello': {
      const bitmap = m.versions.reduce((a, v) => a | (1 << v), 0);
      const el = Buffer.alloc(8); el.writeUInt16BE(1, 0); el.writeUInt16BE(8, 2); el.writeUInt32BE(bitmap >>> 0, 4);
      return header(0, m.xid, el);
    }
    case 'error': { const b = Buffer.alloc(4); b.writeUInt16BE(m.errType, 0); b.writeUInt16BE(m.code, 2); return header(1, m.xid, Buffer.concat([b, m.data])); }
    case 'echo_request': return header(2, m.xid, m.data);
    case 'echo_reply': return header(3, m.xid, m.data);
    case 'features_request': return header(5, m.xid, Buffer.alloc(0));
    case 'features_reply': {
      const b = Buffer.alloc(24);
      b.writeBigUInt64BE(m.dpid, 0); b.writeUInt32BE(m.nBuffers, 8); b[12] = m.nTables; b[13] = m.auxiliaryId; b.writeUInt32BE(m.capabilities >>> 0, 16);
      return header(6, m.xid, b);
    }
    case 'get_config_request': return header(7, m.xid, Buffer.alloc(0));
    case 'get_config_reply': case 'set_config': {
      const b = Buffer.alloc(4); b.writeUInt16BE(m.flags, 0); b.writeUInt16BE(m.missSendLen, 2);
      return header(m.type === 'set_config' ? 9 : 8, m.xid, b);
    }
    case 'packet_in': {
      const match = encodeMatch(m.match);
      const b = Buffer.alloc(16 + match.length + 2);
      b.writeUInt32BE(m.bufferId >>> 0, 0); b.writeUInt16BE(m.totalLen, 4); b[6] = m.reason; b[7] = m.tableId; b.writeBigUInt64BE(m.cookie, 8);
      match.copy(b, 16);
      return header(10, m.xid, Buffer.concat([b, m.data]));
    }
    case 'flow_removed': {
      const match = encodeMatch(m.match);
      const b = Buffer.alloc(40);
      b.writeBigUInt64BE(m.cookie, 0); b.writeUInt16BE(m.priority, 8); b[10] = m.reason; b[11] = m.tableId;
      b.writeUInt32BE(m.durationSec, 12); b.writeUInt32BE(m.durationNsec, 16); b.writeUInt16BE(m.idleTimeout, 20); b.writeUInt16BE(m.hardTimeout, 22);
      b.writeBigUInt64BE(m.packetCount, 24); b.writeBigUInt64BE(m.byteCount, 32);
      return header(11, m.xid, Buffer.concat([b, match]));
    }
    case 'port_status': { const b = Buffer.alloc(8); b[0] = m.reason; return header(12, m.xid, Buffer.concat([b, encodePort(m.port)])); }
    case 'packet_out': {
      const acts = encodeActions(m.actions);
      const b = Buffer.alloc(16);
      b.writeUInt32BE(m.bufferId >>> 0, 0); b.writeUInt32BE(m.inPort >>> 0, 4); b.writeUInt16BE(acts.length, 8);
      return header(13, m.xid, Buffer.concat([b, acts, m.data]));
    }
    case 'flow_mod': {
      const b = Buffer.alloc(40);
      b.writeBigUInt64BE(m.cookie, 0); b.writeBigUInt64BE(m.cookieMask, 8); b[16] = m.tableId; b[17] = m.command;
      b.writeUInt16BE(m.idleTimeout, 18); b.writeUInt16BE(m.hardTimeout, 20); b.writeUInt16BE(m.priority, 22);
      b.writeUInt32BE(m.bufferId >>> 0, 24); b.writeUInt32BE(m.outPort >>> 0, 28); b.writeUInt32BE(m.outGroup >>> 0, 32); b.writeUInt16BE(m.flags, 36);
      return header(14, m.xid, Buffer.concat([b, encodeMatch(m.match), encodeInstructions(m.instructions)]));
    }
    case 'meter_mod': {
      const b = Buffer.alloc(8 + 16 * m.bands.length);
      b.writeUInt16BE(m.command, 0); b.writeUInt16BE(m.flags, 2); b.writeUInt32BE(m.meterId >>> 0, 4);
      m.bands.forEach((band, i) => {
        const o = 8 + 16 * i;
        b.writeUInt16BE(1, o); b.writeUInt16BE(16, o + 2); b.writeUInt32BE(band.rate >>> 0, o + 4); b.writeUInt32BE(band.burst >>> 0, o + 8);
      });
      return header(29, m.xid, b);
    }
    case 'multipart_request': case 'multipart_reply': {
      const h = Buffer.alloc(8); h.writeUInt16BE(m.mpType, 0); h.writeUInt16BE(m.flags, 2);
      let body = m.body;
      if (m.type === 'multipart_request' && m.flow) {
        const f = m.flow; const b = Buffer.alloc(32);
        b[0] = f.tableId; b.writeUInt32BE(f.outPort >>> 0, 4); b.writeUInt32BE(f.outGroup >>> 0, 8); b.writeBigUInt64BE(f.cookie, 16); b.writeBigUInt64BE(f.cookieMask, 24);
        body = Buffer.concat([b, encodeMatch(f.match)]);
      }
      if (m.type === 'multipart_reply' && m.ports) body = Buffer.concat(m.ports.map(encodePort));
      if (m.type === 'multipart_reply' && m.flows) body = Buffer.concat(m.flows.map(encodeFlowStats));
      return header(m.type === 'multipart_request' ? 18 : 19, m.xid, Buffer.concat([h, body]));
    }
    case 'barrier_request': return header(20, m.xid, Buffer.alloc(0));
    case 'barrier_reply': return header(21, m.xid, Buffer.alloc(0));
    case 'role_request': case 'role_reply': {
      const b = Buffer.alloc(16); b.writeUInt32BE(m.role, 0); b.writeBigUInt64BE(m.generationId, 8);
      return header(m.type === 'role_request' ? 24 : 25, m.xid, b);
    }
    case 'other': return header(m.rawType, m.xid, m.body);
  }
}

export function decode13(buf: Buffer): OfMessage {
  need(buf, 0, 8);
  const type = buf[1], xid = buf.readUInt32BE(4);
  const base = { version: OFP13 as typeof OFP13, xid };
  const body = buf.subarray(8);
  switch (type) {
    case 0: {
      const versions: number[] = [];
      if (body.length >= 8 && body.readUInt16BE(0) === 1) {
        const bm = body.readUInt32BE(4);
        for (let v = 0; v < 32; v++) if (bm & (1 << v)) versions.push(v);
      }
      return { ...base, type: 'hello', versions: versions.length ? versions : [buf[0]] };
    }
    case 1: need(buf, 8, 4); return { ...base, type: 'error', errType: body.readUInt16BE(0), code: body.readUInt16BE(2), data: Buffer.from(body.subarray(4)) };
    case 2: return { ...base, type: 'echo_request', data: Buffer.from(body) };
    case 3: return { ...base, type: 'echo_reply', data: Buffer.from(body) };
    case 5: return { ...base, type: 'features_request' };
    case 6: need(buf, 8, 24); return { ...base, type: 'features_reply', dpid: body.readBigUInt64BE(0), nBuffers: body.readUInt32BE(8), nTables: body[12], auxiliaryId: body[13], capabilities: body.readUInt32BE(16), actions: 0, ports: [] };
    case 7: return { ...base, type: 'get_config_request' };
    case 8: case 9: need(buf, 8, 4); return { ...base, type: type === 8 ? 'get_config_reply' : 'set_config', flags: body.readUInt16BE(0), missSendLen: body.readUInt16BE(2) };
    case 10: {
      need(buf, 8, 16);
      const [match, after] = decodeMatch(buf, 24);
      return { ...base, type: 'packet_in', bufferId: body.readUInt32BE(0), totalLen: body.readUInt16BE(4), reason: body[6], tableId: body[7], cookie: body.readBigUInt64BE(8), match, data: Buffer.from(buf.subarray(after + 2)) };
    }
    case 11: {
      need(buf, 8, 40);
      const [match] = decodeMatch(buf, 48);
      return { ...base, type: 'flow_removed', cookie: body.readBigUInt64BE(0), priority: body.readUInt16BE(8), reason: body[10], tableId: body[11], durationSec: body.readUInt32BE(12), durationNsec: body.readUInt32BE(16), idleTimeout: body.readUInt16BE(20), hardTimeout: body.readUInt16BE(22), packetCount: body.readBigUInt64BE(24), byteCount: body.readBigUInt64BE(32), match };
    }
    case 12: return { ...base, type: 'port_status', reason: body[0], port: decodePort(buf, 16) };
    case 13: {
      need(buf, 8, 16);
      const alen = body.readUInt16BE(8);
      need(buf, 24, alen);
      return { ...base, type: 'packet_out', bufferId: body.readUInt32BE(0), inPort: body.readUInt32BE(4), actions: decodeActions(buf, 24, 24 + alen), data: Buffer.from(buf.subarray(24 + alen)) };
    }
    case 14: {
      need(buf, 8, 40);
      const [match, after] = decodeMatch(buf, 48);
      return { ...base, type: 'flow_mod', cookie: body.readBigUInt64BE(0), cookieMask: body.readBigUInt64BE(8), tableId: body[16], command: body[17], idleTimeout: body.readUInt16BE(18), hardTimeout: body.readUInt16BE(20), priority: body.readUInt16BE(22), bufferId: body.readUInt32BE(24), outPort: body.readUInt32BE(28), outGroup: body.readUInt32BE(32), flags: body.readUInt16BE(36), match, instructions: decodeInstructions(buf, after, buf.length) };
    }
    case 29: {
      need(buf, 8, 8);
      const bands = [];
      for (let o = 16; o + 16 <= buf.length; o += 16) bands.push({ type: 'drop' as const, rate: buf.readUInt32BE(o + 4), burst: buf.readUInt32BE(o + 8) });
      return { ...base, type: 'meter_mod', command: body.readUInt16BE(0), flags: body.readUInt16BE(2), meterId: body.readUInt32BE(4), bands };
    }
    case 18: case 19: {
      need(buf, 8, 8);
      const mpType = body.readUInt16BE(0), flags = body.readUInt16BE(2);
      const mbody = Buffer.from(body.subarray(8));
      if (type === 18) {
        if (mpType === 1 || mpType === 2) {
          need(buf, 16, 32);
          const [match] = decodeMatch(buf, 48);
          return { ...base, type: 'multipart_request', mpType, flags, body: mbody, flow: { tableId: buf[16], outPort: buf.readUInt32BE(20), outGroup: buf.readUInt32BE(24), cookie: buf.readBigUInt64BE(32), cookieMask: buf.readBigUInt64BE(40), match } };
        }
        return { ...base, type: 'multipart_request', mpType, flags, body: mbody };
      }
      if (mpType === 13) {
        const ports: Port[] = [];
        for (let o = 16; o + 64 <= buf.length; o += 64) ports.push(decodePort(buf, o));
        return { ...base, type: 'multipart_reply', mpType, flags, body: mbody, ports };
      }
      if (mpType === 1) return { ...base, type: 'multipart_reply', mpType, flags, body: mbody, flows: decodeFlowStatsList(buf, 16, buf.length) };
      return { ...base, type: 'multipart_reply', mpType, flags, body: mbody };
    }
    case 20: return { ...base, type: 'barrier_request' };
    case 21: return { ...base, type: 'barrier_reply' };
    case 24: case 25: need(buf, 8, 16); return { ...base, type: type === 24 ? 'role_request' : 'role_reply', role: body.readUInt32BE(0), generationId: body.readBigUInt64BE(8) };
    default: return { ...base, type: 'other', rawType: type, body: Buffer.from(body) };
  }
}
