// Generic traversal of the syntax tree: children of a node, the chain of nodes
// around an offset, offset/position conversion. Works on any node shape that
// has `kind` and `range`, so it keeps working when the AST gains fields.
import type { Position, Range, SourceFile } from '../syntax/ast.js';
import { LineIndex } from '../syntax/positions.js';

/** Anything in the tree with a kind and a range (AST nodes and field values). */
export interface AnyRanged {
  kind: string;
  range: Range;
}

function isRanged(v: unknown): v is AnyRanged {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AnyRanged).kind === 'string' &&
    typeof (v as AnyRanged).range === 'object' &&
    (v as AnyRanged).range !== null
  );
}

const SKIP_KEYS = new Set(['range', 'modeRange', 'errors', 'comments', 'text', 'path']);

/** The direct children of a node, in source order. */
export function childrenOf(node: AnyRanged): AnyRanged[] {
  const out: AnyRanged[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (isRanged(v)) {
      out.push(v);
      return;
    }
    if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) if (!SKIP_KEYS.has(k)) visit(x);
    }
  };
  for (const [k, v] of Object.entries(node)) if (!SKIP_KEYS.has(k)) visit(v);
  out.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return out;
}

/** Calls `fn` for every node under `root` (pre-order), with its ancestors. */
export function walk(root: AnyRanged, fn: (node: AnyRanged, parents: AnyRanged[]) => void): void {
  const parents: AnyRanged[] = [];
  const go = (n: AnyRanged): void => {
    fn(n, parents);
    parents.push(n);
    for (const c of childrenOf(n)) go(c);
    parents.pop();
  };
  go(root);
}

/** True when `offset` lies in the range; the end counts (a cursor just after a word is on it). */
export function touches(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}

/** The chain of nodes containing `offset`, outermost (the file) first. */
export function pathAt(file: SourceFile, offset: number): AnyRanged[] {
  const path: AnyRanged[] = [file];
  let cur: AnyRanged = file;
  for (;;) {
    const kids = childrenOf(cur).filter((c) => touches(c.range, offset));
    if (kids.length === 0) break;
    // Prefer a child that strictly contains the offset over one that merely ends at it.
    const next = kids.find((c) => c.range.start.offset <= offset && offset < c.range.end.offset) ?? kids[kids.length - 1]!;
    path.push(next);
    cur = next;
  }
  return path;
}

const lineIndexes = new WeakMap<SourceFile, LineIndex>();

/** The line index of a parsed file (built once per file, shared by every lookup). */
export function lineIndexOf(file: SourceFile): LineIndex {
  let index = lineIndexes.get(file);
  if (!index) lineIndexes.set(file, (index = new LineIndex(file.text)));
  return index;
}

/** Offset of a 0-based line/character, clamped to the file's text. */
export function offsetAt(file: SourceFile, line: number, character: number): number {
  return lineIndexOf(file).offset(line, character);
}

/** LSP position of an offset of a file. */
export function positionAt(file: SourceFile, offset: number): Position {
  return lineIndexOf(file).position(offset);
}

export function rangeOf(file: SourceFile, start: number, end: number): Range {
  return lineIndexOf(file).range(start, end);
}
