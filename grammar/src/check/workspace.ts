// checkWorkspace: every check over one program, syntax errors included. Each check runs guarded:
// a check that throws becomes one SL900 diagnostic naming it, and the other checks still run.
import type { Diagnostic } from '../api.js';
import { bindWorkspace } from '../bind/bind.js';
import { emptyProgram, type Program } from '../bind/program.js';
import { diagnostic, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Range, SourceFile } from '../syntax/ast.js';
import { checkAdmission } from './admission.js';
import { checkClasses } from './classes.js';
import { checkCore } from './core.js';
import { checkOverlaps } from './overlap.js';
import { checkTags } from './tags.js';
import { checkVlanSlicing } from './vlan-slicing.js';
import { checkValues } from './values.js';
import { checkGrants, type GrantScope } from './grants.js';

/** What a check run needs beyond the files: whom the grants bind (default: everyone). */
export interface CheckOptions {
  grants?: GrantScope;
}

export interface CheckResult {
  program: Program;
  diagnostics: Diagnostic[];
}

/** One named check over a bound program (the name appears in SL900 when it throws). */
export interface ProgramCheck {
  name: string;
  run(program: Program, options: CheckOptions): Diagnostic[];
}

/** The checks `checkWorkspace` runs after binding, in this order. */
export const PROGRAM_CHECKS: readonly ProgramCheck[] = [
  { name: 'values', run: (p) => p.files.flatMap((f) => checkValues(f)) },
  { name: 'tags', run: checkTags },
  { name: 'vlan slicing', run: checkVlanSlicing },
  { name: 'admission', run: checkAdmission },
  { name: 'core', run: checkCore },
  { name: 'classes', run: checkClasses },
  { name: 'overlaps', run: checkOverlaps },
  { name: 'grants', run: (p, o) => checkGrants(p, o.grants) },
];

export const START: Range = { start: { line: 0, character: 0, offset: 0 }, end: { line: 0, character: 0, offset: 0 } };

/** SL900: a check threw. Reported at the start of the first file, naming the check and the error. */
function internalError(check: string, files: SourceFile[], e: unknown): Diagnostic {
  const why = e instanceof Error ? e.message : String(e);
  return diagnostic(
    files[0]?.path ?? '',
    START,
    'error',
    'SL900',
    `internal error in the '${check}' check: ${why} (the other checks ran; please report this)`,
    [],
    { check },
  );
}

/** Runs `run`, turning a throw into one SL900 diagnostic. */
export function guarded<T>(check: string, files: SourceFile[], out: Diagnostic[], run: () => T): T | undefined {
  try {
    return run();
  } catch (e) {
    out.push(internalError(check, files, e));
    return undefined;
  }
}

export function checkWorkspace(
  files: SourceFile[],
  checks: readonly ProgramCheck[] = PROGRAM_CHECKS,
  options: CheckOptions = {},
): CheckResult {
  const out: Diagnostic[] = [];
  const bound = guarded('bind', files, out, () => bindWorkspace(files));
  const program = bound?.program ?? emptyProgram(files);
  for (const f of program.files) out.push(...syntaxErrors(f));
  if (bound) out.push(...bound.diagnostics);
  for (const c of checks) {
    const found = guarded(c.name, program.files, out, () => c.run(program, options));
    if (found) out.push(...found);
  }
  return { program, diagnostics: sortDiagnostics(out) };
}

/** SL001 for each syntax error of the file. */
export function syntaxErrors(f: SourceFile): Diagnostic[] {
  return f.errors.map((e) => diagnostic(f.path, e.range, 'error', 'SL001', e.message));
}

export function hasErrors(ds: Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
