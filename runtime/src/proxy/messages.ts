// The proxy's version-neutral view of the OpenFlow messages it slices. The project's codec
// (runtime/src/openflow) decodes and encodes the wire; translate.ts maps its 1.0 and 1.3 messages
// onto these shapes and back, so a 1.0 tenant can drive a 1.3 switch and the reverse.
// Matches are OXM-style (field → value/mask as bigint) so that flowspace algebra is exact;
// ports use OpenFlow 1.3 numbering.
import type { OxmFieldName, Port13 } from '../openflow/index.js';
import { errorNumbers, OFP10_VERSION, OFP13_VERSION, OFPP13, OFPFC, OFP_NO_BUFFER, OFPVID_PRESENT } from '../openflow/index.js';

export const OFP10 = OFP10_VERSION as 1;
export const OFP13 = OFP13_VERSION as 4;
export type OfVersion = typeof OFP10 | typeof OFP13;

/** OpenFlow 1.3 reserved port numbers (1.0 ones are mapped onto these). */
export const OFPP = OFPP13;
export const NO_BUFFER = OFP_NO_BUFFER;
export { OFPVID_PRESENT };
export const FC = OFPFC;
export const FF_SEND_FLOW_REM = 1;

/** The match fields the proxy understands (a subset of the codec's OXM basic fields). */
export type FieldName = Exclude<OxmFieldName, 'in_phy_port' | 'pbb_isid' | 'tunnel_id' | 'ipv6_exthdr'>;

/** A field constraint: packets with (field & mask) == value. No mask: exact. */
export interface FieldValue {
  value: bigint;
  mask?: bigint;
}

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

/** A port as tenants see it (the codec's 1.3 port; 1.0 ports get zero speeds). */
export type Port = Port13;

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

export interface FlowStatsRequest {
  tableId: number;
  outPort: number;
  outGroup: number;
  cookie: bigint;
  cookieMask: bigint;
  match: FlowMatch;
}

export interface MeterBand {
  type: 'drop';
  rate: number;
  burst: number;
}

/** One port's counters (1.3 numbering; 1.0 replies get zero durations). */
export interface PortStats {
  portNo: number;
  rxPackets: bigint;
  txPackets: bigint;
  rxBytes: bigint;
  txBytes: bigint;
  rxDropped: bigint;
  txDropped: bigint;
  rxErrors: bigint;
  txErrors: bigint;
  rxFrameErr: bigint;
  rxOverErr: bigint;
  rxCrcErr: bigint;
  collisions: bigint;
  durationSec: number;
  durationNsec: number;
}

/** One meter's counters (OpenFlow 1.3 only). */
export interface MeterStats {
  meterId: number;
  flowCount: number;
  packetInCount: bigint;
  byteInCount: bigint;
  /** Summed over the meter's bands: what the bands acted on (dropped over the cap). */
  bandPackets: bigint;
  bandBytes: bigint;
}

/**
 * What the switch says about one of its tables: its capacity (1.0 table statistics, 1.3 table
 * features) and its entries in use (table statistics of both versions), where the reply has them.
 */
export interface TableInfo {
  tableId: number;
  maxEntries?: number;
  activeCount?: number;
}

/** One queue's counters (queue statistics; 1.3 port numbering). */
export interface QueueStats {
  portNo: number;
  queueId: number;
  txPackets: bigint;
  txBytes: bigint;
  txErrors: bigint;
}

/** OpenFlow 1.3 controller roles (ofp_controller_role). */
export const ROLE = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 } as const;
/** OFPET_ROLE_REQUEST_FAILED and its codes. */
export const ROLE_REQUEST_FAILED = 11;
export const ROLE_ERROR = { STALE: 0, UNSUP: 1, BAD_ROLE: 2 } as const;

/** Multipart (1.3) / stats (1.0) kinds by the codec's names ('desc', 'flow', 'port_desc', …). */
export type MpKind = string;

interface Base {
  version: OfVersion;
  xid: number;
}

