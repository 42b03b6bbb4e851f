// The indexed classifier against the naive oracle and the linear reference on random
// flowspaces: same entries, same order, for packets and for flow-mod matches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowspaceEntry } from '@dfvisor/grammar';
import { Classifier, LinearClassifier, type FlowspaceHit } from '../../src/classifier/index.js';
import { DPIDS, PORTS, pick, randomEntries, randomMatch, randomPacket, rng } from './gen.js';
import { byPriorityThenId, matchIntervals, naiveIntersect, naiveMatches } from './oracle.js';

const ids = (es: readonly FlowspaceEntry[]): number[] => es.map((e) => e.id);

function hitView(h: FlowspaceHit): unknown {
  return { id: h.entry.id, inPort: h.inPort, fields: [...matchIntervals(h.match)].map(([k, v]) => [k, v[0].toString(), v[1].toString()]) };
}

describe('classifier vs naive oracle on random flowspaces', () => {
  it('classifyPacket returns the same entries in the same order (40 seeds × 400 rules × 400 packets, some with 3-bit hashes or 1-bit table tags)', () => {
    let nonEmpty = 0;
    let multi = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const entries = randomEntries(r, 400);
      // Every fourth seed: 3-bit hash keys, so buckets of many tuples collide and chain; every
      // fourth other one: 1-bit table tags, so keys share tags and the bucket's head decides.
      const { classifier, errors } = Classifier.build(entries, { hashBits: seed % 4 === 0 ? 3 : 30, tagBits: seed % 4 === 1 ? 1 : 31 });
      assert.deepEqual(errors, []);
      const linear = LinearClassifier.build(entries).classifier;
      for (let i = 0; i < 400; i++) {
        const p = randomPacket(r);
        const expected = entries.filter((e) => naiveMatches(e, p.dpid, p.inPort, p.headers)).sort(byPriorityThenId);
        const got = classifier.classifyPacket(p.dpid, p.inPort, p.headers);
        assert.deepEqual(ids(got), ids(expected), `seed ${seed} packet ${JSON.stringify(p)}`);
        assert.deepEqual(ids(linear.classifyPacket(p.dpid, p.inPort, p.headers)), ids(expected));
        if (expected.length > 0) nonEmpty++;
        if (expected.length > 1) multi++;
      }
    }
    // The generator must make the comparison meaningful.
    assert.ok(nonEmpty > 4000, `only ${nonEmpty} packets matched anything`);
    assert.ok(multi > 1000, `only ${multi} packets matched several entries`);
  });

  it('entriesForMatch returns the intersecting entries and the exact intersections (15 seeds × 300 rules × 200 queries)', () => {
    let hitsSeen = 0;
    for (let seed = 100; seed < 115; seed++) {
      const r = rng(seed);
      const entries = randomEntries(r, 300);
      const { classifier } = Classifier.build(entries, { hashBits: seed % 3 === 0 ? 2 : 30 });
      const linear = LinearClassifier.build(entries).classifier;
      for (let i = 0; i < 200; i++) {
        const q = randomMatch(r);
        const dpid = pick(r, DPIDS);
        const inPort = r() < 0.4 ? null : pick(r, PORTS);
        const slice = r() < 0.5 ? pick(r, ['alice', 'bob', 'carol']) : undefined;
        const expected = entries
          .filter((e) => e.dpid === dpid && (inPort === null || e.inPort === null || e.inPort === inPort))
          .filter((e) => slice === undefined || e.slice === slice)
          .map((e) => ({ e, iv: naiveIntersect(e.match, q) }))
          .filter((x) => x.iv !== null)
          .sort((a, b) => byPriorityThenId(a.e, b.e));
        const got = classifier.entriesForMatch(dpid, inPort, q, { slice });
        assert.ok(got.ok);
        assert.deepEqual(
          got.hits.map((h) => h.entry.id),
          expected.map((x) => x.e.id),
          `seed ${seed} query ${JSON.stringify(q)}`,
        );
        for (let k = 0; k < got.hits.length; k++) {
          const h: FlowspaceHit = got.hits[k];
          assert.equal(h.inPort, h.entry.inPort ?? inPort);
          const want = [...expected[k].iv!].map(([key, v]) => [key, v[0].toString(), v[1].toString()]);
          const have = [...matchIntervals(h.match)].map(([key, v]) => [key, v[0].toString(), v[1].toString()]);
          assert.deepEqual(have, want, `intersection of entry ${h.entry.id} with ${JSON.stringify(q)}`);
        }
        const lin = linear.entriesForMatch(dpid, inPort, q, { slice });
        assert.ok(lin.ok);
        assert.deepEqual(lin.hits.map(hitView), got.hits.map(hitView));
        hitsSeen += got.hits.length;
      }
    }
    assert.ok(hitsSeen > 2000, `only ${hitsSeen} hits in all queries`);
  });
});
