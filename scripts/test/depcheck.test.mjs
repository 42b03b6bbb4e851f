// The import rules hold for the whole repository, and the check fails when they are broken:
// a file circle, a folder circle (grammar's old check <-> compile) and an import the code map forbids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { depcruise, root, SOURCE_DIRS } from '../depcheck.mjs';

test('the repository has no import circle and follows the code map', () => {
  const r = depcruise(SOURCE_DIRS);
  assert.equal(r.status, 0, `dependency-cruiser found violations:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /no dependency violations found/);
});

/** A throw-away tree laid out like the repository, with the given files. */
function fixture(files) {
  const dir = mkdtempSync(join(tmpdir(), 'dfv-depcheck-'));
  copyFileSync(resolve(root, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The rule names dependency-cruiser reported (`error RULE: from -> to`). */
const violations = (r) => [...r.stdout.matchAll(/error ([a-z-]+):/g)].map((m) => m[1]);

test('a folder circle in grammar (check <-> compile) fails the check', () => {
  const cwd = fixture({
    'grammar/src/check/a.ts': `import { b } from '../compile/b.js';\nexport const a = () => b;\n`,
    'grammar/src/compile/b.ts': `import type { A } from '../check/types.js';\nexport const b: A = 1;\n`,
    'grammar/src/check/types.ts': `export type A = number;\n`,
  });
  const r = depcruise(['grammar/src'], { cwd });
  assert.notEqual(r.status, 0);
  assert.ok(violations(r).includes('no-circular-folders'), r.stdout);
});

test('a file circle anywhere (here in server/) fails the check', () => {
  const cwd = fixture({
    'server/src/a.ts': `import { b } from './b.js';\nexport const a = 1 + b;\n`,
    'server/src/b.ts': `import { a } from './a.js';\nexport const b = 2;\nexport const c = a;\n`,
  });
  const r = depcruise(['server/src'], { cwd });
  assert.notEqual(r.status, 0);
  assert.ok(violations(r).includes('no-circular'), r.stdout);
});

test('an import the code map does not allow fails the check (grammar/src/syntax -> bind)', () => {
  const cwd = fixture({
    'grammar/src/syntax/a.ts': `import { b } from '../bind/b.js';\nexport const a = b;\n`,
    'grammar/src/bind/b.ts': `export const b = 1;\n`,
  });
  const r = depcruise(['grammar/src'], { cwd });
  assert.notEqual(r.status, 0);
  assert.ok(violations(r).includes('not-in-allowed'), r.stdout);
});
