// What a runtime node needs from the OpenFlow side (the slicing proxy).
import type { Plan } from '@dfvisor/grammar';
import type { ApplyResult } from '../deploy/service.js';

export type { SliceCounters, SliceQueueStats } from '../view/runtime-view.js';
import type { SliceCounters } from '../view/runtime-view.js';

export interface DataPathStatus {
  /** master: this node is the switch's master (only the master programs it and connects tenants). */
  switches: Array<{ dpid: string; connected: boolean; master: boolean; role?: 'master' | 'slave' | 'pending'; generationId?: string }>;
  slices: Array<{ name: string; controllers: Array<{ url: string; connected: boolean }> }>;
}

/** Statistics messages, for the push-vs-pull comparison (counted since the node started). */
export interface StatsMessageCounts {
  /** Multipart/stats requests sent to switches (collection rounds and forwarded tenant polls). */
  requestsToSwitches: number;
  /** Tenant stats polls answered from the last collected snapshot (no switch round trip). */
  tenantPollsFromCache: number;
  /** Tenant stats polls sent on to the switch (no recent snapshot). */
  tenantPollsForwarded: number;
}

export interface DataPath {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Makes the switches this node masters carry `plan` (undefined: nothing deployed). */
  applyPlan(plan: Plan | undefined): Promise<ApplyResult>;
  status(): DataPathStatus;
  /** Counters this node collected for one slice (from the switches it masters). */
  sliceCounters(slice: string): SliceCounters | undefined;
  /** Statistics messages counted by this node's data path (optional). */
  statsMessages?(): StatsMessageCounts;
}
