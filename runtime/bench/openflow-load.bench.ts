// A cbench-like OpenFlow load generator: emulated OpenFlow 1.3 switches send packet-ins and
// count the flow-mods / packet-outs that come back, against ovs-testcontroller directly, through a
// plain Node TCP relay (the floor of any user-space hop) and through the slicing proxy (a child
// process with 10 000 flowspace rules), in the same run. Per path: throughput with a window of
// packet-ins per switch, latency with one packet-in in flight at a time (the path's own latency)
// and with one per switch (cbench's latency mode), and CPU per answered packet-in of every
// process (/proc). Prints tables and writes bench/results/openflow-load.json.
// Run: node runtime/dist/bench/openflow-load.bench.js [--seconds 4] [--switches 1,4,16] [--rules N]
//        [--window 64] [--only direct|relay|proxy]
// Profiling: PROXY_NODE_ARGS="--cpu-prof ..." passes flags to the proxy child;
// DFV_ALLOC_PROFILE=file samples its allocations.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FlowspaceEntry, Plan } from '@dfvisor/grammar';
import { decodeMessage, encodeMessage, OpenFlowFramer, versionBitmap, type OfMessage, type Port13 } from '../src/openflow/index.js';
import { SlicingProxy } from '../src/proxy/index.js';
import { startTestController } from '../src/lab/controllers.js';
import { freePort } from '../src/lab/proc.js';

const HOSTS_PER_SWITCH = 100;
const PORTS = 4;
let WINDOW = 64;

const dp = (n: number) => n.toString(16).padStart(16, '0');
const mac = (sw: number, h: number) => Buffer.from([0x02, 0, 0, sw & 0xff, (h >> 8) & 0xff, h & 0xff]);

function frame(sw: number, src: number, dst: number): Buffer {
  const f = Buffer.alloc(60);
  mac(sw, dst).copy(f, 0); mac(sw, src).copy(f, 6);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45; f.writeUInt16BE(46, 16); f[22] = 64; f[23] = 17;
  f.writeUInt32BE(0x0a000000 | (sw << 8) | src, 26); f.writeUInt32BE(0x0a000000 | (sw << 8) | dst, 30);
  f.writeUInt16BE(1000, 34); f.writeUInt16BE(2000, 36);
  return f;
}

function port(no: number): Port13 {
  return { portNo: no, hwAddr: `02:00:00:00:00:0${no}`, name: `p${no}`, config: 0, state: 4, curr: 0x820, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 };
}

/** One emulated switch: answers the handshake, then sends packet-ins (pre-encoded, xid patched). */
class EmulatedSwitch {
  private sock: Socket;
  private framer = new OpenFlowFramer();
  private xid = 1;
  ready = false;
  responses = 0;
  flowMods = 0;
  outstanding = 0;
  private sentAt: number[] = [];
  latencies: number[] = [];
  private seq = 0;
  private readonly templates: Buffer[];
  onResponse: () => void = () => {};

  constructor(readonly n: number, host: string, port: number) {
    this.templates = Array.from({ length: HOSTS_PER_SWITCH }, (_, h) => this.packetInBytes(h, (h + 1) % HOSTS_PER_SWITCH));
    this.sock = connect({ host, port });
    this.sock.setNoDelay(true);
    this.sock.on('connect', () => this.send({ version: 4, xid: 0, type: 'hello', elements: [versionBitmap([4])] }));
    this.sock.on('data', (c: Buffer) => {
      for (const f of this.framer.push(c).frames) {
        // Packet-outs and flow-mods are counted by type byte: no decode on the hot path.
        if (f[1] === 13) this.onPacketOut();
        else if (f[1] === 14 && this.ready) this.flowMods++;
        else { const d = decodeMessage(f); if (d.ok) this.on(d.msg); }
      }
    });
    this.sock.on('error', () => {});
  }

  private packetInBytes(src: number, dst: number): Buffer {
    return encodeMessage({ version: 4, xid: 0, type: 'packet_in', bufferId: 0xffffffff, totalLen: 60, reason: 0, tableId: 0, cookie: 0xffffffffffffffffn, match: [{ field: 'in_port', value: (src % PORTS) + 1 }], data: frame(this.n, src, dst) });
  }

  private send(m: OfMessage): void { this.sock.write(encodeMessage(m)); }

