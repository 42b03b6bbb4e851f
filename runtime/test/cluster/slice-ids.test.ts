import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sliceIdsFromHistory } from '../../src/cluster/slice-ids.js';

const plan = (...names: string[]) => ({ slices: names.map((name) => ({ name })) });

test('slice ids replay the revision chain: kept ids stay, new slices take the lowest free id', () => {
  const chain = [plan('alpha', 'beta'), plan('beta'), plan('beta', 'gamma')];
  assert.deepEqual(Object.fromEntries(sliceIdsFromHistory(chain)), { beta: 1, gamma: 0 });
  // A node that only saw the last plan would number by position (beta 0, gamma 1): the chain decides.
  assert.deepEqual(
    Object.fromEntries(sliceIdsFromHistory([plan('alpha'), plan('delta')])),
    { delta: 1 },
    'a removed slice frees its id only after its plan',
  );
  assert.deepEqual(sliceIdsFromHistory([]).size, 0);
  assert.deepEqual(sliceIdsFromHistory([plan('a'), undefined, plan('b')]).get('b'), 0, 'an undeploy frees every id');
});

test('every node gets the same ids from the same chain, and ids of one plan are distinct', () => {
  const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 });
  fc.assert(
    fc.property(fc.array(names, { maxLength: 12 }), (plans) => {
      const chain = plans.map((p) => plan(...p));
      const ids = sliceIdsFromHistory(chain);
      assert.deepEqual(ids, sliceIdsFromHistory(chain.map((p) => ({ slices: [...p.slices] }))));
      assert.equal(new Set(ids.values()).size, ids.size);
      assert.deepEqual([...ids.keys()].sort(), [...(plans.at(-1) ?? [])].sort());
      // Replaying the last plan again changes nothing (a node re-applying the current revision).
      if (chain.length) assert.deepEqual(sliceIdsFromHistory([...chain, chain.at(-1)!]), ids);
    }),
  );
});
