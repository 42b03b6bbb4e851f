// The forwarding plane as a runtime node sees it: what the node needs from the OpenFlow side
// (the slicing proxy and the switches it programs) — applying plans, status, counters.
// (Not an OpenFlow "datapath": that is one switch.)
import type { Plan } from '@dfvisor/grammar';
import type { ApplyResult } from '../deploy/service.js';
import type { StatsMessageCounts } from '../proxy/index.js';

export interface SliceCounters {
  packets: number;
  bytes: number;
  flows: number;
  packetIns: number;
  perSwitch: Array<{ dpid: string; packets: number; bytes: number; flows: number }>;
  /** The part of packets/bytes from flows the switches removed (expired or deleted). */
  removed?: { packets: number; bytes: number };
  /** The slice's queues (the plan's qos.queues) on the switches this node masters. */
  queues?: SliceQueueStats[];
}

/** One queue of a slice with the switch's counters for it. */
export interface SliceQueueStats { dpid: string; port: number; queueId: number; txPackets: number; txBytes: number; txErrors: number }

export interface ForwardingPlaneStatus {
  /** master: this node is the switch's master (only the master programs it and connects tenants). */
  switches: Array<{ dpid: string; connected: boolean; master: boolean; role?: 'master' | 'slave' | 'pending'; generationId?: string }>;
  slices: Array<{ name: string; controllers: Array<{ url: string; connected: boolean }> }>;
}

export interface ForwardingPlane {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Makes the switches this node masters carry `plan` (undefined: nothing deployed). */
  applyPlan(plan: Plan | undefined): Promise<ApplyResult>;
  status(): ForwardingPlaneStatus;
  /** Counters this node collected for one slice (from the switches it masters). */
  sliceCounters(slice: string): SliceCounters | undefined;
  /** Statistics messages counted by this node's forwarding plane (optional). */
  statsMessages?(): StatsMessageCounts;
}
