// A tuple space compiled for packet lookups: what a lookup reads lies in one block of memory seen
// through two typed arrays (per tuple its filter fields and hash terms, a Bloom filter, one
// open-addressing table, then the entries' check records with their order keys), so a packet-in
// touches a few cache lines per location instead of a map, a generated function and a bucket
// object per tuple, and never an entry object: matches go into a MatchSink as (order key, result)
// pairs, sorted there on the keys. Entries sharing a key are stored in order. Built from the
// tuple space's entries on the first lookup after a change (the owner drops it on every add and
// remove); holds no state of its own.
import type { FlowspaceEntry } from '@dfvisor/grammar';
import { FIELD_ID, FIELDS, wordBits } from './fields.js';
import { CHECK_EQ, CHECK_PREFIX } from './flatCheck.js';

/** What the packet index needs of a tuple (see tupleSpace.ts). */
export interface IndexTuple {
  required: number;
  ethType: number;
  ipProto: number;
  parts: ReadonlyArray<{ kind: number; slot: number; len: number }>;
}

/** What it needs of an entry: presence bits, the flat check, its order key and what a match returns. */
export interface IndexEntry {
  required: number;
  check: number[];
  /** Smaller first (order.ts orderKey); NaN when the entry has no exact key. */
  order: number;
  entry: FlowspaceEntry;
}

/**
 * Where lookups put their matches: order keys and results side by side, reused by every lookup
 * (lookups are synchronous). `sort()` puts the first `n` in key order; `exact` is false when a
 * match had no exact key (the caller then orders by comparison).
 */
export class MatchSink {
  keys = new Float64Array(64);
  items: FlowspaceEntry[] = [];
  n = 0;
  exact = true;

  reset(): void {
    this.n = 0;
    this.exact = true;
  }

  push(key: number, item: FlowspaceEntry): void {
    const n = this.n;
    if (n === this.keys.length) {
      const k = new Float64Array(n * 2);
      k.set(this.keys);
      this.keys = k;
    }
    if (Number.isNaN(key)) this.exact = false;
    this.keys[n] = key;
    this.items[n] = item;
    this.n = n + 1;
  }

  /** Sorts the first n by key (insertion sort: matches arrive in a few sorted runs; a library sort past 256). */
  sort(): void {
    const keys = this.keys;
    const items = this.items;
    const n = this.n;
    if (n > 256) {
      const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
      const k2 = idx.map((i) => keys[i]!);
      const i2 = idx.map((i) => items[i]!);
      for (let i = 0; i < n; i++) {
        keys[i] = k2[i]!;
        items[i] = i2[i]!;
      }
      return;
    }
    for (let i = 1; i < n; i++) {
      const k = keys[i]!;
      if (keys[i - 1]! <= k) continue;
      const e = items[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > k) {
        keys[j + 1] = keys[j]!;
        items[j + 1] = items[j]!;
        j--;
      }
      keys[j + 1] = k;
      items[j + 1] = e;
    }
  }
}

/** Hash term operations: the low 32 bits, the high 16 bits of a MAC, the top bits of a word. */
const LOW = 0;
const HIGH = 1;
const TOP = 2;
/** Part kinds, as tupleSpace.ts numbers them. */
const SCALAR = 0;
const V4 = 1;
const MAC_SLOTS = new Set([FIELDS[FIELD_ID.eth_src]!.slot, FIELDS[FIELD_ID.eth_dst]!.slot]);
const ETH_TYPE_SLOT = FIELDS[FIELD_ID.eth_type]!.slot;
const IP_PROTO_SLOT = FIELDS[FIELD_ID.ip_proto]!.slot;

const TUPLE_STRIDE = 5; // required, ethType, ipProto, first term, end of terms
const CHECK_HEAD = 4; // required, result index, record count, order key
const SLOT_STRIDE = 4; // key + 1 (0 = empty), tuple, first entry, entry count

const byOrder = (x: IndexEntry, y: IndexEntry): number => (x.order === y.order ? 0 : x.order < y.order || Number.isNaN(y.order) ? -1 : 1);

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x5bd1e995);
  return h ^ (h >>> 15);
}

