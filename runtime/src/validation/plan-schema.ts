// Validates a compiled plan against grammar/plan.schema.json (the plan format's contract):
// used by the API for submitted plans and by `dfvisor compile --previous`.
import { createRequire } from 'node:module';
import type { Plan } from '@dfvisor/grammar';
import { compileValidator, type Validated } from './json-schema.js';

const schema = createRequire(import.meta.url)('@dfvisor/grammar/plan.schema.json') as object;

let validator: ((data: unknown) => Validated<Plan>) | undefined;

export function validatePlan(data: unknown): Validated<Plan> {
  validator ??= compileValidator<Plan>(schema);
  return validator(data);
}
