// checkWorkspace: every check over one program, syntax errors included.
import type { Diagnostic } from '../api.js';
import { bindWorkspace } from '../bind/bind.js';
import type { Program } from '../bind/program.js';
import { diagnostic, sortDiagnostics } from './diagnostic.js';
import type { SourceFile } from '../syntax/ast.js';
import { checkAdmission } from './admission.js';
import { checkClasses } from './classes.js';
import { checkOverlaps } from './overlap.js';
import { checkTags } from './tags.js';
import { checkValues } from './values.js';

export interface CheckResult {
  program: Program;
  diagnostics: Diagnostic[];
}

export function checkWorkspace(files: SourceFile[]): CheckResult {
  const { program, diagnostics } = bindWorkspace(files);
  const out: Diagnostic[] = [];
  for (const f of program.files) {
    for (const e of f.errors) out.push(diagnostic(f.path, e.range, 'error', 'SL001', e.message));
    out.push(...checkValues(f));
  }
  out.push(...diagnostics);
  out.push(...checkTags(program));
  out.push(...checkAdmission(program));
  out.push(...checkClasses(program));
  out.push(...checkOverlaps(program));
  return { program, diagnostics: sortDiagnostics(out) };
}

export function hasErrors(ds: Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
