// The three paths of the load benchmark, each a process of its own: ovs-testcontroller (the tenant;
// "direct" connects the emulated switches straight to it), a bare Node TCP relay in front of it, and
// `dfvisor run` (the product as users start it) deploying a generated slice workspace whose tenant
// slices point at the controllers. ovs-testcontroller takes at most 16 switches, so switch i goes
// to controller floor((i - 1) / 16) (and its relay); in the workspace, one tenant slice per controller.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { startTestController, type TenantController } from '../../src/lab/controllers.js';
import { freePort, waitFor } from '../../src/lab/proc.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Switches per controller: ovs-testcontroller accepts at most 16 switch connections. */
export const SWITCHES_PER_CONTROLLER = 16;

export async function startController(version: 1 | 4): Promise<TenantController> {
  return startTestController(await freePort(), version === 1 ? 'OpenFlow10' : 'OpenFlow13');
}

export async function startRelay(ctlPort: number): Promise<{ child: ChildProcess; port: number; stop(): void }> {
  const child = fork(join(here, 'relay.js'), [String(ctlPort)], { stdio: 'inherit' });
  const port = await new Promise<number>((res, rej) => {
    child.once('message', (m) => res((m as { port: number }).port));
    child.once('exit', (c) => rej(new Error(`relay exited ${c}`)));
  });
  return { child, port, stop: () => child.disconnect() };
}

/**
 * The slice workspace: switches s1..sN with ports 1..4; slice `tenantG` (controller ctlPorts[G])
 * holds the cbench traffic (IPv4 from 192.168.0.0/16 and ARP) on every port of switches
 * 16G+1..16G+16; slice `decoy` (read only, a controller nobody listens on) holds `decoys` /32 rules
 * from 172.16.0.0/12 spread over the switches' ports, only there to load the classifier.
 */
export function sliceWorkspace(dir: string, switches: number, ctlPorts: readonly number[], decoys: number): void {
  const sw = Array.from({ length: switches }, (_, i) => i + 1);
  const net = ['network bench {', ...sw.map((n) => `  switch s${n} dpid ${n} { port 1..4 speed 10Gbps }`), '}'];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'network.slice'), net.join('\n') + '\n');
  ctlPorts.forEach((port, g) => {
    const mine = sw
      .filter((n) => Math.floor((n - 1) / SWITCHES_PER_CONTROLLER) === g)
      .map((n) => `s${n}`)
      .join(', ');
    if (!mine) return;
    const tenant = [
      `slice tenant${g} {`,
      `  controller "tcp:127.0.0.1:${port}"`,
      `  overlay vlan ${100 + g}`,
      '  flowspace {',
      `    ip: match ip_src 192.168.0.0/16 on ${mine}`,
      `    arp: match eth_type arp on ${mine}`,
      '  }',
      '}',
    ];
    writeFileSync(join(dir, `tenant${g}.slice`), tenant.join('\n') + '\n');
  });
  const decoy = ['slice decoy {', '  controller "tcp:127.0.0.1:9"', '  overlay vlan 4000', '  flowspace {'];
  for (let i = 0; i < decoys; i++) {
    decoy.push(
      `    d${i}: match ip_src 172.${16 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}/32 on s${(i % switches) + 1}:${((i >> 6) % 4) + 1} permit read priority 200`,
    );
  }
  decoy.push('  }', '}');
  if (decoys > 0) writeFileSync(join(dir, 'decoy.slice'), decoy.join('\n') + '\n');
}

export interface ProxyProcess {
  pid: number;
  ofPort: number;
  /** The process's memory as its /metrics reports it (MB): V8 heap used and total, external (buffers); null when unreadable. */
  heap(): Promise<{ usedMb: number; totalMb: number; externalMb: number } | null>;
  stop(): Promise<void>;
  log(): string;
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** Heap used and total and external memory from the node's /metrics (prom-client's process metrics). */
async function heapOf(api: number): Promise<{ usedMb: number; totalMb: number; externalMb: number } | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${api}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!r.ok) return null;
    const text = await r.text();
    const metric = (name: string): number => {
      const m = new RegExp(`^dfvisor_${name} ([0-9.e+]+)$`, 'm').exec(text);
      return m ? Math.round(Number(m[1]) / 2 ** 20) : NaN;
    };
    return {
      usedMb: metric('nodejs_heap_size_used_bytes'),
      totalMb: metric('nodejs_heap_size_total_bytes'),
      externalMb: metric('nodejs_external_memory_bytes'),
    };
  } catch {
    return null;
  }
}

/** `dfvisor run` with the workspace deployed at start; PROXY_NODE_ARGS adds node flags (e.g. --cpu-prof). */
export async function startDfvisor(switches: number, ctlPorts: readonly number[], decoys: number): Promise<ProxyProcess> {
  const work = mkdtempSync(join(tmpdir(), 'dfv-load-'));
  sliceWorkspace(join(work, 'slices'), switches, ctlPorts, decoys);
  const ofPort = await freePort();
  const api = await freePort();
  const bin = resolve(here, '..', '..', '..', 'bin', 'dfvisor.js');
  const nodeArgs = (process.env.PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      bin,
      'run',
      '--of-listen',
      `127.0.0.1:${ofPort}`,
      '--api',
      `127.0.0.1:${api}`,
      '--data-dir',
      join(work, 'data'),
      '--deploy',
      join(work, 'slices'),
      '--node-id',
      'bench',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DFVISOR_ADMIN_TOKEN: ADMIN_TOKEN } },
  );
  const tail: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    tail.push(d.toString());
    if (tail.length > 200) tail.splice(0, 100);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const listening = () =>
    new Promise<boolean>((res) => {
      const s = connect({ host: '127.0.0.1', port: ofPort }, () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
  try {
    await waitFor(
      'dfvisor run listening',
      async () => (child.exitCode === null ? listening() : Promise.reject(new Error('exited'))),
      120_000,
      100,
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${String(e)}\n${tail.join('')}`);
  }
  return {
    pid: child.pid!,
    ofPort,
    heap: () => heapOf(api),
    log: () => tail.join(''),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
