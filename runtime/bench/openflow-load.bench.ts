// The cbench-style load benchmark of issue 17: emulated switches (bench/load/fake-switch.ts, cbench's
// packet-ins from its own encoder) against ovs-testcontroller, three ways in the same run: direct, through a
// bare Node TCP relay, and through `dfvisor run` (10 000 decoy flowspace rules besides the tenants').
// ovs-testcontroller takes at most 16 switches: each 16 switches get a controller (and a relay, and a
// tenant slice), CPU of the controllers summed.
// Per OpenFlow version, per load (switches × packet-ins in flight per switch, buffered or not, fresh or
// cycled source MACs) and per path: flow setups per second, latency p50/p99/p99.9 (and what the path adds
// to direct), and CPU µs per flow setup of every process (generator, controller, relay or proxy) from
// /proc; RSS of the proxy idle → peak → after the runs; a memory run (RSS through N distinct flow
// setups); and the figures of issue 17 (FlowVisor 1.4, DFVisor main) printed beside ours as the reference.
// Default matrix: the issue's table (16 switches × 64, fresh MACs, buffered) plus cycled MACs, unbuffered
// and one packet-in in flight, both versions. BENCH_FULL=1 (or --full): 1/4/16/64 switches × windows 1/64 ×
// buffered/unbuffered × fresh/cycled, and the memory run through 2 million setups.
// Run: node runtime/dist/bench/openflow-load.bench.js [--full] [--seconds 3] [--rules 10000]
//        [--memory-setups N] [--versions 1.0,1.3] [--paths direct,relay,proxy] [--loads issue|memory]
// --loads memory: only the memory run, through 2 million distinct setups by default (about a minute per version).
// Profiling: PROXY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" passes flags to `dfvisor run`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { FakeSwitch, type OfVersion } from './load/fake-switch.js';
import { cpuPerUnit, cpuSnapshot, rssMb } from './load/proc-stats.js';
import { startController, startDfvisor, startRelay, SWITCHES_PER_CONTROLLER, type ProxyProcess } from './load/paths.js';
import { REFERENCE, TARGETS } from './load/reference.js';

type Path = 'direct' | 'relay' | 'proxy';
interface Load {
  switches: number;
  window: number;
  buffered: boolean;
  macs: 'fresh' | 'cycled';
}
interface Run {
  version: '1.0' | '1.3';
  load: Load;
  path: Path;
  setupsPerSec: number;
  floods: number;
  packetOutsPerSetup: number;
  p50us: number;
  p99us: number;
  p999us: number;
  /** CPU (user + system) per flow setup, µs, of each process on the path. */
  cpuUsPerSetup: Record<string, number>;
}

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1]! : d;
};
const FULL = args.includes('--full') || process.env.BENCH_FULL === '1';
const SECONDS = Number(arg('--seconds', process.env.BENCH_SECONDS ?? '3'));
const RULES = Number(arg('--rules', '10000'));
/** --loads memory: only the memory run (through 2 million setups unless --memory-setups says otherwise). */
const MEMORY_ONLY = arg('--loads', '') === 'memory';
const MEMORY_SETUPS = Number(arg('--memory-setups', process.env.BENCH_MEMORY_SETUPS ?? (FULL || MEMORY_ONLY ? '2000000' : '300000')));
const VERSIONS = arg('--versions', '1.0,1.3').split(',') as Array<'1.0' | '1.3'>;
const PATHS = arg('--paths', 'direct,relay,proxy').split(',') as Path[];
/** cbench's default: 100 000 source MACs per switch (every packet-in of a run is a new flow); cycled: 100. */
const MACS = { fresh: 100_000, cycled: 100 };

