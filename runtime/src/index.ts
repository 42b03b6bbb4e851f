// The runtime's public surface; each module adds its own export line.
export {
  Classifier, LinearClassifier, bestPerSlice, normalizePacket, intersectMatches,
  type ClassifierError, type PacketHeaders, type FlowspaceHit, type HitsResult, type EntryFilter,
} from './classifier/index.js';
export * from './store/index.js';
// OpenFlow 1.0/1.3 codec, framer and connection (namespaced: many short type names).
export * as openflow from './openflow/index.js';
// The slicing proxy (dfvisor run's data path) and push-based base rules.
export { SlicingProxy, type SlicingProxyOptions, type ApplyResult, type ProxyStatus, type SwitchApplyResult, type SliceCounters } from './proxy/index.js';
