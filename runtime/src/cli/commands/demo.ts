// `dfvisor demo` (the README's first command): an embedded runtime, real Open vSwitch bridges with
// hosts in network namespaces, real tenant controllers (ovs-testcontroller, os-ken), the demo slices
// deployed, and per-slice traffic shown until Ctrl-C (or --duration). Everything is cleaned up.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { pino, destination } from 'pino';
import { loadWorkspace, compile, type Plan } from '@dfvisor/grammar';
import { parseCommandArgs, str, flag } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { DEFAULTS, parseHostPort, type NodeConfig } from '../../node/config.js';
import { RuntimeNode } from '../../node/runtime-node.js';
import { createProxyForwardingPlane } from '../../node/proxy-forwarding-plane.js';
import { generateAdminToken } from '../../auth/tokens.js';
import { OvsSandbox, type Host } from '../../lab/ovs.js';
import { startOsken, startTestController, type TenantController } from '../../lab/controllers.js';
import { freePort, waitFor } from '../../lab/proc.js';
import { formatDiagnosticLine } from './language.js';
import { renderTable } from '../table.js';

const here = dirname(fileURLToPath(import.meta.url));
const defaultSamples = resolve(here, '../../../../../samples/demo');

export const demoHelp = `Usage: dfvisor demo [--duration SECONDS] [--api HOST:PORT] [--slices DIR]

Starts an embedded runtime, Open vSwitch bridges (userspace datapath) with hosts in network
namespaces, the tenants' controllers (ovs-testcontroller for the first slice, the project's os-ken
learning switch for the next), deploys the demo slices (samples/demo) and shows each slice's traffic
every 2 seconds until Ctrl-C. Needs root and Debian's openvswitch-switch, openvswitch-testcontroller
and python3-os-ken; \`npm start\` in the project folder installs them on Debian or Ubuntu.

  --duration SECONDS   stop by itself after this long (default: run until Ctrl-C)
  --api HOST:PORT      where the runtime's API listens (default 127.0.0.1:8181; a free port if taken)
  --slices DIR         the .slice files to deploy (default samples/demo)
  --log-level LEVEL    runtime log level on stderr (default warn)
`;

const REQUIRED = ['ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovs-testcontroller', 'ip', 'ethtool', 'ping'];

