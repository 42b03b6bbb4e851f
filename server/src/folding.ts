// textDocument/foldingRange.
import { ide } from '@dfvisor/grammar';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { guard } from './guard.js';
import { fileOf } from './locate.js';

export function registerFolding(ctx: ServerContext): void {
  ctx.connection.onFoldingRanges(
    guard(ctx.connection, 'textDocument/foldingRange', (params): FoldingRange[] | null => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return null;
      return ide.foldingRanges(f.file).map((r) => ({
        startLine: r.startLine,
        endLine: r.endLine,
        kind: r.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region,
      }));
    }),
  );
}
