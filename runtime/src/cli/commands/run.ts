// `dfvisor run`: a headless runtime node until SIGINT/SIGTERM.
import { pino, destination } from 'pino';
import { parseCommandArgs, str, flag, type Parsed } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { DEFAULTS, parseHostPort, readConfigFile, type NodeConfig, type TlsFiles } from '../../node/config.js';
import { RuntimeNode } from '../../node/runtime-node.js';
import { createProxyForwardingPlane } from '../../node/proxy-forwarding-plane.js';
import { storeConfigFromFlags } from '../../store/index.js';
import { resolve } from 'node:path';

export const runHelp = `Usage: dfvisor run [options]

Runs a runtime node: the OpenFlow slicing proxy, the deploy API and the store, until SIGINT/SIGTERM.

  --of-listen HOST:PORT   where switches connect (default 127.0.0.1:6653)
  --of-tls-cert FILE --of-tls-key FILE --of-tls-ca FILE
                          OpenFlow over mutual TLS on --of-listen (which then speaks TLS only): a
                          switch must present a certificate the CA signed (ovs-vsctl set-ssl)
  --of-plain-listen HOST:PORT   with --of-tls-*: a plain TCP OpenFlow listener too, here
  --tenant-tls-cert FILE --tenant-tls-key FILE --tenant-tls-ca FILE
                          client certificate and key for ssl: tenant controllers, whose
                          certificates must chain to the CA and name their host
  --api HOST:PORT         where the HTTP API listens (default 127.0.0.1:8181)
  --deploy FILE|DIR       deploy these .slice files at start (repeatable)
  --config FILE           JSON config file (keys: nodeId, dataDir, ofListen, api, store, adminToken,
                          tls {certFile,keyFile}, bodyLimitBytes, deploy, logLevel, statsIntervalMs,
                          authFailuresPerMinute, revisionsKept, eventStreamsPerToken,
                          eventStreamsTotal, ofHandshakeTimeoutMs, ofIdleMs, ofEchoTimeoutMs,
                          ofMaxSwitchConnections, controllerAllow, ofTls {certFile,keyFile,caFile},
                          ofPlainListen, tenantTls {certFile,keyFile,caFile}, deployWaitMs); checked against its schema
  --store embedded|hazelcast   global tier (default embedded)
  --hazelcast HOST:PORT[,…]    Hazelcast members (with --store hazelcast; default 127.0.0.1:5701)
  --cluster-name NAME     Hazelcast cluster name (default dfvisor)
  --data-dir DIR          where the embedded store, the audit log and state live (default ./.dfvisor)
  --node-id ID            this node's id (default host-pid)
  --tls-cert FILE --tls-key FILE   serve the API over HTTPS
  --log-level LEVEL       trace|debug|info|warn|error (default info)
  --body-limit BYTES      largest API request body (default 10 MiB; larger ones get 413)
  --auth-failures-per-minute N   failed authentications per address and presented token id
                          and minute before 429 (default 30; valid tokens always get in)
  --deploy-wait-ms MS     how long a deploy waits for every switch's master to report the
                          revision (default 10000; switches that do not report are "unreachable")

The admin token comes from DFVISOR_ADMIN_TOKEN or the config file and must be a long random
secret (at least 24 characters; e.g. openssl rand -hex 24). If neither gives one and the store has
none, a new one is generated and written to <data-dir>/admin-token (mode 0600), never to the log.
`;

