// textDocument/codeAction: quick fixes from the core for the diagnostics in the request.
import { ide, type Diagnostic as CoreDiagnostic } from '@dfvisor/grammar';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toLspDiagnostic, toWorkspaceEdit } from './convert.js';
import { guard } from './guard.js';
import { fileOf } from './locate.js';

const sameRange = (a: Diagnostic['range'], b: CoreDiagnostic['range']) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(
    guard(ctx.connection, 'textDocument/codeAction', (params): CodeAction[] => {
      if (params.context.only && !params.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return [];
      const core = ctx.analysis.check().byUri.get(f.file.path) ?? [];
      const out: CodeAction[] = [];
      for (const lsp of params.context.diagnostics) {
        const d = core.find((c) => c.code === lsp.code && sameRange(lsp.range, c.range));
        if (!d) continue;
        for (const fix of ide.quickFixes(f.model, f.file, d)) {
          out.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            isPreferred: fix.preferred,
            diagnostics: [toLspDiagnostic(d, ctx.settings.docsBaseUrl)],
            edit: toWorkspaceEdit(fix.edits),
          });
        }
      }
      return out;
    }),
  );
}
