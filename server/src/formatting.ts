// textDocument/formatting and rangeFormatting over the core's formatter.
// Whole-document formatting answers one minimal edit (the changed middle of the
// text, common prefix and suffix kept); range formatting uses the core's
// per-item edits.
import { ide, type SourceFile } from '@dfvisor/grammar';
import type { TextEdit } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { formatRangeEdits, formatText } from './core.js';
import { guard } from './guard.js';
import { fileOf, offsetOf } from './locate.js';

/** The smallest single edit turning `before` into `after`. */
export function minimalEdit(file: SourceFile, after: string): TextEdit[] {
  const before = file.text;
  if (before === after) return [];
  let s = 0;
  while (s < before.length && s < after.length && before[s] === after[s]) s++;
  let e = 0;
  while (e < before.length - s && e < after.length - s && before[before.length - 1 - e] === after[after.length - 1 - e]) e++;
  return [{ range: toRange(ide.rangeOf(file, s, before.length - e)), newText: after.slice(s, after.length - e) }];
}

export function registerFormatting(ctx: ServerContext): void {
  ctx.connection.onDocumentFormatting(
    guard(ctx.connection, 'textDocument/formatting', (params): TextEdit[] => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return [];
      return minimalEdit(f.file, formatText(f.file));
    }),
  );
  ctx.connection.onDocumentRangeFormatting(
    guard(ctx.connection, 'textDocument/rangeFormatting', (params): TextEdit[] => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return [];
      const start = offsetOf(f.file, params.range.start);
      const end = offsetOf(f.file, params.range.end);
      return formatRangeEdits(f.file, start, end).map((e) => ({ range: toRange(e.range), newText: e.newText }));
    }),
  );
}
