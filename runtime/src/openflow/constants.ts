/** OpenFlow wire numbers for 1.0 (version 1) and 1.3 (version 4) and names for the common ones. */

export const OFP10_VERSION = 1;
export const OFP13_VERSION = 4;
/** Versions the framer accepts (1.0 … 1.5): hellos of any of these are decoded for negotiation. */
export const KNOWN_WIRE_VERSIONS: readonly number[] = [1, 2, 3, 4, 5, 6];

export const OFP_HEADER_LEN = 8;
export const OFP_MAX_MESSAGE_LEN = 0xffff;

/** Message type names shared by both versions (1.0 "vendor" = experimenter, "stats" = multipart). */
export type MessageTypeName =
  | 'hello'
  | 'error'
  | 'echo_request'
  | 'echo_reply'
  | 'experimenter'
  | 'features_request'
  | 'features_reply'
  | 'get_config_request'
  | 'get_config_reply'
  | 'set_config'
  | 'packet_in'
  | 'flow_removed'
  | 'port_status'
  | 'packet_out'
  | 'flow_mod'
  | 'group_mod'
  | 'port_mod'
  | 'table_mod'
  | 'multipart_request'
  | 'multipart_reply'
  | 'barrier_request'
  | 'barrier_reply'
  | 'queue_get_config_request'
  | 'queue_get_config_reply'
  | 'role_request'
  | 'role_reply'
  | 'get_async_request'
  | 'get_async_reply'
  | 'set_async'
  | 'meter_mod';

export const OF13_TYPES: readonly MessageTypeName[] = [
  'hello',
  'error',
  'echo_request',
  'echo_reply',
  'experimenter',
  'features_request',
  'features_reply',
  'get_config_request',
  'get_config_reply',
  'set_config',
  'packet_in',
  'flow_removed',
  'port_status',
  'packet_out',
  'flow_mod',
  'group_mod',
  'port_mod',
  'table_mod',
  'multipart_request',
  'multipart_reply',
  'barrier_request',
  'barrier_reply',
  'queue_get_config_request',
  'queue_get_config_reply',
  'role_request',
  'role_reply',
  'get_async_request',
  'get_async_reply',
  'set_async',
  'meter_mod',
];

export const OF10_TYPES: readonly MessageTypeName[] = [
  'hello',
  'error',
  'echo_request',
  'echo_reply',
  'experimenter',
  'features_request',
  'features_reply',
  'get_config_request',
  'get_config_reply',
  'set_config',
  'packet_in',
  'flow_removed',
  'port_status',
  'packet_out',
  'flow_mod',
  'port_mod',
  'multipart_request',
  'multipart_reply',
  'barrier_request',
  'barrier_reply',
  'queue_get_config_request',
  'queue_get_config_reply',
];

const OF13_CODES = new Map<string, number>(OF13_TYPES.map((n, i) => [n, i]));
const OF10_CODES = new Map<string, number>(OF10_TYPES.map((n, i) => [n, i]));

export function typeCode(version: number, name: MessageTypeName): number {
  const i = (version === OFP10_VERSION ? OF10_CODES : OF13_CODES).get(name) ?? -1;
  if (i < 0) throw new RangeError(`message type ${name} does not exist in OpenFlow version ${version}`);
  return i;
}

export function typeName(version: number, code: number): MessageTypeName | undefined {
  return (version === OFP10_VERSION ? OF10_TYPES : OF13_TYPES)[code];
}

// ---- Ports, buffers, tables, groups, meters (1.3 values are 32-bit, 1.0 16-bit).
export const OFPP13 = {
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
export const OFPP10 = {
  MAX: 0xff00,
  IN_PORT: 0xfff8,
  TABLE: 0xfff9,
  NORMAL: 0xfffa,
  FLOOD: 0xfffb,
  ALL: 0xfffc,
  CONTROLLER: 0xfffd,
  LOCAL: 0xfffe,
  NONE: 0xffff,
} as const;
export const OFP_NO_BUFFER = 0xffffffff;
export const OFPTT_ALL = 0xff;
export const OFPG_ANY = 0xffffffff;
/** All queues of a port (queue statistics requests). */
export const OFPQ_ALL = 0xffffffff;
export const OFPG_ALL = 0xfffffffc;
export const OFPM = { MAX: 0xffff0000, SLOWPATH: 0xfffffffd, CONTROLLER: 0xfffffffe, ALL: 0xffffffff } as const;
export const OFPCML_NO_BUFFER = 0xffff;
/** Bit set in an OXM vlan_vid value when a VLAN tag is present. */
export const OFPVID_PRESENT = 0x1000;
export const OFPVID_NONE = 0x0000;

export const OFPFC = { ADD: 0, MODIFY: 1, MODIFY_STRICT: 2, DELETE: 3, DELETE_STRICT: 4 } as const;
export const OFPFF13 = { SEND_FLOW_REM: 1, CHECK_OVERLAP: 2, RESET_COUNTS: 4, NO_PKT_COUNTS: 8, NO_BYT_COUNTS: 16 } as const;
export const OFPFF10 = { SEND_FLOW_REM: 1, CHECK_OVERLAP: 2, EMERG: 4 } as const;
export const OFPCR_ROLE = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 } as const;
export const OFPGC = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
export const OFPGT = { ALL: 0, SELECT: 1, INDIRECT: 2, FF: 3 } as const;
export const OFPMC = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
export const OFPMF = { KBPS: 1, PKTPS: 2, BURST: 4, STATS: 8 } as const;
export const OFPMBT = { DROP: 1, DSCP_REMARK: 2, EXPERIMENTER: 0xffff } as const;
export const OFPPR = { ADD: 0, DELETE: 1, MODIFY: 2 } as const;
export const OFPMPF_REPLY_MORE = 1;

