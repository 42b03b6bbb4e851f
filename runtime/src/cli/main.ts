// The `dfvisor` command line: dispatches to one module per command group.
import { UsageError, UserError } from './errors.js';
import { processIo, type Io } from './io.js';
import { checkCommand, compileCommand, fmtCommand } from './commands/language.js';

type Command = (argv: string[], io: Io) => Promise<number>;

const lazy = (load: () => Promise<Command>): Command => async (argv, io) => (await load())(argv, io);

const commands: Record<string, { run: Command; summary: string }> = {
  check: { run: checkCommand, summary: 'check .slice files and print diagnostics' },
  compile: { run: compileCommand, summary: 'compile .slice files into a deployable plan (JSON)' },
  fmt: { run: fmtCommand, summary: 'format .slice files in the canonical layout' },
  run: { run: lazy(async () => (await import('./commands/run.js')).runCommand), summary: 'run a runtime node (OpenFlow proxy + API) until SIGINT/SIGTERM' },
  demo: { run: lazy(async () => (await import('./commands/demo.js')).demoCommand), summary: 'start a runtime, Open vSwitch switches and tenant controllers, deploy samples/' },
  deploy: { run: lazy(async () => (await import('./commands/remote.js')).deployCommand), summary: 'deploy .slice files (or a plan) to a runtime' },
  undeploy: { run: lazy(async () => (await import('./commands/remote.js')).undeployCommand), summary: 'remove a deployed slice' },
  status: { run: lazy(async () => (await import('./commands/remote.js')).statusCommand), summary: 'show nodes, switches and controller connections' },
  slices: { run: lazy(async () => (await import('./commands/remote.js')).slicesCommand), summary: 'list deployed slices' },
  stats: { run: lazy(async () => (await import('./commands/remote.js')).statsCommand), summary: 'per-slice counters (--watch to follow)' },
  revisions: { run: lazy(async () => (await import('./commands/remote.js')).revisionsCommand), summary: 'list deployed revisions' },
  rollback: { run: lazy(async () => (await import('./commands/remote.js')).rollbackCommand), summary: 'make an earlier revision active again' },
  token: { run: lazy(async () => (await import('./commands/remote.js')).tokenCommand), summary: 'create, list and revoke tenant API tokens' },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'Usage: dfvisor <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'dfvisor <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out('dfvisor 0.1.0\n');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`dfvisor: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
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
