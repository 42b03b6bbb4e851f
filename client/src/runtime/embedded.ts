// Starts and stops a `dfvisor run` process with the embedded store on free loopback ports, with an admin
// token this side generates and passes in DFVISOR_ADMIN_TOKEN. No VS Code imports.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { RuntimeApi } from '../api/client.js';
import type { RuntimeCommand } from './locate.js';

export interface EmbeddedRuntimeOptions {
  runtime: RuntimeCommand;
  dataDir: string;
  /** Port for the HTTP API; 0 or absent: a free one. */
  apiPort?: number;
  /** Port where switches connect; 0 or absent: a free one. */
  ofPort?: number;
  /** Milliseconds to wait for /healthz. */
  startTimeoutMs?: number;
  /** Receives the process's output lines. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface EmbeddedRuntime {
  url: string;
  token: string;
  ofListen: string;
  pid: number;
  process: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export class EmbeddedRuntimeError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'EmbeddedRuntimeError';
  }
}

export async function startEmbeddedRuntime(opts: EmbeddedRuntimeOptions): Promise<EmbeddedRuntime> {
  const apiPort = opts.apiPort || (await freePort());
  const ofPort = opts.ofPort || (await freePort());
  const token = randomBytes(24).toString('hex');
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    ...opts.runtime.args,
    'run',
    '--api',
    `127.0.0.1:${apiPort}`,
    '--of-listen',
    `127.0.0.1:${ofPort}`,
    '--store',
    'embedded',
    '--data-dir',
    opts.dataDir,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, DFVISOR_ADMIN_TOKEN: token };
  if (opts.runtime.viaNode) env.ELECTRON_RUN_AS_NODE = '1';
  const child = spawn(opts.runtime.command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  let output = '';
  const onData = (buf: Buffer) => {
    const s = buf.toString();
    output = (output + s).slice(-8000);
    for (const line of s.split(/\r?\n/)) if (line) opts.log?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((res) => {
    child.on('exit', (code) => {
      exitCode = code;
      res(code);
    });
    child.on('error', (e) => {
      output += `\n${e.message}`;
      exitCode = -1;
      res(-1);
    });
  });
  const url = `http://127.0.0.1:${apiPort}`;
  const api = new RuntimeApi({ url, token });
  const stop = async (): Promise<void> => {
    if (exitCode !== undefined) return;
    killGroup(child, 'SIGTERM');
    const t = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  let delay = 50;
  for (;;) {
    if (exitCode !== undefined) {
      throw new EmbeddedRuntimeError(`dfvisor run exited (code ${exitCode}) before its API answered: ${lastLines(output)}`, output);
    }
    try {
      const h = await api.healthz({ timeoutMs: 2000 });
      if (h?.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new EmbeddedRuntimeError(`dfvisor run did not answer on ${url}/healthz in time: ${lastLines(output)}`, output);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
  return { url, token, ofListen: `127.0.0.1:${ofPort}`, pid: child.pid ?? -1, process: child, exited, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function lastLines(s: string): string {
  const lines = s.trim().split(/\r?\n/);
  return lines.slice(-5).join(' | ') || '(no output)';
}
