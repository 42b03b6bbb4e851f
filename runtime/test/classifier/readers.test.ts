// readersOf, readersInto, readerIdsInto and readerIdsAmong (the packet-in's question: which slices
// may read this packet; the last two as slice numbers, the last asked about some slices only: the
// proxy's form) against classifyPacket filtered on 'read',
// the linear scan and the naive oracle, on random rule sets with many whole-port and eth_type-only
// rules, write-only entries, adds and removes between lookups, and table tags shared by many keys.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowspaceEntry, Permission } from '@dfvisor/grammar';
import {
  Classifier,
  LinearClassifier,
  SliceNumbers,
  sliceName,
  sliceNumber,
  type FlowspaceClassifier,
} from '../../src/classifier/index.js';
import { DPIDS, PORTS, pick, randomEntries, randomPacket, rng, type Rng } from './gen.js';
import { naiveMatches } from './oracle.js';

const SLICES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const PERMISSIONS: Permission[][] = [['read'], ['read', 'write'], ['write'], ['write']];

/** Random entries re-dealt over more slices, a share write-only, and some matching a whole port or one eth_type. */
function entries(r: Rng, n: number, firstId: number): FlowspaceEntry[] {
  return randomEntries(r, n, firstId).map((e) => {
    const shape = r();
    const match = shape < 0.25 ? {} : shape < 0.35 ? { eth_type: pick(r, [0x0800, 0x0806, 0x86dd]) } : e.match;
    return { ...e, slice: pick(r, SLICES), permissions: pick(r, PERMISSIONS), match };
  });
}

const sorted = (s: Set<string>): string[] => [...s].sort();

/** The current code's answer: every slice of a matching entry granting read. */
function viaClassify(
  c: FlowspaceClassifier,
  dpid: string,
  inPort: number,
  h: Parameters<FlowspaceClassifier['classifyPacket']>[2],
): string[] {
  const out = new Set<string>();
  for (const e of c.classifyPacket(dpid, inPort, h)) if (e.permissions.includes('read')) out.add(e.slice);
  return sorted(out);
}

function assertAgree(c: Classifier, live: readonly FlowspaceEntry[], linear: LinearClassifier, r: Rng, packets: number): void {
  const reused = new Set<string>();
  const array: string[] = [];
  const numbers = new SliceNumbers();
  const among = new SliceNumbers();
  for (let i = 0; i < packets; i++) {
    const p = randomPacket(r);
    reused.clear();
    const got = sorted(c.readersOf(p.dpid, p.inPort, p.headers, reused));
    assert.deepEqual(got, viaClassify(c, p.dpid, p.inPort, p.headers));
    // The reusable array holds the previous answer: only out[0..n) counts, each slice once.
    const n = c.readersInto(p.dpid, p.inPort, p.headers, array);
    assert.deepEqual(array.slice(0, n).sort(), got);
    // As slice numbers: the same slices, each once; membership as the proxy asks it.
    const k = c.readerIdsInto(p.dpid, p.inPort, p.headers, numbers);
    assert.deepEqual([...numbers.ids.subarray(0, k)].map((id) => sliceName(id)).sort(), got);
    for (const slice of SLICES) assert.equal(numbers.has(sliceNumber(slice), k), got.includes(slice), slice);
    // Asked about some slices only (the proxy's form: its bound slices; repeats, a slice with no
    // entry and a number never assigned among them): exactly those of them in the answer.
    const asked = SLICES.filter(() => r() < 0.5);
    if (r() < 0.3 && asked.length) asked.push(asked[0]!);
    const wanted = Int32Array.from([...asked.map((slice) => sliceNumber(slice)), sliceNumber('nobody'), 1 << 30]);
    const m = c.readerIdsAmong(p.dpid, p.inPort, p.headers, wanted, wanted.length, among);
    const some = [...among.ids.subarray(0, m)].map((id) => sliceName(id));
    assert.equal(new Set(some).size, m, 'each slice once');
    assert.deepEqual(some.sort(), [...new Set(asked)].filter((slice) => got.includes(slice)).sort());
    assert.equal(c.readerIdsAmong(p.dpid, p.inPort, p.headers, wanted, 0, among), 0);
    assert.deepEqual(got, sorted(linear.readersOf(p.dpid, p.inPort, p.headers, new Set())));
    const oracle = new Set(
      live.filter((e) => e.permissions.includes('read') && naiveMatches(e, p.dpid, p.inPort, p.headers)).map((e) => e.slice),
    );
    assert.deepEqual(got, sorted(oracle));
  }
}

