// A switch's tuple spaces compiled for packet lookups. Every location of the switch (each in-port,
// and the rules for any port) is one segment of one block of memory seen through an Int32Array
// (a directory of in-ports, then per segment its tuple ids and an open-addressing table of one
// Int32 per slot: a tag and the offset of its bucket), with the buckets (key, tuple, count, readers,
// first result, then the entries' packed check records) in one Int32Array, their order keys in a
// Float64Array beside it and what they return in one list, so a packet-in follows no chain of per-location objects (each a likely cache miss) and
// never touches an entry object. The tables are small (4 bytes a slot) and stay in cache; a probe
// reads a bucket only when its tag matches. The tuples' descriptions are shared by every location
// (tupleCatalog.ts) and stay in cache. Tuples differing only in prefix levels are merged first
// when buckets stay small (coarsen.ts), so a packet probes fewer of them. A lookup first computes
// every probe's key, then reads the table slots, then the buckets whose tags match: the loads of
// one phase do not wait on each other. Entries sharing a key are stored in
// order, so each bucket's matches are one sorted run of (order key, result) pairs in a MatchSink,
// which merges the runs; a bucket whose entries need no check beyond the tuple's own filter
// (whole-port rules, eth_type-only rules) is copied without looking at its entries one by one.
// `readers` answers the proxy's question (which slices may read this packet, as slice numbers)
// from the same probes without ordering anything: a checked bucket's entries carry their slice's
// number in their head, so the bucket is one contiguous walk (entries of a slice already found
// are skipped unchecked); a bucket needing no check lists its slices in its head; per
// in-port the slices of the rules matching every packet are listed (those tuples are not
// probed); it stops once every reading slice of the switch is found.
// Built from the switch's entries on the first lookup after a change (the owner drops it on every
// add and remove); holds no state of its own.
import type { FlowspaceEntry } from '@dfvisor/grammar';
import { FIELD_ID, FIELDS } from './fields.js';
import { CHECK_EQ, CHECK_PREFIX, vectorInto } from './flatCheck.js';
import { coarsen } from './coarsen.js';
import type { MatchSink } from './matchSink.js';
import { CATALOG, HIGH, LOW, TUPLE_STRIDE, mix, type IndexTuple } from './tupleCatalog.js';
import { SLICE_NAMES, sliceNumber, type SliceNumbers } from './sliceNumbers.js';

export type { IndexTuple } from './tupleCatalog.js';

/** What it needs of an entry: the flat check, its order key and what a match returns. */
export interface IndexEntry {
  check: number[];
  /** Smaller first (order.ts orderKey); NaN when the entry has no exact key. */
  order: number;
  entry: FlowspaceEntry;
}

const ETH_TYPE_SLOT = FIELDS[FIELD_ID.eth_type]!.slot;
const IP_PROTO_SLOT = FIELDS[FIELD_ID.ip_proto]!.slot;

// An entry of a checked bucket in `words`: one head word, the number of its record words +
// ALWAYS_BIT (the slice also reads every packet at some port of the switch: readers() must then
// not list it twice) + 2^READER_SHIFT × (reader slice number + 1, 0: the entry does not grant
// read), then its records (packed below). An entry has at most 48 record words (every field, IPv6
// prefixes as four) and a process fewer than 2^24 slice numbers: the head fits 32 bits (read
// unsigned). Its result is the bucket's first result + its place in the bucket; its order key is
// in `orders` at that result (only collect() reads order keys).
const ENTRY_HEAD = 1;
const READER_SHIFT = 8;
const ALWAYS_BIT = 1 << 7;
const RECORDS_MASK = ALWAYS_BIT - 1;
const RUN_HEAD = 1; // a bucket without checks: 1 if every order key is exact, else 0
// A bucket (one key of one tuple) in `words`: key, tuple id (what a probe verifies), entry count
// (negative: no checks), then for readers(): READ_NONE when no entry of the bucket grants read;
// else, for a bucket without checks, its slices (one slice number, or ~offset of a list in
// `readerIds`), and for a checked bucket READ_WALK (its entries' heads name their slices); then
// the index of its first result. Its entries follow. A segment's table holds one Int32 per slot:
// 0 (empty), or a tag (high bits of the key, remixed) above the bucket's offset + 1 (the low
// `offsetBits`): a probe reads the table (small: it stays in cache) and then the bucket, whose
// head says whether it is the key. Buckets are 32-bit words (a 48-bit value takes two), so at 1M
// rules they take half the memory of doubles and more of them stay in cache.
const BUCKET_HEAD = 5;
const READ_NONE = -0x80000000;
const READ_WALK = 0;
// Packed check records: a first word of operation (2 bits), slot (5 bits) and, for a prefix, its
// shift (6 bits), then the operands: EQ32 [value], EQ48 [low 32 bits, high bits], PREFIX [address
// word], RANGE [min, max] (operands read unsigned).
const EQ32 = 0;
const PREFIX = 1;
const RANGE = 2;
const EQ48 = 3;
const SLOT_SHIFT = 2;
const SLOT_MASK = 31;
const PREFIX_SHIFT = 7;
const TWO32 = 4294967296;

