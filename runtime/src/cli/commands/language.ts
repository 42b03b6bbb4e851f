// `dfvisor check`, `dfvisor compile`, `dfvisor fmt`: the language core on the command line.
import { readFile, writeFile } from 'node:fs/promises';
import {
  checkWithoutNetwork,
  checkWorkspace,
  PROGRAM_CHECKS,
  type GrantScope,
  compile,
  formatResult,
  loadWorkspace,
  NO_NETWORK_MESSAGE,
  partitionByNetwork,
  serializePlan,
  type Diagnostic,
  type Plan,
  type SourceFile,
} from '@dfvisor/grammar';
import { parseCommandArgs, str, flag } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { validatePlan } from '../../validation/plan-schema.js';
import { formatSchemaErrors } from '../../validation/json-schema.js';

export const checkHelp = `Usage: dfvisor check [--format text|json] [--as OWNER | --admin] <file|dir>...

Checks .slice files (a directory means every .slice file below it). Each file belongs to the
workspace of the nearest folder at or above it that declares a network; each workspace is checked
as one program, with one summary line per workspace. Slices with no network above them are checked
without one and reported once ("no network for these slices").
Prints one line per problem: path:line:col: severity CODE message (1-based positions),
or with --format json an array of {file, range, severity, code, message, related} (0-based, LSP style).
Grants (docs/language.md, "Grants") bind every slice by default; --as OWNER checks as that tenant's
deploy would (only OWNER's slices, against OWNER's grant), --admin as the admin's (bound by none).
Exit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage.
`;

export const compileHelp = `Usage: dfvisor compile [-o plan.json] [--previous old-plan.json] <file|dir>...

Compiles a workspace of .slice files into a deployable plan (JSON, see docs/plan.md).
The files must hold one network (one workspace: the network's folder and the folders below it).
Writes to stdout, or to the file given with -o. Exit 1 (and no plan) if the workspace has errors.
--previous  keep the auto tags, meter and queue ids that slices had in that plan (stable deploys)
`;

export const fmtHelp = `Usage: dfvisor fmt [--check] <file|dir>...

Formats .slice files in place in the canonical layout (comments kept).
--check  change nothing; list the files that are not formatted and exit 1 if there are any.
--json   print {"files": [{path, status}]} with status formatted, unformatted (--check) or syntax-error.
Files with syntax errors are left as they are and reported.
`;

