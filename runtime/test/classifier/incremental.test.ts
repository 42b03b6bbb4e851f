// Incremental add/remove (and slice redeploys) keep the index equal to a fresh build.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowspaceEntry } from '@dfvisor/grammar';
import { Classifier, LinearClassifier } from '../../src/classifier/index.js';
import { pick, randomEntries, randomMatch, randomPacket, rng } from './gen.js';

const ids = (es: readonly FlowspaceEntry[]): number[] => es.map((e) => e.id);

function assertSame(c: Classifier, live: Map<number, FlowspaceEntry>, r: () => number, packets: number): void {
  const linear = LinearClassifier.build([...live.values()]).classifier;
  assert.equal(c.size, live.size);
  for (let i = 0; i < packets; i++) {
    const p = randomPacket(r);
    assert.deepEqual(ids(c.classifyPacket(p.dpid, p.inPort, p.headers)), ids(linear.classifyPacket(p.dpid, p.inPort, p.headers)));
    const q = randomMatch(r);
    const inPort = r() < 0.5 ? null : p.inPort;
    const a = c.entriesForMatch(p.dpid, inPort, q);
    const b = linear.entriesForMatch(p.dpid, inPort, q);
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.hits, b.hits);
  }
}

describe('incremental updates', () => {
  it('random adds and removes agree with a linear scan of the live entries after every step', () => {
    for (let seed = 7; seed < 17; seed++) {
      const r = rng(seed);
      const pool = randomEntries(r, 600);
      const c = new Classifier({ hashBits: seed % 2 === 0 ? 2 : 30 });
      const live = new Map<number, FlowspaceEntry>();
      for (let step = 0; step < 60; step++) {
        if (r() < 0.6) {
          for (let k = 0; k < 15; k++) {
            const e = pick(r, pool);
            const err = c.add(e);
            if (live.has(e.id)) assert.equal(err?.code, 'CLS_DUPLICATE_ID');
            else {
              assert.equal(err, null);
              live.set(e.id, e);
            }
          }
        } else {
          for (let k = 0; k < 10; k++) {
            const e = pick(r, pool);
            assert.equal(c.remove(e.id), live.delete(e.id));
          }
        }
        assertSame(c, live, r, 30);
      }
      // Remove everything: the index is empty again.
      for (const id of [...live.keys()]) assert.ok(c.remove(id));
      assert.equal(c.size, 0);
      assert.deepEqual(c.stats(), { entries: 0, switches: 0, slices: 0, tuples: 0 });
    }
  });

  it('removeSlice and replaceSlice touch only that slice', () => {
    const r = rng(99);
    const entries = randomEntries(r, 500);
    const { classifier: c } = Classifier.build(entries);
    const bob = entries.filter((e) => e.slice === 'bob');
    assert.equal(c.removeSlice('bob'), bob.length);
    assert.equal(c.removeSlice('bob'), 0);
    const live = new Map(entries.filter((e) => e.slice !== 'bob').map((e) => [e.id, e]));
    assertSame(c, live, r, 200);
    // Redeploy bob with new entries (new ids).
    const newBob = randomEntries(r, 120, 10_000).map((e) => ({ ...e, slice: 'bob' }));
    assert.deepEqual(c.replaceSlice('bob', newBob), []);
    for (const e of newBob) live.set(e.id, e);
    assertSame(c, live, r, 200);
    // An entry of another slice is refused by replaceSlice.
    const errs = c.replaceSlice('bob', [{ ...newBob[0], slice: 'alice', id: 20_000 }]);
    assert.equal(errs.length, 1);
    assert.equal(errs[0].code, 'CLS_BAD_ENTRY');
    assert.equal(c.entriesForMatch(newBob[0].dpid, null, {}, { slice: 'bob' }).ok, true);
  });
});
