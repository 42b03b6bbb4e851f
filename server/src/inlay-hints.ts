// textDocument/inlayHint: normalised rates, remaining link capacity, limits taken from a grant.
import { ide } from '@dfvisor/grammar';
import { InlayHintKind, type InlayHint } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toPosition } from './convert.js';
import { guard } from './guard.js';
import { fileOf, offsetOf } from './locate.js';

export function registerInlayHints(ctx: ServerContext): void {
  ctx.connection.languages.inlayHint.on(
    guard(ctx.connection, 'textDocument/inlayHint', (params): InlayHint[] | null => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return null;
      const start = offsetOf(f.file, params.range.start);
      const end = offsetOf(f.file, params.range.end);
      return ide.inlayHints(f.model, f.file, start, end).map((h) => ({
        position: toPosition(h.position),
        label: h.label,
        kind: h.kind === 'rate' ? InlayHintKind.Type : InlayHintKind.Parameter,
        paddingLeft: true,
        tooltip: h.tooltip,
      }));
    }),
  );
}
