// Files with no network at or above them (workspace/networks.ts): what can be checked without a network
// (syntax, values, endpoints: SL001, SL2xx, ...), and one SL107 per file saying it was not checked against one.
// The seam for checking them against a runtime's network: a caller that has that network (a deploy does)
// compiles them together with it instead of calling this.
import type { Diagnostic } from '../api.js';
import { diagnostic, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../syntax/ast.js';
import { checkValues } from './values.js';
import { guarded, START, syntaxErrors } from './workspace.js';

/** SL107: the file's slices have no network to be checked against (on the first declared name). */
export function noNetworkDiagnostic(file: SourceFile): Diagnostic {
  return diagnostic(
    file.path,
    file.items.find((item) => item.name !== undefined)?.name?.range ?? START,
    'warning',
    'SL107',
    'no network for these slices: no folder at or above this file declares a network, so its switches, ports, ' +
      'links and overlaps are not checked (a runtime checks them against its network on deploy)',
  );
}

/** The diagnostics of files that have no network: per-file checks and one SL107 each. */
export function checkWithoutNetwork(files: readonly SourceFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of files) {
    out.push(...syntaxErrors(f));
    out.push(...(guarded('values', [f], out, () => checkValues(f)) ?? []));
    out.push(noNetworkDiagnostic(f));
  }
  return sortDiagnostics(out);
}