/** Flat check records (flatCheck.ts, 4 numbers each) packed into 32-bit words for a bucket. */
export function packRecords(records: readonly number[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < records.length; r += 4) {
    const op = records[r]!;
    const slot = records[r + 1]!;
    const a = records[r + 2]!;
    const b = records[r + 3]!;
    if (slot > SLOT_MASK) throw new RangeError(`check record slot ${slot} does not fit`);
    if (op === CHECK_EQ) {
      if (!Number.isInteger(a) || a < 0 || a >= 2 ** 53) throw new RangeError(`check value ${a} does not fit`);
      if (a < TWO32) out.push(EQ32 | (slot << SLOT_SHIFT), a | 0);
      else out.push(EQ48 | (slot << SLOT_SHIFT), (a % TWO32) | 0, Math.floor(a / TWO32) | 0);
    } else if (op === CHECK_PREFIX) {
      if (!(b >= 0 && b <= 32)) throw new RangeError(`prefix shift ${b} does not fit`);
      out.push(PREFIX | (slot << SLOT_SHIFT) | (b << PREFIX_SHIFT), a | 0);
    } else {
      if (!(a >= 0 && b < TWO32)) throw new RangeError(`range ${a}..${b} does not fit`);
      out.push(RANGE | (slot << SLOT_SHIFT), a | 0, b | 0);
    }
  }
  return out;
}

/** Per probe of one lookup: key, tuple id, table position (lookups are synchronous: shared). */
let probeKeys = new Int32Array(64);
let probeTuples = new Int32Array(64);
let probeAt = new Int32Array(64);
/** Per probe: its segment's table offset and mask (a lookup probes two segments together). */
let probeTables = new Int32Array(64);
let probeMasks = new Int32Array(64);
/** Per bucket found: what readers() reads there (the slot's last field). */
let probeReads = new Int32Array(64);

function reserveProbes(n: number): void {
  if (n <= probeKeys.length) return;
  let size = probeKeys.length;
  while (size < n) size *= 2;
  probeKeys = new Int32Array(size);
  probeTuples = new Int32Array(size);
  probeAt = new Int32Array(size);
  probeTables = new Int32Array(size);
  probeMasks = new Int32Array(size);
  probeReads = new Int32Array(size);
}

/** The directory slot the last probe() found for its in-port (readers() reads its always-list). */
let probedSlot = -1;

/** Keeps loads that only warm the cache from being optimised away. */
const warmed = { value: 0 };

/** Per slice number, the readers() call that last found it (lookups are synchronous: shared). */
let sliceStamps = new Int32Array(16);
let stamp = 0;

/** `n` fresh stamps (the first returned, the rest follow it), all the stamps cleared when they would wrap. */
function takeStamps(n: number): number {
  if (stamp > 0x7fffffff - n) {
    sliceStamps.fill(0);
    stamp = 0;
  }
  stamp += n;
  return stamp - n + 1;
}

/** Grows the stamps to cover every slice number assigned so far (an index calls it once built). */
function coverStamps(): void {
  if (sliceStamps.length >= SLICE_NAMES.length) return;
  let size = sliceStamps.length;
  while (size < SLICE_NAMES.length) size *= 2;
  const grown = new Int32Array(size);
  grown.set(sliceStamps);
  sliceStamps = grown;
}

/** The number of the slice an entry lets read the packet, or -1 when it does not grant read. */
const readerOf = (e: FlowspaceEntry): number => (e.permissions.includes('read') ? sliceNumber(e.slice) : -1);

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

