// Turns diagnostics the runtime's API returns into VS Code diagnostics on the right documents.
import * as vscode from 'vscode';
import type { ApiDiagnostic } from '../api/types.js';

export function toVsRange(r: ApiDiagnostic['range'] | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function severity(s: ApiDiagnostic['severity']): vscode.DiagnosticSeverity {
  return s === 'error'
    ? vscode.DiagnosticSeverity.Error
    : s === 'warning'
      ? vscode.DiagnosticSeverity.Warning
      : vscode.DiagnosticSeverity.Information;
}

/** Groups API diagnostics by document; ones whose file is unknown go to `fallback`. */
export function toVsDiagnostics(
  diags: ApiDiagnostic[],
  uris: Map<string, vscode.Uri>,
  fallback?: vscode.Uri,
): Map<string, [vscode.Uri, vscode.Diagnostic[]]> {
  const out = new Map<string, [vscode.Uri, vscode.Diagnostic[]]>();
  const resolve = (file: string): vscode.Uri | undefined =>
    uris.get(file) ?? [...uris.entries()].find(([p]) => file.endsWith(p) || p.endsWith(file))?.[1] ?? fallback;
  for (const d of diags) {
    const uri = resolve(d.file);
    if (!uri) continue;
    const vd = new vscode.Diagnostic(toVsRange(d.range), d.message, severity(d.severity));
    vd.source = 'dfvisor deploy';
    vd.code = d.code;
    vd.relatedInformation = (d.related ?? [])
      .map((r) => {
        const ru = resolve(r.file);
        return ru ? new vscode.DiagnosticRelatedInformation(new vscode.Location(ru, toVsRange(r.range)), r.message) : undefined;
      })
      .filter((x): x is vscode.DiagnosticRelatedInformation => x !== undefined);
    const key = uri.toString();
    const entry = out.get(key) ?? [uri, []];
    entry[1].push(vd);
    out.set(key, entry);
  }
  return out;
}
