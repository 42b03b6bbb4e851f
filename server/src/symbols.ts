// textDocument/documentSymbol and workspace/symbol.
import { ide } from '@dfvisor/grammar';
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { fileOf } from './locate.js';

const KIND: Record<ide.OutlineItem['kind'], SymbolKind> = {
  network: SymbolKind.Namespace,
  switch: SymbolKind.Class,
  port: SymbolKind.Field,
  link: SymbolKind.Interface,
  slice: SymbolKind.Module,
  rule: SymbolKind.Function,
  class: SymbolKind.Struct,
  flowspace: SymbolKind.Object,
  qos: SymbolKind.Object,
  limits: SymbolKind.Object,
  guarantee: SymbolKind.Property,
  grant: SymbolKind.Key,
  core: SymbolKind.Package,
};

function toDocumentSymbol(o: ide.OutlineItem): DocumentSymbol {
  return {
    name: o.name,
    kind: KIND[o.kind],
    detail: o.detail,
    range: toRange(o.range),
    selectionRange: toRange(o.selectionRange),
    children: o.children.map(toDocumentSymbol),
  };
}

function flatten(uri: string, items: ide.OutlineItem[], container?: string, out: SymbolInformation[] = []): SymbolInformation[] {
  for (const o of items) {
    out.push({ name: o.name, kind: KIND[o.kind], containerName: container, location: { uri, range: toRange(o.range) } });
    flatten(uri, o.children, o.name, out);
  }
  return out;
}

export function registerSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol(
    guard(ctx.connection, 'textDocument/documentSymbol', (params): DocumentSymbol[] | SymbolInformation[] | null => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return null;
      const items = ide.outline(f.file);
      return ctx.client.hierarchicalSymbols ? items.map(toDocumentSymbol) : flatten(f.file.path, items);
    }),
  );
  ctx.connection.onWorkspaceSymbol(
    guard(ctx.connection, 'workspace/symbol', (params): SymbolInformation[] => {
      const snap = ctx.analysis.snapshot();
      return snap
        .programs()
        .flatMap((program) => ide.workspaceSymbols(program, params.query ?? ''))
        .slice(0, 500)
        .map((s) => ({
          name: s.name,
          kind: KIND[s.kind],
          containerName: s.container,
          location: { uri: s.file, range: toRange(s.range) },
        }));
    }),
  );
}
