// The text/event-stream parser, fed in awkward chunks.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { SseParser } from '../src/api/sse.js';

test('parses named events, multi-line data, ids and comments', () => {
  const p = new SseParser();
  const out = p.push(': keep-alive\nevent: revision\nid: 7\ndata: {"revision":3}\n\ndata: a\ndata: b\n\n');
  assert.deepEqual(out, [
    { event: 'revision', data: '{"revision":3}', id: '7' },
    { event: 'message', data: 'a\nb', id: '7' },
  ]);
});

test('events split across chunks, CRLF and lone CR line ends', () => {
  const p = new SseParser();
  const text = 'event: stats\r\ndata: {"slice":"x"}\r\n\r\nevent: slice-changed\rdata: y\r\r\n';
  const got = [];
  for (const ch of text) got.push(...p.push(ch));
  assert.deepEqual(got, [
    { event: 'stats', data: '{"slice":"x"}' },
    { event: 'slice-changed', data: 'y' },
  ]);
});

test('an event without data is dropped and does not leak its name', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('event: ping\n\ndata: z\n\n'), [{ event: 'message', data: 'z' }]);
});

test('`data:` without a space, multi-line data split in chunks, comments between events', () => {
  const p = new SseParser();
  const text = ':hello\r\nevent:stats\r\ndata:{"a":\r\ndata:1}\r\n\r\n: ping\r\n\r\ndata:  two spaces keep one\n\n';
  const got = [];
  for (let i = 0; i < text.length; i += 3) got.push(...p.push(text.slice(i, i + 3)));
  assert.deepEqual(got, [
    { event: 'stats', data: '{"a":\n1}' },
    { event: 'message', data: ' two spaces keep one' },
  ]);
});

test('a malformed line is reported and the stream goes on; data that is not JSON is passed as text', () => {
  const problems: string[] = [];
  const p = new SseParser((m) => problems.push(m));
  const out = p.push('bogus line\nevent: stats\ndata: {not json\n\nevent: revision\ndata: {"revision":2}\n\n');
  assert.deepEqual(out, [
    { event: 'stats', data: '{not json' },
    { event: 'revision', data: '{"revision":2}' },
  ]);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^event stream: .*bogus line/);
});
