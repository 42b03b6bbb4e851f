// Which slices are paused, cluster-wide: one `meta` store entry `paused/<slice>` per paused slice
// ({by, at, rules}), so every node holds the same set (its forwarding plane keeps those slices'
// controller connections closed, and removes their tenant rules where `rules` is 'remove').
// Pausing changes no revision: ids and sources stay, and the rules unless removed.
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

/** What a pause does with the slice's tenant rules on its switches. */
export type PausedRules = 'keep' | 'remove';

/** The paused slices whose tenant rules are removed, sorted. */
export function slicesPausedWithoutRules(tier: LocalTier): string[] {
  return [...tier.entries('meta')]
    .filter(([k, v]) => isPausedKey(k) && (v.value as { rules?: unknown } | null)?.rules === 'remove')
    .map(([k]) => k.slice(PREFIX.length))
    .sort();
}

/** Pauses (keeping or removing its tenant rules) or resumes a slice; an error text when the store refuses. */
export async function setSlicePaused(
  store: GlobalStore,
  slice: string,
  paused: boolean,
  by: string,
  rules: PausedRules = 'keep',
): Promise<string | null> {
  const r = paused
    ? await store.put('meta', PREFIX + slice, { by, at: new Date().toISOString(), rules })
    : await store.delete('meta', PREFIX + slice);
  return r.ok ? null : r.error.message;
}
