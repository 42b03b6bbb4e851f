// OpenFlow 1.0 encoding/decoding of the proxy's neutral messages. 1.0 matches are a fixed
// struct with wildcard bits; they map onto OXM-style fields (tp_src/tp_dst by nw_proto).
import { prefixMask, readUint, writeUint } from './fields.js';
import { WireError } from './codec13.js';
import type { Action, FlowMatch, FlowStats, OfMessage, Port } from './model.js';
import { OFP10, OFPVID_PRESENT } from './model.js';

const W = { IN_PORT: 1 << 0, DL_VLAN: 1 << 1, DL_SRC: 1 << 2, DL_DST: 1 << 3, DL_TYPE: 1 << 4, NW_PROTO: 1 << 5, TP_SRC: 1 << 6, TP_DST: 1 << 7, DL_VLAN_PCP: 1 << 20, NW_TOS: 1 << 21 };
const ALL_WILDCARDS = (1 << 22) - 1;

function need(buf: Buffer, off: number, n: number): void {
  if (off + n > buf.length) throw new WireError(`truncated: need ${n} bytes at ${off}, have ${buf.length - off}`);
}

/** 1.0 16-bit port → 1.3 32-bit numbering (reserved ports 0xff00+ move up). */
export const port10to13 = (p: number) => (p >= 0xff00 ? (p | 0xffff0000) >>> 0 : p);
export const port13to10 = (p: number) => (p >= 0xffffff00 ? p & 0xffff : p);

function prefixLen(mask: bigint): number {
  let n = 0;
  for (let i = 31; i >= 0; i--) { if ((mask >> BigInt(i)) & 1n) n++; else break; }
  if (prefixMask(32, n) !== mask) throw new WireError('OpenFlow 1.0 supports only prefix masks on IPv4 addresses');
  return n;
}

