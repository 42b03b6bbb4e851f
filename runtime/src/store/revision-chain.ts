// The revision log's shapes and its pure reading, below both the log (revisions.ts) and the local
// tier (local-tier.ts, which judges a re-read with partialRevisionsRead): the pointer, the bodies
// chained to the one before, walking the chain, and whether a read of the whole map must be
// missing data. No I/O.
import type { Json, Versioned } from './types.js';

export const CURRENT_KEY = 'current';

export interface RevisionPointer {
  revision: number;
  key: string;
}

export interface RevisionEntry {
  revision: number;
  /** Key of the previous revision's entry; null for the first. */
  previous: string | null;
  body: Json;
}

export interface CommittedRevision extends RevisionEntry {
  key: string;
}

export function isPointer(v: unknown): v is RevisionPointer {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as RevisionPointer).revision === 'number' &&
    typeof (v as RevisionPointer).key === 'string'
  );
}

/**
 * Why a read of the whole `revisions` map (a local tier's re-read) must be missing data, judged
 * against what the node already holds; undefined when the read may be taken. A side that lost
 * members answers from the replicas it has: the pointer may be absent or an older copy, the body
 * it names or a revision on the chain may be absent. Revisions only grow and a body is written
 * before the pointer names it, so the cluster's merged state never shows any of these: taking such
 * a read would move the node's active revision back (the 2/1 split test saw a minority node read
 * revision 0 for seconds). Older bodies may be missing only from the oldest end (pruning).
 */
export function partialRevisionsRead(read: ReadonlyMap<string, Versioned>, local: ReadonlyMap<string, Versioned>): string | undefined {
  const got = read.get(CURRENT_KEY)?.value;
  if (isPointer(got) && !read.has(got.key)) return `the revision pointer names ${got.key}, which the read does not hold`;
  const have = local.get(CURRENT_KEY)?.value;
  if (!isPointer(have)) return undefined;
  if (!isPointer(got)) return `no revision pointer, where this node has revision ${have.revision}`;
  if (got.revision < have.revision) return `revision ${got.revision}, older than revision ${have.revision} that this node has`;
  if (got.key !== have.key) return undefined;
  const chain = walkChain(new Map([...local].map(([k, v]) => [k, v.value])));
  const missing = chain.findIndex((r) => !read.has(r.key));
  if (missing >= 0 && chain.slice(missing).some((r) => read.has(r.key)))
    return `revision ${chain[missing].revision} is missing but older ones are not`;
  return undefined;
}

/** The chain of bodies newest first, from the one the pointer names (or from `head`, when given). */
export function walkChain(values: Map<string, Json>, head?: string): CommittedRevision[] {
  const out: CommittedRevision[] = [];
  const p = values.get(CURRENT_KEY);
  let key: string | null = head ?? (isPointer(p) ? p.key : null);
  const seen = new Set<string>();
  while (key !== null && !seen.has(key)) {
    seen.add(key);
    const e = values.get(key) as unknown as RevisionEntry | undefined;
    if (!e) break;
    out.push({ ...e, key });
    key = e.previous;
  }
  return out;
}
