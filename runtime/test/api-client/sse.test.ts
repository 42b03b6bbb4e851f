// The CLI's event-stream reader: line ends, `data:` spacing, multi-line data, comments and malformed JSON,
// fed in awkward chunks and over a real loopback HTTP response through ApiClient.events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readEventStream, type StreamEvent, type StreamProblem } from '../../src/api-client/sse.js';
import { ApiClient } from '../../src/api-client/api-client.js';

async function* chunks(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string, size = 1): Promise<{ events: StreamEvent[]; problems: StreamProblem[] }> {
  const events: StreamEvent[] = [];
  const problems: StreamProblem[] = [];
  await readEventStream(
    chunks(text, size),
    (e) => events.push(e),
    (p) => problems.push(p),
  );
  return { events, problems };
}

test('CRLF and lone CR line ends, split anywhere (also inside a UTF-8 character)', async () => {
  const text = 'event: stats\r\ndata: {"slice":"é"}\r\n\r\nevent: revision\rdata: {"revision":2}\r\r';
  for (const size of [1, 2, 3, 7, 1000]) {
    const { events, problems } = await read(text, size);
    assert.deepEqual(
      events,
      [
        { type: 'stats', data: { slice: 'é' } },
        { type: 'revision', data: { revision: 2 } },
      ],
      `chunk size ${size}`,
    );
    assert.deepEqual(problems, []);
  }
});

test('`data:` without a space, multi-line data and comments', async () => {
  const { events, problems } = await read(
    ': keep-alive\nevent:deploy-progress\ndata:{"stage":\ndata: "applied",\ndata:"revision":4}\n\n:another comment\n\ndata:[1,2]\n\n',
  );
  assert.deepEqual(events, [
    { type: 'deploy-progress', data: { stage: 'applied', revision: 4 } },
    { type: 'message', data: [1, 2] },
  ]);
  assert.deepEqual(problems, []);
});

test('bad JSON: a clear problem with the event name, and the stream goes on', async () => {
  const { events, problems } = await read('event: stats\ndata: {not json\n\nevent: revision\ndata: {"revision":5}\n\n', 4);
  assert.deepEqual(events, [{ type: 'revision', data: { revision: 5 } }]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'SSE_BAD_JSON');
  assert.match(problems[0].message, /event 'stats' carries data that is not JSON .*: \{not json/);
});

test('ApiClient.events over a real HTTP response, with the bearer token', async () => {
  let auth: string | undefined;
  const server = createServer((req, res) => {
    auth = req.headers.authorization;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: revision\r\ndata:{"revision":1}\r\n\r\n');
    res.write('event: stats\r\ndata: oops\r\n\r\n');
    res.end('event: slice-changed\ndata: {"name":"research"}\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const got: Array<[string, unknown]> = [];
    const problems: StreamProblem[] = [];
    await new ApiClient(url, 'tok').events(
      (t, d) => got.push([t, d]),
      new AbortController().signal,
      (p) => problems.push(p),
    );
    assert.equal(auth, 'Bearer tok');
    assert.deepEqual(got, [
      ['revision', { revision: 1 }],
      ['slice-changed', { name: 'research' }],
    ]);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['SSE_BAD_JSON'],
    );
  } finally {
    server.close();
  }
});
