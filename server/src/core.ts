// The language core the server uses: parsing, checking, planning and
// formatting all come from @dfvisor/grammar; this module is the one place the
// server calls them.
import * as grammar from '@dfvisor/grammar';
import type { Diagnostic, Plan, SourceFile } from '@dfvisor/grammar';
import type { RuntimeGrantState } from './runtime-grant.js';

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

/**
 * The files with no network above them: their own checks and one SL107 each; no program. When a
 * runtime is configured but gives no grant, SL107 says so (offline, or why it refused).
 */
export function checkUnplaced(files: SourceFile[], runtime: RuntimeGrantState = { kind: 'off' }): Checked {
  const diagnostics = grammar.checkWithoutNetwork(files);
  if (runtime.kind === 'offline' || runtime.kind === 'loading') {
    const why =
      runtime.kind === 'loading'
        ? `waiting for the runtime at ${runtime.url}`
        : runtime.reason.startsWith('HTTP')
          ? `the runtime at ${runtime.url} gave no grant (${runtime.reason})`
          : `OFFLINE: the runtime at ${runtime.url} does not answer (${runtime.reason}); asking again every 10 s`;
    for (const d of diagnostics) if (d.code === 'SL107') d.message = `${why}. ${d.message}`;
  }
  return { diagnostics, program: undefined };
}

/** Tenant files checked with the runtime's network part and grant (one virtual file among them). */
export function checkAgainstGrant(files: SourceFile[], owner: string): Checked {
  const r = grammar.checkWorkspace(files, grammar.PROGRAM_CHECKS, { grants: { kind: 'tenant', owner } });
  return { diagnostics: r.diagnostics, program: r.program };
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
