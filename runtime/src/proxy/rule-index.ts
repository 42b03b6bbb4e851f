// The tenant flow table's indexes (flow-table.ts): its rules by priority and match key and by proxy
// cookie, as open-addressing hash tables in typed arrays (two 32-bit words an entry, linear probing,
// backward-shift deletion, doubled past three quarters full, shrunk when a statistics round's peak
// stayed below an eighth), and the rules' match keys as bytes in an arena of pages.
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

/**
 * A key block: three 32-bit words, then the key's bytes, 4-byte aligned: the rule's priority and the
 * key's length (`priority | length << 16`; a length of LONG or more is LONG there and the length
 * follows in a fourth word), the slot, and the slot's key-table hash.
 */
const HEADER = 12;
const LONG = 0xffff;
/** A block's address is its page << PAGE_BITS | its offset in the page (0: none). */
const PAGE_BITS = 16;
/** Pages grow from FIRST_PAGE bytes to PAGE (a table of a few rules takes a few hundred bytes). */
const PAGE = 1 << PAGE_BITS;
const FIRST_PAGE = 256;

/**
 * The tracked rules' keys by slot, in pages of bytes: a slot's block (at `at`; 0: none) holds the
 * rule's priority, the key's length, the slot, the key-table hash and the key's bytes, so the key
 * table compares a probe, and finds its slot, with one memory access. Blocks are rounded up to 4
 * bytes; a freed block is taken again by a key of its size (learning controllers' keys are all of a
 * few sizes), so pages are never compacted. New blocks fill the last page; a full page is followed
 * by one twice its size, up to PAGE bytes (a block larger than that has a page of its own), so the
 * bytes held past the keys' own are at most one page, never a fraction of all keys.
 */
export class KeyArena {
  private pages: Buffer[] = [];
  /** The pages as 32-bit words (block headers). */
  private words: Int32Array[] = [];
  /** The page new blocks go to, and the bytes of it in use. */
  private last = -1;
  private used = 0;
  /** Freed blocks' addresses by size in 4-byte units. */
  private free: number[][] = [];
  at = new Uint32Array(0);

  /** Room for slots [0, cap). */
  grow(cap: number): void {
    const at = new Uint32Array(cap);
    at.set(this.at.subarray(0, Math.min(cap, this.at.length)));
    this.at = at;
  }

  private addPage(size: number): number {
    if (this.pages.length === 1 << (32 - PAGE_BITS)) throw new RangeError('key arena: no more pages');
    const b = Buffer.alloc(size);
    this.pages.push(b);
    this.words.push(new Int32Array(b.buffer, b.byteOffset, size >> 2));
    return this.pages.length - 1;
  }

  /** A new block of `size` bytes (a multiple of 4). */
  private take(size: number): number {
    if (this.last < 0) {
      this.last = this.addPage(FIRST_PAGE);
      this.used = 4; // address 0 stands for "none"
    }
    if (size > PAGE) return this.addPage(size) << PAGE_BITS;
    const page = this.pages[this.last]!;
    if (this.used + size > page.length) {
      let next = Math.min(PAGE, page.length * 2);
      while (next < size) next *= 2;
      this.last = this.addPage(next);
      this.used = 0;
    }
    const at = (this.last << PAGE_BITS) | this.used;
    this.used += size;
    return at;
  }

  /** Stores the slot's key, priority and key-table hash; its block (for the key table's entry). */
  set(slot: number, priority: number, key: RuleKey, hash: number): number {
    const n = key.len;
    const long = n >= LONG;
    const size = (HEADER + (long ? 4 : 0) + n + 3) & ~3;
    let at = this.free[size >> 2]?.pop();
    if (at === undefined) at = this.take(size);
    const p = at >>> PAGE_BITS;
    const o = at & (PAGE - 1);
    const w = this.words[p]!;
    const h = o >> 2;
    w[h] = priority | ((long ? LONG : n) << 16);
    w[h + 1] = slot;
    w[h + 2] = hash;
    let i = o + HEADER;
    if (long) {
      w[h + 3] = n;
      i += 4;
    }
    const b = this.pages[p]!;
    const src = key.buf;
    if (n > 32) src.copy(b, i, key.off, key.off + n);
    else for (let j = key.off, end = j + n; j < end; i++, j++) b[i] = src[j]!;
    this.at[slot] = at;
    return at;
  }

