// The codec's OpenFlow 1.0 / 1.3 messages (runtime/src/openflow) ⇄ the proxy's version-neutral
// messages (messages.ts). Semantic mapping only: the codec owns the bytes. Part of the one
// translation (wire.ts): the proxy takes this way for every type but packet-in, flow-mod and
// packet-out, which hot-messages.ts reads and writes from bytes with the same 1.0 mapping (matchFrom10,
// actionsFrom10, matchTo10, actionsTo10 here); for those three types `fromWire`/`toWire` are the
// codec-level view the tests hold hot-messages.ts to. `fromWire` throws Untranslatable for what the
// proxy cannot represent (unknown match fields); `toWire` throws a RangeError for what the target
// version cannot express (e.g. a masked MAC in OpenFlow 1.0).
import type * as of from '../openflow/index.js';
import { ACTION13_CODES, ACTION10_CODES, helloVersions, INSTRUCTION_CODES, MATCH10_ALL, OFPFW10 } from '../openflow/index.js';
import type { Action, ErrorKind, FieldName, FlowMatch, FlowStats, FlowStatsRequest, Instruction, OfMessage, Port } from './messages.js';
import { OFP10, OFP13, OFPVID_PRESENT } from './messages.js';
import {
  bigintToIpv4,
  bigintToMac,
  bigintToOxm,
  fullMask,
  ipv4Binary,
  ipv4ToBigint,
  ipv4Value,
  isFieldName,
  macBinary,
  macToBigint,
  macValue,
  oxmToBigint,
  prefixMask,
  presentFields,
} from './match-algebra.js';

export class Untranslatable extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** 1.0 16-bit port → 1.3 32-bit numbering (reserved ports 0xff00+ move up). */
export const port10to13 = (p: number): number => (p >= 0xff00 ? (p | 0xffff0000) >>> 0 : p);
export const port13to10 = (p: number): number => (p >= 0xffffff00 ? p & 0xffff : p);

// ---- matches ---------------------------------------------------------------------------

export function matchFromOxm(tlvs: readonly of.OxmTlv[]): FlowMatch {
  const m: FlowMatch = {};
  for (const t of tlvs) {
    if (t.field === 'raw' || !isFieldName(t.field)) {
      throw new Untranslatable(
        'eperm_match',
        t.field === 'raw'
          ? `OXM class 0x${t.oxmClass.toString(16)} field ${t.oxmField} is not sliced`
          : `match on ${t.field} is not sliced`,
      );
    }
    const value = oxmToBigint(t.field, t.value);
    // No link back to the decoded OXM is kept: converting an address back to text on encode is
    // cheaper than the weak-map entry per field (measured with openflow-load.bench).
    m[t.field] = t.mask === undefined ? { value } : { value, mask: oxmToBigint(t.field, t.mask) };
  }
  return m;
}

export function matchToOxm(m: FlowMatch): of.OxmTlv[] {
  const names = presentFields(m);
  const out: of.OxmTlv[] = [];
  for (const name of names) {
    const fv = m[name]!;
    const value = bigintToOxm(name, fv.value);
    out.push(
      fv.mask === undefined || fv.mask === fullMask(name)
        ? { field: name, value }
        : { field: name, value, mask: bigintToOxm(name, fv.mask) },
    );
  }
  return out;
}

const W = OFPFW10;

export function matchFrom10(x: of.Match10): FlowMatch {
  const wc = x.wildcards;
  const m: FlowMatch = {};
  if (!(wc & W.IN_PORT)) m.in_port = { value: BigInt(port10to13(x.inPort)) };
  if (!(wc & W.DL_SRC)) m.eth_src = { value: macValue(x.dlSrc) };
  if (!(wc & W.DL_DST)) m.eth_dst = { value: macValue(x.dlDst) };
  if (!(wc & W.DL_VLAN)) m.vlan_vid = { value: BigInt(x.dlVlan === 0xffff ? 0 : (x.dlVlan & 0xfff) | OFPVID_PRESENT) };
  if (!(wc & W.DL_VLAN_PCP)) m.vlan_pcp = { value: BigInt(x.dlVlanPcp & 7) };
  const dlType = wc & W.DL_TYPE ? null : x.dlType;
  if (dlType !== null) m.eth_type = { value: BigInt(dlType) };
  const isArp = dlType === 0x0806,
    isIp = dlType === 0x0800;
  // Only fields whose prerequisites hold are kept (exact 1.0 matches carry zeros elsewhere).
  if (!(wc & W.NW_TOS) && isIp) m.ip_dscp = { value: BigInt(x.nwTos >> 2) };
  const proto = wc & W.NW_PROTO ? null : x.nwProto;
  if (proto !== null && isArp) m.arp_op = { value: BigInt(proto) };
  if (proto !== null && isIp) m.ip_proto = { value: BigInt(proto) };
  const nw = (shift: number, addr: number | string, ipName: 'ipv4_src' | 'ipv4_dst', arpName: 'arp_spa' | 'arp_tpa') => {
    const n = Math.min(32, (wc >> shift) & 0x3f);
    if (n >= 32 || !(isIp || isArp)) return;
    const mask = prefixMask(32, 32 - n);
    const value = ipv4Value(addr) & mask;
    m[isArp ? arpName : ipName] = n === 0 ? { value } : { value, mask };
  };
  nw(W.NW_SRC_SHIFT, x.nwSrc, 'ipv4_src', 'arp_spa');
  nw(W.NW_DST_SHIFT, x.nwDst, 'ipv4_dst', 'arp_tpa');
  const tp = (bit: number, v: number, names: ['tcp_src' | 'tcp_dst', 'udp_src' | 'udp_dst', 'icmpv4_type' | 'icmpv4_code']) => {
    if (wc & bit || !isIp) return;
    if (proto === 6) m[names[0]] = { value: BigInt(v) };
    else if (proto === 17) m[names[1]] = { value: BigInt(v) };
    else if (proto === 1) m[names[2]] = { value: BigInt(v & 0xff) };
  };
  tp(W.TP_SRC, x.tpSrc, ['tcp_src', 'udp_src', 'icmpv4_type']);
  tp(W.TP_DST, x.tpDst, ['tcp_dst', 'udp_dst', 'icmpv4_code']);
  if (m.vlan_vid && m.vlan_vid.value === 0n) delete m.vlan_pcp;
  return m;
}