/** The key of tuple `t` for a value vector holding every hashed field (30 bits, tuple-seeded). */
function keyOf(tuples: Int32Array, terms: Int32Array, t: number, values: readonly number[]): number {
  let h = Math.imul(t + 1, 0x9e3779b1);
  for (let k = tuples[t * TUPLE_STRIDE + 3]!, end = tuples[t * TUPLE_STRIDE + 4]!; k < end; k += 3) {
    const v = values[terms[k + 1]!]!;
    const op = terms[k]!;
    h = mix(h, op === LOW ? v >>> 0 : op === HIGH ? (v / 4294967296) >>> 0 : v >>> terms[k + 2]!);
  }
  return h & 0x3fffffff;
}

export class PacketIndex<E extends IndexEntry> {
  /** Tuples, hash terms, filter and table, at the offsets below. */
  private readonly ints: Int32Array;
  private readonly tuplesEnd: number;
  private readonly termsAt: number;
  private readonly filterAt: number;
  private readonly tableAt: number;
  private readonly mask: number;
  /**
   * A one-hash Bloom filter of the keys in the table, 16 bits per key: most probes miss, and the
   * filter (small enough to stay in cache) turns away ~94 % of them before they touch the table.
   */
  private readonly filterShift: number;
  /** What a match returns, by the index in the check records. */
  private readonly results: FlowspaceEntry[] = [];
  /**
   * Per entry, side by side for the entries of one key (in order): required fields, index in
   * `results`, record count, order key, then its flat check records (flatCheck.ts), so candidates
   * are checked and sorted without touching their objects; Float64 because MACs are 48-bit.
   */
  private readonly checks: Float64Array;

  /** @param groups per tuple (in `tuples` order), its entries with their constraint vectors. */
  constructor(tuples: readonly IndexTuple[], groups: ReadonlyArray<ReadonlyArray<{ entry: E; vector: readonly number[] }>>) {
    const terms: number[] = [];
    const meta: number[] = [];
    tuples.forEach((t) => {
      meta.push(t.required, t.ethType, t.ipProto, terms.length);
      for (const p of t.parts) {
        if (p.kind === SCALAR) {
          terms.push(LOW, p.slot, 0);
          if (MAC_SLOTS.has(p.slot)) terms.push(HIGH, p.slot, 0);
        } else if (p.kind === V4) {
          terms.push(TOP, p.slot, 32 - p.len);
        } else {
          for (let w = 0; w < 4; w++) {
            const bits = wordBits(p.len, w);
            if (bits > 0) terms.push(TOP, p.slot + w, 32 - bits);
          }
        }
      }
      meta.push(terms.length);
    });
    const tupleArr = Int32Array.from(meta);
    const termArr = Int32Array.from(terms);
    // Group each tuple's entries by key; a key's entries sit side by side in `entries`.
    const byKey: Array<Map<number, E[]>> = groups.map((g, t) => {
      const keys = new Map<number, E[]>();
      for (const { entry, vector } of g) {
        const k = keyOf(tupleArr, termArr, t, vector);
        const list = keys.get(k);
        if (list) list.push(entry);
        else keys.set(k, [entry]);
      }
      return keys;
    });
    const count = byKey.reduce((a, m) => a + m.size, 0);
    let size = 8;
    while (size < count * 2) size *= 2;
    this.mask = size - 1;
    let filterBits = 6;
    while (1 << filterBits < count * 16) filterBits++;
    this.filterShift = 32 - filterBits;
    for (const keys of byKey) for (const list of keys.values()) list.sort(byOrder);
    const checkCount = groups.reduce((a, g) => a + g.reduce((b, { entry }) => b + CHECK_HEAD + entry.check.length, 0), 0);
    // One block of memory per location, in the order a lookup reads it: tuples, hash terms,
    // filter, table, checks (a lookup on a cold location then streams adjacent lines).
    const ints = meta.length + terms.length + (1 << (filterBits - 5)) + size * SLOT_STRIDE;
    const buffer = new ArrayBuffer(Math.ceil(ints / 2) * 8 + checkCount * 8);
    this.ints = new Int32Array(buffer, 0, ints);
    this.tuplesEnd = meta.length;
    this.termsAt = meta.length;
    this.filterAt = this.termsAt + terms.length;
    this.tableAt = this.filterAt + (1 << (filterBits - 5));
    this.ints.set(tupleArr, 0);
    // Term offsets in the tuple records are made absolute (into `ints`).
    for (let m = 0; m < meta.length; m += TUPLE_STRIDE) {
      this.ints[m + 3] = tupleArr[m + 3]! + this.termsAt;
      this.ints[m + 4] = tupleArr[m + 4]! + this.termsAt;
    }
    this.ints.set(termArr, this.termsAt);
    this.checks = new Float64Array(buffer, Math.ceil(ints / 2) * 8, checkCount);
    const a = this.ints;
    let c = 0;
    byKey.forEach((keys, t) => {
      for (const [k, list] of keys) {
        const f = Math.imul(k, 0x9e3779b1) >>> this.filterShift;
        a[this.filterAt + (f >>> 5)] |= 1 << (f & 31);
        let i = k & this.mask;
        while (a[this.tableAt + i * SLOT_STRIDE] !== 0) i = (i + 1) & this.mask;
        const s = this.tableAt + i * SLOT_STRIDE;
        a[s] = k + 1;
        a[s + 1] = t;
        a[s + 2] = c;
        a[s + 3] = list.length;
        for (const e of list) {
          this.checks[c++] = e.required;
          this.checks[c++] = this.results.length;
          this.checks[c++] = e.check.length / 4;
          this.checks[c++] = e.order;
          for (const x of e.check) this.checks[c++] = x;
          this.results.push(e.entry);
        }
      }
    });
  }

