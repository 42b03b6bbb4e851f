// One switch's session, made of parts (see README.md here): what the slicing proxy uses.
export { SwitchSession } from './switch-session.js';
export type {
  DiscoveryHost,
  LinkObservation,
  SessionHost,
  SessionRole,
  RemovedFlow,
  SwitchChannel,
  TenantConnection,
  TenantEvents,
} from './context.js';
export type { SwitchApplyResult } from './plan-apply.js';
export type { SessionStats } from './statistics.js';
export type { TableCapacityView } from './table-capacity.js';
export { flowKey } from './stats-answers.js';
export { Reconciliation, planReconcile, type ReconcileResult, type ReconcilePlan } from './reconcile.js';
