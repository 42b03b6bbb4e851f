// SL201 for `permit` with no permission word: the range is the keyword's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWorkspace, parse } from '../../src/index.js';

const net = 'network n { switch s1 dpid 1 }\n';

function permitDiagnostics(rule: string): string[] {
  const text = `${net}slice a {\n  controller "tcp:127.0.0.1:6633"\n  flowspace {\n    ${rule}\n  }\n}\n`;
  const { diagnostics } = checkWorkspace([parse(text, 'p.slice')]);
  return diagnostics
    .filter((d) => d.code === 'SL201' || d.code === 'SL001')
    .map(
      (d) =>
        `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${text.slice(d.range.start.offset, d.range.end.offset)}`,
    );
}

test('permit with nothing after it: SL201 on the keyword', () => {
  assert.deepEqual(permitDiagnostics('r: match on s1:1 permit'), ['SL201 4:21-4:27 permit']);
  assert.deepEqual(permitDiagnostics('r: match tcp_dst 80 on s1:1 permit priority 7'), ['SL201 4:32-4:38 permit']);
  // A switch called `permit` is a location, not the keyword.
  assert.deepEqual(
    permitDiagnostics('r: match on s1:1, permit permit').map((d) => d.split(' ').slice(0, 2).join(' ')),
    ['SL201 4:29-4:35'],
  );
});

test('permit with a word is fine; a syntax error at the word is reported once', () => {
  assert.deepEqual(permitDiagnostics('r: match on s1:1 permit read write'), []);
  assert.deepEqual(permitDiagnostics('r: match on s1:1'), []);
  const bogus = permitDiagnostics('r: match on s1:1 permit bogus');
  assert.equal(bogus.length, 1);
  assert.match(bogus[0], /^SL001 /);
});
