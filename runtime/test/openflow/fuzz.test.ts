import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  OXM_FIELDS,
  OpenFlowFramer,
  decodeMessage,
  encodeMessage,
  ipv6ToBytes,
  ipv6ToString,
  type Action13,
  type Action10,
  type Instruction,
  type OfMessage,
  type OxmTlv,
  type Match10,
  type MeterBand,
} from '../../src/openflow/index.js';
import { samples10, samples13 } from './samples.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => [...b].join('.'));
const ipv6 = fc
  .oneof(
    fc.uint8Array({ minLength: 16, maxLength: 16 }),
    fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff), { minLength: 8, maxLength: 8 }).map((g) => {
      const b = new Uint8Array(16);
      g.forEach((x, i) => {
        b[i * 2] = x >> 8;
        b[i * 2 + 1] = x & 0xff;
      });
      return b;
    }),
  )
  .map((b) => ipv6ToString(Buffer.from(b)));
// The codec's binary form of addresses (OXM values and the 1.0 match; the decoder gives these).
const macBin = fc.bigInt({ min: 0n, max: (1n << 48n) - 1n });
const ipv4Bin = u32;
const ipv6Bin = ipv6.map((s) => BigInt(`0x${ipv6ToBytes(s).toString('hex')}`));

function valueArb(kind: string): fc.Arbitrary<number | bigint | string> {
  switch (kind) {
    case 'u8':
      return u8;
    case 'u16':
      return u16;
    case 'u24':
      return fc.integer({ min: 0, max: 0xffffff });
    case 'u32':
      return u32;
    case 'u64':
      return u64;
    case 'mac':
      return macBin;
    case 'ipv4':
      return ipv4Bin;
    default:
      return ipv6Bin;
  }
}
const kindOf = (name: string) => {
  const f = OXM_FIELDS.find((x) => x.name === name)!;
  return f.kind;
};

const oxmBasic: fc.Arbitrary<OxmTlv> = fc
  .constantFrom(...OXM_FIELDS.map((f) => f.name))
  .chain((field) =>
    fc
      .record({ field: fc.constant(field), value: valueArb(kindOf(field)), mask: fc.option(valueArb(kindOf(field)), { nil: undefined }) })
      .map((t) => (t.mask === undefined ? { field: t.field, value: t.value } : t) as OxmTlv),
  );
const oxmRaw: fc.Arbitrary<OxmTlv> = fc
  .record({
    oxmClass: fc.constantFrom(0x0000, 0x0001, 0xffff),
    oxmField: fc.integer({ min: 0, max: 127 }),
    len: fc.integer({ min: 0, max: 60 }),
    masked: fc.boolean(),
  })
  .chain(({ oxmClass, oxmField, len, masked }) =>
    fc.uint8Array({ minLength: len, maxLength: len }).map((v) => {
      const value = Buffer.from(v);
      return (
        masked ? { field: 'raw', oxmClass, oxmField, value, mask: Buffer.from(v).reverse() } : { field: 'raw', oxmClass, oxmField, value }
      ) as OxmTlv;
    }),
  );
const oxm = fc.oneof({ arbitrary: oxmBasic, weight: 5 }, { arbitrary: oxmRaw, weight: 1 });
const match13 = fc.array(oxm, { maxLength: 8 });
const padded8 = fc
  .integer({ min: 0, max: 4 })
  .chain((n) => fc.uint8Array({ minLength: n * 8, maxLength: n * 8 }))
  .map((b) => Buffer.from(b));

