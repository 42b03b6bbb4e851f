export { compile, buildPlan, dpidHex, type CompileResult } from './compile.js';
export { serializePlan } from './serialize.js';
export { lowerMatch, FIELD_NAMES, type LoweredMatch, type ValueProblem } from './match.js';
export { parseEndpoint } from './endpoint.js';
export { allocateOverlays, freeTag, VLAN_POOL, MPLS_POOL, type OverlayAssignment, type OverlayType } from './overlay.js';
export { formatRate } from './rates.js';