/** The fields an OpenFlow 1.0 match can carry. */
export const MATCHABLE_10: ReadonlySet<string> = new Set<string>([
  'in_port',
  'eth_src',
  'eth_dst',
  'vlan_vid',
  'vlan_pcp',
  'eth_type',
  'ip_dscp',
  'ip_proto',
  'ipv4_src',
  'ipv4_dst',
  'arp_spa',
  'arp_tpa',
  'arp_op',
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
  'icmpv4_type',
  'icmpv4_code',
]);

function prefixLen(mask: bigint): number {
  let n = 0;
  for (let i = 31; i >= 0; i--) {
    if ((mask >> BigInt(i)) & 1n) n++;
    else break;
  }
  if (prefixMask(32, n) !== mask) throw new RangeError('OpenFlow 1.0 supports only prefix masks on IPv4 addresses');
  return n;
}

export function matchTo10(m: FlowMatch): of.Match10 {
  const x = { ...MATCH10_ALL } as { -readonly [K in keyof of.Match10]: of.Match10[K] };
  let wc = OFPFW10.ALL;
  for (const k of Object.keys(m)) if (!MATCHABLE_10.has(k)) throw new RangeError(`OpenFlow 1.0 cannot match ${k}`);
  const exact = (name: FieldName) => {
    const f = m[name];
    if (f && f.mask !== undefined && f.mask !== fullMask(name)) throw new RangeError(`OpenFlow 1.0 cannot mask ${name}`);
    return f;
  };
  let f: ReturnType<typeof exact>;
  if ((f = exact('in_port'))) {
    wc &= ~W.IN_PORT;
    x.inPort = port13to10(Number(f.value));
  }
  if ((f = exact('eth_src'))) {
    wc &= ~W.DL_SRC;
    x.dlSrc = macBinary(f.value);
  }
  if ((f = exact('eth_dst'))) {
    wc &= ~W.DL_DST;
    x.dlDst = macBinary(f.value);
  }
  if ((f = m.vlan_vid)) {
    wc &= ~W.DL_VLAN;
    const v = Number(f.value);
    x.dlVlan = v & OFPVID_PRESENT ? v & 0xfff : 0xffff;
  }
  if ((f = exact('vlan_pcp'))) {
    wc &= ~W.DL_VLAN_PCP;
    x.dlVlanPcp = Number(f.value);
  }
  if ((f = exact('eth_type'))) {
    wc &= ~W.DL_TYPE;
    x.dlType = Number(f.value);
  }
  if ((f = exact('ip_dscp'))) {
    wc &= ~W.NW_TOS;
    x.nwTos = Number(f.value) << 2;
  }
  if ((f = exact('ip_proto') ?? exact('arp_op'))) {
    wc &= ~W.NW_PROTO;
    x.nwProto = Number(f.value);
  }
  const nw = (name: 'ipv4_src' | 'ipv4_dst' | 'arp_spa' | 'arp_tpa', shift: number, key: 'nwSrc' | 'nwDst') => {
    const v = m[name];
    if (!v) return;
    const len = v.mask === undefined ? 32 : prefixLen(v.mask);
    wc = (wc & ~(0x3f << shift)) | ((32 - len) << shift);
    x[key] = ipv4Binary(v.value);
  };
  nw('ipv4_src', W.NW_SRC_SHIFT, 'nwSrc');
  nw('arp_spa', W.NW_SRC_SHIFT, 'nwSrc');
  nw('ipv4_dst', W.NW_DST_SHIFT, 'nwDst');
  nw('arp_tpa', W.NW_DST_SHIFT, 'nwDst');
  if ((f = exact('tcp_src') ?? exact('udp_src') ?? exact('icmpv4_type'))) {
    wc &= ~W.TP_SRC;
    x.tpSrc = Number(f.value);
  }
  if ((f = exact('tcp_dst') ?? exact('udp_dst') ?? exact('icmpv4_code'))) {
    wc &= ~W.TP_DST;
    x.tpDst = Number(f.value);
  }
  x.wildcards = wc >>> 0;
  return x;
}

