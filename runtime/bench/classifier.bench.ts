// Flowspace classifier benchmark: build time and lookups/s of the indexed classifier against
// the linear scan, for 1k, 10k, 100k and 1M entries over 100 switches, in the same run.
// Run: node runtime/dist/bench/classifier.bench.js  (writes bench/results/classifier.json);
// BENCH_SIZES=1000,100000 picks the sizes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { formatIpv4, formatMac, type FlowspaceEntry, type Match } from '@dfvisor/grammar';
import { Classifier, LinearClassifier, type FlowspaceClassifier, type PacketHeaders } from '../src/classifier/index.js';
import { pick as pickFrom, rng } from '../test/classifier/gen.js';

const SWITCHES = 100;
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);

// ------------------------------------------------------------------ workload
// The seeded PRNG is the classifier tests' (test/classifier/gen.ts); the workload here is larger
// and shaped like a real deployment, so the rule mix itself is this file's own.

// One string per switch, as the proxy passes its session's dpid (not a new string per packet).
const DPIDS = Array.from({ length: SWITCHES + 1 }, (_, i) => i.toString(16).padStart(16, '0'));
const dpidOf = (i: number): string => DPIDS[i]!;
const ip = formatIpv4;

interface Made {
  entries: FlowspaceEntry[];
  packets: Array<{ dpid: string; inPort: number; headers: PacketHeaders }>;
  queries: Array<{ dpid: string; inPort: number | null; match: Match; slice: string }>;
}

/**
 * A realistic mix: tenants own /16 blocks; rules are source/destination prefixes (/8../32),
 * TCP services, UDP port ranges, some IPv6, ARP, MAC and VLAN rules and whole-port rules;
 * half are bound to an in-port.
 */
