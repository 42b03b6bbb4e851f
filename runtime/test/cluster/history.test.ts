// The history checker (history.ts) on hand-made histories: a clean one passes, and each kind of
// violation — a lost acknowledged deploy, a reordered or forked revision, a stale switch table, a
// counter that goes back — is caught.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkHistory, slicesOnTable, type History, type RevisionInfo } from './history.js';

const rev = (revision: number, slices: string[], createdAt = `2026-12-05T07:00:0${revision}.000Z`): RevisionInfo => ({
  revision,
  createdAt,
  action: 'deploy',
  slices,
});
const chain = [rev(1, ['alpha', 'beta']), rev(2, ['alpha', 'beta', 'gamma']), rev(3, ['alpha', 'beta'])];
// alpha id 0, beta id 1, gamma id 2 (removed in revision 3).
const flows = (ids: number[], tenant: number[] = []) => [
  ' cookie=0xffff000000000001, duration=1s, table=0, n_packets=0, n_bytes=0, priority=0 actions=drop',
  ...ids.map(
    (id) => ` cookie=0xffff0000000${id + 1}0001, duration=1s, table=0, n_packets=0, n_bytes=0, priority=100,in_port=1 actions=output:2`,
  ),
  ...tenant.map(
    (id) => ` cookie=0x000${id + 1}000100000001, duration=1s, table=0, n_packets=3, n_bytes=300, priority=1000,ip actions=output:3`,
  ),
];

function clean(): History {
  return {
    deploys: [
      { node: 'n1', startedAt: 0, endedAt: 10, status: 200, revision: 1, slices: ['alpha', 'beta'] },
      { node: 'n3', startedAt: 20, endedAt: 30, status: 503, code: 'STORE_NO_QUORUM' },
      { node: 'n2', startedAt: 40, endedAt: 50, status: 200, revision: 2, slices: ['alpha', 'beta', 'gamma'] },
      { node: 'n3', startedAt: 60, endedAt: 70, status: 200, revision: 3, slices: ['alpha', 'beta'] },
    ],
    revisions: [
      { node: 'n1', at: 11, active: 1, revisions: chain.slice(0, 1) },
      { node: 'n3', at: 12, active: 1, revisions: chain.slice(0, 1) },
      { node: 'n1', at: 51, active: 2, revisions: chain.slice(0, 2) },
      { node: 'n3', at: 52, active: 1, revisions: chain.slice(0, 1) },
      { node: 'n3', at: 65, active: 2, revisions: chain.slice(0, 2) },
      { node: 'n1', at: 71, active: 3, revisions: chain },
      { node: 'n3', at: 72, active: 3, revisions: chain },
    ],
    counters: [
      { node: 'n1', at: 11, slice: 'alpha', packets: 0, bytes: 0 },
      { node: 'n1', at: 51, slice: 'alpha', packets: 5, bytes: 500 },
      { node: 'n1', at: 51, slice: 'gamma', packets: 9, bytes: 900 },
      { node: 'n1', at: 71, slice: 'gamma' },
      { node: 'n1', at: 72, slice: 'alpha', packets: 5, bytes: 500 },
    ],
    finalChain: chain,
    tables: ['s1', 's2', 's3'].map((bridge) => ({ bridge, expectedSlices: ['alpha', 'beta'], flows: flows([0, 1], [0]) })),
  };
}

const kinds = (h: History) => checkHistory(h).map((v) => v.kind);

describe('history checker', () => {
  it('a clean history has no violations (a removed slice starts its counters again)', () => {
    assert.deepEqual(checkHistory(clean()), []);
  });

  it('reads slice ids from cookies: base rules and tenant rules, not the isolation rule', () => {
    const t = slicesOnTable(flows([0, 2], [1]));
    assert.deepEqual([...t.base].sort(), [0, 2]);
    assert.deepEqual([...t.tenant], [1]);
  });

  it('catches a lost acknowledged deploy: its revision is missing, or the chain has other content under its number', () => {
    const missing = clean();
    missing.deploys.push({ node: 'n3', startedAt: 80, endedAt: 90, status: 200, revision: 4, slices: ['alpha'] });
    assert.deepEqual(kinds(missing), ['lost-ack']);
    const replaced = clean();
    replaced.deploys[2] = { ...replaced.deploys[2], slices: ['alpha', 'beta', 'delta'] };
    assert.deepEqual(kinds(replaced), ['lost-ack']);
  });

  it('an acknowledged revision older than the kept chain counts as superseded', () => {
    const h = clean();
    h.finalChain = chain.slice(1);
    h.revisions = h.revisions.filter((s) => s.at > 60).map((s) => ({ ...s, revisions: s.revisions.filter((r) => r.revision > 1) }));
    assert.deepEqual(checkHistory(h), []);
  });

  it('catches a reordered revision: a node listing revisions out of order, an active revision going back, acks out of real-time order', () => {
    const listed = clean();
    listed.revisions.push({ node: 'n2', at: 73, active: 3, revisions: [chain[0], chain[2], chain[1]] });
    assert.deepEqual(kinds(listed), ['order']);
    const back = clean();
    back.revisions.push({ node: 'n1', at: 80, active: 2, revisions: chain.slice(0, 2) });
    assert.deepEqual(kinds(back), ['order']);
    const acks = clean();
    acks.deploys[3] = { ...acks.deploys[3], startedAt: 5, endedAt: 8 };
    assert.deepEqual(kinds(acks), ['order']);
  });

  it('catches a fork: two nodes showing different content under one revision number', () => {
    const h = clean();
    h.revisions.push({
      node: 'n3',
      at: 66,
      active: 2,
      revisions: [chain[0], rev(2, ['alpha', 'beta', 'delta'], '2026-12-05T07:00:02.500Z')],
    });
    assert.deepEqual(kinds(h), ['fork']);
  });

  it('catches a stale table: base rules of a removed slice, missing base rules, stray tenant rules', () => {
    const extra = clean();
    extra.tables[1].flows = flows([0, 1, 2], [0]);
    assert.deepEqual(kinds(extra), ['table']);
    const missing = clean();
    missing.tables[2].flows = flows([0], [0]);
    assert.deepEqual(kinds(missing), ['table']);
    const stray = clean();
    stray.tables[0].flows = flows([0, 1], [0, 2]);
    assert.deepEqual(kinds(stray), ['table']);
  });

  it('catches a counter going back on one node', () => {
    const h = clean();
    h.counters.push({ node: 'n1', at: 80, slice: 'alpha', packets: 5, bytes: 499 });
    assert.deepEqual(kinds(h), ['counter']);
    const packets = clean();
    packets.counters.push({ node: 'n1', at: 80, slice: 'alpha', packets: 4, bytes: 600 });
    assert.deepEqual(kinds(packets), ['counter']);
  });
});
