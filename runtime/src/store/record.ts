// How a versioned value is written as one string (Hazelcast values, the embedded store's files):
// {"v":<version>,"d":<value>}. Decoding never throws: a damaged record reads as undefined.
import type { Json, Versioned } from './types.js';

export function encodeRecord(version: number, value: Json): string {
  return JSON.stringify({ v: version, d: value });
}

export function decodeRecord(raw: unknown): Versioned | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const r = JSON.parse(raw) as { v?: unknown; d?: unknown };
    if (typeof r !== 'object' || r === null || typeof r.v !== 'number' || !('d' in r)) return undefined;
    return { version: r.v, value: r.d as Json };
  } catch {
    return undefined;
  }
}

/** A copy that shares nothing with the caller's object, or undefined when `value` is not JSON data. */
export function cloneJson(value: unknown): Json | undefined {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? undefined : (JSON.parse(s) as Json);
  } catch {
    return undefined;
  }
}
