// Tuple-space search over the rules of one location (a switch, or a switch port).
// Rules are grouped by their shape (which fields are exact, the prefix lengths rounded down
// to a few levels, which port fields are ranges); inside a tuple, a hash of the exact values
// and prefix bits finds the candidate bucket in one Map lookup. Port ranges and prefix bits
// below the level are not hashed: they are checked on the few candidates.
// A lookup costs one hash probe per tuple, not one test per rule. A rule's exact eth_type and
// ip_proto are part of its tuple's identity, not of the hash: a packet skips every tuple whose
// fixed eth_type/ip_proto differs from its own with two integer compares (no hash, no probe).
// Packet lookups read the same tuples compiled into typed arrays, one block per switch
// (packetIndex.ts); flow-mod queries and updates use the map of buckets here.
import type { FlowspaceEntry } from '@dfvisor/grammar';
import { FIELD_ID, FIELDS, SLOT_COUNT, wordBits } from './fields.js';
import type { CompiledMatch } from './match.js';
import type { LocationInput } from './packetIndex.js';

/** A flowspace entry with its compiled match, shared by every index that holds it. */
export interface IndexedEntry {
  entry: FlowspaceEntry;
  compiled: CompiledMatch;
  /** Copied from the entry so the hot path sorts and checks without touching it. */
  priority: number;
  id: number;
  /** priority and id as one number (order.ts orderKey), NaN when the id does not fit. */
  order: number;
  required: number;
  /** The match as flat records (see flatCheck.ts). */
  check: number[];
}

const SCALAR = 0;
const V4 = 1;
const V6 = 2;

/** Prefix lengths at which prefixes are hashed: the largest level not above the prefix length. */
const V4_LEVELS = [8, 16, 24, 32];
const V6_LEVELS = [16, 32, 48, 64, 96, 128];

function hashLevel(levels: readonly number[], len: number): number {
  let level = 0;
  for (const l of levels) if (l <= len) level = l;
  return level;
}

interface HashPart {
  kind: number;
  field: number;
  slot: number;
  len: number;
}

const ETH_TYPE = FIELD_ID.eth_type;
const IP_PROTO = FIELD_ID.ip_proto;
const ETH_TYPE_SLOT = FIELDS[ETH_TYPE]!.slot;
const IP_PROTO_SLOT = FIELDS[IP_PROTO]!.slot;

class Tuple {
  size = 0;
  /** Fields hashed exactly (scalars and single ports). */
  readonly exactFields: number;
  readonly hash: HashFn;
  constructor(
    signature: string,
    readonly parts: readonly HashPart[],
    readonly required: number,
    readonly salt: number,
    /** The eth_type / ip_proto every entry of this tuple fixes, or -1 (not hashed: compared). */
    readonly ethType: number,
    readonly ipProto: number,
  ) {
    let ex = 0;
    for (const p of parts) if (p.kind === SCALAR) ex |= 1 << p.field;
    this.exactFields = ex;
    this.hash = hashFor(signature, parts);
  }
}

/** The entries of one tuple with one hash; buckets of different tuples may share a key (chained). */
interface Bucket {
  tuple: Tuple;
  entries: IndexedEntry[];
  next: Bucket | undefined;
}

/** The value vector of a compiled match: exact values and masked prefix words at their slots. */
export function constraintVector(m: CompiledMatch): number[] {
  const v = new Array<number>(SLOT_COUNT).fill(-1);
  for (const c of m.constraints) {
    if (c.kind === 'exact') v[c.slot] = c.value;
    else if (c.kind === 'prefix32') v[c.slot] = c.addr;
    else if (c.kind === 'prefix128') for (let w = 0; w < 4; w++) v[c.slot + w] = c.words[w];
  }
  return v;
}

interface Shape {
  /** The hashed shape (shared by tuples that differ only in their fixed eth_type/ip_proto). */
  signature: string;
  /** The tuple's identity: the shape plus the fixed eth_type/ip_proto values. */
  key: string;
  parts: HashPart[];
  ethType: number;
  ipProto: number;
}

