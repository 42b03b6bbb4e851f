// Conversions between the core's plain data and LSP types.
import type { Diagnostic as CoreDiagnostic, Range as CoreRange, ide } from '@dfvisor/grammar';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node.js';

/** Where the language docs are published; used when no local copy is found. */
export const PUBLIC_DOCS_BASE = 'https://dfvisor.dev/docs/language';

/**
 * The docs the server links diagnostics to: the nearest `docs/language.md` above the running
 * script (the repository's, or the copy the VS Code extension ships), as a file URI; else the
 * public URL. Clients may override it with the `docsBaseUrl` initialization option.
 */
export function findDocsBase(start: string | undefined = process.argv[1]): string {
  if (start) {
    let dir = dirname(resolve(start));
    for (;;) {
      const candidate = join(dir, 'docs', 'language.md');
      if (existsSync(candidate)) return pathToFileURL(candidate).toString();
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return PUBLIC_DOCS_BASE;
}

export const DEFAULT_DOCS_BASE = findDocsBase();

export function toRange(r: CoreRange): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

export function toPosition(p: { line: number; character: number }): Position {
  return { line: p.line, character: p.character };
}

const SEVERITY: Record<CoreDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The docs link of a code: `<base>#sl301`. */
export function docsHref(code: string, base = DEFAULT_DOCS_BASE): string {
  return `${base}#${code.toLowerCase()}`;
}

/** A checker diagnostic as an LSP diagnostic (related information keeps its file URIs). */
export function toLspDiagnostic(d: CoreDiagnostic, docsBase = DEFAULT_DOCS_BASE): Diagnostic {
  const out: Diagnostic = {
    range: toRange(d.range),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    codeDescription: { href: docsHref(d.code, docsBase) },
    source: 'slice',
    message: d.message,
  };
  if (d.related.length) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: r.file, range: toRange(r.range) }, message: r.message }));
  }
  if (d.code === 'SL501') out.tags = [DiagnosticTag.Unnecessary];
  if (d.data) out.data = d.data;
  return out;
}

/** Plain edits grouped per file into an LSP workspace edit. */
export function toWorkspaceEdit(edits: ide.FileEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) (changes[e.file] ??= []).push({ range: toRange(e.range), newText: e.newText });
  return { changes };
}
