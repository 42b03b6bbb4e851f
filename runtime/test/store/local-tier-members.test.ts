// LocalTier on a member leaving or joining the cluster (status 'members-changed'): with a majority
// it re-reads the global tier (a dead member takes the change events it owed with it); without
// one it keeps what it has (a minority member holds only part of the data, and re-reading it
// would drop the rest). A store wrapped around the embedded one reports the membership change and
// the side's quorum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LocalTier, type GlobalStore, type StoreStatus, type StoreResult } from '../../src/store/index.js';

test('members-changed: re-read with a majority, keep what it has without one', async () => {
  const opened = await EmbeddedStore.open();
  assert.ok(opened.ok);
  const inner = opened.value;
  const statusListeners = new Set<(s: StoreStatus) => void>();
  let majority = true;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'onStatus')
        return (l: (s: StoreStatus) => void) => {
          statusListeners.add(l);
          return () => statusListeners.delete(l);
        };
      if (prop === 'quorum')
        return (): StoreResult<void> =>
          majority ? { ok: true, value: undefined } : { ok: false, error: { code: 'no-quorum', message: 'this side has 1 member(s)' } };
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GlobalStore;
  const t = await LocalTier.open(store, ['meta']);
  assert.ok(t.ok);
  const tier = t.value;
  try {
    assert.ok((await store.put('meta', 'a', 1)).ok);
    assert.ok(await tier.waitFor((x) => x.value('meta', 'a') === 1, 2000));
    // The tier loses its copy of the entry, as if the entry's event had been lost with a member.
    (tier as unknown as { data: Map<string, Map<string, unknown>> }).data.get('meta')!.delete('a');
    assert.equal(tier.value('meta', 'a'), undefined);
    // Without a majority: nothing is re-read.
    majority = false;
    for (const l of statusListeners) l('members-changed');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(tier.value('meta', 'a'), undefined, 'a minority keeps what it has');
    // With a majority: re-read, the missing entry is back.
    majority = true;
    for (const l of statusListeners) l('members-changed');
    assert.ok(await tier.waitFor((x) => x.value('meta', 'a') === 1, 2000), 'a majority re-reads');
  } finally {
    await tier.close();
    await inner.close();
  }
});
