// Stable id allocation (meter ids, queue ids): requests in a fixed order, each with the id it
// had in the previous plan, if any. First every request keeps its previous id when that id is
// in the pool and no earlier request kept it; then the rest take the lowest free ids in order.
// Without previous ids this numbers the requests 1, 2, 3… in order.

export interface IdRequest {
  key: string;
  previous: number | undefined;
}

export interface IdPool {
  first: number;
  last: number;
}

/** OpenFlow 1.3 meter ids: 1..OFPM_MAX. */
export const METER_POOL: IdPool = { first: 1, last: 0xffff0000 };
/** Queue ids: 1..2^32-2 (0 is the default queue; 0xffffffff is OFPQ_ALL). */
export const QUEUE_POOL: IdPool = { first: 1, last: 0xfffffffe };

export function allocateIds(requests: IdRequest[], pool: IdPool): Map<string, number> {
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const r of requests) {
    const p = r.previous;
    if (p === undefined || !Number.isInteger(p) || p < pool.first || p > pool.last || used.has(p) || out.has(r.key)) continue;
    used.add(p);
    out.set(r.key, p);
  }
  let next = pool.first;
  for (const r of requests) {
    if (out.has(r.key)) continue;
    while (used.has(next)) next++;
    used.add(next);
    out.set(r.key, next);
  }
  return out;
}
