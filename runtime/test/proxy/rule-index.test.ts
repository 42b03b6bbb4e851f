// The tenant flow table's indexes (src/proxy/rule-index.ts): the key table under forced hash
// collisions (clusters, wrap-around, backward-shift deletion, growth and shrinking), against a
// plain Map over random operations; the cookie table and the key arena the same way; keys of
// OpenFlow 1.0 and 1.3 flow-mods (from the match, from the 1.3 decoder's canonical bytes) agreeing
// with matchKey; and the flow table over many rules against a Map of what it should hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CookieTable,
  KeyArena,
  KeyTable,
  RuleKey,
  cookieHash,
  hashBytes,
  keyHash,
  keyOfMatch,
  keyOfText,
} from '../../src/proxy/rule-index.js';
import { matchKey, readHot, isRefusal, writeHot } from '../../src/proxy/hot-messages.js';
import { flowModKey } from '../../src/proxy/frame-key.js';
import { SliceFlowTable, ruleKey } from '../../src/proxy/flow-table.js';
import { OFP10, OFP13, type FlowMatch, type Instruction, type MessageOf, type OfMessage } from '../../src/proxy/messages.js';
import { OFPFC as FC } from '../../src/openflow/constants.js';

/** A small seeded generator (tests repeat exactly). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A key whose hash is chosen (to force collisions), its bytes `text`'s characters. */
function keyWithHash(text: string, hash: number): RuleKey {
  const b = Buffer.from(text, 'latin1');
  return new RuleKey(b, 0, b.length, hash);
}

/** A key table with its arena, indexed by slot, as the flow table keeps them. */
function keyRig(slots: number) {
  const keys = new KeyArena();
  keys.grow(slots);
  const table = new KeyTable();
  const put = (slot: number, priority: number, key: RuleKey, hash: number) => {
    assert.equal(table.find(keys, priority, key, hash), -1);
    table.insert(keys.set(slot, priority, key, hash), hash, true);
  };
  const drop = (slot: number) => {
    assert.ok(table.remove(keys.at[slot]!, keys.hashOf(slot)));
    keys.release(slot);
  };
  return { keys, table, put, drop };
}

/** A cookie table with the flow table's cookie column (slot → cookie) it reads. */
function cookieRig(slots: number) {
  const cookies = new BigUint64Array(slots);
  const words = new Int32Array(cookies.buffer);
  const table = new CookieTable();
  return {
    table,
    insert: (slot: number, cookie: bigint) => {
      cookies[slot] = cookie;
      table.insert(slot, words);
    },
    remove: (slot: number) => table.remove(slot, words),
    find: (cookie: bigint) => table.find(cookie, words),
  };
}

test('key table: colliding keys (one hash, and hashes that wrap round the table) are told apart by priority and bytes', () => {
  const { keys, table, put, drop } = keyRig(8);
  // 15 is the last entry of the 16-entry table: the cluster wraps round to entries 0, 1, ...
  for (const h of [7, 15]) {
    const a = keyWithHash('a', h);
    put(0, 1, a, h);
    put(1, 2, a, h); // the same key at another priority
    put(2, 1, keyWithHash('b', h), h);
    put(3, 1, keyWithHash('', h), h); // the empty match
    assert.equal(table.find(keys, 1, keyWithHash('a', h), h), 0);
    assert.equal(table.find(keys, 2, keyWithHash('a', h), h), 1);
    assert.equal(table.find(keys, 1, keyWithHash('b', h), h), 2);
    assert.equal(table.find(keys, 1, keyWithHash('', h), h), 3);
    assert.equal(table.find(keys, 1, keyWithHash('c', h), h), -1);
    assert.equal(table.find(keys, 3, keyWithHash('a', h), h), -1);
    // Deleting from the head of the cluster moves the others back: all still found, the deleted one not.
    drop(0);
    assert.equal(table.find(keys, 1, keyWithHash('a', h), h), -1);
    assert.equal(table.find(keys, 2, keyWithHash('a', h), h), 1);
    assert.equal(table.find(keys, 1, keyWithHash('b', h), h), 2);
    assert.equal(table.find(keys, 1, keyWithHash('', h), h), 3);
    for (const slot of [1, 2, 3]) drop(slot);
    assert.equal(table.size, 0);
    assert.equal(table.find(keys, 1, keyWithHash('b', h), h), -1);
  }
  assert.equal(table.remove(12345 * 4, 3), false, 'a block the table does not hold');
});