export function encodeMatch10(m: FlowMatch): Buffer {
  const b = Buffer.alloc(40);
  let wc = ALL_WILDCARDS;
  const exact = (name: keyof FlowMatch) => {
    const f = m[name];
    if (f && f.mask !== undefined) throw new WireError(`OpenFlow 1.0 cannot mask ${name}`);
    return f;
  };
  for (const k of Object.keys(m)) {
    if (!['in_port', 'eth_src', 'eth_dst', 'vlan_vid', 'vlan_pcp', 'eth_type', 'ip_dscp', 'ip_proto', 'ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa', 'arp_op', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst', 'icmpv4_type', 'icmpv4_code'].includes(k)) {
      throw new WireError(`OpenFlow 1.0 cannot match ${k}`);
    }
  }
  let f;
  if ((f = exact('in_port'))) { wc &= ~W.IN_PORT; b.writeUInt16BE(port13to10(Number(f.value)), 4); }
  if ((f = exact('eth_src'))) { wc &= ~W.DL_SRC; writeUint(b, 6, 6, f.value); }
  if ((f = exact('eth_dst'))) { wc &= ~W.DL_DST; writeUint(b, 12, 6, f.value); }
  if ((f = m.vlan_vid)) {
    wc &= ~W.DL_VLAN;
    const v = Number(f.value);
    b.writeUInt16BE(v & OFPVID_PRESENT ? v & 0xfff : 0xffff, 18);
  }
  if ((f = exact('vlan_pcp'))) { wc &= ~W.DL_VLAN_PCP; b[20] = Number(f.value); }
  if ((f = exact('eth_type'))) { wc &= ~W.DL_TYPE; b.writeUInt16BE(Number(f.value), 22); }
  if ((f = exact('ip_dscp'))) { wc &= ~W.NW_TOS; b[24] = Number(f.value) << 2; }
  if ((f = exact('ip_proto') ?? exact('arp_op'))) { wc &= ~W.NW_PROTO; b[25] = Number(f.value); }
  const nw = (name: 'ipv4_src' | 'ipv4_dst' | 'arp_spa' | 'arp_tpa', off: number, shift: number) => {
    const v = m[name];
    if (!v) return;
    const len = v.mask === undefined ? 32 : prefixLen(v.mask);
    wc = (wc & ~(0x3f << shift)) | ((32 - len) << shift);
    writeUint(b, off, 4, v.value);
  };
  nw('ipv4_src', 28, 8); nw('arp_spa', 28, 8); nw('ipv4_dst', 32, 14); nw('arp_tpa', 32, 14);
  if ((f = exact('tcp_src') ?? exact('udp_src') ?? exact('icmpv4_type'))) { wc &= ~W.TP_SRC; b.writeUInt16BE(Number(f.value), 36); }
  if ((f = exact('tcp_dst') ?? exact('udp_dst') ?? exact('icmpv4_code'))) { wc &= ~W.TP_DST; b.writeUInt16BE(Number(f.value), 38); }
  b.writeUInt32BE(wc >>> 0, 0);
  return b;
}

export function decodeMatch10(buf: Buffer, off: number): FlowMatch {
  need(buf, off, 40);
  const wc = buf.readUInt32BE(off);
  const m: FlowMatch = {};
  if (!(wc & W.IN_PORT)) m.in_port = { value: BigInt(port10to13(buf.readUInt16BE(off + 4))) };
  if (!(wc & W.DL_SRC)) m.eth_src = { value: readUint(buf, off + 6, 6) };
  if (!(wc & W.DL_DST)) m.eth_dst = { value: readUint(buf, off + 12, 6) };
  if (!(wc & W.DL_VLAN)) { const v = buf.readUInt16BE(off + 18); m.vlan_vid = { value: BigInt(v === 0xffff ? 0 : (v & 0xfff) | OFPVID_PRESENT) }; }
  if (!(wc & W.DL_VLAN_PCP)) m.vlan_pcp = { value: BigInt(buf[off + 20] & 7) };
  const dlType = wc & W.DL_TYPE ? null : buf.readUInt16BE(off + 22);
  if (dlType !== null) m.eth_type = { value: BigInt(dlType) };
  const isArp = dlType === 0x0806, isIp = dlType === 0x0800;
  // Only fields whose prerequisites hold are kept (exact 1.0 matches carry zeros elsewhere).
  if (!(wc & W.NW_TOS) && isIp) m.ip_dscp = { value: BigInt(buf[off + 24] >> 2) };
  const proto = wc & W.NW_PROTO ? null : buf[off + 25];
  if (proto !== null && isArp) m.arp_op = { value: BigInt(proto) };
  if (proto !== null && isIp) m.ip_proto = { value: BigInt(proto) };
  const nw = (shift: number, voff: number, ipName: 'ipv4_src' | 'ipv4_dst', arpName: 'arp_spa' | 'arp_tpa') => {
    const n = Math.min(32, (wc >> shift) & 0x3f);
    if (n >= 32 || !(isIp || isArp)) return;
    const mask = prefixMask(32, 32 - n);
    const value = readUint(buf, off + voff, 4) & mask;
    m[isArp ? arpName : ipName] = n === 0 ? { value } : { value, mask };
  };
  nw(8, 28, 'ipv4_src', 'arp_spa'); nw(14, 32, 'ipv4_dst', 'arp_tpa');
  const tp = (bit: number, voff: number, names: ['tcp_src' | 'tcp_dst', 'udp_src' | 'udp_dst', 'icmpv4_type' | 'icmpv4_code']) => {
    if (wc & bit || !isIp) return;
    const v = { value: BigInt(buf.readUInt16BE(off + voff)) };
    if (proto === 6) m[names[0]] = v; else if (proto === 17) m[names[1]] = v; else if (proto === 1) m[names[2]] = { value: v.value & 0xffn };
  };
  tp(W.TP_SRC, 36, ['tcp_src', 'udp_src', 'icmpv4_type']); tp(W.TP_DST, 38, ['tcp_dst', 'udp_dst', 'icmpv4_code']);
  if (m.vlan_vid && m.vlan_vid.value === 0n) delete m.vlan_pcp;
  return m;
}

export function encodeActions10(actions: Action[]): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    let b: Buffer | null = null;
    switch (a.type) {
      case 'output': b = Buffer.alloc(8); b.writeUInt16BE(0, 0); b.writeUInt16BE(port13to10(a.port), 4); b.writeUInt16BE(a.maxLen === 0xffff ? 0xffff : Math.min(a.maxLen, 0xffff), 6); break;
      case 'push_vlan': {
        // 1.0 has no push: set_vlan_vid adds the tag when absent. Expect a set_field vlan_vid next.
        const next = actions[i + 1];
        if (next?.type !== 'set_field' || next.field !== 'vlan_vid') throw new WireError('OpenFlow 1.0: push_vlan must be followed by set vlan_vid');
        continue;
      }
      case 'pop_vlan': b = Buffer.alloc(8); b.writeUInt16BE(3, 0); break;
      case 'set_queue': {
        const next = actions[i + 1];
        if (next?.type !== 'output') throw new WireError('OpenFlow 1.0: set_queue must be followed by output');
        b = Buffer.alloc(16); b.writeUInt16BE(11, 0); b.writeUInt16BE(port13to10(next.port), 4); b.writeUInt32BE(a.queueId, 12);
        i++;
        break;
      }
      case 'set_field': {
        const v = a.value;
        switch (a.field) {
          case 'vlan_vid': b = Buffer.alloc(8); b.writeUInt16BE(1, 0); b.writeUInt16BE(Number(v) & 0xfff, 4); break;
          case 'vlan_pcp': b = Buffer.alloc(8); b.writeUInt16BE(2, 0); b[4] = Number(v); break;
          case 'eth_src': case 'eth_dst': b = Buffer.alloc(16); b.writeUInt16BE(a.field === 'eth_src' ? 4 : 5, 0); writeUint(b, 4, 6, v); break;
          case 'ipv4_src': case 'ipv4_dst': b = Buffer.alloc(8); b.writeUInt16BE(a.field === 'ipv4_src' ? 6 : 7, 0); writeUint(b, 4, 4, v); break;
          case 'ip_dscp': b = Buffer.alloc(8); b.writeUInt16BE(8, 0); b[4] = Number(v) << 2; break;
          case 'tcp_src': case 'udp_src': b = Buffer.alloc(8); b.writeUInt16BE(9, 0); b.writeUInt16BE(Number(v), 4); break;
          case 'tcp_dst': case 'udp_dst': b = Buffer.alloc(8); b.writeUInt16BE(10, 0); b.writeUInt16BE(Number(v), 4); break;
          default: throw new WireError(`OpenFlow 1.0 cannot set ${a.field}`);
        }
        break;
      }
      default: throw new WireError(`OpenFlow 1.0 cannot encode action ${a.type}`);
    }
    b.writeUInt16BE(b.length, 2);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

export function decodeActions10(buf: Buffer, off: number, end: number): Action[] {
  const out: Action[] = [];
  while (off + 4 <= end) {
    const type = buf.readUInt16BE(off), len = buf.readUInt16BE(off + 2);
    if (len < 8 || off + len > end) throw new WireError(`bad action length ${len}`);
    const u16 = () => buf.readUInt16BE(off + 4);
    switch (type) {
      case 0: { const ml = buf.readUInt16BE(off + 6); out.push({ type: 'output', port: port10to13(u16()), maxLen: ml === 0xffff ? 0xffff : ml }); break; }
      case 1: out.push({ type: 'push_vlan', ethertype: 0x8100 }, { type: 'set_field', field: 'vlan_vid', value: BigInt((u16() & 0xfff) | OFPVID_PRESENT) }); break;
      case 2: out.push({ type: 'set_field', field: 'vlan_pcp', value: BigInt(buf[off + 4]) }); break;
      case 3: out.push({ type: 'pop_vlan' }); break;
      case 4: case 5: out.push({ type: 'set_field', field: type === 4 ? 'eth_src' : 'eth_dst', value: readUint(buf, off + 4, 6) }); break;
      case 6: case 7: out.push({ type: 'set_field', field: type === 6 ? 'ipv4_src' : 'ipv4_dst', value: readUint(buf, off + 4, 4) }); break;
      case 8: out.push({ type: 'set_field', field: 'ip_dscp', value: BigInt(buf[off + 4] >> 2) }); break;
      case 9: case 10: out.push({ type: 'set_field', field: type === 9 ? 'tcp_src' : 'tcp_dst', value: BigInt(u16()) }); break;
      case 11: out.push({ type: 'set_queue', queueId: buf.readUInt32BE(off + 12) }, { type: 'output', port: port10to13(u16()), maxLen: 0 }); break;
      default: out.push({ type: 'unsupported', code: type });
    }
    off += len;
  }
  return out;
}

export function encodePort10(p: Port): Buffer {
  const b = Buffer.alloc(48);
  b.writeUInt16BE(port13to10(p.portNo), 0);
  p.hwAddr.copy(b, 2, 0, 6);
  b.write(p.name.slice(0, 15), 8, 'latin1');
  [p.config, p.state, p.curr, p.advertised, p.supported, p.peer].forEach((v, i) => b.writeUInt32BE(v >>> 0, 24 + i * 4));
  return b;
}

export function decodePort10(buf: Buffer, off: number): Port {
  need(buf, off, 48);
  const nameRaw = buf.subarray(off + 8, off + 24);
  const z = nameRaw.indexOf(0);
  const u = (i: number) => buf.readUInt32BE(off + 24 + i * 4);
  return { portNo: port10to13(buf.readUInt16BE(off)), hwAddr: Buffer.from(buf.subarray(off + 2, off + 8)), name: nameRaw.subarray(0, z < 0 ? 16 : z).toString('latin1'),
    config: u(0), state: u(1), curr: u(2), advertised: u(3), supported: u(4), peer: u(5), currSpeed: 0, maxSpeed: 0 };
}

/** Flattens 1.3 instructions to a 1.0 action list (apply/write actions; meters and gotos dropped). */
function actionsOf(ins: FlowStats['instructions']): Action[] {
  const out: Action[] = [];
  for (const i of ins) {
    if (i.type === 'apply_actions' || i.type === 'write_actions') out.push(...i.actions);
    else if (i.type === 'goto_table' || i.type === 'write_metadata' || i.type === 'unsupported') throw new WireError(`OpenFlow 1.0 cannot express instruction ${i.type}`);
  }
  return out;
}

function header(type: number, xid: number, body: Buffer): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b[0] = OFP10; b[1] = type; b.writeUInt16BE(b.length, 2); b.writeUInt32BE(xid >>> 0, 4);
  body.copy(b, 8);
  return b;
}

