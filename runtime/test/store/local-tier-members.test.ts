// LocalTier on a member leaving or joining the cluster (status 'members-changed'): with a majority
// it re-reads the global tier (a dead member takes the change events it owed with it); without
// one it keeps what it has (a minority member holds only part of the data, and re-reading it
// would drop the rest). A store wrapped around the embedded one reports the membership change and
// the side's quorum. The membership change's re-read comes before the client listens on every
// member again: a change pushed to nobody in between is read by the follow-up re-read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EmbeddedStore,
  LocalTier,
  type ChangeListener,
  type GlobalStore,
  type ResyncReport,
  type StoreStatus,
  type StoreResult,
} from '../../src/store/index.js';

/**
 * The embedded store as a cluster member's client sees it: it reports status changes when the
 * test says so, the side's quorum (`majority`), and loses pushed events while `deaf` (no listener
 * on the member that owns them).
 */
function clusterClient(inner: GlobalStore) {
  const statusListeners = new Set<(s: StoreStatus) => void>();
  const c = {
    majority: true,
    deaf: false,
    status(s: StoreStatus): void {
      for (const l of statusListeners) l(s);
    },
    store: undefined as unknown as GlobalStore,
  };
  c.store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'onStatus')
        return (l: (s: StoreStatus) => void) => {
          statusListeners.add(l);
          return () => statusListeners.delete(l);
        };
      if (prop === 'quorum')
        return (): StoreResult<void> =>
          c.majority ? { ok: true, value: undefined } : { ok: false, error: { code: 'no-quorum', message: 'this side has 1 member(s)' } };
      if (prop === 'subscribe')
        return (map: Parameters<GlobalStore['subscribe']>[0], l: ChangeListener) => target.subscribe(map, (e) => c.deaf || l(e));
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GlobalStore;
  return c;
}

test('members-changed: re-read with a majority, keep what it has without one', async () => {
  const opened = await EmbeddedStore.open();
  assert.ok(opened.ok);
  const inner = opened.value;
  const client = clusterClient(inner);
  const store = client.store;
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
    client.majority = false;
    client.status('members-changed');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(tier.value('meta', 'a'), undefined, 'a minority keeps what it has');
    // With a majority: re-read, the missing entry is back.
    client.majority = true;
    client.status('members-changed');
    assert.ok(await tier.waitFor((x) => x.value('meta', 'a') === 1, 2000), 'a majority re-reads');
  } finally {
    await tier.close();
    await inner.close();
  }
});

test('members-changed: a change pushed to nobody after the first re-read is read by the follow-up re-read', async () => {
  const opened = await EmbeddedStore.open();
  assert.ok(opened.ok);
  const inner = opened.value;
  const client = clusterClient(inner);
  const store = client.store;
  const reports: ResyncReport[] = [];
  let reported: (r: ResyncReport) => void = () => {};
  const report = (cause: ResyncReport['cause']) => new Promise<void>((resolve) => (reported = (r) => r.cause === cause && resolve()));
  const t = await LocalTier.open(store, ['meta'], {
    onResync: (r) => {
      reports.push(r);
      reported(r);
    },
    settleMs: [300],
  });
  assert.ok(t.ok);
  const tier = t.value;
  try {
    assert.ok((await store.put('meta', 'rev', 1)).ok);
    assert.ok(await tier.waitFor((x) => x.value('meta', 'rev') === 1, 2000));
    // Pushed events are lost from here on (the client has no listener on the member that owns them).
    client.deaf = true;
    const first = report('members-changed');
    client.status('members-changed');
    // The membership change's own re-read, before the change below: it finds nothing new.
    await first;
    const settled = report('settled');
    assert.ok((await store.put('meta', 'rev', 2)).ok);
    assert.equal(tier.value('meta', 'rev'), 1, 'the change was pushed to nobody');
    assert.ok(await tier.waitFor((x) => x.value('meta', 'rev') === 2, 5000), 'the follow-up re-read has it');
    await settled;
    assert.deepEqual(
      reports.filter((r) => r.cause === 'settled').map((r) => r.changes),
      [1],
    );
  } finally {
    await tier.close();
    await inner.close();
  }
});