test('key table against a Map: random adds and deletes over few hashes (long clusters), growing and shrinking', () => {
  const slots = 5000;
  const { keys, table, put, drop } = keyRig(slots);
  const oracle = new Map<string, number>(); // `${priority}/${text}` → slot
  const slotOf = new Map<number, string>();
  const free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  const rand = rng(17);
  // Hashes from a small set, some with high bits: clusters, wrap-around, entries moving back.
  const hashOf = (text: string, priority: number) => [3, 15, 16, -1, 0x7ffffff0, 40][(text.length * 7 + priority) % 6]!;
  for (let step = 0; step < 40_000; step++) {
    // Grow to ~3000 rules, then drain to a few (the table shrinks), twice.
    const phase = Math.floor(step / 10_000) % 2;
    const addBias = phase === 0 ? 0.65 : 0.3;
    const text = 'k'.repeat(Math.floor(rand() * 12)) + String(Math.floor(rand() * 400));
    const priority = Math.floor(rand() * 3);
    const id = `${priority}/${text}`;
    const hash = hashOf(text, priority);
    const found = table.find(keys, priority, keyWithHash(text, hash), hash);
    assert.equal(found, oracle.get(id) ?? -1, `find ${id} at step ${step}`);
    if (rand() < addBias) {
      if (found >= 0 || free.length === 0) continue;
      const slot = free.pop()!;
      put(slot, priority, keyWithHash(text, hash), hash);
      oracle.set(id, slot);
      slotOf.set(slot, id);
    } else if (slotOf.size > 0) {
      // Delete a random held rule.
      const victims = [...slotOf.keys()];
      const slot = victims[Math.floor(rand() * victims.length)]!;
      drop(slot);
      oracle.delete(slotOf.get(slot)!);
      slotOf.delete(slot);
      free.push(slot);
    }
    assert.equal(table.size, oracle.size);
    if (step % 700 === 0) table.settle(); // a statistics round
  }
  // Everything the Map holds is found; the arena gives each slot its key back.
  for (const [id, slot] of oracle) {
    const [p, text] = [Number(id.split('/')[0]), id.slice(id.indexOf('/') + 1)];
    assert.equal(table.find(keys, p, keyWithHash(text, hashOf(text, p)), hashOf(text, p)), slot);
    assert.equal(keys.text(slot), text);
  }
});

test('tables keep their size through a round that filled them and shrink after a round that did not', () => {
  const { table, insert, remove, find } = cookieRig(1000);
  const cookie = (i: number) => (1n << 48n) | BigInt(i);
  for (let i = 0; i < 1000; i++) insert(i, cookie(i));
  const full = table.capacity;
  assert.ok(full * 0.75 >= 1000, 'at most three quarters full');
  for (let i = 10; i < 1000; i++) assert.ok(remove(i));
  table.settle();
  assert.equal(table.capacity, full, 'it held 1000 since the last settle');
  for (let i = 10; i < 200; i++) insert(i, cookie(i));
  for (let i = 10; i < 200; i++) remove(i);
  table.settle();
  assert.ok(table.capacity < full / 4 && table.capacity >= 40, `shrunk to ${table.capacity}, at most a quarter full`);
  for (let i = 0; i < 1000; i++) assert.equal(find(cookie(i)), i < 10 ? i : -1);
  // The key table forgets where its last miss ended when it is rehashed.
  const { keys, table: byKey, put } = keyRig(4000);
  for (let i = 0; i < 300; i++) put(i, 1, keyWithHash(`k${i}`, i * 7), i * 7);
  for (let i = 0; i < 300; i++) byKey.remove(keys.at[i]!, i * 7);
  byKey.settle();
  const big = byKey.capacity;
  assert.equal(byKey.find(keys, 1, keyWithHash('x', 1000), 1000), -1); // ends on entry 1000
  byKey.settle();
  assert.ok(byKey.capacity < big, 'shrunk');
  byKey.insert(keys.set(300, 1, keyWithHash('x', 1000), 1000), 1000, true);
  assert.equal(byKey.find(keys, 1, keyWithHash('x', 1000), 1000), 300);
});

