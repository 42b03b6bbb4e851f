// The slicing proxy: public surface used by `dfvisor run`.
export { SlicingProxy, type SlicingProxyOptions, type ApplyResult, type ProxyStatus, type StatsMessageCounts } from './slicing-proxy.js';
export type { SwitchApplyResult, SessionRole, SessionStats, RemovedFlow } from './switch-session.js';
export { flowKey } from './switch-session.js';
export type { SliceCounters } from './counters.js';
export type { Logger } from './channel.js';
export { buildPlanModel, type PlanModel, type SliceOnSwitch } from './slice-model.js';
export { rewriteFlowMod, rewritePacketOut, expandMatch, mapPriority, TENANT_BAND } from './rewrite.js';
