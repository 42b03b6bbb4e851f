// completesCurrentRevision: a node applies the current revision when the pointer moves and also
// when the body the pointer names arrives after it (pushed events of different keys are not
// ordered); a body that the pointer does not name, or another map, changes nothing. While the
// pointer names a body not here, the node reads the revision it had before, never 0 (a CI run saw
// a healed node's active revision read 0 for 4 s during its own deploy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CURRENT_KEY,
  EmbeddedStore,
  LocalTier,
  completesCurrentRevision,
  localCurrentRevision,
  localRevisionHistory,
} from '../../src/store/index.js';
import { must } from './contract.js';

test('the body named by a pointer that came first completes the current revision', async () => {
  const store = must(await EmbeddedStore.open());
  const tier = must(await LocalTier.open(store, ['revisions']));
  try {
    // The pointer is in the local tier, its body not yet: nothing to apply.
    must(await store.put('revisions', CURRENT_KEY, { revision: 2, key: '2:b' }));
    assert.ok(await tier.waitFor((t) => t.value('revisions', CURRENT_KEY) !== undefined));
    assert.equal(localCurrentRevision(tier), undefined);
    const body = { revision: 2, previous: '1:a', body: {} };
    const put = (key: string, value = body as never) => ({ type: 'put' as const, map: 'revisions' as const, key, value, version: 1 });
    assert.equal(completesCurrentRevision(tier, put(CURRENT_KEY)), true, 'the pointer itself');
    assert.equal(completesCurrentRevision(tier, put('2:b')), true, 'the body it names');
    assert.equal(completesCurrentRevision(tier, put('1:a')), false, 'an older body');
    assert.equal(completesCurrentRevision(tier, { ...put('2:b'), map: 'stats' }), false, 'another map');
    assert.equal(completesCurrentRevision(tier, { type: 'delete', map: 'revisions', key: '2:b', version: 1 }), false, 'a delete');
    // Once the body is in, the revision is readable.
    must(await store.put('revisions', '2:b', body));
    assert.ok(await tier.waitFor((t) => localCurrentRevision(t)?.revision === 2));
  } finally {
    await tier.close();
    await store.close();
  }
});

test('while the pointer names a body not here yet, the current revision is the one before, not none', async () => {
  const store = must(await EmbeddedStore.open());
  const tier = must(await LocalTier.open(store, ['revisions']));
  const revisionsRead = () => [localCurrentRevision(tier)?.revision, localRevisionHistory(tier).map((r) => r.key)];
  try {
    must(await store.put('revisions', '1:a', { revision: 1, previous: null, body: {} }));
    must(await store.put('revisions', CURRENT_KEY, { revision: 1, key: '1:a' }));
    assert.ok(await tier.waitFor((t) => localCurrentRevision(t)?.revision === 1));
    // A leftover body of a failed attempt at revision 2 is not on the chain and changes nothing.
    must(await store.put('revisions', '2:x', { revision: 2, previous: '1:a', body: {} }));
    must(await store.put('revisions', CURRENT_KEY, { revision: 2, key: '2:b' }));
    assert.ok(await tier.waitFor((t) => (t.value('revisions', CURRENT_KEY) as { revision: number }).revision === 2));
    assert.deepEqual(revisionsRead(), [1, ['1:a']], 'revision 1 until the body of 2 arrives');
    must(await store.put('revisions', '2:b', { revision: 2, previous: '1:a', body: {} }));
    assert.ok(await tier.waitFor((t) => localCurrentRevision(t)?.revision === 2));
    assert.deepEqual(revisionsRead(), [2, ['2:b', '1:a']]);
    // A later pointer without its body again reads the newest complete one (2), not 1.
    must(await store.put('revisions', CURRENT_KEY, { revision: 3, key: '3:c' }));
    assert.ok(await tier.waitFor((t) => (t.value('revisions', CURRENT_KEY) as { revision: number }).revision === 3));
    assert.deepEqual(revisionsRead(), [2, ['2:b', '1:a']]);
  } finally {
    await tier.close();
    await store.close();
  }
});

test('a tier opened while the pointer names a missing body reads no revision', async () => {
  const store = must(await EmbeddedStore.open());
  must(await store.put('revisions', CURRENT_KEY, { revision: 1, key: '1:a' }));
  const tier = must(await LocalTier.open(store, ['revisions']));
  try {
    assert.equal(localCurrentRevision(tier), undefined);
    assert.deepEqual(localRevisionHistory(tier), []);
  } finally {
    await tier.close();
    await store.close();
  }
});
