// Store benchmark, all tiers in one run:
//  - read rate of a node's LocalTier (synchronous, what the OpenFlow hot path uses) against a
//    read of the global tier (embedded in memory, embedded persisted, Hazelcast with 3 members);
//  - write rate of the global tier (each write acknowledged; persisted = fsync'ed);
//  - propagation latency: a write on client 1 until the LocalTiers of the other two clients have
//    it (3 clients; for Hazelcast, 3 separate client connections), p50/p99.
// Run: node runtime/dist/bench/store.bench.js   (needs .ci/hazelcast/fetch.sh; writes bench/results/store.json)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { EmbeddedStore, HazelcastStore, LocalTier, type GlobalStore, type StoreResult } from '../src/store/index.js';
import { HazelcastCluster } from '../test/store/hazelcast-cluster.js';
import { sharedHandle } from '../test/store/shared-handle.js';

const KEYS = 1000;
const PROPAGATION_SAMPLES = 300;

function must<T>(r: StoreResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

interface TierResult {
  tier: string;
  localReadsPerSec: number;
  globalReadsPerSec: number;
  globalReadsPerSecConcurrent: number;
  writesPerSec: number;
  propagationP50Ms: number;
  propagationP99Ms: number;
  propagationMaxMs: number;
}

async function measure(tier: string, clients: GlobalStore[], budgetMs: number): Promise<TierResult> {
  const [w] = clients;
  // Write rate (sequential, each acknowledged) while loading the keys.
  let t0 = performance.now();
  for (let i = 0; i < KEYS; i++) must(await w.put('slices', `s${i}`, { name: `s${i}`, owner: 'bench', ports: [1, 2, 3] }));
  const writesPerSec = KEYS / ((performance.now() - t0) / 1000);

  const tiers = await Promise.all(clients.map(async (c) => must(await LocalTier.open(c, ['slices', 'meta']))));
  // Local-tier reads: synchronous map lookups.
  let sink = 0;
  const localReads = 2_000_000;
  t0 = performance.now();
  for (let i = 0; i < localReads; i++) sink += tiers[1].get('slices', `s${i % KEYS}`)!.version;
  const localReadsPerSec = localReads / ((performance.now() - t0) / 1000);

  // Global-tier reads: one at a time (a hot path that waited on the global tier would do this) …
  let n = 0;
  t0 = performance.now();
  while (performance.now() - t0 < budgetMs) sink += must(await clients[1].get('slices', `s${n++ % KEYS}`))!.version;
  const globalReadsPerSec = n / ((performance.now() - t0) / 1000);
  // … and 32 in flight.
  n = 0;
  t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const batch = await Promise.all(Array.from({ length: 32 }, (_, j) => clients[1].get('slices', `s${(n + j) % KEYS}`)));
    for (const r of batch) sink += must(r)!.version;
    n += 32;
  }
  const globalReadsPerSecConcurrent = n / ((performance.now() - t0) / 1000);

  // Propagation: write on client 0; time until the LocalTiers of clients 1 and 2 have it.
  const samples: number[] = [];
  for (let i = 0; i < PROPAGATION_SAMPLES; i++) {
    const key = `p${i % 50}`;
    const arrived = tiers.slice(1).map(
      (t) =>
        new Promise<number>((res) => {
          const off = t.on((e) => {
            if (e.map === 'meta' && e.key === key && e.type === 'put' && (e.value as { i: number }).i === i) {
              off();
              res(performance.now());
            }
          });
        }),
    );
    const start = performance.now();
    must(await w.put('meta', key, { i }));
    const times = await Promise.all(arrived);
    samples.push(Math.max(...times) - start);
  }
  for (const t of tiers) await t.close();
  if (sink === -1) console.log(sink);
  return {
    tier,
    localReadsPerSec,
    globalReadsPerSec,
    globalReadsPerSecConcurrent,
    writesPerSec,
    propagationP50Ms: quantile(samples, 0.5),
    propagationP99Ms: quantile(samples, 0.99),
    propagationMaxMs: Math.max(...samples),
  };
}

async function main(): Promise<void> {
  const results: TierResult[] = [];

  const mem = must(await EmbeddedStore.open());
  results.push(await measure('embedded (memory)', [sharedHandle(mem), sharedHandle(mem), sharedHandle(mem)], 1000));
  await mem.close();

  const dir = mkdtempSync(join(tmpdir(), 'dfv-bench-'));
  const disk = must(await EmbeddedStore.open({ dataDir: dir }));
  results.push(await measure('embedded (persisted)', [sharedHandle(disk), sharedHandle(disk), sharedHandle(disk)], 1000));
  await disk.close();
  rmSync(dir, { recursive: true, force: true });

  const cluster = await HazelcastCluster.start(3);
  try {
    const clients = await Promise.all(
      [0, 1, 2].map(async () =>
        must(await HazelcastStore.open({ members: cluster.addresses, clusterName: cluster.clusterName, prefix: 'bench.' })),
      ),
    );
    results.push(await measure('hazelcast (3 members)', clients, 2000));
    for (const c of clients) await c.close();
  } finally {
    await cluster.stop();
  }

  const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));
  const rows = [
    ['tier', 'local reads/s', 'global reads/s (1)', 'global reads/s (32)', 'writes/s', 'prop p50 ms', 'prop p99 ms', 'prop max ms'],
    ...results.map((r) => [
      r.tier,
      fmt(r.localReadsPerSec),
      fmt(r.globalReadsPerSec),
      fmt(r.globalReadsPerSecConcurrent),
      fmt(r.writesPerSec),
      r.propagationP50Ms.toFixed(2),
      r.propagationP99Ms.toFixed(2),
      r.propagationMaxMs.toFixed(2),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  console.log(`(propagation: write on client 1 until the LocalTiers of clients 2 and 3 both have it; ${PROPAGATION_SAMPLES} samples)`);

  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bench/results/store.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'store',
        date: new Date().toISOString(),
        node: process.version,
        keys: KEYS,
        propagationSamples: PROPAGATION_SAMPLES,
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