/** OpenFlow 1.0 match wildcard bits. */
export const OFPFW10 = {
  IN_PORT: 1 << 0,
  DL_VLAN: 1 << 1,
  DL_SRC: 1 << 2,
  DL_DST: 1 << 3,
  DL_TYPE: 1 << 4,
  NW_PROTO: 1 << 5,
  TP_SRC: 1 << 6,
  TP_DST: 1 << 7,
  NW_SRC_SHIFT: 8,
  NW_SRC_MASK: 0x3f << 8,
  NW_DST_SHIFT: 14,
  NW_DST_MASK: 0x3f << 14,
  DL_VLAN_PCP: 1 << 20,
  NW_TOS: 1 << 21,
  ALL: (1 << 22) - 1,
} as const;

// ---- Errors.
export const OFPET13_NAMES: Record<number, string> = {
  0: 'HELLO_FAILED',
  1: 'BAD_REQUEST',
  2: 'BAD_ACTION',
  3: 'BAD_INSTRUCTION',
  4: 'BAD_MATCH',
  5: 'FLOW_MOD_FAILED',
  6: 'GROUP_MOD_FAILED',
  7: 'PORT_MOD_FAILED',
  8: 'TABLE_MOD_FAILED',
  9: 'QUEUE_OP_FAILED',
  10: 'SWITCH_CONFIG_FAILED',
  11: 'ROLE_REQUEST_FAILED',
  12: 'METER_MOD_FAILED',
  13: 'TABLE_FEATURES_FAILED',
  65535: 'EXPERIMENTER',
};
export const OFPET10_NAMES: Record<number, string> = {
  0: 'HELLO_FAILED',
  1: 'BAD_REQUEST',
  2: 'BAD_ACTION',
  3: 'FLOW_MOD_FAILED',
  4: 'PORT_MOD_FAILED',
  5: 'QUEUE_OP_FAILED',
};

const names = (s: string): Record<number, string> => Object.fromEntries(s.split(' ').map((n, i) => [i, n] as const));

