// Test helpers: visit every node of a tree; strip ranges for tree comparison.
import type { Range, SourceFile } from '../../src/syntax/ast.js';

/** Every object with a `range` inside the file (the file itself included), with its path. */
export function nodesWithRanges(file: SourceFile): Array<{ path: string; range: Range; node: Record<string, unknown> }> {
  const out: Array<{ path: string; range: Range; node: Record<string, unknown> }> = [];
  const visit = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        visit(x, `${path}[${i}]`);
      });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (isRange(o['range'])) out.push({ path, range: o['range'] as Range, node: o });
    for (const [k, x] of Object.entries(o)) {
      if (k === 'range' || k === 'modeRange' || k === 'text') continue;
      visit(x, `${path}.${k}`);
    }
  };
  visit(file.items, 'items');
  visit(file.comments, 'comments');
  visit(file.errors, 'errors');
  return out;
}

function isRange(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'start' in v && 'end' in v;
}

/** The tree as plain data without positions (and without the file's own text/path). */
export function shape(file: SourceFile): unknown {
  return JSON.parse(
    JSON.stringify({ items: file.items, comments: file.comments.map((c) => c.text) }, (k, v: unknown) => {
      if (k === 'range' || k === 'modeRange') return undefined;
      if (typeof v === 'bigint') return `${v.toString()}n`;
      return v;
    }),
  );
}