interface Keyed<E> {
  entry: E;
  records: readonly number[];
}

/** What the index is built from: one location's tuples and, per tuple, its entries. */
export interface LocationInput<E> {
  /** The in-port, or null for the rules that apply at any port. */
  port: number | null;
  tuples: readonly IndexTuple[];
  groups: ReadonlyArray<readonly E[]>;
}

// tuple count, table mask, table offset, how many of the tuple ids match every packet and are
// first (readers() does not probe them), offset of the tuple ids
const SEGMENT_HEAD = 5;
const NO_SEGMENT = -1;
// Per port: used (1), port (as Int32), its always-readers (offset in readerIds), a copy of its
// segment's head, then its tuple ids when they fit (else the head points to the segment's): a
// lookup reads one line before it hashes.
const DIR_HEAD = 3;
const DIR_IDS = DIR_HEAD + SEGMENT_HEAD;
const DIR_STRIDE = 24;

/** The value vector hashes are computed on (build only: filled per entry from its check records). */
const scratch: number[] = [];

/** One location's segment before it is written: its tuples' ids, entries by key (in order) and sizes. */
interface Plan<E> {
  /** Tuple ids, those matching every packet first (`always` of them). */
  ids: number[];
  always: number;
  byKey: Array<Map<number, Array<Keyed<E>>>>;
  tableSlots: number;
  checkCount: number;
}

function plan<E extends IndexEntry>(loc: LocationInput<E>): Plan<E> {
  const coarse = coarsen(loc.tuples, loc.groups);
  // Tuples matching every packet (no field, no check left) first: readers() answers them per port.
  const everything = coarse.tuples.map(
    (t, i) =>
      t.required === 0 &&
      t.ethType < 0 &&
      t.ipProto < 0 &&
      t.parts.length === 0 &&
      coarse.groups[i]!.every((e) => residual(e.check, t).length === 0),
  );
  const order = coarse.tuples.map((_, i) => i).sort((x, y) => Number(everything[y]) - Number(everything[x]));
  const tuples = order.map((i) => coarse.tuples[i]!);
  const groups = order.map((i) => coarse.groups[i]!);
  const ids = tuples.map((t) => CATALOG.intern(t));
  reserveProbes(2 * ids.length); // a lookup's two segments together
  // Group each tuple's entries by key; a key's entries sit side by side in `words`.
  const byKey: Array<Map<number, Array<Keyed<E>>>> = groups.map((g, t) => {
    const keys = new Map<number, Array<Keyed<E>>>();
    for (const entry of g) {
      const k = CATALOG.keyOf(ids[t]!, vectorInto(entry.check, scratch));
      const x = { entry, records: packRecords(residual(entry.check, tuples[t]!)) };
      const list = keys.get(k);
      if (list) list.push(x);
      else keys.set(k, [x]);
    }
    return keys;
  });
  const count = byKey.reduce((a, m) => a + m.size, 0);
  let tableSlots = 8;
  while (tableSlots < count * 2) tableSlots *= 2;
  let checkCount = BUCKET_HEAD * count;
  byKey.forEach((keys, t) => {
    const hashless = CATALOG.hashesNothing(ids[t]!);
    for (const list of keys.values()) {
      list.sort((x, y) => byOrder(x.entry, y.entry));
      if (hashless && list.every((x) => x.records.length === 0)) checkCount += RUN_HEAD;
      else for (const x of list) checkCount += ENTRY_HEAD + x.records.length;
    }
  });
  return { ids, always: everything.filter(Boolean).length, byKey, tableSlots, checkCount };
}

/** Distinct reader slice ids of some entries, in the order first seen. */
const readerIds = (entries: ReadonlyArray<{ entry: FlowspaceEntry }>): number[] => [
  ...new Set(entries.map((x) => readerOf(x.entry)).filter((id) => id >= 0)),
];

