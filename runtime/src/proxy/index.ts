// The slicing proxy: public surface used by `dfvisor run`.
export {
  SlicingProxy,
  type SlicingProxyOptions,
  type ProxyApplyResult,
  type ProxyStatus,
  type RefusedSwitch,
  type ProbeCounts,
  type SwitchPortState,
} from './slicing-proxy.js';
export type { SwitchApplyResult, SessionRole, SessionStats, RemovedFlow, LinkObservation } from './session/index.js';
export { flowKey } from './session/index.js';
export type { SliceControlCounters, StatsMessageCounts } from './counters.js';
export type { Logger } from './channel.js';
export type { SliceSwitchFlows } from './slice-flows.js';
export { buildPlanViews, type PlanViews, type SliceOnSwitch } from './slice-views.js';
export { rewriteFlowMod, rewritePacketOut, expandMatch } from './rewrite.js';
export { mapPriority, TENANT_BAND } from '../dataplane/priorities.js';
