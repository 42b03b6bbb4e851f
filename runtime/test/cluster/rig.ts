// A real cluster for the cluster tests and the cluster benchmark: N Hazelcast members, N
// `dfvisor run --store hazelcast` processes, three Open vSwitch bridges in a line with every node
// as a controller target, hosts in namespaces and two tenant controllers (ovs-testcontroller).
// With a PartitionNet, member i and node n<i+1> run in namespace i (partition tests cut them off).
// `teardown()` ends every process and removes every bridge and namespace this rig made, and is
// safe after a partial setup; a process exit handler kills runtime nodes left behind.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { HazelcastCluster } from '../store/hazelcast-cluster.js';
import { OvsSandbox, type Host } from '../../src/lab/ovs.js';
import { startTestController, type TenantController } from '../../src/lab/controllers.js';
import { freePort, waitFor } from '../../src/lab/proc.js';
import { startRuntime, http, type RuntimeProcess } from '../api/runtime-process.js';
import type { PartitionNet } from './partition-net.js';

export const ADMIN = 'cluster-admin-token-0123456789';
export const DPIDS = ['0000000000000001', '0000000000000002', '0000000000000003'];

/** Three switches in a line (s1:3–s2:1, s2:2–s3:3); alpha and beta reuse 10.0.0.0/24 on different edge ports. */
export function lineSlices(alphaPort: number, betaPort: number, extra = ''): string {
  return `network line {
  switch s1 dpid 1 { port 1..4 speed 1Gbps }
  switch s2 dpid 2 { port 1..4 speed 1Gbps }
  switch s3 dpid 3 { port 1..4 speed 1Gbps }
  link s1:3 <-> s2:1
  link s2:2 <-> s3:3
}
slice alpha {
  controller "tcp:127.0.0.1:${alphaPort}"
  overlay vlan 101
  flowspace {
    edge: match on s1:1, s2:3, s3:1
  }
}
slice beta {
  controller "tcp:127.0.0.1:${betaPort}"
  overlay vlan 102
  flowspace {
    edge: match on s1:2, s2:4, s3:2
  }
}
${extra}`;
}

/**
 * Makes the steps of a suite that shares one rig: on the first failure the nodes' last log lines
 * are printed (then the error is rethrown).
 */
export function stepper(rig: () => ClusterRig | undefined): (fn: () => Promise<void>) => () => Promise<void> {
  let failed = false;
  return (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      if (!failed) console.error(rig()?.logs());
      failed = true;
      throw e;
    }
  };
}