export type OfMessage = Base &
  (
    | { type: 'hello'; versions: number[] }
    | { type: 'error'; errType: number; code: number; data: Buffer }
    | { type: 'echo_request'; data: Buffer }
    | { type: 'echo_reply'; data: Buffer }
    | { type: 'features_request' }
    | {
        type: 'features_reply';
        dpid: bigint;
        nBuffers: number;
        nTables: number;
        auxiliaryId: number;
        capabilities: number;
        actions: number;
        ports: Port[];
      }
    | { type: 'get_config_request' }
    | { type: 'get_config_reply'; flags: number; missSendLen: number }
    | { type: 'set_config'; flags: number; missSendLen: number }
    | {
        type: 'packet_in';
        bufferId: number;
        totalLen: number;
        reason: number;
        tableId: number;
        cookie: bigint;
        match: FlowMatch;
        data: Buffer;
      }
    | {
        type: 'flow_removed';
        cookie: bigint;
        priority: number;
        reason: number;
        tableId: number;
        durationSec: number;
        durationNsec: number;
        idleTimeout: number;
        hardTimeout: number;
        packetCount: bigint;
        byteCount: bigint;
        match: FlowMatch;
      }
    | { type: 'port_status'; reason: number; port: Port }
    | { type: 'packet_out'; bufferId: number; inPort: number; actions: Action[]; data: Buffer }
    /**
     * `matchKeyAt`: where the match's canonical key (hot-messages.ts's matchKey, as bytes) starts in
     * the frame the message was read from, when a reader had it there for free (its length:
     * hot-messages.ts `frameKeyLength`).
     */
    | ({ type: 'flow_mod'; matchKeyAt?: number } & FlowMod)
    | { type: 'meter_mod'; command: number; flags: number; meterId: number; bands: MeterBand[] }
    | {
        type: 'multipart_request';
        mpType: MpKind;
        flags: number;
        flow?: FlowStatsRequest;
        portNo?: number;
        queueId?: number;
        meterId?: number;
      }
    | {
        type: 'multipart_reply';
        mpType: MpKind;
        flags: number;
        ports?: Port[];
        flows?: FlowStats[];
        aggregate?: { packetCount: bigint; byteCount: bigint; flowCount: number };
        desc?: { mfrDesc: string; hwDesc: string; swDesc: string; serialNum: string; dpDesc: string };
        queues?: QueueStats[];
        portStats?: PortStats[];
        meterStats?: MeterStats[];
        tables?: TableInfo[];
      }
    | { type: 'barrier_request' }
    | { type: 'barrier_reply' }
    | { type: 'role_request'; role: number; generationId: bigint }
    | { type: 'role_reply'; role: number; generationId: bigint }
    /** Any other message (group_mod, port_mod, experimenter…): the proxy does not slice it. */
    | { type: 'other'; name: string }
  );

export type MessageOf<T extends OfMessage['type']> = Extract<OfMessage, { type: T }>;

export type ErrorKind =
  | 'eperm_request'
  | 'eperm_flow'
  | 'eperm_action'
  | 'bad_out_port'
  | 'table_full'
  | 'eperm_match'
  | 'bad_type'
  | 'bad_multipart'
  | 'buffer_unknown';

const ERROR_NAMES: Record<ErrorKind, Record<OfVersion, [string, string]>> = {
  eperm_request: { 4: ['BAD_REQUEST', 'EPERM'], 1: ['BAD_REQUEST', 'EPERM'] },
  bad_type: { 4: ['BAD_REQUEST', 'BAD_TYPE'], 1: ['BAD_REQUEST', 'BAD_TYPE'] },
  bad_multipart: { 4: ['BAD_REQUEST', 'BAD_MULTIPART'], 1: ['BAD_REQUEST', 'BAD_STAT'] },
  eperm_flow: { 4: ['FLOW_MOD_FAILED', 'EPERM'], 1: ['FLOW_MOD_FAILED', 'EPERM'] },
  table_full: { 4: ['FLOW_MOD_FAILED', 'TABLE_FULL'], 1: ['FLOW_MOD_FAILED', 'ALL_TABLES_FULL'] },
  eperm_action: { 4: ['BAD_ACTION', 'EPERM'], 1: ['BAD_ACTION', 'EPERM'] },
  bad_out_port: { 4: ['BAD_ACTION', 'BAD_OUT_PORT'], 1: ['BAD_ACTION', 'BAD_OUT_PORT'] },
  eperm_match: { 4: ['BAD_MATCH', 'EPERM'], 1: ['BAD_REQUEST', 'EPERM'] },
  buffer_unknown: { 4: ['BAD_REQUEST', 'BUFFER_UNKNOWN'], 1: ['BAD_REQUEST', 'BUFFER_UNKNOWN'] },
};

/** The OpenFlow (type, code) numbers the proxy sends for a refusal, by the codec's error tables. */
export function errorCode(version: OfVersion, kind: ErrorKind): { errType: number; code: number } {
  const [type, code] = ERROR_NAMES[kind][version];
  const n = errorNumbers(version, type, code);
  return { errType: n.type, code: n.code };
}

type DistOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A message before the connection's version is filled in. */
export type Unversioned = DistOmit<OfMessage, 'version'>;
/** A message before the connection's version and xid are filled in. */
export type Draft = DistOmit<OfMessage, 'version' | 'xid'>;
