// Offsets to LSP positions (0-based line, UTF-16 character) and back.
import type { Position, Range } from './ast.js';

/** Line starts of a text; line breaks are \n, \r\n and \r, as in LSP. */
export class LineIndex {
  private readonly starts: number[];
  /** The line of the last lookup: lookups in source order cost O(1). */
  private hint = 0;

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        starts.push(i + 1);
      } else if (c === 0x0a) {
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  get textLength(): number {
    return this.text.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** The 0-based line holding an offset (already clamped to the text). */
  lineOf(o: number): number {
    const s = this.starts;
    let h = this.hint;
    // Near the previous lookup (the usual case while walking a file in order).
    if (s[h]! <= o) {
      for (let k = 0; k < 4; k++) {
        if (h + 1 >= s.length || s[h + 1]! > o) return (this.hint = h);
        h++;
      }
    }
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return (this.hint = lo);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    return { line, character: o - this.starts[line]!, offset: o };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Offset of an LSP position (clamped to the text). */
  offset(line: number, character: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    const start = this.starts[line]!;
    const next = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    return Math.min(start + Math.max(0, character), next);
  }
}

/**
 * Positions and ranges for one tree: one Position object per distinct offset,
 * shared by every range that starts or ends there (the tree is read-only), so
 * a token's end and its node's end are the same object.
 */
export class PositionTable {
  private readonly slot: Int32Array;
  private readonly made: Position[] = [];

  constructor(readonly index: LineIndex) {
    this.slot = new Int32Array(index.textLength + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.slot.length - 1));
    const k = this.slot[o]!;
    if (k !== 0) return this.made[k - 1]!;
    const p = this.index.position(o);
    this.made.push(p);
    this.slot[o] = this.made.length;
    return p;
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }
}
