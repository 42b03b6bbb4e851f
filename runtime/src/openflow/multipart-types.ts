/** Bodies of multipart (1.3) and stats (1.0) requests and replies, discriminated by `mpType`. */
import type { Action10, Instruction, Match10 } from './actions.js';
import type { OxmTlv } from './oxm.js';
import type { Bucket, MeterBand, Port10, Port13 } from './shared-types.js';

export const MP13_CODES = {
  desc: 0,
  flow: 1,
  aggregate: 2,
  table: 3,
  port_stats: 4,
  queue: 5,
  group: 6,
  group_desc: 7,
  group_features: 8,
  meter: 9,
  meter_config: 10,
  meter_features: 11,
  table_features: 12,
  port_desc: 13,
  experimenter: 0xffff,
} as const;
export const MP10_CODES = { desc: 0, flow: 1, aggregate: 2, table: 3, port_stats: 4, queue: 5, experimenter: 0xffff } as const;

export interface FlowStatsRequest13 {
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: readonly OxmTlv[];
}

export type MultipartRequestBody13 =
  | { readonly mpType: 'desc' | 'table' | 'group_desc' | 'group_features' | 'meter_features' | 'port_desc' }
  | ({ readonly mpType: 'flow' | 'aggregate' } & FlowStatsRequest13)
  | { readonly mpType: 'port_stats'; readonly portNo: number }
  | { readonly mpType: 'queue'; readonly portNo: number; readonly queueId: number }
  | { readonly mpType: 'group'; readonly groupId: number }
  | { readonly mpType: 'meter' | 'meter_config'; readonly meterId: number }
  /** Table features properties are kept as raw bytes. */
  | { readonly mpType: 'table_features'; readonly data: Buffer }
  | { readonly mpType: 'experimenter'; readonly experimenter: number; readonly expType: number; readonly data: Buffer };

export interface Desc {
  readonly mfrDesc: string;
  readonly hwDesc: string;
  readonly swDesc: string;
  readonly serialNum: string;
  readonly dpDesc: string;
}

/** The flow-stats fields 1.0 and 1.3 share. */
export interface FlowStatsFields {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
}

export interface FlowStats13 extends FlowStatsFields {
  readonly flags: number;
  readonly match: readonly OxmTlv[];
  readonly instructions: readonly Instruction[];
}

export interface AggregateStats {
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly flowCount: number;
}

export interface TableStats13 {
  readonly tableId: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

export interface PortCounters {
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxDropped: bigint;
  readonly txDropped: bigint;
  readonly rxErrors: bigint;
  readonly txErrors: bigint;
  readonly rxFrameErr: bigint;
  readonly rxOverErr: bigint;
  readonly rxCrcErr: bigint;
  readonly collisions: bigint;
}
export interface PortStats13 extends PortCounters {
  readonly portNo: number;
  readonly durationSec: number;
  readonly durationNsec: number;
}
export interface PortStats10 extends PortCounters {
  readonly portNo: number;
}

export interface QueueStats13 {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
  readonly txErrors: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}
export interface QueueStats10 {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
  readonly txErrors: bigint;
}

export interface GroupStats {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bucketStats: readonly { readonly packetCount: bigint; readonly byteCount: bigint }[];
}

export interface GroupDesc {
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export interface MeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bandStats: readonly { readonly packetBandCount: bigint; readonly byteBandCount: bigint }[];
}

export interface MeterConfig {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

/**
 * One table's features (OFPMP_TABLE_FEATURES, ofp_table_features): the 64-byte fixed part read,
 * the properties (instructions, next tables, actions, match fields…) kept as raw bytes.
 */
export interface TableFeatures {
  readonly tableId: number;
  readonly name: string;
  readonly metadataMatch: bigint;
  readonly metadataWrite: bigint;
  readonly config: number;
  /** How many flow entries the table holds at most (as the switch reports it). */
  readonly maxEntries: number;
  readonly properties: Buffer;
}

export interface MeterFeatures {
  readonly maxMeter: number;
  readonly bandTypes: number;
  readonly capabilities: number;
  readonly maxBands: number;
  readonly maxColor: number;
}

export type MultipartReplyBody13 =
  | ({ readonly mpType: 'desc' } & Desc)
  | { readonly mpType: 'flow'; readonly stats: readonly FlowStats13[] }
  | ({ readonly mpType: 'aggregate' } & AggregateStats)
  | { readonly mpType: 'table'; readonly stats: readonly TableStats13[] }
  | { readonly mpType: 'port_stats'; readonly stats: readonly PortStats13[] }
  | { readonly mpType: 'queue'; readonly stats: readonly QueueStats13[] }
  | { readonly mpType: 'group'; readonly stats: readonly GroupStats[] }
  | { readonly mpType: 'group_desc'; readonly groups: readonly GroupDesc[] }
  | { readonly mpType: 'meter'; readonly stats: readonly MeterStats[] }
  | { readonly mpType: 'meter_config'; readonly configs: readonly MeterConfig[] }
  | ({ readonly mpType: 'meter_features' } & MeterFeatures)
  | { readonly mpType: 'port_desc'; readonly ports: readonly Port13[] }
  | { readonly mpType: 'table_features'; readonly features: readonly TableFeatures[] }
  /** Kept as raw bytes. */
  | { readonly mpType: 'group_features'; readonly data: Buffer }
  | { readonly mpType: 'experimenter'; readonly experimenter: number; readonly expType: number; readonly data: Buffer };

export interface FlowStatsRequest10 {
  readonly match: Match10;
  readonly tableId: number;
  readonly outPort: number;
}

export type MultipartRequestBody10 =
  | { readonly mpType: 'desc' | 'table' }
  | ({ readonly mpType: 'flow' | 'aggregate' } & FlowStatsRequest10)
  | { readonly mpType: 'port_stats'; readonly portNo: number }
  | { readonly mpType: 'queue'; readonly portNo: number; readonly queueId: number }
  | { readonly mpType: 'experimenter'; readonly experimenter: number; readonly data: Buffer };

export interface FlowStats10 extends FlowStatsFields {
  readonly match: Match10;
  readonly actions: readonly Action10[];
}

export interface TableStats10 {
  readonly tableId: number;
  readonly name: string;
  readonly wildcards: number;
  readonly maxEntries: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

export type MultipartReplyBody10 =
  | ({ readonly mpType: 'desc' } & Desc)
  | { readonly mpType: 'flow'; readonly stats: readonly FlowStats10[] }
  | ({ readonly mpType: 'aggregate' } & AggregateStats)
  | { readonly mpType: 'table'; readonly stats: readonly TableStats10[] }
  | { readonly mpType: 'port_stats'; readonly stats: readonly PortStats10[] }
  | { readonly mpType: 'queue'; readonly stats: readonly QueueStats10[] }
  | { readonly mpType: 'experimenter'; readonly experimenter: number; readonly data: Buffer };
