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
