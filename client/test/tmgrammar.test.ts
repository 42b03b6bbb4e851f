// TextMate grammar tests: every fixture in test/fixtures/tmgrammar/ is a vscode-tmgrammar-test file whose
// `//   ^^^ scope` lines assert the scopes of the line above (comments, keywords, identifiers, numbers,
// rates, message rates, dpids, MACs, IPv4/IPv6 prefixes, strings with escapes, port refs, `<->`, fields,
// permission words, block punctuation).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binDir, clientDir, fixtures } from './helpers/paths.js';

const grammar = join(clientDir, 'syntaxes', 'slice.tmLanguage.json');
const cli = join(binDir, 'vscode-tmgrammar-test');

function runCli(file: string): { status: number | null; out: string } {
  const r = spawnSync(cli, ['--compact', '--grammar', grammar, file], { cwd: clientDir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const dir = join(fixtures, 'tmgrammar');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.slice'))
  .sort();

test('there is a grammar fixture for every token class', () => {
  assert.deepEqual(files, ['comments.slice', 'declarations.slice', 'flowspace.slice', 'literals.slice', 'qos.slice', 'strings.slice']);
});

for (const f of files) {
  test(`TextMate grammar: ${f}`, () => {
    const r = runCli(join(dir, f));
    assert.equal(r.status, 0, r.out);
    assert.doesNotMatch(r.out, /ERROR/, r.out);
  });
}

test('the harness fails on a wrong scope assertion', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tmgrammar-'));
  try {
    const bad = join(tmp, 'bad.slice');
    writeFileSync(bad, '// SYNTAX TEST "source.slice" "negative"\nswitch s1 dpid 1\n//     ^^ keyword.declaration.switch.slice\n');
    const r = runCli(bad);
    assert.notEqual(r.status, 0, 'a failing assertion must fail the run');
    assert.match(r.out, /entity\.name\.switch\.slice/, 'the report names the actual scope');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