export class PacketIndex<E extends IndexEntry> {
  /** The port directory (open addressing, DIR_STRIDE per slot), then the segments. */
  private readonly ints: Int32Array;
  private readonly portMask: number;
  private readonly anyPort: number;
  /** What a match returns, by the index in the check records. */
  private readonly results: FlowspaceEntry[] = [];
  /**
   * Per key its bucket: the head (BUCKET_HEAD), then the entries of that key side by side, in
   * order (their results follow each other from the head's first result). A checked key: per
   * entry its head word (ENTRY_HEAD: record words, reader slice) and its packed check records
   * (packRecords) left once the tuple's own filter is taken out. A key needing no checks (its
   * count negative): 1 if every order key is exact (else 0).
   */
  private readonly words: Int32Array;
  /** Per result, its order key (order.ts orderKey; NaN when the entry has no exact key). */
  private readonly orders: Float64Array;
  /** Slice lists of buckets without checks: at each offset how many, then their numbers (distinct within a list). */
  private readonly readerIds: Int32Array;
  /**
   * The slices reading every packet at a port with no rules of its own (the any-port rules'): a
   * list in `ints` (how many, then the ids); each port's directory slot has its own.
   */
  private readonly anyAlways: number;
  /** How many low bits of a table slot hold a bucket's offset + 1 (the rest: its tag). */
  private readonly offsetBits: number;
  /** Distinct slices with a read entry anywhere in the switch: readers() stops when it has them all. */
  private readonly readerCount: number;

  /** `tagBits`: at most this many bits of a table slot tag a key (fewer when offsets need them). */
  constructor(locations: ReadonlyArray<LocationInput<E>>, tagBits = 31) {
    const ports = locations.filter((l) => l.port !== null).length;
    let dir = 4;
    while (dir < ports * 2) dir *= 2;
    this.portMask = dir - 1;
    // Sizes first, so the block and the buckets are allocated once and written in place.
    const plans = locations.map((loc) => plan(loc));
    // Per location, the reader slices of its tuples matching every packet (runs: no checks); per
    // port, together with the any-port ones (each once).
    const always = plans.map((p) =>
      p.byKey.slice(0, p.always).flatMap((keys) => [...keys.values()].flatMap((list) => readerIds(list.map((x) => x.entry)))),
    );
    const anyAlways = [...new Set(locations.flatMap((loc, l) => (loc.port === null ? always[l]! : [])))];
    const portAlways = locations.map((loc, l) => (loc.port === null ? [] : [...new Set([...always[l]!, ...anyAlways])]));
    const alwaysAnywhere = new Set(always.flat());
    // The parts every lookup of the switch reads (directory, heads, tuple ids, always lists) side
    // by side before the tables, so they span few pages.
    let intCount = dir * DIR_STRIDE + 1 + anyAlways.length;
    let checkCount = 0;
    plans.forEach((p, l) => {
      intCount += SEGMENT_HEAD + p.ids.length + (locations[l]!.port === null ? 0 : 1 + portAlways[l]!.length);
      intCount += p.tableSlots;
      checkCount += p.checkCount;
    });
    // A table slot: a tag above the bucket's offset + 1 (never 0); the more offsets, the fewer tag bits.
    let offsetBits = 32 - tagBits;
    while (2 ** offsetBits <= checkCount) offsetBits++;
    if (offsetBits > 31) throw new RangeError(`switch index too large (${checkCount} check numbers)`);
    this.offsetBits = offsetBits;
    const a = (this.ints = new Int32Array(intCount));
    const words = (this.words = new Int32Array(checkCount));
    const orders: number[] = [];
    const idLists: number[] = [];
    /** A list of slice numbers as a bucket names it: one as itself, more as ~(offset in readerIds). */
    const slices = (ids: readonly number[]): number => (ids.length === 1 ? ids[0]! : ~listOf(ids));
    const listOf = (ids: readonly number[]): number => {
      idLists.push(ids.length, ...ids);
      return idLists.length - ids.length - 1;
    };
    /** Writes a list of slice ids at `at` in `ints` (how many, then the ids); returns where it ends. */
    const writeList = (ids: readonly number[], at: number): number => {
      a[at] = ids.length;
      a.set(ids, at + 1);
      return at + 1 + ids.length;
    };
    this.anyAlways = dir * DIR_STRIDE;
    let hot = writeList(anyAlways, this.anyAlways);
    let cold = intCount - plans.reduce((n, p) => n + p.tableSlots, 0);
    let c = 0;
    let anyPort = NO_SEGMENT;
    locations.forEach((loc, l) => {
      const p = plans[l]!;
      const at = hot;
      const mask = p.tableSlots - 1;
      const tableAt = cold;
      const head = [p.ids.length, mask, tableAt, p.always];
      a.set([...head, at + SEGMENT_HEAD], at);
      a.set(p.ids, at + SEGMENT_HEAD);
      hot = at + SEGMENT_HEAD + p.ids.length;
      cold += p.tableSlots;
      if (loc.port === null) anyPort = at;
      else {
        let i = loc.port & this.portMask;
        while (a[i * DIR_STRIDE] !== 0) i = (i + 1) & this.portMask;
        const d = i * DIR_STRIDE;
        a[d] = 1;
        a[d + 1] = loc.port | 0;
        a[d + 2] = hot;
        hot = writeList(portAlways[l]!, hot);
        const inline = p.ids.length <= DIR_STRIDE - DIR_IDS;
        a.set([...head, inline ? d + DIR_IDS : at + SEGMENT_HEAD], d + DIR_HEAD);
        if (inline) a.set(p.ids, d + DIR_IDS);
      }
      p.byKey.forEach((keys, t) => {
        // A tuple hashing nothing has one key, so its entries need only their own records.
        const hashless = CATALOG.hashesNothing(p.ids[t]!);
        for (const [k, list] of keys) {
          let i = k & mask;
          while (a[tableAt + i] !== 0) i = (i + 1) & mask;
          a[tableAt + i] = tagOf(k, offsetBits) | (c + 1);
          const b = c;
          words[b] = k;
          words[b + 1] = p.ids[t]!;
          words[b + 4] = this.results.length;
          c += BUCKET_HEAD;
          for (const x of list) {
            orders.push(x.entry.order);
            this.results.push(x.entry.entry);
          }
          if (hashless && list.every((x) => x.records.length === 0)) {
            words[b + 2] = -list.length;
            const readers = readerIds(list.map((x) => x.entry));
            words[b + 3] = readers.length ? slices(readers) : READ_NONE;
            words[c++] = list.every((x) => !Number.isNaN(x.entry.order)) ? 1 : 0;
            continue;
          }
          words[b + 2] = list.length;
          let reads = false;
          for (const x of list) {
            const reader = readerOf(x.entry.entry);
            reads ||= reader >= 0;
            const twice = reader >= 0 && alwaysAnywhere.has(reader) ? ALWAYS_BIT : 0;
            words[c++] = (x.records.length + twice + 2 ** READER_SHIFT * (reader + 1)) | 0;
            words.set(x.records, c);
            c += x.records.length;
          }
          words[b + 3] = reads ? READ_WALK : READ_NONE;
        }
      });
    });
    this.anyPort = anyPort;
    this.orders = Float64Array.from(orders);
    this.readerIds = Int32Array.from(idLists);
    this.readerCount = new Set(this.results.map(readerOf).filter((id) => id >= 0)).size;
    coverStamps();
  }

