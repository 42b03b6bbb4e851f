// The formatter: one canonical layout, comments kept, idempotent.
// Works on the token stream (so every comment and literal spelling is kept)
// with line starts and block braces taken from the parsed tree.
import type { IToken } from 'chevrotain';
import type * as A from '../syntax/ast.js';
import { parse } from '../syntax/parse.js';
import * as T from '../syntax/tokens.js';
import { layoutOf, type Layout } from './layout.js';

export interface FormatResult {
  /** The formatted text, or the input unchanged when it has syntax errors. */
  text: string;
  changed: boolean;
  /** Syntax errors that prevented formatting (empty when formatted). */
  errors: A.SyntaxDiagnostic[];
}

export interface TextEdit {
  range: A.Range;
  newText: string;
}

const INDENT = '  ';

/** Formats a .slice text; returns it unchanged if it has syntax errors. */
export function format(text: string, path = 'untitled.slice'): string {
  return formatResult(text, path).text;
}

export function formatResult(text: string, path = 'untitled.slice'): FormatResult {
  const file = parse(text, path);
  if (file.errors.length > 0) return { text, changed: false, errors: file.errors };
  const out = print(text, file);
  return { text: out, changed: out !== text, errors: [] };
}

/**
 * Edits for the top-level blocks that touch [startOffset, endOffset) (LSP range formatting).
 * Empty when the text has syntax errors or nothing changes.
 */
export function formatRange(text: string, startOffset: number, endOffset: number, path = 'untitled.slice'): TextEdit[] {
  const file = parse(text, path);
  if (file.errors.length > 0) return [];
  const edits: TextEdit[] = [];
  for (const item of file.items) {
    const { start, end } = item.range;
    if (end.offset < startOffset || start.offset > Math.max(startOffset, endOffset)) continue;
    const original = text.slice(start.offset, end.offset);
    const formatted = print(original, parse(original, path)).replace(/\r?\n$/, '');
    if (formatted !== original) edits.push({ range: item.range, newText: formatted });
  }
  return edits;
}

interface Piece {
  token: IToken;
  comment: boolean;
  lineComment: boolean;
}

function print(text: string, file: A.SourceFile): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const layout = layoutOf(file);
  const lexed = T.sliceLexer.tokenize(text);
  const pieces: Piece[] = [
    ...lexed.tokens.map((token) => ({ token, comment: false, lineComment: false })),
    ...(lexed.groups['comments'] ?? []).map((token) => ({ token, comment: true, lineComment: token.image.startsWith('//') })),
  ].sort((a, b) => a.token.startOffset - b.token.startOffset);

  const lines: string[] = [];
  let line = '';
  let lineIndent = 0;
  let depth = 0;
  let continuation = false; // the current statement continues after a comment forced a line break
  let prev: Piece | undefined;
  let lastWasClose = false; // the last finished line closed a top-level block

  const flush = (): void => {
    if (line !== '') lines.push(INDENT.repeat(lineIndent) + line);
    line = '';
  };
  const newline = (blankWanted: boolean, indent: number): void => {
    flush();
    if (blankWanted && lines.length > 0 && lines[lines.length - 1] !== '') {
      const last = lines[lines.length - 1]!.trimEnd();
      if (!last.endsWith('{')) lines.push('');
    }
    lineIndent = indent;
  };
  const blankInSource = (p: Piece): boolean => {
    if (!prev) return false;
    const gap = text.slice(prev.token.startOffset + prev.token.image.length, p.token.startOffset);
    return /\r?\n[ \t\f\v]*\r?\n|\r[ \t\f\v]*\r/.test(gap);
  };
  const sameSourceLine = (p: Piece): boolean => {
    if (!prev) return false;
    const gap = text.slice(prev.token.startOffset + prev.token.image.length, p.token.startOffset);
    return !/[\r\n]/.test(gap);
  };
  const inInline = (offset: number): boolean => layout.inlineSpans.some(([s, e]) => offset >= s && offset < e);

  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    const tok = p.token;
    const type = tok.tokenType;
    const next = pieces[i + 1];

    if (p.comment) {
      if (line !== '' && sameSourceLine(p)) {
        line += ` ${tok.image}`;
      } else {
        const blank = depth === 0 ? lastWasClose || blankInSource(p) : blankInSource(p);
        newline(blank, depth + (continuation ? 1 : 0));
        line = tok.image;
        lastWasClose = false;
      }
      if (p.lineComment || /[\r\n]/.test(tok.image) || (next && !sameSourceLineOf(text, tok, next.token))) {
        // a line comment ends the line; the statement (if any) continues on the next one
        newline(false, depth);
        continuation = line === '' && !isStatementBoundary(next, layout, inInline);
      }
      prev = p;
      continue;
    }

    const isClose = type === T.RCurly && !inInline(tok.startOffset);
    const isOpen = type === T.LCurly && !inInline(tok.startOffset);

    if (isClose) {
      depth = Math.max(0, depth - 1);
      newline(false, depth);
      line = '}';
      // the next statement starts a new line; a trailing comment may follow on this one
      continuation = false;
      lastWasClose = depth === 0;
      prev = p;
      continue;
    }

    if (layout.lineStarts.has(tok.startOffset)) {
      const blank = depth === 0 ? (prev?.comment ? blankInSource(p) : lines.length > 0 || line !== '') : blankInSource(p);
      newline(blank, depth);
      continuation = false;
      lastWasClose = false;
      line = tok.image;
    } else if (line === '') {
      // continuation of a statement after a comment line
      lineIndent = depth + (continuation ? 1 : 0);
      line = tok.image;
    } else {
      line += spaceBetween(prev, p) + tok.image;
    }

    if (isOpen) {
      const emptyBlock = next !== undefined && !next.comment && next.token.tokenType === T.RCurly;
      if (emptyBlock) {
        // `{}` stays on this line; skip the matching close
        line += '}';
        i++;
        prev = pieces[i];
        lastWasClose = depth === 0;
        continue;
      }
      depth++;
      const trailing = next?.comment && sameSourceLineOf(text, tok, next.token);
      if (!trailing) newline(false, depth);
    }
    prev = p;
  }
  flush();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : lines.map((l) => l.trimEnd()).join(eol) + eol;
}

function sameSourceLineOf(text: string, a: IToken, b: IToken): boolean {
  return !/[\r\n]/.test(text.slice(a.startOffset + a.image.length, b.startOffset));
}

function isStatementBoundary(next: Piece | undefined, layout: Layout, inInline: (o: number) => boolean): boolean {
  if (!next) return true;
  if (next.comment) return true;
  const o = next.token.startOffset;
  if (layout.lineStarts.has(o)) return true;
  return next.token.tokenType === T.RCurly && !inInline(o);
}

function spaceBetween(prev: Piece | undefined, cur: Piece): string {
  if (!prev) return '';
  const a = prev.token.tokenType;
  const b = cur.token.tokenType;
  if (cur.comment || prev.comment) return ' ';
  if (b === T.Colon || b === T.Comma || b === T.DotDot) return '';
  if (a === T.DotDot) return '';
  if (a === T.Colon && (b === T.NumberLiteral || b === T.Star)) return '';
  return ' ';
}
