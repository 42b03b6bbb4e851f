// Day-2 commands against a running runtime: `dfvisor slice pause|resume NAME` (hold a slice's
// controller connections off without undeploying it) and `dfvisor pull DIR` (write the deployed
// sources back into files, like FlowVisor's save-config).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { flag } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { commonHelp, parse, print, request } from './remote.js';

const SLICE_HELP = `Usage: dfvisor slice pause <name> | slice resume <name>

pause: the slice's controller connections close and stay closed (its packet-ins are dropped and
counted, its controller cannot send); its rules stay on the switches and its ids and revision are
kept. resume: the connections open again. Admin or the slice's owner; audited.`;

export async function sliceCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.err(`${SLICE_HELP}\n${commonHelp}`);
    return 2;
  }
  if (sub === '--help' || sub === '-h') {
    io.out(`${SLICE_HELP}\n${commonHelp}`);
    return 0;
  }
  if (sub !== 'pause' && sub !== 'resume') throw new UsageError(`unknown slice subcommand '${sub}' (pause, resume)`);
  const p = parse(rest, {}, SLICE_HELP, io);
  if (!p) return 0;
  if (p.positionals.length !== 1) throw new UsageError('give exactly one slice name');
  const name = p.positionals[0]!;
  const res = await request<{ slice: string; paused: boolean }>(p, io, 'POST', `/v1/slices/${encodeURIComponent(name)}/${sub}`);
  print(io, p, res, () => `slice ${res.slice} ${res.paused ? 'paused' : 'resumed'}\n`);
  return 0;
}

const PULL_HELP = `Usage: dfvisor pull <dir>

Writes the deployed sources (the active revision's network and slice blocks, grouped into the
files they were deployed from) below <dir>, creating folders as needed. Tenants get their own
slices only. --json prints {revision, files: [paths written]}.`;

export async function pullCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {}, PULL_HELP, io);
  if (!p) return 0;
  if (p.positionals.length !== 1) throw new UsageError('give the directory to write to');
  const dir = resolve(p.positionals[0]!);
  const res = await request<{ revision: number; files: Array<{ path: string; text: string }> }>(p, io, 'GET', '/v1/sources');
  // Every target is checked before anything is written: a path outside <dir> writes nothing.
  const targets = res.files.map((f) => {
    const target = resolve(dir, f.path);
    const rel = relative(dir, target);
    if (isAbsolute(f.path) || rel.startsWith('..') || isAbsolute(rel))
      throw new UserError(`deployed path '${f.path}' would be written outside ${dir}; nothing written`, 1);
    return { target, text: f.text, path: rel };
  });
  for (const t of targets) {
    await mkdir(dirname(t.target), { recursive: true });
    await writeFile(t.target, t.text);
  }
  const written = targets.map((t) => t.path);
  if (flag(p, 'json')) io.out(`${JSON.stringify({ revision: res.revision, files: written })}\n`);
  else
    io.out(
      `revision ${res.revision}: wrote ${written.length} file${written.length === 1 ? '' : 's'} to ${dir}\n${written.map((w) => `  ${w}\n`).join('')}`,
    );
  return 0;
}
