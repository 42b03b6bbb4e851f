import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import type * as A from '../../src/syntax/ast.js';
import { CAMPUS, KITCHEN_SINK } from './samples.js';
import { assertRangesValid } from './check-ranges.js';
import { nodesWithRanges } from './walk.js';

const slice = (text: string, r: A.Range): string => text.slice(r.start.offset, r.end.offset);

test('every node range is inside the text and its line/character match its offset', () => {
  for (const text of [CAMPUS, KITCHEN_SINK, CAMPUS.replace(/\n/g, '\r\n'), KITCHEN_SINK.replace(/\n/g, '\r')]) {
    assertRangesValid(parse(text, 't'), { exactPositions: true });
  }
});

test('leaf ranges cover exactly their text', () => {
  for (const text of [CAMPUS, KITCHEN_SINK]) {
    const f = parse(text, 't');
    let leaves = 0;
    for (const { node, range } of nodesWithRanges(f)) {
      if (node['kind'] === 'Ident') {
        assert.equal(slice(text, range), node['name']);
        leaves++;
      } else if (typeof node['text'] === 'string' && node['kind'] !== 'File') {
        assert.equal(slice(text, range), node['text'], String(node['kind']));
        leaves++;
      }
    }
    assert.ok(leaves > 50);
  }
});

test('statement and block ranges run from their first to their last token', () => {
  const text = CAMPUS;
  const f = parse(text, 't');
  const net = f.items[0] as A.NetworkDecl;
  assert.ok(slice(text, net.range).startsWith('network campus {'));
  assert.ok(slice(text, net.range).endsWith('capacity 1Gbps\n}'));
  assert.equal(slice(text, net.members[0]!.range).split('\n')[0], 'switch s1 dpid 00:00:00:00:00:00:00:01 {');
  assert.equal(slice(text, net.members[3]!.range), 'link s1:3 <-> s2:3 capacity 1Gbps');
  const research = f.items[1] as A.SliceDecl;
  const fs = research.statements[3] as A.FlowspaceBlock;
  assert.equal(slice(text, fs.rules[1]!.range), 'arp: match eth_type arp on s1, s2, s3 permit read');
  assert.equal(slice(text, fs.rules[0]!.match[1]!.range), 'tcp_dst 80');
  assert.equal(slice(text, fs.rules[0]!.locations![1]!.range), 's3:1');
  const g = (research.statements[4] as A.QosBlock).items[0] as A.GuaranteeStmt;
  assert.equal(slice(text, g.links[1]!.range), 's2:4 <-> s3:3');
  assert.deepEqual(f.range.start, { line: 0, character: 0, offset: 0 });
  assert.equal(f.range.end.offset, text.length);
});

test('positions count UTF-16 code units and LSP line breaks', () => {
  const text = 'slice a { owner "😀é" controller "x" }\r\nslice b {}\rslice c {}';
  const f = parse(text, 't');
  assert.deepEqual(f.errors, []);
  const ctl = (f.items[0] as A.SliceDecl).statements[1] as A.ControllerStmt;
  assert.deepEqual(ctl.range.start, { line: 0, character: 22, offset: 22 });
  assert.deepEqual(f.items[1]!.range.start, { line: 1, character: 0, offset: 40 });
  assert.deepEqual(f.items[2]!.range.start, { line: 2, character: 0, offset: 51 });
});

test('syntax error ranges point at the offending token, and at the end for end of file', () => {
  const text = 'slice a {\n  owner 42\n}\nslice b {';
  const f = parse(text, 't');
  assert.equal(f.errors.length, 2);
  assert.equal(slice(text, f.errors[0]!.range), '42');
  assert.deepEqual(f.errors[0]!.range.start, { line: 1, character: 8, offset: 18 });
  assert.match(f.errors[1]!.message, /found end of file/);
  assert.equal(f.errors[1]!.range.start.offset, text.length);
  assertRangesValid(f, { exactPositions: true });
});

test('comments carry their text, kind and range', () => {
  const text = '// one\nnetwork n { /* two\nlines */ }';
  const f = parse(text, 't');
  assert.deepEqual(
    f.comments.map((c) => [c.text, c.block, c.range.start.line, c.range.end.line]),
    [
      ['// one', false, 0, 0],
      ['/* two\nlines */', true, 1, 2],
    ],
  );
});