export async function buildConfig(argv: string[], io: Io): Promise<NodeConfig | undefined> {
  const p = parseCommandArgs(
    argv,
    {
      'of-listen': { type: 'string' },
      api: { type: 'string' },
      deploy: { type: 'string', multiple: true },
      config: { type: 'string' },
      store: { type: 'string' },
      hazelcast: { type: 'string' },
      'cluster-name': { type: 'string' },
      'data-dir': { type: 'string' },
      'node-id': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'log-level': { type: 'string' },
      'body-limit': { type: 'string' },
      'auth-failures-per-minute': { type: 'string' },
      'of-tls-cert': { type: 'string' },
      'of-tls-key': { type: 'string' },
      'of-tls-ca': { type: 'string' },
      'of-plain-listen': { type: 'string' },
      'tenant-tls-cert': { type: 'string' },
      'tenant-tls-key': { type: 'string' },
      'tenant-tls-ca': { type: 'string' },
      'deploy-wait-ms': { type: 'string' },
    },
    false,
  );
  if (flag(p, 'help')) {
    io.out(runHelp);
    return undefined;
  }
  const cfg: NodeConfig = { ...DEFAULTS };
  try {
    const file = str(p, 'config');
    if (file) Object.assign(cfg, await readConfigFile(file));
    const of = str(p, 'of-listen');
    if (of) cfg.ofListen = parseHostPort(of, '--of-listen');
    const api = str(p, 'api');
    if (api) cfg.api = parseHostPort(api, '--api');
    const plain = str(p, 'of-plain-listen');
    if (plain) cfg.ofPlainListen = parseHostPort(plain, '--of-plain-listen');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const deploy = p.values.deploy as string[] | undefined;
  if (deploy?.length) cfg.deploy = deploy;
  const dataDir = str(p, 'data-dir');
  if (dataDir) cfg.dataDir = resolve(dataDir);
  if (str(p, 'store') || str(p, 'hazelcast') || str(p, 'cluster-name')) {
    const s = storeConfigFromFlags({ store: str(p, 'store'), hazelcast: str(p, 'hazelcast'), clusterName: str(p, 'cluster-name') });
    if (!s.ok) throw new UsageError(s.error.message);
    cfg.store = s.value;
  }
  const nodeId = str(p, 'node-id');
  if (nodeId) cfg.nodeId = nodeId;
  const cert = str(p, 'tls-cert');
  const key = str(p, 'tls-key');
  if ((cert && !key) || (key && !cert)) throw new UsageError('--tls-cert and --tls-key go together');
  if (cert && key) cfg.tls = { certFile: cert, keyFile: key };
  cfg.ofTls = tlsFlags(p, 'of-tls') ?? cfg.ofTls;
  cfg.tenantTls = tlsFlags(p, 'tenant-tls') ?? cfg.tenantTls;
  if (cfg.ofPlainListen && !cfg.ofTls)
    throw new UsageError('--of-plain-listen (ofPlainListen) goes with --of-tls-* (ofTls): without TLS --of-listen is the plain listener');
  const level = str(p, 'log-level');
  if (level) {
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level))
      throw new UsageError(`--log-level must be trace, debug, info, warn or error, not '${level}'`);
    cfg.logLevel = level;
  }
  const limit = str(p, 'body-limit');
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1024) throw new UsageError('--body-limit is a number of bytes (at least 1024)');
    cfg.bodyLimitBytes = n;
  }
  const af = str(p, 'auth-failures-per-minute');
  if (af) {
    const n = Number(af);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('--auth-failures-per-minute is a positive whole number');
    cfg.authFailuresPerMinute = n;
  }
  const wait = str(p, 'deploy-wait-ms');
  if (wait) {
    const n = Number(wait);
    if (!Number.isInteger(n) || n < 100) throw new UsageError('--deploy-wait-ms is a number of milliseconds (at least 100)');
    cfg.deployWaitMs = n;
  }
  cfg.adminToken = io.env.DFVISOR_ADMIN_TOKEN || cfg.adminToken;
  return cfg;
}

/** --PREFIX-cert/-key/-ca: all three or none. */
function tlsFlags(p: Parsed, prefix: string): TlsFiles | undefined {
  const [certFile, keyFile, caFile] = ['cert', 'key', 'ca'].map((k) => str(p, `${prefix}-${k}`));
  if (!certFile && !keyFile && !caFile) return undefined;
  if (!certFile || !keyFile || !caFile) throw new UsageError(`--${prefix}-cert, --${prefix}-key and --${prefix}-ca go together`);
  return { certFile, keyFile, caFile };
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const cfg = await buildConfig(argv, io);
  if (!cfg) return 0;
  const logger = pino({ level: cfg.logLevel, base: { node: cfg.nodeId } }, destination(2));
  let node: RuntimeNode;
  try {
    node = await RuntimeNode.start(cfg, {
      logger,
      createForwardingPlane: createProxyForwardingPlane,
      onAdminTokenGenerated: (file) =>
        io.err(
          `\ndfvisor: generated an admin token, readable only by this user, in ${file}\n  (or set DFVISOR_ADMIN_TOKEN to a long random secret)\n\n`,
        ),
    });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  io.err(
    `dfvisor: runtime node ${cfg.nodeId} up: API ${node.apiUrl()}, OpenFlow ${cfg.ofListen.host}:${cfg.ofListen.port}${cfg.ofTls ? ' (TLS)' : ''}${cfg.ofPlainListen ? `, plain OpenFlow ${cfg.ofPlainListen.host}:${cfg.ofPlainListen.port}` : ''}, store ${cfg.store.kind}\n`,
  );
  await new Promise<void>((resolveStop) => {
    const stop = (sig: string) => {
      logger.info({ signal: sig }, 'shutting down');
      node.stop().finally(() => resolveStop());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  logger.flush();
  return 0;
}
