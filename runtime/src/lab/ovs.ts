// Open vSwitch in a private directory, with userspace (netdev) bridges, hosts in network
// namespaces attached by veth pairs, and veth links between bridges. `teardown()` removes
// everything this sandbox created, and is safe to call after a partial setup.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dpidHex } from '@dfvisor/grammar';
import { run, runAsync, type RunResult } from './proc.js';

export interface HostSpec {
  name: string;
  bridge: string;
  ofport: number;
  ip: string;
  mac?: string;
}
export interface Host {
  name: string;
  ns: string;
  ip: string;
  mac: string;
}

export class OvsSandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Short random prefix for namespaces and interfaces (names are capped at 15 chars). */
  readonly id = randomBytes(2).toString('hex');
  private bridges: string[] = [];
  private namespaces: string[] = [];
  private links: string[] = [];
  private started = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'dfv-ovs-'));
    const d = this.dir;
    this.env = { ...process.env, OVS_RUNDIR: d, OVS_LOGDIR: d, OVS_DBDIR: d, OVS_SYSCONFDIR: d, OVS_PKGDATADIR: '/usr/share/openvswitch' };
  }

  private ovs(cmd: string, args: string[], allowFail = false): RunResult {
    return run(cmd, args, { env: this.env, allowFail });
  }

  start(): void {
    const d = this.dir;
    this.ovs('ovsdb-tool', ['create', join(d, 'conf.db'), '/usr/share/openvswitch/vswitch.ovsschema']);
    this.ovs('ovsdb-server', [
      join(d, 'conf.db'),
      `--remote=punix:${d}/db.sock`,
      `--pidfile=${d}/ovsdb-server.pid`,
      '--detach',
      '--no-chdir',
      `--log-file=${d}/ovsdb-server.log`,
    ]);
    this.started = true;
    this.vsctl('--no-wait', 'init');
    this.ovs('ovs-vswitchd', [
      `unix:${d}/db.sock`,
      '--disable-system',
      `--pidfile=${d}/ovs-vswitchd.pid`,
      '--detach',
      '--no-chdir',
      `--log-file=${d}/ovs-vswitchd.log`,
    ]);
  }

  vsctl(...args: string[]): string {
    return this.ovs('ovs-vsctl', [`--db=unix:${this.dir}/db.sock`, ...args]).stdout;
  }

  ofctl(...args: string[]): string {
    return this.ovs('ovs-ofctl', args).stdout;
  }

  addBridge(name: string, dpid: number | string, protocols = 'OpenFlow10,OpenFlow13'): void {
    const dp = typeof dpid === 'number' ? dpidHex(BigInt(dpid)) : dpid;
    this.vsctl(
      'add-br',
      name,
      '--',
      'set',
      'bridge',
      name,
      'datapath_type=netdev',
      'fail-mode=secure',
      `protocols=${protocols}`,
      `other-config:datapath-id=${dp}`,
    );
    this.bridges.push(name);
  }

  setController(bridge: string, ...targets: string[]): void {
    this.vsctl('set-controller', bridge, ...targets);
    // Faster reconnect attempts than the 8 s default backoff.
    const uuids = this.vsctl('--bare', '--columns=_uuid', 'find', 'controller').split(/\s+/).filter(Boolean);
    for (const u of uuids) this.vsctl('set', 'controller', u, 'max_backoff=1000', 'inactivity_probe=0');
  }

  /** A host: a namespace with eth0 (tx checksum offload off) on `bridge` at `ofport`. */
  addHost(spec: HostSpec): Host {
    const ns = `dfv${this.id}${spec.name}`;
    const outer = `d${this.id}${spec.name}`.slice(0, 15);
    run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    run('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', `${outer}x`.slice(0, 15)]);
    this.links.push(outer);
    const inner = `${outer}x`.slice(0, 15);
    run('ip', ['link', 'set', inner, 'netns', ns]);
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', inner, 'name', 'eth0']);
    const mac = spec.mac ?? `02:00:00:00:${this.id.slice(0, 2)}:${this.namespaces.length.toString(16).padStart(2, '0')}`;
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'address', mac]);
    run('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', spec.ip, 'dev', 'eth0']);
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up']);
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    run('ip', ['netns', 'exec', ns, 'ethtool', '-K', 'eth0', 'tx', 'off'], { allowFail: true });
    run('ip', ['link', 'set', outer, 'up']);
    this.vsctl('add-port', spec.bridge, outer, '--', 'set', 'interface', outer, `ofport_request=${spec.ofport}`);
    return { name: spec.name, ns, ip: spec.ip.split('/')[0], mac };
  }

  /** A veth link between two bridges at the given OpenFlow port numbers. */
  link(brA: string, portA: number, brB: string, portB: number): void {
    const a = `d${this.id}${brA}${portA}${brB}`.slice(0, 15);
    const b = `d${this.id}${brB}${portB}${brA}`.slice(0, 15);
    run('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    this.links.push(a);
    run('ip', ['link', 'set', a, 'up']);
    run('ip', ['link', 'set', b, 'up']);
    this.vsctl('add-port', brA, a, '--', 'set', 'interface', a, `ofport_request=${portA}`);
    this.vsctl('add-port', brB, b, '--', 'set', 'interface', b, `ofport_request=${portB}`);
  }

  /** Flows as `ovs-ofctl -O <version> dump-flows` prints them (one per line, header dropped). */
  dumpFlows(bridge: string, version = 'OpenFlow13'): string[] {
    return this.ofctl('-O', version, 'dump-flows', bridge)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('OFPST_FLOW') && !l.startsWith('NXST_FLOW'));
  }

  dumpMeters(bridge: string): string {
    return this.ofctl('-O', 'OpenFlow13', 'dump-meters', bridge);
  }

  ping(from: Host, to: string, count = 3, extra: string[] = []): Promise<RunResult> {
    return runAsync('ip', ['netns', 'exec', from.ns, 'ping', '-c', String(count), '-W', '1', '-i', '0.2', ...extra, to], {
      timeoutMs: 30_000,
    });
  }

  inNs(host: Host, cmd: string, args: string[], timeoutMs = 30_000): Promise<RunResult> {
    return runAsync('ip', ['netns', 'exec', host.ns, cmd, ...args], { timeoutMs });
  }

  log(): string {
    const f = join(this.dir, 'ovs-vswitchd.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  /** Removes bridges, daemons, namespaces and veths; never throws. */
  teardown(): void {
    if (this.started) {
      for (const br of this.bridges) this.ovs('ovs-vsctl', [`--db=unix:${this.dir}/db.sock`, '--timeout=5', 'del-br', br], true);
      this.ovs('ovs-appctl', ['-t', 'ovs-vswitchd', 'exit', '--cleanup'], true);
      for (const pidFile of ['ovs-vswitchd.pid', 'ovsdb-server.pid']) {
        const p = join(this.dir, pidFile);
        let pid = 0;
        try {
          pid = Number(readFileSync(p, 'utf8').trim());
        } catch {
          continue; /* removed by exit --cleanup */
        }
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
      }
    }
    for (const ns of this.namespaces) run('ip', ['netns', 'del', ns], { allowFail: true });
    for (const l of this.links) run('ip', ['link', 'del', l], { allowFail: true });
    this.bridges = [];
    this.namespaces = [];
    this.links = [];
    rmSync(this.dir, { recursive: true, force: true });
  }
}
