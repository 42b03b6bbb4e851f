// The DFVisor view's virtual link leaves (virtual-links.ts): path in use or down, counters, tooltip.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { virtualLinkLeaf } from '../src/views/virtual-links.js';

const link = {
  id: 'e1<->e2',
  a: { switch: 'e1', port: 65024 },
  b: { switch: 'e2', port: 65024 },
  tag: 3,
  state: 'up' as const,
  path: { index: 1, links: ['e1:2<->c1:1', 'c1:2<->c2:1', 'c2:2<->c3:2', 'c3:1<->e2:2'], switches: ['c1', 'c2', 'c3'] },
  paths: 2,
  pathChanges: 1,
  counters: { aToB: { packets: 12, bytes: 1200 }, bToA: null, statsAt: '2026-12-05T07:00:00.000Z' },
};

test('a virtual link on its backup path shows the core switches crossed and the frames each way', () => {
  const leaf = virtualLinkLeaf(link);
  assert.equal(leaf.label, 'virtual link e1<->e2');
  assert.equal(leaf.description, 'via c1, c2, c3 (backup path 1) · 12 / – pkts');
  assert.equal(leaf.icon, 'git-compare');
  assert.match(leaf.tooltip!, /path 2 of 2: e1:2<->c1:1 · c1:2<->c2:1/);
  assert.match(leaf.tooltip!, /path changes: 1/);
});

test('a virtual link without a path is shown down', () => {
  const leaf = virtualLinkLeaf({ ...link, state: 'down', path: null, counters: { aToB: null, bToA: null, statsAt: null } });
  assert.equal(leaf.description, 'down: no path · – / – pkts');
  assert.equal(leaf.icon, 'error');
  assert.match(leaf.tooltip!, /none of 2 admitted paths is up/);
  assert.match(leaf.tooltip!, /no counters on this node/);
});
