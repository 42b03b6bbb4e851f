// awaitApplyReports over the embedded store: the outcome of each declared switch as its master
// reports it; a switch without a lease holder is unreachable at once; one whose master says
// nothing within the bound is unreachable; a newer revision on a switch supersedes the awaited one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LocalTier } from '../../src/store/index.js';
import { APPLY_MAP, awaitApplyReports, leaseName, writeApplyReport, type SwitchApplyReport } from '../../src/cluster/index.js';

async function setup() {
  const opened = await EmbeddedStore.open({});
  assert.ok(opened.ok);
  const store = opened.value;
  const tier = await LocalTier.open(store, [APPLY_MAP]);
  assert.ok(tier.ok);
  return { store, tier: tier.value };
}

const report = (dpid: string, revision: number, status: 'applied' | 'refused', errors: string[] = []): SwitchApplyReport => ({
  dpid,
  revision,
  status,
  errors,
  node: 'n1',
  generationId: '1',
  at: new Date().toISOString(),
});

test('waits for every reachable switch, then answers per switch with progress for each', async () => {
  const { store, tier } = await setup();
  for (const d of ['a', 'b']) assert.ok((await store.acquireLease(leaseName(d), 'n1', 2000)).ok);
  const seen: string[] = [];
  const waiting = awaitApplyReports({
    store,
    tier,
    revision: 3,
    dpids: ['a', 'b', 'c'],
    waitMs: 10_000,
    progress: (o) => seen.push(`${o.dpid}:${o.status}`),
  });
  await writeApplyReport(store, report('a', 2, 'applied')); // an older revision: not the answer
  await writeApplyReport(store, report('a', 3, 'applied'));
  await writeApplyReport(store, report('b', 3, 'refused', ['switch error type 5 code 1']));
  const out = await waiting;
  assert.deepEqual(
    out.map((o) => [o.dpid, o.status, o.node, o.errors]),
    [
      ['a', 'applied', 'n1', []],
      ['b', 'refused', 'n1', ['switch error type 5 code 1']],
      ['c', 'unreachable', null, ['no node is connected to the switch']],
    ],
  );
  assert.deepEqual([...seen].sort(), ['a:applied', 'b:refused', 'c:unreachable']);
  await tier.close();
  await store.close();
});

test('a held switch that does not report within the bound is unreachable; a newer revision counts as applied', async () => {
  const { store, tier } = await setup();
  for (const d of ['a', 'b']) assert.ok((await store.acquireLease(leaseName(d), 'n1', 2000)).ok);
  await writeApplyReport(store, report('a', 5, 'refused', ['of a later revision']));
  const out = await awaitApplyReports({ store, tier, revision: 4, dpids: ['a', 'b'], waitMs: 200 });
  assert.deepEqual(
    out.map((o) => [o.dpid, o.status]),
    [
      ['a', 'applied'],
      ['b', 'unreachable'],
    ],
  );
  assert.match(out[1].errors[0], /no report from the switch's master within 200 ms/);
  await tier.close();
  await store.close();
});

test('a report whose pushed event the node missed is read from the global tier: while waiting, and at the bound', async () => {
  // The node's local tier is built on another store, so no report event ever reaches it (as when a
  // store client is reconnecting right after a partition heals); the global tier has the reports.
  const { store, tier: own } = await setup();
  const { store: elsewhere, tier } = await setup();
  try {
    for (const d of ['a', 'b']) assert.ok((await store.acquireLease(leaseName(d), 'n1', 5000)).ok);
    const polled = awaitApplyReports({ store, tier, revision: 4, dpids: ['a'], waitMs: 20_000, pollMs: 50 });
    await writeApplyReport(store, report('a', 4, 'applied'));
    assert.deepEqual(
      (await polled).map((o) => [o.dpid, o.status]),
      [['a', 'applied']],
    );
    // Polling far apart: only the last read at the bound finds it.
    const atBound = awaitApplyReports({ store, tier, revision: 4, dpids: ['b'], waitMs: 300, pollMs: 60_000 });
    await writeApplyReport(store, report('b', 4, 'refused', ['error']));
    assert.deepEqual(
      (await atBound).map((o) => [o.dpid, o.status, o.errors]),
      [['b', 'refused', ['error']]],
    );
    assert.equal(tier.get(APPLY_MAP, 'a'), undefined, 'the local tier never got the reports');
  } finally {
    for (const t of [own, tier]) await t.close();
    for (const s of [store, elsewhere]) await s.close();
  }
});