const action13: fc.Arbitrary<Action13> = fc.oneof(
  fc.record({ type: fc.constant('output' as const), port: u32, maxLen: u16 }),
  fc.constantFrom<Action13>(
    { type: 'copy_ttl_out' },
    { type: 'copy_ttl_in' },
    { type: 'dec_mpls_ttl' },
    { type: 'pop_vlan' },
    { type: 'dec_nw_ttl' },
    { type: 'pop_pbb' },
  ),
  fc.record({ type: fc.constantFrom('set_mpls_ttl' as const, 'set_nw_ttl' as const), ttl: u8 }),
  fc.record({
    type: fc.constantFrom('push_vlan' as const, 'push_mpls' as const, 'pop_mpls' as const, 'push_pbb' as const),
    ethertype: u16,
  }),
  fc.record({ type: fc.constant('set_queue' as const), queueId: u32 }),
  fc.record({ type: fc.constant('group' as const), groupId: u32 }),
  fc.record({ type: fc.constant('set_field' as const), field: oxm }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: padded8 }),
);
const actions13 = fc.array(action13, { maxLength: 6 });
const instruction: fc.Arbitrary<Instruction> = fc.oneof(
  fc.record({ type: fc.constant('goto_table' as const), tableId: u8 }),
  fc.record({ type: fc.constant('write_metadata' as const), metadata: u64, mask: u64 }),
  fc.record({ type: fc.constantFrom('write_actions' as const, 'apply_actions' as const), actions: actions13 }),
  fc.constant<Instruction>({ type: 'clear_actions' }),
  fc.record({ type: fc.constant('meter' as const), meterId: u32 }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: padded8 }),
);
const action10: fc.Arbitrary<Action10> = fc.oneof(
  fc.record({ type: fc.constant('output' as const), port: u16, maxLen: u16 }),
  fc.record({ type: fc.constant('set_vlan_vid' as const), vlanVid: u16 }),
  fc.record({ type: fc.constant('set_vlan_pcp' as const), vlanPcp: u8 }),
  fc.constant<Action10>({ type: 'strip_vlan' }),
  fc.record({ type: fc.constantFrom('set_dl_src' as const, 'set_dl_dst' as const), mac }),
  fc.record({ type: fc.constantFrom('set_nw_src' as const, 'set_nw_dst' as const), ip: ipv4 }),
  fc.record({ type: fc.constant('set_nw_tos' as const), tos: u8 }),
  fc.record({ type: fc.constantFrom('set_tp_src' as const, 'set_tp_dst' as const), port: u16 }),
  fc.record({ type: fc.constant('enqueue' as const), port: u16, queueId: u32 }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: padded8 }),
);
const match10: fc.Arbitrary<Match10> = fc.record({
  wildcards: u32,
  inPort: u16,
  dlSrc: macBin,
  dlDst: macBin,
  dlVlan: u16,
  dlVlanPcp: u8,
  dlType: u16,
  nwTos: u8,
  nwProto: u8,
  nwSrc: ipv4Bin,
  nwDst: ipv4Bin,
  tpSrc: u16,
  tpDst: u16,
});
const band: fc.Arbitrary<MeterBand> = fc.oneof(
  fc.record({ type: fc.constant('drop' as const), rate: u32, burstSize: u32 }),
  fc.record({ type: fc.constant('dscp_remark' as const), rate: u32, burstSize: u32, precLevel: u8 }),
  fc.record({ type: fc.constant('experimenter' as const), rate: u32, burstSize: u32, experimenter: u32, data: padded8 }),
);
const data = fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b));

