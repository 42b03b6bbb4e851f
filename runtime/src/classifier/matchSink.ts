// Where packet lookups put their matches: order keys and results side by side, in sorted runs
// (each bucket of a packet index yields its matches in order), merged into one ordered list at
// the end. Reused by every lookup (lookups are synchronous), so collecting allocates nothing;
// only the returned list is new.
import type { FlowspaceEntry } from '@dfvisor/grammar';

/** Past this many runs or matches, the runs are sorted together rather than merged. */
const MAX_MERGE_RUNS = 16;

export class MatchSink {
  keys = new Float64Array(64);
  items: FlowspaceEntry[] = [];
  n = 0;
  /** False when a match had no exact order key (the caller then orders by comparison). */
  exact = true;
  /** Run r holds items starts[r] .. starts[r + 1] − 1 (the last one up to n). */
  private starts = new Int32Array(MAX_MERGE_RUNS + 1);
  private runs = 0;
  private readonly heads = new Int32Array(MAX_MERGE_RUNS);
  private merged: FlowspaceEntry[] = [];

  reset(): void {
    this.n = 0;
    this.runs = 0;
    this.exact = true;
  }

  /** Starts a run: what is pushed until the next run is in key order. */
  openRun(): void {
    const r = this.runs;
    if (r > 0 && this.starts[r - 1] === this.n) return; // the previous run is empty: reuse it
    if (r === this.starts.length) {
      const s = new Int32Array(r * 2);
      s.set(this.starts);
      this.starts = s;
    }
    this.starts[r] = this.n;
    this.runs = r + 1;
  }

  private grow(need: number): void {
    let size = this.keys.length;
    while (size < need) size *= 2;
    const k = new Float64Array(size);
    k.set(this.keys);
    this.keys = k;
  }

  push(key: number, item: FlowspaceEntry): void {
    const n = this.n;
    if (n === this.keys.length) this.grow(n + 1);
    if (key !== key) this.exact = false; // NaN
    this.keys[n] = key;
    this.items[n] = item;
    this.n = n + 1;
  }

  /** Appends `count` matches in order: keys from keys[at..], results from results[base..]. */
  pushAll(keys: Float64Array, at: number, results: readonly FlowspaceEntry[], base: number, count: number): void {
    const n = this.n;
    if (n + count > this.keys.length) this.grow(n + count);
    const k = this.keys;
    const items = this.items;
    for (let i = 0; i < count; i++) {
      const key = keys[at + i]!;
      if (key !== key) this.exact = false;
      k[n + i] = key;
      items[n + i] = results[base + i]!;
    }
    this.n = n + count;
  }

  /** The n matches in key order, as a new list. */
  result(): FlowspaceEntry[] {
    const n = this.n;
    let runs = this.runs;
    // An empty last run does not count.
    if (runs > 0 && this.starts[runs - 1] === n) runs--;
    if (runs <= 1 || n <= 1) return this.items.slice(0, n);
    if (runs > MAX_MERGE_RUNS || !this.exact) return this.sorted();
    const keys = this.keys;
    const items = this.items;
    const starts = this.starts;
    const heads = this.heads;
    for (let r = 0; r < runs; r++) heads[r] = starts[r]!;
    const merged = this.merged;
    for (let i = 0; i < n; i++) {
      // The run whose head has the smallest key (few runs: a scan beats a heap).
      let best = -1;
      let bestKey = Infinity;
      for (let r = 0; r < runs; r++) {
        const h = heads[r]!;
        if (h < (r + 1 < runs ? starts[r + 1]! : n) && keys[h]! < bestKey) {
          bestKey = keys[h]!;
          best = r;
        }
      }
      const item = items[heads[best]!]!;
      heads[best] = heads[best]! + 1;
      if (i < merged.length) merged[i] = item;
      else merged.push(item);
    }
    return merged.slice(0, n);
  }

  /** Many runs (or keys that are not exact): sort the whole (the caller re-sorts inexact keys). */
  private sorted(): FlowspaceEntry[] {
    const keys = this.keys;
    const items = this.items;
    const idx = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || 0);
    return idx.map((i) => items[i]!);
  }
}
