import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeMessage,
  encodeMessage,
  errorName,
  errorNumbers,
  errorReplyFor,
  helloVersions,
  ipv6ToBytes,
  ipv6ToString,
  negotiateVersion,
  versionBitmap,
  type OfMessage,
} from '../../src/openflow/index.js';
import { samples10, samples13 } from './samples.js';

function roundTrip(msg: OfMessage): void {
  const bytes = encodeMessage(msg);
  assert.equal(bytes.readUInt16BE(2), bytes.length, 'header length');
  assert.equal(bytes.length % 1, 0);
  const r = decodeMessage(bytes);
  if (!r.ok) assert.fail(`${msg.type} xid ${msg.xid}: ${r.error.code} ${r.error.message}`);
  assert.deepEqual(r.msg, msg);
  assert.deepEqual(encodeMessage(r.msg), bytes);
}

for (const msg of samples13) {
  const label = msg.type === 'multipart_request' || msg.type === 'multipart_reply' ? `${msg.type}/${msg.body.mpType}` : msg.type;
  test(`OpenFlow 1.3 ${label} xid ${msg.xid} round-trips`, () => roundTrip(msg));
}
for (const msg of samples10) {
  const label = msg.type === 'multipart_request' || msg.type === 'multipart_reply' ? `${msg.type}/${msg.body.mpType}` : msg.type;
  test(`OpenFlow 1.0 ${label} xid ${msg.xid} round-trips`, () => roundTrip(msg));
}

test('every 1.3 message type is covered by the samples', () => {
  const seen = new Set(samples13.map((m) => m.type));
  assert.equal(seen.size, 30);
  const seen10 = new Set(samples10.map((m) => m.type));
  assert.equal(seen10.size, 22);
});

test('known byte layouts: hello with bitmap, barrier, echo', () => {
  assert.equal(
    encodeMessage({ version: 4, type: 'hello', xid: 1, elements: [versionBitmap([1, 4])] }).toString('hex'),
    '04000010000000010001000800000012',
  );
  assert.equal(encodeMessage({ version: 4, type: 'barrier_request', xid: 0x10 }).toString('hex'), '0414000800000010');
  assert.equal(
    encodeMessage({ version: 1, type: 'echo_request', xid: 2, data: Buffer.from([0xab]) }).toString('hex'),
    '010200090000000' + '2ab',
  );
});

test('flow_mod 1.3 with in_port match and output action matches the spec layout', () => {
  const bytes = encodeMessage({
    version: 4,
    type: 'flow_mod',
    xid: 2,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0x8000,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: 0,
    match: [{ field: 'in_port', value: 1 }],
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
  });
  assert.equal(
    bytes.toString('hex'),
    '040e005800000002' +
      '0000000000000000' +
      '0000000000000000' +
      '0000000000008000' +
      'ffffffffffffffff' +
      'ffffffff00000000' +
      '0001000c80000004' +
      '0000000100000000' +
      '0004001800000000' +
      '0000001000000002' +
      '0000000000000000',
  );
});

test('hello negotiation helpers', () => {
  const hello = { version: 6, type: 'hello' as const, xid: 0, elements: [versionBitmap([1, 4, 5, 6])] };
  assert.deepEqual(helloVersions(hello), [1, 4, 5, 6]);
  assert.equal(negotiateVersion([1, 4], hello), 4);
  assert.equal(negotiateVersion([1], { version: 4, type: 'hello', xid: 0, elements: [] }), 1);
  assert.equal(negotiateVersion([4], { version: 1, type: 'hello', xid: 0, elements: [] }), undefined);
  const decoded = decodeMessage(encodeMessage(hello));
  assert.ok(decoded.ok);
  assert.equal(decoded.msg.version, 6);
});

test('error names and numbers', () => {
  assert.deepEqual(errorName(4, 1, 6), { type: 'BAD_REQUEST', code: 'BAD_LEN' });
  assert.deepEqual(errorName(1, 3, 0), { type: 'FLOW_MOD_FAILED', code: 'ALL_TABLES_FULL' });
  assert.deepEqual(errorName(4, 5, 4), { type: 'FLOW_MOD_FAILED', code: 'EPERM' });
  assert.deepEqual(errorName(4, 99, 0), { type: undefined, code: undefined });
  assert.deepEqual(errorNumbers(4, 'BAD_MATCH', 'EPERM'), { type: 4, code: 11 });
  assert.deepEqual(errorNumbers(1, 'FLOW_MOD_FAILED', 'EPERM'), { type: 3, code: 2 });
});

test('errorReplyFor keeps version, xid and the first 64 bytes', () => {
  const bad = Buffer.concat([Buffer.from('04ff004800000077', 'hex'), Buffer.alloc(64)]);
  const r = decodeMessage(bad);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'bad_type');
  const reply = errorReplyFor(bad, r.error);
  assert.equal(reply.version, 4);
  assert.equal(reply.xid, 0x77);
  assert.ok(reply.type === 'error');
  assert.equal(reply.errType, 1);
  assert.equal(reply.code, 1);
  assert.equal(reply.data.length, 64);
});

test('IPv6 text is RFC 5952 canonical', () => {
  for (const [input, want] of [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ] as const)
    assert.equal(ipv6ToString(ipv6ToBytes(input)), want);
  assert.throws(() => ipv6ToBytes('1::2::3'), RangeError);
});
