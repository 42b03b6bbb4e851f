/**
 * Plain-data OpenFlow messages. Every message has `version` (1 = OpenFlow 1.0, 4 = OpenFlow 1.3), a
 * `type` name shared by both versions (1.0 "vendor" is `experimenter`, 1.0 "stats" is `multipart_*`)
 * and `xid`. Narrow with `msg.version === 4 && msg.type === 'flow_mod'`.
 *
 * Numbers are plain `number` up to 32 bits; 64-bit counters, cookies, datapath ids and metadata are
 * `bigint`; MAC addresses "aa:bb:cc:dd:ee:ff"; IPv4 dotted quads; opaque bytes are Buffers.
 * Padding is not represented: the encoder writes zeros.
 */
import type { Action10, Action13, Instruction, Match10 } from './actions.js';
import type { OxmTlv } from './oxm.js';
import type { Bucket, MeterBand, Port10, Port13 } from './shared-types.js';
import type { MultipartReplyBody10, MultipartReplyBody13, MultipartRequestBody10, MultipartRequestBody13 } from './multipart-types.js';

export type { Bucket, MeterBand, Port10, Port13 } from './shared-types.js';

export type OfVersion = 1 | 4;

interface Base<V extends OfVersion, T extends string> {
  readonly version: V;
  readonly type: T;
  readonly xid: number;
}

// ---------------------------------------------------------------- shared shapes
export type HelloElement =
  /** One bit per version: bit v of word v>>5 (word 0 bit 1 = OpenFlow 1.0, bit 4 = 1.3). */
  | { readonly type: 'versionbitmap'; readonly bitmaps: readonly number[] }
  | { readonly type: 'unknown'; readonly elementType: number; readonly data: Buffer };

/** Hello may carry any wire version (1…6) so that version negotiation can read it. */
export interface Hello {
  readonly version: number;
  readonly type: 'hello';
  readonly xid: number;
  readonly elements: readonly HelloElement[];
}

export interface ErrorMsg<V extends OfVersion = OfVersion> extends Base<V, 'error'> {
  readonly errType: number;
  /** For errType 0xffff (experimenter, 1.3 only) this is the exp_type. */
  readonly code: number;
  /** Only for errType 0xffff. */
  readonly experimenter?: number;
  readonly data: Buffer;
}

export interface Echo<V extends OfVersion = OfVersion> extends Base<V, 'echo_request' | 'echo_reply'> {
  readonly data: Buffer;
}

export interface Experimenter13 extends Base<4, 'experimenter'> {
  readonly experimenter: number;
  readonly expType: number;
  readonly data: Buffer;
}
export interface Experimenter10 extends Base<1, 'experimenter'> {
  readonly experimenter: number;
  readonly data: Buffer;
}

export type Empty<V extends OfVersion> = Base<
  V,
  'features_request' | 'get_config_request' | 'barrier_request' | 'barrier_reply' | (V extends 4 ? 'get_async_request' : never)
>;

export interface FeaturesReply13 extends Base<4, 'features_reply'> {
  readonly dpid: bigint;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly auxiliaryId: number;
  readonly capabilities: number;
  readonly reserved: number;
}
export interface FeaturesReply10 extends Base<1, 'features_reply'> {
  readonly dpid: bigint;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly capabilities: number;
  readonly actions: number;
  readonly ports: readonly Port10[];
}

export interface SwitchConfig<V extends OfVersion = OfVersion> extends Base<V, 'get_config_reply' | 'set_config'> {
  readonly flags: number;
  readonly missSendLen: number;
}

export interface PacketIn13 extends Base<4, 'packet_in'> {
  readonly bufferId: number;
  readonly totalLen: number;
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  readonly match: readonly OxmTlv[];
  readonly data: Buffer;
}
export interface PacketIn10 extends Base<1, 'packet_in'> {
  readonly bufferId: number;
  readonly totalLen: number;
  readonly inPort: number;
  readonly reason: number;
  readonly data: Buffer;
}

export interface FlowRemoved13 extends Base<4, 'flow_removed'> {
  readonly cookie: bigint;
  readonly priority: number;
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: readonly OxmTlv[];
}
export interface FlowRemoved10 extends Base<1, 'flow_removed'> {
  readonly match: Match10;
  readonly cookie: bigint;
  readonly priority: number;
  readonly reason: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
}

export interface PortStatus13 extends Base<4, 'port_status'> {
  readonly reason: number;
  readonly port: Port13;
}
export interface PortStatus10 extends Base<1, 'port_status'> {
  readonly reason: number;
  readonly port: Port10;
}

