// Which slices are paused, cluster-wide: one `meta` store entry `paused/<slice>` per paused slice
// ({by, at}), so every node holds the same set (its forwarding plane keeps those slices'
// controller connections closed). Pausing changes no revision: rules, ids and sources stay.
import type { GlobalStore, LocalTier } from '../store/index.js';

const PREFIX = 'paused/';

/** Whether a store key names a paused slice. */
export const isPausedKey = (key: string) => key.startsWith(PREFIX);

/** The paused slices (as the local tier holds them), sorted. */
export function pausedSlices(tier: LocalTier): string[] {
  return [...tier.entries('meta').keys()]
    .filter(isPausedKey)
    .map((k) => k.slice(PREFIX.length))
    .sort();
}

/** Pauses or resumes a slice; an error text when the store refuses. */
export async function setSlicePaused(store: GlobalStore, slice: string, paused: boolean, by: string): Promise<string | null> {
  const r = paused
    ? await store.put('meta', PREFIX + slice, { by, at: new Date().toISOString() })
    : await store.delete('meta', PREFIX + slice);
  return r.ok ? null : r.error.message;
}
