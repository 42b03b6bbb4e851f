// Which slice each of a switch's buffered packets was delivered to. A packet-in that keeps its
// buffer id is recorded here (slice index, in_port, time); a tenant's flow-mod or packet-out naming
// a buffer id is accepted only from that slice and only once (`take`), and an entry older than the
// expiry is unknown. Bounded: a ring of `capacity` slots in typed arrays (the oldest is
// overwritten) and an open-addressing index from buffer id to slot, also a typed array (no Map, no
// object per packet: this runs twice per flow setup); no timer (age is checked when an id is used).

/** Entries kept per switch; a switch holds at most a few hundred buffered packets (OVS 256). */
export const BUFFER_OWNERS_CAPACITY = 1024;
/** A buffer id is usable this long after its packet-in (switches release buffers after a few seconds). */
export const BUFFER_OWNERS_EXPIRY_MS = 5000;

const EMPTY = -1;

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
    private readonly now: () => number = Date.now,
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
    if (this.slices[slot] !== -1) this.forget(slot);
    // The switch reuses an id once its buffer is released: the id now names this packet.
    const earlier = this.find(bufferId);
    if (earlier !== EMPTY) this.forget(earlier);
    this.ids[slot] = bufferId;
    this.slices[slot] = slice;
    this.inPorts[slot] = inPort;
    this.at[slot] = this.now();
    let i = this.home(bufferId);
    while (this.index[i] !== EMPTY) i = (i + 1) & this.mask;
    this.index[i] = slot;
    this.count++;
  }

  /**
   * The in_port of the packet buffered as `bufferId` when slice `slice` may use it, else null
   * (another slice's, expired or never delivered). `consume`: the id is forgotten (OpenFlow
   * releases a buffer when a flow-mod or packet-out uses it).
   */
  use(bufferId: number, slice: number, consume: boolean): number | null {
    const slot = this.find(bufferId);
    if (slot === EMPTY) return null;
    if (this.now() - this.at[slot]! > this.expiryMs) {
      this.forget(slot);
      return null;
    }
    if (this.slices[slot] !== slice) return null;
    const inPort = this.inPorts[slot]!;
    if (consume) this.forget(slot);
    return inPort;
  }

  /** Forgets every id of a slice (its binding ended). */
  forgetSlice(slice: number): void {
    for (let slot = 0; slot < this.capacity; slot++) if (this.slices[slot] === slice) this.forget(slot);
  }

  private home(bufferId: number): number {
    // Switches put a packet's slot in the low bits and a counter above: every bit counts.
    return Math.imul(bufferId, 0x9e3779b1) >>> this.shift;
  }

  /** The ring slot that holds `bufferId` (usable), or EMPTY. */
  private find(bufferId: number): number {
    for (let i = this.home(bufferId); ; i = (i + 1) & this.mask) {
      const slot = this.index[i]!;
      if (slot === EMPTY) return EMPTY;
      if (this.ids[slot] === bufferId) return slot;
    }
  }

  /** Drops a usable slot: out of the index (backward-shift deletion keeps probe chains whole). */
  private forget(slot: number): void {
    this.slices[slot] = -1;
    this.count--;
    let i = this.home(this.ids[slot]!);
    while (this.index[i] !== slot) i = (i + 1) & this.mask;
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
