// The flowspace classifier: entries indexed by dpid, then by in-port (with the any-port list
// beside each port), then by tuple-space search over the header fields. Used for every
// packet-in (readersOf: the slices that may read it; classifyPacket: the entries in order) and
// every tenant flow-mod (entriesForMatch).
import type { DpidHex, FlowspaceEntry, Match, Permission } from '@dfvisor/grammar';
import type { ClassifierError } from './errors.js';
import { intersectCompiled } from './intersect.js';
import { compileMatch, isCompileError } from './match.js';
import { normalizeInto, type NormalizedPacket, type PacketHeaders } from './packet.js';
import { SLOT_COUNT } from './fields.js';
import { compareEntries } from './order.js';
import { TupleSpace, queryProfile, type IndexedEntry } from './tupleSpace.js';
import { MatchSink } from './matchSink.js';
import { PacketIndex } from './packetIndex.js';
import { SLICE_NAMES, SliceNumbers } from './sliceNumbers.js';
import type { EntryFilter, FlowspaceClassifier, FlowspaceHit, HitsResult } from './types.js';
import { indexNewEntry, isIndexError } from './validate.js';

/** The rules of one switch: per in-port, plus those for any port. */
class SwitchRules {
  readonly byPort = new Map<number, TupleSpace>();
  readonly anyPort: TupleSpace;
  size = 0;
  /** Every location compiled for packet lookups; dropped on every change, rebuilt on the next lookup. */
  private packets: PacketIndex<IndexedEntry> | null = null;

  constructor(
    private readonly keyMask: number,
    private readonly tagBits: number,
  ) {
    this.anyPort = new TupleSpace(keyMask);
  }

  add(e: IndexedEntry): void {
    const port = e.entry.inPort;
    this.packets = null;
    if (port === null) this.anyPort.add(e);
    else {
      let s = this.byPort.get(port);
      if (!s) this.byPort.set(port, (s = new TupleSpace(this.keyMask)));
      s.add(e);
    }
    this.size++;
  }

  remove(e: IndexedEntry): void {
    const port = e.entry.inPort;
    this.packets = null;
    if (port === null) this.anyPort.remove(e);
    else {
      const s = this.byPort.get(port);
      if (s && s.remove(e) && s.size === 0) this.byPort.delete(port);
    }
    this.size--;
  }

  /** Compiles the packet index now if a change dropped it (else the next lookup does). */
  prepare(): PacketIndex<IndexedEntry> {
    return (this.packets ??= new PacketIndex(
      [...[...this.byPort].map(([port, space]) => space.packetInput(port)), this.anyPort.packetInput(null)],
      this.tagBits,
    ));
  }

  /** Puts the entries matching a normalized packet at `inPort` into `out` (sorted runs). */
  collectPacket(inPort: number, values: readonly number[], present: number, out: MatchSink): void {
    (this.packets ?? this.prepare()).collect(inPort, values, present, out);
  }

  /** Writes to out.ids[0..n) (returns n) the numbers of the slices with a matching entry at `inPort` that grants read. */
  readersPacket(inPort: number, values: readonly number[], present: number, out: SliceNumbers): number {
    return (this.packets ?? this.prepare()).readers(inPort, values, present, out);
  }

  /** readersPacket asked about given slices only (PacketIndex.readersAmong). */
  readersAmong(inPort: number, values: readonly number[], present: number, wanted: Int32Array, count: number, out: SliceNumbers): number {
    return (this.packets ?? this.prepare()).readersAmong(inPort, values, present, wanted, count, out);
  }

  /** The tuple spaces a query at `inPort` (null: every port) must look at. */
  spaces(inPort: number | null): TupleSpace[] {
    if (inPort === null) return [this.anyPort, ...this.byPort.values()];
    const s = this.byPort.get(inPort);
    return s ? [s, this.anyPort] : [this.anyPort];
  }
}

