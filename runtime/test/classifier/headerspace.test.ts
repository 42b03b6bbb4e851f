// Cross-check: the classifier's own intersection agrees with the grammar's header space
// (written independently) on random matches with prerequisites filled in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { intersectMatch } from '@dfvisor/grammar';
import { intersectMatches } from '../../src/classifier/index.js';
import { randomMatch, rng } from './gen.js';
import { matchIntervals } from './oracle.js';

const view = (m: Parameters<typeof matchIntervals>[0]) => [...matchIntervals(m)].map(([k, v]) => [k, String(v[0]), String(v[1])]).sort();

describe('classifier intersection vs grammar header space', () => {
  it('same emptiness and the same field intervals on 20 000 random pairs', () => {
    const r = rng(5);
    let nonEmpty = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = randomMatch(r);
      const b = randomMatch(r);
      const theirs = intersectMatch(a, b);
      const mine = intersectMatches(a, b);
      assert.ok(mine.ok);
      assert.equal(mine.match === null, theirs === null, JSON.stringify({ a, b }));
      if (mine.match && theirs) {
        nonEmpty++;
        assert.deepEqual(view(mine.match), view(theirs), JSON.stringify({ a, b }));
      }
    }
    assert.ok(nonEmpty > 5000);
  });
});
