// The store contract: one suite that every global tier must pass (embedded and Hazelcast).
// `open()` gives a new client of the same global tier each call (for Hazelcast, a new
// connection; for embedded, a handle on the same in-process store), so tests can play several nodes.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LocalTier,
  commitRevision,
  revisionHistory,
  currentRevision,
  localCurrentRevision,
  type ChangeEvent,
  type GlobalStore,
  type Json,
  type StoreResult,
  type LeaseRecord,
} from '../../src/store/index.js';

export interface ContractFixture {
  /** A fresh, empty namespace of the global tier; open() there gives a new client each call. */
  fresh(): Promise<{ open(): Promise<GlobalStore>; dispose(): Promise<void> }>;
}

export function must<T>(r: StoreResult<T>): T {
  if (!r.ok) assert.fail(`store error ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Collects events, and resolves when `n` have arrived. */
export function collector(): { events: ChangeEvent[]; listener: (e: ChangeEvent) => void; until(n: number, ms?: number): Promise<void> } {
  const events: ChangeEvent[] = [];
  let wake: (() => void) | undefined;
  return {
    events,
    listener: (e) => {
      events.push(e);
      wake?.();
    },
    async until(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (Date.now() > deadline) assert.fail(`expected ${n} events, got ${events.length}: ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
  };
}

async function withStores(fx: ContractFixture, n: number, f: (...stores: GlobalStore[]) => Promise<void>): Promise<void> {
  const stores: GlobalStore[] = [];
  const ns = await fx.fresh();
  try {
    for (let i = 0; i < n; i++) stores.push(await ns.open());
    await f(...stores);
  } finally {
    for (const s of stores) await s.close();
    await ns.dispose();
  }
}