function matrix(): Load[] {
  // --loads issue: only the issue's load (16 × 64, fresh MACs, buffered), e.g. to profile the proxy under it.
  if (arg('--loads', '') === 'issue') return [{ switches: 16, window: 64, buffered: true, macs: 'fresh' }];
  if (MEMORY_ONLY) return [];
  if (!FULL) {
    return [
      { switches: 16, window: 64, buffered: true, macs: 'fresh' },
      { switches: 16, window: 64, buffered: true, macs: 'cycled' },
      { switches: 16, window: 64, buffered: false, macs: 'fresh' },
      { switches: 1, window: 1, buffered: true, macs: 'fresh' },
    ];
  }
  const out: Load[] = [];
  for (const switches of [1, 4, 16, 64])
    for (const window of [1, 64])
      for (const buffered of [true, false]) for (const macs of ['fresh', 'cycled'] as const) out.push({ switches, window, buffered, macs });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pct(xs: Float64Array, p: number): number {
  if (xs.length === 0) return NaN;
  return xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! * 1000;
}

/** Connects the switches, teaches the controller the destination MACs, warms up, then measures for SECONDS. */
/** `ports[g]` serves switches 16g+1..16g+16 (one port for all through the proxy). */
async function runLoad(
  version: OfVersion,
  load: Load,
  ports: readonly number[],
  pids: Record<string, readonly number[]>,
): Promise<Omit<Run, 'version' | 'load' | 'path'>> {
  const portOf = (i: number): number => ports[Math.min(ports.length - 1, Math.floor(i / SWITCHES_PER_CONTROLLER))]!;
  const sws = Array.from(
    { length: load.switches },
    (_, i) => new FakeSwitch({ id: i + 1, version, buffered: load.buffered, macs: MACS[load.macs] }, '127.0.0.1', portOf(i)),
  );
  try {
    await Promise.all(sws.map((s) => s.learn(60_000)));
    let running = true;
    for (const s of sws) {
      s.onAnswer = () => {
        if (running && s.outstanding < load.window) s.send(load.window - s.outstanding);
      };
    }
    // Warm-up (not measured): the first connections' JIT and buffers.
    for (const s of sws) {
      s.recordLatency = false;
      s.send(load.window);
    }
    await sleep(Math.min(1000, SECONDS * 300));
    for (const s of sws) {
      s.reset();
      s.recordLatency = true;
    }
    const cpu0 = cpuSnapshot(pids);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const setups = sws.reduce((a, s) => a + s.flowSetups, 0);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuPerUnit(pids, cpu0, setups);
    running = false;
    const floods = sws.reduce((a, s) => a + s.floods, 0);
    const packetOuts = sws.reduce((a, s) => a + s.packetOuts, 0);
    const lat = Float64Array.from(sws.flatMap((s) => s.latenciesMs)).sort();
    await sleep(300); // let the last answers drain before the sockets close
    return {
      setupsPerSec: Math.round(setups / elapsed),
      floods,
      packetOutsPerSetup: setups ? +(packetOuts / setups).toFixed(2) : NaN,
      p50us: Math.round(pct(lat, 50)),
      p99us: Math.round(pct(lat, 99)),
      p999us: Math.round(pct(lat, 99.9)),
      cpuUsPerSetup: cpu,
    };
  } finally {
    for (const s of sws) s.close();
    await sleep(200);
  }
}

interface MemoryRun {
  version: '1.0' | '1.3';
  setups: number;
  seconds: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  rssAfterMb: number;
  bytesPerSetup: number;
  /** The proxy's V8 heap (used/total) and external memory (MB, from its /metrics) before and at the end. */
  heapBefore: string;
  heapEnd: string;
}

const heapText = (h: Awaited<ReturnType<ProxyProcess['heap']>>): string => (h ? `${h.usedMb}/${h.totalMb} + ${h.externalMb} ext` : '—');

/** RSS of the proxy through `total` distinct flow setups (16 switches × 64, buffered, never-repeating MACs). */
async function memoryRun(version: OfVersion, proxy: ProxyProcess, total: number): Promise<Omit<MemoryRun, 'version'>> {
  const pid = proxy.pid;
  const sws = Array.from(
    { length: 16 },
    (_, i) => new FakeSwitch({ id: i + 1, version, buffered: true, macs: 0 }, '127.0.0.1', proxy.ofPort),
  );
  try {
    await Promise.all(sws.map((s) => s.learn(60_000)));
    const before = rssMb(pid).rss;
    const heapBefore = heapText(await proxy.heap());
    let peak = before;
    let done = 0;
    let running = true;
    const finished = new Promise<void>((res) => {
      for (const s of sws) {
        s.recordLatency = false;
        s.onAnswer = () => {
          if (!running) return;
          if (++done >= total) {
            running = false;
            res();
            return;
          }
          if (s.outstanding < 64) s.send(64 - s.outstanding);
        };
        s.send(64);
      }
    });
    const t0 = performance.now();
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid).rss);
    }, 250);
    // A stall (no answer for 15 s) ends the run early: the table then shows fewer setups than asked.
    let last = -1;
    const stalled = new Promise<void>((res) => {
      const t = setInterval(() => {
        if (!running || done === last) {
          clearInterval(t);
          running = false;
          res();
        }
        last = done;
      }, 15_000);
    });
    await Promise.race([finished, stalled]);
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    const end = rssMb(pid).rss;
    peak = Math.max(peak, end);
    const heapEnd = heapText(await proxy.heap());
    for (const s of sws) s.close();
    await sleep(3000);
    const after = rssMb(pid).rss;
    return {
      setups: done,
      seconds: +seconds.toFixed(1),
      rssBeforeMb: Math.round(before),
      rssPeakMb: Math.round(peak),
      rssEndMb: Math.round(end),
      rssAfterMb: Math.round(after),
      bytesPerSetup: Math.round(((end - before) * 1024 * 1024) / done),
      heapBefore,
      heapEnd,
    };
  } finally {
    for (const s of sws) s.close();
  }
}

