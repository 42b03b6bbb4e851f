// Revision pruning: the newest `keep` revisions stay on the chain, older bodies and old leftovers
// of failed attempts go, and the chain still reads from the pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, commitRevision, pruneRevisions, revisionHistory } from '../../src/store/index.js';
import { must } from './contract.js';

test('pruneRevisions keeps the newest N (at least 2) and drops older bodies and leftovers', async () => {
  const store = must(await EmbeddedStore.open());
  try {
    for (let i = 0; i < 6; i++) must(await commitRevision(store, { n: i }, i));
    // A leftover of a crashed deployer at revision 2 (never on the chain).
    must(await store.put('revisions', '2:leftover', { revision: 2, previous: null, body: {} }));
    assert.equal(must(await pruneRevisions(store, 3)), 4);
    const history = must(await revisionHistory(store));
    assert.deepEqual(
      history.map((r) => r.revision),
      [6, 5, 4],
    );
    const keys = must(await store.entries('revisions')).map(([k]) => k);
    assert.equal(keys.length, 4, keys.join(','));
    assert.equal(must(await pruneRevisions(store, 3)), 0, 'nothing more to prune');
    assert.equal(must(await pruneRevisions(store, 1)), 1, 'keep is at least 2');
    assert.deepEqual(
      must(await revisionHistory(store)).map((r) => r.revision),
      [6, 5],
    );
  } finally {
    await store.close();
  }
});
