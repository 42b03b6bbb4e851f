// "DFVisor: Deploy Slices" (and the code lens "Deploy" / "Check admission"): sends every .slice file of the
// workspace to the runtime, with a progress notification; per-slice results as messages; language and
// admission errors the API returns as diagnostics.
import * as vscode from 'vscode';
import { isApiError } from '../api/errors.js';
import type { DeployResult } from '../api/types.js';
import { collectSliceFiles } from '../deploy/files.js';
import { toVsDiagnostics } from '../deploy/diagnostics.js';
import { deploySummary, sliceLines } from '../deploy/summary.js';
import type { Outcome, Services } from '../services.js';

export interface DeployOptions {
  dryRun?: boolean;
  /** The slice the user asked about (code lens); the whole workspace is still sent: it is one program. */
  slice?: string;
  uri?: vscode.Uri;
}

export async function deploySlices(s: Services, opts: DeployOptions = {}): Promise<Outcome<DeployResult>> {
  const active = opts.uri ?? activeSliceUri();
  const verb = opts.dryRun ? 'Checking admission' : 'Deploying';
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `DFVisor: ${verb}${opts.slice ? ` ${opts.slice}` : ''}`, cancellable: true },
    async (progress, cancel): Promise<Outcome<DeployResult>> => {
      progress.report({ message: 'collecting .slice files…' });
      await vscode.workspace.saveAll(false);
      const { files, uris } = await collectSliceFiles(active);
      if (files.length === 0) {
        const message = 'No .slice files to deploy: open one or add one to the workspace.';
        void vscode.window.showWarningMessage(message);
        return { ok: false, code: 'NO_FILES', message };
      }
      const api = await s.connection.api();
      progress.report({ message: `sending ${files.length} file${files.length === 1 ? '' : 's'} to ${api.base}…`, increment: 30 });
      const abort = new AbortController();
      cancel.onCancellationRequested(() => abort.abort());
      s.output.appendLine(`[deploy] ${opts.dryRun ? 'dry run' : 'deploy'} of ${files.map((f) => f.path).join(', ')} to ${api.base}`);
      try {
        const result = await api.deploy(files, opts.dryRun ?? false, { signal: abort.signal, timeoutMs: 120_000 });
        progress.report({ message: 'done', increment: 70 });
        s.deployDiagnostics.clear();
        for (const [uri, diags] of toVsDiagnostics(result.diagnostics ?? [], uris, active).values()) s.deployDiagnostics.set(uri, diags);
        const summary = deploySummary(result);
        s.output.appendLine(`[deploy] ${summary}`);
        for (const line of sliceLines(result)) s.output.appendLine(`[deploy]   ${line}`);
        const focus = opts.slice ? result.slices?.find((x) => x.name === opts.slice) : undefined;
        const msg = focus
          ? `${summary} ${focus.name}: ${focus.status}.`
          : `${summary}${result.slices?.length ? ` ${sliceLines(result).join('; ')}` : ''}`;
        void vscode.window.showInformationMessage(msg, 'Show Output').then((pick) => pick && s.output.show(true));
        if (!opts.dryRun) void s.model.refresh();
        return { ok: true, value: result };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const code = isApiError(e) ? e.code : 'ERROR';
        s.output.appendLine(`[deploy] failed: ${message}`);
        s.deployDiagnostics.clear();
        if (isApiError(e) && e.diagnostics.length > 0) {
          for (const [uri, diags] of toVsDiagnostics(e.diagnostics, uris, active).values()) s.deployDiagnostics.set(uri, diags);
          void vscode.window
            .showErrorMessage(`DFVisor: ${message}`, 'Show Problems')
            .then((pick) => pick && vscode.commands.executeCommand('workbench.actions.view.problems'));
        } else {
          void vscode.window.showErrorMessage(`DFVisor: ${message}`);
        }
        return { ok: false, code, message };
      }
    },
  );
}

function activeSliceUri(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.languageId === 'slice' ? doc.uri : undefined;
}

/** Arguments from the server's code lens: [sliceName, fileUri]. */
export function lensArgs(args: unknown[]): DeployOptions {
  const [slice, uri] = args;
  const out: DeployOptions = {};
  if (typeof slice === 'string') out.slice = slice;
  if (typeof uri === 'string') out.uri = vscode.Uri.parse(uri);
  else if (uri instanceof vscode.Uri) out.uri = uri;
  return out;
}
