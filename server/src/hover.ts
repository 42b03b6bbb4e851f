// textDocument/hover.
import { ide, type Plan } from '@dfvisor/grammar';
import { MarkupKind, type Hover } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { locate } from './locate.js';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(
    guard(ctx.connection, 'textDocument/hover', (params): Hover | null => {
      const at = locate(ctx, params.textDocument.uri, params.position);
      if (!at) return null;
      // The plan (auto overlay tags; virtual ports and tags across a managed core) only matters when
      // hovering a slice that asks for an auto tag or crosses a core.
      const hit = ide.symbolAt(at.model, at.file, at.offset);
      let plan: Plan | undefined;
      if (hit?.symbol.kind === 'slice') {
        const decl = at.model.program.sliceByName.get(hit.symbol.name)?.decl;
        const ov = decl?.statements.find((s) => s.kind === 'Overlay');
        const auto = !ov || (ov.kind === 'Overlay' && ov.mode === 'auto');
        if (auto || at.model.program.core.size > 0) plan = ctx.analysis.compiledPlan(at.file.path);
      }
      const h = ide.hoverAt(at.model, at.file, at.offset, { plan, runtime: ctx.analysis.currentRuntimeTopology() });
      if (!h) return null;
      return {
        range: toRange(h.range),
        contents: { kind: ctx.client.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: h.markdown },
      };
    }),
  );
}
