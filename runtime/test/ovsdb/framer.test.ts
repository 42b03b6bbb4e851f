// The OVSDB JSON stream framer: concatenated texts, texts split at every byte, strings holding
// braces and escaped quotes, multi-byte UTF-8 split across chunks, and broken streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonStreamFramer } from '../../src/ovsdb/framer.js';

const texts = [
  { id: 1, result: ['Open_vSwitch'], error: null },
  { method: 'echo', params: [], id: 'echo' },
  { id: 2, result: [{ rows: [{ name: 'a}b{"c', note: 'quote \\" and \\\\ backslash ]' }] }], error: null },
  [1, 2, { x: 'é漢😀' }],
];
const stream = Buffer.from(texts.map((t) => JSON.stringify(t)).join('') + '\n ' + JSON.stringify({ id: 3, result: {}, error: null }));
const expected = [...texts, { id: 3, result: {}, error: null }];

test('concatenated JSON texts in one chunk come out as parsed values, in order', () => {
  const f = new JsonStreamFramer();
  const b = f.push(stream);
  assert.equal(b.error, undefined);
  assert.deepEqual(b.values, expected);
  assert.equal(f.buffered, 0);
});

test('the same stream split at every byte boundary gives the same values', () => {
  for (let cut = 1; cut < stream.length; cut++) {
    const f = new JsonStreamFramer();
    const a = f.push(stream.subarray(0, cut));
    const b = f.push(stream.subarray(cut));
    assert.deepEqual([...a.values, ...b.values], expected, `cut at ${cut}`);
  }
});

test('one byte at a time gives the same values', () => {
  const f = new JsonStreamFramer();
  const out: unknown[] = [];
  for (let i = 0; i < stream.length; i++) out.push(...f.push(stream.subarray(i, i + 1)).values);
  assert.deepEqual(out, expected);
});

test('garbage between texts breaks the stream, after the values before it', () => {
  const f = new JsonStreamFramer();
  const b = f.push(Buffer.from('{"id":1,"result":[],"error":null}HTTP/1.1 400'));
  assert.deepEqual(b.values, [{ id: 1, result: [], error: null }]);
  assert.equal(b.error?.code, 'garbage');
  assert.equal(b.error?.streamOffset, 33);
  const later = f.push(Buffer.from('{"id":2}'));
  assert.deepEqual(later.values, []);
  assert.equal(later.error?.code, 'garbage');
});

test('a balanced but invalid text is bad_json', () => {
  const f = new JsonStreamFramer();
  const b = f.push(Buffer.from('{"a":1,}'));
  assert.equal(b.error?.code, 'bad_json');
});

test('a text over the size limit is too_large without waiting for its end', () => {
  const f = new JsonStreamFramer(64);
  const b = f.push(Buffer.from(`{"a":"${'x'.repeat(100)}`));
  assert.equal(b.error?.code, 'too_large');
  assert.equal(f.buffered, 0);
});