// ---- actions and instructions -----------------------------------------------------------

export function actionFrom13(a: of.Action13): Action {
  switch (a.type) {
    case 'output':
      return { type: 'output', port: a.port, maxLen: a.maxLen };
    case 'set_field': {
      const t = a.field;
      if (t.field === 'raw' || !isFieldName(t.field) || t.mask !== undefined)
        return { type: 'unsupported', code: ACTION13_CODES.set_field };
      return { type: 'set_field', field: t.field, value: oxmToBigint(t.field, t.value) };
    }
    case 'push_vlan':
    case 'push_mpls':
    case 'pop_mpls':
      return { type: a.type, ethertype: a.ethertype };
    case 'pop_vlan':
    case 'dec_nw_ttl':
      return { type: a.type };
    case 'set_queue':
      return { type: 'set_queue', queueId: a.queueId };
    case 'group':
      return { type: 'group', groupId: a.groupId };
    default:
      return { type: 'unsupported', code: ACTION13_CODES[a.type] };
  }
}

export function actionTo13(a: Action): of.Action13 {
  switch (a.type) {
    case 'set_field':
      return { type: 'set_field', field: { field: a.field, value: bigintToOxm(a.field, a.value) } };
    case 'unsupported':
      throw new RangeError(`cannot encode unsupported action ${a.code}`);
    default:
      return a;
  }
}

export function actionsFrom10(list: readonly of.Action10[]): Action[] {
  const out: Action[] = [];
  for (const a of list) {
    switch (a.type) {
      case 'output':
        out.push({ type: 'output', port: port10to13(a.port), maxLen: a.maxLen });
        break;
      case 'set_vlan_vid':
        out.push(
          { type: 'push_vlan', ethertype: 0x8100 },
          { type: 'set_field', field: 'vlan_vid', value: BigInt((a.vlanVid & 0xfff) | OFPVID_PRESENT) },
        );
        break;
      case 'set_vlan_pcp':
        out.push({ type: 'set_field', field: 'vlan_pcp', value: BigInt(a.vlanPcp) });
        break;
      case 'strip_vlan':
        out.push({ type: 'pop_vlan' });
        break;
      case 'set_dl_src':
      case 'set_dl_dst':
        out.push({ type: 'set_field', field: a.type === 'set_dl_src' ? 'eth_src' : 'eth_dst', value: macToBigint(a.mac) });
        break;
      case 'set_nw_src':
      case 'set_nw_dst':
        out.push({ type: 'set_field', field: a.type === 'set_nw_src' ? 'ipv4_src' : 'ipv4_dst', value: ipv4ToBigint(a.ip) });
        break;
      case 'set_nw_tos':
        out.push({ type: 'set_field', field: 'ip_dscp', value: BigInt(a.tos >> 2) });
        break;
      case 'set_tp_src':
      case 'set_tp_dst':
        out.push({ type: 'set_field', field: a.type === 'set_tp_src' ? 'tcp_src' : 'tcp_dst', value: BigInt(a.port) });
        break;
      case 'enqueue':
        out.push({ type: 'set_queue', queueId: a.queueId }, { type: 'output', port: port10to13(a.port), maxLen: 0 });
        break;
      default:
        out.push({ type: 'unsupported', code: ACTION10_CODES[a.type] });
    }
  }
  return out;
}

export function actionsTo10(actions: readonly Action[]): of.Action10[] {
  const out: of.Action10[] = [];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    switch (a.type) {
      case 'output':
        out.push({ type: 'output', port: port13to10(a.port), maxLen: Math.min(a.maxLen, 0xffff) });
        break;
      case 'push_vlan': {
        // 1.0 has no push: set_vlan_vid adds the tag when absent. A set_field vlan_vid must follow.
        const next = actions[i + 1];
        if (next?.type !== 'set_field' || next.field !== 'vlan_vid')
          throw new RangeError('OpenFlow 1.0: push_vlan must be followed by set vlan_vid');
        break;
      }
      case 'pop_vlan':
        out.push({ type: 'strip_vlan' });
        break;
      case 'set_queue': {
        const next = actions[i + 1];
        if (next?.type !== 'output') throw new RangeError('OpenFlow 1.0: set_queue must be followed by output');
        out.push({ type: 'enqueue', port: port13to10(next.port), queueId: a.queueId });
        i++;
        break;
      }
      case 'set_field': {
        const v = a.value;
        switch (a.field) {
          case 'vlan_vid':
            out.push({ type: 'set_vlan_vid', vlanVid: Number(v) & 0xfff });
            break;
          case 'vlan_pcp':
            out.push({ type: 'set_vlan_pcp', vlanPcp: Number(v) });
            break;
          case 'eth_src':
          case 'eth_dst':
            out.push({ type: a.field === 'eth_src' ? 'set_dl_src' : 'set_dl_dst', mac: bigintToMac(v) });
            break;
          case 'ipv4_src':
          case 'ipv4_dst':
            out.push({ type: a.field === 'ipv4_src' ? 'set_nw_src' : 'set_nw_dst', ip: bigintToIpv4(v) });
            break;
          case 'ip_dscp':
            out.push({ type: 'set_nw_tos', tos: Number(v) << 2 });
            break;
          case 'tcp_src':
          case 'udp_src':
            out.push({ type: 'set_tp_src', port: Number(v) });
            break;
          case 'tcp_dst':
          case 'udp_dst':
            out.push({ type: 'set_tp_dst', port: Number(v) });
            break;
          default:
            throw new RangeError(`OpenFlow 1.0 cannot set ${a.field}`);
        }
        break;
      }
      default:
        throw new RangeError(`OpenFlow 1.0 cannot encode action ${a.type}`);
    }
  }
  return out;
}