  /**
   * Puts the entries at `inPort` whose match the packet satisfies into `out`, one sorted run per
   * bucket (out.result() merges them). The in-port's segment and the any-port segment go through
   * each phase together, and each phase only issues loads the next one reads, so the cache misses
   * of a phase (a cold location costs one per table slot and bucket) overlap.
   */
  collect(inPort: number, values: readonly number[], present: number, out: MatchSink): void {
    const hits = this.probe(inPort, values, present, false);
    const words = this.words;
    const orders = this.orders;
    const keys = probeKeys;
    const tuples = probeTuples;
    // 4. The buckets' entries.
    const results = this.results;
    for (let h = 0; h < hits; h++) {
      const j0 = keys[h]!;
      const n = tuples[h]!;
      const first = words[j0 - 1]!;
      if (n < 0) {
        out.addRun(orders, first, results, first, -n, words[j0] === 1);
        continue;
      }
      out.openRun();
      for (let j = j0, r = first, end = first + n; r < end; r++) {
        const next = j + ENTRY_HEAD + (words[j]! & RECORDS_MASK);
        if (passes(words, j + ENTRY_HEAD, next, values)) out.push(orders[r]!, results[r]!);
        j = next;
      }
    }
  }

  /**
   * Writes to out.ids[0..n) (returns n) the numbers of the slices (sliceNumbers.ts), each once,
   * with an entry at `inPort` that grants read and whose match the packet satisfies: the slices
   * of `collect`'s matches that may read, without ordering anything. A checked bucket is walked
   * in place (its entries' heads name their slices; an entry of a slice already found is skipped
   * unchecked); a bucket without checks lists its slices in its slot; per port, the slices of
   * the rules matching every packet there (its own and the any-port ones) are listed, so those
   * tuples are not probed at all. Stops once every reading slice of the switch is found.
   * Allocates nothing (beyond what `out` grows by once).
   */
  readers(inPort: number, values: readonly number[], present: number, out: SliceNumbers): number {
    const all = this.readerCount;
    if (all === 0) return 0;
    const res = out.reserve(all);
    const ids = this.ints;
    const hits = this.probe(inPort, values, present, true);
    // The list of the slices reading every packet here (in `ints`; the directory slot was just read).
    const slot = probedSlot;
    const list = slot === NO_SEGMENT ? this.anyAlways : ids[slot + 2]!;
    const now = takeStamps(1);
    const stamps = sliceStamps;
    const words = this.words;
    let found = 0;
    // Whether a slice found may also be in the port's list (else the list is copied unchecked).
    let twice = 0;
    for (let h = 0; h < hits; h++) {
      const reads = probeReads[h]!;
      if (reads === READ_NONE) continue;
      const n = probeTuples[h]!;
      if (n < 0) {
        found = this.addList(reads, res, found, now);
        twice = 1;
      } else {
        for (let j = probeKeys[h]!, left = n; left > 0; left--) {
          const head = words[j]!;
          const end = j + ENTRY_HEAD + (head & RECORDS_MASK);
          const reader = (head >>> READER_SHIFT) - 1;
          if (reader >= 0 && stamps[reader] !== now && passes(words, j + ENTRY_HEAD, end, values)) {
            stamps[reader] = now;
            res[found++] = reader;
            twice |= head & ALWAYS_BIT;
          }
          j = end;
        }
      }
      if (found === all) return found;
    }
    // The slices reading every packet at this port: copied as they are when none found before can be among them.
    const end = list + 1 + ids[list]!;
    if (twice === 0) {
      for (let i = list + 1; i < end; i++) res[found++] = ids[i]!;
      return found;
    }
    for (let i = list + 1; i < end; i++) {
      const id = ids[i]!;
      if (stamps[id] !== now) res[found++] = id;
    }
    return found;
  }

