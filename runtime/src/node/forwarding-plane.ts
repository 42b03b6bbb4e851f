// The forwarding plane as a runtime node sees it: what the node needs from the OpenFlow side
// (the slicing proxy and the switches it programs) — applying plans, status, counters.
// (Not an OpenFlow "datapath": that is one switch.)
import type { Plan } from '@dfvisor/grammar';
import type { ApplyResult } from '../deploy/service.js';
import type { StatsMessageCounts } from '../proxy/index.js';

export type { SliceCounters, SliceQueueStats } from '../view/runtime-view.js';
import type { DiscoveryView, RefusedSwitchView, SliceCounters, SliceSwitchFlowsView, VirtualLinkView } from '../view/runtime-view.js';

export interface ForwardingPlaneStatus {
  /** master: this node is the switch's master (only the master programs it and connects tenants). */
  switches: Array<{ dpid: string; connected: boolean; master: boolean; role?: 'master' | 'slave' | 'pending'; generationId?: string }>;
  slices: Array<{ name: string; controllers: Array<{ url: string; connected: boolean }> }>;
  /** Switches refused for a datapath id the deployed network does not declare. */
  refused?: RefusedSwitchView[];
}

export interface ForwardingPlane {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Makes the switches this node masters carry `plan` (undefined: nothing deployed); with
   * `revision`, reports each switch it programmed to the global tier (cluster-wide apply).
   */
  applyPlan(plan: Plan | undefined, revision?: number): Promise<ApplyResult>;
  status(): ForwardingPlaneStatus;
  /** Counters this node collected for one slice (from the switches it masters). */
  sliceCounters(slice: string): SliceCounters | undefined;
  /** Statistics messages counted by this node's forwarding plane (optional). */
  statsMessages?(): StatsMessageCounts;
  /** Another node died (seen by the liveness channel): take over its switches at once (optional). */
  peerDown?(nodeId: string): Promise<unknown>;
  /** Rules the reconciliation of switch tables removed and restored (optional). */
  reconciled?(): { removed: number; restored: number; metersRemoved?: number; metersRestored?: number };
  /** A slice's tenant rules and the switch rules they became, on the switches this node masters (optional). */
  sliceFlows?(slice: string): SliceSwitchFlowsView[];
  /** A slice's virtual links across the managed core, with this node's counters (optional). */
  virtualLinks?(slice: string): VirtualLinkView[];
  /** Link discovery: sightings (all nodes), the connected switches' ports, this node's probe counts (optional). */
  discovery?(): DiscoveryView;
}
