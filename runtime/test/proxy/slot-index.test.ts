// The flow table's hash index (slot-index.ts) against a Map: random inserts and removals under a
// hash that collides on purpose (long probe sequences, wrap-around, backward shifts), growth and
// shrinking, and the key and cookie hashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idHash, keyHash, SlotIndex } from '../../src/proxy/slot-index.js';

/** Every slot the index holds under `hash`, by walking its probe sequence. */
function finds(ix: SlotIndex, slot: number, hash: number): boolean {
  for (let p = ix.start(hash); ; p = ix.next(p)) {
    const at = ix.at(p);
    if (at < 0) return false;
    if (at === slot) return true;
  }
}

test('inserts and removals under colliding hashes agree with a Map, through growth and shrinking', () => {
  // Few distinct hashes, some near the top of the range: long clusters that wrap around.
  const hashes = new Map<number, number>();
  const hashOf = (slot: number) => hashes.get(slot)!;
  const ix = new SlotIndex(hashOf);
  let seed = 7;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const held = new Set<number>();
  let maxBytes = 0;
  for (let step = 0; step < 20_000; step++) {
    const slot = rnd(3000);
    if (held.has(slot) && rnd(3) > 0) {
      assert.equal(ix.remove(slot, hashOf(slot)), true);
      held.delete(slot);
    } else if (!held.has(slot)) {
      hashes.set(slot, (rnd(11) * 0x0ccccccd) | 0);
      ix.insert(slot, hashOf(slot));
      held.add(slot);
    }
    maxBytes = Math.max(maxBytes, ix.bytes);
    if (step % 500 === 0) {
      for (const s of held) assert.ok(finds(ix, s, hashOf(s)), `slot ${s} findable`);
      for (let s = 0; s < 3000; s++) if (!held.has(s) && hashes.has(s)) assert.ok(!finds(ix, s, hashOf(s)), `slot ${s} gone`);
    }
    assert.equal(ix.size, held.size);
  }
  assert.equal(ix.remove(100_000, 5), false, 'a slot never inserted');
  for (const s of [...held]) {
    assert.ok(ix.remove(s, hashOf(s)));
    held.delete(s);
  }
  assert.equal(ix.size, 0);
  assert.ok(ix.bytes < maxBytes, 'the index shrank when emptied');
  ix.rebuild([1, 2, 3], 3);
  assert.ok([1, 2, 3].every((s) => finds(ix, s, hashOf(s))));
  assert.equal(ix.size, 3);
});

test('key hashes depend on priority and every character; id hashes on the high bits too', () => {
  assert.notEqual(keyHash(1, 'abc'), keyHash(2, 'abc'));
  assert.notEqual(keyHash(1, 'abc'), keyHash(1, 'abd'));
  assert.equal(keyHash(7, '\x80\x01'), keyHash(7, '\x80\x01'));
  assert.notEqual(idHash(5), idHash(5 + 2 ** 40));
  assert.equal(idHash(2 ** 47 + 3), idHash(2 ** 47 + 3));
});