  /**
   * readers() asked about given slices only (the proxy's question: which of the slices bound at
   * the switch may read this packet): writes to out.ids[0..n) (returns n) those of
   * wanted[0..count) (slice numbers, duplicates allowed) with a matching entry at `inPort` that
   * grants read, each once. The same probes; an entry of a slice not asked about is skipped
   * unchecked, the port's always-readers are scanned for the wanted ones only, and the lookup
   * stops once every wanted slice is found. Allocates nothing beyond what `out` grows by once.
   */
  readersAmong(inPort: number, values: readonly number[], present: number, wanted: Int32Array, count: number, out: SliceNumbers): number {
    const res = out.reserve(count);
    if (this.readerCount === 0 || count === 0) return 0;
    const want = takeStamps(2);
    const got = want + 1;
    const stamps = sliceStamps;
    let distinct = 0;
    for (let i = 0; i < count; i++) {
      const id = wanted[i]!;
      // A number assigned after this index was built has no entry here.
      if (id >= 0 && id < stamps.length && stamps[id] !== want) {
        stamps[id] = want;
        distinct++;
      }
    }
    if (distinct === 0) return 0;
    const ids = this.ints;
    const hits = this.probe(inPort, values, present, true);
    const slot = probedSlot;
    const words = this.words;
    let found = 0;
    for (let h = 0; h < hits; h++) {
      const reads = probeReads[h]!;
      if (reads === READ_NONE) continue;
      const n = probeTuples[h]!;
      if (n < 0) found = this.addWanted(reads, res, found, want, got);
      else {
        for (let j = probeKeys[h]!, left = n; left > 0; left--) {
          const head = words[j]!;
          const end = j + ENTRY_HEAD + (head & RECORDS_MASK);
          const reader = (head >>> READER_SHIFT) - 1;
          if (reader >= 0 && stamps[reader] === want && passes(words, j + ENTRY_HEAD, end, values)) {
            stamps[reader] = got;
            res[found++] = reader;
          }
          j = end;
        }
      }
      if (found === distinct) return found;
    }
    const list = slot === NO_SEGMENT ? this.anyAlways : ids[slot + 2]!;
    for (let i = list + 1, end = list + 1 + ids[list]!; i < end; i++) {
      const id = ids[i]!;
      if (stamps[id] === want) {
        stamps[id] = got;
        res[found++] = id;
        if (found === distinct) break;
      }
    }
    return found;
  }

