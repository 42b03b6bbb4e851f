// Where revisions live. Implemented over the store's global tier (see store-repository.ts);
// the interface keeps the deploy logic free of store details.
import type { Revision } from './types.js';

export interface RevisionSummary {
  revision: number;
  createdAt: string;
  by: string;
  action: Revision['action'];
  slices: string[];
}

/** `no-quorum`: this node is on a partition's minority side of the global tier (nothing was written). */
export type CommitResult = { ok: true } | { ok: false; reason: 'conflict' | 'unavailable' | 'no-quorum'; detail: string };

export interface RevisionRepository {
  /** The active revision, read from the node's local tier (no round trip). */
  active(): Revision | undefined;
  get(revision: number): Promise<Revision | undefined>;
  list(): Promise<RevisionSummary[]>;
  /**
   * Stores `next` and makes it active, only if the active revision is still `expectedActive`
   * (0 when none): two concurrent deploys cannot both win.
   */
  commit(next: Revision, expectedActive: number): Promise<CommitResult>;
}

export function summarize(r: Revision): RevisionSummary {
  return { revision: r.revision, createdAt: r.createdAt, by: r.by, action: r.action, slices: r.plan.slices.map((s) => s.name) };
}
