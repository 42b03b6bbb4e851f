// commitRevision when the pointer's move answers `unavailable` but was applied (Hazelcast's
// "missed backup acks": the write is on the primary, its backup never confirmed): the body the
// pointer now names stays, so the revision reads back; a move refused for sure (conflict) takes
// its body back. Found by the 2/1 split test: the body was deleted, every node read revision 0
// and a majority node answered 409 "revision 0 is no longer current: revision 2 is" for minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURRENT_KEY, EmbeddedStore, commitRevision, currentRevision, type GlobalStore } from '../../src/store/index.js';
import { must } from './contract.js';

/** The embedded store, but a write of the revision pointer is applied and then answered `unavailable`. */
function lostPointerAnswers(inner: GlobalStore): GlobalStore {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'put')
        return async (...args: Parameters<GlobalStore['put']>) => {
          const r = await target.put(...args);
          if (args[0] === 'revisions' && args[1] === CURRENT_KEY && r.ok)
            return { ok: false, error: { code: 'unavailable', message: 'missed backup acks' } };
          return r;
        };
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GlobalStore;
}

test('a pointer move answered unavailable but applied keeps the body it names', async () => {
  const inner = must(await EmbeddedStore.open());
  try {
    must(await commitRevision(inner, { n: 1 }, 0));
    const r = await commitRevision(lostPointerAnswers(inner), { n: 2 }, 1);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'unavailable');
    // The move happened: revision 2 is current and readable (its body was not taken back).
    const now = must(await currentRevision(inner));
    assert.equal(now?.revision, 2);
    assert.deepEqual(now?.body, { n: 2 });
    // The next deploy starts from revision 2.
    assert.equal(must(await commitRevision(inner, { n: 3 }, 2)).revision, 3);
  } finally {
    await inner.close();
  }
});

test('a pointer move that lost the compare-and-set takes its body back', async () => {
  const store = must(await EmbeddedStore.open());
  try {
    must(await commitRevision(store, { n: 1 }, 0));
    const before = must(await store.entries('revisions')).length;
    // Another deploy moves the pointer between this one's read and its move.
    const racing: GlobalStore = new Proxy(store, {
      get(target, prop) {
        if (prop === 'put')
          return async (...args: Parameters<GlobalStore['put']>) => {
            if (args[0] === 'revisions' && args[1] === CURRENT_KEY) must(await commitRevision(target, { other: true }, 1));
            return target.put(...args);
          };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as GlobalStore;
    const r = await commitRevision(racing, { n: 2 }, 1);
    assert.equal(!r.ok && r.error.code, 'conflict');
    // Only the winner's body was added.
    assert.equal(must(await store.entries('revisions')).length, before + 1);
    assert.deepEqual(must(await currentRevision(store))?.body, { other: true });
  } finally {
    await store.close();
  }
});