  /**
   * Appends the slices of a bucket without checks (one slice number, or ~offset of a list in
   * readerIds) not yet stamped `now`, stamping them; returns the new count.
   */
  private addList(slices: number, res: Int32Array, found: number, now: number): number {
    const stamps = sliceStamps;
    if (slices >= 0) {
      if (stamps[slices] !== now) {
        stamps[slices] = now;
        res[found++] = slices;
      }
      return found;
    }
    const ids = this.readerIds;
    for (let i = ~slices + 1, end = i + ids[~slices]!; i < end; i++) {
      const id = ids[i]!;
      if (stamps[id] === now) continue;
      stamps[id] = now;
      res[found++] = id;
    }
    return found;
  }

  /**
   * addList for readersAmong: appends the slices of a bucket without checks that are stamped
   * `want` (asked about, not found yet), stamping them `got`; returns the new count.
   */
  private addWanted(slices: number, res: Int32Array, found: number, want: number, got: number): number {
    const stamps = sliceStamps;
    if (slices >= 0) {
      if (stamps[slices] === want) {
        stamps[slices] = got;
        res[found++] = slices;
      }
      return found;
    }
    const ids = this.readerIds;
    for (let i = ~slices + 1, end = i + ids[~slices]!; i < end; i++) {
      const id = ids[i]!;
      if (stamps[id] !== want) continue;
      stamps[id] = got;
      res[found++] = id;
    }
    return found;
  }

  /** The directory slot of `inPort` (an offset in `ints`), NO_SEGMENT when it has no rules of its own. */
  private slotOf(inPort: number): number {
    const a = this.ints;
    const mask = this.portMask;
    // Ports are 32-bit unsigned: stored as Int32 (anything else has no rules of its own).
    if (inPort >>> 0 === inPort) {
      const port = inPort | 0;
      for (let i = port & mask; a[i * DIR_STRIDE] !== 0; i = (i + 1) & mask) {
        if (a[i * DIR_STRIDE + 1] === port) return i * DIR_STRIDE;
      }
    }
    return NO_SEGMENT;
  }

  /**
   * Phases 1 to 3 of a lookup: leaves in probeKeys/probeTuples, per bucket found, its offset in
   * `words` and its entry count (negative: no checks), and in probeReads what readers() reads
   * there; returns how many. `skipAlways`: leaves out the tuples matching every
   * packet (readers() has their slices per port).
   */
  private probe(inPort: number, values: readonly number[], present: number, skipAlways: boolean): number {
    const a = this.ints;
    let probes = this.anyPort === NO_SEGMENT ? 0 : this.keys(this.anyPort, values, present, 0, skipAlways);
    // The any-port probes' table slots are loaded while the in-port's directory slot is.
    let w = 0;
    for (let p = 0; p < probes; p++) w ^= a[probeTables[p]! + (probeKeys[p]! & probeMasks[p]!)]!;
    const slot = (probedSlot = this.slotOf(inPort));
    // readers() reads the port's always-list last: its first line is loaded now.
    if (skipAlways) w ^= a[slot === NO_SEGMENT ? this.anyAlways : a[slot + 2]!]!;
    if (slot !== NO_SEGMENT) probes = this.keys(slot + DIR_HEAD, values, present, probes, skipAlways);
    if (probes === 0) return 0;
    const keys = probeKeys;
    const tuples = probeTuples;
    const at = probeAt;
    const tables = probeTables;
    const masks = probeMasks;
    const words = this.words;
    const ob = this.offsetBits;
    const offsets = (1 << ob) - 1;
    // 2. The tables: per probe the first slot with its tag, kept in place, and its bucket's head loaded.
    let kept = 0;
    for (let p = 0; p < probes; p++) {
      const k = keys[p]!;
      const tag = tagOf(k, ob);
      const tableAt = tables[p]!;
      const m = masks[p]!;
      for (let i = k & m; ; i = (i + 1) & m) {
        const v = a[tableAt + i]!;
        if (v === 0) break;
        if ((v ^ tag) >>> ob !== 0) continue;
        keys[kept] = k;
        tuples[kept] = tuples[p]!;
        tables[kept] = tableAt;
        masks[kept] = m;
        at[kept] = i;
        w += words[(v & offsets) - 1]!;
        kept++;
        break;
      }
    }
    // 3. The buckets: the head names the key (a tag can be shared); each bucket found is kept
    // (offset of its first entry, count) and its first record loaded.
    const lists = this.readerIds;
    let hits = 0;
    for (let p = 0; p < kept; p++) {
      const k = keys[p]!;
      const tag = tagOf(k, ob);
      const tuple = tuples[p]!;
      const tableAt = tables[p]!;
      const m = masks[p]!;
      for (let i = at[p]!; ; i = (i + 1) & m) {
        const v = a[tableAt + i]!;
        if (v === 0) break;
        if ((v ^ tag) >>> ob !== 0) continue;
        const b = (v & offsets) - 1;
        if (words[b] !== k || words[b + 1] !== tuple) continue;
        const reads = words[b + 3]!;
        keys[hits] = b + BUCKET_HEAD;
        tuples[hits] = words[b + 2]!;
        probeReads[hits] = reads;
        w += words[b + BUCKET_HEAD]! + (reads < 0 && reads !== READ_NONE ? lists[~reads]! : 0);
        hits++;
        break;
      }
    }
    warmed.value = w;
    return hits;
  }

