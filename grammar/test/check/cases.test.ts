// Data-driven checker tests: every grammar/test/cases/*.slice (or folder of .slice files)
// has its expected diagnostics next to it ({code, line, message fragment, file?}),
// checked exactly: no missing and no extra diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWorkspace, loadWorkspace } from '../../src/index.js';

const casesDir = fileURLToPath(new URL('../../../test/cases/', import.meta.url));

interface Expected {
  code: string;
  line: number;
  message: string;
  file?: string;
}

function cases(): Array<{ name: string; paths: string[]; expectedFile: string; root: string }> {
  const out = [];
  for (const e of readdirSync(casesDir).sort()) {
    const p = join(casesDir, e);
    if (statSync(p).isDirectory()) out.push({ name: e, paths: [p], expectedFile: join(p, 'expected.json'), root: p });
    else if (e.endsWith('.slice'))
      out.push({ name: e.replace(/\.slice$/, ''), paths: [p], expectedFile: p.replace(/\.slice$/, '.expected.json'), root: casesDir });
  }
  return out;
}

for (const c of cases()) {
  test(`case ${c.name}`, async () => {
    const expected = JSON.parse(readFileSync(c.expectedFile, 'utf8')) as Expected[];
    const ws = await loadWorkspace(c.paths);
    assert.deepEqual(ws.errors, []);
    const { diagnostics } = checkWorkspace(ws.files);
    const actual = diagnostics.map((d) => ({
      code: d.code,
      line: d.range.start.line + 1,
      message: d.message,
      file: relative(c.root, d.file),
    }));
    const unmatched = [...actual];
    const missing: Expected[] = [];
    for (const e of expected) {
      const i = unmatched.findIndex(
        (a) => a.code === e.code && a.line === e.line && a.message.includes(e.message) && (e.file === undefined || a.file === e.file),
      );
      if (i < 0) missing.push(e);
      else unmatched.splice(i, 1);
    }
    assert.deepEqual({ missing, extra: unmatched }, { missing: [], extra: [] });
    for (const d of diagnostics) {
      assert.ok(d.range.end.offset >= d.range.start.offset, 'range is ordered');
      if (
        [
          'SL301',
          'SL303',
          'SL304',
          'SL305',
          'SL104',
          'SL302',
          'SL401',
          'SL602',
          'SL603',
          'SL604',
          'SL605',
          'SL606',
          'SL801',
          'SL803',
        ].includes(d.code)
      ) {
        assert.ok(d.related.length > 0, `${d.code} links the other place`);
      }
    }
  });
}

test('every diagnostic code of the language page has a case', () => {
  const codes = [
    'SL001',
    'SL101',
    'SL102',
    'SL103',
    'SL104',
    'SL105',
    'SL106',
    'SL201',
    'SL202',
    'SL203',
    'SL301',
    'SL302',
    'SL303',
    'SL304',
    'SL305',
    'SL401',
    'SL402',
    'SL403',
    'SL501',
    'SL601',
    'SL602',
    'SL603',
    'SL604',
    'SL605',
    'SL606',
    'SL607',
    'SL801',
    'SL802',
    'SL803',
    'SL804',
    'SL805',
  ];
  const covered = new Set<string>();
  for (const c of cases()) for (const e of JSON.parse(readFileSync(c.expectedFile, 'utf8')) as Expected[]) covered.add(e.code);
  assert.deepEqual(
    codes.filter((x) => !covered.has(x)),
    [],
  );
});
