// Commands that talk to a running runtime over its HTTP API: deploy, undeploy, status, slices,
// stats, revisions, rollback, token, grant. Exit codes: 0 ok, 1 refused (language/admission errors, apply
// failure), 2 usage, 3 unauthorised/forbidden, 4 runtime unreachable, 5 conflict, 6 not found.
import { readFile } from 'node:fs/promises';
import { loadWorkspace } from '@dfvisor/grammar';
import { ApiClient, ApiError } from '../../api-client/api-client.js';
import { parseCommandArgs, str, flag, type Options, type Parsed } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { renderTable } from '../table.js';
import { formatDiagnosticLine, requireOneNetwork } from './language.js';
import type { Io } from '../io.js';
import type { SliceStats, StatusView } from '../../api/server.js';

const common: Options = {
  api: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  'token-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
};

export const commonHelp = `
Connection options:
  --api URL          runtime API (default $DFVISOR_API or http://127.0.0.1:8181)
  --token TOKEN      bearer token (default $DFVISOR_TOKEN); visible to other users in 'ps'
  --token-file PATH  read the bearer token from this file (first line)
  --token-stdin      read the bearer token from standard input
  --json             print the API's JSON instead of a table
`;

async function client(p: Parsed, io: Io): Promise<ApiClient> {
  const api = str(p, 'api') ?? io.env.DFVISOR_API ?? 'http://127.0.0.1:8181';
  try {
    new URL(api);
  } catch {
    throw new UsageError(`--api must be a URL like http://127.0.0.1:8181, not '${api}'`);
  }
  return new ApiClient(api, await token(p, io));
}