test('cookie table against a Map: many cookies (growth), deletes, cookies of other slices with the same rule bits', () => {
  const n = 20_000;
  const { table, insert, remove, find } = cookieRig(n);
  const oracle = new Map<bigint, number>();
  const rand = rng(5);
  let next = 0;
  for (let i = 0; i < n; i++) {
    // Slices 1 and 2 with overlapping rule numbers: equal low bits, another prefix.
    const cookie = (BigInt(1 + (i % 2)) << 48n) | BigInt(Math.floor(i / 2));
    insert(next, cookie);
    oracle.set(cookie, next++);
  }
  assert.equal(table.size, n);
  for (const [cookie, slot] of oracle)
    if (rand() < 0.5) {
      assert.ok(remove(slot));
      oracle.delete(cookie);
    }
  assert.equal(table.size, oracle.size);
  for (let i = 0; i < n; i++) {
    const cookie = (BigInt(1 + (i % 2)) << 48n) | BigInt(Math.floor(i / 2));
    assert.equal(find(cookie), oracle.get(cookie) ?? -1);
  }
  assert.equal(find(3n << 48n), -1);
  for (const slot of oracle.values()) assert.ok(remove(slot));
  assert.equal(table.size, 0);
});

test('cookie table: cookies with the same hash are told apart by the cookie itself', () => {
  // cookieHash mixes the low word with the high word times a constant: choose low words that cancel.
  const lo = 0x1234;
  const collide = (hi: number) => (BigInt(hi) << 32n) | BigInt((lo ^ Math.imul(1, 0x9e3779b1) ^ Math.imul(hi, 0x9e3779b1)) >>> 0);
  const list = [1, 2, 3, 0x10000].map(collide);
  assert.equal(new Set(list.map(cookieHash)).size, 1, 'the crafted cookies collide');
  const { insert, remove, find } = cookieRig(8);
  for (const [slot, c] of list.entries()) insert(slot, c);
  for (const [slot, c] of list.entries()) assert.equal(find(c), slot);
  assert.equal(find(collide(4)), -1);
  // Equal low words, another high word, the same entry to start from in a small table.
  const lone = cookieRig(1);
  const first = (5n << 48n) | 77n;
  let hi = 6;
  while ((cookieHash((BigInt(hi) << 48n) | 77n) & 15) !== (cookieHash(first) & 15)) hi++;
  const other = (BigInt(hi) << 48n) | 77n;
  lone.insert(0, first);
  assert.equal(lone.find(other), -1);
  assert.equal(lone.find(first), 0);
  assert.ok(remove(1));
  assert.deepEqual(
    list.map((c) => find(c)),
    [0, -1, 2, 3],
  );
});

