// textDocument/semanticTokens/full.
import { ide } from '@dfvisor/grammar';
import { SemanticTokensBuilder, type SemanticTokensLegend } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { guard } from './guard.js';
import { fileOf } from './locate.js';

export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: [...ide.SEMANTIC_TOKEN_TYPES],
  tokenModifiers: [...ide.SEMANTIC_TOKEN_MODIFIERS],
};

export function registerSemanticTokens(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on(
    guard(ctx.connection, 'textDocument/semanticTokens/full', (params) => {
      const builder = new SemanticTokensBuilder();
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return builder.build();
      for (const t of ide.semanticTokens(f.file)) {
        const type = ide.SEMANTIC_TOKEN_TYPES.indexOf(t.type);
        const mods = t.modifiers.reduce((m, x) => m | (1 << ide.SEMANTIC_TOKEN_MODIFIERS.indexOf(x)), 0);
        builder.push(t.line, t.character, t.length, type, mods);
      }
      return builder.build();
    }),
  );
}
