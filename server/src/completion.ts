// textDocument/completion: candidates from the core by context.
import { ide } from '@dfvisor/grammar';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { locate } from './locate.js';

const KIND: Record<ide.CandidateKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  field: CompletionItemKind.Field,
  value: CompletionItemKind.EnumMember,
  switch: CompletionItemKind.Class,
  port: CompletionItemKind.Value,
  link: CompletionItemKind.Reference,
  slice: CompletionItemKind.Module,
  snippet: CompletionItemKind.Snippet,
  unit: CompletionItemKind.Unit,
  number: CompletionItemKind.Value,
};

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion(
    guard(ctx.connection, 'textDocument/completion', (params): CompletionList | null => {
      const at = locate(ctx, params.textDocument.uri, params.position);
      if (!at) return null;
      const res = ide.completeAt(at.model, at.file, at.offset);
      const range = toRange(ide.rangeOf(at.file, res.replaceStart, res.replaceEnd));
      const items: CompletionItem[] = [];
      for (const c of res.items) {
        if (c.snippet && !ctx.client.snippets) continue;
        items.push({
          label: c.label,
          kind: KIND[c.kind],
          detail: c.detail,
          documentation: c.documentation
            ? { kind: ctx.client.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: c.documentation }
            : undefined,
          sortText: c.sortText,
          filterText: c.label,
          insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
          textEdit: { range, newText: c.insertText ?? c.label },
        });
      }
      return { isIncomplete: res.incomplete, items };
    }),
  );
}
