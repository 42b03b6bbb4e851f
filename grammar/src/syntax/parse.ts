// parse(text, path) → SourceFile. Never throws: every input gives a tree plus SL001 errors.
import type { IToken } from 'chevrotain';
import type * as A from './ast.js';
import { AstBuilder } from './build-ast.js';
import { parseTokens } from './cst-parser.js';
import { isClosedString } from './literals.js';
import { shorten } from './messages.js';
import { LineIndex, PositionTable } from './positions.js';
import { StringLiteral, tokenize } from './tokens.js';

export function parse(text: string, path: string): A.SourceFile {
  const source = typeof text === 'string' ? text : String(text ?? '');
  const index = new LineIndex(source);
  const fileRange = index.range(0, source.length);
  try {
    return parseUnsafe(source, path, index, fileRange);
  } catch (e) {
    // Defensive: the grammar is built to never throw, but a parse must never fail.
    const message = e instanceof Error ? e.message : String(e);
    return {
      kind: 'File',
      path,
      text: source,
      items: [],
      comments: [],
      errors: [{ code: 'SL001', message: `internal parser error: ${message}`, range: index.range(0, 0) }],
      range: fileRange,
    };
  }
}

function parseUnsafe(text: string, path: string, index: LineIndex, fileRange: A.Range): A.SourceFile {
  const lexed = tokenize(text);
  const errors: A.SyntaxDiagnostic[] = [];
  const err = (message: string, start: number, end: number): void => {
    errors.push({ code: 'SL001', message, range: index.range(start, end) });
  };

  for (const e of lexed.errors) {
    const bad = text.slice(e.offset, e.offset + e.length);
    err(`unexpected character${e.length > 1 ? 's' : ''} '${shorten(bad)}'`, e.offset, e.offset + e.length);
  }

  const comments: A.Comment[] = (lexed.groups['comments'] ?? []).map((t: IToken) => {
    const block = t.image.startsWith('/*');
    if (block && (t.image.length < 4 || !t.image.endsWith('*/'))) {
      err("unclosed comment: expected '*/' before end of file", t.startOffset, t.startOffset + 2);
    }
    return { kind: 'Comment', text: t.image, block, range: index.range(t.startOffset, t.startOffset + t.image.length) };
  });

  for (const t of lexed.tokens) {
    if (t.tokenType === StringLiteral && !isClosedString(t.image)) {
      err(`unclosed string: expected '"' before end of line`, t.startOffset, t.startOffset + t.image.length);
    }
  }

  const { cst, parser } = parseTokens(lexed.tokens);
  const lastTok = lexed.tokens[lexed.tokens.length - 1];
  const eofOffset = lastTok ? lastTok.startOffset + lastTok.image.length : 0;
  // Drop errors that are consequences of the previous one: same token, or inside
  // the stretch of tokens its recovery skipped.
  let skippedUntil = -1;
  for (const e of parser.errors) {
    const t = e.token;
    const real = t && Number.isFinite(t.startOffset) && t.tokenType.name !== 'EOF';
    const start = real ? t.startOffset : eofOffset;
    const end = real ? t.startOffset + t.image.length : eofOffset;
    if (start <= skippedUntil) continue;
    err(e.message, start, end);
    skippedUntil = start;
    for (const r of e.resyncedTokens ?? []) {
      if (Number.isFinite(r.startOffset)) skippedUntil = Math.max(skippedUntil, r.startOffset);
    }
  }
  errors.sort((a, b) => a.range.start.offset - b.range.start.offset);

  const items = new AstBuilder(new PositionTable(index), text).items(cst);
  return { kind: 'File', path, text, items, comments, errors, range: fileRange };
}
