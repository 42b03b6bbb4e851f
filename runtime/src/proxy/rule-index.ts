// The tenant flow table's indexes (flow-table.ts): its rules by priority and match key and by proxy
// cookie, as open-addressing hash tables in typed arrays (linear probing, backward-shift deletion,
// doubled past half full, shrunk when a statistics round's peak stayed below an eighth), and the
// rules' match keys as bytes in one arena.
// A flow setup hashes its match's canonical bytes once and builds no string; a tracked rule costs
// no Map entry and no string object. docs/dataplane.md, "The tenant flow table".
import { writeMatchKey } from './hot-messages.js';
import type { FlowMatch } from './messages.js';

/**
 * A rule's match key: the canonical bytes hot-messages.ts's `matchKey` makes a string of (or the
 * text of a text key) in `buf[off, off + len)`, and their hash. Made by `keyOfMatch`/`keyOfText` in
 * a shared ring of scratch bytes: use it right away (the ring comes round after some 600 keys).
 */
export class RuleKey {
  constructor(
    readonly buf: Buffer,
    readonly off: number,
    readonly len: number,
    readonly hash: number,
  ) {}

  /** The key as matchKey's string (latin1). */
  toString(): string {
    return this.buf.toString('latin1', this.off, this.off + this.len);
  }
}