const message: fc.Arbitrary<OfMessage> = fc.oneof(
  fc.record({
    version: fc.constant(4 as const),
    type: fc.constant('flow_mod' as const),
    xid: u32,
    cookie: u64,
    cookieMask: u64,
    tableId: u8,
    command: u8,
    idleTimeout: u16,
    hardTimeout: u16,
    priority: u16,
    bufferId: u32,
    outPort: u32,
    outGroup: u32,
    flags: u16,
    match: match13,
    instructions: fc.array(instruction, { maxLength: 4 }),
  }),
  fc.record({
    version: fc.constant(4 as const),
    type: fc.constant('packet_in' as const),
    xid: u32,
    bufferId: u32,
    totalLen: u16,
    reason: u8,
    tableId: u8,
    cookie: u64,
    match: match13,
    data,
  }),
  fc.record({
    version: fc.constant(4 as const),
    type: fc.constant('packet_out' as const),
    xid: u32,
    bufferId: u32,
    inPort: u32,
    actions: actions13,
    data,
  }),
  fc.record({
    version: fc.constant(4 as const),
    type: fc.constant('group_mod' as const),
    xid: u32,
    command: u16,
    groupType: u8,
    groupId: u32,
    buckets: fc.array(fc.record({ weight: u16, watchPort: u32, watchGroup: u32, actions: actions13 }), { maxLength: 3 }),
  }),
  fc.record({
    version: fc.constant(4 as const),
    type: fc.constant('meter_mod' as const),
    xid: u32,
    command: u16,
    flags: u16,
    meterId: u32,
    bands: fc.array(band, { maxLength: 3 }),
  }),
  fc.record({
    version: fc.constant(1 as const),
    type: fc.constant('flow_mod' as const),
    xid: u32,
    match: match10,
    cookie: u64,
    command: u16,
    idleTimeout: u16,
    hardTimeout: u16,
    priority: u16,
    bufferId: u32,
    outPort: u16,
    flags: u16,
    actions: fc.array(action10, { maxLength: 6 }),
  }),
  fc.record({
    version: fc.constant(1 as const),
    type: fc.constant('packet_out' as const),
    xid: u32,
    bufferId: u32,
    inPort: u16,
    actions: fc.array(action10, { maxLength: 6 }),
    data,
  }),
);

/** fast-check records have a null prototype; deepStrictEqual compares prototypes, so copy to plain objects. */
function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as T;
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) as T;
  }
  return v;
}

test('property: decode(encode(x)) deep-equals x for generated messages', () => {
  fc.assert(
    fc.property(message.map(plain), (m) => {
      const bytes = encodeMessage(m);
      const r = decodeMessage(bytes);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.deepEqual(r.msg, m);
      assert.ok(encodeMessage(r.msg).equals(bytes));
    }),
    { numRuns: 400 },
  );
});

const corpus = [...samples13, ...samples10].map(encodeMessage);

function checkNoThrow(buf: Buffer): void {
  const r = decodeMessage(buf);
  if (r.ok) {
    // whatever decodes must re-encode without throwing
    encodeMessage(r.msg);
  } else {
    assert.equal(typeof r.error.code, 'string');
    assert.ok(Number.isInteger(r.error.ofError.type) && Number.isInteger(r.error.ofError.code));
    assert.ok(r.error.offset >= 0 && r.error.offset <= Math.max(buf.length, 8));
  }
}

test('fuzz: random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(1, 4, 6), u8, (bytes, version, type) => {
      const b = Buffer.from(bytes);
      checkNoThrow(b);
      if (b.length >= 8) {
        b[0] = version;
        b[1] = type % 32;
        b.writeUInt16BE(b.length, 2);
        checkNoThrow(b);
      }
    }),
    { numRuns: 3000 },
  );
});

test('fuzz: mutated valid messages never throw (length kept consistent or not)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: corpus.length - 1 }),
      fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      fc.nat(),
      (i, edits, truncate, cut) => {
        let b = Buffer.from(corpus[i]!);
        for (const [at, v] of edits) if (b.length > 8) b[8 + (at % (b.length - 8))] = v;
        if (truncate && b.length > 8) {
          b = b.subarray(0, 8 + (cut % (b.length - 8)));
          b.writeUInt16BE(b.length, 2);
        }
        checkNoThrow(b);
        new OpenFlowFramer().push(b);
      },
    ),
    { numRuns: 5000 },
  );
});

