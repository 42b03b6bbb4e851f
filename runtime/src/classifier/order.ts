// The one order of flowspace results: priority high to low, ties by id low to high.
import type { FlowspaceEntry } from '@dfvisor/grammar';

export function compareEntries(a: FlowspaceEntry, b: FlowspaceEntry): number {
  return b.priority - a.priority || a.id - b.id;
}