export function instructionsFrom13(list: readonly of.Instruction[]): Instruction[] {
  return list.map((i): Instruction => {
    switch (i.type) {
      case 'apply_actions':
      case 'write_actions':
        return { type: i.type, actions: i.actions.map(actionFrom13) };
      case 'clear_actions':
        return { type: 'clear_actions' };
      case 'goto_table':
        return { type: 'goto_table', tableId: i.tableId };
      case 'meter':
        return { type: 'meter', meterId: i.meterId };
      case 'write_metadata':
        return { type: 'write_metadata', metadata: i.metadata, mask: i.mask };
      default:
        return { type: 'unsupported', code: INSTRUCTION_CODES[i.type] };
    }
  });
}

export function instructionsTo13(list: readonly Instruction[]): of.Instruction[] {
  return list.map((i): of.Instruction => {
    switch (i.type) {
      case 'apply_actions':
      case 'write_actions':
        return { type: i.type, actions: i.actions.map(actionTo13) };
      case 'unsupported':
        throw new RangeError(`cannot encode unsupported instruction ${i.code}`);
      default:
        return i;
    }
  });
}

/** Flattens instructions to a 1.0 action list (meters and clear-actions have no 1.0 form). */
export function instructionsTo10(list: readonly Instruction[]): of.Action10[] {
  const out: Action[] = [];
  for (const i of list) {
    if (i.type === 'apply_actions' || i.type === 'write_actions') out.push(...i.actions);
    else if (i.type !== 'meter' && i.type !== 'clear_actions') throw new RangeError(`OpenFlow 1.0 cannot express instruction ${i.type}`);
  }
  return actionsTo10(out);
}

// ---- ports and stats -------------------------------------------------------------------

export function portFrom10(p: of.Port10): Port {
  return { ...p, portNo: port10to13(p.portNo), currSpeed: 0, maxSpeed: 0 };
}

export function portTo10(p: Port): of.Port10 {
  return {
    portNo: port13to10(p.portNo),
    hwAddr: p.hwAddr,
    name: p.name,
    config: p.config,
    state: p.state,
    curr: p.curr,
    advertised: p.advertised,
    supported: p.supported,
    peer: p.peer,
  };
}

function flowStatsFrom13(f: of.FlowStats13): FlowStats {
  return { ...f, match: matchFromOxm(f.match), instructions: instructionsFrom13(f.instructions) };
}

function flowStatsFrom10(f: of.FlowStats10): FlowStats {
  return {
    tableId: f.tableId,
    durationSec: f.durationSec,
    durationNsec: f.durationNsec,
    priority: f.priority,
    idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout,
    flags: 0,
    cookie: f.cookie,
    packetCount: f.packetCount,
    byteCount: f.byteCount,
    match: matchFrom10(f.match),
    instructions: [{ type: 'apply_actions', actions: actionsFrom10(f.actions) }],
  };
}

// ---- whole messages --------------------------------------------------------------------

/** A codec message as the proxy's neutral message. Throws Untranslatable for what the proxy cannot slice. */
export function fromWire(w: of.OfMessage): OfMessage {
  if (w.type === 'hello') return { version: w.version === 1 ? OFP10 : OFP13, xid: w.xid, type: 'hello', versions: helloVersions(w) };
  if (w.version === 4) return from13(w as of.Message13);
  return from10(w as of.Message10);
}