/** Rules by dpid. */
class Locations {
  readonly bySwitch = new Map<DpidHex, SwitchRules>();
  constructor(
    private readonly keyMask: number,
    private readonly tagBits: number,
  ) {}

  add(e: IndexedEntry): void {
    let s = this.bySwitch.get(e.entry.dpid);
    if (!s) this.bySwitch.set(e.entry.dpid, (s = new SwitchRules(this.keyMask, this.tagBits)));
    s.add(e);
  }

  remove(e: IndexedEntry): void {
    const s = this.bySwitch.get(e.entry.dpid);
    if (!s) return;
    s.remove(e);
    if (s.size === 0) this.bySwitch.delete(e.entry.dpid);
  }
}

export interface ClassifierBuild {
  classifier: Classifier;
  /** Entries left out, one error each. */
  errors: ClassifierError[];
}

export interface ClassifierOptions {
  /** Bits of each tuple hash used as map key (1..30, default 30); tests use few to force collisions. */
  hashBits?: number;
  /** At most this many bits of each packet-index table slot tag a key (1..31, default 31); tests use few so keys share tags. */
  tagBits?: number;
}

export class Classifier implements FlowspaceClassifier {
  private readonly byId = new Map<number, IndexedEntry>();
  private readonly all: Locations;
  /**
   * The same entries per slice and dpid, so a slice's flow-mods look only at its own rules
   * there (a plain list: a slice has few rules per switch, and a tuple space per slice and
   * switch would cost far more memory than it saves).
   */
  private readonly bySlice = new Map<string, Map<DpidHex, IndexedEntry[]>>();
  private readonly scratch = new Array<number>(SLOT_COUNT).fill(-1);
  /** Where readersOf and readersInto collect slice numbers before naming them. */
  private readonly readerScratch = new SliceNumbers();

  constructor(options: ClassifierOptions = {}) {
    const bits = Math.min(30, Math.max(1, Math.floor(options.hashBits ?? 30)));
    this.all = new Locations(2 ** bits - 1, Math.min(31, Math.max(1, Math.floor(options.tagBits ?? 31))));
  }

  /** Builds a classifier from a plan's flowspace; malformed entries are reported and left out. */
  static build(entries: readonly FlowspaceEntry[], options: ClassifierOptions = {}): ClassifierBuild {
    const classifier = new Classifier(options);
    const errors = classifier.addAll(entries);
    return { classifier, errors };
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  get(id: number): FlowspaceEntry | undefined {
    return this.byId.get(id)?.entry;
  }

  /** Every entry, in plan order (priority high to low, ties by id). */
  entries(): FlowspaceEntry[] {
    return [...this.byId.values()].map((e) => e.entry).sort(compareEntries);
  }

  /**
   * Adds one entry; returns an error (and changes nothing) when it is malformed or its id is
   * taken. Entries are plan data: do not mutate one after adding it (remove and re-add instead).
   */
  add(entry: FlowspaceEntry): ClassifierError | null {
    const e = indexNewEntry(entry, (id) => this.byId.has(id));
    if (isIndexError(e)) return e;
    this.byId.set(entry.id, e);
    this.all.add(e);
    let s = this.bySlice.get(entry.slice);
    if (!s) this.bySlice.set(entry.slice, (s = new Map()));
    const list = s.get(entry.dpid);
    if (list) list.push(e);
    else s.set(entry.dpid, [e]);
    return null;
  }

  addAll(entries: readonly FlowspaceEntry[]): ClassifierError[] {
    const errors: ClassifierError[] = [];
    for (const entry of entries) {
      const err = this.add(entry);
      if (err) errors.push(err);
    }
    this.prepare();
    return errors;
  }

  /**
   * Compiles the packet index of every location a change touched, so the first packet-ins after
   * a plan is applied do not pay for it (addAll, removeSlice and replaceSlice call it; after a
   * single add or remove the next lookup at that location does).
   */
  prepare(): void {
    for (const sw of this.all.bySwitch.values()) sw.prepare();
  }

  /** Removes the entry with this id; false when there is none. */
  remove(id: number): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    this.byId.delete(id);
    this.all.remove(e);
    const s = this.bySlice.get(e.entry.slice);
    const list = s?.get(e.entry.dpid);
    const at = list ? list.indexOf(e) : -1;
    if (s && list && at >= 0) {
      list.splice(at, 1);
      if (list.length === 0) s.delete(e.entry.dpid);
      if (s.size === 0) this.bySlice.delete(e.entry.slice);
    }
    return true;
  }