  /** The key's length in block `at` (its header read already as `head`). */
  private lengthAt(at: number, head: number): number {
    const n = head >>> 16;
    return n === LONG ? this.words[at >>> PAGE_BITS]![((at & (PAGE - 1)) >> 2) + 3]! : n;
  }

  private headOf(at: number): number {
    return this.words[at >>> PAGE_BITS]![(at & (PAGE - 1)) >> 2]!;
  }

  release(slot: number): void {
    const at = this.at[slot]!;
    if (at === 0) return;
    const n = this.lengthAt(at, this.headOf(at));
    const size = (HEADER + (n >= LONG ? 4 : 0) + n + 3) & ~3;
    (this.free[size >> 2] ??= []).push(at);
    this.at[slot] = 0;
  }

  /** Whether block `at` holds `priority` and `key`'s bytes. */
  equalsAt(at: number, priority: number, key: RuleKey): boolean {
    const n = key.len;
    const p = at >>> PAGE_BITS;
    const o = at & (PAGE - 1);
    const w = this.words[p]!;
    if (w[o >> 2] !== (priority | (Math.min(n, LONG) << 16))) return false;
    let i = o + HEADER;
    if (n >= LONG) {
      if (w[(o >> 2) + 3] !== n) return false;
      i += 4;
    }
    const b = this.pages[p]!;
    const src = key.buf;
    for (let j = key.off, end = j + n; j < end; i++, j++) if (b[i] !== src[j]) return false;
    return true;
  }

  /** The slot whose key is in block `at`. */
  slotAt(at: number): number {
    return this.words[at >>> PAGE_BITS]![((at & (PAGE - 1)) >> 2) + 1]!;
  }

  /** The slot's key-table hash (0 when it has no key). */
  hashOf(slot: number): number {
    const at = this.at[slot]!;
    return at === 0 ? 0 : this.words[at >>> PAGE_BITS]![((at & (PAGE - 1)) >> 2) + 2]!;
  }

  /** The slot's priority (0 when it has no key). */
  priorityOf(slot: number): number {
    const at = this.at[slot]!;
    return at === 0 ? 0 : this.headOf(at) & 0xffff;
  }

  /** The slot's key as matchKey's string ('' when it has none). */
  text(slot: number): string {
    const at = this.at[slot]!;
    if (at === 0) return '';
    const n = this.lengthAt(at, this.headOf(at));
    const start = (at & (PAGE - 1)) + HEADER + (n >= LONG ? 4 : 0);
    return this.pages[at >>> PAGE_BITS]!.toString('latin1', start, start + n);
  }
}

const MIN_ENTRIES = 16;
/** The tables grow past LOAD eighths full. */
const LOAD = 6;

/**
 * Entries by hash, open addressing: entry i is `t[2i]`, an id that is never 0 (0: empty), and
 * `t[2i + 1]`, its hash, so a probe compares a hash without leaving the table and entries move
 * without reading anything else; a probe walks from the hash's entry to the next empty one. At most
 * LOAD eighths full (doubled past it); `settle` shrinks it when it never held more than an eighth
 * since the last settle (a table that fills and empties every statistics round keeps its size
 * instead of shrinking and growing again each round).
 */
abstract class SlotTable {
  protected t = new Int32Array(2 * MIN_ENTRIES);
  protected mask = MIN_ENTRIES - 1;
  /** Entries held past which the table doubles. */
  private limit = (MIN_ENTRIES * LOAD) >> 3;
  size = 0;
  /** Entries (empty or not). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The most entries held since the last `settle`. */
  private peak = 0;

  /** Takes entry `i` (empty: where a probe for `hash` ended) for `id`. */
  protected putAt(i: number, id: number, hash: number): void {
    this.t[2 * i] = id;
    this.t[2 * i + 1] = hash;
    if (++this.size > this.peak) this.peak = this.size;
    if (this.size > this.limit) this.resize((this.mask + 1) * 2);
  }

  /** The first empty entry from `hash`'s. */
  protected emptyFrom(hash: number): number {
    const t = this.t;
    const mask = this.mask;
    let i = hash & mask;
    while (t[2 * i] !== 0) i = (i + 1) & mask;
    return i;
  }

