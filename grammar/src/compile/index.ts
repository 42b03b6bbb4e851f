export { compile, buildPlan, type CompileResult, type CompileOptions } from './compile.js';
export { allocateIds, METER_POOL, QUEUE_POOL, type IdRequest, type IdPool } from './ids.js';
export { previousIds, queueKey, type PreviousIds } from './previous.js';
export { serializePlan } from './serialize.js';
