// The language core the server uses: parsing, checking, planning and
// formatting all come from @dfvisor/grammar; this module is the one place the
// server calls them.
import * as grammar from '@dfvisor/grammar';
import type { Diagnostic, Plan, SourceFile } from '@dfvisor/grammar';

export const parse = grammar.parse;

export interface Checked {
  diagnostics: Diagnostic[];
  program: grammar.Program | undefined;
}

/** All diagnostics of a workspace (syntax and checks), and the bound program. */
export function check(files: SourceFile[]): Checked {
  const r = grammar.checkWorkspace(files);
  return { diagnostics: r.diagnostics, program: r.program };
}

/** The files with no network above them: their own checks and one SL107 each; no program. */
export function checkUnplaced(files: SourceFile[]): Checked {
  return { diagnostics: grammar.checkWithoutNetwork(files), program: undefined };
}

/** The plan of a checked program, or undefined when it has errors. */
export function planOf(checked: Checked): Plan | undefined {
  if (!checked.program || grammar.hasErrors(checked.diagnostics)) return undefined;
  try {
    return grammar.buildPlan(checked.program);
  } catch {
    return undefined;
  }
}

export interface TextReplace {
  start: number;
  end: number;
  newText: string;
}

/** Formats a whole file; the text is returned unchanged when it has syntax errors. */
export function formatText(file: SourceFile): string {
  return grammar.format(file.text, file.path);
}

/** Edits that format the top-level items touching [start, end). */
export function formatRangeEdits(file: SourceFile, start: number, end: number): Array<{ range: grammar.Range; newText: string }> {
  return grammar.formatRange(file.text, start, end, file.path);
}
