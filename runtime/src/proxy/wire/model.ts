// The proxy's version-neutral view of OpenFlow messages. Both OpenFlow 1.3 and 1.0 decode
// into these shapes and encode from them, so a 1.0 tenant can drive a 1.3 switch and back.
// Matches are OXM-style (field → value/mask as bigint), ports use OpenFlow 1.3 numbering.
//
// This is a deliberately small wire layer, just what the slicing proxy rewrites; the project's
// full codec lives in runtime/src/openflow/.

export const OFP10 = 0x01;
export const OFP13 = 0x04;
export type OfVersion = typeof OFP10 | typeof OFP13;

/** OpenFlow 1.3 reserved port numbers (1.0 ones are mapped onto these). */
export const OFPP = {
  MAX: 0xffffff00,
  IN_PORT: 0xfffffff8,
  TABLE: 0xfffffff9,
  NORMAL: 0xfffffffa,
  FLOOD: 0xfffffffb,
  ALL: 0xfffffffc,
  CONTROLLER: 0xfffffffd,
  LOCAL: 0xfffffffe,
  ANY: 0xffffffff,
} as const;

export const NO_BUFFER = 0xffffffff;
export const OFPVID_PRESENT = 0x1000;

export type FieldName =
  | 'in_port' | 'metadata' | 'eth_dst' | 'eth_src' | 'eth_type' | 'vlan_vid' | 'vlan_pcp'
  | 'ip_dscp' | 'ip_ecn' | 'ip_proto' | 'ipv4_src' | 'ipv4_dst' | 'tcp_src' | 'tcp_dst'
  | 'udp_src' | 'udp_dst' | 'sctp_src' | 'sctp_dst' | 'icmpv4_type' | 'icmpv4_code' | 'arp_op'
  | 'arp_spa' | 'arp_tpa' | 'arp_sha' | 'arp_tha' | 'ipv6_src' | 'ipv6_dst' | 'ipv6_flabel'
  | 'icmpv6_type' | 'icmpv6_code' | 'ipv6_nd_target' | 'ipv6_nd_sll' | 'ipv6_nd_tll'
  | 'mpls_label' | 'mpls_tc' | 'mpls_bos';

/** A field constraint: packets with (field & mask) == value. No mask: exact. */
export interface FieldValue { value: bigint; mask?: bigint }

export type FlowMatch = Partial<Record<FieldName, FieldValue>>;

export type Action =
  | { type: 'output'; port: number; maxLen: number }
  | { type: 'set_field'; field: FieldName; value: bigint }
  | { type: 'push_vlan'; ethertype: number }
  | { type: 'pop_vlan' }
  | { type: 'push_mpls'; ethertype: number }
  | { type: 'pop_mpls'; ethertype: number }
  | { type: 'set_queue'; queueId: number }
  | { type: 'group'; groupId: number }
  | { type: 'dec_nw_ttl' }
  | { type: 'unsupported'; code: number };

export type Instruction =
  | { type: 'apply_actions'; actions: Action[] }
  | { type: 'write_actions'; actions: Action[] }
  | { type: 'clear_actions' }
  | { type: 'goto_table'; tableId: number }
  | { type: 'meter'; meterId: number }
  | { type: 'write_metadata'; metadata: bigint; mask: bigint }
  | { type: 'unsupported'; code: number };

export interface Port {
  portNo: number;
  hwAddr: Buffer;
  name: string;
  config: number;
  state: number;
  curr: number;
  advertised: number;
  supported: number;
  peer: number;
  currSpeed: number;
  maxSpeed: number;
}

export const FC = { ADD: 0, MODIFY: 1, MODIFY_STRICT: 2, DELETE: 3, DELETE_STRICT: 4 } as const;
export const FF_SEND_FLOW_REM = 1;

export interface FlowMod {
  cookie: bigint;
  cookieMask: bigint;
  tableId: number;
  command: number;
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  bufferId: number;
  outPort: number;
  outGroup: number;
  flags: number;
  match: FlowMatch;
  instructions: Instruction[];
}

export interface FlowStats {
  tableId: number;
  durationSec: number;
  durationNsec: number;
  priority: number;
  idleTimeout: number;
  hardTimeout: number;
  flags: number;
  cookie: bigint;
  packetCount: bigint;
  byteCount: bigint;
  match: FlowMatch;
  instructions: Instruction[];
}

export interface FlowStatsRequest { tableId: number; outPort: number; outGroup: number; cookie: bigint; cookieMask: bigint; match: FlowMatch }

export interface MeterBand { type: 'drop'; rate: number; burst: number }

/** Multipart (1.3) / stats (1.0) types, in 1.3 numbering. */
export const MP = { DESC: 0, FLOW: 1, AGGREGATE: 2, TABLE: 3, PORT_STATS: 4, QUEUE: 5, GROUP: 6, GROUP_DESC: 7, GROUP_FEATURES: 8, METER: 9, METER_CONFIG: 10, METER_FEATURES: 11, TABLE_FEATURES: 12, PORT_DESC: 13 } as const;

