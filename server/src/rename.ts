// textDocument/prepareRename and textDocument/rename (across files).
import { ide } from '@dfvisor/grammar';
import { ErrorCodes, ResponseError, type Range, type WorkspaceEdit } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange, toWorkspaceEdit } from './convert.js';
import { guard } from './guard.js';
import { locate } from './locate.js';

export function registerRename(ctx: ServerContext): void {
  ctx.connection.onPrepareRename(
    guard(ctx.connection, 'textDocument/prepareRename', (params): { range: Range; placeholder: string } | null => {
      const at = locate(ctx, params.textDocument.uri, params.position);
      if (!at) return null;
      const r = ide.prepareRenameAt(at.model, at.file, at.offset);
      return r.ok ? { range: toRange(r.range), placeholder: r.placeholder } : null;
    }),
  );
  ctx.connection.onRenameRequest(
    guard(ctx.connection, 'textDocument/rename', (params): WorkspaceEdit | ResponseError<void> | null => {
      const at = locate(ctx, params.textDocument.uri, params.position);
      if (!at) return null;
      const r = ide.renameAt(at.model, at.file, at.offset, params.newName);
      if (!r.ok) return new ResponseError<void>(ErrorCodes.InvalidParams, r.message);
      return toWorkspaceEdit(r.edits);
    }),
  );
}
