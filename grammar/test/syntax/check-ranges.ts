// Asserts that every range in a parsed file is well-formed and consistent with the text.
import assert from 'node:assert/strict';
import type { Position, SourceFile } from '../../src/syntax/ast.js';
import { nodesWithRanges } from './walk.js';

/** The LSP position of an offset, computed naively (reference for the parser's LineIndex). */
export function naivePosition(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart, offset };
}

export function assertRangesValid(file: SourceFile, opts: { exactPositions?: boolean } = {}): void {
  const len = file.text.length;
  for (const { path, range } of nodesWithRanges(file)) {
    const { start, end } = range;
    assert.ok(
      start.offset >= 0 && end.offset <= len && start.offset <= end.offset,
      `${path}: ${start.offset}..${end.offset} outside 0..${len}`,
    );
    assert.ok(start.line >= 0 && start.character >= 0 && end.line >= start.line, `${path}: bad line/character`);
    if (opts.exactPositions) {
      assert.deepEqual(start, naivePosition(file.text, start.offset), `${path}: start`);
      assert.deepEqual(end, naivePosition(file.text, end.offset), `${path}: end`);
    }
  }
}