function makeWorkload(n: number, seed: number): Made {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => pickFrom(r, xs);
  const slices = Math.max(10, Math.floor(n / 100));
  const entries: FlowspaceEntry[] = [];
  // Per entry, a function that draws a packet inside it.
  const inside: Array<() => PacketHeaders> = [];
  for (let id = 1; id <= n; id++) {
    const sliceNo = int(0, slices - 1);
    const block = (10 << 24) + ((sliceNo & 0xff) << 16) + ((sliceNo >> 8) << 8); // tenant block
    const len = pick([16, 20, 24, 24, 24, 28, 32, 32]);
    const base = (block + int(0, 0xffff)) >>> 0;
    const net = len === 32 ? base : ((base >>> (32 - len)) << (32 - len)) >>> 0;
    const inNet = (): number => (net + (len === 32 ? 0 : int(0, 2 ** (32 - len) - 1))) >>> 0;
    const kind = pick(['src', 'src', 'src', 'dst', 'dst', 'tcp', 'tcp', 'tcp', 'udp', 'v6', 'arp', 'mac', 'vlan', 'port']);
    let match: Match;
    let pkt: () => PacketHeaders;
    const v4pkt = (src: number, dst: number, extra: PacketHeaders = {}): PacketHeaders => ({
      eth_src: int(1, 2 ** 40),
      eth_dst: int(1, 2 ** 40),
      eth_type: 0x0800,
      ip_proto: 6,
      ipv4_src: src,
      ipv4_dst: dst,
      tcp_src: int(1024, 65535),
      tcp_dst: pick([80, 443, 22]),
      ...extra,
    });
    switch (kind) {
      case 'src':
        match = { eth_type: 0x0800, ipv4_src: `${ip(net)}/${len}` };
        pkt = () => v4pkt(inNet(), int(0, 2 ** 32 - 1));
        break;
      case 'dst':
        match = { eth_type: 0x0800, ipv4_dst: `${ip(net)}/${len}` };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), inNet());
        break;
      case 'tcp': {
        const port = pick([80, 443, 22, 8080, int(1024, 65535)]);
        match = { eth_type: 0x0800, ip_proto: 6, ipv4_dst: `${ip(net)}/${len}`, tcp_dst: port };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), inNet(), { tcp_dst: port });
        break;
      }
      case 'udp': {
        const lo = int(1024, 60000);
        const hi = lo + pick([0, 6, 100, 5000]);
        match = { eth_type: 0x0800, ip_proto: 17, ipv4_src: `${ip(net)}/${len}`, udp_dst: { min: lo, max: hi } };
        pkt = () => ({
          eth_type: 0x0800,
          ip_proto: 17,
          ipv4_src: inNet(),
          ipv4_dst: int(0, 2 ** 32 - 1),
          udp_src: int(1024, 65535),
          udp_dst: int(lo, hi),
        });
        break;
      }
      case 'v6': {
        const g = sliceNo.toString(16);
        const plen = pick([48, 64]);
        match = { eth_type: 0x86dd, ipv6_src: `2001:db8:${g}::/${plen}` };
        pkt = () => ({
          eth_type: 0x86dd,
          ip_proto: 6,
          ipv6_src: [0x20010db8, (sliceNo << 16) >>> 0, int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1)],
          ipv6_dst: [0x20010db8, 1, 2, 3],
          tcp_src: 1,
          tcp_dst: 80,
        });
        break;
      }
      case 'arp':
        match = { eth_type: 0x0806 };
        pkt = () => ({ eth_src: int(1, 2 ** 40), eth_dst: 2 ** 48 - 1, eth_type: 0x0806 });
        break;
      case 'mac': {
        const mac = int(1, 2 ** 40);
        match = { eth_src: formatMac(mac) };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1), { eth_src: mac });
        break;
      }
      case 'vlan': {
        const vid = int(1, 4094);
        match = { vlan_vid: vid };
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1), { vlan_vid: vid, vlan_pcp: 0 });
        break;
      }
      default:
        match = {};
        pkt = () => v4pkt(int(0, 2 ** 32 - 1), int(0, 2 ** 32 - 1));
    }
    // Whole-port, ARP and VLAN rules sit on edge ports; the rest half on a port, half switch-wide.
    const onPort = kind === 'port' || kind === 'arp' || kind === 'vlan' ? r() < 0.95 : r() < 0.5;
    entries.push({
      id,
      slice: `tenant${sliceNo}`,
      rule: `r${id}`,
      dpid: dpidOf(int(1, SWITCHES)),
      inPort: onPort ? int(1, 48) : null,
      priority: pick([100, 100, 100, 200, 50, int(0, 65535)]),
      match,
      permissions: r() < 0.2 ? ['read'] : ['read', 'write'],
    });
    inside.push(pkt);
  }
  const packets: Made['packets'] = [];
  for (let i = 0; i < 20_000; i++) {
    if (r() < 0.7) {
      const k = int(0, n - 1);
      const e = entries[k];
      packets.push({ dpid: e.dpid, inPort: e.inPort ?? int(1, 48), headers: inside[k]() });
    } else {
      packets.push({ dpid: dpidOf(int(1, SWITCHES)), inPort: int(1, 48), headers: inside[int(0, n - 1)]() });
    }
  }
  const queries: Made['queries'] = [];
  for (let i = 0; i < 5_000; i++) {
    // A tenant flow-mod: mostly a narrow 5-tuple-ish rule, sometimes a wide one.
    const e = entries[int(0, n - 1)];
    const h = inside[e.id - 1]();
    const wide = r() < 0.2;
    const match: Match = wide
      ? { eth_type: 0x0800 }
      : h.eth_type === 0x0800 && typeof h.ipv4_dst === 'number'
        ? {
            eth_type: 0x0800,
            ip_proto: 6,
            ipv4_src: `${ip(h.ipv4_src as number)}/32`,
            ipv4_dst: `${ip(h.ipv4_dst)}/24`,
            tcp_dst: h.tcp_dst ?? 80,
          }
        : { eth_type: h.eth_type ?? 0x0806 };
    queries.push({ dpid: e.dpid, inPort: r() < 0.3 ? null : (e.inPort ?? int(1, 48)), match, slice: e.slice });
  }
  return { entries, packets, queries };
}

// ------------------------------------------------------------------ measurement

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

/**
 * Runs `count` lookups (cycling through the workload); lookups per second of wall-clock time
 * and per second of this process's CPU time (the latter is steadier on a shared machine).
 */
function rate(count: number, one: (i: number) => unknown): { wall: number; cpu: number } {
  for (let i = 0; i < Math.min(count, 2000); i++) one(i); // warm-up
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) one(i);
  const ms = performance.now() - t0;
  const u = process.cpuUsage(u0);
  return { wall: count / (ms / 1000), cpu: count / ((u.user + u.system) / 1e6) };
}

interface Row {
  entries: number;
  switches: number;
  tuples: number;
  buildMsIndexed: number;
  buildMsLinear: number;
  packetLookupsPerSecIndexed: number;
  packetLookupsPerCpuSecIndexed: number;
  packetLookupsPerSecLinear: number;
  linearPacketSamples: number;
  packetSpeedup: number;
  flowModLookupsPerSecIndexed: number;
  flowModLookupsPerCpuSecIndexed: number;
  flowModLookupsPerSecLinear: number;
  flowModSpeedup: number;
  avgMatchesPerPacket: number;
  mismatches: number;
}

