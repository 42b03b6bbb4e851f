// What a runtime node needs from the OpenFlow side (the slicing proxy).
import type { Plan } from '@dfvisor/grammar';
import type { ApplyResult } from '../deploy/service.js';

export interface SliceCounters {
  packets: number;
  bytes: number;
  flows: number;
  packetIns: number;
  perSwitch: Array<{ dpid: string; packets: number; bytes: number; flows: number }>;
}

export interface DataPathStatus {
  switches: Array<{ dpid: string; connected: boolean; master: boolean }>;
  slices: Array<{ name: string; controllers: Array<{ url: string; connected: boolean }> }>;
}

export interface DataPath {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Makes the switches this node masters carry `plan` (undefined: nothing deployed). */
  applyPlan(plan: Plan | undefined): Promise<ApplyResult>;
  status(): DataPathStatus;
  /** Counters this node collected for one slice (from the switches it masters). */
  sliceCounters(slice: string): SliceCounters | undefined;
}
