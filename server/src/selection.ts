// textDocument/selectionRange.
import { ide } from '@dfvisor/grammar';
import type { SelectionRange } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { fileOf, offsetOf } from './locate.js';

export function registerSelection(ctx: ServerContext): void {
  ctx.connection.onSelectionRanges(
    guard(ctx.connection, 'textDocument/selectionRange', (params): SelectionRange[] | null => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return null;
      return params.positions.map((p) => {
        const ranges = ide.selectionRanges(f.file, offsetOf(f.file, p));
        let sel: SelectionRange | undefined;
        for (let i = ranges.length - 1; i >= 0; i--) sel = { range: toRange(ranges[i]!), parent: sel };
        return sel ?? { range: { start: p, end: p } };
      });
    }),
  );
}