function from13(w: of.Message13): OfMessage {
  const version = OFP13,
    xid = w.xid;
  switch (w.type) {
    case 'error':
      return { version, xid, type: 'error', errType: w.errType, code: w.code, data: w.data };
    case 'echo_request':
    case 'echo_reply':
      return { version, xid, type: w.type, data: w.data };
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return { version, xid, type: w.type };
    case 'features_reply':
      return {
        version,
        xid,
        type: 'features_reply',
        dpid: w.dpid,
        nBuffers: w.nBuffers,
        nTables: w.nTables,
        auxiliaryId: w.auxiliaryId,
        capabilities: w.capabilities,
        actions: 0,
        ports: [],
      };
    case 'get_config_reply':
    case 'set_config':
      return { version, xid, type: w.type, flags: w.flags, missSendLen: w.missSendLen };
    case 'packet_in':
      return {
        version,
        xid,
        type: 'packet_in',
        bufferId: w.bufferId,
        totalLen: w.totalLen,
        reason: w.reason,
        tableId: w.tableId,
        cookie: w.cookie,
        match: matchFromOxm(w.match),
        data: w.data,
      };
    case 'flow_removed':
      return {
        version,
        xid,
        type: 'flow_removed',
        cookie: w.cookie,
        priority: w.priority,
        reason: w.reason,
        tableId: w.tableId,
        durationSec: w.durationSec,
        durationNsec: w.durationNsec,
        idleTimeout: w.idleTimeout,
        hardTimeout: w.hardTimeout,
        packetCount: w.packetCount,
        byteCount: w.byteCount,
        match: matchFromOxm(w.match),
      };
    case 'port_status':
      return { version, xid, type: 'port_status', reason: w.reason, port: w.port };
    case 'packet_out':
      return {
        version,
        xid,
        type: 'packet_out',
        bufferId: w.bufferId,
        inPort: w.inPort,
        actions: w.actions.map(actionFrom13),
        data: w.data,
      };
    case 'flow_mod':
      return {
        version,
        xid,
        type: 'flow_mod',
        cookie: w.cookie,
        cookieMask: w.cookieMask,
        tableId: w.tableId,
        command: w.command,
        idleTimeout: w.idleTimeout,
        hardTimeout: w.hardTimeout,
        priority: w.priority,
        bufferId: w.bufferId,
        outPort: w.outPort,
        outGroup: w.outGroup,
        flags: w.flags,
        match: matchFromOxm(w.match),
        instructions: instructionsFrom13(w.instructions),
      };
    case 'meter_mod':
      return {
        version,
        xid,
        type: 'meter_mod',
        command: w.command,
        flags: w.flags,
        meterId: w.meterId,
        bands: w.bands.filter((b) => b.type === 'drop').map((b) => ({ type: 'drop', rate: b.rate, burst: b.burstSize })),
      };
    case 'role_request':
    case 'role_reply':
      return { version, xid, type: w.type, role: w.role, generationId: w.generationId };
    case 'multipart_request': {
      const b = w.body;
      const base = { version, xid, type: 'multipart_request' as const, mpType: b.mpType, flags: w.flags };
      if (b.mpType === 'flow' || b.mpType === 'aggregate')
        return {
          ...base,
          flow: {
            tableId: b.tableId,
            outPort: b.outPort,
            outGroup: b.outGroup,
            cookie: b.cookie,
            cookieMask: b.cookieMask,
            match: matchFromOxm(b.match),
          },
        };
      if (b.mpType === 'port_stats') return { ...base, portNo: b.portNo };
      if (b.mpType === 'queue') return { ...base, portNo: b.portNo, queueId: b.queueId };
      return base;
    }
    case 'multipart_reply': {
      const b = w.body;
      const base = { version, xid, type: 'multipart_reply' as const, mpType: b.mpType, flags: w.flags };
      switch (b.mpType) {
        case 'port_desc':
          return { ...base, ports: [...b.ports] };
        case 'flow':
          return { ...base, flows: b.stats.map(flowStatsFrom13) };
        case 'aggregate':
          return { ...base, aggregate: { packetCount: b.packetCount, byteCount: b.byteCount, flowCount: b.flowCount } };
        case 'desc':
          return { ...base, desc: { mfrDesc: b.mfrDesc, hwDesc: b.hwDesc, swDesc: b.swDesc, serialNum: b.serialNum, dpDesc: b.dpDesc } };
        case 'queue':
          return {
            ...base,
            queues: b.stats.map((q) => ({
              portNo: q.portNo,
              queueId: q.queueId,
              txPackets: q.txPackets,
              txBytes: q.txBytes,
              txErrors: q.txErrors,
            })),
          };
        case 'port_stats':
          return { ...base, portStats: b.stats.map((p) => ({ ...p })) };
        case 'table':
          return { ...base, tables: b.stats.map((t) => ({ tableId: t.tableId, activeCount: t.activeCount })) };
        case 'table_features':
          return { ...base, tables: b.features.map((t) => ({ tableId: t.tableId, maxEntries: t.maxEntries })) };
        case 'meter':
          return {
            ...base,
            meterStats: b.stats.map((x) => ({
              meterId: x.meterId,
              flowCount: x.flowCount,
              packetInCount: x.packetInCount,
              byteInCount: x.byteInCount,
              bandPackets: x.bandStats.reduce((a, y) => a + y.packetBandCount, 0n),
              bandBytes: x.bandStats.reduce((a, y) => a + y.byteBandCount, 0n),
            })),
          };
        default:
          return base;
      }
    }
    default:
      return { version, xid, type: 'other', name: w.type };
  }
}

