// Slice names as small numbers, process-wide (a few per plan), and the reusable answer of the
// packet-in question in that form: the index marks and returns numbers (no string is read or
// written per packet), and a caller holding its own slices' numbers compares integers.
const numbers = new Map<string, number>();
const names: string[] = [];

/** The number of a slice name (assigned on first use, never reused; stable for the process). */
export function sliceNumber(name: string): number {
  let id = numbers.get(name);
  if (id === undefined) {
    numbers.set(name, (id = names.length));
    names.push(name);
  }
  return id;
}

/** The name of a slice number (undefined for a number never assigned). */
export function sliceName(id: number): string | undefined {
  return names[id];
}

/** Every name by number (read-only view for loops that map many numbers). */
export const SLICE_NAMES: readonly string[] = names;

/**
 * Slice numbers in ids[0..n) (n is what the call that filled it returned; what lies beyond is
 * stale). Reused across calls: it grows to the largest answer once and then allocates nothing.
 * Whoever fills it calls `reserve` first, so `has` knows a new answer has come.
 */
export class SliceNumbers {
  ids = new Int32Array(16);
  /** Per slice number, the round in which `has` last marked it. */
  private marks = new Int32Array(16);
  private round = 0;
  /** Answers filled so far, and the answer (and its length) the marks are for. */
  private fills = 0;
  private markedFill = -1;
  private markedCount = -1;

  /** Makes room for `n` numbers (keeps nothing: called before an answer is written). */
  reserve(n: number): Int32Array {
    this.fills++;
    if (n > this.ids.length) {
      let size = this.ids.length;
      while (size < n) size *= 2;
      this.ids = new Int32Array(size);
    }
    return this.ids;
  }

  /**
   * Whether `id` is among ids[0..n). The first question about an answer marks its numbers (one
   * pass); every question after that is one load, however long the answer.
   */
  has(id: number, n: number): boolean {
    if (n === 0) return false;
    if (this.markedFill !== this.fills || this.markedCount !== n) this.mark(n);
    return id >= 0 && id < this.marks.length && this.marks[id] === this.round;
  }

  private mark(n: number): void {
    if (this.marks.length < names.length) {
      let size = this.marks.length;
      while (size < names.length) size *= 2;
      this.marks = new Int32Array(size);
      this.round = 0;
    }
    if (this.round === 0x7fffffff) {
      this.marks.fill(0);
      this.round = 0;
    }
    const round = ++this.round;
    const marks = this.marks;
    const ids = this.ids;
    for (let i = 0; i < n; i++) marks[ids[i]!] = round;
    this.markedFill = this.fills;
    this.markedCount = n;
  }
}
