// RevisionRepository over the two-level store: commits go to the global tier (compare-and-set on
// the revision pointer), reads of the active revision come from the node's local tier; after a
// commit, revisions beyond the newest `keep` are pruned. A node whose side of the global tier has
// no majority (store.quorum()) refuses commits at once with `no-quorum`.
import {
  commitRevision,
  pruneRevisions,
  localCurrentRevision,
  localRevisionHistory,
  revisionHistory,
  type GlobalStore,
  type Json,
  type LocalTier,
} from '../store/index.js';
import { summarize, type CommitResult, type RevisionRepository, type RevisionSummary } from './repository.js';
import type { Revision } from './types.js';

export class StoreRevisionRepository implements RevisionRepository {
  constructor(
    private readonly store: GlobalStore,
    private readonly tier: LocalTier,
    private readonly keep = 50,
  ) {}

  active(): Revision | undefined {
    return localCurrentRevision(this.tier)?.body as unknown as Revision | undefined;
  }

  async get(revision: number): Promise<Revision | undefined> {
    const local = localRevisionHistory(this.tier).find((r) => r.revision === revision);
    if (local) return local.body as unknown as Revision;
    const all = await revisionHistory(this.store);
    return all.ok ? (all.value.find((r) => r.revision === revision)?.body as unknown as Revision | undefined) : undefined;
  }

  async list(): Promise<RevisionSummary[]> {
    return localRevisionHistory(this.tier)
      .map((r) => summarize(r.body as unknown as Revision))
      .reverse();
  }

  async commit(next: Revision, expectedActive: number): Promise<CommitResult> {
    // On a partition's minority side: refuse at once rather than after the store's timeout.
    const quorum = this.store.quorum?.();
    if (quorum && !quorum.ok) return { ok: false, reason: 'no-quorum', detail: quorum.error.message };
    const r = await commitRevision(this.store, next as unknown as Json, expectedActive);
    if (r.ok) {
      // Our own write arrives in the local tier by push; wait for it so a read right after sees it.
      await this.tier.waitFor(() => (this.active()?.revision ?? 0) >= next.revision, 10_000);
      // Pruning is housekeeping: a failure leaves more history, never a broken commit.
      await pruneRevisions(this.store, this.keep, [...this.tier.entries('revisions')]).catch(() => undefined);
      return { ok: true };
    }
    // The side lost its majority while the commit ran (the cut-off member dropped the others and
    // answered from the part of the data it holds, e.g. no revision pointer: a false conflict).
    const after = this.store.quorum?.();
    if (after && !after.ok) return { ok: false, reason: 'no-quorum', detail: after.error.message };
    // Revisions only grow: a global tier that shows an older one than this node already has is
    // missing data (a minority side before this node sees it as one), not a concurrent deploy.
    if (r.error.code === 'conflict' && (r.error.actualVersion ?? expectedActive) < expectedActive)
      return {
        ok: false,
        reason: 'unavailable',
        detail: `the global tier shows revision ${r.error.actualVersion}, older than revision ${expectedActive} that this node has: part of the cluster is not reachable`,
      };
    // A failed write may still have been applied (its backup never confirmed), and this node may
    // have missed events (a store client still reconnecting to some members): read the global
    // tier again, so the next deploy starts from the revision that is really active.
    await this.tier.resync('failed-commit');
    if (r.error.code === 'conflict')
      return {
        ok: false,
        reason: 'conflict',
        detail: `another deploy changed the active revision first (${r.error.message}); fetch and retry`,
      };
    return { ok: false, reason: r.error.code === 'no-quorum' ? 'no-quorum' : 'unavailable', detail: r.error.message };
  }
}