function from10(w: of.Message10): OfMessage {
  const version = OFP10,
    xid = w.xid;
  switch (w.type) {
    case 'error':
      return { version, xid, type: 'error', errType: w.errType, code: w.code, data: w.data };
    case 'echo_request':
    case 'echo_reply':
      return { version, xid, type: w.type, data: w.data };
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return { version, xid, type: w.type };
    case 'features_reply':
      return {
        version,
        xid,
        type: 'features_reply',
        dpid: w.dpid,
        nBuffers: w.nBuffers,
        nTables: w.nTables,
        auxiliaryId: 0,
        capabilities: w.capabilities,
        actions: w.actions,
        ports: w.ports.map(portFrom10),
      };
    case 'get_config_reply':
    case 'set_config':
      return { version, xid, type: w.type, flags: w.flags, missSendLen: w.missSendLen };
    case 'packet_in':
      return {
        version,
        xid,
        type: 'packet_in',
        bufferId: w.bufferId,
        totalLen: w.totalLen,
        reason: w.reason,
        tableId: 0,
        cookie: 0n,
        match: { in_port: { value: BigInt(port10to13(w.inPort)) } },
        data: w.data,
      };
    case 'flow_removed':
      return {
        version,
        xid,
        type: 'flow_removed',
        cookie: w.cookie,
        priority: w.priority,
        reason: w.reason,
        tableId: 0,
        durationSec: w.durationSec,
        durationNsec: w.durationNsec,
        idleTimeout: w.idleTimeout,
        hardTimeout: 0,
        packetCount: w.packetCount,
        byteCount: w.byteCount,
        match: matchFrom10(w.match),
      };
    case 'port_status':
      return { version, xid, type: 'port_status', reason: w.reason, port: portFrom10(w.port) };
    case 'packet_out':
      return {
        version,
        xid,
        type: 'packet_out',
        bufferId: w.bufferId,
        inPort: port10to13(w.inPort),
        actions: actionsFrom10(w.actions),
        data: w.data,
      };
    case 'flow_mod':
      return {
        version,
        xid,
        type: 'flow_mod',
        cookie: w.cookie,
        cookieMask: 0n,
        tableId: 0,
        command: w.command,
        idleTimeout: w.idleTimeout,
        hardTimeout: w.hardTimeout,
        priority: w.priority,
        bufferId: w.bufferId,
        outPort: port10to13(w.outPort),
        outGroup: 0xffffffff,
        flags: w.flags,
        match: matchFrom10(w.match),
        instructions: [{ type: 'apply_actions', actions: actionsFrom10(w.actions) }],
      };
    case 'multipart_request': {
      const b = w.body;
      const base = { version, xid, type: 'multipart_request' as const, mpType: b.mpType, flags: w.flags };
      if (b.mpType === 'flow' || b.mpType === 'aggregate')
        return {
          ...base,
          flow: {
            tableId: b.tableId,
            outPort: port10to13(b.outPort),
            outGroup: 0xffffffff,
            cookie: 0n,
            cookieMask: 0n,
            match: matchFrom10(b.match),
          },
        };
      if (b.mpType === 'port_stats') return { ...base, portNo: port10to13(b.portNo) };
      if (b.mpType === 'queue') return { ...base, portNo: port10to13(b.portNo), queueId: b.queueId };
      return base;
    }
    case 'multipart_reply': {
      const b = w.body;
      const base = { version, xid, type: 'multipart_reply' as const, mpType: b.mpType, flags: w.flags };
      switch (b.mpType) {
        case 'flow':
          return { ...base, flows: b.stats.map(flowStatsFrom10) };
        case 'aggregate':
          return { ...base, aggregate: { packetCount: b.packetCount, byteCount: b.byteCount, flowCount: b.flowCount } };
        case 'desc':
          return { ...base, desc: { mfrDesc: b.mfrDesc, hwDesc: b.hwDesc, swDesc: b.swDesc, serialNum: b.serialNum, dpDesc: b.dpDesc } };
        case 'queue':
          return {
            ...base,
            queues: b.stats.map((q) => ({
              portNo: port10to13(q.portNo),
              queueId: q.queueId,
              txPackets: q.txPackets,
              txBytes: q.txBytes,
              txErrors: q.txErrors,
            })),
          };
        case 'port_stats':
          return { ...base, portStats: b.stats.map((p) => ({ ...p, portNo: port10to13(p.portNo), durationSec: 0, durationNsec: 0 })) };
        case 'table':
          return { ...base, tables: b.stats.map((t) => ({ tableId: t.tableId, maxEntries: t.maxEntries, activeCount: t.activeCount })) };
        default:
          return base;
      }
    }
    default:
      return { version, xid, type: 'other', name: w.type };
  }
}

const flowRequest13 = (f: FlowStatsRequest) => ({
  tableId: f.tableId,
  outPort: f.outPort,
  outGroup: f.outGroup,
  cookie: f.cookie,
  cookieMask: f.cookieMask,
  match: matchToOxm(f.match),
});

/** The neutral message in the codec's shapes for `m.version`. Throws RangeError when inexpressible. */
export function toWire(m: OfMessage): of.OfMessage {
  if (m.type === 'hello') throw new RangeError('hellos are built by the channel');
  return m.version === OFP13 ? to13(m) : to10(m);
}

