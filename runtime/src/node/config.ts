// A runtime node's configuration: defaults, then the config file (JSON), then flags.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { StoreConfig } from '../store/index.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface NodeConfig {
  nodeId: string;
  dataDir: string;
  ofListen: HostPort;
  api: HostPort;
  store: StoreConfig;
  adminToken?: string;
  tls?: { certFile: string; keyFile: string };
  bodyLimitBytes: number;
  deploy: string[];
  logLevel: string;
  /** Interval of the push of statistics aggregates to the global tier. */
  statsIntervalMs: number;
  /** Failed authentications per address and minute before the address gets 429. */
  authFailuresPerMinute: number;
}

export const DEFAULTS: NodeConfig = {
  nodeId: `${hostname()}-${process.pid}`,
  dataDir: resolve('.dfvisor'),
  ofListen: { host: '127.0.0.1', port: 6653 },
  api: { host: '127.0.0.1', port: 8181 },
  store: { kind: 'embedded' },
  bodyLimitBytes: 10 * 1024 * 1024,
  deploy: [],
  logLevel: 'info',
  statsIntervalMs: 2000,
  authFailuresPerMinute: 30,
};

export function parseHostPort(s: string, what: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`${what} must be HOST:PORT (e.g. 127.0.0.1:6653), not '${s}'`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** Reads a JSON config file; unknown keys are errors so typos do not pass silently. */
export async function readConfigFile(path: string): Promise<Partial<NodeConfig> & { ofListen?: HostPort | string; api?: HostPort | string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`config ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const known = new Set([...Object.keys(DEFAULTS), 'adminToken', 'tls']);
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`config ${path}: unknown key(s) ${unknown.join(', ')}`);
  const out: Record<string, unknown> = { ...data };
  if (typeof data.ofListen === 'string') out.ofListen = parseHostPort(data.ofListen, 'ofListen');
  if (typeof data.api === 'string') out.api = parseHostPort(data.api, 'api');
  return out as Partial<NodeConfig>;
}