test('key arena: freed blocks are taken by keys of their size; keys survive new pages; a block names its slot, priority and hash', () => {
  const arena = new KeyArena();
  arena.grow(2000);
  // Some 100 kB of keys: pages of 256 bytes doubling to 64 kB, and a second 64 kB page.
  const texts = Array.from({ length: 2000 }, (_, i) => `key-${i}-${'x'.repeat(i % 37)}`);
  for (const [slot, t] of texts.entries()) arena.set(slot, slot % 3, keyWithHash(t, slot), slot);
  const blocks = new Set(arena.at);
  assert.equal(blocks.size, 2000, 'every key a block of its own');
  for (let slot = 0; slot < 2000; slot += 2) arena.release(slot);
  for (let slot = 0; slot < 2000; slot += 2) arena.set(slot, slot % 3, keyWithHash(texts[slot]!.toUpperCase(), slot), slot);
  assert.deepEqual(new Set(arena.at), blocks, 'the freed blocks were taken again, no new ones');
  for (const [slot, t] of texts.entries()) {
    const text = slot % 2 === 0 ? t.toUpperCase() : t;
    assert.equal(arena.text(slot), text);
    assert.ok(arena.equalsAt(arena.at[slot]!, slot % 3, keyWithHash(text, 0)));
    assert.ok(!arena.equalsAt(arena.at[slot]!, (slot % 3) + 1, keyWithHash(text, 0)), 'another priority');
    assert.ok(!arena.equalsAt(arena.at[slot]!, slot % 3, keyWithHash(`${t}!`, 0)));
    assert.equal(arena.slotAt(arena.at[slot]!), slot);
    assert.equal(arena.hashOf(slot), slot);
    assert.equal(arena.priorityOf(slot), slot % 3);
  }
  arena.release(1);
  assert.equal(arena.text(1), '', 'a freed slot has no key');
  // Keys longer than a page (a page of their own) and than the header's 16-bit length, at the top priority.
  for (const [slot, n] of [
    [1, 0xfffe],
    [3, 0xffff],
    [5, 70_000],
    [7, 200_000],
  ] as const) {
    arena.release(slot);
    const t = 'y'.repeat(n - 1) + String.fromCharCode(slot);
    arena.set(slot, 0xffff, keyWithHash(t, -slot), -slot);
    assert.equal(arena.text(slot), t);
    assert.ok(arena.equalsAt(arena.at[slot]!, 0xffff, keyWithHash(t, 0)));
    assert.ok(!arena.equalsAt(arena.at[slot]!, 0xffff, keyWithHash(`${t}z`, 0)), 'one byte longer');
    assert.ok(!arena.equalsAt(arena.at[slot]!, 0xffff, keyWithHash(t.slice(1), 0)), 'one byte shorter');
    assert.ok(!arena.equalsAt(arena.at[slot]!, 0xfffe, keyWithHash(t, 0)), 'another priority');
    assert.equal(arena.slotAt(arena.at[slot]!), slot);
    assert.equal(arena.hashOf(slot), -slot);
    assert.equal(arena.priorityOf(slot), 0xffff);
  }
  // Keys in the shared ring, as the flow table makes them: a difference anywhere is seen.
  const base = 'abcdefghijklmnopqrstu'; // 21 bytes: five words and one byte
  arena.set(9, 4, keyOfText(base), 0);
  assert.ok(arena.equalsAt(arena.at[9]!, 4, keyOfText(base)));
  // A key from the match sits 4 bytes past an 8-byte boundary of the ring, a key from text on one.
  const m: FlowMatch = { in_port: { value: 3n }, eth_src: { value: 0x020000000005n }, eth_type: { value: 0x800n } };
  arena.set(11, 4, keyOfMatch(m, matchKey), 0);
  assert.ok(arena.equalsAt(arena.at[11]!, 4, keyOfText(matchKey(m))));
  assert.ok(arena.equalsAt(arena.at[11]!, 4, keyOfMatch(m, matchKey)));
  assert.ok(!arena.equalsAt(arena.at[11]!, 4, keyOfMatch({ ...m, in_port: { value: 4n } }, matchKey)));
  arena.set(11, 4, keyOfText(texts[11]!), 0);
  for (const other of ['abcdXfghijklmnopqrstu', 'abcdefghijklmnopqrstX', 'abcdefghijklmnopqrst', `${base}v`, 'Xbcdefghijklmnopqrstu'])
    assert.ok(!arena.equalsAt(arena.at[9]!, 4, keyOfText(other)), other);
  arena.set(9, 4, keyOfText(texts[9]!), 0);
  // The small keys are untouched by the large ones.
  for (let slot = 9; slot < 2000; slot += 2) assert.equal(arena.text(slot), texts[slot]);
});

const learning = (i: number): FlowMatch => ({
  in_port: { value: BigInt(1 + (i % 16)) },
  eth_dst: { value: 0x020000000001n },
  eth_src: { value: 0x020000000000n + BigInt(i) },
});

