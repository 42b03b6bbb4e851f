// Where packet lookups put their matches: sorted runs of (order key, result) pairs, merged into
// one ordered list at the end. A run is either matches pushed one by one (the entries of a bucket
// that passed their checks, in the bucket's order) into the sink's own buffers, or a reference
// to a bucket whose entries all match (keys and results read in place, never copied). Reused by
// every lookup (lookups are synchronous), so collecting allocates nothing; only the returned list
// is new.
import type { FlowspaceEntry } from '@dfvisor/grammar';

/** Past this many runs, the matches are sorted together rather than merged. */
const MAX_MERGE_RUNS = 16;

export class MatchSink {
  /** The sink's own buffers, for matches pushed one by one. */
  private keys = new Float64Array(64);
  private items: FlowspaceEntry[] = [];
  private n = 0;
  /** False when a match had no exact order key (the caller then orders by comparison). */
  exact = true;
  /** Per run: where its keys and results are (null: the sink's own buffers), from where, how many. */
  private runKeys: Array<Float64Array | null> = [];
  private runItems: Array<readonly FlowspaceEntry[] | null> = [];
  private runKeyAt: Int32Array = new Int32Array(MAX_MERGE_RUNS);
  private runItemAt: Int32Array = new Int32Array(MAX_MERGE_RUNS);
  private runLength: Int32Array = new Int32Array(MAX_MERGE_RUNS);
  private runs = 0;
  /** Total matches over all runs. */
  private total = 0;
  private readonly heads = new Int32Array(MAX_MERGE_RUNS);
  private merged: FlowspaceEntry[] = [];

  reset(): void {
    this.n = 0;
    this.runs = 0;
    this.total = 0;
    this.exact = true;
  }

  private newRun(keys: Float64Array | null, keyAt: number, items: readonly FlowspaceEntry[] | null, itemAt: number, length: number): void {
    const r = this.runs;
    if (r === this.runKeyAt.length) {
      this.runKeyAt = grownInts(this.runKeyAt);
      this.runItemAt = grownInts(this.runItemAt);
      this.runLength = grownInts(this.runLength);
    }
    this.runKeys[r] = keys;
    this.runItems[r] = items;
    this.runKeyAt[r] = keyAt;
    this.runItemAt[r] = itemAt;
    this.runLength[r] = length;
    this.runs = r + 1;
  }

  /** Starts a run in the sink's own buffers: what is pushed until the next run is in key order. */
  openRun(): void {
    const r = this.runs;
    if (r > 0 && this.runKeys[r - 1] === null && this.runLength[r - 1] === 0) return; // reuse an empty one
    this.newRun(null, this.n, null, this.n, 0);
  }

  push(key: number, item: FlowspaceEntry): void {
    const n = this.n;
    if (n === this.keys.length) {
      const k = new Float64Array(n * 2);
      k.set(this.keys);
      this.keys = k;
    }
    if (Number.isNaN(key)) this.exact = false;
    this.keys[n] = key;
    this.items[n] = item;
    this.n = n + 1;
    this.runLength[this.runs - 1]++;
    this.total++;
  }

  /** A run of `count` matches kept in place: keys at keys[at..], results at results[base..]. */
  addRun(keys: Float64Array, at: number, results: readonly FlowspaceEntry[], base: number, count: number, exact: boolean): void {
    if (!exact) this.exact = false;
    this.newRun(keys, at, results, base, count);
    this.total += count;
  }

  /** The matches in key order, as a new list. */
  result(): FlowspaceEntry[] {
    const total = this.total;
    let runs = this.runs;
    if (runs > 0 && this.runLength[runs - 1] === 0) runs--; // an empty last run
    if (total === 0) return [];
    if (runs === 1) return this.itemsOf(0).slice(this.runItemAt[0], this.runItemAt[0]! + total);
    if (runs > MAX_MERGE_RUNS || !this.exact) return this.sorted(runs);
    const heads = this.heads;
    const keyAt = this.runKeyAt;
    const length = this.runLength;
    const keyArrays = this.runKeys;
    for (let r = 0; r < runs; r++) heads[r] = 0;
    const merged = this.merged;
    const own = this.keys;
    for (let i = 0; i < total; i++) {
      // The run whose head has the smallest key (few runs: a scan beats a heap).
      let best = 0;
      let bestKey = Infinity;
      for (let r = 0; r < runs; r++) {
        const h = heads[r]!;
        if (h === length[r]) continue;
        const k = (keyArrays[r] ?? own)[keyAt[r]! + h]!;
        if (k < bestKey) {
          bestKey = k;
          best = r;
        }
      }
      const item = this.itemsOf(best)[this.runItemAt[best]! + heads[best]!]!;
      heads[best] = heads[best]! + 1;
      if (i < merged.length) merged[i] = item;
      else merged.push(item);
    }
    return merged.slice(0, total);
  }

  private itemsOf(r: number): readonly FlowspaceEntry[] {
    return this.runItems[r] ?? this.items;
  }

  /** Many runs (or keys that are not exact): every match, sorted on the keys (the caller re-sorts inexact keys). */
  private sorted(runs: number): FlowspaceEntry[] {
    const keys: number[] = [];
    const items: FlowspaceEntry[] = [];
    for (let r = 0; r < runs; r++) {
      const k = this.runKeys[r] ?? this.keys;
      const it = this.itemsOf(r);
      for (let i = 0; i < this.runLength[r]!; i++) {
        keys.push(k[this.runKeyAt[r]! + i]!);
        items.push(it[this.runItemAt[r]! + i]!);
      }
    }
    const idx = Array.from({ length: items.length }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || 0);
    return idx.map((i) => items[i]!);
  }
}

function grownInts(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
