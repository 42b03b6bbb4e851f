// Checks an entry's location and priority and compiles its match.
import type { FlowspaceEntry } from '@dfvisor/grammar';
import type { ClassifierError } from './errors.js';
import { compileMatch, isCompileError } from './match.js';
import type { IndexedEntry } from './tupleSpace.js';
import { flattenMatch } from './flatCheck.js';
import { orderKey } from './order.js';

const DPID = /^[0-9a-f]{16}$/;

export function indexEntry(entry: FlowspaceEntry): IndexedEntry | ClassifierError {
  const bad = (message: string): ClassifierError => ({ code: 'CLS_BAD_ENTRY', entryId: entry?.id, message });
  if (!entry || typeof entry !== 'object') return bad('not a flowspace entry');
  if (!Number.isInteger(entry.id)) return bad(`entry id ${String(entry.id)} is not an integer`);
  if (typeof entry.dpid !== 'string' || !DPID.test(entry.dpid))
    return bad(`entry ${entry.id}: dpid ${String(entry.dpid)} is not 16 lower-case hex digits`);
  if (entry.inPort !== null && !(Number.isInteger(entry.inPort) && entry.inPort >= 0 && entry.inPort <= 0xffffffff)) {
    return bad(`entry ${entry.id}: in-port ${String(entry.inPort)} is not a port number`);
  }
  if (!(Number.isInteger(entry.priority) && entry.priority >= 0 && entry.priority <= 0xffff)) {
    return bad(`entry ${entry.id}: priority ${String(entry.priority)} is not in 0..65535`);
  }
  if (typeof entry.slice !== 'string') return bad(`entry ${entry.id}: slice is not a string`);
  if (!Array.isArray(entry.permissions)) return bad(`entry ${entry.id}: permissions is not a list`);
  const compiled = compileMatch(entry.match ?? {});
  if (isCompileError(compiled)) return { ...compiled, entryId: entry.id, message: `entry ${entry.id}: ${compiled.message}` };
  return {
    entry,
    compiled,
    priority: entry.priority,
    id: entry.id,
    order: orderKey(entry.priority, entry.id),
    required: compiled.required,
    check: flattenMatch(compiled),
  };
}

/** `indexEntry` for an entry about to be added: also an error when `taken(id)` says its id is in use. */
export function indexNewEntry(entry: FlowspaceEntry, taken: (id: number) => boolean): IndexedEntry | ClassifierError {
  const e = indexEntry(entry);
  if (isIndexError(e) || !taken(entry.id)) return e;
  return { code: 'CLS_DUPLICATE_ID', entryId: entry.id, message: `entry id ${entry.id} is already in the classifier` };
}

export function isIndexError(x: IndexedEntry | ClassifierError): x is ClassifierError {
  return (x as ClassifierError).code !== undefined;
}