async function load(paths: string[]): Promise<SourceFile[]> {
  if (paths.length === 0) throw new UsageError('no files or directories given');
  const { files, errors } = await loadWorkspace(paths);
  if (errors.length > 0) throw new UserError(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  if (files.length === 0) throw new UserError(`no .slice files found in ${paths.join(', ')}`);
  return files;
}

export function formatDiagnosticLine(d: Diagnostic): string {
  const head = `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;
  const notes = d.related.map((r) => `${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1}: note: ${r.message}`);
  return [head, ...notes].join('\n');
}

function toJson(d: Diagnostic) {
  const range = (r: Diagnostic['range']) => ({
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  });
  return {
    file: d.file,
    range: range(d.range),
    severity: d.severity,
    code: d.code,
    message: d.message,
    related: d.related.map((r) => ({ file: r.file, range: range(r.range), message: r.message })),
  };
}

/** One group the language commands report on: a network's workspace, or the files with no network. */
interface CheckedGroup {
  /** The network's folder; undefined for the files with no network above them. */
  root: string | undefined;
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

/** Checks each network workspace as one program, and the files with no network without one. */
function checkByNetwork(files: SourceFile[], grants?: GrantScope): CheckedGroup[] {
  const { workspaces, unplaced } = partitionByNetwork(files);
  const groups: CheckedGroup[] = workspaces.map((w) => ({
    root: w.root,
    files: w.files,
    diagnostics: checkWorkspace(w.files, PROGRAM_CHECKS, { grants }).diagnostics,
  }));
  if (unplaced.length > 0) groups.push({ root: undefined, files: unplaced, diagnostics: checkWithoutNetwork(unplaced) });
  return groups;
}

/** `no network for these slices: a.slice, b.slice` (the files' SL107 diagnostics, said once). */
export function noNetworkLine(files: SourceFile[]): string {
  return `${NO_NETWORK_MESSAGE}: ${files.map((f) => f.path).join(', ')} (no folder at or above them declares a network)`;
}

/** Only the network workspace of `files`, or a user error saying why there is not exactly one. */
export function requireOneNetwork(files: SourceFile[], what: string): { files: SourceFile[]; unplaced: SourceFile[] } {
  const { workspaces, unplaced } = partitionByNetwork(files);
  if (workspaces.length > 1) {
    throw new UserError(
      `${what} takes one network at a time; these files hold ${workspaces.length}: ${workspaces.map((w) => w.root || '.').join(', ')}`,
    );
  }
  return { files: workspaces[0]?.files ?? [], unplaced };
}

function summary(diags: Diagnostic[], files: number): string {
  const n = (k: string) => diags.filter((d) => d.severity === k).length;
  const plural = (c: number, w: string) => `${c} ${w}${c === 1 ? '' : 's'}`;
  return `${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')} in ${plural(files, 'file')}`;
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const p = parseCommandArgs(argv, { format: { type: 'string', default: 'text' }, as: { type: 'string' }, admin: { type: 'boolean' } });
  if (flag(p, 'help')) return (io.out(checkHelp), 0);
  const format = str(p, 'format');
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const as = str(p, 'as');
  if (as !== undefined && flag(p, 'admin')) throw new UsageError('give one of --as OWNER and --admin');
  const grants: GrantScope | undefined =
    as !== undefined ? { kind: 'tenant', owner: as } : flag(p, 'admin') ? { kind: 'admin' } : undefined;
  const files = await load(p.positionals);
  const groups = checkByNetwork(files, grants);
  const diagnostics = groups.flatMap((g) => g.diagnostics);
  if (format === 'json') io.out(JSON.stringify(diagnostics.map(toJson), null, 2) + '\n');
  else {
    // SL107 is said once for all the files with no network (the summary line), not once per file.
    for (const d of diagnostics) if (d.code !== 'SL107') io.out(formatDiagnosticLine(d) + '\n');
    const several = groups.length > 1;
    for (const g of groups) {
      if (g.root === undefined)
        io.err(
          `${noNetworkLine(g.files)}; ${summary(
            g.diagnostics.filter((d) => d.code !== 'SL107'),
            g.files.length,
          )}\n`,
        );
      else io.err(`${several ? `${g.root || '.'}: ` : ''}${summary(g.diagnostics, g.files.length)}\n`);
    }
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

export async function compileCommand(argv: string[], io: Io): Promise<number> {
  const p = parseCommandArgs(argv, { output: { type: 'string', short: 'o' }, previous: { type: 'string' } });
  if (flag(p, 'help')) return (io.out(compileHelp), 0);
  const { files, unplaced } = requireOneNetwork(await load(p.positionals), 'compile');
  if (unplaced.length > 0) {
    // What can be said without a network (syntax, values), then why there is no plan.
    for (const d of checkWithoutNetwork(unplaced)) if (d.code !== 'SL107') io.err(formatDiagnosticLine(d) + '\n');
    io.err(`not compiled: ${noNetworkLine(unplaced)}\n`);
    return 1;
  }
  const prevPath = str(p, 'previous');
  let previous: Plan | undefined;
  if (prevPath) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(prevPath, 'utf8'));
    } catch (e) {
      throw new UserError(`cannot read the previous plan ${prevPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const checked = validatePlan(data);
    if (!checked.ok)
      throw new UserError(`--previous ${prevPath} is not a plan (grammar/plan.schema.json): ${formatSchemaErrors(checked.errors)}`, 2);
    previous = checked.value;
  }
  const { plan, diagnostics } = compile(files, { previous });
  for (const d of diagnostics) io.err(formatDiagnosticLine(d) + '\n');
  if (!plan) {
    io.err(`not compiled: ${summary(diagnostics, files.length)}\n`);
    return 1;
  }
  const text = serializePlan(plan);
  const out = str(p, 'output');
  if (out) {
    try {
      await writeFile(out, text);
    } catch (e) {
      throw new UserError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    io.err(`plan written to ${out}: ${plan.slices.length} slices, ${plan.flowspace.length} flowspace entries\n`);
  } else io.out(text);
  return 0;
}

export async function fmtCommand(argv: string[], io: Io): Promise<number> {
  const p = parseCommandArgs(argv, { check: { type: 'boolean' }, json: { type: 'boolean' } });
  if (flag(p, 'help')) return (io.out(fmtHelp), 0);
  const check = flag(p, 'check');
  const json = flag(p, 'json');
  const files = await load(p.positionals);
  let unformatted = 0;
  let broken = 0;
  const report: Array<{ path: string; status: 'formatted' | 'unformatted' | 'syntax-error' }> = [];
  for (const f of files) {
    const original = await readFile(f.path, 'utf8');
    const r = formatResult(original);
    if (r.errors.length > 0) {
      broken++;
      report.push({ path: f.path, status: 'syntax-error' });
      const e = r.errors[0];
      io.err(`${f.path}:${e.range.start.line + 1}:${e.range.start.character + 1}: not formatted, syntax error: ${e.message}\n`);
      continue;
    }
    if (!r.changed) continue;
    unformatted++;
    report.push({ path: f.path, status: check ? 'unformatted' : 'formatted' });
    if (check) {
      if (!json) io.out(`${f.path}\n`);
    } else {
      await writeFile(f.path, r.text);
      io.err(`formatted ${f.path}\n`);
    }
  }
  if (json) io.out(JSON.stringify({ files: report }, null, 2) + '\n');
  if (check && unformatted > 0) io.err(`${unformatted} file(s) need formatting\n`);
  return broken > 0 || (check && unformatted > 0) ? 1 : 0;
}
