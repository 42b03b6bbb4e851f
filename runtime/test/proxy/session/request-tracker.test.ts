// The request tracker alone: multipart parts gathered into one answer, errors, close, timeouts,
// per-owner budgets (one owner's flood never evicts another's requests) and the tenant ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestTracker, RING_SIZE } from '../../../src/proxy/session/request-tracker.js';
import type { MessageOf } from '../../../src/proxy/messages.js';

const part = (xid: number, more: boolean, portNo: number): MessageOf<'multipart_reply'> => ({
  version: 4,
  xid,
  type: 'multipart_reply',
  mpType: 'port_stats',
  flags: more ? 1 : 0,
  portStats: [{ portNo } as never],
});
const err = (xid: number): MessageOf<'error'> => ({ version: 4, xid, type: 'error', errType: 1, code: 5, data: Buffer.alloc(0) });
const owner = (name: string) => ({ name });

test('a multipart reply is answered once, with every part in order', () => {
  const t = new RequestTracker<{ name: string }>();
  const answers: number[][] = [];
  t.expect(7, null, 'multipart_reply', { reply: (parts) => answers.push(parts.map((p) => p.portStats![0]!.portNo)) });
  assert.equal(t.answer(part(7, true, 1)), true);
  assert.equal(t.answer(part(7, true, 2)), true);
  assert.deepEqual(answers, [], 'no answer while more parts follow');
  assert.equal(t.answer(part(7, false, 3)), true);
  assert.deepEqual(answers, [[1, 2, 3]]);
  assert.equal(t.has(7), false);
  assert.equal(t.answer(part(7, false, 4)), false, 'a late part answers nothing');
});

test('a reply of another type or for an unknown xid is not taken', () => {
  const t = new RequestTracker<{ name: string }>();
  let replies = 0;
  t.expect(3, null, 'barrier_reply', {
    reply: () => {
      replies++;
    },
  });
  assert.equal(t.answer(part(3, false, 1)), false);
  assert.equal(t.answer({ version: 4, xid: 4, type: 'barrier_reply' }), false);
  assert.equal(t.has(3), true);
  assert.equal(t.answer({ version: 4, xid: 3, type: 'barrier_reply' }), true);
  assert.equal(replies, 1);
});

test('errors go to the request that caused them; a request with no reply type is answered only by an error', () => {
  const t = new RequestTracker<{ name: string }>();
  const seen: string[] = [];
  t.expect(10, null, null, { error: (e) => seen.push(`flow-mod ${e.errType}/${e.code}`) });
  t.expect(11, null, 'barrier_reply', { reply: () => seen.push('barrier'), error: () => seen.push('barrier error') });
  assert.equal(t.error(err(10)), true);
  assert.equal(t.error(err(10)), false, 'answered once');
  assert.equal(t.error(err(99)), false);
  t.answer({ version: 4, xid: 11, type: 'barrier_reply' });
  assert.deepEqual(seen, ['flow-mod 1/5', 'barrier']);
  assert.equal(t.size(), 0);
});

test("closing runs every outstanding request's closed handler once", () => {
  const t = new RequestTracker<{ name: string }>();
  const a = owner('a');
  let closed = 0;
  for (let x = 1; x <= 3; x++)
    t.expect(x, x === 2 ? a : null, 'barrier_reply', {
      closed: () => {
        closed++;
      },
    });
  t.closeAll();
  assert.equal(closed, 3);
  assert.equal(t.size(), 0);
  t.closeAll();
  assert.equal(closed, 3);
});

test('a request not answered in time is given up (its timeout handler runs, a late answer is dropped)', async () => {
  const t = new RequestTracker<{ name: string }>();
  let outcome = '';
  await new Promise<void>((resolve) => {
    t.expect(5, null, 'barrier_reply', {
      reply: () => {
        outcome = 'reply';
        resolve();
      },
      timeout: () => {
        outcome = 'timeout';
        resolve();
      },
      timeoutMs: 1,
    });
  });
  assert.equal(outcome, 'timeout');
  assert.equal(t.answer({ version: 4, xid: 5, type: 'barrier_reply' }), false);
  assert.equal(outcome, 'timeout');
});

test("an owner over its budget loses its own oldest request, never another owner's or the hypervisor's", () => {
  const t = new RequestTracker<{ name: string }>(4);
  const flooder = owner('flooder'),
    quiet = owner('quiet');
  const given: number[] = [];
  t.expect(1, null, 'barrier_reply', { timeout: () => given.push(1) });
  t.expect(2, quiet, 'barrier_reply', { timeout: () => given.push(2) });
  for (let x = 100; x < 110; x++) t.expect(x, flooder, 'barrier_reply', { timeout: () => given.push(x) });
  assert.deepEqual(given, [100, 101, 102, 103, 104, 105], "the flooder's six oldest");
  assert.equal(t.size(flooder), 4);
  assert.equal(t.has(1), true);
  assert.equal(t.has(2), true);
  assert.equal(t.size(null), 1);
  assert.equal(t.size(quiet), 1);
});

test('forgetting an owner drops its requests without running handlers', () => {
  const t = new RequestTracker<{ name: string }>();
  const a = owner('a');
  let ran = 0;
  t.expect(1, a, 'barrier_reply', {
    reply: () => {
      ran++;
    },
    closed: () => {
      ran++;
    },
    timeout: () => {
      ran++;
    },
  });
  t.expect(2, null, 'barrier_reply', {});
  t.forgetOwner(a);
  assert.equal(t.size(a), 0);
  assert.equal(t.has(2), true);
  assert.equal(t.answer({ version: 4, xid: 1, type: 'barrier_reply' }), false);
  assert.equal(ran, 0);
});

test('the tenant ring remembers the last RING_SIZE forwarded requests by xid', () => {
  const t = new RequestTracker<{ name: string }>();
  const a = owner('a'),
    b = owner('b');
  t.rememberTenant(1000, a, 7);
  t.rememberTenant(1001, b, 8);
  assert.deepEqual(t.tenantOf(1000), { owner: a, tenantXid: 7 });
  assert.deepEqual(t.tenantOf(1001), { owner: b, tenantXid: 8 });
  assert.equal(t.tenantOf(999), undefined);
  t.rememberTenant(1000 + RING_SIZE, b, 9);
  assert.equal(t.tenantOf(1000), undefined, 'overwritten by the request RING_SIZE later');
  assert.deepEqual(t.tenantOf(1000 + RING_SIZE), { owner: b, tenantXid: 9 });
});
