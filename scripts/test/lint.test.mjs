// Formatting and lint rules (biome.jsonc, the one configuration) hold for the folders it includes, and the
// check fails on a file that breaks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { root } from '../depcheck.mjs';

const biomeBin = resolve(root, 'node_modules/@biomejs/biome/bin/biome');
const biomeCi = (cwd) => spawnSync(process.execPath, [biomeBin, 'ci', '--colors=off', '.'], { cwd, encoding: 'utf8' });

test('grammar/, server/, client/ and scripts/ are formatted and pass the lint rules (npm run lint)', () => {
  const r = biomeCi(root);
  assert.equal(r.status, 0, `biome ci found problems (npm run format fixes the formatting):\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout + r.stderr, /Checked \d+ files?/);
});

test('a badly formatted or lint-failing file fails the check; folders outside the include list are not checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-lint-'));
  spawnSync('git', ['init', '-q', dir]);
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  copyFileSync(resolve(root, 'biome.jsonc'), join(dir, 'biome.jsonc'));
  mkdirSync(join(dir, 'grammar', 'src'), { recursive: true });
  mkdirSync(join(dir, 'server', 'src'), { recursive: true });
  mkdirSync(join(dir, 'elsewhere'), { recursive: true });
  writeFileSync(join(dir, 'grammar', 'src', 'quotes.ts'), 'export const a = "double quotes"\n');
  writeFileSync(join(dir, 'server', 'src', 'debugger.ts'), 'export function f(): number {\n  debugger;\n  return 1;\n}\n');
  writeFileSync(join(dir, 'elsewhere', 'ignored.ts'), 'export const b = "not included"\n');
  const r = biomeCi(dir);
  const out = r.stdout + r.stderr;
  assert.notEqual(r.status, 0, out);
  assert.match(out, /grammar\/src\/quotes\.ts format/);
  assert.match(out, /server\/src\/debugger\.ts:\d+:\d+ lint\/suspicious\/noDebugger/);
  assert.doesNotMatch(out, /elsewhere/);
});
