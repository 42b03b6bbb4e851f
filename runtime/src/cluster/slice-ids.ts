// Cluster-wide slice ids (the cookie prefix of a slice's rules): every node derives them from
// the deployed revision chain, which all nodes share, instead of from the order in which it
// happened to apply plans. Replaying the chain the way one proxy numbers slices — a new slice
// takes the lowest id not held by a slice of the previous plan or an earlier new slice; a
// removed slice frees its id after that plan — gives every node the same ids, also a node that
// started after many deploys and a new master taking over a switch.

export interface NamedSlices {
  slices: ReadonlyArray<{ name: string }>;
}

/** Slice ids after applying `plans` in order (oldest first). */
export function sliceIdsFromHistory(plans: ReadonlyArray<NamedSlices | undefined>): Map<string, number> {
  let ids = new Map<string, number>();
  for (const plan of plans) {
    const names = plan?.slices.map((s) => s.name) ?? [];
    const used = new Set(ids.values());
    const next = new Map<string, number>();
    for (const name of names) {
      const had = ids.get(name);
      if (had !== undefined) {
        next.set(name, had);
        continue;
      }
      let id = 0;
      while (used.has(id)) id++;
      used.add(id);
      next.set(name, id);
    }
    ids = next;
  }
  return ids;
}