  /** Removes `id` (its hash `hash`); the entries after it that probed past it move back. */
  protected removeId(id: number, hash: number): boolean {
    const t = this.t;
    const mask = this.mask;
    id |= 0;
    let i = hash & mask;
    for (; ; i = (i + 1) & mask) {
      const v = t[2 * i];
      if (v === 0) return false;
      if (v === id) break;
    }
    for (let j = (i + 1) & mask; t[2 * j] !== 0; j = (j + 1) & mask) {
      // The entry at j may fill the hole at i unless its home lies in (i, j].
      if (((j - t[2 * j + 1]!) & mask) >= ((j - i) & mask)) {
        t[2 * i] = t[2 * j]!;
        t[2 * i + 1] = t[2 * j + 1]!;
        i = j;
      }
    }
    t[2 * i] = 0;
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
    const t = new Int32Array(2 * entries);
    const mask = entries - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k] === 0) continue;
      const hash = old[k + 1]!;
      let i = hash & mask;
      while (t[2 * i] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[k]!;
      t[2 * i + 1] = hash;
    }
    this.t = t;
    this.mask = mask;
    this.limit = (entries * LOAD) >> 3;
  }

  clear(): void {
    this.t = new Int32Array(2 * MIN_ENTRIES);
    this.mask = MIN_ENTRIES - 1;
    this.limit = (MIN_ENTRIES * LOAD) >> 3;
    this.size = 0;
    this.peak = 0;
  }
}

/** Live rules by (priority, match key); an entry's id is the rule's arena block (which names its slot). */
export class KeyTable extends SlotTable {
  /** Where the last `find` that found nothing ended: the entry `insert` then takes (-1: probe again). */
  private hole = -1;

  /** The slot with `priority` and `key` (`hash`: their keyHash), or -1. */
  find(keys: KeyArena, priority: number, key: RuleKey, hash: number): number {
    const t = this.t;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const at = t[2 * i]!;
      if (at === 0) {
        this.hole = i;
        return -1;
      }
      if (t[2 * i + 1] === hash && keys.equalsAt(at, priority, key)) return keys.slotAt(at);
    }
  }

  /**
   * Adds the rule whose key is in arena block `block`, under `hash` (`afterMiss`: the last find was
   * this key's and the table has not changed since).
   */
  insert(block: number, hash: number, afterMiss: boolean): void {
    const i = afterMiss && this.hole >= 0 ? this.hole : this.emptyFrom(hash);
    this.hole = -1;
    this.putAt(i, block, hash);
  }

  /** Removes the rule whose key is in `block` (its hash `hash`). */
  remove(block: number, hash: number): boolean {
    this.hole = -1;
    return this.removeId(block, hash);
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

/**
 * Tracked rules (live and deleted) by proxy cookie; an entry's id is the slot + 1. The cookies
 * themselves are the flow table's column, read as 32-bit words (`words[2 * slot]` and
 * `words[2 * slot + 1]`, an Int32Array on the BigUint64Array's bytes): a probe reads it only
 * when the hash matched.
 */
export class CookieTable extends SlotTable {
  /** The slot of `cookie`, or -1. */
  find(cookie: bigint, words: Int32Array): number {
    cookieBits[0] = cookie;
    const lo = cookieWords[0]!;
    const hi = cookieWords[1]!;
    const hash = hashWords(lo, hi);
    const t = this.t;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const v = t[2 * i]!;
      if (v === 0) return -1;
      if (t[2 * i + 1] === hash && words[2 * v - 2] === lo && words[2 * v - 1] === hi) return v - 1;
    }
  }

  /** Adds `slot`, whose cookie is `words[2 * slot]`, `words[2 * slot + 1]` (the table holds none already). */
  insert(slot: number, words: Int32Array): void {
    const hash = hashWords(words[2 * slot]!, words[2 * slot + 1]!);
    this.putAt(this.emptyFrom(hash), slot + 1, hash);
  }

  /** Removes `slot` (its cookie still in `words`). */
  remove(slot: number, words: Int32Array): boolean {
    return this.removeId(slot + 1, hashWords(words[2 * slot]!, words[2 * slot + 1]!));
  }
}