/** A flow-mod of each version through the fast writer and reader (what a tenant sends, as the proxy reads it). */
function decoded(version: typeof OFP10 | typeof OFP13, match: FlowMatch): { msg: MessageOf<'flow_mod'>; frame: Buffer } {
  const m = {
    version,
    xid: 1,
    type: 'flow_mod' as const,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: FC.ADD,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 7,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: 0,
    match,
    instructions: [],
  };
  const frame = writeHot(m as OfMessage)!;
  const r = readHot(frame);
  assert.ok(r !== null && !isRefusal(r) && r.type === 'flow_mod');
  return { msg: r as MessageOf<'flow_mod'>, frame };
}

test("keys of 1.0 and 1.3 flow-mods: the match's canonical bytes (matchKey's string), from the match or from the 1.3 decoder", () => {
  const bytesOf = (k: RuleKey) => k.buf.subarray(k.off, k.off + k.len).toString('latin1');
  const cases: FlowMatch[] = [
    {},
    learning(3),
    { eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a000000n, mask: 0xff000000n }, ip_proto: { value: 6n }, tcp_dst: { value: 80n } },
    // Out of field order as written, and a mask equal to the whole field (dropped): still canonical.
    { ipv4_dst: { value: 1n }, eth_type: { value: 0x800n }, in_port: { value: 2n, mask: 0xffffffffn } },
    // A key of more than 32 bytes (an exact match's is some 80).
    { ...learning(5), eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a000001n } },
  ];
  assert.ok(matchKey(cases[4]!).length > 32);
  for (const m of cases) {
    const k = keyOfMatch(m, matchKey);
    assert.equal(bytesOf(k), matchKey(m));
    assert.equal(k.toString(), matchKey(m));
    const again = keyOfText(matchKey(m));
    assert.equal(again.hash, k.hash, 'the same bytes hash the same however the key was made');
    assert.equal(again.hash, hashBytes(Buffer.from(matchKey(m), 'latin1'), 0, again.len));
    // 1.3: the decoder hands over the bytes it read when they were canonical; 1.0: the key comes from the match.
    const v13 = decoded(OFP13, m);
    assert.ok(v13.msg.matchKeyAt !== undefined, 'the 1.3 decoder found the canonical bytes');
    assert.equal(flowModKey(v13.msg, v13.frame).toString(), matchKey(m));
    assert.equal(flowModKey(v13.msg, v13.frame).hash, k.hash);
    const v10 = decoded(OFP10, m);
    assert.equal(v10.msg.matchKeyAt, undefined);
    assert.equal(flowModKey(v10.msg, v10.frame).toString(), matchKey(v10.msg.match));
    assert.equal(ruleKey(v10.msg.match).toString(), matchKey(v10.msg.match));
  }
  // Priorities part the same key in the key table's hash.
  const k = keyOfMatch(learning(1), matchKey);
  assert.notEqual(keyHash(1, k), keyHash(2, k));
  // A value that does not fit its field: matchKey's text form, kept as its characters.
  const odd: FlowMatch = { eth_src: { value: 1n << 60n } };
  assert.equal(keyOfMatch(odd, matchKey).toString(), matchKey(odd));
  assert.notEqual(matchKey(odd).charCodeAt(0), 0x80);
});

