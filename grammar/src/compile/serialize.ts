// Byte-for-byte stable plan text: keys sorted at every level, 2-space indent, final newline.
import type { Plan } from '../plan/types.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(sortKeys(plan), null, 2)}\n`;
}
