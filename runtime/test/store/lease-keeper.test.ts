// LeaseKeeper on the embedded store: it takes a free lease, and a renewal that does not come back
// before the lease's expiry (a store call held up, as when a cut-off Hazelcast member owes the
// backup ack) loses the lease at its expiry by this process's clock, not whenever the call ends;
// once the store answers again the keeper takes the lease anew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedStore, LeaseKeeper, type GlobalStore, type Lease } from '../../src/store/index.js';

async function until(what: string, cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a renewal held up past the expiry loses the lease at the expiry; the keeper takes it again later', async () => {
  const opened = await EmbeddedStore.open();
  assert.ok(opened.ok);
  const inner = opened.value;
  let held: Promise<void> | undefined;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'renewLease')
        return async (l: Lease) => {
          if (held) await held;
          return target.renewLease(l);
        };
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GlobalStore;
  const keeper = new LeaseKeeper(store, 'switch/1', 'a', 1000);
  const events: Array<[string, number]> = [];
  keeper.on('acquired', () => events.push(['acquired', Date.now()]));
  keeper.on('lost', () => events.push(['lost', Date.now()]));
  try {
    await keeper.start();
    assert.equal(events[0]?.[0], 'acquired');
    let release: () => void = () => undefined;
    held = new Promise<void>((r) => (release = r));
    const expiresAt = keeper.held!.expiresAt;
    await until('lost', () => events.some(([e]) => e === 'lost'));
    const lostAt = events.find(([e]) => e === 'lost')![1];
    assert.equal(keeper.held, undefined, 'not held once lost');
    // At the expiry (a timer may fire a millisecond early by Date.now()), not at the renewal (ttl/3).
    assert.ok(lostAt >= expiresAt - 20, `lost ${expiresAt - lostAt} ms before the expiry`);
    // The held-up renewal is still under way: nothing else happens until the store answers.
    held = undefined;
    release();
    await until('taken again', () => events.filter(([e]) => e === 'acquired').length === 2);
    assert.deepEqual(
      events.map(([e]) => e),
      ['acquired', 'lost', 'acquired'],
    );
    const again = keeper.held as Lease | undefined;
    assert.ok(again && again.expiresAt > Date.now());
  } finally {
    await keeper.stop();
    await inner.close();
  }
});
