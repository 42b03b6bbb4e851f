// A tuple space compiled for packet lookups: what a lookup reads lies in three typed arrays (per
// tuple its filter fields and hash terms, then one open-addressing table), so a packet-in touches
// a few cache lines per location instead of a map, a generated function and a bucket object per
// tuple. Built from the tuple space's entries on the first lookup after a change (the owner drops
// it on every add and remove); holds no state of its own.
import { FIELD_ID, FIELDS, wordBits } from './fields.js';
import { CHECK_EQ, CHECK_PREFIX } from './flatCheck.js';

/** What the packet index needs of a tuple (see tupleSpace.ts). */
export interface IndexTuple {
  required: number;
  ethType: number;
  ipProto: number;
  parts: ReadonlyArray<{ kind: number; slot: number; len: number }>;
}

/** What it needs of an entry: presence bits, the flat check, and its constraint vector. */
export interface IndexEntry {
  required: number;
  check: number[];
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
const SLOT_STRIDE = 4; // key + 1 (0 = empty), tuple, first entry, entry count

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
  private readonly tuples: Int32Array;
  private readonly terms: Int32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  /**
   * A one-hash Bloom filter of the keys in the table, 16 bits per key: most probes miss, and the
   * filter (small enough to stay in cache) turns away ~94 % of them before they touch the table.
   */
  private readonly filter: Int32Array;
  private readonly filterShift: number;
  private readonly entries: E[] = [];
  /**
   * Per entry, side by side for the entries of one key: required fields, index in `entries`,
   * record count, then its flat check records (flatCheck.ts), so candidates are checked without
   * touching their objects; Float64 because MACs are 48-bit.
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
    const checkCount = groups.reduce((a, g) => a + g.reduce((b, { entry }) => b + 3 + entry.check.length, 0), 0);
    // One block of memory per location, in the order a lookup reads it: tuples, hash terms,
    // filter, table, checks (a lookup on a cold location then streams adjacent lines).
    const ints = meta.length + terms.length + (1 << (filterBits - 5)) + size * SLOT_STRIDE;
    const buffer = new ArrayBuffer(Math.ceil(ints / 2) * 8 + checkCount * 8);
    let at = 0;
    const view = (n: number): Int32Array => {
      const v = new Int32Array(buffer, at * 4, n);
      at += n;
      return v;
    };
    this.tuples = view(meta.length);
    this.tuples.set(tupleArr);
    this.terms = view(terms.length);
    this.terms.set(termArr);
    this.filter = view(1 << (filterBits - 5));
    this.table = view(size * SLOT_STRIDE);
    this.checks = new Float64Array(buffer, Math.ceil(ints / 2) * 8, checkCount);
    let c = 0;
    byKey.forEach((keys, t) => {
      for (const [k, list] of keys) {
        const f = Math.imul(k, 0x9e3779b1) >>> this.filterShift;
        this.filter[f >>> 5] |= 1 << (f & 31);
        let i = k & this.mask;
        while (this.table[i * SLOT_STRIDE] !== 0) i = (i + 1) & this.mask;
        const s = i * SLOT_STRIDE;
        this.table[s] = k + 1;
        this.table[s + 1] = t;
        this.table[s + 2] = c;
        this.table[s + 3] = list.length;
        for (const e of list) {
          this.checks[c++] = e.required;
          this.checks[c++] = this.entries.length;
          this.checks[c++] = e.check.length / 4;
          for (const x of e.check) this.checks[c++] = x;
          this.entries.push(e);
        }
      }
    });
  }

  /** Appends the entries whose match the packet satisfies (unordered). */
  collect(values: readonly number[], present: number, out: E[]): void {
    const tuples = this.tuples;
    const terms = this.terms;
    const table = this.table;
    const mask = this.mask;
    const entries = this.entries;
    const checks = this.checks;
    const filter = this.filter;
    const filterShift = this.filterShift;
    const ethType = values[ETH_TYPE_SLOT]!;
    const ipProto = values[IP_PROTO_SLOT]!;
    const absent = ~present;
    for (let t = 0, m = 0; m < tuples.length; t++, m += TUPLE_STRIDE) {
      if ((tuples[m]! & absent) !== 0) continue;
      const et = tuples[m + 1]!;
      if (et >= 0 && et !== ethType) continue;
      const pr = tuples[m + 2]!;
      if (pr >= 0 && pr !== ipProto) continue;
      const k = keyOf(tuples, terms, t, values);
      const f = Math.imul(k, 0x9e3779b1) >>> filterShift;
      if ((filter[f >>> 5]! & (1 << (f & 31))) === 0) continue;
      for (let i = k & mask; ; i = (i + 1) & mask) {
        const s = i * SLOT_STRIDE;
        const stored = table[s]!;
        if (stored === 0) break;
        if (stored !== k + 1 || table[s + 1] !== t) continue;
        for (let j = table[s + 2]!, n = table[s + 3]!; n > 0; n--) {
          const end = j + 3 + checks[j + 2]! * 4;
          let ok = (checks[j]! & absent) === 0;
          for (let r = j + 3; ok && r < end; r += 4) {
            const v = values[checks[r + 1]!]!;
            const op = checks[r]!;
            if (op === CHECK_EQ) ok = v === checks[r + 2];
            else if (op === CHECK_PREFIX) ok = (v ^ checks[r + 2]!) >>> checks[r + 3]! === 0;
            else ok = v >= checks[r + 2]! && v <= checks[r + 3]!;
          }
          if (ok) out.push(entries[checks[j + 1]!]!);
          j = end;
        }
        break;
      }
    }
  }
}