function to13(m: OfMessage): of.Message13 {
  const version = 4 as const,
    xid = m.xid;
  switch (m.type) {
    case 'error':
      return { version, xid, type: 'error', errType: m.errType, code: m.code, data: m.data };
    case 'echo_request':
    case 'echo_reply':
      return { version, xid, type: m.type, data: m.data };
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return { version, xid, type: m.type };
    case 'features_reply':
      return {
        version,
        xid,
        type: 'features_reply',
        dpid: m.dpid,
        nBuffers: m.nBuffers,
        nTables: m.nTables,
        auxiliaryId: m.auxiliaryId,
        capabilities: m.capabilities,
        reserved: 0,
      };
    case 'get_config_reply':
    case 'set_config':
      return { version, xid, type: m.type, flags: m.flags, missSendLen: m.missSendLen };
    case 'packet_in':
      return {
        version,
        xid,
        type: 'packet_in',
        bufferId: m.bufferId,
        totalLen: m.totalLen,
        reason: m.reason,
        tableId: m.tableId,
        cookie: m.cookie,
        match: matchToOxm(m.match),
        data: m.data,
      };
    case 'flow_removed':
      return {
        version,
        xid,
        type: 'flow_removed',
        cookie: m.cookie,
        priority: m.priority,
        reason: m.reason,
        tableId: m.tableId,
        durationSec: m.durationSec,
        durationNsec: m.durationNsec,
        idleTimeout: m.idleTimeout,
        hardTimeout: m.hardTimeout,
        packetCount: m.packetCount,
        byteCount: m.byteCount,
        match: matchToOxm(m.match),
      };
    case 'port_status':
      return { version, xid, type: 'port_status', reason: m.reason, port: m.port };
    case 'packet_out':
      return { version, xid, type: 'packet_out', bufferId: m.bufferId, inPort: m.inPort, actions: m.actions.map(actionTo13), data: m.data };
    case 'flow_mod':
      return {
        version,
        xid,
        type: 'flow_mod',
        cookie: m.cookie,
        cookieMask: m.cookieMask,
        tableId: m.tableId,
        command: m.command,
        idleTimeout: m.idleTimeout,
        hardTimeout: m.hardTimeout,
        priority: m.priority,
        bufferId: m.bufferId,
        outPort: m.outPort,
        outGroup: m.outGroup,
        flags: m.flags,
        match: matchToOxm(m.match),
        instructions: instructionsTo13(m.instructions),
      };
    case 'meter_mod':
      return {
        version,
        xid,
        type: 'meter_mod',
        command: m.command,
        flags: m.flags,
        meterId: m.meterId,
        bands: m.bands.map((b) => ({ type: 'drop', rate: b.rate, burstSize: b.burst })),
      };
    case 'role_request':
    case 'role_reply':
      return { version, xid, type: m.type, role: m.role, generationId: m.generationId };
    case 'multipart_request': {
      const flags = m.flags;
      switch (m.mpType) {
        case 'flow':
        case 'aggregate':
          return {
            version,
            xid,
            type: 'multipart_request',
            flags,
            body: {
              mpType: m.mpType,
              ...flowRequest13(
                m.flow ?? { tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} },
              ),
            },
          };
        case 'queue':
          return {
            version,
            xid,
            type: 'multipart_request',
            flags,
            body: { mpType: 'queue', portNo: m.portNo ?? 0xffffffff, queueId: m.queueId ?? 0xffffffff },
          };
        case 'port_stats':
          return { version, xid, type: 'multipart_request', flags, body: { mpType: 'port_stats', portNo: m.portNo ?? 0xffffffff } };
        case 'meter':
        case 'meter_config':
          return { version, xid, type: 'multipart_request', flags, body: { mpType: m.mpType, meterId: m.meterId ?? 0xffffffff } };
        case 'desc':
        case 'table':
        case 'port_desc':
        case 'group_desc':
        case 'group_features':
        case 'meter_features':
          return { version, xid, type: 'multipart_request', flags, body: { mpType: m.mpType } };
        case 'table_features':
          // An empty body asks for every table's features (a body would set them).
          return { version, xid, type: 'multipart_request', flags, body: { mpType: 'table_features', data: Buffer.alloc(0) } };
        default:
          throw new RangeError(`cannot build a ${m.mpType} multipart request`);
      }
    }
    case 'multipart_reply': {
      const flags = m.flags;
      switch (m.mpType) {
        case 'port_desc':
          return { version, xid, type: 'multipart_reply', flags, body: { mpType: 'port_desc', ports: m.ports ?? [] } };
        case 'desc':
          return { version, xid, type: 'multipart_reply', flags, body: { mpType: 'desc', ...m.desc! } };
        case 'aggregate':
          return { version, xid, type: 'multipart_reply', flags, body: { mpType: 'aggregate', ...m.aggregate! } };
        case 'flow':
          return {
            version,
            xid,
            type: 'multipart_reply',
            flags,
            body: {
              mpType: 'flow',
              stats: (m.flows ?? []).map((f) => ({ ...f, match: matchToOxm(f.match), instructions: instructionsTo13(f.instructions) })),
            },
          };
        case 'port_stats':
          return {
            version,
            xid,
            type: 'multipart_reply',
            flags,
            body: { mpType: 'port_stats', stats: (m.portStats ?? []).map((p) => ({ ...p })) },
          };
        default:
          throw new RangeError(`cannot build a ${m.mpType} multipart reply`);
      }
    }
    case 'other':
      throw new RangeError(`the proxy does not send ${m.name}`);
    case 'hello':
      throw new RangeError('hellos are built by the channel');
  }
}

