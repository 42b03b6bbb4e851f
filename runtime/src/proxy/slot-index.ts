// An open-addressing hash index from 32-bit hashes to slot numbers (the tenant flow table's
// "proxy cookie → rule" and "priority and match → rule" lookups), in one Int32Array: linear
// probing, deletion by backward shift (no tombstones). No object or map entry per rule, so rules
// that come and go by the hundred thousand leave no garbage behind (a JS Map reallocates its
// whole backing store every few thousand inserts under such churn, in V8's large-object space,
// freed only by a full collection); the array doubles past half full and halves below a
// sixteenth (far apart, so a table that swings by a factor of three does not resize every swing).
// The caller keeps each slot's hash (`hashOf`) and does the comparisons: `start`/`next` walk the
// probe sequence of a hash.

const EMPTY = -1;
const MIN_SIZE = 64;

export class SlotIndex {
  private table = new Int32Array(MIN_SIZE).fill(EMPTY);
  private mask = MIN_SIZE - 1;
  private count = 0;

  /** `hashOf(slot)`: the hash the slot was inserted under (needed to move entries). */
  constructor(private readonly hashOf: (slot: number) => number) {}

  get size(): number {
    return this.count;
  }

  /** Bytes of the index itself. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** The first position of `hash`'s probe sequence. */
  start(hash: number): number {
    return hash & this.mask;
  }

  /** The slot at probe position `pos` (EMPTY, -1: the sequence ends). */
  at(pos: number): number {
    return this.table[pos]!;
  }

  /** The probe position after `pos`. */
  next(pos: number): number {
    return (pos + 1) & this.mask;
  }

  insert(slot: number, hash: number): void {
    if ((this.count + 1) * 2 > this.table.length) this.resize(this.table.length * 2);
    this.place(slot, hash);
    this.count++;
  }

  /** Removes `slot` (inserted under `hash`); false when it is not there. */
  remove(slot: number, hash: number): boolean {
    const t = this.table;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const at = t[i]!;
      if (at === EMPTY) return false;
      if (at === slot) break;
      i = (i + 1) & mask;
    }
    // Backward shift: later entries of the cluster that may move into the hole do.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const at = t[j]!;
      if (at === EMPTY) break;
      const home = this.hashOf(at) & mask;
      // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      t[i] = at;
      i = j;
    }
    t[i] = EMPTY;
    this.count--;
    if (this.count * 16 < t.length && t.length > MIN_SIZE) this.resize(t.length / 2);
    return true;
  }

  /** Every slot, then an empty index of the smallest size (slots are renumbered by `rebuild`). */
  clear(): void {
    this.table = new Int32Array(MIN_SIZE).fill(EMPTY);
    this.mask = MIN_SIZE - 1;
    this.count = 0;
  }

  /** The index over `slots` (each under hashOf), sized for them. */
  rebuild(slots: Iterable<number>, expected: number): void {
    let size = MIN_SIZE;
    while (size < expected * 2) size *= 2;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.count = 0;
    for (const slot of slots) {
      this.place(slot, this.hashOf(slot));
      this.count++;
    }
  }

  private place(slot: number, hash: number): void {
    const t = this.table;
    const mask = this.mask;
    let i = hash & mask;
    while (t[i] !== EMPTY) i = (i + 1) & mask;
    t[i] = slot;
  }

  private resize(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    for (let i = 0; i < old.length; i++) {
      const slot = old[i]!;
      if (slot !== EMPTY) this.place(slot, this.hashOf(slot));
    }
  }
}

/** A 32-bit hash of a match key and priority (FNV-1a over the key's char codes, then mixed). */
export function keyHash(priority: number, key: string): number {
  let h = 0x811c9dc5 ^ priority;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** A 32-bit hash of a proxy cookie's rule bits (an integer below 2^53). */
export function idHash(id: number): number {
  const lo = id >>> 0;
  const hi = Math.floor(id / 0x100000000);
  let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return h ^ (h >>> 15);
}
