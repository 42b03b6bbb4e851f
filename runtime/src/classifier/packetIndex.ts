// A tuple space compiled for packet lookups: what a lookup reads lies in one block of memory seen
// through two typed arrays (per tuple its filter fields and hash terms, a Bloom filter, one
// open-addressing table, then the entries' check records with their order keys), so a packet-in
// touches a few cache lines per location instead of a map, a generated function and a bucket
// object per tuple, and never an entry object. Tuples differing only in prefix levels are merged
// first when buckets stay small (coarsen.ts), so a packet probes fewer of them. Entries sharing a
// key are stored in order, so each bucket's matches are one sorted run of (order key, result)
// pairs in a MatchSink, which merges the runs; a bucket whose entries need no check beyond the
// tuple's own filter (whole-port rules, eth_type-only rules) is copied without looking at its
// entries one by one. Built from the tuple space's entries on the first lookup after a change
// (the owner drops it on every add and remove); holds no state of its own.
import type { FlowspaceEntry } from '@dfvisor/grammar';
import { FIELD_ID, FIELDS, wordBits } from './fields.js';
import { CHECK_EQ, CHECK_PREFIX } from './flatCheck.js';
import { coarsen } from './coarsen.js';
import type { MatchSink } from './matchSink.js';

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
const CHECK_HEAD = 3; // result index, record count, order key
const SLOT_STRIDE = 4; // key + 1 (0 = empty), tuple, first entry, entry count

/**
 * An entry's check records without those the tuple's filter already decides: equality on the
 * eth_type and ip_proto the tuple fixes (presence is the tuple's too: its entries share their fields).
 */
function residual(check: readonly number[], t: IndexTuple): number[] {
  const out: number[] = [];
  for (let r = 0; r < check.length; r += 4) {
    const op = check[r]!;
    const slot = check[r + 1]!;
    if (op === CHECK_EQ && ((slot === ETH_TYPE_SLOT && t.ethType >= 0) || (slot === IP_PROTO_SLOT && t.ipProto >= 0))) continue;
    out.push(op, slot, check[r + 2]!, check[r + 3]!);
  }
  return out;
}

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
   * Per key, the entries of that key side by side, in order. A checked key: per entry its index
   * in `results`, record count, order key, then the flat check records (flatCheck.ts) left once
   * the tuple's own filter is taken out. A key needing no checks (its table count negative): the
   * index of its first result (the rest follow), then the order keys. Float64: MACs are 48-bit.
   */
  private readonly checks: Float64Array;

  /** @param groups per tuple (in `tuples` order), its entries with their constraint vectors. */
  constructor(
    tuplesIn: readonly IndexTuple[],
    groupsIn: ReadonlyArray<ReadonlyArray<{ entry: E; vector: readonly number[] }>>,
  ) {
    const { tuples, groups } = coarsen(tuplesIn, groupsIn);
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
    const byKey: Array<Map<number, Array<{ entry: E; records: readonly number[] }>>> = groups.map((g, t) => {
      const keys = new Map<number, Array<{ entry: E; records: readonly number[] }>>();
      for (const { entry, vector } of g) {
        const k = keyOf(tupleArr, termArr, t, vector);
        const x = { entry, records: residual(entry.check, tuples[t]!) };
        const list = keys.get(k);
        if (list) list.push(x);
        else keys.set(k, [x]);
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
    let checkCount = 0;
    byKey.forEach((keys, t) => {
      const unchecked = tupleArr[t * TUPLE_STRIDE + 3] === tupleArr[t * TUPLE_STRIDE + 4];
      for (const list of keys.values()) {
        list.sort((x, y) => byOrder(x.entry, y.entry));
        // A tuple without hash terms has one key, so its entries need only their own records.
        if (unchecked && list.every((x) => x.records.length === 0)) checkCount += 1 + list.length;
        else for (const x of list) checkCount += CHECK_HEAD + x.records.length;
      }
    });
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
    const checks = this.checks;
    let c = 0;
    byKey.forEach((keys, t) => {
      const unchecked = tupleArr[t * TUPLE_STRIDE + 3] === tupleArr[t * TUPLE_STRIDE + 4];
      for (const [k, list] of keys) {
        const f = Math.imul(k, 0x9e3779b1) >>> this.filterShift;
        a[this.filterAt + (f >>> 5)] |= 1 << (f & 31);
        let i = k & this.mask;
        while (a[this.tableAt + i * SLOT_STRIDE] !== 0) i = (i + 1) & this.mask;
        const s = this.tableAt + i * SLOT_STRIDE;
        a[s] = k + 1;
        a[s + 1] = t;
        a[s + 2] = c;
        if (unchecked && list.every((x) => x.records.length === 0)) {
          a[s + 3] = -list.length;
          checks[c++] = this.results.length;
          for (const x of list) {
            checks[c++] = x.entry.order;
            this.results.push(x.entry.entry);
          }
          continue;
        }
        a[s + 3] = list.length;
        for (const x of list) {
          checks[c++] = this.results.length;
          checks[c++] = x.records.length / 4;
          checks[c++] = x.entry.order;
          for (const r of x.records) checks[c++] = r;
          this.results.push(x.entry.entry);
        }
      }
    });
  }

  /** Puts the entries whose match the packet satisfies into `out`, one sorted run per bucket (out.result() merges them). */
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
        const n = a[s + 3]!;
        const j0 = a[s + 2]!;
        out.openRun();
        if (n < 0) {
          out.pushAll(checks, j0 + 1, results, checks[j0]!, -n);
          break;
        }
        for (let j = j0, left = n; left > 0; left--) {
          const end = j + CHECK_HEAD + checks[j + 1]! * 4;
          let ok = true;
          for (let r = j + CHECK_HEAD; ok && r < end; r += 4) {
            const v = values[checks[r + 1]!]!;
            const op = checks[r]!;
            if (op === CHECK_EQ) ok = v === checks[r + 2];
            else if (op === CHECK_PREFIX) ok = (v ^ checks[r + 2]!) >>> checks[r + 3]! === 0;
            else ok = v >= checks[r + 2]! && v <= checks[r + 3]!;
          }
          if (ok) out.push(checks[j + 2]!, results[checks[j]!]!);
          j = end;
        }
        break;
      }
    }
  }
}
