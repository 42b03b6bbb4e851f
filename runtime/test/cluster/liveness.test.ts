// PeerLiveness over the embedded store's `nodes` map: a node whose liveness listener and
// connections go away (as when its process dies) is reported down by the others; a node that
// leaves the `nodes` map first (a clean stop) is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LocalTier } from '../../src/store/index.js';
import { PeerLiveness } from '../../src/cluster/index.js';

test('a node whose connections end and whose port refuses is down; one that left first is not', async () => {
  const opened = await EmbeddedStore.open({});
  assert.ok(opened.ok);
  const store = opened.value;
  const tier = await LocalTier.open(store, ['nodes']);
  assert.ok(tier.ok);
  const make = async (id: string) => {
    const l = new PeerLiveness({ nodeId: id, host: '127.0.0.1', tier: tier.value, confirmMs: 300 });
    const address = await l.start();
    assert.ok((await store.heartbeat({ id, startedAt: Date.now(), liveness: address }, 60_000)).ok);
    return l;
  };
  const a = await make('a');
  const b = await make('b');
  const c = await make('c');
  const down: string[] = [];
  a.on('down', (id) => down.push(id));
  // Let a connect to b and c.
  await new Promise((r) => setTimeout(r, 200));
  // c leaves cleanly (its entry goes first), then its listener closes: not a crash.
  assert.ok((await store.leave('c')).ok);
  await new Promise((r) => setTimeout(r, 100));
  await c.stop();
  // b "dies": its listener and every connection close while it is still listed.
  await b.stop();
  const deadline = Date.now() + 5000;
  while (down.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(down, ['b']);
  await a.stop();
  await tier.value.close();
  await store.close();
});
