// Benchmark: parse + check of generated workspaces of 1k, 10k and 100k flowspace rules
// over 100 switches, with 2% of the rules overlapping another slice's.
// Run: npx tsc -b grammar && node grammar/dist/bench/check.bench.js
// Prints a table and t(100k)/t(10k); writes bench/results/grammar-check.json.
// Then one row with grants: the 100k workspace's 200 slices given to 100 tenants (two each), a
// grant per tenant (its switches' ports, its two /16s, bandwidth, slices, ceilings, controllers),
// timing the overlap check and the grant check on the same bound program.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bindWorkspace, checkGrants, checkOverlaps, checkWorkspace, parse } from '../src/index.js';

interface GenFile {
  path: string;
  text: string;
}
type Generate = (o: { rules: number; switches: number; overlap: number; seed: number }) => GenFile[];

const root = fileURLToPath(new URL('../../../', import.meta.url));
const generatorUrl = new URL('../../../samples/large/generate.mjs', import.meta.url).href;
const { generateWorkspace } = (await import(generatorUrl)) as { generateWorkspace: Generate };

const SIZES = [1000, 10000, 100000];
const SWITCHES = 100;
const OVERLAP = 0.02;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Row {
  rules: number;
  lines: number;
  files: number;
  parseMs: number;
  checkMs: number;
  totalMs: number;
  diagnostics: number;
  conflicts: number;
}

function measure(rules: number): Row {
  const files = generateWorkspace({ rules, switches: SWITCHES, overlap: OVERLAP, seed: 1 });
  const lines = files.reduce((a, f) => a + f.text.split('\n').length, 0);
  let best: Row | undefined;
  for (let i = 0; i < RUNS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const parsed = files.map((f) => parse(f.text, f.path));
    const t1 = performance.now();
    const { diagnostics } = checkWorkspace(parsed);
    const t2 = performance.now();
    const row: Row = {
      rules,
      lines,
      files: files.length,
      parseMs: t1 - t0,
      checkMs: t2 - t1,
      totalMs: t2 - t0,
      diagnostics: diagnostics.length,
      conflicts: diagnostics.filter((d) => d.code === 'SL301').length / 2,
    };
    if (!best || row.totalMs < best.totalMs) best = row;
  }
  return best!;
}

const rows = SIZES.map(measure);

const TENANTS = 100;

/** The 100k workspace with slice k owned by tenant k/2 and a grant for each tenant. */
function withGrants(rules: number): GenFile[] {
  const files = generateWorkspace({ rules, switches: SWITCHES, overlap: OVERLAP, seed: 1 }).map((f) => ({
    path: f.path,
    text: f.text.replace(/owner "tenant(\d+)@/g, (_m, k: string) => `owner "tenant${Math.floor(Number(k) / 2) % TENANTS}@`),
  }));
  const grants: string[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const ports: string[] = [];
    const matches: string[] = [];
    for (const k of [2 * t, 2 * t + 1]) {
      for (let i = 0; i < 11; i++) ports.push(`s${((k * 7 + i) % SWITCHES) + 1}:1..46`);
      matches.push(`  match ip_src 10.${k}.0.0/16`); // slice k's addresses (samples/large: 10.k.0.0/16)
    }
    grants.push(
      `grant "tenant${t}@example.org" {`,
      `  ports ${[...new Set(ports)].join(', ')}`,
      ...matches,
      '  bandwidth 1Gbps',
      '  slices 2',
      '  limits { flow_entries 2000 control_rate 200/s }',
      '  controllers 127.0.0.0/8',
      '}',
    );
  }
  files.push({ path: 'grants.slice', text: `${grants.join('\n')}\n` });
  return files;
}

interface GrantRow {
  rules: number;
  tenants: number;
  grants: number;
  overlapMs: number;
  grantMs: number;
  overlapFindings: number;
  grantFindings: number;
}

function measureGrants(rules: number): GrantRow {
  const parsed = withGrants(rules).map((f) => parse(f.text, f.path));
  const { program } = bindWorkspace(parsed);
  let best: GrantRow | undefined;
  for (let i = 0; i < RUNS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const overlaps = checkOverlaps(program);
    const t1 = performance.now();
    const grants = checkGrants(program);
    const t2 = performance.now();
    const row: GrantRow = {
      rules,
      tenants: TENANTS,
      grants: program.grants.length,
      overlapMs: t1 - t0,
      grantMs: t2 - t1,
      overlapFindings: overlaps.length,
      grantFindings: grants.length,
    };
    if (!best || row.grantMs + row.overlapMs < best.grantMs + best.overlapMs) best = row;
  }
  return best!;
}
const fmt = (n: number): string => n.toFixed(0).padStart(9);
console.log('rules      lines  files   parse ms   check ms   total ms  SL301 pairs');
for (const r of rows) {
  console.log(
    `${String(r.rules).padStart(6)} ${String(r.lines).padStart(10)} ${String(r.files).padStart(6)} ${fmt(r.parseMs)}  ${fmt(r.checkMs)}  ${fmt(r.totalMs)}  ${String(r.conflicts).padStart(10)}`,
  );
}
const t10k = rows.find((r) => r.rules === 10000)!.totalMs;
const t100k = rows.find((r) => r.rules === 100000)!.totalMs;
const ratio = t100k / t10k;
console.log(`t(100k)/t(10k) = ${ratio.toFixed(2)} (target <= 15); 100k rules in ${(t100k / 1000).toFixed(2)} s (target < 5 s)`);
const grantRows = [10000, 100000].map(measureGrants);
console.log('rules   tenants  overlap ms  grant ms  overlap findings  grant findings');
for (const g of grantRows) {
  console.log(
    `${String(g.rules).padStart(6)} ${String(g.tenants).padStart(8)} ${fmt(g.overlapMs)}  ${fmt(g.grantMs)}  ${String(g.overlapFindings).padStart(16)}  ${String(g.grantFindings).padStart(14)}`,
  );
}
const grantRatio = grantRows[1]!.grantMs / grantRows[0]!.grantMs;
console.log(`grant check t(100k)/t(10k) = ${grantRatio.toFixed(2)} (near-linear: about 10)`);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/grammar-check.json`,
  `${JSON.stringify(
    {
      benchmark: 'grammar-check',
      date: new Date().toISOString(),
      node: process.version,
      switches: SWITCHES,
      overlap: OVERLAP,
      runs: RUNS,
      rows,
      ratio100kTo10k: ratio,
      grantRows,
      grantRatio100kTo10k: grantRatio,
      targets: { ratioMax: 15, total100kMsMax: 5000 },
    },
    null,
    2,
  )}\n`,
);
