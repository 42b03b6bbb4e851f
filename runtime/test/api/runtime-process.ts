// Starts a real `dfvisor run` process on free ports for a test, and stops or kills it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dfvisorBin } from '../support/paths.js';

export interface RuntimeProcess {
  url: string;
  ofPort: number;
  dataDir: string;
  adminToken: string;
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  adminToken?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  ofPort?: number;
  /** The address the API and OpenFlow listen on (default 127.0.0.1). */
  host?: string;
  /** Command prefix to start it through, e.g. ['ip', 'netns', 'exec', 'ns1'] (default: none). */
  launcher?: string[];
}

export async function startRuntime(o: StartOptions = {}): Promise<RuntimeProcess> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'dfv-rt-'));
  const adminToken = o.adminToken ?? 'test-admin-token-0123456789';
  const host = o.host ?? '127.0.0.1';
  const command = [...(o.launcher ?? []), process.execPath];
  const child = spawn(
    command[0],
    [
      ...command.slice(1),
      dfvisorBin,
      'run',
      '--api',
      `${host}:0`,
      '--of-listen',
      `${host}:${o.ofPort ?? 0}`,
      '--data-dir',
      dataDir,
      '--log-level',
      'info',
      ...(o.args ?? []),
    ],
    {
      env: { ...process.env, DFVISOR_ADMIN_TOKEN: adminToken, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runtime did not start in 20 s:\n${out}`)), 20_000);
    const onData = () => {
      const m = /runtime node \S+ up: API (\S+),/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code} before it was up:\n${out}`));
    });
  });
  const ofPortMatch = /OpenFlow [\d.]+:(\d+)/.exec(out);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    ofPort: ofPortMatch ? Number(ofPortMatch[1]) : (o.ofPort ?? 0),
    dataDir,
    adminToken,
    child,
    logs: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = any>(
  rt: { url: string },
  method: string,
  path: string,
  o: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined || o.raw !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(rt.url + path, { method, headers, body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* text bodies (metrics) */
  }
  return { status: res.status, body: body as T, headers: res.headers };
}
