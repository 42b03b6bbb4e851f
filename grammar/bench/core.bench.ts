// Benchmark: check + compile of generated networks with a managed core (docs/language.md, "Managed
// core"): E edge switches attached round-robin to C core switches (a ring, or a full mesh), S slices of
// 10 edge switches each, one virtual-link guarantee per slice. Every slice gets a virtual link per pair
// of its edge switches (45), each with its candidate paths searched and admitted.
// Run: npx tsc -b grammar && node grammar/dist/bench/core.bench.js
// Prints a table (median of BENCH_RUNS, default 3) and writes bench/results/grammar-core.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, parse } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PER_SLICE = 10;

interface Case {
  edges: number;
  cores: number;
  mesh: boolean;
  slices: number;
}

function generate({ edges, cores, mesh, slices }: Case): string {
  const lines = ['network big {'];
  for (let i = 0; i < edges; i++) lines.push(`  switch e${i} dpid ${i + 1} { port 1..40 }`);
  for (let c = 0; c < cores; c++) lines.push(`  switch c${c} dpid ${10000 + c} { port 1..400 }`);
  const next = new Array<number>(cores).fill(1);
  for (let i = 0; i < edges; i++) lines.push(`  link e${i}:40 <-> c${i % cores}:${next[i % cores]!++} capacity 10Gbps`);
  for (let a = 0; a < cores; a++)
    for (let b = a + 1; b < cores; b++)
      if (mesh || b === a + 1 || (a === 0 && b === cores - 1))
        lines.push(`  link c${a}:${next[a]!++} <-> c${b}:${next[b]!++} capacity 100Gbps`);
  lines.push(`  core ${Array.from({ length: cores }, (_, c) => `c${c}`).join(', ')}`, '}');
  for (let s = 0; s < slices; s++) {
    const locs = new Set<string>();
    for (let k = 0; k < PER_SLICE; k++) locs.add(`e${(s * 7 + k * 3) % edges}:${(s % 39) + 1}`);
    lines.push(
      `slice t${s} {`,
      `  controller "tcp:127.0.0.1:${7000 + s}"`,
      `  flowspace { h: match ip_src 10.${s % 250}.${Math.floor(s / 250)}.0/24 on ${[...locs].join(', ')} }`,
      `  qos { guarantee 10Mbps on e${(s * 7) % edges} <-> e${(s * 7 + 3) % edges} }`,
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

const CASES: Case[] = [
  { edges: 20, cores: 3, mesh: false, slices: 10 },
  { edges: 100, cores: 10, mesh: false, slices: 50 },
  { edges: 100, cores: 10, mesh: true, slices: 50 },
  { edges: 200, cores: 20, mesh: true, slices: 80 },
];

const rows = [];
for (const c of CASES) {
  const text = generate(c);
  const times: number[] = [];
  let virtualLinks = 0;
  for (let r = 0; r < RUNS; r++) {
    const file = parse(text, 'big.slice');
    const t0 = performance.now();
    const { plan, diagnostics } = compile([file]);
    times.push(performance.now() - t0);
    if (!plan) throw new Error(`case ${JSON.stringify(c)} does not compile: ${diagnostics[0]?.code} ${diagnostics[0]?.message}`);
    virtualLinks = plan.slices.reduce((a, s) => a + (s.virtualLinks?.length ?? 0), 0);
  }
  times.sort((a, b) => a - b);
  rows.push({ ...c, virtualLinks, compileMs: Math.round(times[Math.floor(times.length / 2)]!) });
}
console.table(rows);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/grammar-core.json`, `${JSON.stringify({ runs: RUNS, rows }, null, 2)}\n`);
