// The runtime's public surface; each module adds its own export line.
export {
  Classifier,
  LinearClassifier,
  bestPerSlice,
  normalizePacket,
  intersectMatches,
  type ClassifierError,
  type PacketHeaders,
  type FlowspaceHit,
  type HitsResult,
  type EntryFilter,
} from './classifier/index.js';
export * from './store/index.js';
// OpenFlow 1.0/1.3 codec, framer and connection (namespaced: many short type names).
export * as openflow from './openflow/index.js';
// The slicing proxy (dfvisor run's data path) and push-based base rules.
export {
  SlicingProxy,
  type SlicingProxyOptions,
  type ProxyApplyResult,
  type ProxyStatus,
  type SwitchApplyResult,
  type SliceControlCounters,
} from './proxy/index.js';
// A runtime node (what `dfvisor run` starts), the deploy path and the HTTP API.
export { RuntimeNode, type RuntimeNodeOptions, type ForwardingPlaneContext } from './node/runtime-node.js';
export { DEFAULTS as NODE_DEFAULTS, type NodeConfig } from './node/config.js';
export { DeployService, type PlanApplier, type DeployEvent, type AuditEntry } from './deploy/service.js';
export { buildApi, type ApiOptions } from './api/server.js';
export { ApiClient, ApiError } from './api-client/api-client.js';
// OVSDB (RFC 7047) client and the switch queue reconciler (namespaced: short type names).
export * as ovsdb from './ovsdb/index.js';
