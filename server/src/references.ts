// textDocument/references.
import { ide } from '@dfvisor/grammar';
import type { Location } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { locate } from './locate.js';

export function registerReferences(ctx: ServerContext): void {
  ctx.connection.onReferences(
    guard(ctx.connection, 'textDocument/references', (params): Location[] | null => {
      const at = locate(ctx, params.textDocument.uri, params.position);
      if (!at) return null;
      return ide
        .referencesAt(at.model, at.file, at.offset, params.context?.includeDeclaration ?? true)
        .map((l) => ({ uri: l.file, range: toRange(l.range) }));
    }),
  );
}
