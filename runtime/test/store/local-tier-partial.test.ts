// LocalTier.resync against a read that is missing data, as a side that lost members answers (from
// the replicas it holds): the revision pointer gone, an older copy of it, the body it names
// absent, or a revision of the chain absent while older ones are there. Such a read is not taken
// (for any map: all are read before any is taken) and resync() says so; a read of the merged state
// (the pointer at or past this node's, with its body) is taken, deletions included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CURRENT_KEY,
  EmbeddedStore,
  LocalTier,
  commitRevision,
  localCurrentRevision,
  localRevisionHistory,
  partialRevisionsRead,
  type GlobalStore,
  type Versioned,
} from '../../src/store/index.js';
import { must } from './contract.js';

/** The embedded store, but entries() of `revisions` answers what `shape` makes of the real read. */
function shapedReads(inner: EmbeddedStore): {
  store: GlobalStore;
  shape: (f?: (read: Array<[string, Versioned]>) => Array<[string, Versioned]>) => void;
} {
  let shape: ((read: Array<[string, Versioned]>) => Array<[string, Versioned]>) | undefined;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'entries')
        return async (map: Parameters<GlobalStore['entries']>[0]) => {
          const r = await target.entries(map);
          return r.ok && map === 'revisions' && shape ? { ok: true, value: shape(r.value) } : r;
        };
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GlobalStore;
  return { store, shape: (f) => void (shape = f) };
}

test('a re-read missing the pointer, its body, or a newer chain revision is not taken', async () => {
  const inner = must(await EmbeddedStore.open());
  const { store, shape } = shapedReads(inner);
  const tier = must(await LocalTier.open(store, ['revisions', 'meta']));
  try {
    for (let i = 0; i < 3; i++) must(await commitRevision(inner, { n: i + 1 }, i));
    must(await inner.put('meta', 'm', 1));
    assert.ok(await tier.waitFor((t) => localCurrentRevision(t)?.revision === 3 && t.value('meta', 'm') === 1));
    const chain = localRevisionHistory(tier).map((r) => r.key);
    // An entry of another map that only the (rejected) read lacks stays too.
    must(await inner.delete('meta', 'm'));
    (tier as unknown as { data: Map<string, Map<string, Versioned>> }).data.get('meta')!.set('m', { value: 1, version: 1 });
    const cases: Array<[string, (read: Array<[string, Versioned]>) => Array<[string, Versioned]>]> = [
      ['no pointer', (read) => read.filter(([k]) => k !== CURRENT_KEY)],
      [
        'an older pointer',
        (read) => read.map(([k, v]) => (k === CURRENT_KEY ? [k, { ...v, value: { revision: 2, key: chain[1] } }] : [k, v])),
      ],
      ['the pointer without its body', (read) => read.filter(([k]) => k !== chain[0])],
      ['a chain revision missing, an older one there', (read) => read.filter(([k]) => k !== chain[1])],
    ];
    for (const [what, f] of cases) {
      shape(f);
      const r = await tier.resync();
      assert.equal(r.ok, false, what);
      assert.equal(!r.ok && r.error.code, 'unavailable', what);
      assert.equal(localCurrentRevision(tier)?.revision, 3, what);
      assert.deepEqual(
        localRevisionHistory(tier).map((x) => x.key),
        chain,
        what,
      );
      assert.equal(tier.value('meta', 'm'), 1, `${what}: other maps are not taken either`);
    }
    // Pruned bodies are missing from the oldest end only: taken, as is the deletion in 'meta'.
    shape((read) => read.filter(([k]) => k !== chain[2]));
    assert.ok((await tier.resync()).ok);
    assert.deepEqual(
      localRevisionHistory(tier).map((x) => x.key),
      chain.slice(0, 2),
    );
    assert.equal(tier.value('meta', 'm'), undefined);
  } finally {
    await tier.close();
    await inner.close();
  }
});

test('a re-read that predates a deploy whose events arrived meanwhile is taken, the newer revision kept', async () => {
  const inner = must(await EmbeddedStore.open());
  let during: (() => Promise<void>) | undefined;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'entries')
        return async (map: Parameters<GlobalStore['entries']>[0]) => {
          const r = await target.entries(map);
          if (map === 'revisions' && during) await during();
          return r;
        };
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GlobalStore;
  const tier = must(await LocalTier.open(store, ['revisions', 'meta']));
  try {
    must(await commitRevision(inner, { n: 1 }, 0));
    assert.ok(await tier.waitFor((t) => localCurrentRevision(t)?.revision === 1));
    // Revision 2 is committed (and its events reach the tier) after the read of `revisions`.
    during = async () => {
      during = undefined;
      must(await commitRevision(inner, { n: 2 }, 1));
      assert.ok(await tier.waitFor((t) => localCurrentRevision(t)?.revision === 2));
    };
    must(await inner.put('meta', 'm', 1));
    const r = await tier.resync();
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(localCurrentRevision(tier)?.revision, 2);
    assert.equal(tier.value('meta', 'm'), 1);
  } finally {
    await tier.close();
    await inner.close();
  }
});

test('partialRevisionsRead takes a newer or other-keyed pointer (the merged state after healing) and anything on a node without one', () => {
  const v = (value: unknown): Versioned => ({ value: value as never, version: 1 });
  const local = new Map([
    [CURRENT_KEY, v({ revision: 2, key: '2:minority' })],
    ['2:minority', v({ revision: 2, previous: '1:a', body: {} })],
    ['1:a', v({ revision: 1, previous: null, body: {} })],
  ]);
  const merged = new Map([
    [CURRENT_KEY, v({ revision: 2, key: '2:majority' })],
    ['2:majority', v({ revision: 2, previous: '1:a', body: {} })],
    ['1:a', v({ revision: 1, previous: null, body: {} })],
  ]);
  assert.equal(partialRevisionsRead(merged, local), undefined, "same revision, the majority's key");
  merged.set(CURRENT_KEY, v({ revision: 3, key: '3:b' }));
  merged.set('3:b', v({ revision: 3, previous: '2:majority', body: {} }));
  assert.equal(partialRevisionsRead(merged, local), undefined, 'a newer revision');
  assert.equal(partialRevisionsRead(new Map(), new Map()), undefined, 'nothing deployed anywhere');
  assert.match(partialRevisionsRead(new Map(), local) ?? '', /no revision pointer/);
});
