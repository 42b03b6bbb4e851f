// Mastership on the embedded global tier: several nodes (each its own Mastership and LocalTier)
// share one store. One master per switch, generation ids grow on every change of master, a dead
// master's lease expires and a slave takes over, slaves learn the new generation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LocalTier, type GlobalStore } from '../../src/store/index.js';
import { Mastership, type RoleChange } from '../../src/cluster/mastership.js';
import { claimOwnership } from '../../src/cluster/ownership.js';

interface TestNode {
  id: string;
  tier: LocalTier;
  m: Mastership;
  changes: RoleChange[];
}

async function node(store: GlobalStore, id: string, ttlMs = 1000): Promise<TestNode> {
  const t = await LocalTier.open(store, ['ownership']);
  assert.ok(t.ok);
  const m = new Mastership({ store, tier: t.value, nodeId: id, ttlMs });
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  return { id, tier: t.value, m, changes };
}

async function until(what: string, cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function embedded(): Promise<GlobalStore> {
  const r = await EmbeddedStore.open();
  assert.ok(r.ok);
  return r.value;
}

async function close(nodes: TestNode[]): Promise<void> {
  for (const n of nodes) {
    await n.m.stop();
    await n.tier.close();
  }
}

describe('mastership (embedded store)', () => {
  it('a master the switch refuses (a newer generation id it saw) claims the switch again with the next generation', async () => {
    const store = await embedded();
    const a = await node(store, 'a');
    const dpid = '0000000000000001';
    try {
      a.m.switchUp(dpid);
      await until('a is master', () => a.m.isMaster(dpid));
      const first = a.m.generation(dpid);
      a.m.switchRefused(dpid, first - 1n);
      assert.equal(a.m.generation(dpid), first, 'a refusal of an older generation changes nothing');
      a.m.switchRefused(dpid, first);
      await until('a claimed again', () => a.m.isMaster(dpid) && a.m.generation(dpid) === first + 1n);
      assert.deepEqual(
        a.changes.slice(-1).map((c) => [c.role, c.generationId, c.master]),
        [['master', first + 1n, 'a']],
      );
      const own = await store.get('ownership', dpid);
      assert.ok(own.ok);
      assert.equal((own.value?.value as { generationId: number } | undefined)?.generationId, Number(first + 1n));
    } finally {
      await close([a]);
    }
  });

  it('elects exactly one master per switch and makes the others slaves with its generation', async () => {
    const store = await embedded();
    const nodes = await Promise.all(['a', 'b', 'c'].map((id) => node(store, id)));
    try {
      for (const n of nodes) n.m.switchUp('0000000000000001');
      await until(
        'one master, two slaves',
        () =>
          nodes.filter((n) => n.m.isMaster('0000000000000001')).length === 1 &&
          nodes.filter((n) => n.m.role('0000000000000001') === 'slave').length === 2,
      );
      const master = nodes.find((n) => n.m.isMaster('0000000000000001'))!;
      const own = await store.get('ownership', '0000000000000001');
      assert.ok(own.ok);
      assert.deepEqual({ ...(own.value!.value as object), since: undefined }, { master: master.id, generationId: 1, since: undefined });
      await until('slaves know the master and its generation', () =>
        nodes.filter((n) => n !== master).every((n) => n.changes.at(-1)?.master === master.id && n.changes.at(-1)?.generationId === 1n),
      );
      assert.equal(master.changes.at(-1)?.generationId, 1n);
    } finally {
      await close(nodes);
      await store.close();
    }
  });

  it('spreads no state between switches: each switch has its own lease', async () => {
    const store = await embedded();
    const [a, b] = await Promise.all(['a', 'b'].map((id) => node(store, id)));
    try {
      a.m.switchUp('01');
      await until('a masters 01', () => a.m.isMaster('01'));
      b.m.switchUp('02');
      b.m.switchUp('01');
      await until('b masters 02 and is slave of 01', () => b.m.isMaster('02') && b.m.role('01') === 'slave');
      assert.deepEqual(a.m.mastered(), ['01']);
      assert.deepEqual(b.m.mastered(), ['02']);
    } finally {
      await close([a, b]);
      await store.close();
    }
  });

  it("hands a dead master's switch to a slave with a higher generation id", async () => {
    const store = await embedded();
    const nodes = await Promise.all(['a', 'b', 'c'].map((id) => node(store, id)));
    try {
      for (const n of nodes) n.m.switchUp('05');
      await until('a master', () => nodes.some((n) => n.m.isMaster('05')));
      const first = nodes.find((n) => n.m.isMaster('05'))!;
      const rest = nodes.filter((n) => n !== first);
      const killedAt = Date.now();
      await first.m.stop(true); // abandon: the lease is left to expire, as when the process dies
      await until('a new master', () => rest.some((n) => n.m.isMaster('05')), 5000);
      const tookMs = Date.now() - killedAt;
      const second = rest.find((n) => n.m.isMaster('05'))!;
      assert.equal(second.changes.at(-1)?.generationId, 2n);
      assert.ok(tookMs < 3000, `failover took ${tookMs} ms with a 1 s lease`);
      const other = rest.find((n) => n !== second)!;
      await until(
        'the other slave learns generation 2',
        () => other.changes.at(-1)?.generationId === 2n && other.changes.at(-1)?.master === second.id,
      );
      assert.equal(other.m.role('05'), 'slave');
    } finally {
      await close(nodes);
      await store.close();
    }
  });

  it('releases the lease when the last connection of a switch closes, so another node takes it at once', async () => {
    const store = await embedded();
    const [a, b] = await Promise.all(['a', 'b'].map((id) => node(store, id, 5000)));
    try {
      a.m.switchUp('07');
      a.m.switchUp('07'); // a second connection of the same switch
      await until('a masters 07', () => a.m.isMaster('07'));
      b.m.switchUp('07');
      await until('b slave', () => b.m.role('07') === 'slave');
      await a.m.switchDown('07');
      assert.ok(a.m.isMaster('07'), 'one connection is still up');
      await a.m.switchDown('07');
      await until('b takes over well before the 5 s ttl', () => b.m.isMaster('07'), 2000);
      assert.equal(b.m.generation('07'), 2n);
    } finally {
      await close([a, b]);
      await store.close();
    }
  });

  it('claims ownership with compare-and-set: concurrent claims get distinct generations', async () => {
    const store = await embedded();
    try {
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => claimOwnership(store, 'ff', id)));
      const gens = results.map((r) => (r.ok ? r.value.generationId : -1)).sort();
      assert.deepEqual(gens, [1, 2, 3, 4]);
    } finally {
      await store.close();
    }
  });
});
