// Test helper: a real Hazelcast cluster of N members on free loopback ports (or, for partition
// tests, each on its own address inside its own network namespace), started from the
// member jar that .ci/hazelcast/fetch.sh puts in .ci/hazelcast/lib/. From 3 members on the
// members refuse writes on a side without a majority (split-brain protection, member.xml). Members run in a private temp
// directory with small, fast-starting JVMs; stop() ends them (and a process exit handler kills any
// that are left, so a failing test does not leak JVMs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, '.ci', 'hazelcast', 'member.xml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (.ci/hazelcast/member.xml)');
    dir = up;
  }
}

export const REPO_ROOT = findRepoRoot();
export const HAZELCAST_JAR = resolve(REPO_ROOT, '.ci/hazelcast/lib/hazelcast.jar');
export const MEMBER_CONFIG = resolve(REPO_ROOT, '.ci/hazelcast/member.xml');

const JVM_FLAGS = [
  '-Xms64m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '--add-modules',
  'java.se',
  '--add-exports',
  'java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens',
  'java.base/java.lang=ALL-UNNAMED',
  '--add-opens',
  'java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens',
  'java.management/sun.management=ALL-UNNAMED',
  '--add-opens',
  'jdk.management/com.sun.management.internal=ALL-UNNAMED',
];

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Free TCP ports on 127.0.0.1 (held together while choosing, so they differ). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<import('node:net').Server>((res, rej) => {
          const s = createServer();
          s.once('error', rej);
          s.listen(0, '127.0.0.1', () => res(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface Member {
  port: number;
  address: string;
  process: ChildProcess;
  log: string;
  exited: Promise<void>;
}

export interface ClusterOptions {
  clusterName?: string;
  timeoutMs?: number;
  /** Member i binds to hosts[i] (default 127.0.0.1 for all). */
  hosts?: string[];
  /** Member i is started through this command prefix, e.g. ['ip', 'netns', 'exec', 'ns1']. */
  launcher?: (index: number) => string[];
}

/** The split-brain protection size the members get: a majority from 3 members on (0: off). */
export function memberQuorum(size: number): number {
  return size >= 3 ? Math.floor(size / 2) + 1 : 0;
}

export class HazelcastCluster {
  private constructor(
    readonly clusterName: string,
    readonly members: Member[],
    readonly dir: string,
  ) {}

  /** Addresses of all members started (including killed ones, as a client would be configured). */
  get addresses(): string[] {
    return this.members.map((m) => m.address);
  }

  /**
   * Starts `size` members as one cluster and waits until each sees all of them.
   * Throws (never skips) when the jar is missing, naming the script that fetches it.
   */
  static async start(size: number, options: ClusterOptions = {}): Promise<HazelcastCluster> {
    if (!existsSync(HAZELCAST_JAR)) {
      throw new Error(`Hazelcast member jar missing at ${HAZELCAST_JAR}: run bash .ci/hazelcast/fetch.sh first`);
    }
    const clusterName = options.clusterName ?? `dfv-test-${process.pid}-${Date.now().toString(36)}`;
    const dir = mkdtempSync(join(tmpdir(), 'dfv-hz-'));
    const ports = await freePorts(size);
    const hosts = ports.map((_, i) => options.hosts?.[i] ?? '127.0.0.1');
    const memberList = ports.map((p, i) => `${hosts[i]}:${p}`).join(',');
    const cluster = new HazelcastCluster(clusterName, [], dir);
    try {
      for (const [i, port] of ports.entries())
        cluster.members.push(cluster.spawnMember(hosts[i], port, memberList, size, options.launcher?.(i) ?? []));
      await cluster.waitForSize(size, options.timeoutMs ?? 60_000);
      return cluster;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  private spawnMember(host: string, port: number, memberList: string, size: number, launcher: string[]): Member {
    const log = join(this.dir, `member-${port}.log`);
    const out = createWriteStream(log);
    const quorum = memberQuorum(size);
    const command = [
      ...launcher,
      'java',
      ...JVM_FLAGS,
      `-Dhazelcast.config=${MEMBER_CONFIG}`,
      `-Ddfvisor.hz.cluster=${this.clusterName}`,
      `-Ddfvisor.hz.host=${host}`,
      `-Ddfvisor.hz.port=${port}`,
      `-Ddfvisor.hz.members=${memberList}`,
      `-Ddfvisor.hz.quorum=${quorum || 2}`,
      `-Ddfvisor.hz.quorum.ref=${quorum > 0 ? 'dfv-majority' : 'dfv-none'}`,
      '-cp',
      HAZELCAST_JAR,
      'com.hazelcast.core.server.HazelcastMemberStarter',
    ];
    const child = spawn(command[0], command.slice(1), { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    live.add(child);
    const exited = new Promise<void>((res) =>
      child.once('exit', () => {
        live.delete(child);
        res();
      }),
    );
    return { port, address: `${host}:${port}`, process: child, log, exited };
  }

  private alive(): Member[] {
    return this.members.filter((m) => m.process.exitCode === null && m.process.signalCode === null);
  }

  /** Waits until every live member's log shows a cluster of `size` members. */
  async waitForSize(size: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const members = this.alive();
      if (members.length < this.members.filter((m) => !m.process.killed).length) {
        const dead = this.members.find((m) => m.process.exitCode !== null && !m.process.killed);
        if (dead) throw new Error(`Hazelcast member ${dead.address} exited; log:\n${tail(dead.log)}`);
      }
      const ready = members.every((m) => lastClusterSize(m.log) === size && readLog(m.log).includes('is STARTED'));
      if (ready && members.length === size) return;
      if (Date.now() > deadline) {
        throw new Error(
          `Hazelcast cluster not at ${size} members after ${timeoutMs} ms; log of ${members[0]?.address}:\n${tail(members[0]?.log ?? '')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The cluster size member `index` last logged (its view of the membership). */
  sizeSeenBy(index: number): number {
    return lastClusterSize(this.members[index].log);
  }

  /** kill -9 of one member (no goodbye to the cluster). */
  async kill(index: number): Promise<void> {
    const m = this.members[index];
    m.process.kill('SIGKILL');
    await m.exited;
  }

  async stop(): Promise<void> {
    for (const m of this.alive()) m.process.kill('SIGKILL');
    await Promise.all(this.members.map((m) => m.exited));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function lastClusterSize(path: string): number {
  const all = [...readLog(path).matchAll(/Members \{size:(\d+),/g)];
  return all.length === 0 ? 0 : Number(all[all.length - 1][1]);
}

function tail(path: string): string {
  return readLog(path).split('\n').slice(-30).join('\n');
}