export interface PacketOut13 extends Base<4, 'packet_out'> {
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly Action13[];
  readonly data: Buffer;
}
export interface PacketOut10 extends Base<1, 'packet_out'> {
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly Action10[];
  readonly data: Buffer;
}

/** The flow-mod fields 1.0 and 1.3 share. */
export interface FlowModFields {
  readonly cookie: bigint;
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  readonly outPort: number;
  readonly flags: number;
}
export interface FlowMod13 extends Base<4, 'flow_mod'>, FlowModFields {
  readonly cookieMask: bigint;
  readonly tableId: number;
  readonly outGroup: number;
  readonly match: readonly OxmTlv[];
  readonly instructions: readonly Instruction[];
}
export interface FlowMod10 extends Base<1, 'flow_mod'>, FlowModFields {
  readonly match: Match10;
  readonly actions: readonly Action10[];
}

export interface GroupMod extends Base<4, 'group_mod'> {
  readonly command: number;
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

/** The port-mod fields (the same in 1.0 and 1.3; only their widths on the wire differ). */
export interface PortModFields {
  readonly portNo: number;
  readonly hwAddr: string;
  readonly config: number;
  readonly mask: number;
  readonly advertise: number;
}
export interface PortMod13 extends Base<4, 'port_mod'>, PortModFields {}
export interface PortMod10 extends Base<1, 'port_mod'>, PortModFields {}

export interface TableMod extends Base<4, 'table_mod'> {
  readonly tableId: number;
  readonly config: number;
}

export interface MultipartRequest13 extends Base<4, 'multipart_request'> {
  readonly flags: number;
  readonly body: MultipartRequestBody13;
}
export interface MultipartReply13 extends Base<4, 'multipart_reply'> {
  readonly flags: number;
  readonly body: MultipartReplyBody13;
}
export interface MultipartRequest10 extends Base<1, 'multipart_request'> {
  readonly flags: number;
  readonly body: MultipartRequestBody10;
}
export interface MultipartReply10 extends Base<1, 'multipart_reply'> {
  readonly flags: number;
  readonly body: MultipartReplyBody10;
}

export interface QueueGetConfigRequest<V extends OfVersion = OfVersion> extends Base<V, 'queue_get_config_request'> {
  readonly port: number;
}
export type QueueProperty =
  /** min_rate (1) / max_rate (2): rate in 1/10 of a percent; > 1000 means disabled. */
  { readonly property: 1 | 2; readonly rate: number } | { readonly property: number; readonly data: Buffer };
export interface PacketQueue {
  readonly queueId: number;
  /** 1.3 only (1.0 packet queues have no port field). */
  readonly port?: number;
  readonly properties: readonly QueueProperty[];
}
export interface QueueGetConfigReply<V extends OfVersion = OfVersion> extends Base<V, 'queue_get_config_reply'> {
  readonly port: number;
  readonly queues: readonly PacketQueue[];
}

export interface Role extends Base<4, 'role_request' | 'role_reply'> {
  readonly role: number;
  readonly generationId: bigint;
}

/** get_async_reply / set_async: [master/equal, slave] masks. */
export interface AsyncConfig extends Base<4, 'get_async_reply' | 'set_async'> {
  readonly packetInMask: readonly [number, number];
  readonly portStatusMask: readonly [number, number];
  readonly flowRemovedMask: readonly [number, number];
}

export interface MeterMod extends Base<4, 'meter_mod'> {
  readonly command: number;
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

export type Message13 =
  | ErrorMsg<4>
  | Echo<4>
  | Experimenter13
  | Empty<4>
  | FeaturesReply13
  | SwitchConfig<4>
  | PacketIn13
  | FlowRemoved13
  | PortStatus13
  | PacketOut13
  | FlowMod13
  | GroupMod
  | PortMod13
  | TableMod
  | MultipartRequest13
  | MultipartReply13
  | QueueGetConfigRequest<4>
  | QueueGetConfigReply<4>
  | Role
  | AsyncConfig
  | MeterMod;

export type Message10 =
  | ErrorMsg<1>
  | Echo<1>
  | Experimenter10
  | Empty<1>
  | FeaturesReply10
  | SwitchConfig<1>
  | PacketIn10
  | FlowRemoved10
  | PortStatus10
  | PacketOut10
  | FlowMod10
  | PortMod10
  | MultipartRequest10
  | MultipartReply10
  | QueueGetConfigRequest<1>
  | QueueGetConfigReply<1>;

/** Any message this codec decodes or encodes. */
export type OfMessage = Hello | Message13 | Message10;
