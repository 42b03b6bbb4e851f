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
 */
export class SliceNumbers {
  ids = new Int32Array(16);

  /** Makes room for `n` numbers (keeps nothing: called before an answer is written). */
  reserve(n: number): Int32Array {
    if (n > this.ids.length) {
      let size = this.ids.length;
      while (size < n) size *= 2;
      this.ids = new Int32Array(size);
    }
    return this.ids;
  }

  /** Whether `id` is among ids[0..n). */
  has(id: number, n: number): boolean {
    const ids = this.ids;
    for (let i = 0; i < n; i++) if (ids[i] === id) return true;
    return false;
  }
}
