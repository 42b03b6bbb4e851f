// Runs every workspace's compiled tests in one node:test run, so there is one summary.
// Usage: node scripts/test.mjs [--only grammar,server,runtime,client,repo] [extra node --test args]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let only = null;
const i = args.indexOf('--only');
if (i >= 0) {
  only = args[i + 1].split(',');
  args.splice(i, 2);
}
// Only *.test.js files: node 20 would otherwise run every .js below a `test` folder (helpers too).
const testFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => resolve(e.parentPath ?? e.path, e.name))
    .sort();
// The workspaces' compiled tests, then the repository's own checks (scripts/test: import rules, lint/format),
// which `--only repo` selects.
const files = ['grammar', 'server', 'runtime', 'client']
  .filter((w) => !only || only.includes(w))
  .map((w) => resolve(root, w, 'dist', 'test'))
  .filter((d) => existsSync(d))
  .flatMap(testFiles);
if (!only || only.includes('repo')) {
  files.push(
    ...readdirSync(resolve(root, 'scripts', 'test'))
      .filter((n) => n.endsWith('.test.mjs'))
      .sort()
      .map((n) => resolve(root, 'scripts', 'test', n)),
  );
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...args, ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