interface VersionResult {
  runs: Run[];
  rss: { idleMb: number; peakMb: number; afterMb: number };
  memory: MemoryRun | null;
  planSwitches: number;
}

async function benchVersion(v: '1.0' | '1.3', loads: Load[]): Promise<VersionResult> {
  const version: OfVersion = v === '1.0' ? 1 : 4;
  const planSwitches = Math.max(16, ...loads.map((l) => l.switches));
  const ctls = await Promise.all(Array.from({ length: Math.ceil(planSwitches / SWITCHES_PER_CONTROLLER) }, () => startController(version)));
  const relays = await Promise.all(ctls.map((c) => startRelay(c.port)));
  const proxy = PATHS.includes('proxy')
    ? await startDfvisor(
        planSwitches,
        ctls.map((c) => c.port),
        RULES,
      )
    : null;
  const runs: Run[] = [];
  let rss = { idleMb: NaN, peakMb: NaN, afterMb: NaN };
  let memory: MemoryRun | null = null;
  try {
    if (proxy) {
      await sleep(1000);
      rss.idleMb = Math.round(rssMb(proxy.pid).rss);
    }
    const controllers = ctls.map((c) => c.proc.child.pid!);
    const pids: Record<Path, Record<string, number[]>> = {
      direct: { generator: [process.pid], controller: controllers },
      relay: { generator: [process.pid], controller: controllers, relay: relays.map((r) => r.child.pid!) },
      proxy: { generator: [process.pid], controller: controllers, proxy: proxy ? [proxy.pid] : [] },
    };
    const ports: Record<Path, number[]> = {
      direct: ctls.map((c) => c.port),
      relay: relays.map((r) => r.port),
      proxy: [proxy?.ofPort ?? 0],
    };
    for (const load of loads) {
      for (const path of PATHS) {
        try {
          const r = await runLoad(version, load, ports[path], pids[path]);
          runs.push({ version: v, load, path, ...r });
          process.stderr.write(
            `  OF ${v} ${label(load)} ${path}: ${r.setupsPerSec} setups/s, p50 ${r.p50us} µs, CPU ${JSON.stringify(r.cpuUsPerSetup)}${r.floods ? `, ${r.floods} floods` : ''}\n`,
          );
        } catch (e) {
          process.stderr.write(
            `  OF ${v} ${label(load)} ${path}: FAILED ${(e as Error).message}\n${path === 'proxy' ? proxy?.log().slice(-2000) : ''}\n`,
          );
        }
      }
    }
    if (proxy) {
      await sleep(2000);
      const m = rssMb(proxy.pid);
      rss = { idleMb: rss.idleMb, peakMb: Math.round(m.peak), afterMb: Math.round(m.rss) };
      if (MEMORY_SETUPS > 0) memory = { version: v, ...(await memoryRun(version, proxy, MEMORY_SETUPS)) };
    }
  } finally {
    await proxy?.stop();
    for (const r of relays) r.stop();
    await Promise.all(ctls.map((c) => c.stop()));
  }
  return { runs, rss, memory, planSwitches };
}

const label = (l: Load): string => `${l.switches}×${l.window} ${l.buffered ? 'buffered' : 'unbuffered'} ${l.macs}`;
const sameLoad = (a: Load, b: Load): boolean =>
  a.switches === b.switches && a.window === b.window && a.buffered === b.buffered && a.macs === b.macs;

