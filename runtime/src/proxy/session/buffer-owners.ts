// Which slice each of a switch's buffered packets was delivered to. A packet-in that keeps its
// buffer id is recorded here (slice index, in_port, time); a tenant's flow-mod or packet-out naming
// a buffer id is accepted only from that slice and only once (`take`), and an entry older than the
// expiry is unknown. Bounded: a ring of `capacity` slots in typed arrays (the oldest is
// overwritten), one Map from buffer id to slot; no timer (age is checked when an id is used).

/** Entries kept per switch; a switch holds at most a few hundred buffered packets (OVS 256). */
export const BUFFER_OWNERS_CAPACITY = 1024;
/** A buffer id is usable this long after its packet-in (switches release buffers after a few seconds). */
export const BUFFER_OWNERS_EXPIRY_MS = 5000;

export class BufferOwners {
  private readonly ids: Uint32Array;
  private readonly slices: Int32Array;
  private readonly inPorts: Uint32Array;
  private readonly at: Float64Array;
  /** buffer id → slot; a slot that held another id since is detected by `ids[slot]`. */
  private readonly slotOf = new Map<number, number>();
  private next = 0;

  constructor(
    private readonly now: () => number = Date.now,
    readonly capacity = BUFFER_OWNERS_CAPACITY,
    readonly expiryMs = BUFFER_OWNERS_EXPIRY_MS,
  ) {
    this.ids = new Uint32Array(capacity);
    this.slices = new Int32Array(capacity).fill(-1);
    this.inPorts = new Uint32Array(capacity);
    this.at = new Float64Array(capacity);
  }

  /** How many ids are remembered (expired ones included until used or overwritten). */
  get size(): number {
    return this.slotOf.size;
  }

  /** The packet buffered as `bufferId` (arrived at `inPort`) was delivered to slice `slice` alone. */
  delivered(bufferId: number, slice: number, inPort: number): void {
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.slices[slot] !== -1 && this.slotOf.get(this.ids[slot]!) === slot) this.slotOf.delete(this.ids[slot]!);
    this.ids[slot] = bufferId;
    this.slices[slot] = slice;
    this.inPorts[slot] = inPort;
    this.at[slot] = this.now();
    this.slotOf.set(bufferId, slot);
  }

  /**
   * The in_port of the packet buffered as `bufferId` when slice `slice` may use it, else null
   * (another slice's, expired or never delivered). `consume`: the id is forgotten (OpenFlow
   * releases a buffer when a flow-mod or packet-out uses it).
   */
  use(bufferId: number, slice: number, consume: boolean): number | null {
    const slot = this.slotOf.get(bufferId);
    if (slot === undefined) return null;
    if (this.now() - this.at[slot]! > this.expiryMs) {
      this.forget(bufferId, slot);
      return null;
    }
    if (this.slices[slot] !== slice) return null;
    const inPort = this.inPorts[slot]!;
    if (consume) this.forget(bufferId, slot);
    return inPort;
  }

  /** Forgets every id of a slice (its binding ended). */
  forgetSlice(slice: number): void {
    for (const [id, slot] of this.slotOf) if (this.slices[slot] === slice) this.forget(id, slot);
  }

  private forget(bufferId: number, slot: number): void {
    this.slotOf.delete(bufferId);
    this.slices[slot] = -1;
  }
}