test('flow table over many rules against a Map: adds, replacing adds, strict lookups and deletes, removals, statistics rounds', () => {
  const table = new SliceFlowTable(() => 0);
  const oracle = new Map<string, { cookie: bigint; physical: number }>(); // `${priority}/${i}` → the live rule
  const rand = rng(99);
  let nextCookie = 1n;
  const add = (i: number, priority: number, physical: number, viaDecoder: boolean) => {
    const match = learning(i);
    const key = viaDecoder ? ruleKey(match, matchKey(match)) : ruleKey(match);
    const had = table.existing(match, priority, key);
    assert.equal(had?.cookie, oracle.get(`${priority}/${i}`)?.cookie);
    const cookie = had?.cookie ?? nextCookie++;
    table.add({ cookie, tenantCookie: 0n, match, priority, flags: 0, idleTimeout: 0, hardTimeout: 0, instructions: [] }, physical, key);
    oracle.set(`${priority}/${i}`, { cookie, physical });
  };
  const entries = () => [...oracle.values()].reduce((n, r) => n + r.physical, 0);
  for (let step = 0; step < 30_000; step++) {
    const i = Math.floor(rand() * 6000);
    const priority = 1 + Math.floor(rand() * 2);
    const r = rand();
    const id = `${priority}/${i}`;
    if (r < 0.6) add(i, priority, 1 + Math.floor(rand() * 2), rand() < 0.5);
    else if (r < 0.75) {
      // A strict delete (as tenant-direction selects and deletes).
      const match = learning(i);
      const hits = table.select({
        strict: true,
        match,
        key: ruleKey(match),
        priority,
        cookie: 0n,
        cookieMask: 0n,
        outPort: 0xffffffff,
        outGroup: 0xffffffff,
      });
      assert.equal(hits.length, oracle.has(id) ? 1 : 0);
      table.delete(hits);
      oracle.delete(id);
    } else if (r < 0.9) {
      // The switch removes one physical rule of a live rule.
      const rule = oracle.get(id);
      if (!rule) continue;
      const gone = table.removed(rule.cookie);
      if (--rule.physical === 0) {
        assert.ok(gone);
        assert.equal(gone.deleted, true);
        assert.equal(gone.key, matchKey(learning(i)));
        assert.equal(gone.priority, priority);
        assert.deepEqual(gone.match, learning(i));
        oracle.delete(id);
      } else assert.equal(gone, null);
    } else if (r < 0.9005) {
      // A statistics round that reports only the even rules.
      const round = table.startRound();
      const present = new Map<bigint, number>();
      for (const [k, v] of oracle)
        if (Number(k.split('/')[1]) % 2 === 0) present.set(v.cookie, v.physical);
        else oracle.delete(k);
      table.reconcile(round, present);
    }
    assert.equal(table.entries, entries(), `entries at step ${step}`);
  }
  const live = table.rules();
  assert.equal(live.length, oracle.size);
  for (const rule of live) {
    const i = Number(rule.match.eth_src!.value - 0x020000000000n);
    assert.equal(oracle.get(`${rule.priority}/${i}`)?.cookie, rule.cookie);
    assert.equal(table.byProxyCookie(rule.cookie)?.key, matchKey(learning(i)));
  }
});

