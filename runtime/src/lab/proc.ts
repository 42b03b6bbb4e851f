// Small process helpers for the integration harness: run a command, wait for a condition,
// find a free loopback port. Everything here is synchronous or promise-based and never throws
// away a child's error output.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command synchronously; throws with stderr on failure unless `allowFail`. */
export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; allowFail?: boolean; timeoutMs?: number } = {},
): RunResult {
  try {
    const stdout = execFileSync(cmd, args, {
      env: opts.env ?? process.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 30_000,
    });
    return { stdout, stderr: '', code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number; message: string };
    if (opts.allowFail) return { stdout: String(err.stdout ?? ''), stderr: String(err.stderr ?? err.message), code: err.status ?? 1 };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${String(err.stderr ?? '') || err.message}`);
  }
}

/** Async variant (for long-running commands like ping/iperf3 that must not block the event loop). */
export async function runAsync(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  try {
    const r = await execFileP(cmd, args, {
      env: opts.env ?? process.env,
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 16 << 20,
    });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string; message: string };
    return {
      stdout: String(err.stdout ?? ''),
      stderr: String(err.stderr ?? err.message),
      code: typeof err.code === 'number' ? err.code : 1,
    };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` until it returns a truthy value or the deadline passes (then throws `what`). */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, timeoutMs = 10_000, stepMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(stepMs);
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A spawned long-running child we own; `stop()` kills it (and its process group) and waits. */
export class OwnedProcess {
  readonly output: string[] = [];
  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => this.push(d));
    child.stderr?.on('data', (d: Buffer) => this.push(d));
  }
  private push(d: Buffer): void {
    this.output.push(d.toString());
    if (this.output.length > 400) this.output.splice(0, 200);
  }
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        /* gone */
      }
    }
    const t = setTimeout(() => {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 2000);
    await done;
    clearTimeout(t);
  }
}

export function spawnOwned(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): OwnedProcess {
  const child = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.unref();
  return new OwnedProcess(child, name);
}
