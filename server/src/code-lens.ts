// textDocument/codeLens: "Deploy" and "Check admission" on each slice.
// Commands: `dfvisor.deploySlice` and `dfvisor.checkAdmission`, arguments [sliceName, fileUri].
import type { CodeLens } from 'vscode-languageserver/node.js';
import type { ServerContext } from './context.js';
import { toRange } from './convert.js';
import { guard } from './guard.js';
import { fileOf } from './locate.js';

export const DEPLOY_COMMAND = 'dfvisor.deploySlice';
export const ADMISSION_COMMAND = 'dfvisor.checkAdmission';

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens(
    guard(ctx.connection, 'textDocument/codeLens', (params): CodeLens[] => {
      const f = fileOf(ctx, params.textDocument.uri);
      if (!f) return [];
      const out: CodeLens[] = [];
      for (const item of f.file.items) {
        if (item.kind !== 'Slice' || !item.name) continue;
        const range = toRange(item.name.range);
        const args = [item.name.name, f.file.path];
        out.push({ range, command: { title: 'Deploy', command: DEPLOY_COMMAND, arguments: args } });
        out.push({ range, command: { title: 'Check admission', command: ADMISSION_COMMAND, arguments: args } });
      }
      return out;
    }),
  );
}
