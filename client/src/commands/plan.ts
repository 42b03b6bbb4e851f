// "DFVisor: Open Plan": compiles the workspace's .slice files with the bundled language core and opens the
// plan (JSON) in an editor.
import * as vscode from 'vscode';
import { compile, parse, serializePlan } from '@dfvisor/grammar';
import { collectSliceFiles } from '../deploy/files.js';
import type { Outcome, Services } from '../services.js';

export async function openPlan(s: Services): Promise<Outcome<{ document: vscode.TextDocument; errors: number }>> {
  const doc = vscode.window.activeTextEditor?.document;
  const { files } = await collectSliceFiles(doc?.languageId === 'slice' ? doc.uri : undefined);
  if (files.length === 0) {
    const message = 'No .slice files to compile.';
    void vscode.window.showWarningMessage(`DFVisor: ${message}`);
    return { ok: false, code: 'NO_FILES', message };
  }
  const result = compile(files.map((f) => parse(f.text, f.path)));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.plan) {
    const first = errors[0];
    const message = `The slices have ${errors.length} error${errors.length === 1 ? '' : 's'}; no plan${first ? ` (first: ${first.file}:${first.range.start.line + 1} ${first.code} ${first.message})` : ''}.`;
    void vscode.window
      .showErrorMessage(`DFVisor: ${message}`, 'Show Problems')
      .then((p) => p && vscode.commands.executeCommand('workbench.actions.view.problems'));
    return { ok: false, code: 'LANGUAGE_ERRORS', message };
  }
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: serializePlan(result.plan) });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  s.output.appendLine(`[plan] ${result.plan.slices.length} slices, ${result.plan.flowspace.length} flowspace entries`);
  return { ok: true, value: { document, errors: 0 } };
}