describe('readersOf', () => {
  it('agrees with classifyPacket filtered on read, the linear scan and the oracle (16 seeds × 1 500 packets)', () => {
    let nonEmpty = 0;
    let partial = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const r = rng(1000 + seed);
      const es = entries(r, 50 + seed * 40, 1);
      // Some seeds force keys to collide (2 key bits) or to share table tags (1 or 2 tag bits).
      const tagBits = seed % 4 === 1 ? 1 : seed % 4 === 2 ? 2 : 31;
      const c = Classifier.build(es, { hashBits: seed % 3 === 0 ? 2 : 30, tagBits }).classifier;
      const linear = LinearClassifier.build(es).classifier;
      assertAgree(c, es, linear, r, 1500);
      for (let i = 0; i < 300; i++) {
        const p = randomPacket(r);
        const n = c.readersOf(p.dpid, p.inPort, p.headers, new Set()).size;
        if (n > 0) nonEmpty++;
        if (n > 0 && n < SLICES.length) partial++;
      }
    }
    // The draws exercise both answers that stop early (every slice) and answers that cannot.
    assert.ok(nonEmpty > 1000 && partial > 500, `${nonEmpty} non-empty, ${partial} partial`);
  });

  it('stays equal to the linear scan while entries come and go between lookups', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(2000 + seed);
      const pool = entries(r, 400, 1);
      const c = new Classifier({ hashBits: seed % 2 === 0 ? 3 : 30, tagBits: seed % 3 === 0 ? 1 : 31 });
      const live = new Map<number, FlowspaceEntry>();
      for (let step = 0; step < 40; step++) {
        for (let k = 0; k < 12; k++) {
          const e = pick(r, pool);
          if (live.has(e.id) && r() < 0.5) {
            assert.equal(c.remove(e.id), true);
            live.delete(e.id);
          } else if (!live.has(e.id)) {
            assert.equal(c.add(e), null);
            live.set(e.id, e);
          }
        }
        const es = [...live.values()];
        assertAgree(c, es, LinearClassifier.build(es).classifier, r, 60);
      }
    }
  });

  it('adds to the set it is given and answers nothing for unknown switches or readers-free switches', () => {
    const r = rng(3);
    const es = entries(r, 300, 1);
    const c = Classifier.build(es).classifier;
    for (let i = 0; i < 500; i++) {
      const p = randomPacket(r);
      const out = c.readersOf(p.dpid, p.inPort, p.headers, new Set(['zed']));
      assert.deepEqual(sorted(out), [...viaClassify(c, p.dpid, p.inPort, p.headers), 'zed'].sort());
      assert.deepEqual(sorted(c.readersOf('00000000000000aa', p.inPort, p.headers, new Set())), []);
    }
    const writers = Classifier.build(es.map((e) => ({ ...e, permissions: ['write'] as Permission[] }))).classifier;
    for (const dpid of DPIDS)
      for (const port of PORTS) assert.equal(writers.readersOf(dpid, port, { eth_type: 0x0800 }, new Set()).size, 0);
    assert.ok(writers.classifyPacket(DPIDS[0]!, PORTS[0]!, { eth_type: 0x0800 }).length > 0);
  });

  it('answers from shared buckets, groups of equal checks, and the per-port rules matching every packet', () => {
    // Many slices on one prefix (one group, a list of slices), prefixes of other lengths merged
    // into the same tuple (several groups per bucket), whole-port rules at some ports and for
    // any port (the per-port lists), ports with no rules of their own, write-only entries, and
    // slices both in a whole-port rule and a prefix rule (each must come once).
    const dpid = DPIDS[0]!;
    const es: FlowspaceEntry[] = [];
    const add = (slice: string, inPort: number | null, match: FlowspaceEntry['match'], permissions: Permission[] = ['read']): void => {
      es.push({ id: es.length + 1, slice, rule: `r${es.length + 1}`, dpid, inPort, priority: 100 + (es.length % 7), match, permissions });
    };
    for (let i = 0; i < 40; i++) add(`s${i}`, null, { eth_type: 0x0800, ipv4_src: '10.1.0.0/16' });
    for (let i = 0; i < 40; i++) add(`s${i}`, null, { eth_type: 0x0800, ipv4_src: `10.1.${i}.0/24` }, i % 3 === 0 ? ['write'] : ['read']);
    for (let i = 0; i < 40; i++) add(`s${i}`, null, { eth_type: 0x0800, ipv4_src: `10.1.${i}.${i}/32` });
    for (let i = 0; i < 30; i++) add(`p${i % 10}`, 1 + (i % 3), {}, i % 4 === 0 ? ['write'] : ['read', 'write']);
    for (let i = 0; i < 12; i++) add(i % 2 ? `s${i}` : `a${i}`, null, {});
    add('v', 2, { eth_type: 0x0806 });
    const c = Classifier.build(es).classifier;
    const lin = LinearClassifier.build(es).classifier;
    const array: string[] = [];
    let biggest = 0;
    for (const inPort of [1, 2, 3, 4, 9]) {
      for (let i = 0; i < 45; i++) {
        for (const headers of [
          { eth_type: 0x0800, ipv4_src: `10.1.${i}.${i}`, ipv4_dst: '1.2.3.4' },
          { eth_type: 0x0800, ipv4_src: `10.1.${i}.${i + 1}` },
          { eth_type: 0x0800, ipv4_src: `10.2.${i}.${i}` },
          { eth_type: 0x0806 },
        ]) {
          const want = sorted(lin.readersOf(dpid, inPort, headers, new Set()));
          const n = c.readersInto(dpid, inPort, headers, array);
          assert.deepEqual(array.slice(0, n).sort(), want, `port ${inPort} ${JSON.stringify(headers)}`);
          assert.deepEqual(sorted(c.readersOf(dpid, inPort, headers, new Set())), want);
          biggest = Math.max(biggest, n);
        }
      }
    }
    assert.ok(biggest > 40, `some packet has many readers (${biggest})`);
  });
});
