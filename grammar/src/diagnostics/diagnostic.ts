// Small constructors for checker diagnostics.
import type { Diagnostic, RelatedInfo, Severity } from '../api.js';
import type { Range } from '../syntax/ast.js';

export function diagnostic(
  file: string,
  range: Range,
  severity: Severity,
  code: string,
  message: string,
  related: RelatedInfo[] = [],
  data?: Record<string, unknown>,
): Diagnostic {
  const d: Diagnostic = { file, range, severity, code, message, related };
  if (data !== undefined) d.data = data;
  return d;
}

export function related(file: string, range: Range, message: string): RelatedInfo {
  return { file, range, message };
}

/** Sort diagnostics by file, position, code, message (stable, for output and tests). */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : a.range.start.offset - b.range.start.offset ||
          (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
          (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