function report(results: Record<string, VersionResult>, loads: Load[]): void {
  const all = Object.values(results).flatMap((r) => r.runs);
  const find = (v: string, l: Load, p: Path) => all.find((r) => r.version === v && r.path === p && sameLoad(r.load, l));
  console.log(
    `OpenFlow load (cbench-style generator → ovs-testcontroller): direct, bare Node TCP relay, and \`dfvisor run\` with ${RULES} decoy flowspace rules; ${SECONDS} s per run${FULL ? ' (FULL matrix)' : ''}; ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    'Per load and path: flow setups/s (ratio to direct), latency from packet-in to its flow-mod (µs; added = path − direct), CPU µs per flow setup of each process (/proc utime+stime):',
  );
  const rows = [];
  for (const v of Object.keys(results)) {
    for (const l of loads) {
      const d = find(v, l, 'direct');
      for (const p of PATHS) {
        const r = find(v, l, p);
        if (!r) continue;
        rows.push({
          OF: v,
          load: label(l),
          path: p,
          'setups/s': r.setupsPerSec,
          ratio: d ? +(r.setupsPerSec / d.setupsPerSec).toFixed(2) : NaN,
          p50: r.p50us,
          p99: r.p99us,
          'p99.9': r.p999us,
          'added p50': d && p !== 'direct' ? r.p50us - d.p50us : '',
          'added p99': d && p !== 'direct' ? r.p99us - d.p99us : '',
          'CPU µs gen': r.cpuUsPerSetup.generator,
          'CPU µs ctl': r.cpuUsPerSetup.controller,
          'CPU µs hop': r.cpuUsPerSetup.proxy ?? r.cpuUsPerSetup.relay ?? '',
          'pkt-out/setup': r.packetOutsPerSetup,
          floods: r.floods,
        });
      }
    }
  }
  console.table(rows);
  // The issue's table: 16 × 64, fresh MACs, buffered; one in flight = 1 switch × window 1.
  const main = { switches: 16, window: 64, buffered: true, macs: 'fresh' } as const;
  const one = { switches: 1, window: 1, buffered: true, macs: 'fresh' } as const;
  const ours = (v: '1.0' | '1.3') => {
    const d = find(v, main, 'direct');
    const p = find(v, main, 'proxy');
    const d1 = find(v, one, 'direct');
    const p1 = find(v, one, 'proxy');
    const r = results[v];
    return {
      directPerSec: d?.setupsPerSec ?? NaN,
      perSec: p?.setupsPerSec ?? NaN,
      ratio: d && p ? (p.setupsPerSec / d.setupsPerSec).toFixed(2) : '—',
      cpu: p?.cpuUsPerSetup.proxy ?? NaN,
      added: d1 && p1 ? p1.p50us - d1.p50us : NaN,
      rss: r ? `${r.rss.idleMb} → ${r.rss.peakMb} → ${r.rss.afterMb} MB` : '—',
    };
  };
  const o10 = ours('1.0');
  const o13 = ours('1.3');
  console.log(
    "\nIssue 17 table (16 switches × 64 in flight, fresh MACs, buffered; one in flight = 1 switch × 1), this run beside the issue's reference figures:",
  );
  console.table([
    {
      figure: 'OF 1.0 direct setups/s',
      'this run': o10.directPerSec,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of10.directPerSec,
      [REFERENCE[1]!.name]: REFERENCE[1]!.of10.directPerSec,
    },
    {
      figure: 'OF 1.0 hypervisor setups/s (ratio)',
      'this run': `${o10.perSec} (${o10.ratio})`,
      [REFERENCE[0]!.name]: `${REFERENCE[0]!.of10.perSec} (${REFERENCE[0]!.of10.ratio})`,
      [REFERENCE[1]!.name]: `${REFERENCE[1]!.of10.perSec} (${REFERENCE[1]!.of10.ratio})`,
    },
    {
      figure: 'OF 1.0 hypervisor CPU µs/setup',
      'this run': o10.cpu,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of10.cpuUsPerSetup,
      [REFERENCE[1]!.name]: REFERENCE[1]!.of10.cpuUsPerSetup,
    },
    {
      figure: 'OF 1.0 one in flight, added p50 µs',
      'this run': o10.added,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of10.addedP50OneInFlight,
      [REFERENCE[1]!.name]: REFERENCE[1]!.of10.addedP50OneInFlight,
    },
    {
      figure: 'OF 1.3 direct setups/s',
      'this run': o13.directPerSec,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of13.directPerSec,
      [REFERENCE[1]!.name]: REFERENCE[1]!.of13.directPerSec,
    },
    {
      figure: 'OF 1.3 hypervisor setups/s (ratio)',
      'this run': `${o13.perSec} (${o13.ratio})`,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of13.ratio,
      [REFERENCE[1]!.name]: `${REFERENCE[1]!.of13.perSec} (${REFERENCE[1]!.of13.ratio})`,
    },
    {
      figure: 'OF 1.3 hypervisor CPU µs/setup',
      'this run': o13.cpu,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of13.cpuUsPerSetup,
      [REFERENCE[1]!.name]: REFERENCE[1]!.of13.cpuUsPerSetup,
    },
    {
      figure: 'OF 1.3 one in flight, added p50 µs',
      'this run': o13.added,
      [REFERENCE[0]!.name]: REFERENCE[0]!.of13.addedP50OneInFlight,
      [REFERENCE[1]!.name]: REFERENCE[1]!.of13.addedP50OneInFlight,
    },
    {
      figure: 'RSS idle → peak → after the runs',
      'this run': `1.0: ${o10.rss}; 1.3: ${o13.rss}`,
      [REFERENCE[0]!.name]: REFERENCE[0]!.rss,
      [REFERENCE[1]!.name]: REFERENCE[1]!.rss,
    },
  ]);
  const mem = Object.values(results)
    .map((r) => r.memory)
    .filter((m): m is MemoryRun => m !== null);
  if (mem.length) {
    console.log(
      `Memory run: RSS of the proxy through N distinct flow setups (16 switches × 64, buffered, source MACs never repeat); target < ${TARGETS.rssMbThrough2M} MB through 2 million:`,
    );
    console.table(
      mem.map((m) => ({
        OF: m.version,
        setups: m.setups,
        seconds: m.seconds,
        'RSS before MB': m.rssBeforeMb,
        'peak MB': m.rssPeakMb,
        'end MB': m.rssEndMb,
        'after 3 s idle MB': m.rssAfterMb,
        'bytes/setup': m.bytesPerSetup,
        'heap used/total + external MB, before': m.heapBefore,
        'at the end': m.heapEnd,
      })),
    );
  }
  const cpuOk = [o10.cpu, o13.cpu].every((c) => c <= TARGETS.cpuUsPerSetup);
  const latOk = [o10.added, o13.added].every((a) => a <= TARGETS.addedP50OneInFlightUs);
  console.log(
    `targets (issue 17): hypervisor CPU ≤ ${TARGETS.cpuUsPerSetup} µs/setup: ${cpuOk ? 'met' : 'not met'} (1.0 ${o10.cpu}, 1.3 ${o13.cpu}); added p50 one in flight ≤ ${TARGETS.addedP50OneInFlightUs} µs: ${latOk ? 'met' : 'not met'} (1.0 ${o10.added}, 1.3 ${o13.added})`,
  );
  const floods = all.filter((r) => r.floods > 0);
  if (floods.length)
    console.log(`note: ${floods.length} run(s) had packet-outs without a flow-mod (floods): the controller did not know the destination`);
}

async function main(): Promise<void> {
  const loads = matrix();
  const results: Record<string, VersionResult> = {};
  const t0 = Date.now();
  for (const v of VERSIONS) {
    process.stderr.write(`OpenFlow ${v}: ${loads.length} loads × ${PATHS.join('/')}\n`);
    results[v] = await benchVersion(v, loads);
  }
  report(results, loads);
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'openflow-load.json'),
    JSON.stringify(
      {
        benchmark: 'openflow-load',
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        loadAverageAtEnd: os.loadavg(),
        full: FULL,
        seconds: SECONDS,
        rules: RULES,
        macs: MACS,
        wallSeconds: Math.round((Date.now() - t0) / 1000),
        reference: REFERENCE,
        targets: TARGETS,
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${join(out, 'openflow-load.json')} (${Math.round((Date.now() - t0) / 1000)} s)`);
  const failed = VERSIONS.some(
    (v) => results[v]!.runs.length < loads.length * PATHS.length || (MEMORY_ONLY && (results[v]!.memory?.setups ?? 0) < MEMORY_SETUPS),
  );
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