const ERROR_CODES_13: Record<string, Record<number, string>> = {
  HELLO_FAILED: names('INCOMPATIBLE EPERM'),
  BAD_REQUEST: names(
    'BAD_VERSION BAD_TYPE BAD_MULTIPART BAD_EXPERIMENTER BAD_EXP_TYPE EPERM BAD_LEN BUFFER_EMPTY BUFFER_UNKNOWN BAD_TABLE_ID IS_SLAVE BAD_PORT BAD_PACKET MULTIPART_BUFFER_OVERFLOW',
  ),
  BAD_ACTION: names(
    'BAD_TYPE BAD_LEN BAD_EXPERIMENTER BAD_EXP_TYPE BAD_OUT_PORT BAD_ARGUMENT EPERM TOO_MANY BAD_QUEUE BAD_OUT_GROUP MATCH_INCONSISTENT UNSUPPORTED_ORDER BAD_TAG BAD_SET_TYPE BAD_SET_LEN BAD_SET_ARGUMENT',
  ),
  BAD_INSTRUCTION: names(
    'UNKNOWN_INST UNSUP_INST BAD_TABLE_ID UNSUP_METADATA UNSUP_METADATA_MASK BAD_EXPERIMENTER BAD_EXP_TYPE BAD_LEN EPERM',
  ),
  BAD_MATCH: names(
    'BAD_TYPE BAD_LEN BAD_TAG BAD_DL_ADDR_MASK BAD_NW_ADDR_MASK BAD_WILDCARDS BAD_FIELD BAD_VALUE BAD_MASK BAD_PREREQ DUP_FIELD EPERM',
  ),
  FLOW_MOD_FAILED: names('UNKNOWN TABLE_FULL BAD_TABLE_ID OVERLAP EPERM BAD_TIMEOUT BAD_COMMAND BAD_FLAGS'),
  GROUP_MOD_FAILED: names(
    'GROUP_EXISTS INVALID_GROUP WEIGHT_UNSUPPORTED OUT_OF_GROUPS OUT_OF_BUCKETS CHAINING_UNSUPPORTED WATCH_UNSUPPORTED LOOP UNKNOWN_GROUP CHAINED_GROUP BAD_TYPE BAD_COMMAND BAD_BUCKET BAD_WATCH EPERM',
  ),
  PORT_MOD_FAILED: names('BAD_PORT BAD_HW_ADDR BAD_CONFIG BAD_ADVERTISE EPERM'),
  TABLE_MOD_FAILED: names('BAD_TABLE BAD_CONFIG EPERM'),
  QUEUE_OP_FAILED: names('BAD_PORT BAD_QUEUE EPERM'),
  SWITCH_CONFIG_FAILED: names('BAD_FLAGS BAD_LEN EPERM'),
  ROLE_REQUEST_FAILED: names('STALE UNSUP BAD_ROLE'),
  METER_MOD_FAILED: names(
    'UNKNOWN METER_EXISTS INVALID_METER UNKNOWN_METER BAD_COMMAND BAD_FLAGS BAD_RATE BAD_BURST BAD_BAND BAD_BAND_VALUE OUT_OF_METERS OUT_OF_BANDS',
  ),
  TABLE_FEATURES_FAILED: names('BAD_TABLE BAD_METADATA BAD_TYPE BAD_LEN BAD_ARGUMENT EPERM'),
};
const ERROR_CODES_10: Record<string, Record<number, string>> = {
  HELLO_FAILED: names('INCOMPATIBLE EPERM'),
  BAD_REQUEST: names('BAD_VERSION BAD_TYPE BAD_STAT BAD_VENDOR BAD_SUBTYPE EPERM BAD_LEN BUFFER_EMPTY BUFFER_UNKNOWN'),
  BAD_ACTION: names('BAD_TYPE BAD_LEN BAD_VENDOR BAD_VENDOR_TYPE BAD_OUT_PORT BAD_ARGUMENT EPERM TOO_MANY BAD_QUEUE'),
  FLOW_MOD_FAILED: names('ALL_TABLES_FULL OVERLAP EPERM BAD_EMERG_TIMEOUT BAD_COMMAND UNSUPPORTED'),
  PORT_MOD_FAILED: names('BAD_PORT BAD_HW_ADDR'),
  QUEUE_OP_FAILED: names('BAD_PORT BAD_QUEUE EPERM'),
};

/** e.g. errorName(4, 1, 6) → { type: 'BAD_REQUEST', code: 'BAD_LEN' }; unknown numbers stay undefined. */
export function errorName(version: number, type: number, code: number): { type?: string; code?: string } {
  const typeName = (version === OFP10_VERSION ? OFPET10_NAMES : OFPET13_NAMES)[type];
  const codes = typeName ? (version === OFP10_VERSION ? ERROR_CODES_10 : ERROR_CODES_13)[typeName] : undefined;
  return { type: typeName, code: codes?.[code] };
}

/** Look up numbers by names, e.g. errorNumbers(4, 'BAD_REQUEST', 'EPERM') → { type: 1, code: 5 }. */
export function errorNumbers(version: number, type: string, code: string): { type: number; code: number } {
  const typeTable = version === OFP10_VERSION ? OFPET10_NAMES : OFPET13_NAMES;
  const t = Object.entries(typeTable).find(([, n]) => n === type);
  const codes = (version === OFP10_VERSION ? ERROR_CODES_10 : ERROR_CODES_13)[type];
  const c = codes ? Object.entries(codes).find(([, n]) => n === code) : undefined;
  if (!t || !c) throw new RangeError(`unknown OpenFlow ${version} error ${type}/${code}`);
  return { type: Number(t[0]), code: Number(c[0]) };
}

/** Error suggestions used by the decoder (the numbers differ between 1.0 and 1.3 for some types). */
export const SUGGEST = {
  badVersion: { type: 1, code: 0 },
  badType: { type: 1, code: 1 },
  badMultipart: { type: 1, code: 2 },
  badLen: { type: 1, code: 6 },
  badActionType: { type: 2, code: 0 },
  badActionLen: { type: 2, code: 1 },
  badSetType13: { type: 2, code: 13 },
  badSetLen13: { type: 2, code: 14 },
  badInstruction13: { type: 3, code: 0 },
  badInstructionLen13: { type: 3, code: 7 },
  badMatchType13: { type: 4, code: 0 },
  badMatchLen13: { type: 4, code: 1 },
  badMatchField13: { type: 4, code: 6 },
  badMeterBand13: { type: 12, code: 8 },
  badGroupBucket13: { type: 6, code: 12 },
} as const;