  private on(m: OfMessage): void {
    if (m.version !== 4) return;
    switch (m.type) {
      case 'features_request': this.send({ version: 4, xid: m.xid, type: 'features_reply', datapathId: BigInt(this.n), nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 }); break;
      case 'multipart_request':
        if (m.body.mpType === 'port_desc') this.send({ version: 4, xid: m.xid, type: 'multipart_reply', flags: 0, body: { mpType: 'port_desc', ports: [1, 2, 3, 4].map(port) } });
        break;
      case 'barrier_request': this.send({ version: 4, xid: m.xid, type: 'barrier_reply' }); break;
      case 'echo_request': this.send({ version: 4, xid: m.xid, type: 'echo_reply', data: m.data }); break;
      case 'flow_mod':
        // The table-miss rule (no eth_dst) marks the handshake done.
        if (!m.match.some((t) => t.field === 'eth_dst')) this.ready = true; else this.flowMods++;
        break;
      default: break;
    }
  }

  private onPacketOut(): void {
    // Every packet-in gets exactly one packet-out back from a learning switch.
    this.responses++;
    if (this.outstanding > 0) this.outstanding--;
    const t = this.sentAt.shift();
    if (t !== undefined) this.latencies.push(performance.now() - t);
    this.onResponse();
  }

  private out: Buffer[] = [];

  /** Queues a packet-in (xid patched); what one callback queues goes out in one write, like cbench's buffered fake switch. */
  private write(bytes: Buffer): void {
    const b = Buffer.from(bytes);
    b.writeUInt32BE(this.xid++ >>> 0, 4);
    if (this.out.push(b) === 1) process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    const q = this.out;
    this.out = [];
    if (q.length && !this.sock.destroyed) this.sock.write(q.length === 1 ? q[0]! : Buffer.concat(q));
  };

  /** Sends one packet-in; host pairs cycle so the learning switch answers with flow-mods. */
  packetIn(): void {
    const h = this.seq++ % HOSTS_PER_SWITCH;
    this.sentAt.push(performance.now());
    this.outstanding++;
    this.write(this.templates[h]!);
  }

  /** Teaches the controller every host (one packet-in each), waiting for the answers. */
  async warm(): Promise<void> {
    for (let h = 0; h < HOSTS_PER_SWITCH; h++) this.write(this.packetInBytes(h, 0xff));
    await new Promise((r) => setTimeout(r, 300));
    this.responses = 0; this.flowMods = 0; this.latencies = []; this.sentAt = []; this.outstanding = 0;
  }

  clearPending(): void { this.sentAt = []; }
  close(): void { this.sock.destroy(); }
}

async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error('timeout'); await new Promise((r) => setTimeout(r, 20)); }
}

/** direct: straight to the controller; relay: through a plain TCP relay in Node (no OpenFlow); proxy: through the slicing proxy. */
type Mode = 'direct' | 'relay' | 'proxy';

interface RunResult {
  switches: number; mode: Mode; flowModsPerSec: number; responsesPerSec: number;
  /** One packet-in in flight at a time over all the switches: the path's own latency. */
  p50us: number; p99us: number;
  /** One packet-in in flight per switch (cbench's latency mode): latency under N concurrent requests. */
  loadedP50us: number; loadedP99us: number;
  /** CPU time (user + system) per answered packet-in in the throughput phase, by process. */
  cpuUsPerPacketIn: Record<string, number>;
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN; };

/** utime + stime of a process in µs (Linux /proc; clock ticks of 10 ms). */
function cpuUs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * 10_000;
  } catch { return NaN; }
}

