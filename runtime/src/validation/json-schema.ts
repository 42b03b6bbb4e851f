// JSON Schema validation (ajv, draft 2020-12) with errors as plain values: one place that turns
// ajv's error objects into `{path, message}` lines for problem bodies and CLI messages.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** One schema violation: where (a JSON pointer into the document, '' for the root) and what. */
export interface SchemaError {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: SchemaError[] };

/** At most this many errors are reported (a wrong document can violate thousands of rules). */
const MAX_ERRORS = 20;

export function toSchemaErrors(errors: ErrorObject[] | null | undefined): SchemaError[] {
  return (errors ?? []).slice(0, MAX_ERRORS).map((e) => {
    const params = e.params as Record<string, unknown>;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = `has an unknown property '${String(params.additionalProperty)}'`;
    if (e.keyword === 'required') message = `lacks the property '${String(params.missingProperty)}'`;
    return { path: e.instancePath, message };
  });
}

/** A validator for one schema; `strict: false` lets schemas carry annotations ajv does not know. */
export function compileValidator<T>(schema: object): (data: unknown) => Validated<T> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? { ok: true, value: data as T } : { ok: false, errors: toSchemaErrors(validate.errors) });
}

/** `path: message; path: message` for one-line CLI and log messages. */
export function formatSchemaErrors(errors: SchemaError[]): string {
  return errors.map((e) => `${e.path || '(top level)'} ${e.message}`).join('; ');
}
