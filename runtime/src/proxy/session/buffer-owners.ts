// Which slice each of a switch's buffered packets was delivered to. A packet-in that keeps its
// buffer id is recorded here (slice index, in_port, time); a tenant's flow-mod or packet-out naming
// a buffer id is accepted only from that slice and only once (`take`), and an entry older than the
// expiry is unknown. Bounded: a ring of `capacity` slots in typed arrays (the oldest is
// overwritten) and an open-addressing index from buffer id to slot, also a typed array (no Map, no
// object per packet: this runs twice per flow setup, one probe each); no timer of its own (age is
// checked when an id is used), times from the coarse clock (coarse-clock.ts: no system call).
import { coarseNow } from '../coarse-clock.js';

/** Entries kept per switch; a switch holds at most a few hundred buffered packets (OVS 256). */
export const BUFFER_OWNERS_CAPACITY = 1024;
/** A buffer id is usable this long after its packet-in (switches release buffers after a few seconds). */
export const BUFFER_OWNERS_EXPIRY_MS = 5000;

const EMPTY = -1;
/** `lookup`'s answer when the slice may not use the id. */
export const NO_HOLD = -1;

export class BufferOwners {
  private readonly ids: Uint32Array;
  /** Slice index of the slot's packet; -1: the slot holds no usable id. */
  private readonly slices: Int32Array;
  private readonly inPorts: Uint32Array;
  private readonly at: Float64Array;
  /** Linear-probing index: buffer id → ring slot (EMPTY: free); at most half full. */
  private readonly index: Int32Array;
  private readonly mask: number;
  /** 32 − log2(index size): the multiplicative hash's top bits pick the home position. */
  private readonly shift: number;
  private next = 0;
  private count = 0;

  constructor(
    private readonly now: () => number = coarseNow,
    readonly capacity = BUFFER_OWNERS_CAPACITY,
    readonly expiryMs = BUFFER_OWNERS_EXPIRY_MS,
  ) {
    this.ids = new Uint32Array(capacity);
    this.slices = new Int32Array(capacity).fill(-1);
    this.inPorts = new Uint32Array(capacity);
    this.at = new Float64Array(capacity);
    let size = 8;
    while (size < capacity * 2) size *= 2;
    this.index = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
  }

  /** How many ids are remembered (expired ones included until used or overwritten). */
  get size(): number {
    return this.count;
  }

  /** The packet buffered as `bufferId` (arrived at `inPort`) was delivered to slice `slice` alone. */
  delivered(bufferId: number, slice: number, inPort: number): void {
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.slices[slot] !== -1) this.remove(this.positionOf(slot));
    // One probe: it ends at the id's earlier entry (the switch reuses an id once its buffer is
    // released: the id now names this packet, in the same place) or at the free place for it.
    const index = this.index;
    let i = this.home(bufferId);
    for (;;) {
      const s = index[i]!;
      if (s === EMPTY) {
        this.count++;
        break;
      }
      if (this.ids[s] === bufferId) {
        this.slices[s] = -1;
        break;
      }
      i = (i + 1) & this.mask;
    }
    index[i] = slot;
    this.ids[slot] = bufferId;
    this.slices[slot] = slice;
    this.inPorts[slot] = inPort;
    this.at[slot] = this.now();
  }

  /**
   * Where `bufferId` is held for slice `slice` (a handle for `inPortAt` and `take`, valid until
   * the next call that changes this table), or NO_HOLD: another slice's, expired (then dropped)
   * or never delivered. One probe and one clock read.
   */
  lookup(bufferId: number, slice: number): number {
    const index = this.index;
    for (let i = this.home(bufferId); ; i = (i + 1) & this.mask) {
      const slot = index[i]!;
      if (slot === EMPTY) return NO_HOLD;
      if (this.ids[slot] !== bufferId) continue;
      if (this.now() - this.at[slot]! > this.expiryMs) {
        this.remove(i);
        return NO_HOLD;
      }
      return this.slices[slot] === slice ? i : NO_HOLD;
    }
  }

  /** The in_port of the packet a `lookup` handle names. */
  inPortAt(handle: number): number {
    return this.inPorts[this.index[handle]!]!;
  }

  /** Forgets the id a `lookup` handle names (OpenFlow released its buffer); returns its in_port. */
  take(handle: number): number {
    const inPort = this.inPortAt(handle);
    this.remove(handle);
    return inPort;
  }

  /**
   * The in_port of the packet buffered as `bufferId` when slice `slice` may use it, else null
   * (another slice's, expired or never delivered). `consume`: the id is forgotten (OpenFlow
   * releases a buffer when a flow-mod or packet-out uses it).
   */
  use(bufferId: number, slice: number, consume: boolean): number | null {
    const h = this.lookup(bufferId, slice);
    if (h === NO_HOLD) return null;
    return consume ? this.take(h) : this.inPortAt(h);
  }

  /** Forgets every id of a slice (its binding ended). */
  forgetSlice(slice: number): void {
    for (let slot = 0; slot < this.capacity; slot++) if (this.slices[slot] === slice) this.remove(this.positionOf(slot));
  }

  private home(bufferId: number): number {
    // Switches put a packet's slot in the low bits and a counter above: every bit counts.
    return Math.imul(bufferId, 0x9e3779b1) >>> this.shift;
  }

  /** The index position of a usable ring slot. */
  private positionOf(slot: number): number {
    let i = this.home(this.ids[slot]!);
    while (this.index[i] !== slot) i = (i + 1) & this.mask;
    return i;
  }

  /** Drops the usable slot at index position `i` (backward-shift deletion keeps probe chains whole). */
  private remove(i: number): void {
    this.slices[this.index[i]!] = -1;
    this.count--;
    for (let j = (i + 1) & this.mask; ; j = (j + 1) & this.mask) {
      const s = this.index[j]!;
      if (s === EMPTY) break;
      const h = this.home(this.ids[s]!);
      // Entry at j may move back to the hole at i when its home is not in (i, j] (cyclically).
      if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
        this.index[i] = s;
        i = j;
      }
    }
    this.index[i] = EMPTY;
  }
}