function shapeOf(m: CompiledMatch): Shape {
  const parts: HashPart[] = [];
  const sig: string[] = [];
  let ethType = -1;
  let ipProto = -1;
  for (const c of m.constraints) {
    switch (c.kind) {
      case 'exact':
        if (c.field === ETH_TYPE) {
          ethType = c.value;
          sig.push(`${c.field}:`);
          break;
        }
        if (c.field === IP_PROTO) {
          ipProto = c.value;
          sig.push(`${c.field}:`);
          break;
        }
        parts.push({ kind: SCALAR, field: c.field, slot: c.slot, len: 0 });
        sig.push(`${c.field}=`);
        break;
      case 'prefix32':
      case 'prefix128': {
        // Hash the prefix at a coarser level (fewer tuples to probe); candidates are then
        // checked against the full prefix. Below the first level it is not hashed at all.
        const level = hashLevel(c.kind === 'prefix32' ? V4_LEVELS : V6_LEVELS, c.len);
        if (level > 0) parts.push({ kind: c.kind === 'prefix32' ? V4 : V6, field: c.field, slot: c.slot, len: level });
        sig.push(`${c.field}/${level}`);
        break;
      }
      case 'range':
        sig.push(`${c.field}~`);
        break;
    }
  }
  const signature = sig.join(';');
  return { signature, key: `${signature}#${ethType}#${ipProto}`, parts, ethType, ipProto };
}

type HashFn = (values: readonly number[]) => number;

const MAC_SLOTS = new Set([0, 1]);

/** One generated function per shape, shared by every tuple of that shape (so it gets hot and optimised). */
const HASHES = new Map<string, HashFn>();

function hashFor(signature: string, parts: readonly HashPart[]): HashFn {
  let h = HASHES.get(signature);
  if (!h) HASHES.set(signature, (h = makeHash(parts)));
  return h;
}

/**
 * Builds the hash of the bits a tuple looks at, specialised to its parts (straight-line
 * code, no loop over a part list): each term is the exact value (MACs as two 32-bit halves),
 * the prefix bits of an IPv4 field, or the covered bits of each IPv6 word. The generated
 * source contains only numbers taken from the tuple's shape. Values must hold every hashed field.
 */
