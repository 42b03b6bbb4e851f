// The `dfvisor` command line: dispatches to one module per command group and applies the conventions every
// command shares (--help, --version, --json, usage errors on stderr with exit 2).
import { UsageError, UserError } from './errors.js';
import { processIo, type Io } from './io.js';
import { hasOption, replaceOption } from './args.js';
import { checkCommand, compileCommand, fmtCommand } from './commands/language.js';

export const version = '0.1.0';

type Command = (argv: string[], io: Io) => Promise<number>;

/**
 * How a command takes `--json`: `native` parses it itself; an array is what `--json` stands for in the
 * command's own options (`[]`: the output is JSON already); absent: the command prints no data.
 */
type JsonMode = 'native' | string[];

interface CommandSpec {
  run: Command;
  summary: string;
  json?: JsonMode;
}

const lazy =
  (load: () => Promise<Command>): Command =>
  async (argv, io) =>
    (await load())(argv, io);
const remote = (name: keyof typeof import('./commands/remote.js')) =>
  lazy(async () => (await import('./commands/remote.js'))[name] as Command);

const commands: Record<string, CommandSpec> = {
  check: { run: checkCommand, summary: 'check .slice files and print diagnostics', json: ['--format', 'json'] },
  compile: { run: compileCommand, summary: 'compile .slice files into a deployable plan (JSON)', json: [] },
  fmt: { run: fmtCommand, summary: 'format .slice files in the canonical layout', json: 'native' },
  run: {
    run: lazy(async () => (await import('./commands/run.js')).runCommand),
    summary: 'run a runtime node (OpenFlow proxy + API) until SIGINT/SIGTERM',
  },
  demo: {
    run: lazy(async () => (await import('./commands/demo.js')).demoCommand),
    summary: 'start a runtime, Open vSwitch switches and tenant controllers, deploy samples/',
  },
  deploy: { run: remote('deployCommand'), summary: 'deploy .slice files (or a plan) to a runtime', json: 'native' },
  undeploy: { run: remote('undeployCommand'), summary: 'remove a deployed slice', json: 'native' },
  status: { run: remote('statusCommand'), summary: 'show nodes, switches and controller connections', json: 'native' },
  slices: { run: remote('slicesCommand'), summary: 'list deployed slices', json: 'native' },
  stats: { run: remote('statsCommand'), summary: 'per-slice counters (--watch to follow)', json: 'native' },
  revisions: { run: remote('revisionsCommand'), summary: 'list deployed revisions', json: 'native' },
  rollback: { run: remote('rollbackCommand'), summary: 'make an earlier revision active again', json: 'native' },
  topology: {
    run: lazy(async () => (await import('./commands/topology.js')).topologyCommand),
    summary: 'declared vs discovered network: links seen, missing, miswired; ports down (--format dot)',
    json: 'native',
  },
  slice: {
    run: lazy(async () => (await import('./commands/operate.js')).sliceCommand),
    summary: 'pause or resume a slice without undeploying it (rules kept or --remove-rules); its refusal counters (stats)',
    json: 'native',
  },
  pull: {
    run: lazy(async () => (await import('./commands/operate.js')).pullCommand),
    summary: 'write the deployed sources into a directory',
    json: 'native',
  },
  token: { run: remote('tokenCommand'), summary: 'create, list and revoke tenant API tokens', json: 'native' },
  grant: { run: remote('grantCommand'), summary: "show your token's grant and the network part it may use", json: 'native' },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'Usage: dfvisor <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'dfvisor <command> --help' for a command's options. Every command takes --help and --version;",
    'every command that prints data takes --json.',
    '',
  ].join('\n');
}

/** The options every command shares, printed after the command's own help. */
function commonOptionsHelp(spec: CommandSpec): string {
  const json = Array.isArray(spec.json)
    ? [`  --json         ${spec.json.length ? `the same as ${spec.json.join(' ')}` : 'accepted; the output is JSON already'}`]
    : [];
  return [
    '',
    'Common options:',
    ...json,
    '  --help, -h     print this help and exit',
    '  --version      print the version and exit',
    '',
  ].join('\n');
}

/** Turns `--json` into what it stands for in the command's own options; refuses both at once. */
function jsonArgs(argv: string[], mode: JsonMode | undefined): string[] {
  if (!Array.isArray(mode) || !hasOption(argv, '--json')) return argv;
  const own = mode[0];
  if (own && argv.some((a) => a === own || a.startsWith(`${own}=`))) throw new UsageError(`give --json or ${own}, not both`);
  return replaceOption(argv, '--json', mode);
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return 0;
  }
  if (name === undefined) {
    io.err(usage());
    return 2;
  }
  if (name === '--version' || name === '-v') {
    io.out(`dfvisor ${version}\n`);
    return 0;
  }
  const spec = commands[name];
  if (!spec) {
    io.err(`dfvisor: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (hasOption(rest, '--version')) {
    io.out(`dfvisor ${version}\n`);
    return 0;
  }
  try {
    const args = jsonArgs(rest, spec.json);
    const code = await spec.run(args, io);
    if (code === 0 && hasOption(rest, '--help', '-h')) io.out(commonOptionsHelp(spec));
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`dfvisor ${name}: ${e.message}\nRun 'dfvisor ${name} --help' for usage.\n`);
      return 2;
    }
    if (e instanceof UserError) {
      io.err(`dfvisor ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`dfvisor ${name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
}