  /** Removes every entry of a slice; returns how many. */
  removeSlice(slice: string): number {
    const s = this.bySlice.get(slice);
    if (!s) return 0;
    const ids: number[] = [];
    for (const list of s.values()) for (const e of list) ids.push(e.entry.id);
    for (const id of ids) this.remove(id);
    this.prepare();
    return ids.length;
  }

  /** Replaces a slice's entries with new ones (a redeploy of a changed slice). */
  replaceSlice(slice: string, entries: readonly FlowspaceEntry[]): ClassifierError[] {
    this.removeSlice(slice);
    const errors: ClassifierError[] = [];
    for (const entry of entries) {
      if (entry.slice !== slice) {
        errors.push({
          code: 'CLS_BAD_ENTRY',
          entryId: entry.id,
          message: `entry ${entry.id} belongs to slice ${entry.slice}, not ${slice}`,
        });
        continue;
      }
      const err = this.add(entry);
      if (err) errors.push(err);
    }
    this.prepare();
    return errors;
  }

  classifyPacket(dpid: DpidHex, inPort: number, headers: PacketHeaders): FlowspaceEntry[] {
    const sw = this.all.bySwitch.get(dpid);
    if (!sw) return [];
    // One value vector reused by every call (lookups are synchronous and keep no reference to it).
    const present = normalizeInto(headers, this.scratch);
    return classifyAt(sw, inPort, this.scratch, present);
  }

  /**
   * Adds to `out` (and returns it) every slice with an entry matching the packet that grants
   * read: the slices of classifyPacket's entries that include 'read', computed without listing
   * or ordering the entries (the packet-in's question). Allocates nothing but what `out` grows by.
   */
  readersOf(dpid: DpidHex, inPort: number, headers: PacketHeaders, out: Set<string>): Set<string> {
    const scratch = this.readerScratch;
    const n = this.readerIdsInto(dpid, inPort, headers, scratch);
    for (let i = 0; i < n; i++) out.add(SLICE_NAMES[scratch.ids[i]!]!);
    return out;
  }

  /**
   * readersOf into a reusable array: writes the slices to out[0..n), each once, and returns n
   * (what lies beyond n is stale). Allocates nothing once `out` has grown to the answer's size.
   */
  readersInto(dpid: DpidHex, inPort: number, headers: PacketHeaders, out: string[]): number {
    const scratch = this.readerScratch;
    const n = this.readerIdsInto(dpid, inPort, headers, scratch);
    const ids = scratch.ids;
    for (let i = 0; i < n; i++) out[i] = SLICE_NAMES[ids[i]!]!;
    return n;
  }

  /**
   * The same answer as slice numbers (sliceNumbers.ts `sliceNumber`/`sliceName`): writes them to
   * out.ids[0..n), each once, and returns n. The packet-in's form: no string is read or written,
   * and a caller holding the numbers of its slices compares integers (`out.has`). Allocates
   * nothing once `out` has grown to the switch's number of reading slices.
   */
  readerIdsInto(dpid: DpidHex, inPort: number, headers: PacketHeaders, out: SliceNumbers): number {
    const sw = this.all.bySwitch.get(dpid);
    if (!sw) return 0;
    const present = normalizeInto(headers, this.scratch);
    return sw.readersPacket(inPort, this.scratch, present, out);
  }