function makeHash(parts: readonly HashPart[]): HashFn {
  const terms: string[] = [];
  for (const p of parts) {
    if (p.kind === SCALAR) {
      terms.push(`v[${p.slot}] >>> 0`);
      if (MAC_SLOTS.has(p.slot)) terms.push(`(v[${p.slot}] / 4294967296) >>> 0`);
    } else if (p.kind === V4) {
      terms.push(`v[${p.slot}] >>> ${32 - p.len}`);
    } else {
      for (let w = 0; w < 4; w++) {
        const bits = wordBits(p.len, w);
        if (bits > 0) terms.push(`v[${p.slot + w}] >>> ${32 - bits}`);
      }
    }
  }
  const body = ['let h = 0x2f1b;'];
  for (const t of terms) body.push(`h = Math.imul(h ^ (${t}), 0x5bd1e995); h ^= h >>> 15;`);
  body.push('return h & 0x3fffffff;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('v', body.join('\n')) as HashFn;
}

/** What a query match pins down exactly, to decide per tuple between one probe and a scan. */
export interface QueryProfile {
  compiled: CompiledMatch;
  vector: number[];
  /** Fields the query fixes to one value. */
  exactFields: number;
  /** Prefix length per field id (0 when the query has no prefix there). */
  prefixLen: number[];
}

export function queryProfile(q: CompiledMatch): QueryProfile {
  let exactFields = 0;
  const prefixLen = new Array<number>(16).fill(0);
  for (const c of q.constraints) {
    if (c.kind === 'exact') exactFields |= 1 << c.field;
    else if (c.kind === 'prefix32' || c.kind === 'prefix128') prefixLen[c.field] = c.len;
  }
  return { compiled: q, vector: constraintVector(q), exactFields, prefixLen };
}

export class TupleSpace {
  private readonly tuples = new Map<string, Tuple>();
  /** Every bucket of every tuple of this location in one map, keyed by (tuple hash ^ tuple salt). */
  private readonly buckets = new Map<number, Bucket>();
  // The tuples as parallel arrays, so a lookup reads contiguous memory and touches a tuple
  // object only where its probe finds a bucket.
  private list: Tuple[] = [];
  private count = 0;
  private nextSalt = 1;

  /** @param keyMask the bits of the hash used as key (tests use few bits to force collisions). */
  constructor(private readonly keyMask = 0x3fffffff) {}

  private relist(list: Tuple[]): void {
    this.list = list;
  }

  /** What the packet index of this location's switch is built from (packetIndex.ts). */
  packetInput(port: number | null): LocationInput<IndexedEntry> {
    const at = new Map(this.list.map((t, i) => [t, i]));
    const groups = this.list.map(() => [] as IndexedEntry[]);
    for (let b of this.buckets.values()) {
      for (; b !== undefined; b = b.next!) for (const e of b.entries) groups[at.get(b.tuple)!]!.push(e);
    }
    return { port, tuples: this.list, groups };
  }

  get size(): number {
    return this.count;
  }

  get tupleCount(): number {
    return this.list.length;
  }

  private find(t: Tuple, key: number): Bucket | undefined {
    let b = this.buckets.get(key);
    while (b !== undefined && b.tuple !== t) b = b.next;
    return b;
  }

  add(e: IndexedEntry): void {
    const shape = shapeOf(e.compiled);
    let t = this.tuples.get(shape.key);
    if (!t) {
      t = new Tuple(
        shape.signature,
        shape.parts,
        e.compiled.required,
        Math.imul(this.nextSalt++, 0x9e3779b1),
        shape.ethType,
        shape.ipProto,
      );
      this.tuples.set(shape.key, t);
      this.relist([...this.list, t]);
    }
    const key = (t.hash(constraintVector(e.compiled)) ^ t.salt) & this.keyMask;
    const b = this.find(t, key);
    if (b) b.entries.push(e);
    else this.buckets.set(key, { tuple: t, entries: [e], next: this.buckets.get(key) });
    t.size++;
    this.count++;
  }

  remove(e: IndexedEntry): boolean {
    const { key: tupleKey } = shapeOf(e.compiled);
    const t = this.tuples.get(tupleKey);
    if (!t) return false;
    const key = (t.hash(constraintVector(e.compiled)) ^ t.salt) & this.keyMask;
    const b = this.find(t, key);
    const i = b ? b.entries.indexOf(e) : -1;
    if (!b || i < 0) return false;
    b.entries.splice(i, 1);
    if (b.entries.length === 0) this.unlink(key, b);
    t.size--;
    this.count--;
    if (t.size === 0) {
      this.tuples.delete(tupleKey);
      this.relist(this.list.filter((x) => x !== t));
    }
    return true;
  }

  private unlink(key: number, target: Bucket): void {
    const head = this.buckets.get(key)!;
    if (head === target) {
      if (target.next) this.buckets.set(key, target.next);
      else this.buckets.delete(key);
      return;
    }
    let b = head;
    while (b.next !== target) b = b.next!;
    b.next = target.next;
  }

  /**
   * Calls `visit` for every entry that may intersect the query: one probe in tuples whose
   * hashed fields the query pins down at least as finely, one pass over the buckets of
   * the others. The caller computes the exact intersection.
   */
  forCandidates(q: QueryProfile, visit: (e: IndexedEntry) => void): void {
    let scan: Set<Tuple> | undefined;
    const ethType = q.exactFields & (1 << ETH_TYPE) ? q.vector[ETH_TYPE_SLOT]! : -1;
    const ipProto = q.exactFields & (1 << IP_PROTO) ? q.vector[IP_PROTO_SLOT]! : -1;
    for (const t of this.list) {
      // A query fixing another eth_type/ip_proto than the tuple's cannot intersect its entries.
      if (ethType >= 0 && t.ethType >= 0 && t.ethType !== ethType) continue;
      if (ipProto >= 0 && t.ipProto >= 0 && t.ipProto !== ipProto) continue;
      if (determines(q, t)) {
        const b = this.find(t, (t.hash(q.vector) ^ t.salt) & this.keyMask);
        if (b) for (const e of b.entries) visit(e);
      } else {
        (scan ??= new Set()).add(t);
      }
    }
    if (!scan) return;
    for (let b of this.buckets.values()) {
      for (; b !== undefined; b = b.next!) if (scan.has(b.tuple)) for (const e of b.entries) visit(e);
    }
  }

  /** Every entry, unordered. */
  *entries(): IterableIterator<IndexedEntry> {
    for (let b of this.buckets.values()) for (; b !== undefined; b = b.next!) yield* b.entries;
  }
}

function determines(q: QueryProfile, t: Tuple): boolean {
  if ((t.exactFields & ~q.exactFields) !== 0) return false;
  for (const p of t.parts) {
    if (p.kind !== SCALAR && q.prefixLen[p.field] < p.len) return false;
  }
  return true;
}
