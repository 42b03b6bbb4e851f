// Event streams in process: a client that does not read gets a bounded queue and then its stream
// closes; a revoked token's stream closes at the next event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventHub } from '../../src/api/events.js';
import { SseStreams } from '../../src/api/sse.js';
import { boundedEntry, FIELD_MAX } from '../../src/api/audit-log.js';

/** A response whose socket never drains after the first write (a client that stopped reading). */
class StuckResponse extends EventEmitter {
  written: string[] = [];
  ended = false;
  destroyed = false;
  writeHead() {
    return this;
  }
  write(chunk: string) {
    this.written.push(chunk);
    return false;
  }
  end(chunk?: string) {
    if (chunk) this.written.push(chunk);
    this.ended = true;
  }
}

const admin = { kind: 'admin' as const, owner: 'admin', tokenId: 'admin' };

test('a stream whose client does not read queues at most maxQueued events, then closes', () => {
  const hub = new EventHub();
  const streams = new SseStreams(hub, { perToken: 2, total: 4, maxQueued: 10 });
  const res = new StuckResponse();
  streams.open(res as unknown as ServerResponse, { principal: admin, visible: () => true, stillValid: () => true });
  assert.equal(streams.size, 1);
  for (let i = 0; i < 10_000; i++) hub.publish({ type: 'stats', slice: 'x', i });
  assert.equal(res.ended, true, 'the stream is closed');
  assert.equal(streams.size, 0);
  assert.equal(hub.size, 0, 'it no longer listens');
  assert.ok(res.written.length <= 2, `${res.written.length} writes reached the socket`);
  assert.match(res.written.at(-1)!, /client not reading/);
});

test('a stream of a revoked token closes at the next event; its events stop', () => {
  const hub = new EventHub();
  const streams = new SseStreams(hub, { perToken: 2, total: 4 });
  let valid = true;
  const res = new StuckResponse();
  res.write = function (chunk: string) {
    this.written.push(chunk);
    return true;
  };
  streams.open(res as unknown as ServerResponse, {
    principal: { kind: 'tenant', owner: 'a', tokenId: 't1' },
    visible: () => true,
    stillValid: () => valid,
  });
  hub.publish({ type: 'stats', slice: 's' });
  assert.equal(res.written.filter((w) => w.startsWith('event: stats')).length, 1);
  valid = false;
  hub.publish({ type: 'stats', slice: 's' });
  assert.equal(res.written.filter((w) => w.startsWith('event: stats')).length, 1);
  assert.equal(res.ended, true);
  assert.equal(streams.refusal({ kind: 'tenant', owner: 'a', tokenId: 't1' }), undefined, 'its slot is free again');
});

test('audit entries are bounded whatever the request', () => {
  const e = boundedEntry({
    at: 'now',
    who: 'w'.repeat(10_000),
    action: 'deploy',
    target: 't'.repeat(100_000),
    outcome: 'refused',
    detail: 'd'.repeat(1_000_000),
  });
  assert.ok(JSON.stringify(e).length < 4 * FIELD_MAX);
  assert.match(e.detail!, /\(1000000 chars\)$/);
});
