// Day-2 commands against a running runtime: `dfvisor slice pause|resume NAME` (hold a slice's
// controller connections off without undeploying it, its rules kept or removed), `dfvisor slice
// stats NAME` (the slice's dropped and refused control messages) and `dfvisor pull DIR` (write the deployed
// sources back into files, like FlowVisor's save-config).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { flag } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { renderTable } from '../table.js';
import type { Parsed } from '../args.js';
import type { SliceProxyCounters, SliceStats } from '../../view/runtime-view.js';
import { commonHelp, parse, print, request } from './remote.js';

const SLICE_HELP = `Usage: dfvisor slice pause <name> [--remove-rules] | slice resume <name> | slice stats <name>

pause: the slice's controller connections close and stay closed (its packet-ins are dropped and
counted, its controller cannot send); its ids and revision are kept, and its rules stay on the
switches unless --remove-rules (then its tenant rules are deleted; its base rules stay).
resume: the connections open again (a controller whose rules were removed installs them again).
Admin or the slice's owner; audited.
stats: what the proxy held back from or refused to the slice's controllers (summed over the
nodes): dropped packet-ins, control rate drops, rejected flow-mods and packet-outs, and the
refused messages by type and reason. --json prints {slice, packetInsDropped, controlRateDrops,
flowModsRejected, packetOutsRejected, refused[{message, reason, count}]}.`;

const SUBCOMMANDS = ['pause', 'resume', 'stats'];

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
  if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`unknown slice subcommand '${sub}' (${SUBCOMMANDS.join(', ')})`);
  const p = parse(rest, sub === 'pause' ? { 'remove-rules': { type: 'boolean' } } : {}, SLICE_HELP, io);
  if (!p) return 0;
  if (p.positionals.length !== 1) throw new UsageError('give exactly one slice name');
  const name = p.positionals[0]!;
  if (sub === 'stats') return sliceStats(p, io, name);
  const query = sub === 'pause' && flag(p, 'remove-rules') ? '?rules=remove' : '';
  const res = await request<{ slice: string; paused: boolean; rules?: string }>(
    p,
    io,
    'POST',
    `/v1/slices/${encodeURIComponent(name)}/${sub}${query}`,
  );
  const removed = res.rules === 'remove' ? ' (its tenant rules removed from the switches)' : '';
  print(io, p, res, () => `slice ${res.slice} ${res.paused ? 'paused' : 'resumed'}${removed}\n`);
  return 0;
}

/** `slice stats NAME`: the slice's proxy counters (GET /v1/slices/{name}/stats, its `proxy` part). */
async function sliceStats(p: Parsed, io: Io, name: string): Promise<number> {
  const stats = await request<SliceStats>(p, io, 'GET', `/v1/slices/${encodeURIComponent(name)}/stats`);
  const c: SliceProxyCounters = stats.proxy ?? {
    packetInsDropped: 0,
    controlRateDrops: 0,
    flowModsRejected: 0,
    packetOutsRejected: 0,
    refused: [],
  };
  const out = { slice: stats.slice, ...c };
  print(io, p, out, () => {
    const counters = renderTable(
      ['COUNTER', 'VALUE'],
      [
        ['packet-ins dropped', c.packetInsDropped],
        ['control rate drops', c.controlRateDrops],
        ['flow-mods rejected', c.flowModsRejected],
        ['packet-outs rejected', c.packetOutsRejected],
      ],
    );
    const refused = c.refused.length
      ? renderTable(
          ['MESSAGE', 'REASON', 'COUNT'],
          c.refused.map((r) => [r.message, r.reason, r.count]),
        )
      : 'no refused messages\n';
    return `slice ${stats.slice}\n${counters}\n${refused}`;
  });
  return 0;
}

const PULL_HELP = `Usage: dfvisor pull <dir>

Writes the deployed files below <dir>, creating folders as needed: byte for byte as deployed
(comments and spacing included) where the active revision holds the file whole, else its deployed
blocks grouped again. Tenants get their own slices only. --json prints {revision, files: [paths written]}.`;

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