function missingPrerequisites(): string[] {
  const missing = REQUIRED.filter((c) => {
    try {
      execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (!existsSync('/usr/bin/osken-manager')) missing.push('osken-manager (python3-os-ken)');
  return missing;
}

interface SliceHosts {
  slice: string;
  controller: TenantController;
  hosts: Array<Host & { sw: string; port: number }>;
}

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const p = parseCommandArgs(
    argv,
    { duration: { type: 'string' }, api: { type: 'string' }, slices: { type: 'string' }, 'log-level': { type: 'string' } },
    false,
  );
  if (flag(p, 'help')) return (io.out(demoHelp), 0);
  const duration = str(p, 'duration') === undefined ? 0 : Number(str(p, 'duration'));
  if (!(duration >= 0)) throw new UsageError('--duration is a number of seconds');
  let api: ReturnType<typeof parseHostPort>;
  try {
    api = parseHostPort(str(p, 'api') ?? '127.0.0.1:8181', '--api');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const slicesDir = resolve(str(p, 'slices') ?? defaultSamples);

  const missing = missingPrerequisites();
  if (missing.length > 0 || process.getuid?.() !== 0) {
    io.err(
      `dfvisor demo needs root and Open vSwitch with tenant controllers.\n` +
        (missing.length ? `Missing: ${missing.join(', ')}.\n` : '') +
        (process.getuid?.() !== 0 ? 'It must run as root (it creates network namespaces and bridges).\n' : '') +
        `On Debian or Ubuntu, in the project folder run:  sudo npm start  (installs them, then starts the demo)\n` +
        `(apt-get install openvswitch-switch openvswitch-testcontroller python3-os-ken ethtool iproute2 iputils-ping)\n` +
        `Without them you can still try: npx dfvisor check samples  and  npx dfvisor run --deploy samples/lab\n`,
    );
    return 1;
  }

  const { files, errors } = await loadWorkspace([slicesDir]);
  if (errors.length) throw new UserError(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  const compiled = compile(files);
  if (!compiled.plan) {
    for (const d of compiled.diagnostics) io.err(formatDiagnosticLine(d) + '\n');
    throw new UserError(`${slicesDir} does not compile`);
  }
  const plan: Plan = compiled.plan;

  const dataDir = mkdtempSync(join(tmpdir(), 'dfvisor-demo-'));
  const adminToken = generateAdminToken();
  const apiPort = await portOrFree(api.port, api.host);
  const config: NodeConfig = {
    ...DEFAULTS,
    nodeId: 'demo',
    dataDir,
    ofListen: { host: '127.0.0.1', port: 0 },
    api: { host: api.host, port: apiPort },
    adminToken,
    logLevel: str(p, 'log-level') ?? 'warn',
  };
  const logger = pino({ level: config.logLevel, base: { node: 'demo' } }, destination(2));
  const ovs = new OvsSandbox();
  const tenants: SliceHosts[] = [];
  let node: RuntimeNode | undefined;
  let stopping = false;
  let removeSignalHandlers = () => {};
  const cleanup = async () => {
    for (const t of tenants) await t.controller.stop().catch(() => undefined);
    await node?.stop().catch(() => undefined);
    ovs.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const stopPromise = new Promise<void>((resolveStop) => {
    const stop = () => {
      if (!stopping) io.err('\nstopping: removing bridges, namespaces and controllers…\n');
      stopping = true;
      resolveStop();
    };
    // `on`, not `once`: Ctrl-C on `npm start` signals the whole process group, and npm then signals
    // its child again; a second signal must not end the process half-way through the clean-up
    // (leftover bridges named like the next run's would break it). Removed once cleaned up.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', stop);
    removeSignalHandlers = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', stop);
    };
    if (duration > 0) setTimeout(stop, duration * 1000).unref();
  });

  try {
    io.err(`starting the runtime (embedded store) …\n`);
    node = await RuntimeNode.start(config, { logger, createForwardingPlane: createProxyForwardingPlane });
    io.err(`  API ${node.apiUrl()}  admin token ${adminToken}\n  OpenFlow 127.0.0.1:${config.ofListen.port}\n`);

    io.err(`starting tenant controllers …\n`);
    for (const [i, s] of plan.slices.entries()) {
      const c = s.controllers[0];
      const controller = i % 2 === 0 ? await startTestController(c.port, 'OpenFlow13') : await startOsken(c.port);
      tenants.push({ slice: s.name, controller, hosts: [] });
      io.err(`  slice ${s.name}: ${controller.kind} on ${c.url}\n`);
    }

    io.err(`starting Open vSwitch bridges and hosts …\n`);
    ovs.start();
    for (const sw of plan.network.switches) ovs.addBridge(sw.name, sw.dpid, 'OpenFlow13');
    for (const l of plan.network.links) ovs.link(l.a.switch, l.a.port, l.b.switch, l.b.port);
    let hostNo = 0;
    for (const [i, s] of plan.slices.entries()) {
      let k = 0;
      for (const v of s.view) {
        if (v.ports === '*') continue;
        for (const port of v.ports) {
          hostNo++;
          k++;
          const h = ovs.addHost({
            name: `h${hostNo}`,
            bridge: v.switch,
            ofport: port,
            ip: `10.0.0.${k}/24`,
            mac: `02:00:00:00:${(i + 1).toString(16).padStart(2, '0')}:${k.toString(16).padStart(2, '0')}`,
          });
          tenants[i].hosts.push({ ...h, sw: v.switch, port });
        }
      }
    }
    for (const sw of plan.network.switches) ovs.setController(sw.name, `tcp:127.0.0.1:${config.ofListen.port}`);
    io.err(`  waiting for the switches to connect …\n`);
    await waitFor(
      'switches to connect',
      () => stopping || node!.forwardingPlane.status().switches.length === plan.network.switches.length,
      90_000,
      100,
    );
    if (stopping) return 0;
    io.err(`  ${plan.network.switches.length} switches connected\n`);

    const admin = { kind: 'admin' as const, owner: 'admin', tokenId: 'demo' };
    const deployed = await node.deploy.deploy(admin, { files: files.map((f) => ({ path: f.path, text: f.text })) });
    if (!deployed.ok) throw new Error(`deploy failed: ${deployed.problem.detail}`);
    io.err(`deployed revision ${deployed.revision}: ${deployed.diff.added.join(', ')}\n`);
    io.err(`try in another terminal:  DFVISOR_API=${node.apiUrl()} DFVISOR_TOKEN=${adminToken} npx dfvisor slices\n\n`);

    let round = 0;
    while (!stopping) {
      round++;
      const rows: Array<Array<string | number>> = [];
      for (const t of tenants) {
        const [a, b] = [t.hosts[0], t.hosts[t.hosts.length - 1]];
        if (!a || a === b) continue;
        const r = await ovs.ping(a, b.ip, 1, ['-W', '2']);
        const rtt = /time=([\d.]+) ms/.exec(r.stdout)?.[1];
        const stats = node.sliceStats(t.slice);
        const counters = node.forwardingPlane.sliceCounters(t.slice);
        const ctl = node.forwardingPlane.status().slices.find((s) => s.name === t.slice)?.controllers[0];
        rows.push([
          t.slice,
          `${a.name}@${a.sw}:${a.port} -> ${b.ip}@${b.sw}:${b.port}`,
          r.code === 0 ? `ok ${rtt} ms` : 'no reply',
          counters?.packetIns ?? stats.packetIns,
          counters?.flows ?? stats.flows,
          ctl?.connected ? 'up' : 'down',
        ]);
      }
      io.out(
        `\n[${new Date().toISOString().slice(11, 19)}] round ${round}\n` +
          renderTable(['SLICE', 'PING (same IPs in every slice)', 'RESULT', 'PACKET-INS', 'FLOWS', 'CONTROLLER'], rows),
      );
      await Promise.race([stopPromise, new Promise((r) => setTimeout(r, 2000))]);
    }
    return 0;
  } catch (e) {
    io.err(`demo failed: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await cleanup();
    logger.flush();
    io.err('demo stopped, everything removed\n');
    removeSignalHandlers();
  }
}

async function portOrFree(port: number, host: string): Promise<number> {
  const { createServer } = await import('node:net');
  const free = await new Promise<boolean>((r) => {
    const s = createServer();
    s.once('error', () => r(false));
    s.listen(port, host, () => s.close(() => r(true)));
  });
  return free ? port : freePort();
}