const live = new Set<RuntimeProcess>();
process.on('exit', () => {
  for (const n of live) {
    try {
      n.child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

export interface NodeHandle {
  id: string;
  /** The address its API and OpenFlow listener are on. */
  host: string;
  ofPort: number;
  proc: RuntimeProcess;
}

export interface RigOptions {
  nodes?: number;
  members?: number;
  /** Extra `dfvisor run` flags for every node. */
  args?: string[];
  /** Skip hosts and tenant controllers (store-only benchmarks). */
  noTraffic?: boolean;
  /** Run member i and node n<i+1> in namespace i of this net (as many namespaces as members and nodes). */
  net?: PartitionNet;
  /** Bridges s1..sN with dpids 1..N (default 3); s4 and up are linked to nothing (benchmarks). */
  bridges?: number;
}

export class ClusterRig {
  hz: HazelcastCluster | undefined;
  readonly ovs = new OvsSandbox();
  readonly nodes: NodeHandle[] = [];
  readonly ctl: TenantController[] = [];
  readonly hosts: Record<string, Host> = {};
  ctlPorts: number[] = [];
  /** The bridges' datapath ids (DPIDS, and more with `bridges`). */
  readonly dpids: string[];

  private constructor(private readonly o: RigOptions) {
    this.dpids = Array.from({ length: o.bridges ?? 3 }, (_, i) => (i + 1).toString(16).padStart(16, '0'));
  }

  static async start(o: RigOptions = {}): Promise<ClusterRig> {
    const rig = new ClusterRig(o);
    try {
      await rig.setUp();
      return rig;
    } catch (e) {
      await rig.teardown();
      throw e;
    }
  }

  private async setUp(): Promise<void> {
    const members = this.o.members ?? 3;
    const net = this.o.net;
    this.hz = await HazelcastCluster.start(members, net && { hosts: net.hosts, launcher: (i) => net.launcher(i) });
    this.ovs.start();
    for (let n = 1; n <= this.dpids.length; n++) this.ovs.addBridge(`s${n}`, n, 'OpenFlow13');
    this.ovs.link('s1', 3, 's2', 1);
    this.ovs.link('s2', 2, 's3', 3);
    if (!this.o.noTraffic) {
      this.hosts.a1 = this.ovs.addHost({ name: 'a1', bridge: 's1', ofport: 1, ip: '10.0.0.1/24' });
      this.hosts.b1 = this.ovs.addHost({ name: 'b1', bridge: 's1', ofport: 2, ip: '10.0.0.1/24' });
      this.hosts.a3 = this.ovs.addHost({ name: 'a3', bridge: 's3', ofport: 1, ip: '10.0.0.2/24' });
      this.hosts.b3 = this.ovs.addHost({ name: 'b3', bridge: 's3', ofport: 2, ip: '10.0.0.2/24' });
    }
    this.ctlPorts = [await freePort(), await freePort()];
    if (!this.o.noTraffic) for (const p of this.ctlPorts) this.ctl.push(await startTestController(p, 'OpenFlow13'));
    const n = this.o.nodes ?? 3;
    const ofPorts: number[] = [];
    for (let i = 0; i < n; i++) ofPorts.push(await freePort());
    await Promise.all(ofPorts.map((p, i) => this.startNode(`n${i + 1}`, p)));
    for (let b = 1; b <= this.dpids.length; b++) this.ovs.setController(`s${b}`, ...this.nodes.map((x) => this.target(x)));
  }

  /** The controller target of a node, as Open vSwitch names it. */
  target(n: NodeHandle): string {
    return `tcp:${n.host}:${n.ofPort}`;
  }

  /** Starts (or restarts) node `id` with its OpenFlow port fixed, so the switches find it again. */
  async startNode(id: string, ofPort: number): Promise<NodeHandle> {
    const index = Number(id.slice(1)) - 1;
    const host = this.o.net?.hosts[index] ?? '127.0.0.1';
    const proc = await startRuntime({
      adminToken: ADMIN,
      ofPort,
      host,
      launcher: this.o.net?.launcher(index),
      args: [
        '--store',
        'hazelcast',
        '--hazelcast',
        this.hz!.addresses.join(','),
        '--cluster-name',
        this.hz!.clusterName,
        '--node-id',
        id,
        ...(this.o.args ?? []),
      ],
    });
    live.add(proc);
    const h: NodeHandle = { id, host, ofPort, proc };
    const i = this.nodes.findIndex((x) => x.id === id);
    if (i >= 0) this.nodes[i] = h;
    else this.nodes.push(h);
    return h;
  }

  node(id: string): NodeHandle {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  alive(): NodeHandle[] {
    return this.nodes.filter((n) => n.proc.child.exitCode === null && n.proc.child.signalCode === null);
  }

  /** Cuts a node off while it keeps running: SIGSTOP (its sockets stay open, it answers nothing). */
  pause(id: string): void {
    this.node(id).proc.child.kill('SIGSTOP');
  }

  resume(id: string): void {
    this.node(id).proc.child.kill('SIGCONT');
  }

  /**
   * The targets of the bridge's controllers that Open vSwitch has as master now (role column),
   * read in one ovs-vsctl transaction: one consistent snapshot, never a mix of before and after
   * a role change.
   */
  masterTargets(bridge: string): string[] {
    const [ids, ...rows] = this.ovs
      .vsctl(
        '--format=csv',
        '--data=bare',
        '--no-headings',
        'get',
        'bridge',
        bridge,
        'controller',
        '--',
        '--columns=_uuid,role,target',
        'list',
        'controller',
      )
      .trim()
      .split('\n');
    const mine = new Set(
      ids
        .replace(/[[\]\s]/g, '')
        .split(',')
        .filter(Boolean),
    );
    return rows
      .map((r) => r.split(','))
      .filter(([uuid, role]) => mine.has(uuid) && role === 'master')
      .map(([, , target]) => target.replace(/"/g, ''));
  }

  async kill9(id: string): Promise<void> {
    await this.node(id).proc.kill9();
  }

  api<T = any>(n: NodeHandle, method: string, path: string, body?: unknown) {
    return http<T>(n.proc, method, path, { token: ADMIN, body });
  }

  deploy(n: NodeHandle, text: string) {
    return this.api(n, 'POST', '/v1/deploy?prune=true', { files: [{ path: 'line.slice', text }] });
  }

  /** dpid → master node id, as every live node's status reports it (undefined when they disagree). */
  async masters(): Promise<Record<string, string | undefined>> {
    const views = await Promise.all(this.alive().map((n) => this.api(n, 'GET', '/v1/status')));
    const out: Record<string, string | undefined> = {};
    for (const dpid of this.dpids) {
      const seen = new Set(
        views.map((v) => (v.body.switches as Array<{ dpid: string; master: string | null }>).find((s) => s.dpid === dpid)?.master ?? null),
      );
      out[dpid] = seen.size === 1 ? ([...seen][0] ?? undefined) : undefined;
    }
    return out;
  }

  /** Waits until every switch has one master that every live node agrees on and that is alive. */
  async settledMasters(timeoutMs = 30_000): Promise<Record<string, string>> {
    const aliveIds = () => new Set(this.alive().map((n) => n.id));
    return waitFor(
      'every switch mastered by a live node, all nodes agreeing',
      async () => {
        const m = await this.masters();
        return this.dpids.every((d) => m[d] && aliveIds().has(m[d]!)) ? (m as Record<string, string>) : null;
      },
      timeoutMs,
      100,
    );
  }

  ping(from: string, to: string) {
    return this.ovs.ping(this.hosts[from], to, 1);
  }

  async pingUntil(from: string, to: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(`${from} reaches ${to}`, async () => (await this.ovs.ping(this.hosts[from], to, 1)).code === 0, timeoutMs, 100);
  }

  logs(): string {
    return this.nodes.map((n) => `---- ${n.id}\n${n.proc.logs().split('\n').slice(-40).join('\n')}`).join('\n');
  }

  async teardown(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.proc.kill9().catch(() => undefined)));
    // DFV_RIG_LOG_DIR=<dir>: every node's whole log is kept there (for reading a failed run).
    const logDir = process.env.DFV_RIG_LOG_DIR;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const n of this.nodes) writeFileSync(`${logDir}/${n.id}.log`, n.proc.logs());
    }
    for (const n of this.nodes) live.delete(n.proc);
    await Promise.all(this.ctl.map((c) => c.stop().catch(() => undefined)));
    this.ovs.teardown();
    for (const n of this.nodes) rmSync(n.proc.dataDir, { recursive: true, force: true });
    await this.hz?.stop().catch(() => undefined);
  }
}