async function runLoad(mode: Mode, host: string, port: number, n: number, seconds: number, pids: Record<string, number>): Promise<RunResult> {
  const sws = Array.from({ length: n }, (_, i) => new EmulatedSwitch(i + 1, host, port));
  const quarter = (seconds * 1000) / 4;
  try {
    // Readiness: the controller's table-miss flow-mod (OpenFlow 1.3 learning switch) arrives.
    await waitUntil(() => sws.every((s) => s.ready), 15_000);
    await Promise.all(sws.map((s) => s.warm()));
    // Latency of the path: one packet-in in flight at a time, the switches taking turns.
    const isolated = await new Promise<number[]>((res) => {
      const end = performance.now() + quarter;
      let turn = 0;
      const next = () => {
        if (performance.now() >= end) { res(sws.flatMap((s) => s.latencies)); return; }
        sws[turn++ % n]!.packetIn();
      };
      for (const s of sws) s.onResponse = next;
      next();
      setTimeout(() => res(sws.flatMap((s) => s.latencies)), quarter + 1000);
    });
    for (const s of sws) { s.latencies = []; s.outstanding = 0; s.clearPending(); }
    // Latency under load (cbench's latency mode): one packet-in outstanding per switch.
    const latEnd = performance.now() + quarter;
    await Promise.all(sws.map((s) => new Promise<void>((res) => {
      s.onResponse = () => { if (performance.now() < latEnd) s.packetIn(); else res(); };
      s.packetIn();
      setTimeout(res, quarter + 1000);
    })));
    const loaded = sws.flatMap((s) => s.latencies);
    // Throughput: a window of packet-ins outstanding per switch.
    for (const s of sws) { s.responses = 0; s.flowMods = 0; s.latencies = []; s.outstanding = 0; s.clearPending(); }
    const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuUs(pid)]));
    const t0 = performance.now();
    const thrEnd = t0 + 2 * quarter;
    for (const s of sws) {
      s.onResponse = () => { if (performance.now() < thrEnd) while (s.outstanding < WINDOW) s.packetIn(); };
      while (s.outstanding < WINDOW) s.packetIn();
    }
    await new Promise((r) => setTimeout(r, 2 * quarter));
    const total = sws.reduce((a, s) => a + s.responses, 0);
    const flowMods = sws.reduce((a, s) => a + s.flowMods, 0);
    const elapsed = (performance.now() - t0) / 1000;
    const cpuUsPerPacketIn = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, +((cpuUs(pid) - cpu0[k]!) / total).toFixed(1)]));
    return {
      switches: n, mode, flowModsPerSec: flowMods / elapsed, responsesPerSec: total / elapsed,
      p50us: pct(isolated, 50) * 1000, p99us: pct(isolated, 99) * 1000, loadedP50us: pct(loaded, 50) * 1000, loadedP99us: pct(loaded, 99) * 1000,
      cpuUsPerPacketIn,
    };
  } finally {
    for (const s of sws) s.close();
  }
}

/** 10 000 flowspace rules: decoys on every emulated switch's ports, plus the slice's own traffic. */
function benchPlan(controllerPort: number, maxSwitches: number, rules: number): Plan {
  const flowspace: FlowspaceEntry[] = [];
  let id = 1;
  const perSwitch = Math.floor(rules / maxSwitches);
  for (let sw = 1; sw <= maxSwitches; sw++) {
    for (let i = 0; i < perSwitch - PORTS; i++) {
      flowspace.push({ id: id++, slice: 'decoy', rule: `d${i}`, dpid: dp(sw), inPort: (i % PORTS) + 1, priority: 200, match: { eth_type: 0x0800, ipv4_src: `172.${16 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}/32` }, permissions: ['read'] });
    }
    for (let p = 1; p <= PORTS; p++) flowspace.push({ id: id++, slice: 'tenant', rule: 'all', dpid: dp(sw), inPort: p, priority: 100, match: {}, permissions: ['read', 'write'] });
  }
  const sws = Array.from({ length: maxSwitches }, (_, i) => i + 1);
  const slice = (name: string, port: number, tag: number) => ({
    name, owner: null, controllers: [{ url: `tcp:127.0.0.1:${port}`, host: '127.0.0.1', port }], overlay: { type: 'vlan' as const, tag, auto: false },
    view: sws.map((sw) => ({ dpid: dp(sw), switch: `s${sw}`, ports: [1, 2, 3, 4], linkPorts: [] })),
    qos: { capBps: null, guarantees: [], classes: [] },
    limits: { flowEntries: null, flowEntriesPerSwitch: {}, controlRate: null, packetInRate: null },
  });
  return {
    format: 'dfvisor-plan', version: 1,
    network: { name: 'bench', switches: sws.map((sw) => ({ name: `s${sw}`, dpid: dp(sw), ports: null })), links: [] },
    // The decoy entries name no deployed slice: they only load the classifier (10 000 rules in all).
    slices: [slice('tenant', controllerPort, 100)],
    flowspace,
    qos: { meters: [], queues: [], links: [] },
  };
}

// ---- the proxy as a child process (so it does not share the emulator's event loop) ----

/** DFV_ALLOC_PROFILE=file: the proxy child samples its allocations (collected objects included) into file. */
async function allocationProfile(file: string): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  process.once('disconnect', () => {
    void session.post('HeapProfiler.stopSampling').then((r) => writeFileSync(file, JSON.stringify((r as { profile: unknown }).profile)));
  });
}

async function proxyChild(): Promise<void> {
  if (process.env.DFV_ALLOC_PROFILE) await allocationProfile(process.env.DFV_ALLOC_PROFILE);
  const proxy = new SlicingProxy({ ofListen: '127.0.0.1:0' });
  const addr = await proxy.start();
  process.on('message', async (msg: { plan: Plan }) => {
    const t0 = performance.now();
    await proxy.applyPlan(msg.plan);
    process.send!({ port: addr.port, applyMs: performance.now() - t0 });
  });
  process.on('disconnect', () => { void proxy.stop().then(() => setTimeout(() => process.exit(0), 200)); });
}