  /**
   * readerIdsInto asked about given slices only: writes to out.ids[0..n) (returns n) those of
   * wanted[0..count) (slice numbers) that may read the packet, each once. The proxy's form: a
   * session asks about the slices bound at its switch, so the lookup skips the entries of every
   * other slice unchecked and stops once all of them are found.
   */
  readerIdsAmong(dpid: DpidHex, inPort: number, headers: PacketHeaders, wanted: Int32Array, count: number, out: SliceNumbers): number {
    const sw = this.all.bySwitch.get(dpid);
    if (!sw) {
      out.reserve(0);
      return 0;
    }
    const present = normalizeInto(headers, this.scratch);
    return sw.readersAmong(inPort, this.scratch, present, wanted, count, out);
  }

  /** classifyPacket for headers already in normal form (normalize once, classify many times). */
  classifyNormalized(dpid: DpidHex, inPort: number, packet: NormalizedPacket): FlowspaceEntry[] {
    const sw = this.all.bySwitch.get(dpid);
    if (!sw) return [];
    return classifyAt(sw, inPort, packet.values, packet.present);
  }

  /** The best matching entry of each slice (optionally only entries granting a permission). */
  bestPerSlice(dpid: DpidHex, inPort: number, headers: PacketHeaders, permission?: Permission): Map<string, FlowspaceEntry> {
    return bestPerSlice(this.classifyPacket(dpid, inPort, headers), permission);
  }

  entriesForMatch(dpid: DpidHex, inPort: number | null, match: Match, filter: EntryFilter = {}): HitsResult {
    const q = compileMatch(match);
    if (isCompileError(q)) return { ok: false, error: q };
    const hits: FlowspaceHit[] = [];
    const visit = (e: IndexedEntry): void => {
      if (filter.permission !== undefined && !e.entry.permissions.includes(filter.permission)) return;
      const m = intersectCompiled(e.compiled, q);
      if (m !== null) hits.push({ entry: e.entry, inPort: e.entry.inPort ?? inPort, match: m });
    };
    if (filter.slice !== undefined) {
      const list = this.bySlice.get(filter.slice)?.get(dpid);
      if (list) {
        for (const e of list) if (inPort === null || e.entry.inPort === null || e.entry.inPort === inPort) visit(e);
      }
    } else {
      const sw = this.all.bySwitch.get(dpid);
      if (!sw) return { ok: true, hits: [] };
      const profile = queryProfile(q);
      for (const space of sw.spaces(inPort)) space.forCandidates(profile, visit);
    }
    hits.sort((a, b) => compareEntries(a.entry, b.entry));
    return { ok: true, hits };
  }

  /** Shape of the index, for logs and benchmarks. */
  stats(): { entries: number; switches: number; slices: number; tuples: number } {
    let tuples = 0;
    for (const sw of this.all.bySwitch.values()) for (const s of sw.spaces(null)) tuples += s.tupleCount;
    return { entries: this.size, switches: this.all.bySwitch.size, slices: this.bySlice.size, tuples };
  }
}

/** Where lookups collect their matches (lookups are synchronous: one sink will do). */
const sink = new MatchSink();

/** The entries of one switch matching a normalized packet at `inPort`, in classifier order. */
function classifyAt(sw: SwitchRules, inPort: number, values: readonly number[], present: number): FlowspaceEntry[] {
  sink.reset();
  sw.collectPacket(inPort, values, present, sink);
  const out = sink.result();
  // An id without an exact order key: ordered by comparison.
  if (!sink.exact && out.length > 1) out.sort(compareEntries);
  return out;
}

/** From matches in classifier order: the first (best) entry of each slice. */
export function bestPerSlice(sorted: readonly FlowspaceEntry[], permission?: Permission): Map<string, FlowspaceEntry> {
  const best = new Map<string, FlowspaceEntry>();
  for (const e of sorted) {
    if (permission !== undefined && !e.permissions.includes(permission)) continue;
    if (!best.has(e.slice)) best.set(e.slice, e);
  }
  return best;
}