/** The bearer token from --token, --token-file, --token-stdin (at most one) or $DFVISOR_TOKEN. */
async function token(p: Parsed, io: Io): Promise<string | undefined> {
  const file = str(p, 'token-file');
  const given = [
    str(p, 'token') !== undefined && '--token',
    file !== undefined && '--token-file',
    flag(p, 'token-stdin') && '--token-stdin',
  ].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of ${given.join(', ')}`);
  let text: string;
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else if (flag(p, 'token-stdin')) text = await io.stdinLine();
  else return str(p, 'token') ?? io.env.DFVISOR_TOKEN;
  const t = text.split(/\r?\n/)[0].trim();
  if (!t) throw new UsageError(`no token in ${file !== undefined ? `--token-file ${file}` : 'standard input'}`);
  return t;
}

function exitFor(e: ApiError): number {
  const s = e.problem.status;
  if (s === 0) return 4;
  if (s === 401 || s === 403 || s === 429) return 3;
  if (s === 409) return 5;
  if (s === 404) return 6;
  return 1;
}

async function call<T>(io: Io, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const diags = (e.problem.diagnostics ?? []) as Parameters<typeof formatDiagnosticLine>[0][];
    for (const d of diags) io.err(formatDiagnosticLine(d) + '\n');
    throw new UserError(e.message, exitFor(e));
  }
}

/** One API request with the connection options of `p`; API failures become UserErrors with their exit code. */
export function request<T>(p: Parsed, io: Io, method: string, path: string, body?: unknown): Promise<T> {
  return call(io, async () => (await client(p, io)).request<T>(method, path, body));
}

export function parse(argv: string[], extra: Options, help: string, io: Io): Parsed | undefined {
  const p = parseCommandArgs(argv, { ...common, ...extra });
  if (flag(p, 'help')) {
    io.out(help.trimEnd() + '\n' + commonHelp);
    return undefined;
  }
  return p;
}

/** A command group's help: exit 2 (on stderr) without a subcommand, 0 for --help; undefined otherwise. */
function helpOrMissing(sub: string | undefined, help: string, io: Io): number | undefined {
  if (sub === undefined) {
    io.err(help.trimEnd() + '\n' + commonHelp);
    return 2;
  }
  if (sub === '--help' || sub === '-h') {
    io.out(help.trimEnd() + '\n' + commonHelp);
    return 0;
  }
  return undefined;
}

export const print = (io: Io, p: Parsed, data: unknown, table: () => string) =>
  io.out(flag(p, 'json') ? JSON.stringify(data, null, 2) + '\n' : table());

// ------------------------------------------------------------------ deploy

interface DeployResponse {
  revision: number;
  dryRun: boolean;
  diff: { added: string[]; changed: string[]; removed: string[]; unchanged: string[] };
  slices: Array<{ name: string; owner: string | null; status: string }>;
  diagnostics: Array<Parameters<typeof formatDiagnosticLine>[0]>;
}

export async function deployCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(
    argv,
    {
      'dry-run': { type: 'boolean' },
      prune: { type: 'boolean' },
      slice: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      'remove-grants': { type: 'boolean' },
    },
    `Usage: dfvisor deploy [--dry-run] [--prune] [--force] [--remove-grants] [--slice NAME]... <file|dir>...

Sends the .slice files to the runtime, which checks them, admits them against link capacities,
computes the difference from what is deployed and applies it as one revision. The files may hold
one network (its folder and the folders below it); slices with no network above them are checked
against the runtime's network.
  --dry-run      only show the difference and the diagnostics
  --prune        also remove your deployed slices that the files no longer declare
  --slice NAME   deploy only these slices of the files (repeatable)
  --force        admin: a grant change undeploys the deployed slices that no longer fit
                 (without it such a change is refused, listing them)
  --remove-grants  admin: no grants are in force after this deploy (the files may not hold
                 grant blocks; an empty grants.slice will do)`,
    io,
  );
  if (!p) return 0;
  if (p.positionals.length === 0) throw new UsageError('no files or directories given');
  const { files, errors } = await loadWorkspace(p.positionals);
  if (errors.length > 0) throw new UserError(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  if (files.length === 0) throw new UserError(`no .slice files found in ${p.positionals.join(', ')}`);
  // One network per deploy; slices with no network above them go along and the runtime checks them
  // against the network it has (the submitted one, or the deployed one).
  requireOneNetwork(files, 'deploy');
  const api = await client(p, io);
  const dryRun = flag(p, 'dry-run');
  const query = new URLSearchParams();
  if (dryRun) query.set('dryRun', 'true');
  if (flag(p, 'prune')) query.set('prune', 'true');
  if (flag(p, 'force')) query.set('force', 'true');
  if (flag(p, 'remove-grants')) query.set('removeGrants', 'true');
  const only = p.values.slice as string[] | undefined;
  if (only?.length) query.set('slices', only.join(','));
  const json = flag(p, 'json');
  if (!json) io.err(`${dryRun ? 'checking' : 'deploying'} ${files.length} file(s) to ${api.baseUrl}\n`);

  const progress = new AbortController();
  if (!json && !dryRun) {
    api
      .events(
        (type, data) => {
          const d = data as { stage?: string; revision?: number; detail?: string };
          if (type === 'deploy-progress' && d.stage)
            io.err(`  ${d.stage}${d.revision ? ` revision ${d.revision}` : ''}${d.detail ? `: ${d.detail}` : ''}\n`);
        },
        progress.signal,
        (problem) => io.err(`  ${problem.message}\n`),
      )
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    const res = await call(io, () =>
      api.request<DeployResponse>('POST', `/v1/deploy${query.size ? `?${query}` : ''}`, {
        files: files.map((f) => ({ path: f.path, text: f.text })),
      }),
    );
    if (json) io.out(JSON.stringify(res, null, 2) + '\n');
    else {
      for (const d of res.diagnostics) io.err(formatDiagnosticLine(d) + '\n');
      const rows = [
        ...res.diff.added.map((n) => [n, 'add']),
        ...res.diff.changed.map((n) => [n, 'change']),
        ...res.diff.removed.map((n) => [n, 'remove']),
        ...res.diff.unchanged.map((n) => [n, 'unchanged']),
      ];
      io.out(renderTable(['SLICE', dryRun ? 'WOULD' : 'DONE'], rows));
      io.out(dryRun ? `dry run: nothing changed (active revision ${res.revision})\n` : `revision ${res.revision} is active\n`);
    }
    return 0;
  } finally {
    progress.abort();
  }
}

export async function undeployCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {}, 'Usage: dfvisor undeploy <slice>\n\nRemoves a deployed slice (a new revision).', io);
  if (!p) return 0;
  if (p.positionals.length !== 1) throw new UsageError('give exactly one slice name');
  const res = await request<DeployResponse>(p, io, 'DELETE', `/v1/slices/${encodeURIComponent(p.positionals[0])}`);
  print(io, p, res, () => `slice ${p.positionals[0]} removed; revision ${res.revision} is active\n`);
  return 0;
}

export async function statusCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {}, 'Usage: dfvisor status\n\nShows the runtime nodes, the switches and the tenant controller connections.', io);
  if (!p) return 0;
  type Status = StatusView & { revision: number };
  const st = await request<Status>(p, io, 'GET', '/v1/status');
  print(
    io,
    p,
    st,
    () =>
      `revision ${st.revision} (answered by node ${st.node})\n\n` +
      renderTable(
        ['NODE', 'API', 'ALIVE'],
        st.nodes.map((n) => [n.id, n.api, n.alive ? 'yes' : 'no']),
      ) +
      '\n' +
      renderTable(
        ['SWITCH', 'DPID', 'MASTER', 'CONNECTED'],
        st.switches.map((s) => [s.name, s.dpid, s.master, s.connected ? 'yes' : 'no']),
      ) +
      '\n' +
      renderTable(
        ['SLICE', 'CONTROLLERS'],
        st.slices.map((s) => [s.name, s.controllers.map((c) => `${c.url}${c.connected ? ' (up)' : ' (down)'}`).join(', ')]),
      ),
  );
  return 0;
}

export async function slicesCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {}, 'Usage: dfvisor slices\n\nLists the deployed slices you may see.', io);
  if (!p) return 0;
  const res = await request<{
    slices: Array<{
      name: string;
      owner: string | null;
      overlay: { type: string; tag: number };
      switches: string[];
      controllers: Array<{ url: string; connected: boolean }>;
      revision: number;
    }>;
  }>(p, io, 'GET', '/v1/slices');
  print(io, p, res, () =>
    renderTable(
      ['SLICE', 'OWNER', 'OVERLAY', 'SWITCHES', 'CONTROLLERS UP'],
      res.slices.map((s) => [
        s.name,
        s.owner,
        `${s.overlay.type} ${s.overlay.tag}`,
        s.switches.length,
        `${s.controllers.filter((c) => c.connected).length}/${s.controllers.length}`,
      ]),
    ),
  );
  return 0;
}

type Stats = SliceStats;

export async function statsCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(
    argv,
    { watch: { type: 'boolean', short: 'w' }, interval: { type: 'string', default: '2' } },
    'Usage: dfvisor stats [slice] [--watch] [--interval SECONDS]\n\nPer-slice counters, pushed by the runtime nodes (no switch is polled for this).\nWith --watch --json: NDJSON, one JSON object per slice and line, every interval.',
    io,
  );
  if (!p) return 0;
  if (p.positionals.length > 1) throw new UsageError('give at most one slice name');
  const interval = Number(str(p, 'interval'));
  if (!(interval > 0)) throw new UsageError('--interval must be a positive number of seconds');
  const api = await client(p, io);
  const watch = flag(p, 'watch');
  const once = async () => {
    const names =
      p.positionals.length === 1
        ? p.positionals
        : (await call(io, () => api.request<{ slices: Array<{ name: string }> }>('GET', '/v1/slices'))).slices.map((s) => s.name);
    const all = await Promise.all(names.map((n) => call(io, () => api.request<Stats>('GET', `/v1/slices/${encodeURIComponent(n)}/stats`))));
    // Watching with --json: NDJSON, one slice's counters per line, so a stream reader can take each line.
    if (watch && flag(p, 'json')) {
      for (const s of all) io.out(`${JSON.stringify(s)}\n`);
      return;
    }
    print(io, p, p.positionals.length === 1 ? all[0] : all, () =>
      renderTable(
        ['SLICE', 'PACKETS', 'BYTES', 'FLOWS', 'PACKET-INS', 'UPDATED'],
        all.map((s) => [s.slice, s.packets, s.bytes, s.flows, s.packetIns, s.updatedAt]),
      ),
    );
  };
  await once();
  if (!watch) return 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, interval * 1000));
    if (!flag(p, 'json')) io.out('\n');
    await once();
  }
}

export async function revisionsCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {}, 'Usage: dfvisor revisions\n\nLists the deployed revisions (the active one is marked).', io);
  if (!p) return 0;
  const res = await request<{
    active: number;
    revisions: Array<{ revision: number; createdAt: string; by: string; action: string; slices: string[] }>;
  }>(p, io, 'GET', '/v1/revisions');
  print(io, p, res, () =>
    renderTable(
      ['REV', '', 'CREATED', 'BY', 'ACTION', 'SLICES'],
      res.revisions.map((r) => [r.revision, r.revision === res.active ? '*' : '', r.createdAt, r.by, r.action, r.slices.join(',')]),
    ),
  );
  return 0;
}

export async function rollbackCommand(argv: string[], io: Io): Promise<number> {
  const p = parse(argv, {}, 'Usage: dfvisor rollback <revision>\n\nDeploys an earlier revision again as a new revision (admin only).', io);
  if (!p) return 0;
  const rev = Number(p.positionals[0]);
  if (p.positionals.length !== 1 || !Number.isInteger(rev) || rev < 1) throw new UsageError('give one revision number');
  const res = await request<DeployResponse>(p, io, 'POST', `/v1/rollback/${rev}`);
  print(io, p, res, () => `rolled back to the content of revision ${rev}; revision ${res.revision} is active\n`);
  return 0;
}

// ------------------------------------------------------------------ grant

interface GrantView {
  owner: string;
  parent: string | null;
  grant: {
    ports: Array<{ name: string; ports: Array<[number, number]> | 'all' }> | null;
    match: Array<Record<string, string | number>> | null;
    bandwidthBps: number | null;
    slices: number | null;
    limits: { flowEntries: number | null; controlRate: number | null; packetInRate: number | null };
    controllers: string[] | null;
    delegate: number;
  };
  network: { name: string; switches: Array<{ name: string }>; links: Array<{ id: string }> };
  source: string;
}

export async function grantCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const help = `Usage: dfvisor grant show [--source]

Shows the grant in force for your token's owner: the ports, header space, bandwidth, slice count,
limit ceilings and controller addresses your slices may use, and the switches and links of the
network you may use. --source prints it as .slice text (the network part and the grants), to check
slices against it.`;
  const early = helpOrMissing(sub, help, io);
  if (early !== undefined) return early;
  if (sub !== 'show') throw new UsageError(`unknown grant subcommand '${sub}' (show)`);
  const p = parse(rest, { source: { type: 'boolean' } }, help, io);
  if (!p) return 0;
  const res = await request<GrantView>(p, io, 'GET', '/v1/grants/mine');
  if (flag(p, 'source') && !flag(p, 'json')) {
    io.out(res.source);
    return 0;
  }
  print(io, p, res, () => grantTable(res));
  return 0;
}

function grantTable(v: GrantView): string {
  const g = v.grant;
  const any = (x: unknown, text: () => string) => (x === null ? 'any' : text());
  const ports = any(g.ports, () =>
    g
      .ports!.map((s) => (s.ports === 'all' ? s.name : s.ports.map(([a, b]) => `${s.name}:${a === b ? a : `${a}..${b}`}`).join(', ')))
      .join(', '),
  );
  const match = any(g.match, () =>
    g
      .match!.map((m) =>
        Object.entries(m)
          .map(([k, x]) => `${k}=${x}`)
          .join(' '),
      )
      .join(' | '),
  );
  const limits = [
    g.limits.flowEntries !== null && `flow_entries ${g.limits.flowEntries}`,
    g.limits.controlRate !== null && `control_rate ${g.limits.controlRate}/s`,
    g.limits.packetInRate !== null && `packet_in_rate ${g.limits.packetInRate}/s`,
  ].filter(Boolean);
  const rows: Array<[string, string]> = [
    ['owner', v.owner + (v.parent ? ` (under ${v.parent})` : '')],
    ['ports', ports + (g.ports ? ' (and the links between them)' : '')],
    ['match', match],
    ['bandwidth', g.bandwidthBps === null ? 'unbounded' : `${g.bandwidthBps} bit/s per link`],
    ['slices', g.slices === null ? 'unlimited' : String(g.slices)],
    ['limits', limits.length ? limits.join(', ') : 'none'],
    ['controllers', any(g.controllers, () => g.controllers!.join(', '))],
    ['delegate', g.delegate > 0 ? `${g.delegate} level(s)` : 'no'],
    ['network', `${v.network.name}: ${v.network.switches.map((s) => s.name).join(', ')}; ${v.network.links.length} link(s)`],
  ];
  return renderTable(['GRANT', 'VALUE'], rows);
}

export async function tokenCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const help = `Usage: dfvisor token create --owner OWNER | token list | token revoke <id>

Tenant tokens (admin only). A tenant token may deploy, change, read and remove only the
slices whose owner is OWNER. 'create' prints the new token once.`;
  const early = helpOrMissing(sub, help, io);
  if (early !== undefined) return early;
  if (sub === 'create') {
    const p = parse(rest, { owner: { type: 'string' } }, help, io);
    if (!p) return 0;
    const owner = str(p, 'owner');
    if (!owner) throw new UsageError('--owner is required');
    const res = await request<{ token: string; id: string; owner: string }>(p, io, 'POST', '/v1/tokens', { owner });
    if (flag(p, 'json')) io.out(JSON.stringify({ token: res.token, id: res.id, owner: res.owner }) + '\n');
    else {
      io.out(`${res.token}\n`);
      io.err(`token ${res.id} for owner ${res.owner}: shown once, store it now\n`);
    }
    return 0;
  }
  if (sub === 'list') {
    const p = parse(rest, {}, help, io);
    if (!p) return 0;
    const res = await request<{ tokens: Array<{ id: string; owner: string; createdAt: string; revokedAt?: string }> }>(
      p,
      io,
      'GET',
      '/v1/tokens',
    );
    print(io, p, res, () =>
      renderTable(
        ['ID', 'OWNER', 'CREATED', 'REVOKED'],
        res.tokens.map((t) => [t.id, t.owner, t.createdAt, t.revokedAt]),
      ),
    );
    return 0;
  }
  if (sub === 'revoke') {
    const p = parse(rest, {}, help, io);
    if (!p) return 0;
    if (p.positionals.length !== 1) throw new UsageError('give one token id');
    const res = await request<{ revoked: string }>(p, io, 'DELETE', `/v1/tokens/${encodeURIComponent(p.positionals[0])}`);
    print(io, p, res, () => `token ${res.revoked} revoked\n`);
    return 0;
  }
  throw new UsageError(`unknown token subcommand '${sub}' (create, list, revoke)`);
}