test('malformed: truncated bodies and bad inner lengths give error values with OpenFlow error suggestions', () => {
  const fm = corpus[samples13.findIndex((m) => m.type === 'flow_mod')]!;
  // truncate the body (header length adjusted)
  const short = Buffer.from(fm.subarray(0, 30));
  short.writeUInt16BE(30, 2);
  let r = decodeMessage(short);
  assert.ok(!r.ok && r.error.code === 'truncated' && r.error.ofError.type === 1 && r.error.ofError.code === 6);
  // match length larger than the message → BAD_MATCH / BAD_LEN
  const badMatch = Buffer.from(fm);
  badMatch.writeUInt16BE(0xfff0, 8 + 40 + 2);
  r = decodeMessage(badMatch);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 4, code: 1 });
  assert.equal(r.error.offset, 8 + 40 + 4);
  // unknown action type inside apply-actions → BAD_ACTION / BAD_TYPE
  const po = encodeMessage({
    version: 4,
    type: 'packet_out',
    xid: 1,
    bufferId: 0xffffffff,
    inPort: 1,
    actions: [{ type: 'output', port: 1, maxLen: 0 }],
    data: Buffer.alloc(0),
  });
  const badAction = Buffer.from(po);
  badAction.writeUInt16BE(99, 24);
  r = decodeMessage(badAction);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 2, code: 0 });
  assert.equal(r.error.offset, 24);
  // action length not a multiple of 8 → BAD_ACTION / BAD_LEN
  const badLen = Buffer.from(po);
  badLen.writeUInt16BE(12, 26);
  r = decodeMessage(badLen);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 2, code: 1 });
  // unknown instruction → BAD_INSTRUCTION / UNKNOWN_INST
  const fm2 = encodeMessage({
    version: 4,
    type: 'flow_mod',
    xid: 1,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0,
    bufferId: 0,
    outPort: 0,
    outGroup: 0,
    flags: 0,
    match: [],
    instructions: [{ type: 'clear_actions' }],
  });
  const badInst = Buffer.from(fm2);
  badInst.writeUInt16BE(77, fm2.length - 8);
  r = decodeMessage(badInst);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 3, code: 0 });
  // wrong OXM payload length for a known field → BAD_MATCH / BAD_LEN
  const fm3 = encodeMessage({
    version: 4,
    type: 'flow_mod',
    xid: 1,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0,
    bufferId: 0,
    outPort: 0,
    outGroup: 0,
    flags: 0,
    match: [
      { field: 'eth_type', value: 0x800 },
      { field: 'ip_proto', value: 6 },
    ],
    instructions: [],
  });
  const badOxm = Buffer.from(fm3);
  badOxm[8 + 40 + 4 + 3] = 1; // eth_type claims 1 byte
  r = decodeMessage(badOxm);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 4, code: 1 });
  // match type other than OXM → BAD_MATCH / BAD_TYPE
  const badType = Buffer.from(fm3);
  badType.writeUInt16BE(0, 8 + 40);
  r = decodeMessage(badType);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 4, code: 0 });
  // unknown message type → BAD_REQUEST / BAD_TYPE; unknown multipart → BAD_MULTIPART; version 2 → BAD_VERSION
  r = decodeMessage(Buffer.from('0440000800000001', 'hex'));
  assert.ok(!r.ok && r.error.code === 'bad_type');
  assert.deepEqual(r.error.ofError, { type: 1, code: 1 });
  r = decodeMessage(Buffer.from('0412001000000001006300000000' + '0000', 'hex'));
  assert.ok(!r.ok);
  assert.deepEqual(r.error.ofError, { type: 1, code: 2 });
  r = decodeMessage(Buffer.from('0205000800000001', 'hex'));
  assert.ok(!r.ok && r.error.code === 'bad_version');
  // header length disagreeing with the buffer
  r = decodeMessage(Buffer.from('0414000900000001', 'hex'));
  assert.ok(!r.ok && r.error.code === 'bad_length');
  // trailing bytes after a fixed-size body
  r = decodeMessage(Buffer.from('04140009000000010a', 'hex'));
  assert.ok(!r.ok && r.error.code === 'bad_length');
});
