// RemovedCounters over the embedded store: removed flows' final counters are merged into the
// global tier per slice and switch without losing or doubling an addition (two writers at
// once, compare-and-set), and removedTotals sums a slice's entries from a local tier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LocalTier } from '../../src/store/index.js';
import { RemovedCounters, REMOVED_MAP, removedTotals } from '../../src/cluster/index.js';

test('two nodes add removed counters for the same switch: the tier holds the sum; totals per slice and switch', async () => {
  const opened = await EmbeddedStore.open({});
  assert.ok(opened.ok);
  const store = opened.value;
  const tier = await LocalTier.open(store, [REMOVED_MAP]);
  assert.ok(tier.ok);
  const a = new RemovedCounters(store, 10);
  const b = new RemovedCounters(store, 10);
  for (let i = 0; i < 20; i++) {
    a.add('alpha', 'd1', 1, 100);
    b.add('alpha', 'd1', 2, 200);
  }
  a.add('alpha', 'd2', 5, 500);
  b.add('alpha-2', 'd1', 7, 700);
  await Promise.all([a.flush(), b.flush()]);
  a.add('alpha', 'd1', 1, 100);
  await Promise.all([a.close(), b.close()]);
  await tier.value.waitFor(
    (t) =>
      t.get(REMOVED_MAP, 'alpha/d1')?.value !== undefined && (t.get(REMOVED_MAP, 'alpha/d1')!.value as { packets: number }).packets === 61,
    2000,
  );
  const alpha = removedTotals(tier.value, 'alpha');
  assert.deepEqual([alpha.packets, alpha.bytes], [66, 6600]);
  assert.deepEqual([...alpha.perSwitch].sort(), [
    ['d1', { packets: 61, bytes: 6100 }],
    ['d2', { packets: 5, bytes: 500 }],
  ]);
  assert.deepEqual([removedTotals(tier.value, 'alpha-2').packets], [7]);
  await tier.value.close();
  await store.close();
});
