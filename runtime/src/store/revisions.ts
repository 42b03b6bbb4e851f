// Deployed revisions as an all-or-nothing log in the `revisions` map, on any GlobalStore:
//   "current"      the pointer {revision, key}: the only thing a deploy changes to take effect;
//   "<n>:<uuid>"   one body per attempt {revision, previous, body}, chained to the one before.
// A deploy writes its body under a fresh key, then moves the pointer with compare-and-set on the
// pointer's version. Of two concurrent deploys from revision n, one moves the pointer and the
// other gets `conflict` (its body is deleted again; a leftover of a crashed deployer, or of a move
// whose answer was lost, is never on the chain, so readers never see it). Readers follow the
// pointer, so nothing is half-applied.
import { randomUUID } from 'node:crypto';
import { conflict } from './errors.js';
import type { LocalTier } from './local-tier.js';
import { CURRENT_KEY, isPointer, walkChain, type CommittedRevision, type RevisionEntry, type RevisionPointer } from './revision-chain.js';
import { fail, ok, type ChangeEvent, type GlobalStore, type Json, type StoreResult, type Versioned } from './types.js';

export { CURRENT_KEY, partialRevisionsRead, type CommittedRevision, type RevisionEntry, type RevisionPointer } from './revision-chain.js';

/**
 * Makes `body` revision expectRevision+1, only if the current revision is still expectRevision
 * (0: nothing deployed yet). Concurrent commits from the same revision: exactly one wins.
 */
export async function commitRevision(store: GlobalStore, body: Json, expectRevision: number): Promise<StoreResult<CommittedRevision>> {
  const ptr = await store.get('revisions', CURRENT_KEY);
  if (!ptr.ok) return fail(ptr.error);
  const pointer = ptr.value && isPointer(ptr.value.value) ? ptr.value.value : undefined;
  const currentRevision = pointer?.revision ?? 0;
  if (currentRevision !== expectRevision) {
    return fail({
      code: 'conflict',
      message: `revision ${expectRevision} is no longer current: revision ${currentRevision} is`,
      map: 'revisions',
      key: CURRENT_KEY,
      expectedVersion: expectRevision,
      actualVersion: currentRevision,
    });
  }
  const revision = currentRevision + 1;
  const key = `${revision}:${randomUUID()}`;
  const entry: RevisionEntry = { revision, previous: pointer?.key ?? null, body };
  const wrote = await store.put('revisions', key, entry as unknown as Json, { expectVersion: 0 });
  if (!wrote.ok) return fail(wrote.error);
  const next: RevisionPointer = { revision, key };
  const moved = await store.put('revisions', CURRENT_KEY, next as unknown as Json, { expectVersion: ptr.value?.version ?? 0 });
  if (!moved.ok) {
    // Only a move that certainly did not happen (lost the compare-and-set, or refused by a
    // minority's members) takes its body back. An `unavailable` move may have been applied (its
    // backup never confirmed): deleting the body then would leave the pointer naming nothing, and
    // every node would read revision 0. A body left by a move that did not happen is never on the
    // chain (readers never see it) and is pruned with the older revisions.
    if (moved.error.code === 'conflict' || moved.error.code === 'no-quorum')
      await store.delete('revisions', key, { expectVersion: wrote.value.version });
    if (moved.error.code === 'conflict')
      return conflict('revisions', CURRENT_KEY, ptr.value?.version ?? 0, moved.error.actualVersion ?? -1);
    return fail(moved.error);
  }
  return ok({ ...entry, key });
}

/** The current revision, read from the global tier. */
export async function currentRevision(store: GlobalStore): Promise<StoreResult<CommittedRevision | undefined>> {
  const ptr = await store.get('revisions', CURRENT_KEY);
  if (!ptr.ok) return fail(ptr.error);
  if (!ptr.value || !isPointer(ptr.value.value)) return ok(undefined);
  const body = await store.get('revisions', ptr.value.value.key);
  if (!body.ok) return fail(body.error);
  return ok(body.value ? { ...(body.value.value as unknown as RevisionEntry), key: ptr.value.value.key } : undefined);
}

/** Every committed revision, newest first, following the chain from the pointer. */
export async function revisionHistory(store: GlobalStore): Promise<StoreResult<CommittedRevision[]>> {
  const all = await store.entries('revisions');
  if (!all.ok) return fail(all.error);
  return ok(walkChain(new Map(all.value.map(([k, v]) => [k, v.value]))));
}

/**
 * The current revision from a node's local tier (synchronous): the body the pointer names, or while
 * that body is not here yet, the newest one the pointer named before (LocalTier.revisionHead).
 */
export function localCurrentRevision(tier: LocalTier): CommittedRevision | undefined {
  const key = tier.revisionHead();
  if (key === undefined) return undefined;
  const e = tier.value('revisions', key) as unknown as RevisionEntry | undefined;
  return e ? { ...e, key } : undefined;
}

/**
 * Whether a change of a node's local tier may have made a newer current revision readable: the
 * pointer moved, or the body the pointer names arrived. Pushed events of different keys are not
 * ordered (Hazelcast delivers each partition's events on its own), so the pointer can arrive
 * before the body it names; a node that reacted to the pointer alone would miss that revision.
 */
export function completesCurrentRevision(tier: LocalTier, e: ChangeEvent): boolean {
  if (e.map !== 'revisions' || e.type !== 'put') return false;
  if (e.key === CURRENT_KEY) return true;
  const p = tier.value('revisions', CURRENT_KEY);
  return isPointer(p) && p.key === e.key;
}

/** Every committed revision in a node's local tier, newest first, from the readable head (localCurrentRevision). */
export function localRevisionHistory(tier: LocalTier): CommittedRevision[] {
  const head = tier.revisionHead();
  if (head === undefined) return [];
  return walkChain(new Map([...tier.entries('revisions')].map(([k, v]) => [k, v.value])), head);
}

/**
 * Deletes revision bodies beyond the newest `keep` on the chain (at least 2: the active one and
 * the one a failed apply restores), and leftovers of failed attempts older than the oldest kept
 * one. Bodies newer than the chain's head (a commit under way elsewhere) are never touched.
 * Returns how many bodies were deleted.
 */
export async function pruneRevisions(
  store: GlobalStore,
  keep: number,
  snapshot?: Array<[string, Versioned]>,
): Promise<StoreResult<number>> {
  // A node passes its local tier's copy (in memory) rather than reading every body from the store.
  const all = snapshot ? ok(snapshot) : await store.entries('revisions');
  if (!all.ok) return fail(all.error);
  const chain = walkChain(new Map(all.value.map(([k, v]) => [k, v.value])));
  const kept = chain.slice(0, Math.max(2, keep));
  if (kept.length === chain.length) return ok(0);
  const oldestKept = kept[kept.length - 1].revision;
  const keepKeys = new Set(kept.map((r) => r.key));
  let deleted = 0;
  for (const [key, v] of all.value) {
    if (key === CURRENT_KEY || keepKeys.has(key)) continue;
    const rev = (v.value as unknown as RevisionEntry | null)?.revision;
    if (typeof rev !== 'number' || rev >= oldestKept) continue;
    const r = await store.delete('revisions', key, { expectVersion: v.version });
    if (r.ok) deleted++;
  }
  return ok(deleted);
}