const MP10: Record<number, number> = { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 };

export function encode10(m: OfMessage): Buffer {
  switch (m.type) {
    case 'hello': return header(0, m.xid, Buffer.alloc(0));
    case 'error': { const b = Buffer.alloc(4); b.writeUInt16BE(m.errType, 0); b.writeUInt16BE(m.code, 2); return header(1, m.xid, Buffer.concat([b, m.data])); }
    case 'echo_request': return header(2, m.xid, m.data);
    case 'echo_reply': return header(3, m.xid, m.data);
    case 'features_request': return header(5, m.xid, Buffer.alloc(0));
    case 'features_reply': {
      const b = Buffer.alloc(24);
      b.writeBigUInt64BE(m.dpid, 0); b.writeUInt32BE(m.nBuffers, 8); b[12] = m.nTables; b.writeUInt32BE(m.capabilities >>> 0, 16); b.writeUInt32BE(m.actions >>> 0, 20);
      return header(6, m.xid, Buffer.concat([b, ...m.ports.map(encodePort10)]));
    }
    case 'get_config_request': return header(7, m.xid, Buffer.alloc(0));
    case 'get_config_reply': case 'set_config': { const b = Buffer.alloc(4); b.writeUInt16BE(m.flags, 0); b.writeUInt16BE(m.missSendLen, 2); return header(m.type === 'set_config' ? 9 : 8, m.xid, b); }
    case 'packet_in': {
      const b = Buffer.alloc(10);
      b.writeUInt32BE(m.bufferId >>> 0, 0); b.writeUInt16BE(m.totalLen, 4); b.writeUInt16BE(port13to10(Number(m.match.in_port?.value ?? 0n)), 6); b[8] = m.reason;
      return header(10, m.xid, Buffer.concat([b, m.data]));
    }
    case 'flow_removed': {
      const b = Buffer.alloc(40);
      b.writeBigUInt64BE(m.cookie, 0); b.writeUInt16BE(m.priority, 8); b[10] = m.reason; b.writeUInt32BE(m.durationSec, 12); b.writeUInt32BE(m.durationNsec, 16);
      b.writeUInt16BE(m.idleTimeout, 20); b.writeBigUInt64BE(m.packetCount, 24); b.writeBigUInt64BE(m.byteCount, 32);
      return header(11, m.xid, Buffer.concat([encodeMatch10(m.match), b]));
    }
    case 'port_status': { const b = Buffer.alloc(8); b[0] = m.reason; return header(12, m.xid, Buffer.concat([b, encodePort10(m.port)])); }
    case 'packet_out': {
      const acts = encodeActions10(m.actions);
      const b = Buffer.alloc(8);
      b.writeUInt32BE(m.bufferId >>> 0, 0); b.writeUInt16BE(port13to10(m.inPort), 4); b.writeUInt16BE(acts.length, 6);
      return header(13, m.xid, Buffer.concat([b, acts, m.data]));
    }
    case 'flow_mod': {
      const b = Buffer.alloc(24);
      b.writeBigUInt64BE(m.cookie, 0); b.writeUInt16BE(m.command, 8); b.writeUInt16BE(m.idleTimeout, 10); b.writeUInt16BE(m.hardTimeout, 12);
      b.writeUInt16BE(m.priority, 14); b.writeUInt32BE(m.bufferId >>> 0, 16); b.writeUInt16BE(port13to10(m.outPort), 20); b.writeUInt16BE(m.flags & 0x7, 22);
      return header(14, m.xid, Buffer.concat([encodeMatch10(m.match), b, encodeActions10(actionsOf(m.instructions))]));
    }
    case 'multipart_request': case 'multipart_reply': {
      const t = MP10[m.mpType];
      if (t === undefined) throw new WireError(`OpenFlow 1.0 has no stats type ${m.mpType}`);
      const h = Buffer.alloc(4); h.writeUInt16BE(t, 0); h.writeUInt16BE(m.flags, 2);
      let body = m.body;
      if (m.type === 'multipart_request' && m.flow) {
        const b = Buffer.alloc(4); b[0] = m.flow.tableId === 0xff ? 0xff : m.flow.tableId; b.writeUInt16BE(port13to10(m.flow.outPort), 2);
        body = Buffer.concat([encodeMatch10(m.flow.match), b]);
      }
      if (m.type === 'multipart_reply' && m.flows) {
        body = Buffer.concat(m.flows.map((f) => {
          const acts = encodeActions10(actionsOf(f.instructions));
          const b = Buffer.alloc(88 + acts.length);
          b.writeUInt16BE(b.length, 0); b[2] = f.tableId; encodeMatch10(f.match).copy(b, 4);
          b.writeUInt32BE(f.durationSec, 44); b.writeUInt32BE(f.durationNsec, 48); b.writeUInt16BE(f.priority, 52); b.writeUInt16BE(f.idleTimeout, 54); b.writeUInt16BE(f.hardTimeout, 56);
          b.writeBigUInt64BE(f.cookie, 64); b.writeBigUInt64BE(f.packetCount, 72); b.writeBigUInt64BE(f.byteCount, 80);
          acts.copy(b, 88);
          return b;
        }));
      }
      return header(m.type === 'multipart_request' ? 16 : 17, m.xid, Buffer.concat([h, body]));
    }
    case 'barrier_request': return header(18, m.xid, Buffer.alloc(0));
    case 'barrier_reply': return header(19, m.xid, Buffer.alloc(0));
    case 'other': return header(m.rawType, m.xid, m.body);
    default: throw new WireError(`OpenFlow 1.0 has no ${m.type}`);
  }
}