  /**
   * 1. The keys of the segment's tuples the packet can match (tuple descriptions are shared and
   * cached), appended to the probes from `probes` on; returns the new count.
   */
  private keys(at: number, values: readonly number[], present: number, probes: number, skipAlways: boolean): number {
    const a = this.ints;
    const meta = CATALOG.meta;
    const terms = CATALOG.terms;
    const mask = a[at + 1]!;
    const tableAt = a[at + 2]!;
    const ethType = values[ETH_TYPE_SLOT]!;
    const ipProto = values[IP_PROTO_SLOT]!;
    const absent = ~present;
    const idsAt = a[at + 4]!;
    for (let i = idsAt + (skipAlways ? a[at + 3]! : 0), end = idsAt + a[at]!; i < end; i++) {
      const id = a[i]!;
      const m = id * TUPLE_STRIDE;
      if ((meta[m]! & absent) !== 0) continue;
      const et = meta[m + 1]!;
      if (et >= 0 && et !== ethType) continue;
      const pr = meta[m + 2]!;
      if (pr >= 0 && pr !== ipProto) continue;
      let h = Math.imul(id + 1, 0x9e3779b1);
      for (let k = meta[m + 3]!, end = meta[m + 4]!; k < end; k += 3) {
        const v = values[terms[k + 1]!]!;
        const op = terms[k]!;
        h = mix(h, op === LOW ? v >>> 0 : op === HIGH ? (v / 4294967296) >>> 0 : v >>> terms[k + 2]!);
      }
      const k = h & 0x3fffffff;
      probeKeys[probes] = k;
      probeTuples[probes] = id;
      probeTables[probes] = tableAt;
      probeMasks[probes] = mask;
      probes++;
    }
    return probes;
  }
}

/** A key's tag in a table slot: its remixed high bits, above the `offsetBits` the bucket's offset takes. */
const tagOf = (k: number, offsetBits: number): number => (Math.imul(k, 0x9e3779b1) >>> offsetBits) << offsetBits;

/** Whether the packet's values pass the packed check records words[from..end) (packRecords). */
function passes(words: Int32Array, from: number, end: number, values: readonly number[]): boolean {
  for (let r = from; r < end; ) {
    const op = words[r]!;
    const v = values[(op >>> SLOT_SHIFT) & SLOT_MASK]!;
    switch (op & 3) {
      case EQ32:
        if (v !== words[r + 1]! >>> 0) return false;
        r += 2;
        break;
      case PREFIX:
        if ((v ^ words[r + 1]!) >>> (op >>> PREFIX_SHIFT) !== 0) return false;
        r += 2;
        break;
      case RANGE:
        if (v < words[r + 1]! >>> 0 || v > words[r + 2]! >>> 0) return false;
        r += 3;
        break;
      default:
        if (v !== (words[r + 1]! >>> 0) + words[r + 2]! * TWO32) return false;
        r += 3;
    }
  }
  return true;
}
