// A runtime node's configuration: defaults, then the config file (JSON, checked against
// CONFIG_SCHEMA), then flags.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { StoreConfig } from '../store/index.js';
import { parseAddressRange } from '../deploy/controller-policy.js';
import { compileValidator, formatSchemaErrors } from '../validation/json-schema.js';

export interface HostPort {
  host: string;
  port: number;
}

/** PEM files: this side's certificate and key, and the CA the other side's certificate must chain to. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
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
  /** Link discovery: the master of each switch sends its LLDP probes on every port at this interval (ms); 0: off. */
  discoveryIntervalMs: number;
  /** Failed authentications per address and presented token id and minute before 429. */
  authFailuresPerMinute: number;
  /** Revisions kept in the store (older ones are pruned unless a rollback needs them). */
  revisionsKept: number;
  /** Open event streams (GET /v1/events) per token and in total. */
  eventStreamsPerToken: number;
  eventStreamsTotal: number;
  /** OpenFlow connections: handshake bound, idle interval before an echo, echo answer bound (ms), switch connection cap. */
  ofHandshakeTimeoutMs: number;
  ofIdleMs: number;
  ofEchoTimeoutMs: number;
  ofMaxSwitchConnections: number;
  /** How long a deploy waits for every switch's master to report the revision (ms). */
  deployWaitMs: number;
  /** Address ranges tenant controllers may be at (absent: anywhere but the runtime's own listeners). */
  controllerAllow?: string[];
  /** Mutual TLS on the OpenFlow listener (`ofListen` then speaks TLS only). */
  ofTls?: TlsFiles;
  /** With `ofTls`: a plain TCP OpenFlow listener too, here. */
  ofPlainListen?: HostPort;
  /** Client certificate, key and CA for `ssl:` tenant controllers. */
  tenantTls?: TlsFiles;
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
  discoveryIntervalMs: 5000,
  authFailuresPerMinute: 30,
  revisionsKept: 50,
  eventStreamsPerToken: 4,
  eventStreamsTotal: 64,
  ofHandshakeTimeoutMs: 10_000,
  ofIdleMs: 15_000,
  ofEchoTimeoutMs: 10_000,
  ofMaxSwitchConnections: 1024,
  // Longer than the global tier's backup timeout (5 s): a master's report written while a member
  // is being dropped can wait that long, and is still in time.
  deployWaitMs: 10_000,
};

const hostPort = {
  oneOf: [
    { type: 'string', minLength: 3 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port'],
      properties: { host: { type: 'string' }, port: { type: 'integer', minimum: 0, maximum: 65535 } },
    },
  ],
};
const positive = { type: 'integer', minimum: 1 };
const tlsFiles = {
  type: 'object',
  additionalProperties: false,
  required: ['certFile', 'keyFile', 'caFile'],
  properties: {
    certFile: { type: 'string', minLength: 1 },
    keyFile: { type: 'string', minLength: 1 },
    caFile: { type: 'string', minLength: 1 },
  },
};

/** The config file's schema: unknown keys are errors so typos do not pass silently. */
export const CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'dfvisor run --config',
  type: 'object',
  additionalProperties: false,
  properties: {
    nodeId: { type: 'string', minLength: 1 },
    dataDir: { type: 'string', minLength: 1 },
    ofListen: hostPort,
    api: hostPort,
    store: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { const: 'embedded' }, dataDir: { type: 'string' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'members', 'clusterName'],
          properties: {
            kind: { const: 'hazelcast' },
            members: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^\\s:]+:\\d{1,5}$' } },
            clusterName: { type: 'string', minLength: 1 },
            connectTimeoutMs: positive,
            prefix: { type: 'string' },
          },
        },
      ],
    },
    adminToken: { type: 'string' },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['certFile', 'keyFile'],
      properties: { certFile: { type: 'string' }, keyFile: { type: 'string' } },
    },
    bodyLimitBytes: { type: 'integer', minimum: 1024 },
    deploy: { type: 'array', items: { type: 'string' } },
    logLevel: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
    statsIntervalMs: { type: 'integer', minimum: 100 },
    discoveryIntervalMs: { anyOf: [{ const: 0 }, { type: 'integer', minimum: 200 }] },
    authFailuresPerMinute: positive,
    revisionsKept: positive,
    eventStreamsPerToken: positive,
    eventStreamsTotal: positive,
    ofHandshakeTimeoutMs: { type: 'integer', minimum: 10 },
    ofIdleMs: { type: 'integer', minimum: 10 },
    ofEchoTimeoutMs: { type: 'integer', minimum: 10 },
    ofMaxSwitchConnections: positive,
    deployWaitMs: { type: 'integer', minimum: 100 },
    controllerAllow: { type: 'array', items: { type: 'string', minLength: 1 } },
    ofTls: tlsFiles,
    ofPlainListen: hostPort,
    tenantTls: tlsFiles,
  },
} as const;

const validateConfig = compileValidator<Record<string, unknown>>(CONFIG_SCHEMA);

export function parseHostPort(s: string, what: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`${what} must be HOST:PORT (e.g. 127.0.0.1:6653), not '${s}'`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/**
 * Reads the PEM files of `files` (`what` names them in errors, e.g. 'ofTls'); the texts are checked
 * when the proxy builds its TLS context.
 */
export function readTlsFiles(files: TlsFiles, what: string): { cert: Buffer; key: Buffer; ca: Buffer } {
  const read = (path: string, which: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read the ${what} ${which} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return { cert: read(files.certFile, 'certificate'), key: read(files.keyFile, 'key'), ca: read(files.caFile, 'CA certificate') };
}

/** Reads a JSON config file; unknown keys are errors so typos do not pass silently. */
export async function readConfigFile(path: string): Promise<Partial<NodeConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`config ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const checked = validateConfig(parsed);
  if (!checked.ok) throw new Error(`config ${path} does not match its schema: ${formatSchemaErrors(checked.errors)}`);
  const data = checked.value;
  const badRange = ((data.controllerAllow as string[] | undefined) ?? []).find((r) => parseAddressRange(r) === undefined);
  if (badRange !== undefined)
    throw new Error(`config ${path}: controllerAllow entry '${badRange}' is not an IPv4 or IPv6 address range (e.g. 10.0.0.0/8)`);
  const out: Record<string, unknown> = { ...data };
  if (typeof data.ofListen === 'string') out.ofListen = parseHostPort(data.ofListen, 'ofListen');
  if (typeof data.api === 'string') out.api = parseHostPort(data.api, 'api');
  if (typeof data.ofPlainListen === 'string') out.ofPlainListen = parseHostPort(data.ofPlainListen, 'ofPlainListen');
  return out as Partial<NodeConfig>;
}
