// Checks the repository's import rules (.dependency-cruiser.cjs: no circles, the code map) with
// dependency-cruiser over every workspace's sources. Usage: node scripts/depcheck.mjs [--json]
// (also `npm run depcheck`; scripts/test/depcheck.test.mjs runs it under `npm test`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const depcruiseBin = resolve(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** The folders whose TypeScript is checked (not dist/: `@dfvisor/grammar` resolves there and is not followed). */
export const SOURCE_DIRS = [
  'grammar/src',
  'grammar/test',
  'grammar/bench',
  'server/src',
  'server/test',
  'server/test-support',
  'server/bench',
  'client/src',
  'client/test',
  'client/e2e',
  'runtime/src',
  'runtime/test',
  'runtime/bench',
];

/** Runs dependency-cruiser in `cwd` over `dirs` with the repository's config. */
export function depcruise(dirs, { cwd = root, outputType = 'err' } = {}) {
  const args = [depcruiseBin, '--config', resolve(root, '.dependency-cruiser.cjs'), '--output-type', outputType, ...dirs];
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const json = process.argv.includes('--json');
  const r = depcruise(
    SOURCE_DIRS.filter((d) => existsSync(resolve(root, d))),
    { outputType: json ? 'json' : 'err' },
  );
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