function benchOne(n: number): Row {
  const w = makeWorkload(n, 42 + n);
  const [built, buildMsIndexed] = time(() => Classifier.build(w.entries));
  if (built.errors.length) throw new Error(`workload has malformed entries: ${built.errors[0].message}`);
  const [lin, buildMsLinear] = time(() => LinearClassifier.build(w.entries));
  const c = built.classifier;
  const linear: FlowspaceClassifier = lin.classifier;
  const P = w.packets;
  const Q = w.queries;
  const pkt = (cl: FlowspaceClassifier) => (i: number) => {
    const p = P[i % P.length];
    return cl.classifyPacket(p.dpid, p.inPort, p.headers);
  };
  const fm = (cl: FlowspaceClassifier) => (i: number) => {
    const q = Q[i % Q.length];
    return cl.entriesForMatch(q.dpid, q.inPort, q.match, { slice: q.slice });
  };

  const linearSamples = Math.max(200, Math.floor(20_000_000 / n));
  const packetIndexed = rate(200_000, pkt(c));
  const packetLinear = rate(linearSamples, pkt(linear));
  const fmIndexed = rate(50_000, fm(c));
  const fmLinear = rate(Math.max(100, Math.floor(linearSamples / 2)), fm(linear));

  // Same answers on a sample (the tests prove it in general; this guards the benchmark itself);
  // the sample shrinks with the linear scan's cost.
  let mismatches = 0;
  let matched = 0;
  const checks = Math.max(50, Math.min(2000, Math.floor(20_000_000 / n)));
  for (let i = 0; i < checks; i++) {
    const a = pkt(c)(i).map((e) => e.id);
    const b = pkt(linear)(i).map((e) => e.id);
    matched += a.length;
    if (a.join() !== b.join()) mismatches++;
  }
  for (let i = 0; i < Math.min(300, checks); i++) {
    const a = fm(c)(i);
    const b = fm(linear)(i);
    if (JSON.stringify(a) !== JSON.stringify(b)) mismatches++;
  }
  const s = c.stats();
  return {
    entries: n,
    switches: s.switches,
    tuples: s.tuples,
    buildMsIndexed: round(buildMsIndexed),
    buildMsLinear: round(buildMsLinear),
    packetLookupsPerSecIndexed: Math.round(packetIndexed.wall),
    packetLookupsPerCpuSecIndexed: Math.round(packetIndexed.cpu),
    packetLookupsPerSecLinear: Math.round(packetLinear.wall),
    linearPacketSamples: linearSamples,
    packetSpeedup: round(packetIndexed.wall / packetLinear.wall),
    flowModLookupsPerSecIndexed: Math.round(fmIndexed.wall),
    flowModLookupsPerCpuSecIndexed: Math.round(fmIndexed.cpu),
    flowModLookupsPerSecLinear: Math.round(fmLinear.wall),
    flowModSpeedup: round(fmIndexed.wall / fmLinear.wall),
    avgMatchesPerPacket: round(matched / checks),
    mismatches,
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

function main(): void {
  const rows = SIZES.map(benchOne);
  const fmt = (x: number): string => x.toLocaleString('en-US');
  console.log('Flowspace classifier: indexed (dpid → in-port → tuple space) vs linear scan, one core');
  console.table(
    rows.map((r) => ({
      entries: fmt(r.entries),
      'tuples (all switches)': r.tuples,
      'build ms (index / linear)': `${r.buildMsIndexed} / ${r.buildMsLinear}`,
      'packet-in lookups/s indexed (per CPU-s)': `${fmt(r.packetLookupsPerSecIndexed)} (${fmt(r.packetLookupsPerCpuSecIndexed)})`,
      'packet-in lookups/s linear': fmt(r.packetLookupsPerSecLinear),
      'packet speedup': `${r.packetSpeedup}×`,
      'flow-mod lookups/s indexed (per CPU-s)': `${fmt(r.flowModLookupsPerSecIndexed)} (${fmt(r.flowModLookupsPerCpuSecIndexed)})`,
      'flow-mod lookups/s linear': fmt(r.flowModLookupsPerSecLinear),
      'matches/pkt': r.avgMatchesPerPacket,
      mismatches: r.mismatches,
    })),
  );
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/classifier.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'classifier',
        date: new Date().toISOString(),
        node: process.version,
        switches: SWITCHES,
        cpus: os.cpus().length,
        loadAverageAtEnd: os.loadavg(),
        target: 'issue 17: at 100k and 1M entries, at least 1 000 000 packet lookups/s on one core',
        rows,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs; wrote ${out}`,
  );
  if (rows.some((r) => r.mismatches > 0)) process.exitCode = 1;
}

main();
