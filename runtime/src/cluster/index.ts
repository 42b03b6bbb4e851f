// The distributed runtime: per-switch mastership through leases, ownership records with OpenFlow
// role generation ids, and push-based statistics.
export {
  Mastership,
  leaseName,
  DEFAULT_MASTERSHIP_TTL_MS,
  type Role,
  type RoleChange,
  type MastershipOptions,
  type MastershipEvents,
} from './mastership.js';
export { claimOwnership, isOwnership, type Ownership } from './ownership.js';
export { StatsCollector, type StatsSource, type SwitchStatsSnapshot, type CollectedSliceCounters } from './stats-collector.js';
export * from './switch-stats.js';
export { SwitchArbiter, type SwitchControl, type SwitchArbiterOptions } from './switch-arbiter.js';
export { sliceIdsFromHistory, type NamedSlices } from './slice-ids.js';
export {
  SliceTotals,
  sliceTotal,
  entriesKey,
  parseEntriesKey,
  ENTRIES_PREFIX,
  type SwitchEntries,
  type PublishedEntries,
  type SliceTotalsOptions,
} from './slice-totals.js';
export {
  awaitApplyReports,
  writeApplyReport,
  isApplyReport,
  APPLY_MAP,
  type SwitchApplyReport,
  type SwitchApplyOutcome,
  type AwaitReportsOptions,
} from './apply-reports.js';
export { RemovedCounters, removedTotals, removedKey, REMOVED_MAP } from './removed-counters.js';
export { PeerLiveness, type LivenessOptions, type LivenessEvents } from './liveness.js';
