export { compile, buildPlan, dpidHex, type CompileResult, type CompileOptions } from './compile.js';
export { allocateIds, METER_POOL, QUEUE_POOL, type IdRequest, type IdPool } from './ids.js';
export { previousIds, queueKey, type PreviousIds } from './previous.js';
export { serializePlan } from './serialize.js';
export { lowerMatch, FIELD_NAMES, type LoweredMatch, type ValueProblem } from './match.js';
export { parseEndpoint } from './endpoint.js';
export { allocateOverlays, freeTag, VLAN_POOL, MPLS_POOL, type OverlayAssignment, type OverlayType } from './overlay.js';
export { formatRate } from './rates.js';
