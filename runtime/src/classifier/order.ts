// The one order of flowspace results: priority high to low, ties by id low to high.
import type { FlowspaceEntry } from '@dfvisor/grammar';

export function compareEntries(a: FlowspaceEntry, b: FlowspaceEntry): number {
  return b.priority - a.priority || a.id - b.id;
}

/**
 * The same order as one number (smaller first): (65535 − priority) · 2^37 + id, exact for ids in
 * 0..2^37 − 1; NaN for other ids, which the caller then orders with the comparison.
 */
export function orderKey(priority: number, id: number): number {
  return id >= 0 && id < 2 ** 37 ? (0xffff - priority) * 2 ** 37 + id : NaN;
}
