// The lexer front: words lex as names and exact keyword spellings become keyword tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, Identifier, Port, FlowEntries, Slice } from '../../src/syntax/tokens.js';
import { parse } from '../../src/syntax/parse.js';
import type * as A from '../../src/syntax/ast.js';

test('exact keyword spellings are keywords; longer words and other cases stay names', () => {
  const { tokens, errors } = tokenize('port portal port-1 Port flow_entries flow_entries2 slice');
  assert.deepEqual(errors, []);
  assert.deepEqual(
    tokens.map((t) => t.tokenType),
    [Port, Identifier, Identifier, Identifier, FlowEntries, Identifier, Slice],
  );
  for (const t of tokens) assert.equal(t.endOffset, t.startOffset + t.image.length - 1, 'inclusive end offset');
});

test('keywords are soft: a switch may be called like a keyword', () => {
  const f = parse('network n { switch port dpid 1 switch all dpid 2 }\nslice s { flowspace { r: match on port:3, all } }', 't');
  assert.deepEqual(f.errors, []);
  const net = f.items[0] as A.NetworkDecl;
  assert.deepEqual(
    net.members.map((m) => (m as A.SwitchDecl).name?.name),
    ['port', 'all'],
  );
  const rule = ((f.items[1] as A.SliceDecl).statements[0] as A.FlowspaceBlock).rules[0]!;
  assert.deepEqual(
    rule.locations?.map((l) => l.kind),
    ['PortRef', 'AllLocations'],
  );
});

test('ranges of one tree share their position objects per offset', () => {
  const f = parse('slice s { owner "o" }', 't');
  const sl = f.items[0] as A.SliceDecl;
  assert.equal(
    sl.statements[0]!.range.end,
    (sl.statements[0] as A.OwnerStmt).value!.range.end,
    'a statement ends where its last token ends: same object',
  );
});
