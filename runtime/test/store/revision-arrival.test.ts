// completesCurrentRevision: a node applies the current revision when the pointer moves and also
// when the body the pointer names arrives after it (pushed events of different keys are not
// ordered); a body that the pointer does not name, or another map, changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURRENT_KEY, EmbeddedStore, LocalTier, completesCurrentRevision, localCurrentRevision } from '../../src/store/index.js';
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