test('flow table through growth: after every growth of its columns, indexes and key pages, each rule is found once, by cookie and by match', () => {
  const table = new SliceFlowTable(() => 0);
  // Two key sizes (the exact match's key is three times the learning switch's), two priorities.
  const matchOf = (i: number): FlowMatch =>
    i % 3 === 0 ? { ...learning(i), eth_type: { value: 0x800n }, ipv4_src: { value: BigInt(i) }, ip_proto: { value: 17n } } : learning(i);
  const live = new Map<number, bigint>(); // i → cookie
  const check = (when: string) => {
    assert.equal(table.size, live.size, `tracked rules ${when}`);
    assert.equal(table.entries, live.size, `entries ${when}`);
    const rules = table.rules();
    assert.equal(rules.length, live.size, `live rules listed ${when}`);
    assert.equal(new Set(rules.map((r) => r.cookie)).size, live.size, `no rule listed twice ${when}`);
    for (const [i, cookie] of live) {
      const m = matchOf(i);
      const r = table.byProxyCookie(cookie);
      assert.ok(r, `rule ${i} by cookie ${when}`);
      assert.equal(r.key, matchKey(m));
      assert.equal(r.priority, 1 + (i % 2));
      assert.equal(table.existing(m, 1 + (i % 2), ruleKey(m))?.cookie, cookie, `rule ${i} by match ${when}`);
      assert.equal(table.existing(m, 2 - (i % 2), ruleKey(m)), undefined, `rule ${i} at the other priority ${when}`);
    }
  };
  const add = (i: number, cookie: bigint) => {
    const m = matchOf(i);
    assert.equal(table.existing(m, 1 + (i % 2), ruleKey(m)), undefined);
    table.add(
      { cookie, tenantCookie: BigInt(i), match: m, priority: 1 + (i % 2), flags: 0, idleTimeout: 0, hardTimeout: 0, instructions: [] },
      1,
    );
    live.set(i, cookie);
  };
  // Right after each size where the columns grow (64 slots, then by half: 64 · 1.5^k rounded up)
  // or the indexes double (past three quarters of 16 · 2^k entries).
  const columns = [64, 96, 144, 216, 324, 486, 729, 1094, 1641, 2462, 3693, 5540, 8310, 12465, 18698];
  const indexes = [12, 24, 48, 96, 192, 384, 768, 1536, 3072, 6144, 12288];
  const growths = new Set([...columns, ...indexes].map((g) => g + 1));
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    add(i, (1n << 48n) | BigInt(i));
    if (growths.has(i + 1)) check(`at ${i + 1} rules`);
  }
  check('after the adds');
  // Half leave (flow-removed): their slots and key blocks are taken again by new rules.
  for (let i = 0; i < n; i += 2) {
    const gone = table.removed(live.get(i)!);
    assert.equal(gone?.key, matchKey(matchOf(i)));
    assert.equal(gone?.tenantCookie, BigInt(i));
    live.delete(i);
  }
  // Gone from both indexes (an entry that growth had copied twice would still be found).
  for (let i = 0; i < n; i += 2) {
    assert.equal(table.byProxyCookie((1n << 48n) | BigInt(i)), undefined, `rule ${i} by cookie after it left`);
    assert.equal(table.existing(matchOf(i), 1 + (i % 2), ruleKey(matchOf(i))), undefined, `rule ${i} by match after it left`);
  }
  check('after half left');
  for (let i = n; i < n + n / 2; i++) add(i, (2n << 48n) | BigInt(i)); // another slice's prefix, the same rule bits
  check('after new rules took their place');
  // A statistics round that lists a tenth: the rest leave, the indexes shrink at the next rounds.
  const round = table.startRound();
  const present = new Map<bigint, number>();
  for (const [i, cookie] of live)
    if (i % 10 === 1) present.set(cookie, 1);
    else live.delete(i);
  table.reconcile(round, present);
  table.reconcile(table.startRound(), present);
  table.reconcile(table.startRound(), present);
  check('after the indexes shrank');
});

test('past 4096 distinct instruction lists, a rule keeps its own list (not shared), through modifies and removal', () => {
  const table = new SliceFlowTable(() => 0);
  const list = (i: number): Instruction[] => [
    { type: 'apply_actions', actions: [{ type: 'output', port: 1 + (i % 60_000), maxLen: 1 + Math.floor(i / 60_000) }] },
  ];
  const n = 5000;
  for (let i = 0; i < n; i++)
    table.add(
      {
        cookie: BigInt(i + 1),
        tenantCookie: 0n,
        match: learning(i),
        priority: 1,
        flags: 0,
        idleTimeout: 0,
        hardTimeout: 0,
        instructions: list(i),
      },
      1,
    );
  for (let i = 0; i < n; i++) assert.deepEqual(table.byProxyCookie(BigInt(i + 1))?.instructions, list(i), `rule ${i}`);
  // A modify gives a rule a list already shared, and another one a list of its own.
  table.modified(table.byProxyCookie(BigInt(n))!, list(0));
  table.modified(table.byProxyCookie(1n)!, list(n + 7));
  assert.deepEqual(table.byProxyCookie(BigInt(n))?.instructions, list(0));
  assert.deepEqual(table.byProxyCookie(1n)?.instructions, list(n + 7));
  // A removed rule's copy keeps its list; the slot's next rule does not inherit it.
  const gone = table.removed(BigInt(n - 1));
  assert.deepEqual(gone?.instructions, list(n - 2));
  table.add(
    { cookie: 99_999n, tenantCookie: 0n, match: learning(n + 1), priority: 1, flags: 0, idleTimeout: 0, hardTimeout: 0, instructions: [] },
    1,
  );
  assert.deepEqual(table.byProxyCookie(99_999n)?.instructions, []);
  for (let i = 1; i < n - 2; i++) assert.deepEqual(table.byProxyCookie(BigInt(i + 1))?.instructions, list(i), `rule ${i} after`);
});