  /** Puts the entries whose match the packet satisfies into `out` (unordered: out.sort() orders them). */
  collect(values: readonly number[], present: number, out: MatchSink): void {
    const a = this.ints;
    const tableAt = this.tableAt;
    const filterAt = this.filterAt;
    const mask = this.mask;
    const results = this.results;
    const checks = this.checks;
    const filterShift = this.filterShift;
    const ethType = values[ETH_TYPE_SLOT]!;
    const ipProto = values[IP_PROTO_SLOT]!;
    const absent = ~present;
    for (let t = 0, m = 0; m < this.tuplesEnd; t++, m += TUPLE_STRIDE) {
      if ((a[m]! & absent) !== 0) continue;
      const et = a[m + 1]!;
      if (et >= 0 && et !== ethType) continue;
      const pr = a[m + 2]!;
      if (pr >= 0 && pr !== ipProto) continue;
      // The tuple's key (keyOf, inline: the term offsets here are absolute).
      let h = Math.imul(t + 1, 0x9e3779b1);
      for (let k = a[m + 3]!, end = a[m + 4]!; k < end; k += 3) {
        const v = values[a[k + 1]!]!;
        const op = a[k]!;
        h = mix(h, op === LOW ? v >>> 0 : op === HIGH ? (v / 4294967296) >>> 0 : v >>> a[k + 2]!);
      }
      const k = h & 0x3fffffff;
      const f = Math.imul(k, 0x9e3779b1) >>> filterShift;
      if ((a[filterAt + (f >>> 5)]! & (1 << (f & 31))) === 0) continue;
      for (let i = k & mask; ; i = (i + 1) & mask) {
        const s = tableAt + i * SLOT_STRIDE;
        const stored = a[s]!;
        if (stored === 0) break;
        if (stored !== k + 1 || a[s + 1] !== t) continue;
        for (let j = a[s + 2]!, n = a[s + 3]!; n > 0; n--) {
          const end = j + CHECK_HEAD + checks[j + 2]! * 4;
          let ok = (checks[j]! & absent) === 0;
          for (let r = j + CHECK_HEAD; ok && r < end; r += 4) {
            const v = values[checks[r + 1]!]!;
            const op = checks[r]!;
            if (op === CHECK_EQ) ok = v === checks[r + 2];
            else if (op === CHECK_PREFIX) ok = (v ^ checks[r + 2]!) >>> checks[r + 3]! === 0;
            else ok = v >= checks[r + 2]! && v <= checks[r + 3]!;
          }
          if (ok) out.push(checks[j + 3]!, results[checks[j + 1]!]!);
          j = end;
        }
        break;
      }
    }
  }
}
