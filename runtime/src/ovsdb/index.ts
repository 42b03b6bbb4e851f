// The OVSDB module's public surface: an RFC 7047 client and the queue reconciler built on it.
export { OvsdbClient, type OvsdbClientOptions, type DbSchema } from './client.js';
export { parseOvsdbAddress, formatOvsdbAddress, type OvsdbAddress } from './address.js';
export { JsonStreamFramer, type JsonFramingError, type JsonFrameBatch } from './framer.js';
export * from './types.js';
export { switchQueuesFromPlan, type SwitchQueues, type PortQueues, type QueueSpec } from './queues.js';
export {
  diffQueues,
  validateSwitchQueues,
  queueOtherConfig,
  type QueueReport,
  type QueueChange,
  type QueueConflict,
  type ObservedSwitch,
} from './queue-diff.js';
export {
  reconcileQueues,
  OPEN_VSWITCH_DB,
  type ReconcileQueuesOptions,
  type QueueReconcileResult,
  type QueueReconcileError,
} from './queue-reconciler.js';
export { applyPlanQueues, ovsdbAddressOf, DFVISOR_QUEUE_OWNER, type PlanQueueOptions } from './plan-queues.js';