/** Final avalanche of a 32-bit hash (every input bit moves every output bit). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A 32-bit hash of `b[off, off + len)`, four bytes a step. */
export function hashBytes(b: Uint8Array, off: number, len: number): number {
  let h = len | 0;
  const end = off + len;
  const end4 = off + (len & ~3);
  let i = off;
  for (; i < end4; i += 4) {
    const k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    h = Math.imul(h ^ Math.imul(k, 0xcc9e2d51), 0x1b873593);
    h = (h << 13) | (h >>> 19);
  }
  for (; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return mix(h);
}

/** The key table's hash of a (priority, key) pair. */
export const keyHash = (priority: number, key: RuleKey): number => mix(key.hash ^ Math.imul(priority + 1, 0x9e3779b1));

const RING = Buffer.alloc(1 << 16);
/** Room a binary key takes at most (writeMatchKey's header, key and padding). */
const KEY_ROOM = 4096 + 8;
let ringAt = 0;

/** The key of a match, as its canonical bytes (matchKey's text form when a value does not fit its field). */
export function keyOfMatch(m: FlowMatch, text: (m: FlowMatch) => string): RuleKey {
  if (ringAt + KEY_ROOM > RING.length) ringAt = 0;
  const at = ringAt;
  const n = writeMatchKey(m, RING, at);
  if (n < 0) return keyOfText(text(m));
  ringAt = (at + 4 + n + 7) & ~7;
  return new RuleKey(RING, at + 4, n, hashBytes(RING, at + 4, n));
}

/** The key whose bytes are `key`'s characters (matchKey's string, binary or text form). */
export function keyOfText(key: string): RuleKey {
  const n = key.length;
  if (n > KEY_ROOM) {
    const own = Buffer.from(key, 'latin1');
    return new RuleKey(own, 0, n, hashBytes(own, 0, n));
  }
  if (ringAt + n > RING.length) ringAt = 0;
  const at = ringAt;
  // (a native copy past a few dozen characters: a 1.3 exact match's key is some 80)
  if (n > 32) RING.write(key, at, 'latin1');
  else for (let i = 0; i < n; i++) RING[at + i] = key.charCodeAt(i);
  ringAt = (at + n + 7) & ~7;
  return new RuleKey(RING, at, n, hashBytes(RING, at, n));
}

/** Bytes of a key block's header: the key's length (32 bits) and the rule's priority (16), little-endian. */
const HEADER = 8;

/**
 * The tracked rules' keys by slot, in one buffer: a slot's block (at `at`; 0: none) holds the key's
 * length, the rule's priority and the key's bytes, so the key table compares a probe with one
 * memory access; blocks are rounded up to 8 bytes, and freed ones are taken again by keys of their
 * size (learning controllers' keys are all of a few sizes), so the buffer never needs compacting;
 * it grows by half when no freed block fits. Also each slot's key-table hash.
 */
export class KeyArena {
  private buf = Buffer.alloc(HEADER);
  /** Block 0 stands for "none". */
  private used = HEADER;
  /** Freed blocks' offsets by size in 8-byte units. */
  private free: number[][] = [];
  at = new Uint32Array(0);
  /** The slot's keyHash (its priority's and key's). */
  hash = new Int32Array(0);

  /** Room for slots [0, cap). */
  grow(cap: number): void {
    const at = new Uint32Array(cap);
    const hash = new Int32Array(cap);
    at.set(this.at);
    hash.set(this.hash);
    this.at = at;
    this.hash = hash;
  }

  /** Stores the slot's key and priority; its block (for the key table's entry). */
  set(slot: number, priority: number, key: RuleKey, hash: number): number {
    const n = key.len;
    const units = (HEADER + n + 7) >> 3;
    let at = this.free[units]?.pop();
    if (at === undefined) {
      const size = units * 8;
      if (this.used + size > this.buf.length) {
        const b = Buffer.allocUnsafe(Math.max(4096, Math.ceil((this.used + size) * 1.5)));
        this.buf.copy(b, 0, 0, this.used);
        this.buf = b;
      }
      at = this.used;
      this.used += size;
    }
    const b = this.buf;
    b[at] = n;
    b[at + 1] = n >>> 8;
    b[at + 2] = n >>> 16;
    b[at + 3] = n >>> 24;
    b[at + 4] = priority;
    b[at + 5] = priority >>> 8;
    const src = key.buf;
    for (let i = at + HEADER, j = key.off, end = j + n; j < end; i++, j++) b[i] = src[j]!;
    this.at[slot] = at;
    this.hash[slot] = hash;
    return at;
  }

  private lengthAt(at: number): number {
    const b = this.buf;
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  }

  release(slot: number): void {
    const at = this.at[slot]!;
    if (at === 0) return;
    (this.free[(HEADER + this.lengthAt(at) + 7) >> 3] ??= []).push(at);
    this.at[slot] = 0;
  }

  /** Whether block `at` holds `priority` and `key`'s bytes. */
  equalsAt(at: number, priority: number, key: RuleKey): boolean {
    const n = key.len;
    const b = this.buf;
    if (this.lengthAt(at) !== n || (b[at + 4]! | (b[at + 5]! << 8)) !== priority) return false;
    const src = key.buf;
    for (let i = at + HEADER, j = key.off, end = j + n; j < end; i++, j++) if (b[i] !== src[j]) return false;
    return true;
  }

  /** The slot's key as matchKey's string ('' when it has none). */
  text(slot: number): string {
    const at = this.at[slot]!;
    return at === 0 ? '' : this.buf.toString('latin1', at + HEADER, at + HEADER + this.lengthAt(at));
  }
}

const MIN_ENTRIES = 16;

/**
 * Slots by hash, open addressing: entry i is `t[3i]` = slot + 1 (0: empty) and two words that let
 * a probe compare without reading the slot's columns (see the subclasses); a probe walks from the
 * hash's entry to the next empty one. At most half full (doubled); `settle` shrinks it when it
 * never held more than an eighth since the last settle (a table that fills and empties every
 * statistics round keeps its size instead of shrinking and growing again each round).
 */
abstract class SlotTable {
  protected t = new Int32Array(3 * MIN_ENTRIES);
  protected mask = MIN_ENTRIES - 1;
  size = 0;
  /** Entries (empty or not). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The most entries held since the last `settle`. */
  private peak = 0;

  /** The hash of the entry at `t[k]`. */
  protected abstract hashAt(t: Int32Array, k: number): number;

  /** Takes entry `i` (empty: where a probe for its hash ended) for `slot`. */
  protected putAt(i: number, slot: number, a: number, b: number): void {
    const k = 3 * i;
    this.t[k] = slot + 1;
    this.t[k + 1] = a;
    this.t[k + 2] = b;
    if (++this.size > this.peak) this.peak = this.size;
    if (this.size * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
  }

  /** The first empty entry from `hash`'s. */
  protected emptyFrom(hash: number): number {
    const t = this.t;
    const mask = this.mask;
    let i = hash & mask;
    while (t[3 * i] !== 0) i = (i + 1) & mask;
    return i;
  }

  /** Removes `slot` (its hash `hash`); the entries after it that probed past it move back. */
  protected removeSlot(slot: number, hash: number): boolean {
    const t = this.t;
    const mask = this.mask;
    let i = hash & mask;
    for (; ; i = (i + 1) & mask) {
      const v = t[3 * i];
      if (v === 0) return false;
      if (v === slot + 1) break;
    }
    for (let j = (i + 1) & mask; t[3 * j] !== 0; j = (j + 1) & mask) {
      // The entry at j may fill the hole at i unless its home lies in (i, j].
      if (((j - this.hashAt(t, 3 * j)) & mask) >= ((j - i) & mask)) {
        t[3 * i] = t[3 * j]!;
        t[3 * i + 1] = t[3 * j + 1]!;
        t[3 * i + 2] = t[3 * j + 2]!;
        i = j;
      }
    }
    t[3 * i] = 0;
    this.size--;
    return true;
  }

  /** Shrinks the table (to at most a quarter full) if it held less than an eighth since the last settle. */
  settle(): void {
    let entries = this.mask + 1;
    if (this.peak * 8 < entries) {
      while (entries > MIN_ENTRIES && this.size * 4 < entries / 2) entries /= 2;
      if (entries < this.mask + 1) this.resize(entries);
    }
    this.peak = this.size;
  }

  private resize(entries: number): void {
    const old = this.t;
    const t = new Int32Array(3 * entries);
    const mask = entries - 1;
    for (let k = 0; k < old.length; k += 3) {
      if (old[k] === 0) continue;
      let i = this.hashAt(old, k) & mask;
      while (t[3 * i] !== 0) i = (i + 1) & mask;
      t[3 * i] = old[k]!;
      t[3 * i + 1] = old[k + 1]!;
      t[3 * i + 2] = old[k + 2]!;
    }
    this.t = t;
    this.mask = mask;
  }

  clear(): void {
    this.t = new Int32Array(3 * MIN_ENTRIES);
    this.mask = MIN_ENTRIES - 1;
    this.size = 0;
    this.peak = 0;
  }
}

/** Live rules by (priority, match key); an entry's words: its hash and the slot's arena block. */
export class KeyTable extends SlotTable {
  /** Where the last `find` that found nothing ended: the entry `insert` then takes (-1: probe again). */
  private hole = -1;

  protected hashAt(t: Int32Array, k: number): number {
    return t[k + 1]!;
  }

  /** The slot with `priority` and `key` (`hash`: their keyHash), or -1. */
  find(keys: KeyArena, priority: number, key: RuleKey, hash: number): number {
    const t = this.t;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = 3 * i;
      const v = t[k]!;
      if (v === 0) {
        this.hole = i;
        return -1;
      }
      if (t[k + 1] === hash && keys.equalsAt(t[k + 2]!, priority, key)) return v - 1;
    }
  }

  /**
   * Adds `slot` under `hash` with its arena block (`afterMiss`: the last find was this key's and
   * the table has not changed since).
   */
  insert(slot: number, hash: number, block: number, afterMiss: boolean): void {
    const i = afterMiss && this.hole >= 0 ? this.hole : this.emptyFrom(hash);
    this.hole = -1;
    this.putAt(i, slot, hash, block);
  }

  remove(slot: number, hash: number): boolean {
    this.hole = -1;
    return this.removeSlot(slot, hash);
  }

  override settle(): void {
    this.hole = -1;
    super.settle();
  }

  override clear(): void {
    super.clear();
    this.hole = -1;
  }
}

const cookieBits = new BigUint64Array(1);
const cookieWords = new Int32Array(cookieBits.buffer);
const hashWords = (lo: number, hi: number): number => mix(lo ^ Math.imul(hi, 0x9e3779b1));

/** The hash of a proxy cookie (no bigint arithmetic: its two 32-bit words). */
export function cookieHash(cookie: bigint): number {
  cookieBits[0] = cookie;
  return hashWords(cookieWords[0]!, cookieWords[1]!);
}

/** Tracked rules (live and deleted) by proxy cookie; an entry's words: the cookie's low and high 32 bits. */
export class CookieTable extends SlotTable {
  protected hashAt(t: Int32Array, k: number): number {
    return hashWords(t[k + 1]!, t[k + 2]!);
  }

  /** The slot of `cookie`, or -1. */
  find(cookie: bigint): number {
    cookieBits[0] = cookie;
    const lo = cookieWords[0]!;
    const hi = cookieWords[1]!;
    const t = this.t;
    const mask = this.mask;
    for (let i = hashWords(lo, hi) & mask; ; i = (i + 1) & mask) {
      const k = 3 * i;
      const v = t[k]!;
      if (v === 0) return -1;
      if (t[k + 1] === lo && t[k + 2] === hi) return v - 1;
    }
  }

  insert(slot: number, cookie: bigint): void {
    cookieBits[0] = cookie;
    const lo = cookieWords[0]!;
    const hi = cookieWords[1]!;
    this.putAt(this.emptyFrom(hashWords(lo, hi)), slot, lo, hi);
  }

  remove(slot: number, cookie: bigint): boolean {
    return this.removeSlot(slot, cookieHash(cookie));
  }
}
