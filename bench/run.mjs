// `npm run bench`: runs every compiled benchmark (<ws>/dist/bench/*.bench.js) one after another.
// Each prints its own table and writes bench/results/<name>.json.
// Usage: node bench/run.mjs [--full] [name-filter]   (--full = BENCH_FULL=1: the whole matrix where a benchmark has one)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const full = args.includes('--full');
const filter = args.find((a) => a !== '--full');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const benches = [];
for (const ws of ['grammar', 'server', 'runtime']) {
  const dir = join(root, ws, 'dist', 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.js') && (!filter || f.includes(filter))) benches.push(join(dir, f));
}
if (benches.length === 0) {
  console.error('no benchmarks found (run npm run build first)');
  process.exit(1);
}
let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b.slice(root.length + 1)}`);
  const r = spawnSync(process.execPath, ['--expose-gc', b], {
    stdio: 'inherit',
    cwd: root,
    env: full ? { ...process.env, BENCH_FULL: '1' } : process.env,
  });
  if (r.status !== 0) failed++;
}
console.log(`\n${benches.length - failed} benchmarks ran, ${failed} failed; results in bench/results/`);
process.exit(failed ? 1 : 0);
