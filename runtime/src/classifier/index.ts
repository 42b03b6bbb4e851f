// The flowspace classifier: packet-in and flow-mod lookups over a plan's flowspace.
export { Classifier, bestPerSlice, type ClassifierBuild, type ClassifierOptions } from './classifier.js';
export { LinearClassifier } from './linear.js';
export { SliceNumbers, sliceName, sliceNumber } from './sliceNumbers.js';
export type { ClassifierError, ClassifierErrorCode } from './errors.js';
export { normalizePacket, type NormalizedPacket, type PacketHeaders } from './packet.js';
export { intersectMatches, intersectCompiled } from './intersect.js';
export { compileMatch, matchesPacket, type CompiledMatch, type Constraint } from './match.js';
export { compareEntries } from './order.js';
export type { EntryFilter, FlowspaceClassifier, FlowspaceHit, HitsResult } from './types.js';
