import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../src/syntax/lex.js';

test('lex classifies every token form', () => {
  const text =
    'switch port dpid 00:00:00:00:00:00:00:01 { } link s1:3 <-> s2:1..2 s3:* 1Gbps 5/s 0x1f "str" // c\n/* b */ aa:bb:cc:dd:ee:ff 10.0.0.0/8 2001:db8::/32 , @';
  const got = lex(text).map((t) => `${t.class}:${t.text}`);
  assert.deepEqual(got, [
    'keyword:switch',
    'keyword:port',
    'keyword:dpid',
    'dpid:00:00:00:00:00:00:00:01',
    'punctuation:{',
    'punctuation:}',
    'keyword:link',
    'identifier:s1',
    'punctuation::',
    'number:3',
    'operator:<->',
    'identifier:s2',
    'punctuation::',
    'number:1',
    'operator:..',
    'number:2',
    'identifier:s3',
    'punctuation::',
    'operator:*',
    'rate:1Gbps',
    'messageRate:5/s',
    'number:0x1f',
    'string:"str"',
    'comment:// c',
    'comment:/* b */',
    'mac:aa:bb:cc:dd:ee:ff',
    'ipv4:10.0.0.0/8',
    'ipv6:2001:db8::/32',
    'punctuation:,',
    'invalid:@',
  ]);
});

test('lex ranges are in source order and match the text', () => {
  const text = 'slice a {\r\n  owner "é😀"\n}';
  const toks = lex(text);
  let last = -1;
  for (const t of toks) {
    assert.ok(t.range.start.offset > last);
    last = t.range.start.offset;
    assert.equal(text.slice(t.range.start.offset, t.range.end.offset), t.text);
  }
  assert.deepEqual(toks[3]!.range.start, { line: 1, character: 2, offset: 13 });
  assert.deepEqual(toks[5]!.range.start, { line: 2, character: 0, offset: 25 });
});