export function decode10(buf: Buffer): OfMessage {
  need(buf, 0, 8);
  const type = buf[1], xid = buf.readUInt32BE(4);
  const base = { version: OFP10 as typeof OFP10, xid };
  const body = buf.subarray(8);
  switch (type) {
    case 0: return { ...base, type: 'hello', versions: [OFP10] };
    case 1: need(buf, 8, 4); return { ...base, type: 'error', errType: body.readUInt16BE(0), code: body.readUInt16BE(2), data: Buffer.from(body.subarray(4)) };
    case 2: return { ...base, type: 'echo_request', data: Buffer.from(body) };
    case 3: return { ...base, type: 'echo_reply', data: Buffer.from(body) };
    case 5: return { ...base, type: 'features_request' };
    case 6: {
      need(buf, 8, 24);
      const ports: Port[] = [];
      for (let o = 32; o + 48 <= buf.length; o += 48) ports.push(decodePort10(buf, o));
      return { ...base, type: 'features_reply', dpid: body.readBigUInt64BE(0), nBuffers: body.readUInt32BE(8), nTables: body[12], auxiliaryId: 0, capabilities: body.readUInt32BE(16), actions: body.readUInt32BE(20), ports };
    }
    case 7: return { ...base, type: 'get_config_request' };
    case 8: case 9: need(buf, 8, 4); return { ...base, type: type === 8 ? 'get_config_reply' : 'set_config', flags: body.readUInt16BE(0), missSendLen: body.readUInt16BE(2) };
    case 10: need(buf, 8, 10); return { ...base, type: 'packet_in', bufferId: body.readUInt32BE(0), totalLen: body.readUInt16BE(4), reason: body[8], tableId: 0, cookie: 0n, match: { in_port: { value: BigInt(port10to13(body.readUInt16BE(6))) } }, data: Buffer.from(body.subarray(10)) };
    case 11: {
      need(buf, 8, 80);
      const o = 48;
      return { ...base, type: 'flow_removed', match: decodeMatch10(buf, 8), cookie: buf.readBigUInt64BE(o), priority: buf.readUInt16BE(o + 8), reason: buf[o + 10], tableId: 0, durationSec: buf.readUInt32BE(o + 12), durationNsec: buf.readUInt32BE(o + 16), idleTimeout: buf.readUInt16BE(o + 20), hardTimeout: 0, packetCount: buf.readBigUInt64BE(o + 24), byteCount: buf.readBigUInt64BE(o + 32) };
    }
    case 12: return { ...base, type: 'port_status', reason: body[0], port: decodePort10(buf, 16) };
    case 13: {
      need(buf, 8, 8);
      const alen = body.readUInt16BE(6);
      need(buf, 16, alen);
      return { ...base, type: 'packet_out', bufferId: body.readUInt32BE(0), inPort: port10to13(body.readUInt16BE(4)), actions: decodeActions10(buf, 16, 16 + alen), data: Buffer.from(buf.subarray(16 + alen)) };
    }
    case 14: {
      need(buf, 8, 64);
      const o = 48;
      return { ...base, type: 'flow_mod', match: decodeMatch10(buf, 8), cookie: buf.readBigUInt64BE(o), cookieMask: 0n, tableId: 0, command: buf.readUInt16BE(o + 8), idleTimeout: buf.readUInt16BE(o + 10), hardTimeout: buf.readUInt16BE(o + 12), priority: buf.readUInt16BE(o + 14), bufferId: buf.readUInt32BE(o + 16), outPort: port10to13(buf.readUInt16BE(o + 20)), outGroup: 0xffffffff, flags: buf.readUInt16BE(o + 22), instructions: [{ type: 'apply_actions', actions: decodeActions10(buf, 72, buf.length) }] };
    }
    case 16: case 17: {
      need(buf, 8, 4);
      const mpType = body.readUInt16BE(0), flags = body.readUInt16BE(2);
      const mbody = Buffer.from(body.subarray(4));
      if (type === 16) {
        if (mpType === 1 || mpType === 2) {
          need(buf, 12, 44);
          return { ...base, type: 'multipart_request', mpType, flags, body: mbody, flow: { match: decodeMatch10(buf, 12), tableId: buf[52], outPort: port10to13(buf.readUInt16BE(54)), outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n } };
        }
        return { ...base, type: 'multipart_request', mpType, flags, body: mbody };
      }
      if (mpType === 1) {
        const flows: FlowStats[] = [];
        for (let o = 12; o + 88 <= buf.length;) {
          const len = buf.readUInt16BE(o);
          if (len < 88) throw new WireError('bad 1.0 flow stats length');
          flows.push({ tableId: buf[o + 2], match: decodeMatch10(buf, o + 4), durationSec: buf.readUInt32BE(o + 44), durationNsec: buf.readUInt32BE(o + 48), priority: buf.readUInt16BE(o + 52), idleTimeout: buf.readUInt16BE(o + 54), hardTimeout: buf.readUInt16BE(o + 56), flags: 0, cookie: buf.readBigUInt64BE(o + 64), packetCount: buf.readBigUInt64BE(o + 72), byteCount: buf.readBigUInt64BE(o + 80), instructions: [{ type: 'apply_actions', actions: decodeActions10(buf, o + 88, o + len) }] });
          o += len;
        }
        return { ...base, type: 'multipart_reply', mpType, flags, body: mbody, flows };
      }
      return { ...base, type: 'multipart_reply', mpType, flags, body: mbody };
    }
    case 18: return { ...base, type: 'barrier_request' };
    case 19: return { ...base, type: 'barrier_reply' };
    default: return { ...base, type: 'other', rawType: type, body: Buffer.from(body) };
  }
}
