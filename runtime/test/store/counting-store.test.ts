// CountingStore: the store contract holds through it (it passes every call on), and it counts the
// calls by operation and map, meta keys by their first segment, never by whole keys.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountingStore, EmbeddedStore } from '../../src/store/index.js';
import { storeContract, must } from './contract.js';
import { sharedHandle } from './shared-handle.js';

describe('store contract: embedded, through a CountingStore', () => {
  storeContract({
    async fresh() {
      const store = must(await EmbeddedStore.open());
      return { open: async () => new CountingStore(sharedHandle(store)), dispose: () => store.close() };
    },
  });
});

describe('CountingStore', () => {
  it('counts each call by operation, map and meta area', async () => {
    const inner = must(await EmbeddedStore.open());
    const store = new CountingStore(inner);
    try {
      assert.equal(store.kind, 'embedded');
      must(await store.put('stats', 'alpha/n1', { packets: 1 }));
      must(await store.put('stats', 'beta/n1', { packets: 2 }));
      must(await store.get('stats', 'alpha/n1'));
      must(await store.put('meta', 'flow-entries/alpha/0000000000000001', { entries: 3 }));
      must(await store.put('meta', 'admin', { hash: 'x' }));
      const lease = must(await store.acquireLease('switch/1', 'n1', 2000));
      must(await store.renewLease(lease));
      must(await store.renewLease(lease));
      must(await store.releaseLease(lease));
      const byKind = new Map(store.opCounts().map((c) => [`${c.op} ${c.map} ${c.area}`, c.count]));
      assert.deepEqual(Object.fromEntries(byKind), {
        'put stats ': 2,
        'get stats ': 1,
        'put meta flow-entries': 1,
        'put meta admin': 1,
        'acquire_lease leases ': 1,
        'renew_lease leases ': 2,
        'release_lease leases ': 1,
      });
    } finally {
      await store.close();
    }
  });
});