interface Base { version: OfVersion; xid: number }

export type OfMessage = Base & (
  | { type: 'hello'; versions: number[] }
  | { type: 'error'; errType: number; code: number; data: Buffer }
  | { type: 'echo_request'; data: Buffer }
  | { type: 'echo_reply'; data: Buffer }
  | { type: 'features_request' }
  | { type: 'features_reply'; dpid: bigint; nBuffers: number; nTables: number; auxiliaryId: number; capabilities: number; actions: number; ports: Port[] }
  | { type: 'get_config_request' }
  | { type: 'get_config_reply'; flags: number; missSendLen: number }
  | { type: 'set_config'; flags: number; missSendLen: number }
  | { type: 'packet_in'; bufferId: number; totalLen: number; reason: number; tableId: number; cookie: bigint; match: FlowMatch; data: Buffer }
  | { type: 'flow_removed'; cookie: bigint; priority: number; reason: number; tableId: number; durationSec: number; durationNsec: number; idleTimeout: number; hardTimeout: number; packetCount: bigint; byteCount: bigint; match: FlowMatch }
  | { type: 'port_status'; reason: number; port: Port }
  | { type: 'packet_out'; bufferId: number; inPort: number; actions: Action[]; data: Buffer }
  | ({ type: 'flow_mod' } & FlowMod)
  | { type: 'meter_mod'; command: number; flags: number; meterId: number; bands: MeterBand[] }
  | { type: 'multipart_request'; mpType: number; flags: number; body: Buffer; flow?: FlowStatsRequest }
  | { type: 'multipart_reply'; mpType: number; flags: number; body: Buffer; ports?: Port[]; flows?: FlowStats[] }
  | { type: 'barrier_request' }
  | { type: 'barrier_reply' }
  | { type: 'role_request'; role: number; generationId: bigint }
  | { type: 'role_reply'; role: number; generationId: bigint }
  /** Any other message: kept raw (type in the peer's own numbering). */
  | { type: 'other'; rawType: number; body: Buffer }
);

export type MessageOf<T extends OfMessage['type']> = Extract<OfMessage, { type: T }>;

/** OpenFlow error (type, code) pairs the proxy sends, per version. */
export const ERR = {
  13: {
    BAD_REQUEST: 1, BRC_BAD_TYPE: 1, BRC_BAD_MULTIPART: 2, BRC_EPERM: 5,
    BAD_ACTION: 2, BAC_BAD_OUT_PORT: 4, BAC_EPERM: 6,
    FLOW_MOD_FAILED: 5, FMFC_TABLE_FULL: 1, FMFC_EPERM: 6,
    BAD_MATCH: 4, BMC_EPERM: 11,
  },
  10: {
    BAD_REQUEST: 1, BRC_BAD_TYPE: 1, BRC_BAD_MULTIPART: 2, BRC_EPERM: 5,
    BAD_ACTION: 2, BAC_BAD_OUT_PORT: 4, BAC_EPERM: 6,
    FLOW_MOD_FAILED: 3, FMFC_TABLE_FULL: 0, FMFC_EPERM: 2,
    BAD_MATCH: 1, BMC_EPERM: 5,
  },
} as const;

export type ErrorKind = 'eperm_request' | 'eperm_flow' | 'eperm_action' | 'bad_out_port' | 'table_full' | 'eperm_match' | 'bad_type' | 'bad_multipart';

export function errorCode(version: OfVersion, kind: ErrorKind): { errType: number; code: number } {
  const t = version === OFP13 ? ERR[13] : ERR[10];
  switch (kind) {
    case 'eperm_request': return { errType: t.BAD_REQUEST, code: t.BRC_EPERM };
    case 'bad_type': return { errType: t.BAD_REQUEST, code: t.BRC_BAD_TYPE };
    case 'bad_multipart': return { errType: t.BAD_REQUEST, code: t.BRC_BAD_MULTIPART };
    case 'eperm_flow': return { errType: t.FLOW_MOD_FAILED, code: t.FMFC_EPERM };
    case 'table_full': return { errType: t.FLOW_MOD_FAILED, code: t.FMFC_TABLE_FULL };
    case 'eperm_action': return { errType: t.BAD_ACTION, code: t.BAC_EPERM };
    case 'bad_out_port': return { errType: t.BAD_ACTION, code: t.BAC_BAD_OUT_PORT };
    case 'eperm_match': return { errType: t.BAD_REQUEST, code: t.BRC_EPERM };
  }
}

type DistOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A message before the connection's version is filled in. */
export type Unversioned = DistOmit<OfMessage, 'version'>;
/** A message before the connection's version and xid are filled in. */
export type Draft = DistOmit<OfMessage, 'version' | 'xid'>;
