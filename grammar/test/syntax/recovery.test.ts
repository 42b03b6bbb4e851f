import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import type * as A from '../../src/syntax/ast.js';

const names = (f: A.SourceFile): string[] => f.items.map((i) => `${i.kind}:${i.name?.name}`);
const rules = (s: A.TopLevel | undefined): string[] =>
  (s as A.SliceDecl).statements.flatMap((st) => (st.kind === 'Flowspace' ? st.rules.map((r) => r.name?.name ?? '?') : []));

test('a broken rule does not lose the next rules, slice or network', () => {
  const f = parse(
    `slice a {
  flowspace {
    r1: match ip_src on s1 permit bogus
    r2: match tcp_dst 80 on s1:1
    r3 match x
    r4: match on all
  }
}
slice b { controller "tcp:1.2.3.4:5" }
network n { switch s1 dpid 1 }`,
    't',
  );
  assert.deepEqual(names(f), ['Slice:a', 'Slice:b', 'Network:n']);
  assert.deepEqual(rules(f.items[0]), ['r1', 'r2', 'r4']);
  assert.equal(f.errors.length, 2);
  assert.equal(f.errors[0]!.code, 'SL001');
  assert.match(f.errors[0]!.message, /expected '}' or a rule .*found 'bogus'/);
  assert.equal(f.errors[0]!.range.start.line, 2);
  assert.match(f.errors[1]!.message, /found 'r3'/);
});

test('missing value inside a rule keeps the rest of the rule and the block', () => {
  const f = parse('slice a { flowspace {\n  r1: match ip_src 10.0.0.0/8 on s1 priority\n  r2: match on s2\n}\n owner "o" }', 't');
  assert.deepEqual(rules(f.items[0]), ['r1', 'r2']);
  assert.equal((f.items[0] as A.SliceDecl).statements.at(-1)?.kind, 'Owner');
  assert.equal(f.errors.length, 1);
  assert.equal(f.errors[0]!.message, "expected a number, found 'r2'");
});

test('missing } of a network: the following slices are still in the tree', () => {
  const f = parse('network n {\n  switch s1 dpid 1\nslice s { owner "x" }\nslice t { controller "a" }', 't');
  assert.deepEqual(names(f), ['Network:n', 'Slice:s', 'Slice:t']);
  assert.equal(f.errors.length, 1);
  assert.equal(f.errors[0]!.message, "expected '}' or a switch, link or core line, found 'slice'");
  assert.deepEqual([f.errors[0]!.range.start.line, f.errors[0]!.range.start.character], [2, 0]);
});

test('missing } at end of file', () => {
  const f = parse('slice s { flowspace { r: match on s1', 't');
  assert.deepEqual(rules(f.items[0]), ['r']);
  assert.ok(f.errors.length >= 1);
  assert.match(f.errors[0]!.message, /expected '}'.*found end of file/);
});

test('garbage between blocks is skipped, blocks kept', () => {
  const f = parse('garbage here 12 ; ,\nnetwork n { }\n%%% junk\nslice s { }\n}}}', 't');
  assert.deepEqual(names(f), ['Network:n', 'Slice:s']);
  assert.match(f.errors[0]!.message, /^expected 'network' or 'slice', found 'garbage'$/);
  assert.ok(f.errors.some((e) => e.message === "unexpected character ';'"));
  assert.ok(f.errors.some((e) => e.message === "unexpected characters '%%%'"));
});

test('a port line error does not close the switch', () => {
  const f = parse('network n { switch s1 dpid 1 {\n  port 1\n  foo bar\n  port 2\n}\n link s1:1 <-> s1:2 }', 't');
  const net = f.items[0] as A.NetworkDecl;
  assert.equal(net.members.length, 2);
  assert.deepEqual(
    (net.members[0] as A.SwitchDecl).ports?.map((p) => p.first?.value),
    [1, 2],
  );
  assert.equal(f.errors[0]!.message, "expected '}' or a port line, found 'foo'");
});

test('a broken statement does not take a nested block brace for its parent', () => {
  const f = parse(
    'network n { switch s1 dpid { port 1 } link a:1 <-> b:1 }\nslice x { qos { class c { match udp_dst 5 min } cap 1Gbps } limits { control_rate 5/s } }',
    't',
  );
  assert.deepEqual(names(f), ['Network:n', 'Slice:x']);
  const net = f.items[0] as A.NetworkDecl;
  assert.deepEqual(
    net.members.map((m) => m.kind),
    ['Switch', 'Link'],
  );
  const sl = f.items[1] as A.SliceDecl;
  assert.deepEqual(
    sl.statements.map((s) => s.kind),
    ['Qos', 'Limits'],
  );
  assert.deepEqual(
    (sl.statements[0] as A.QosBlock).items.map((i) => i.kind),
    ['Class', 'Cap'],
  );
  assert.equal(f.errors.length, 2);
  assert.match(f.errors[0]!.message, /^expected a dpid .*found '\{'$/);
  assert.equal(f.errors[1]!.message, "expected a rate (e.g. 1Gbps), found '}'");
});

test('malformed literals are values, not syntax errors', () => {
  const f = parse(
    'network n { switch s1 dpid 00:00:00:00:00:00:00:00:01 }\nslice x { flowspace { r: match eth_src aa:bb:cc:dd:ee ip_src 10.0.0.0/33 on s1 } qos { cap 5 } }',
    't',
  );
  assert.deepEqual(f.errors, []);
  const sw = (f.items[0] as A.NetworkDecl).members[0] as A.SwitchDecl;
  assert.equal(sw.dpid?.value, undefined);
  assert.equal(sw.dpid?.text, '00:00:00:00:00:00:00:00:01');
});

test('unclosed string and unclosed comment are reported; tree kept', () => {
  const f = parse('slice s { owner "abc\n controller "x" }\n/* never closed', 't');
  assert.deepEqual(names(f), ['Slice:s']);
  assert.ok(f.errors.some((e) => e.message.startsWith('unclosed string') && e.range.start.line === 0));
  assert.ok(f.errors.some((e) => e.message.startsWith('unclosed comment') && e.range.start.line === 2));
  assert.equal(f.comments.length, 1);
  const st = (f.items[0] as A.SliceDecl).statements;
  assert.equal((st[0] as A.OwnerStmt).value?.value, 'abc');
  assert.equal((st[1] as A.ControllerStmt).endpoints[0]?.value, 'x');
});

test('several errors in one block are each reported', () => {
  const f = parse('slice s {\n  limits {\n    flow_entries x\n    control_rate 5/s\n  }\n  overlay vlan\n}\nslice t {}', 't');
  assert.deepEqual(names(f), ['Slice:s', 'Slice:t']);
  assert.deepEqual(
    f.errors.map((e) => e.range.start.line),
    [2, 6],
  );
});

test('empty, whitespace and comment-only files', () => {
  for (const text of ['', '   \n\n', '// only a comment', '/* x */']) {
    const f = parse(text, 't');
    assert.deepEqual(f.items, []);
    assert.deepEqual(f.errors, []);
  }
});

test('binary garbage and odd inputs never throw', () => {
  const inputs = [
    '\u0000\u0001\uffff',
    '{'.repeat(10000),
    '}'.repeat(10000),
    'slice a { '.repeat(3000),
    '"'.repeat(999),
    '\ud800',
    'network',
  ];
  for (const text of inputs) {
    const f = parse(text, 't');
    assert.equal(f.kind, 'File');
    assert.equal(f.text, text);
  }
});
