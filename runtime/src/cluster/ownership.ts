// The `ownership` map of the global tier: per switch (key = dpid), which node is master and the
// OpenFlow 1.3 role generation id. The generation id grows by one on every change of master and
// is written with compare-and-set, so two nodes can never publish the same generation.
import { fail, ok, type GlobalStore, type Json, type StoreResult } from '../store/index.js';

export interface Ownership {
  master: string;
  generationId: number;
  /** ISO time of the change of master. */
  since: string;
}

export function isOwnership(v: unknown): v is Ownership {
  return (
    typeof v === 'object' && v !== null && typeof (v as Ownership).master === 'string' && typeof (v as Ownership).generationId === 'number'
  );
}

/**
 * Records `nodeId` as the master of `dpid` with the next generation id (compare-and-set on the
 * entry's version; retried when another write came first).
 */
export async function claimOwnership(store: GlobalStore, dpid: string, nodeId: string, attempts = 8): Promise<StoreResult<Ownership>> {
  for (let i = 0; i < attempts; i++) {
    const cur = await store.get('ownership', dpid);
    if (!cur.ok) return fail(cur.error);
    const prev = cur.value && isOwnership(cur.value.value) ? cur.value.value : undefined;
    const next: Ownership = { master: nodeId, generationId: (prev?.generationId ?? 0) + 1, since: new Date().toISOString() };
    const put = await store.put('ownership', dpid, next as unknown as Json, { expectVersion: cur.value?.version ?? 0 });
    if (put.ok) return ok(next);
    if (put.error.code !== 'conflict') return fail(put.error);
  }
  return fail({ code: 'conflict', message: `ownership/${dpid}: gave up after ${attempts} concurrent writes`, map: 'ownership', key: dpid });
}