/**
 * A plain TCP relay in Node (bytes piped both ways, no OpenFlow work): the floor of any user-space
 * proxy on this machine, so the table can tell the proxy's own cost from the extra hop's.
 */
async function relayChild(ctlPort: number): Promise<void> {
  const server = createServer((down) => {
    down.setNoDelay(true);
    const up = connect({ host: '127.0.0.1', port: ctlPort });
    up.setNoDelay(true);
    down.pipe(up); up.pipe(down);
    const end = () => { down.destroy(); up.destroy(); };
    down.on('error', end); up.on('error', end); down.on('close', end); up.on('close', end);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

async function startRelayChild(ctlPort: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--relay-child', String(ctlPort)], { stdio: 'inherit' });
  const reply = await new Promise<{ port: number }>((res, rej) => {
    child.once('message', (m) => res(m as { port: number }));
    child.once('exit', (c) => rej(new Error(`relay child exited ${c}`)));
  });
  return { child, port: reply.port };
}

async function startProxyChild(plan: Plan): Promise<{ child: ChildProcess; port: number; applyMs: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--proxy-child'], { stdio: 'inherit', execArgv: [...process.execArgv, ...(process.env.PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean)] });
  const reply = await new Promise<{ port: number; applyMs: number }>((res, rej) => {
    child.once('message', (m) => res(m as { port: number; applyMs: number }));
    child.once('exit', (c) => rej(new Error(`proxy child exited ${c}`)));
    child.send({ plan });
  });
  return { child, ...reply };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (k: string, d: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
  const seconds = Number(arg('--seconds', '4'));
  const counts = arg('--switches', '1,4,16').split(',').map(Number);
  const rules = Number(arg('--rules', '10000'));
  // --only proxy|relay|direct: one side (profiling); the table then has no ratio.
  const only = arg('--only', 'both');
  WINDOW = Number(arg('--window', String(WINDOW)));
  const results: RunResult[] = [];
  const ctlPort = await freePort();
  const ctl = await startTestController(ctlPort, 'OpenFlow13');
  const plan = benchPlan(ctlPort, Math.max(...counts), rules);
  const { child, port: proxyPort, applyMs } = await startProxyChild(plan);
  const relay = await startRelayChild(ctlPort);
  try {
    const pids = { generator: process.pid, controller: ctl.proc.child.pid!, proxy: child.pid!, relay: relay.child.pid! };
    // Warm-up, not measured: every path once at the largest switch count (JIT tiers, first GCs).
    const warmN = Math.max(...counts);
    if (only === 'both' || only === 'direct') await runLoad('direct', '127.0.0.1', ctlPort, warmN, 1, pids);
    if (only === 'both' || only === 'relay') await runLoad('relay', '127.0.0.1', relay.port, warmN, 1, pids);
    if (only === 'both' || only === 'proxy') await runLoad('proxy', '127.0.0.1', proxyPort, warmN, 1, pids);
    for (const n of counts) {
      if (only === 'both' || only === 'direct') results.push(await runLoad('direct', '127.0.0.1', ctlPort, n, seconds, pids));
      if (only === 'both' || only === 'relay') results.push(await runLoad('relay', '127.0.0.1', relay.port, n, seconds, pids));
      if (only === 'both' || only === 'proxy') results.push(await runLoad('proxy', '127.0.0.1', proxyPort, n, seconds, pids));
    }
  } finally {
    child.disconnect();
    relay.child.disconnect();
    await ctl.stop();
  }
  const rows = counts.map((n) => {
    const none: RunResult = { switches: n, mode: 'direct', flowModsPerSec: NaN, responsesPerSec: NaN, p50us: NaN, p99us: NaN, loadedP50us: NaN, loadedP99us: NaN, cpuUsPerPacketIn: {} };
    const d = results.find((r) => r.switches === n && r.mode === 'direct') ?? none;
    const p = results.find((r) => r.switches === n && r.mode === 'proxy') ?? { ...none, mode: 'proxy' as const };
    const rl = results.find((r) => r.switches === n && r.mode === 'relay') ?? { ...none, mode: 'relay' as const };
    return {
      switches: n, directPerSec: Math.round(d.responsesPerSec), proxyPerSec: Math.round(p.responsesPerSec),
      directFlowModsPerSec: Math.round(d.flowModsPerSec), proxyFlowModsPerSec: Math.round(p.flowModsPerSec), ratio: +(p.responsesPerSec / d.responsesPerSec).toFixed(3),
      directP50us: Math.round(d.p50us), proxyP50us: Math.round(p.p50us), addedP50us: Math.round(p.p50us - d.p50us),
      directP99us: Math.round(d.p99us), proxyP99us: Math.round(p.p99us), addedP99us: Math.round(p.p99us - d.p99us),
      loadedDirectP50us: Math.round(d.loadedP50us), loadedProxyP50us: Math.round(p.loadedP50us), loadedAddedP50us: Math.round(p.loadedP50us - d.loadedP50us),
      loadedAddedP99us: Math.round(p.loadedP99us - d.loadedP99us),
      relayPerSec: Math.round(rl.responsesPerSec), relayRatio: +(rl.responsesPerSec / d.responsesPerSec).toFixed(3),
      relayAddedP50us: Math.round(rl.p50us - d.p50us), relayLoadedAddedP50us: Math.round(rl.loadedP50us - d.loadedP50us),
      cpuUsPerPacketIn: { direct: d.cpuUsPerPacketIn, relay: rl.cpuUsPerPacketIn, proxy: p.cpuUsPerPacketIn },
    };
  });
  console.log(`OpenFlow load (cbench-like): emulated 1.3 switches → ovs-testcontroller, direct and through the proxy; ${rules} flowspace rules, ${seconds}s per run, window ${WINDOW}; plan applied in ${applyMs.toFixed(0)} ms`);
  console.log('Throughput (packet-ins answered per second, window of packet-ins per switch), through/direct ratios, and CPU per answered packet-in (µs, user+system); relay = a plain Node TCP relay, the floor of any user-space hop:');
  console.table(rows.map((r) => ({
    switches: r.switches, directPerSec: r.directPerSec, relayPerSec: r.relayPerSec, proxyPerSec: r.proxyPerSec, ratio: r.ratio, relayRatio: r.relayRatio,
    proxyCpuUs: r.cpuUsPerPacketIn.proxy.proxy, relayCpuUs: r.cpuUsPerPacketIn.relay.relay, 'controllerCpuUs direct/proxy': `${r.cpuUsPerPacketIn.direct.controller}/${r.cpuUsPerPacketIn.proxy.controller}`,
    'generatorCpuUs direct/proxy': `${r.cpuUsPerPacketIn.direct.generator}/${r.cpuUsPerPacketIn.proxy.generator}`,
  })));
  console.log('Latency (µs): one packet-in in flight at a time (path latency), and one in flight per switch (cbench latency mode, "loaded"):');
  console.table(rows.map((r) => ({
    switches: r.switches, directP50: r.directP50us, proxyP50: r.proxyP50us, addedP50: r.addedP50us, addedP99: r.addedP99us, relayAddedP50: r.relayAddedP50us,
    loadedDirectP50: r.loadedDirectP50us, loadedProxyP50: r.loadedProxyP50us, loadedAddedP50: r.loadedAddedP50us, loadedAddedP99: r.loadedAddedP99us, relayLoadedAddedP50: r.relayLoadedAddedP50us,
  })));
  const at16 = rows.find((r) => r.switches === 16);
  if (at16) {
    console.log(`targets: ratio at 16 switches ${at16.ratio} (≥ 0.7: ${at16.ratio >= 0.7 ? 'met' : 'not met'}); added p50 of the path (one packet-in in flight) ${rows.map((r) => `${r.addedP50us} µs at ${r.switches}`).join(', ')} (≤ 200 µs: ${rows.every((r) => r.addedP50us <= 200) ? 'met' : 'not met'})`);
    console.log(`loaded (one in flight per switch): added p50 ${rows.map((r) => `${r.loadedAddedP50us} µs at ${r.switches}`).join(', ')}; a bare relay adds ${rows.map((r) => `${r.relayLoadedAddedP50us} µs at ${r.switches}`).join(', ')}`);
  }
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'openflow-load.json'), JSON.stringify({ date: new Date().toISOString(), rules, seconds, window: WINDOW, planApplyMs: applyMs, rows }, null, 2));
  console.log(`wrote ${join(out, 'openflow-load.json')}`);
}

if (process.argv.includes('--proxy-child')) void proxyChild();
else if (process.argv.includes('--relay-child')) void relayChild(Number(process.argv[process.argv.indexOf('--relay-child') + 1]));
else main().catch((e) => { console.error(e); process.exit(1); });