function to10(m: OfMessage): of.Message10 {
  const version = 1 as const,
    xid = m.xid;
  switch (m.type) {
    case 'error':
      return { version, xid, type: 'error', errType: m.errType, code: m.code, data: m.data };
    case 'echo_request':
    case 'echo_reply':
      return { version, xid, type: m.type, data: m.data };
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
      return { version, xid, type: m.type };
    case 'features_reply':
      return {
        version,
        xid,
        type: 'features_reply',
        dpid: m.dpid,
        nBuffers: m.nBuffers,
        nTables: m.nTables,
        capabilities: m.capabilities,
        actions: m.actions,
        ports: m.ports.map(portTo10),
      };
    case 'get_config_reply':
    case 'set_config':
      return { version, xid, type: m.type, flags: m.flags, missSendLen: m.missSendLen };
    case 'packet_in':
      return {
        version,
        xid,
        type: 'packet_in',
        bufferId: m.bufferId,
        totalLen: m.totalLen,
        inPort: port13to10(Number(m.match.in_port?.value ?? 0n)),
        reason: m.reason,
        data: m.data,
      };
    case 'flow_removed':
      return {
        version,
        xid,
        type: 'flow_removed',
        match: matchTo10(m.match),
        cookie: m.cookie,
        priority: m.priority,
        reason: m.reason,
        durationSec: m.durationSec,
        durationNsec: m.durationNsec,
        idleTimeout: m.idleTimeout,
        packetCount: m.packetCount,
        byteCount: m.byteCount,
      };
    case 'port_status':
      return { version, xid, type: 'port_status', reason: m.reason, port: portTo10(m.port) };
    case 'packet_out':
      return {
        version,
        xid,
        type: 'packet_out',
        bufferId: m.bufferId,
        inPort: port13to10(m.inPort),
        actions: actionsTo10(m.actions),
        data: m.data,
      };
    case 'flow_mod':
      return {
        version,
        xid,
        type: 'flow_mod',
        match: matchTo10(m.match),
        cookie: m.cookie,
        command: m.command,
        idleTimeout: m.idleTimeout,
        hardTimeout: m.hardTimeout,
        priority: m.priority,
        bufferId: m.bufferId,
        outPort: port13to10(m.outPort),
        flags: m.flags & 0x7,
        actions: instructionsTo10(m.instructions),
      };
    case 'multipart_request': {
      const flags = m.flags;
      switch (m.mpType) {
        case 'flow':
        case 'aggregate': {
          const f = m.flow ?? { tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} };
          return {
            version,
            xid,
            type: 'multipart_request',
            flags,
            body: { mpType: m.mpType, match: matchTo10(f.match), tableId: f.tableId, outPort: port13to10(f.outPort) },
          };
        }
        case 'queue':
          return {
            version,
            xid,
            type: 'multipart_request',
            flags,
            body: { mpType: 'queue', portNo: port13to10(m.portNo ?? 0xfffffffc), queueId: m.queueId ?? 0xffffffff },
          };
        case 'port_stats':
          return {
            version,
            xid,
            type: 'multipart_request',
            flags,
            body: { mpType: 'port_stats', portNo: port13to10(m.portNo ?? 0xffffffff) },
          };
        case 'desc':
        case 'table':
          return { version, xid, type: 'multipart_request', flags, body: { mpType: m.mpType } };
        default:
          throw new RangeError(`OpenFlow 1.0 has no ${m.mpType} stats`);
      }
    }
    case 'multipart_reply': {
      const flags = m.flags;
      switch (m.mpType) {
        case 'desc':
          return { version, xid, type: 'multipart_reply', flags, body: { mpType: 'desc', ...m.desc! } };
        case 'aggregate':
          return { version, xid, type: 'multipart_reply', flags, body: { mpType: 'aggregate', ...m.aggregate! } };
        case 'flow':
          return {
            version,
            xid,
            type: 'multipart_reply',
            flags,
            body: {
              mpType: 'flow',
              stats: (m.flows ?? []).map((f) => ({
                tableId: f.tableId,
                match: matchTo10(f.match),
                durationSec: f.durationSec,
                durationNsec: f.durationNsec,
                priority: f.priority,
                idleTimeout: f.idleTimeout,
                hardTimeout: f.hardTimeout,
                cookie: f.cookie,
                packetCount: f.packetCount,
                byteCount: f.byteCount,
                actions: instructionsTo10(f.instructions),
              })),
            },
          };
        case 'port_stats':
          return {
            version,
            xid,
            type: 'multipart_reply',
            flags,
            body: {
              mpType: 'port_stats',
              stats: (m.portStats ?? []).map(({ durationSec: _s, durationNsec: _n, ...p }) => ({ ...p, portNo: port13to10(p.portNo) })),
            },
          };
        default:
          throw new RangeError(`OpenFlow 1.0 has no ${m.mpType} stats reply`);
      }
    }
    case 'meter_mod':
    case 'role_request':
    case 'role_reply':
      throw new RangeError(`OpenFlow 1.0 has no ${m.type}`);
    case 'other':
      throw new RangeError(`the proxy does not send ${m.name}`);
    case 'hello':
      throw new RangeError('hellos are built by the channel');
  }
}
