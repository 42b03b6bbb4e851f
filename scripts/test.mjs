// Runs every workspace's compiled tests in one node:test run, so there is one summary.
// Usage: node scripts/test.mjs [--only grammar,server,runtime,client,scripts] [--partial] [extra node --test args]
// (`repo` is another name for `scripts`: the repository's own checks — setup logic, import rules, lint/format.)
// Test files that need a system part this machine lacks (scripts/test-needs.mjs says which; `npm test`
// runs scripts/setup.mjs first, which installs them where it can) are left out and named, and the run
// then fails unless --partial: "every test" stays honest, --partial is for a machine without apt.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEEDS, TARGETS } from './setup/needs.mjs';
import { metNeeds, planSetup } from './setup/plan.mjs';
import { probeMachine } from './setup/probe.mjs';
import { needsOf, selectRunnable } from './test-needs.mjs';
import { SUDO } from './setup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let only = null;
const i = args.indexOf('--only');
if (i >= 0) {
  only = args[i + 1].split(',').map((w) => (w === 'repo' ? 'scripts' : w));
  args.splice(i, 2);
}
const partial = args.includes('--partial');
if (partial) args.splice(args.indexOf('--partial'), 1);
// Only *.test.js / *.test.mjs files: node 20 would otherwise run every .js below a `test` folder (helpers too).
const testFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.test\.m?js$/.test(e.name))
    .map((e) => resolve(e.parentPath ?? e.path, e.name))
    .sort();
const testDirs = {
  grammar: 'grammar/dist/test',
  server: 'server/dist/test',
  runtime: 'runtime/dist/test',
  client: 'client/dist/test',
  scripts: 'scripts/test',
};
const tests = Object.entries(testDirs)
  .filter(([w]) => !only || only.includes(w))
  .map(([, d]) => resolve(root, d))
  .filter((d) => existsSync(d))
  .flatMap((d) => testFiles(d).map((file) => ({ file, needs: needsOf(file, d) })));

const machine = probeMachine(root);
const { run, left } = selectRunnable(tests, new Set(metNeeds(TARGETS.test, machine)));
const lacking = [...new Set(left.flatMap((t) => t.needs))].filter((n) => !metNeeds([n], machine).length);
const leftOut = () => {
  const lines = left.map((t) => `  ${relative(root, t.file)} (needs ${t.needs.join(', ')})`);
  const fix =
    planSetup(lacking, machine, { sudo: SUDO.test }).blocked?.message ??
    'Set them up with: node scripts/setup.mjs test (npm test does it first)\n';
  return `\n${left.length} of ${tests.length} test files not run: this machine lacks ${lacking.map((n) => NEEDS[n].what).join('; ')}\n${lines.join('\n')}\n${fix}`;
};
if (left.length) process.stderr.write(leftOut());
// With no files node --test would search the whole tree itself: run nothing instead.
const r = run.length
  ? spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...args, ...run.map((t) => t.file)], { stdio: 'inherit', cwd: root })
  : { status: 0 };
if (left.length) {
  process.stderr.write(leftOut() + (partial ? '' : 'Failing because not every test ran (--partial accepts that).\n'));
  process.exit(r.status || (partial ? 0 : 1));
}
process.exit(r.status ?? 1);