export function storeContract(fx: ContractFixture): void {
  it('puts, gets, lists and deletes JSON values with versions', () =>
    withStores(fx, 1, async (s) => {
      assert.equal(must(await s.get('slices', 'a')), undefined);
      assert.deepEqual(must(await s.put('slices', 'a', { name: 'a', ports: [1, 2] })), { version: 1 });
      assert.deepEqual(must(await s.get('slices', 'a')), { value: { name: 'a', ports: [1, 2] }, version: 1 });
      assert.deepEqual(must(await s.put('slices', 'a', { name: 'a', ports: [3] })), { version: 2 });
      must(await s.put('slices', 'b', 'plain string'));
      const all = new Map(must(await s.entries('slices')));
      assert.deepEqual(all.get('a'), { value: { name: 'a', ports: [3] }, version: 2 });
      assert.deepEqual(all.get('b'), { value: 'plain string', version: 1 });
      assert.deepEqual(must(await s.delete('slices', 'a')), { version: 2 });
      assert.equal(must(await s.get('slices', 'a')), undefined);
      assert.deepEqual(must(await s.delete('slices', 'a')), { version: 0 }, 'deleting a missing key is ok');
      // maps are separate
      assert.equal(must(await s.get('tokens', 'b')), undefined);
    }));

  it('answers bad input with error values, never a throw', () =>
    withStores(fx, 1, async (s) => {
      const badMap = await s.get('nope' as never, 'k');
      assert.equal(!badMap.ok && badMap.error.code, 'invalid');
      const badKey = await s.put('meta', '', 1);
      assert.equal(!badKey.ok && badKey.error.code, 'invalid');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const badValue = await s.put('meta', 'k', cyclic as unknown as Json);
      assert.equal(!badValue.ok && badValue.error.code, 'invalid');
      const badTtl = await s.acquireLease('x', 'n1', 10);
      assert.equal(!badTtl.ok && badTtl.error.code, 'invalid');
    }));

  it('refuses stale versions with a conflict and writes nothing', () =>
    withStores(fx, 1, async (s) => {
      must(await s.put('network', 'current', { v: 'one' }, { expectVersion: 0 }));
      const again = await s.put('network', 'current', { v: 'two' }, { expectVersion: 0 });
      assert.ok(!again.ok);
      assert.equal(again.error.code, 'conflict');
      assert.equal(again.error.actualVersion, 1);
      must(await s.put('network', 'current', { v: 'two' }, { expectVersion: 1 }));
      const stale = await s.put('network', 'current', { v: 'stale' }, { expectVersion: 1 });
      assert.ok(!stale.ok && stale.error.code === 'conflict' && stale.error.expectedVersion === 1 && stale.error.actualVersion === 2);
      const staleDelete = await s.delete('network', 'current', { expectVersion: 1 });
      assert.ok(!staleDelete.ok && staleDelete.error.code === 'conflict');
      const missing = await s.put('network', 'other', 1, { expectVersion: 3 });
      assert.ok(!missing.ok && missing.error.code === 'conflict' && missing.error.actualVersion === 0);
      assert.deepEqual(must(await s.get('network', 'current')), { value: { v: 'two' }, version: 2 });
      assert.deepEqual(must(await s.delete('network', 'current', { expectVersion: 2 })), { version: 2 });
    }));

  it('lets exactly one of two concurrent writers of the same version win', () =>
    withStores(fx, 2, async (a, b) => {
      for (let round = 0; round < 10; round++) {
        const key = `race-${round}`;
        must(await a.put('meta', key, 'start'));
        const [ra, rb] = await Promise.all([
          a.put('meta', key, 'from a', { expectVersion: 1 }),
          b.put('meta', key, 'from b', { expectVersion: 1 }),
        ]);
        assert.equal([ra, rb].filter((r) => r.ok).length, 1, `round ${round}: exactly one wins`);
        const loser = ra.ok ? rb : ra;
        assert.ok(!loser.ok && loser.error.code === 'conflict');
        const final = must(await a.get('meta', key))!;
        assert.equal(final.version, 2);
        assert.equal(final.value, ra.ok ? 'from a' : 'from b');
      }
    }));

  it('counts right under contention with read-modify-write retries', () =>
    withStores(fx, 2, async (a, b) => {
      const increment = async (s: GlobalStore): Promise<void> => {
        for (;;) {
          const cur = must(await s.get('meta', 'counter'));
          const r = await s.put('meta', 'counter', ((cur?.value as number) ?? 0) + 1, { expectVersion: cur?.version ?? 0 });
          if (r.ok) return;
          assert.equal(r.error.code, 'conflict');
        }
      };
      const run = async (s: GlobalStore): Promise<void> => {
        for (let i = 0; i < 15; i++) await increment(s);
      };
      await Promise.all([run(a), run(b), run(a)]);
      assert.deepEqual(must(await a.get('meta', 'counter')), { value: 45, version: 45 });
    }));

  it('commits revisions all-or-nothing: of two concurrent deploys one wins', () =>
    withStores(fx, 2, async (a, b) => {
      must(await commitRevision(a, { slices: ['base'] }, 0));
      const [ra, rb] = await Promise.all([commitRevision(a, { slices: ['from-a'] }, 1), commitRevision(b, { slices: ['from-b'] }, 1)]);
      assert.equal([ra, rb].filter((r) => r.ok).length, 1);
      const loser = ra.ok ? rb : ra;
      assert.ok(!loser.ok && loser.error.code === 'conflict');
      const winner = (ra.ok ? ra.value : rb.ok ? rb.value : undefined)!;
      const cur = must(await currentRevision(b))!;
      assert.equal(cur.revision, 2);
      assert.deepEqual(cur.body, winner.body);
      const history = must(await revisionHistory(a));
      assert.deepEqual(
        history.map((h) => h.revision),
        [2, 1],
      );
      // The loser's body was removed again: only the pointer and the two committed bodies remain.
      assert.equal(must(await a.entries('revisions')).length, 3);
      // A deploy based on an old revision is refused.
      const old = await commitRevision(b, { slices: [] }, 1);
      assert.ok(!old.ok && old.error.code === 'conflict');
    }));

  it('pushes put, update and delete events in order to subscribers', () =>
    withStores(fx, 2, async (a, b) => {
      const c = collector();
      const unsub = must(await a.subscribe('flowspace', c.listener));
      must(await b.put('flowspace', 'r1', { prio: 1 }));
      must(await b.put('flowspace', 'r1', { prio: 2 }));
      must(await b.delete('flowspace', 'r1'));
      must(await b.put('tokens', 'other-map', 1));
      await c.until(3);
      assert.deepEqual(c.events, [
        { type: 'put', map: 'flowspace', key: 'r1', value: { prio: 1 }, version: 1 },
        { type: 'put', map: 'flowspace', key: 'r1', value: { prio: 2 }, version: 2 },
        { type: 'delete', map: 'flowspace', key: 'r1', version: 2 },
      ]);
      await unsub();
      must(await b.put('flowspace', 'r2', 1));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(c.events.length, 3, 'no events after unsubscribe');
    }));

  it('keeps a LocalTier in step with the global tier by pushed events', () =>
    withStores(fx, 2, async (a, b) => {
      for (let i = 0; i < 20; i++) must(await b.put('slices', `pre-${i}`, { i }));
      const tier = must(await LocalTier.open(a, ['slices', 'revisions']));
      try {
        assert.equal(tier.size('slices'), 20, 'built from the global tier at start');
        const seen: ChangeEvent[] = [];
        tier.on((e) => seen.push(e));
        for (let i = 0; i < 50; i++) must(await b.put('slices', `k-${i}`, { i }));
        for (let i = 0; i < 10; i++) must(await b.delete('slices', `pre-${i}`));
        must(await b.put('slices', 'k-0', { i: 'changed' }));
        must(await commitRevision(b, { plan: 'p1' }, 0));
        const converged = await tier.waitFor((t) => {
          const want = 20 + 50 - 10;
          return (
            t.size('slices') === want &&
            (t.value('slices', 'k-0') as { i: unknown })?.i === 'changed' &&
            localCurrentRevision(t)?.revision === 1
          );
        }, 15_000);
        assert.ok(converged, `local tier converged (has ${tier.size('slices')} slices)`);
        const global = new Map(must(await b.entries('slices')));
        assert.deepEqual(new Map(tier.entries('slices')), global);
        assert.deepEqual(localCurrentRevision(tier)?.body, { plan: 'p1' });
        assert.ok(seen.some((e) => e.type === 'delete' && e.key === 'pre-0'));
        assert.equal(tier.get('slices', 'k-0')?.version, 2);
      } finally {
        await tier.close();
      }
    }));

  it('gives a lease to one owner, expires it when not renewed, then lets another take it', () =>
    withStores(fx, 2, async (a, b) => {
      const events = collector();
      const unsub = must(await b.subscribe('leases', events.listener));
      const la = must(await a.acquireLease('switch/0000000000000001', 'node-a', 3000));
      assert.equal(la.owner, 'node-a');
      const taken = await b.acquireLease('switch/0000000000000001', 'node-b', 3000);
      assert.ok(!taken.ok && taken.error.code === 'conflict' && taken.error.holder === 'node-a');
      // Renewing keeps it well past its first TTL.
      let renewed = la;
      while (Date.now() < la.acquiredAt + 4500) {
        await new Promise((r) => setTimeout(r, 800));
        renewed = must(await a.renewLease(renewed));
      }
      const held = must(await b.get('leases', 'switch/0000000000000001'));
      assert.ok(held, 'the renewed lease is in the store');
      assert.equal((held.value as unknown as LeaseRecord).owner, 'node-a');
      // node-a "dies": stops renewing. The lease expires and subscribers hear it.
      const t0 = Date.now();
      await events.until(2, 15_000);
      const expired = events.events.find((e) => e.type === 'expire');
      assert.ok(expired, `an expire event: ${JSON.stringify(events.events)}`);
      assert.equal(expired.key, 'switch/0000000000000001');
      assert.ok(Date.now() - t0 < 12_000, "a dead holder's lease expires within seconds");
      const lb = must(await b.acquireLease('switch/0000000000000001', 'node-b', 3000));
      assert.equal(lb.owner, 'node-b');
      const lost = await a.renewLease(renewed);
      assert.ok(!lost.ok && lost.error.code === 'lease-lost', 'the old holder learns it lost the lease');
      // Release hands it over at once.
      must(await b.releaseLease(lb));
      must(await a.releaseLease(renewed)); // releasing a lost lease is ok and does nothing
      const la2 = must(await a.acquireLease('switch/0000000000000001', 'node-a', 3000));
      must(await a.releaseLease(la2));
      await unsub();
    }));

  it('keeps node membership entries alive by heartbeat and expires them without', () =>
    withStores(fx, 2, async (a, b) => {
      const events = collector();
      const unsub = must(await b.subscribe('nodes', events.listener));
      must(await a.heartbeat({ id: 'node-1', api: 'http://127.0.0.1:8181', startedAt: 1 }, 1500));
      must(await a.heartbeat({ id: 'node-2', startedAt: 2 }, 1500));
      // node-1 keeps beating; node-2 stops and must expire (and be announced) within seconds.
      const deadline = Date.now() + 15_000;
      while (!events.events.some((e) => e.type === 'expire' && e.key === 'node-2')) {
        assert.ok(Date.now() < deadline, `node-2 expired: ${JSON.stringify(events.events.map((e) => [e.type, e.key]))}`);
        await new Promise((r) => setTimeout(r, 400));
        must(await a.heartbeat({ id: 'node-1', api: 'http://127.0.0.1:8181', startedAt: 1 }, 1500));
      }
      assert.ok(must(await b.get('nodes', 'node-1')), 'kept alive by heartbeats');
      assert.equal(must(await b.get('nodes', 'node-2')), undefined, 'node-2 stopped beating and expired');
      assert.ok(!events.events.some((e) => e.type === 'expire' && e.key === 'node-1'));
      must(await a.leave('node-1'));
      assert.equal(must(await b.get('nodes', 'node-1')), undefined);
      await unsub();
    }));

  it('delivers messages on a per-node channel to its subscribers', () =>
    withStores(fx, 2, async (a, b) => {
      const got: Json[] = [];
      const unsub = must(await b.onMessage('stats/node-a', (m) => got.push(m)));
      const other: Json[] = [];
      const unsubOther = must(await b.onMessage('stats/node-z', (m) => other.push(m)));
      for (let i = 0; i < 5; i++) must(await a.publish('stats/node-a', { slice: 's1', packets: i }));
      const deadline = Date.now() + 10_000;
      while (got.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        got,
        [0, 1, 2, 3, 4].map((i) => ({ slice: 's1', packets: i })),
      );
      assert.equal(other.length, 0);
      await unsub();
      await unsubOther();
    }));
}
