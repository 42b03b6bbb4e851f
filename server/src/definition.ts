// textDocument/definition.
import { ide } from '@dfvisor/grammar';
import type { Location } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { locate } from './locate.js';

export function registerDefinition(ctx: ServerContext): void {
  ctx.connection.onDefinition(
    guard(ctx.connection, 'textDocument/definition', (params): Location[] | null => {
      const at = locate(ctx, params.textDocument.uri, params.position);
      if (!at) return null;
      const locs = ide.definitionAt(at.model, at.file, at.offset);
      return locs.length ? locs.map((l) => ({ uri: l.file, range: toRange(l.range) })) : null;
    }),
  );
}
