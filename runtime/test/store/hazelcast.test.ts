// The store contract on the Hazelcast global tier against a real 3-member cluster that this test
// starts (and always stops), plus what only it has: losing a member (kill -9) loses nothing and
// the client keeps working; an unreachable cluster is an `unavailable` error value.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { HazelcastStore, LocalTier, storeConfigFromFlags, openStore } from '../../src/store/index.js';
import { storeContract, must } from './contract.js';
import { HazelcastCluster, freePorts } from './hazelcast-cluster.js';

let cluster: HazelcastCluster | undefined;

function openClient(prefix: string): Promise<HazelcastStore> {
  return HazelcastStore.open({ members: cluster!.addresses, clusterName: cluster!.clusterName, prefix, connectTimeoutMs: 15_000 }).then(
    must,
  );
}

describe('store contract: Hazelcast (3 members)', () => {
  before(async () => {
    cluster = await HazelcastCluster.start(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  storeContract({
    async fresh() {
      const prefix = `t${randomUUID().slice(0, 8)}.`;
      return { open: () => openClient(prefix), dispose: async () => undefined };
    },
  });

  it('reads the store options from command-line flags and opens the cluster with them', async () => {
    const cfg = must(
      storeConfigFromFlags({ store: 'hazelcast', hazelcast: cluster!.addresses.join(','), clusterName: cluster!.clusterName }),
    );
    assert.deepEqual(cfg, { kind: 'hazelcast', members: cluster!.addresses, clusterName: cluster!.clusterName });
    const store = must(await openStore({ ...cfg, prefix: `f${randomUUID().slice(0, 8)}.` }));
    try {
      assert.equal(store.kind, 'hazelcast');
      must(await store.put('meta', 'hello', 'world'));
      assert.equal(must(await store.get('meta', 'hello'))?.value, 'world');
    } finally {
      await store.close();
    }
    const bad = storeConfigFromFlags({ store: 'hazelcast', hazelcast: 'nonsense' });
    assert.ok(!bad.ok && bad.error.code === 'invalid');
    assert.deepEqual(must(storeConfigFromFlags({})), { kind: 'embedded', dataDir: undefined });
  });

  // Last: it kills a member of the shared cluster.
  it('loses nothing when a member is killed with kill -9, and the clients keep working', async () => {
    const prefix = `k${randomUUID().slice(0, 8)}.`;
    const writer = await openClient(prefix);
    const reader = await openClient(prefix);
    const tier = must(await LocalTier.open(reader, ['flowspace']));
    try {
      for (let i = 0; i < 200; i++) must(await writer.put('flowspace', `e${i}`, { i }));
      assert.ok(await tier.waitFor((t) => t.size('flowspace') === 200, 15_000));
      await cluster!.kill(0);
      // Until the others have dropped the dead member, a write whose backup it held is not
      // confirmed and fails as `unavailable` (the store acknowledges only backed-up writes).
      await cluster!.waitForSize(2, 30_000);
      // Every entry is still there (one backup of each partition on another member).
      const all = new Map(must(await writer.entries('flowspace')));
      assert.equal(all.size, 200);
      for (let i = 0; i < 200; i++) assert.deepEqual(all.get(`e${i}`)?.value, { i });
      // Writes and pushed events keep flowing through the remaining members.
      for (let i = 200; i < 250; i++) must(await writer.put('flowspace', `e${i}`, { i }));
      must(await writer.put('flowspace', 'e0', { i: 'after the kill' }, { expectVersion: 1 }));
      assert.ok(
        await tier.waitFor(
          (t) => t.size('flowspace') === 250 && (t.value('flowspace', 'e0') as { i: unknown }).i === 'after the kill',
          15_000,
        ),
        `the local tier kept converging (${tier.size('flowspace')} entries)`,
      );
      const lease = must(await writer.acquireLease('switch/00000000000000aa', 'node-a', 2000));
      must(await writer.renewLease(lease));
    } finally {
      await tier.close();
      await writer.close();
      await reader.close();
    }
  });
});

describe('Hazelcast store without a cluster', () => {
  it('answers `unavailable` (no throw, no crash) when no member can be reached', async () => {
    const [port] = await freePorts(1);
    const t0 = Date.now();
    const r = await HazelcastStore.open({ members: [`127.0.0.1:${port}`], clusterName: 'nobody-home', connectTimeoutMs: 1500 });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'unavailable');
    assert.match(r.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(Date.now() - t0 < 15_000);
  });

  it('turns calls into `unavailable` after the whole cluster is gone', async () => {
    const solo = await HazelcastCluster.start(1);
    try {
      const store = must(
        await HazelcastStore.open({
          members: solo.addresses,
          clusterName: solo.clusterName,
          connectTimeoutMs: 1000,
          invocationTimeoutMs: 2000,
        }),
      );
      try {
        must(await store.put('meta', 'k', 1));
        const statuses: string[] = [];
        store.onStatus((s) => statuses.push(s));
        await solo.kill(0);
        const r = await store.get('meta', 'k');
        assert.ok(!r.ok && r.error.code === 'unavailable', JSON.stringify(r));
        const w = await store.put('meta', 'k', 2);
        assert.ok(!w.ok && w.error.code === 'unavailable');
        assert.ok(statuses.includes('disconnected'));
      } finally {
        await store.close();
      }
    } finally {
      await solo.stop();
    }
  });
});
