// hot-messages.ts (the only decoder and encoder of packet-ins, flow-mods and packet-outs, 1.3 and
// 1.0, straight from and to bytes) held to its contract with the codec path as the oracle:
// - the reader answers every frame of those types: exactly fromWire(decodeMessage(bytes).msg) (a
//   flow-mod may also carry a `matchKeyAt` hint, whose bytes must then be matchKey(match)), or the error
//   value for what fromWire refuses (same kind and text), or `malformed` exactly when the codec
//   rejects the frame; it never throws;
// - the writer answers exactly encodeMessage(toWire(msg)), and throws a RangeError exactly when that
//   throws (wire.ts makes it an error value);
// on generated common-case messages, on messages with uncommon parts, on mutated and random bytes and
// on out-of-range values; plus matchKey's canonical keys and a few fixed examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  oxmFieldSize,
  OFPFW10,
  OFPP13,
  OFPVID_PRESENT,
  OXM_FIELDS,
  type Action10,
  type Match10,
  type Action13,
  type FlowMod13,
  type Instruction as Instruction13,
  type Message13,
  type OfMessage as WireMessage,
  type OxmTlv,
} from '../../src/openflow/index.js';
import { fromWire, MATCHABLE_10, matchToOxm, toWire, Untranslatable } from '../../src/proxy/translate.js';
import { EncodeFailure, encodeNeutral } from '../../src/proxy/wire.js';
import { bigintToOxm, FIELD_ORDER, fullMask, inPortMatch } from '../../src/proxy/match-algebra.js';
import {
  OFP10,
  OFP13,
  type Action,
  type FieldName,
  type FieldValue,
  type FlowMatch,
  type Instruction,
  type MessageOf,
  type OfMessage,
} from '../../src/proxy/messages.js';
import { frameKeyLength, isHot, isRefusal, matchKey, readHot, readKeyMatch, writeHot } from '../../src/proxy/hot-messages.js';
import { flowModKey } from '../../src/proxy/frame-key.js';

/** The reader's message, or null for an error value or a frame of another type. */
const readMsg = (b: Buffer): OfMessage | null => {
  const r = readHot(b);
  return r === null || isRefusal(r) ? null : r;
};

const RUNS = 300;

// ---------------------------------------------------------------- helpers

/** Buffers as hex (compared by content, printed readably); everything else as it is. */
function plain(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `<buffer ${v.toString('hex')}>`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

const show = (v: unknown): string => inspect(plain(v), { depth: 10, breakLength: Infinity });

/** The codec path's bytes for a neutral message, or what it throws. */
function slowWrite(m: OfMessage): { ok: true; bytes: Buffer } | { ok: false; error: unknown } {
  try {
    return { ok: true, bytes: encodeMessage(toWire(m)) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The fast read without its `matchKeyAt` hint (where a flow-mod's canonical match key starts in the
 * frame `b`, when the reader had it from the bytes for free; fromWire has no such field), after
 * checking the frame's bytes there are matchKey(match).
 */
function withoutHint(fast: OfMessage, b: Buffer): OfMessage {
  if (!('matchKeyAt' in fast)) return fast;
  const { matchKeyAt: at, ...rest } = fast as OfMessage & { matchKeyAt?: number; match?: FlowMatch };
  assert.equal(fast.type, 'flow_mod', 'a matchKeyAt hint on a message other than a flow-mod');
  if (at !== undefined)
    assert.equal(
      b.toString('latin1', at, at + frameKeyLength(b, at)),
      matchKey(rest.match!),
      `the frame's bytes at the reader's matchKeyAt are not matchKey(match) for ${show(rest.match)}`,
    );
  return rest as OfMessage;
}

/**
 * Checks the read contract on `b`: readHot answers null exactly for frames of other types, and for
 * hot ones exactly what the codec path says (message, refusal, malformed). Returns the message read,
 * or null.
 */
function checkRead(b: Buffer): OfMessage | null {
  let fast: ReturnType<typeof readHot> = null;
  assert.doesNotThrow(
    () => {
      fast = readHot(b);
    },
    `readHot threw on ${b.toString('hex')}`,
  );
  if (b.length < 8 || !isHot(b[0]!, b[1]!)) {
    assert.equal(fast, null, `readHot answered for a frame of another type: ${b.toString('hex')}`);
    return null;
  }
  const got = fast as ReturnType<typeof readHot>;
  // The flow table's key of a flow-mod as read (the frame's bytes on 1.3, the 1.0 reader's own key
  // bytes): taken at once (the 1.0 key is the reader's scratch), checked against matchKey below.
  const key = got !== null && !isRefusal(got) && got.type === 'flow_mod' ? flowModKey(got, b).toString() : undefined;
  assert.ok(got !== null, `readHot gave no answer for a hot frame: ${b.toString('hex')}`);
  const d = decodeMessage(b);
  if (!d.ok) {
    assert.ok(
      isRefusal(got) && got.refused === 'malformed',
      `the reader answered ${show(got)} for bytes the codec rejects (${d.error.code}: ${d.error.message}): ${b.toString('hex')}`,
    );
    return null;
  }
  let slow: OfMessage;
  try {
    slow = fromWire(d.msg);
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    assert.deepEqual(
      got,
      { refused: e.kind, message: e.message },
      `fromWire refuses (${e.kind}: ${e.message}) but the reader answered ${show(got)}: ${b.toString('hex')}`,
    );
    return null;
  }
  assert.ok(!isRefusal(got), `the reader refused (${show(got)}) what the codec path reads: ${b.toString('hex')}`);
  assert.deepEqual(plain(withoutHint(got, b)), plain(slow), `fast and codec reads differ on ${b.toString('hex')}`);
  if (key !== undefined && got.type === 'flow_mod')
    assert.equal(key, matchKey(got.match), `the flow table's key of the flow-mod read is not matchKey(match): ${b.toString('hex')}`);
  return got;
}

/** Checks the write contract on a common-case message (the writer must answer) and the read contract on its bytes. */
function checkCommon(m: OfMessage): void {
  const slow = slowWrite(m);
  assert.ok(slow.ok, `codec path failed on a generated message: ${String(!slow.ok && slow.error)} ${show(m)}`);
  const fast = writeHot(m);
  assert.ok(fast, `writeHot declined a common-case message: ${show(m)}`);
  assert.equal(fast.toString('hex'), slow.bytes.toString('hex'), `writer bytes differ for ${show(m)}`);
  const read = checkRead(slow.bytes);
  assert.ok(read, `a reader declined a common-case message: ${slow.bytes.toString('hex')}`);
  // The writer's matches are canonical: a flow-mod read back carries the key of the match written.
  if (m.type === 'flow_mod') {
    const at = (read as { matchKeyAt?: number }).matchKeyAt;
    assert.ok(at !== undefined, `no matchKeyAt hint on a canonical match: ${slow.bytes.toString('hex')}`);
    assert.equal(
      slow.bytes.toString('latin1', at, at + frameKeyLength(slow.bytes, at)),
      matchKey(m.match),
      `matchKeyAt hint of ${slow.bytes.toString('hex')}`,
    );
  }
}

// ---------------------------------------------------------------- generators (neutral messages)

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const port = fc.oneof(u32, fc.integer({ min: 0, max: 64 }), fc.constantFrom(...Object.values(OFPP13)));

/** Bytes → unsigned big-endian bigint. */
const toBig = (bytes: readonly number[]): bigint => bytes.reduce((a, x) => (a << 8n) | BigInt(x), 0n);

/** A 128-bit value with runs of zero groups, IPv4-mapped / -compatible forms, or any bits. */
const ipv6Value = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  fc
    .array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xff }), u16), {
      minLength: 8,
      maxLength: 8,
    })
    .map((g) => g.reduce((a, x) => (a << 16n) | BigInt(x), 0n)),
  u32.map((v) => (0xffffn << 32n) | BigInt(v)),
  u32.map((v) => BigInt(v)),
);

/** A value within the field's width (narrow fields such as vlan_vid stay within their bits). */
function fieldValue(name: FieldName): fc.Arbitrary<bigint> {
  const size = oxmFieldSize(name);
  const full = fullMask(name);
  if (size === 16) return ipv6Value;
  if (full !== (1n << BigInt(size * 8)) - 1n) {
    const extra = name === 'vlan_vid' ? [OFPVID_PRESENT, OFPVID_PRESENT | 1, OFPVID_PRESENT | 0xfff].map(BigInt) : [];
    return fc.oneof(fc.constantFrom(0n, 1n, full, ...extra), fc.bigInt({ min: 0n, max: full }));
  }
  // Whole-byte fields: bytes with many 0x00 / 0xff, or any value.
  return fc.oneof(
    fc.constantFrom(0n, 1n, full),
    fc.array(fc.oneof(fc.constant(0), fc.constant(0xff), u8), { minLength: size, maxLength: size }).map(toBig),
    fc.bigInt({ min: 0n, max: full }),
  );
}

/** A mask within the field's width: the full field, a prefix, or any bits. */
function fieldMask(name: FieldName): fc.Arbitrary<bigint> {
  const full = fullMask(name);
  const bits = full.toString(2).length;
  return fc.oneof(
    fc.constant(full),
    fc.integer({ min: 0, max: bits }).map((n) => (full >> BigInt(n)) << BigInt(n)),
    fieldValue(name),
  );
}

const fieldConstraint = (name: FieldName): fc.Arbitrary<FieldValue> =>
  fc
    .tuple(fieldValue(name), fc.option(fieldMask(name), { nil: undefined, freq: 2 }))
    .map(([value, mask]): FieldValue => (mask === undefined ? { value } : { value, mask }));

/** A match over many fields, inserted in random order (duplicates overwrite). */
const matchArb: fc.Arbitrary<FlowMatch> = fc
  .array(
    fc.constantFrom(...FIELD_ORDER).chain((name) => fieldConstraint(name).map((fv) => [name, fv] as const)),
    { maxLength: 8 },
  )
  .map((entries) => {
    const m: FlowMatch = {};
    for (const [name, fv] of entries) m[name] = fv;
    return m;
  });

const setFieldArb: fc.Arbitrary<Action> = fc
  .constantFrom(...FIELD_ORDER)
  .chain((field) => fieldValue(field).map((value): Action => ({ type: 'set_field', field, value })));

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constant('output' as const), port, maxLen: fc.oneof(u16, fc.constantFrom(0, 0xffff, 0xffe5)) }),
  fc.record({
    type: fc.constantFrom('push_vlan' as const, 'push_mpls' as const, 'pop_mpls' as const),
    ethertype: fc.oneof(fc.constantFrom(0x8100, 0x88a8, 0x8847, 0x8848, 0x0800), u16),
  }),
  fc.constantFrom<Action>({ type: 'pop_vlan' }, { type: 'dec_nw_ttl' }),
  fc.record({ type: fc.constant('set_queue' as const), queueId: u32 }),
  fc.record({ type: fc.constant('group' as const), groupId: u32 }),
  setFieldArb,
);
const actionsArb = fc.array(actionArb, { maxLength: 5 });

const instructionArb: fc.Arbitrary<Instruction> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constantFrom('apply_actions' as const, 'write_actions' as const), actions: actionsArb }), weight: 3 },
  { arbitrary: fc.constant<Instruction>({ type: 'clear_actions' }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('goto_table' as const), tableId: u8 }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('meter' as const), meterId: u32 }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('write_metadata' as const), metadata: u64, mask: u64 }), weight: 1 },
);

const dataArb = fc.uint8Array({ maxLength: 160 }).map((b) => Buffer.from(b));

const flowModArb: fc.Arbitrary<MessageOf<'flow_mod'>> = fc.record({
  version: fc.constant(OFP13),
  xid: u32,
  type: fc.constant('flow_mod' as const),
  cookie: u64,
  cookieMask: u64,
  tableId: u8,
  command: fc.oneof(fc.integer({ min: 0, max: 4 }), u8),
  idleTimeout: u16,
  hardTimeout: u16,
  priority: u16,
  bufferId: fc.oneof(u32, fc.constant(0xffffffff)),
  outPort: port,
  outGroup: fc.oneof(u32, fc.constant(0xffffffff)),
  flags: u16,
  match: matchArb,
  instructions: fc.array(instructionArb, { maxLength: 4 }),
});

const packetOutArb: fc.Arbitrary<MessageOf<'packet_out'>> = fc.record({
  version: fc.constant(OFP13),
  xid: u32,
  type: fc.constant('packet_out' as const),
  bufferId: fc.oneof(u32, fc.constant(0xffffffff)),
  inPort: port,
  actions: actionsArb,
  data: dataArb,
});

const packetInArb: fc.Arbitrary<MessageOf<'packet_in'>> = fc.record({
  version: fc.constant(OFP13),
  xid: u32,
  type: fc.constant('packet_in' as const),
  bufferId: fc.oneof(u32, fc.constant(0xffffffff)),
  totalLen: u16,
  reason: u8,
  tableId: u8,
  cookie: u64,
  match: matchArb,
  data: dataArb,
});

const hotArb: fc.Arbitrary<OfMessage> = fc.oneof(flowModArb, packetOutArb, packetInArb);

// ---------------------------------------------------------------- generators (codec messages with uncommon parts)

const notProxyField = fc.constantFrom<OxmTlv>(
  { field: 'tunnel_id', value: 5n },
  { field: 'pbb_isid', value: 0x123456 },
  { field: 'in_phy_port', value: 3 },
  { field: 'ipv6_exthdr', value: 0x1ff },
  { field: 'tunnel_id', value: 5n, mask: 0xffn },
);
const rawOxm: fc.Arbitrary<OxmTlv> = fc
  .record({
    oxmClass: fc.constantFrom(0x0000, 0x0001, 0x8000, 0xffff),
    oxmField: fc.integer({ min: 40, max: 127 }),
    len: fc.integer({ min: 0, max: 12 }),
    masked: fc.boolean(),
  })
  .chain(({ oxmClass, oxmField, len, masked }) =>
    fc.uint8Array({ minLength: len, maxLength: len }).map((v): OxmTlv => {
      const value = Buffer.from(v);
      return masked
        ? { field: 'raw', oxmClass, oxmField, value, mask: Buffer.from(value).reverse() }
        : { field: 'raw', oxmClass, oxmField, value };
    }),
  );
/** A masked set-field of a proxy field (the codec reads it; the proxy calls it unsupported). */
const maskedSetField: fc.Arbitrary<Action13> = fc.constantFrom(...FIELD_ORDER).chain((name) =>
  fc.tuple(fieldValue(name), fieldMask(name)).map(
    ([value, mask]): Action13 => ({
      type: 'set_field',
      field: { field: name, value: bigintToOxm(name, value), mask: bigintToOxm(name, mask) },
    }),
  ),
);
const uncommonAction: fc.Arbitrary<Action13> = fc.oneof(
  fc.constantFrom<Action13>({ type: 'copy_ttl_out' }, { type: 'copy_ttl_in' }, { type: 'dec_mpls_ttl' }, { type: 'pop_pbb' }),
  fc.record({ type: fc.constantFrom('set_mpls_ttl' as const, 'set_nw_ttl' as const), ttl: u8 }),
  fc.record({ type: fc.constant('push_pbb' as const), ethertype: u16 }),
  fc.record({
    type: fc.constant('experimenter' as const),
    experimenter: fc.constantFrom(0x2320, 0x4f4e4600),
    data: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
  }),
  maskedSetField,
  fc.oneof(notProxyField, rawOxm).map((field): Action13 => ({ type: 'set_field', field })),
);
const uncommonInstruction: fc.Arbitrary<Instruction13> = fc.oneof(
  fc.record({
    type: fc.constant('experimenter' as const),
    experimenter: fc.constantFrom(0x2320, 0xff000001),
    data: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
  }),
  fc.record({
    type: fc.constantFrom('apply_actions' as const, 'write_actions' as const),
    actions: fc.array(uncommonAction, { minLength: 1, maxLength: 2 }),
  }),
);

const insertAt = <T>(list: readonly T[], at: number, x: T): T[] => [
  ...list.slice(0, at % (list.length + 1)),
  x,
  ...list.slice(at % (list.length + 1)),
];

/** A hot message at codec level with one uncommon part spliced in (match field, action or instruction). */
const uncommonWireArb: fc.Arbitrary<WireMessage> = fc
  .tuple(
    hotArb,
    fc.nat(),
    fc.oneof(
      fc.oneof(notProxyField, rawOxm).map((t) => ({ kind: 'match' as const, t })),
      uncommonAction.map((a) => ({ kind: 'action' as const, a })),
      uncommonInstruction.map((i) => ({ kind: 'instruction' as const, i })),
    ),
  )
  .map(([m, at, part]): WireMessage => {
    const w = toWire(m) as Message13;
    if (w.type === 'flow_mod') {
      if (part.kind === 'match') return { ...w, match: insertAt(w.match, at, part.t) };
      if (part.kind === 'instruction') return { ...w, instructions: insertAt(w.instructions, at, part.i) };
      return { ...w, instructions: insertAt(w.instructions, at, { type: 'apply_actions', actions: [part.a] }) };
    }
    if (w.type === 'packet_in') return part.kind === 'match' ? { ...w, match: insertAt(w.match, at, part.t) } : w;
    if (w.type === 'packet_out') return part.kind === 'action' ? { ...w, actions: insertAt(w.actions, at, part.a) } : w;
    return w;
  });

/**
 * A flow-mod or packet-in whose match is valid but not in canonical form: TLVs out of field order,
 * full masks spelled out, a field repeated (the codec path keeps the last one).
 */
const nonCanonicalWireArb: fc.Arbitrary<WireMessage> = fc
  .tuple(
    fc.oneof(flowModArb, packetInArb).filter((m) => Object.keys(m.match).length > 0),
    fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
  )
  .map(([m, order, spellMask, dup]): WireMessage => {
    const tlvs = scrambled(matchToOxm(m.match), order, spellMask, dup);
    const w = toWire(m) as Message13;
    return w.type === 'flow_mod' || w.type === 'packet_in' ? { ...w, match: tlvs } : w;
  });

/** TLVs in the order of the `order` ranks, full masks spelled out where `spellMask`, and `dup`'s repeated field (the codec keeps the last). */
function scrambled(tlvs: OxmTlv[], order: number[], spellMask: boolean[], dup: [number, number] | undefined): OxmTlv[] {
  let out = tlvs.map((t, i): OxmTlv => {
    if (t.field === 'raw' || t.mask !== undefined || !spellMask[i]) return t;
    return { ...t, mask: bigintToOxm(t.field as FieldName, fullMask(t.field as FieldName)) };
  });
  out = out
    .map((t, i) => [t, order[i]!] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([t]) => t);
  if (dup && out.length > 0) out = insertAt(out, dup[1], out[dup[0] % out.length]!);
  return out;
}

// ---------------------------------------------------------------- property 1: common-case messages

test('property: generated 1.3 flow-mods are written exactly as encodeMessage(toWire(m)) and read exactly as fromWire(decodeMessage(b))', () => {
  fc.assert(fc.property(flowModArb, checkCommon), { numRuns: RUNS });
});

test('property: generated 1.3 packet-outs are written and read exactly as by the codec path', () => {
  fc.assert(fc.property(packetOutArb, checkCommon), { numRuns: RUNS });
});

test('property: generated 1.3 packet-ins are written and read exactly as by the codec path', () => {
  fc.assert(fc.property(packetInArb, checkCommon), { numRuns: RUNS });
});

test('property: reading back what was written gives the message with full masks dropped (order-independent)', () => {
  fc.assert(
    fc.property(hotArb, (m) => {
      const bytes = writeHot(m);
      assert.ok(bytes);
      const fast = readMsg(bytes);
      assert.ok(fast);
      const back = withoutHint(fast, bytes);
      const norm = (x: FlowMatch): FlowMatch =>
        Object.fromEntries(
          Object.entries(x).map(([k, fv]) => [
            k,
            fv!.mask === undefined || fv!.mask === fullMask(k as FieldName) ? { value: fv!.value } : { value: fv!.value, mask: fv!.mask },
          ]),
        );
      const expected = 'match' in m ? { ...m, match: norm(m.match) } : m;
      assert.deepEqual(plain(back), plain(expected));
    }),
    { numRuns: RUNS },
  );
});

test('property: matches in non-canonical form (out of order, full masks spelled out, repeated fields): read exactly as fromWire, with a correct matchKey hint if any', () => {
  let answered = 0;
  fc.assert(
    fc.property(nonCanonicalWireArb, (w) => {
      if (checkRead(encodeMessage(w))) answered++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(answered > RUNS / 2, `only ${answered} of ${RUNS} valid non-canonical matches were read by the fast path`);
});

test("property: 1.3 flow-mods read and written straight back (a rewritten rule that is its tenant's own match: its bytes are copied from the frame), also after another was read and with other fields changed: exactly the codec bytes", () => {
  let copied = 0;
  fc.assert(
    fc.property(flowModArb, flowModArb, nonCanonicalWireArb, (a, b, w) => {
      const fa = writeHot(a)!,
        fb = writeHot(b)!;
      const ra = readMsg(fa),
        rb = readMsg(fb);
      assert.ok(ra && rb && ra.type === 'flow_mod' && rb.type === 'flow_mod');
      // b was read last; a's match is written after it (its own bytes, not b's).
      checkWriteContract(rb);
      checkWriteContract(ra);
      checkWriteContract({ ...rb, priority: (rb.priority + 1) & 0xffff, cookie: 7n, instructions: [] });
      assert.equal(writeHot(rb)!.toString('hex'), fb.toString('hex'), 'the copied match writes the frame it came from');
      if (rb.matchKeyAt !== undefined) copied++;
      // A non-canonical frame's match (never copied) right after a canonical one was read.
      const rw = readMsg(Buffer.from(encodeMessage(w)));
      if (rw) checkWriteContract(rw);
      checkWriteContract(rb);
    }),
    { numRuns: RUNS },
  );
  assert.ok(copied > RUNS / 2, `only ${copied} of ${RUNS} flow-mods had a canonical match`);
});

/** Open vSwitch's order of match fields (nx-match.c nx_put_raw) by OXM field number; others after, by number. */
const OVS_RANK: Record<number, number> = { 0: 0, 4: 1, 3: 2, 5: 3, 6: 4, 7: 5, 11: 6, 12: 7, 26: 8, 27: 9, 28: 10, 8: 11, 9: 12, 10: 13 };
const OXM_NUMBER = new Map<string, number>(OXM_FIELDS.map((f) => [f.name, f.number]));
const ovsRank = (t: OxmTlv): number => {
  const n = t.field === 'raw' ? 0xff : OXM_NUMBER.get(t.field)!;
  return OVS_RANK[n] ?? 100 + n;
};

/**
 * The same fields with other values: each value's lowest bit flipped, and where `remask` an exact
 * field made masked (all bits but the lowest) or a masked one exact: the same field order, TLVs of
 * other lengths.
 */
function twin(m: FlowMatch, remask: boolean): FlowMatch {
  const out: FlowMatch = {};
  for (const [k, fv] of Object.entries(m) as Array<[FieldName, FieldValue]>) {
    const full = fullMask(k);
    const mask = !remask ? fv.mask : fv.mask === undefined ? full ^ 1n : undefined;
    const value = (fv.value ^ 1n) & (mask ?? full);
    out[k] = mask === undefined ? { value } : { value, mask };
  }
  return out;
}

/**
 * Two 1.3 flow-mods' wire forms whose match TLVs are in one order — canonical, Open vSwitch's, or
 * any order with full masks spelled out and perhaps a field repeated (the codec keeps the last) —
 * the second with the first's fields and other values (see twin).
 */
const orderedFlowModsArb: fc.Arbitrary<WireMessage[]> = fc
  .tuple(
    flowModArb,
    fc.constantFrom('canonical', 'ovs', 'any'),
    fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
    fc.boolean(),
  )
  .map(([m, how, order, spellMask, dup, remask]): WireMessage[] =>
    [m.match, twin(m.match, remask)].map((match) => {
      const w = toWire({ ...m, match }) as FlowMod13;
      let tlvs = [...w.match];
      if (how === 'ovs') tlvs = [...tlvs].sort((a, b) => ovsRank(a) - ovsRank(b));
      if (how === 'any') tlvs = scrambled(tlvs, order, spellMask, dup);
      return { ...w, match: tlvs };
    }),
  );

test("property: sequences of 1.3 flow-mods in canonical, Open vSwitch's or any TLV order (masked fields, every field kind, repeated fields), each followed by one in the same field order (the sort's kept permutation): each read exactly as the codec path, keyed by matchKey(match), and its match written back (copied from the frame or from the key the reader sorted) exactly as the codec bytes, also after keys of other lengths were sorted", () => {
  let sorted = 0,
    inFrame = 0;
  fc.assert(
    fc.property(fc.array(orderedFlowModsArb, { minLength: 1, maxLength: 4 }), (pairs) => {
      const read: OfMessage[] = [];
      for (const w of pairs.flat()) {
        const b = Buffer.from(encodeMessage(w));
        const r = checkRead(b);
        if (!r || r.type !== 'flow_mod') continue;
        if (r.matchKeyAt !== undefined) inFrame++;
        else if (readKeyMatch() === r.match) sorted++;
        checkWriteContract(r);
        checkWriteContract({ ...r, priority: (r.priority + 1) & 0xffff, instructions: [] });
        read.push(r);
      }
      // Earlier matches written after later ones were read: from their own fields, not the last key.
      for (const r of read) checkWriteContract(r);
    }),
    { numRuns: RUNS },
  );
  assert.ok(sorted > RUNS / 10, `only ${sorted} flow-mods were keyed by the bytes the reader sorted`);
  assert.ok(inFrame > RUNS / 2, `only ${inFrame} flow-mods were keyed by their frame's bytes`);
});

test('property: messages with uncommon parts (experimenter, masked or non-proxy set-field, other OXM classes…): read exactly as fromWire, or refused exactly as fromWire refuses', () => {
  let answered = 0;
  fc.assert(
    fc.property(uncommonWireArb, (w) => {
      const bytes = encodeMessage(w);
      if (checkRead(bytes)) answered++;
    }),
    { numRuns: RUNS },
  );
  // Unsupported actions are read (as `unsupported`); match fields the proxy does not slice are refused.
  assert.ok(answered < RUNS, 'no message with an uncommon part was refused');
  assert.ok(answered > 0, 'every message with an uncommon part was refused');
});

// ---------------------------------------------------------------- property 2: mutated bytes

/** Offsets (and widths) of the length fields of a well-formed hot 1.3 message. */
function lengthFields(b: Buffer): Array<[number, 1 | 2]> {
  const out: Array<[number, 1 | 2]> = [[2, 2]];
  const oxms = (from: number, to: number) => {
    for (let p = from; p + 4 <= to; p += 4 + b[p + 3]!) out.push([p + 3, 1]);
  };
  const actions = (from: number, to: number) => {
    for (let p = from; p + 4 <= to; ) {
      const len = b.readUInt16BE(p + 2);
      out.push([p + 2, 2]);
      if (b.readUInt16BE(p) === 25) out.push([p + 7, 1]);
      if (len < 8) break;
      p += len;
    }
  };
  const match = (at: number): number => {
    const len = b.readUInt16BE(at + 2);
    out.push([at + 2, 2]);
    oxms(at + 4, at + len);
    return at + ((len + 7) & ~7);
  };
  switch (b[1]) {
    case 14: {
      for (let p = match(48); p + 4 <= b.length; ) {
        const len = b.readUInt16BE(p + 2);
        out.push([p + 2, 2]);
        const type = b.readUInt16BE(p);
        if (type === 3 || type === 4) actions(p + 8, p + len);
        if (len < 8) break;
        p += len;
      }
      break;
    }
    case 13:
      out.push([16, 2]);
      actions(24, 24 + b.readUInt16BE(16));
      break;
    case 10:
      match(24);
      break;
  }
  return out;
}

type Mutation =
  | { kind: 'set'; at: number; v: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'length'; which: number; delta: number; v: number; absolute: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      v: fc.oneof(u8, fc.constantFrom(0, 1, 4, 8, 0x10, 0x80, 0xff)),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      which: fc.nat(),
      delta: fc.constantFrom(-16, -8, -4, -2, -1, 1, 2, 4, 8, 16),
      v: fc.oneof(u16, fc.integer({ min: 0, max: 40 })),
      absolute: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }), weight: 1 },
);

function mutate(orig: Buffer, muts: readonly Mutation[], fixLength: boolean): Buffer {
  let b = Buffer.from(orig);
  const lens = lengthFields(orig);
  for (const m of muts) {
    if (b.length === 0) break;
    switch (m.kind) {
      case 'set':
        b[m.at % b.length] = m.v;
        break;
      case 'flip':
        b[m.at % b.length]! ^= 1 << m.bit;
        break;
      case 'length': {
        const [at, width] = lens[m.which % lens.length]!;
        if (at + width > b.length) break;
        const max = width === 1 ? 0xff : 0xffff;
        const old = width === 1 ? b[at]! : b.readUInt16BE(at);
        const v = m.absolute ? m.v & max : (old + m.delta + max + 1) & max;
        if (width === 1) b[at] = v;
        else b.writeUInt16BE(v, at);
        break;
      }
      case 'truncate':
        b = b.subarray(0, m.at % (b.length + 1));
        break;
      case 'insert': {
        const at = m.at % (b.length + 1);
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      }
      case 'delete': {
        const at = m.at % b.length;
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
        break;
      }
    }
  }
  if (fixLength && b.length >= 4 && b.length <= 0xffff) b.writeUInt16BE(b.length, 2);
  return Buffer.from(b);
}

const baseBytesArb: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: hotArb.map((m) => encodeMessage(toWire(m))), weight: 4 },
  { arbitrary: uncommonWireArb.map((w) => encodeMessage(w)), weight: 1 },
  { arbitrary: nonCanonicalWireArb.map((w) => encodeMessage(w)), weight: 1 },
);

test('property: mutated messages (bytes overwritten or flipped, lengths changed, truncated, grown): the reader answers exactly as the codec path (message, refusal or malformed)', () => {
  let answered = 0;
  const runs = 5 * RUNS;
  fc.assert(
    fc.property(
      baseBytesArb,
      fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
      (orig, muts, fixLength) => {
        if (checkRead(mutate(orig, muts, fixLength))) answered++;
      },
    ),
    { numRuns: runs },
  );
  // The mutations must leave enough messages readable for the comparison to mean something.
  assert.ok(answered > runs / 10, `only ${answered} of ${runs} mutated messages were read by the fast path`);
});

test('property: random bytes under a 1.3 hot-message header: the reader never throws, and answers exactly as the codec path', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 200 }), fc.constantFrom(10, 13, 14), (bytes, type) => {
      const b = Buffer.from(bytes);
      b[0] = OFP13;
      b[1] = type;
      b.writeUInt16BE(b.length, 2);
      // Give the match / actions headers plausible values half of the time so readers go deeper.
      if (b.length >= 52 && b[5]! & 1) {
        if (type === 14) b.writeUInt16BE(1, 48);
        if (type === 10 && b.length >= 28) b.writeUInt16BE(1, 24);
        if (type === 13) b.writeUInt16BE(Math.min(b.length - 24, b[6]! & 0xf8), 16);
      }
      checkRead(b);
    }),
    { numRuns: 2000 },
  );
});

// ---------------------------------------------------------------- property 3: writers and values they cannot write

type Path = Array<string | number>;

/** Paths to the numeric (number or bigint) values of a neutral message, the version excepted. */
function numericPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (typeof v === 'number' || typeof v === 'bigint') out.push(path);
  else if (Buffer.isBuffer(v)) return out;
  else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) numericPaths(x, [...path, i], out);
  } else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) if (k !== 'version') numericPaths(x, [...path, k], out);
  return out;
}

const getAt = (v: unknown, path: Path): unknown => path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);

function replaceAt(v: unknown, path: Path, x: unknown): unknown {
  if (path.length === 0) return x;
  const [h, ...rest] = path;
  if (Array.isArray(v)) return v.map((e, i) => (i === h ? replaceAt(e, rest, x) : e));
  const o = v as Record<string, unknown>;
  return { ...o, [h!]: replaceAt(o[h!], rest, x) };
}

/** The write contract on any message: the writer's bytes are exactly the codec's; it throws a RangeError exactly when the codec path throws. */
function checkWriteContract(m: OfMessage): boolean {
  let fast: Buffer | null | Error;
  try {
    fast = writeHot(m);
  } catch (e) {
    assert.ok(e instanceof RangeError, `writeHot threw ${String(e)} (not a RangeError) on ${show(m)}`);
    fast = e;
  }
  const slow = slowWrite(m);
  if (!slow.ok) {
    assert.ok(
      fast instanceof Error,
      `writeHot wrote ${Buffer.isBuffer(fast) ? fast.toString('hex') : String(fast)} where the codec path throws ${String(slow.error)}: ${show(m)}`,
    );
  } else {
    assert.ok(
      Buffer.isBuffer(fast),
      `writeHot answered ${String(fast)} where the codec path writes ${slow.bytes.toString('hex')}: ${show(m)}`,
    );
    assert.equal(fast.toString('hex'), slow.bytes.toString('hex'), `writer bytes differ for ${show(m)}`);
  }
  return slow.ok;
}

const wideInteger = fc.constantFrom(-1, -0x100, 0x100, 0x10000, 0x1000000, 2 ** 32, 2 ** 33, 2 ** 48, 2 ** 53, 2 ** 64);
const wideBigint = fc.constantFrom(
  -1n,
  -(1n << 64n),
  1n << 8n,
  1n << 13n,
  1n << 16n,
  1n << 20n,
  1n << 32n,
  1n << 48n,
  1n << 50n,
  1n << 64n,
  1n << 128n,
  (1n << 130n) + 5n,
);

test('property: one value replaced by an out-of-range integer (negative, wider than its field or number): the writer gives exactly the codec bytes, or a RangeError exactly when the codec path throws', () => {
  fc.assert(
    fc.property(hotArb, fc.nat(), wideInteger, wideBigint, (m, pick, n, big) => {
      const paths = numericPaths(m);
      const path = paths[pick % paths.length]!;
      const old = getAt(m, path);
      checkWriteContract(replaceAt(m, path, typeof old === 'bigint' ? big : n) as OfMessage);
    }),
    { numRuns: RUNS },
  );
});

test('property: one number replaced by a non-integer (1.5, NaN, Infinity): the writer gives exactly the codec bytes, or a RangeError exactly when the codec path throws', () => {
  fc.assert(
    fc.property(hotArb, fc.nat(), fc.constantFrom(0.5, 1.5, 255.5, 65535.5, NaN, Infinity, -Infinity), (m, pick, x) => {
      const paths = numericPaths(m).filter((p) => typeof getAt(m, p) === 'number');
      const path = paths[pick % paths.length]!;
      checkWriteContract(replaceAt(m, path, x) as OfMessage);
    }),
    { numRuns: RUNS },
  );
});

const baseFlowMod: MessageOf<'flow_mod'> = {
  version: OFP13,
  xid: 7,
  type: 'flow_mod',
  cookie: 0n,
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 0,
  hardTimeout: 0,
  priority: 100,
  bufferId: 0xffffffff,
  outPort: OFPP13.ANY,
  outGroup: 0xffffffff,
  flags: 0,
  match: { in_port: { value: 1n } },
  instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
};
const basePacketOut: MessageOf<'packet_out'> = {
  version: OFP13,
  xid: 8,
  type: 'packet_out',
  bufferId: 0xffffffff,
  inPort: OFPP13.CONTROLLER,
  actions: [{ type: 'output', port: 1, maxLen: 0 }],
  data: Buffer.from('abc'),
};
const basePacketIn: MessageOf<'packet_in'> = {
  version: OFP13,
  xid: 9,
  type: 'packet_in',
  bufferId: 0xffffffff,
  totalLen: 3,
  reason: 0,
  tableId: 0,
  cookie: 0n,
  match: { in_port: { value: 1n } },
  data: Buffer.from('abc'),
};
const fmMatch = (match: FlowMatch): OfMessage => ({ ...baseFlowMod, match });
const fmActions = (actions: Action[]): OfMessage => ({ ...baseFlowMod, instructions: [{ type: 'apply_actions', actions }] });

/** Messages the writers cannot encode (and neither can the codec path). */
const UNWRITABLE: Array<[string, OfMessage]> = [
  [
    'unsupported action in a flow-mod',
    fmActions([
      { type: 'output', port: 1, maxLen: 0 },
      { type: 'unsupported', code: 11 },
    ]),
  ],
  [
    'unsupported action in a write_actions',
    { ...baseFlowMod, instructions: [{ type: 'write_actions', actions: [{ type: 'unsupported', code: 0xffff }] }] },
  ],
  ['unsupported action in a packet-out', { ...basePacketOut, actions: [{ type: 'unsupported', code: 23 }] }],
  ['unsupported instruction', { ...baseFlowMod, instructions: [{ type: 'unsupported', code: 0xffff }] }],
  ['match in_port 2**33', fmMatch({ in_port: { value: 2n ** 33n } })],
  ['match in_port -1', fmMatch({ in_port: { value: -1n } })],
  ['packet-in match in_port 2**33', { ...basePacketIn, match: { in_port: { value: 2n ** 33n } } }],
  ['packet-out in_port 2**33', { ...basePacketOut, inPort: 2 ** 33 }],
  ['output port 2**33', fmActions([{ type: 'output', port: 2 ** 33, maxLen: 0 }])],
  ['output max_len 0x10000', fmActions([{ type: 'output', port: 1, maxLen: 0x10000 }])],
  ['vlan_vid 0x10000', fmMatch({ vlan_vid: { value: 0x10000n } })],
  ['vlan_pcp 0x100', fmMatch({ vlan_pcp: { value: 0x100n } })],
  ['ipv4_src mask 2**32', fmMatch({ ipv4_src: { value: 0n, mask: 2n ** 32n } })],
  ['metadata 2**64', fmMatch({ metadata: { value: 2n ** 64n } })],
  ['metadata -1', fmMatch({ metadata: { value: -1n } })],
  ['eth_src 2**50', fmMatch({ eth_src: { value: 2n ** 50n } })],
  ['eth_dst 2**48', fmMatch({ eth_dst: { value: 2n ** 48n } })],
  ['eth_src -1', fmMatch({ eth_src: { value: -1n } })],
  ['ipv4_dst 2**32', fmMatch({ ipv4_dst: { value: 2n ** 32n } })],
  ['ipv6_src 2**128', fmMatch({ ipv6_src: { value: 2n ** 128n } })],
  ['set_field eth_dst 2**48', fmActions([{ type: 'set_field', field: 'eth_dst', value: 2n ** 48n }])],
  ['set_field vlan_vid 0x10000', fmActions([{ type: 'set_field', field: 'vlan_vid', value: 0x10000n }])],
  ['set_field tcp_dst -1', fmActions([{ type: 'set_field', field: 'tcp_dst', value: -1n }])],
  ['write_metadata 2**64', { ...baseFlowMod, instructions: [{ type: 'write_metadata', metadata: 2n ** 64n, mask: 1n }] }],
  ['goto_table 256', { ...baseFlowMod, instructions: [{ type: 'goto_table', tableId: 256 }] }],
  ['xid 2**32', { ...baseFlowMod, xid: 2 ** 32 }],
  ['cookie 2**64', { ...baseFlowMod, cookie: 2n ** 64n }],
  ['packet-in total_len 0x10000', { ...basePacketIn, totalLen: 0x10000 }],
  ['packet-out longer than 65535 bytes', { ...basePacketOut, data: Buffer.alloc(0x10000) }],
];

test('writers throw a RangeError, and encodeNeutral gives an error value, for unsupported actions/instructions and values too wide for their field', () => {
  for (const [what, m] of UNWRITABLE) {
    assert.throws(() => writeHot(m), RangeError, what);
    assert.ok(encodeNeutral(m, 'switch') instanceof EncodeFailure, `${what}: encodeNeutral encoded it`);
  }
});

test('the codec path throws for those same messages', () => {
  const accepted: string[] = [];
  for (const [what, m] of UNWRITABLE) {
    const slow = slowWrite(m);
    if (slow.ok) accepted.push(`${what} → ${slow.bytes.toString('hex')}`);
  }
  assert.deepEqual(accepted, [], `encodeMessage(toWire(m)) did not throw for:\n  ${accepted.join('\n  ')}`);
});

test('writers answer null for other message types, and write 1.0 hot messages exactly as the codec path', () => {
  assert.equal(writeHot({ version: OFP13, xid: 1, type: 'barrier_request' }), null);
  assert.equal(writeHot({ version: OFP13, xid: 1, type: 'echo_request', data: Buffer.alloc(0) }), null);
  assert.equal(writeHot({ version: OFP10, xid: 1, type: 'barrier_request' }), null);
  for (const m of [
    { ...baseFlowMod, version: OFP10 },
    { ...basePacketOut, version: OFP10 },
    { ...basePacketIn, version: OFP10 },
  ] as OfMessage[])
    checkWriteContract(m);
});

// ---------------------------------------------------------------- property 4: matchKey

const shuffleArb = <T>(xs: readonly T[]): fc.Arbitrary<T[]> => fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

test('property: matchKey is the same whatever the insertion order of the fields and whether full masks are given or not', () => {
  fc.assert(
    fc.property(
      matchArb.chain((m) =>
        fc.tuple(fc.constant(m), shuffleArb(Object.keys(m) as FieldName[]), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 })),
      ),
      ([m, order, flips]) => {
        const other: FlowMatch = {};
        order.forEach((name, i) => {
          const fv = m[name]!;
          const full = fullMask(name);
          // Toggle between "no mask" and "mask = whole field" where the constraint is exact.
          if (flips[i] && fv.mask === undefined) other[name] = { value: fv.value, mask: full };
          else if (flips[i] && fv.mask === full) other[name] = { value: fv.value };
          else other[name] = { ...fv };
        });
        assert.equal(matchKey(other), matchKey(m), `${show(m)} vs ${show(other)}`);
      },
    ),
    { numRuns: RUNS },
  );
});

/** Small domains so that equal matches come up often. */
const KEY_FIELDS: FieldName[] = ['in_port', 'eth_src', 'vlan_vid', 'ipv4_dst', 'tcp_src', 'udp_src', 'metadata', 'ipv6_src'];
const smallMatchArb: fc.Arbitrary<FlowMatch> = fc
  .array(
    fc
      .constantFrom(...KEY_FIELDS)
      .chain((name) =>
        fc.tuple(
          fc.constant(name),
          fc.constantFrom(0n, 1n, fullMask(name)),
          fc.constantFrom<bigint | undefined>(undefined, undefined, fullMask(name), 1n, 0n),
        ),
      ),
    { maxLength: 3 },
  )
  .map((entries) => {
    const m: FlowMatch = {};
    for (const [name, value, mask] of entries) m[name] = mask === undefined ? { value } : { value, mask };
    return m;
  });

test('property: matchKey(a) === matchKey(b) exactly when a and b have the same OXM form (same fields, values and non-full masks)', () => {
  fc.assert(
    fc.property(smallMatchArb, smallMatchArb, (a, b) => {
      const sameForm = isDeepStrictEqual(matchToOxm(a), matchToOxm(b));
      assert.equal(matchKey(a) === matchKey(b), sameForm, `${show(a)} vs ${show(b)}`);
    }),
    { numRuns: 2 * RUNS },
  );
});

test('matchKey: fixed cases (order, full masks, different values / masks / fields, too-wide values fall back to text)', () => {
  const a: FlowMatch = { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a000000n, mask: 0xff000000n } };
  const b: FlowMatch = { ipv4_src: { value: 0x0a000000n, mask: 0xff000000n }, eth_type: { value: 0x800n }, in_port: { value: 1n } };
  assert.equal(matchKey(a), matchKey(b));
  assert.equal(matchKey({ ...a, in_port: { value: 1n, mask: 0xffffffffn } }), matchKey(a));
  assert.equal(matchKey({ vlan_vid: { value: 0x1005n, mask: 0x1fffn } }), matchKey({ vlan_vid: { value: 0x1005n } }));
  assert.equal(matchKey({ ipv6_dst: { value: 1n, mask: (1n << 128n) - 1n } }), matchKey({ ipv6_dst: { value: 1n } }));
  assert.equal(matchKey({}), matchKey({}));

  const keys = [
    matchKey(a),
    matchKey({ ...a, in_port: { value: 2n } }),
    matchKey({ ...a, ipv4_src: { value: 0x0a000000n, mask: 0xffff0000n } }),
    matchKey({ ...a, ipv4_src: { value: 0x0a000000n } }),
    matchKey({ in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_dst: { value: 0x0a000000n, mask: 0xff000000n } }),
    matchKey({ tcp_src: { value: 80n } }),
    matchKey({ udp_src: { value: 80n } }),
    matchKey({ tcp_src: { value: 80n, mask: 0xfff0n } }),
    matchKey({ vlan_vid: { value: 0x1005n, mask: 0xffffn } }),
    matchKey({ vlan_vid: { value: 0x1005n } }),
    matchKey({}),
    matchKey({ metadata: { value: 1n } }),
    matchKey({ metadata: { value: 1n << 63n } }),
  ];
  assert.equal(new Set(keys).size, keys.length, `colliding keys: ${show(keys)}`);

  // Too-wide values: no throw, a text key, distinct from each other and from the wrapped in-range values.
  const wide: FlowMatch[] = [
    { eth_src: { value: 2n ** 50n } },
    { eth_src: { value: 2n ** 51n } },
    { eth_src: { value: 0n } },
    { in_port: { value: 2n ** 33n } },
    { in_port: { value: 0n } },
    { metadata: { value: 2n ** 64n } },
    { metadata: { value: 0n } },
    { ipv6_src: { value: 2n ** 128n } },
    { ipv6_src: { value: 0n } },
    { eth_src: { value: -1n } },
    { eth_src: { value: 0xffffffffffffn } },
    { in_port: { value: 1n }, ipv4_src: { value: 2n ** 32n, mask: 2n ** 33n } },
  ];
  const wideKeys = wide.map((m) => {
    let k = '';
    assert.doesNotThrow(() => {
      k = matchKey(m);
    }, show(m));
    assert.equal(typeof k, 'string');
    return k;
  });
  assert.equal(new Set(wideKeys).size, wideKeys.length, `colliding keys: ${show(wideKeys)}`);
  assert.equal(matchKey({ eth_src: { value: 2n ** 50n } }), matchKey({ eth_src: { value: 2n ** 50n } }));
});

// ---------------------------------------------------------------- 5: fixed examples

test('a learning-switch flow-mod built by the codec is read with concrete values, and written back to the same bytes', () => {
  const wire: WireMessage = {
    version: 4,
    type: 'flow_mod',
    xid: 0x1234,
    cookie: 0x20n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 60,
    hardTimeout: 0,
    priority: 1,
    bufferId: 0xffffffff,
    outPort: OFPP13.ANY,
    outGroup: 0xffffffff,
    flags: 1,
    match: [
      { field: 'in_port', value: 1 },
      { field: 'eth_dst', value: '00:11:22:33:44:55' },
      { field: 'eth_src', value: '66:77:88:99:aa:bb' },
    ],
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
  };
  const bytes = encodeMessage(wire);
  const m = readMsg(bytes);
  assert.ok(m && m.type === 'flow_mod');
  assert.equal(m.version, OFP13);
  assert.equal(m.xid, 0x1234);
  assert.equal(m.cookie, 0x20n);
  assert.equal(m.idleTimeout, 60);
  assert.equal(m.priority, 1);
  assert.equal(m.bufferId, 0xffffffff);
  assert.equal(m.outPort, OFPP13.ANY);
  assert.equal(m.flags, 1);
  assert.deepEqual(m.match, { in_port: { value: 1n }, eth_dst: { value: 0x001122334455n }, eth_src: { value: 0x66778899aabbn } });
  assert.deepEqual(m.instructions, [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }]);
  checkRead(bytes);
  const out = writeHot(m);
  assert.ok(out);
  assert.equal(out.toString('hex'), bytes.toString('hex'));
});

test('fixed examples: a packet-in with a masked match and a flood packet-out, read with concrete values', () => {
  const frame = Buffer.from('ffffffffffff00112233445508060001', 'hex');
  const pinBytes = encodeMessage({
    version: 4,
    type: 'packet_in',
    xid: 0,
    bufferId: 0xffffffff,
    totalLen: frame.length,
    reason: 0,
    tableId: 3,
    cookie: 0xabcdn,
    match: [
      { field: 'in_port', value: 7 },
      { field: 'vlan_vid', value: OFPVID_PRESENT | 10, mask: OFPVID_PRESENT | 0xff },
      { field: 'ipv6_src', value: '2001:db8::1', mask: 'ffff:ffff::' },
    ],
    data: frame,
  });
  const pin = readMsg(pinBytes);
  assert.ok(pin && pin.type === 'packet_in');
  assert.equal(pin.tableId, 3);
  assert.equal(pin.cookie, 0xabcdn);
  assert.equal(pin.totalLen, frame.length);
  assert.deepEqual(pin.match, {
    in_port: { value: 7n },
    vlan_vid: { value: BigInt(OFPVID_PRESENT | 10), mask: BigInt(OFPVID_PRESENT | 0xff) },
    ipv6_src: { value: 0x20010db8000000000000000000000001n, mask: 0xffffffff000000000000000000000000n },
  });
  assert.equal(pin.data.toString('hex'), frame.toString('hex'));
  checkRead(pinBytes);
  assert.equal(writeHot(pin)?.toString('hex'), pinBytes.toString('hex'));

  const poBytes = encodeMessage({
    version: 4,
    type: 'packet_out',
    xid: 5,
    bufferId: 0xffffffff,
    inPort: 1,
    actions: [
      { type: 'set_field', field: { field: 'eth_dst', value: '0a:0b:0c:0d:0e:0f' } },
      { type: 'output', port: OFPP13.FLOOD, maxLen: 0 },
    ],
    data: frame,
  });
  const po = readMsg(poBytes);
  assert.ok(po && po.type === 'packet_out');
  assert.equal(po.inPort, 1);
  assert.deepEqual(po.actions, [
    { type: 'set_field', field: 'eth_dst', value: 0x0a0b0c0d0e0fn },
    { type: 'output', port: OFPP13.FLOOD, maxLen: 0 },
  ]);
  assert.equal(po.data.toString('hex'), frame.toString('hex'));
  checkRead(poBytes);
  assert.equal(writeHot(po)?.toString('hex'), poBytes.toString('hex'));
});

test('fixed examples of error values and uncommon parts: wrong lengths, masked set-field, experimenter action, non-proxy match field, 1.0 flow-mod', () => {
  const fm = encodeMessage(toWire(baseFlowMod));
  // A 1.0 flow-mod is read on the same path.
  const fm10 = readMsg(encodeMessage(toWire({ ...baseFlowMod, version: OFP10 })));
  assert.ok(fm10 && fm10.type === 'flow_mod' && fm10.version === OFP10);
  assert.deepEqual(fm10.match, baseFlowMod.match);
  // A 1.3 one whose header length is off by one, a stray byte, a truncated one: malformed.
  const longer = Buffer.concat([fm, Buffer.alloc(1)]);
  assert.deepEqual(readHot(longer), { refused: 'malformed', message: 'malformed' });
  longer.writeUInt16BE(longer.length, 2);
  assert.equal((readHot(longer) as { refused?: string }).refused, 'malformed', 'a stray byte after the instructions');
  assert.equal((readHot(fm.subarray(0, 40)) as { refused?: string }).refused, 'malformed');
  assert.equal(readHot(Buffer.alloc(0)), null);
  const fm13 = toWire(baseFlowMod) as FlowMod13;
  const withAction = (a: Action13) => encodeMessage({ ...fm13, instructions: [{ type: 'apply_actions', actions: [a] }] });
  const actionsOf = (b: Buffer) => {
    const m = readMsg(b);
    assert.ok(m && m.type === 'flow_mod');
    return m.instructions;
  };
  assert.deepEqual(actionsOf(withAction({ type: 'set_field', field: { field: 'ipv4_src', value: '10.0.0.1', mask: '255.0.0.0' } })), [
    { type: 'apply_actions', actions: [{ type: 'unsupported', code: 25 }] },
  ]);
  assert.deepEqual(actionsOf(withAction({ type: 'experimenter', experimenter: 0x2320, data: Buffer.alloc(4) })), [
    { type: 'apply_actions', actions: [{ type: 'unsupported', code: 0xffff }] },
  ]);
  assert.deepEqual(actionsOf(withAction({ type: 'set_field', field: { field: 'tunnel_id', value: 1n } })), [
    { type: 'apply_actions', actions: [{ type: 'unsupported', code: 25 }] },
  ]);
  assert.deepEqual(readHot(encodeMessage({ ...fm13, match: [{ field: 'tunnel_id', value: 1n }] })), {
    refused: 'eperm_match',
    message: 'match on tunnel_id is not sliced',
  });
  for (const b of [
    withAction({ type: 'experimenter', experimenter: 0x2320, data: Buffer.alloc(4) }),
    encodeMessage({ ...fm13, match: [{ field: 'tunnel_id', value: 1n }] }),
    longer,
  ])
    checkRead(b);
  assert.equal(readHot(encodeMessage({ version: 4, type: 'barrier_request', xid: 1 })), null);
});

// ---------------------------------------------------------------- 6: OpenFlow 1.0 on the same path

const mac10 = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
const ip10 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => [...b].join('.'));
const match10Arb: fc.Arbitrary<Match10> = fc.record({
  wildcards: fc.oneof(fc.constantFrom(0, OFPFW10.ALL, OFPFW10.ALL & ~OFPFW10.IN_PORT, 0x3820ff), u32),
  inPort: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(0xfff8, 0xfffb, 0xfffd, 0xfffe, 0xffff), u16),
  dlSrc: fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
  dlDst: fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
  dlVlan: fc.oneof(fc.constantFrom(0xffff, 0, 100), u16),
  dlVlanPcp: fc.oneof(fc.integer({ min: 0, max: 7 }), u8),
  dlType: fc.oneof(fc.constantFrom(0x0800, 0x0806, 0x86dd), u16),
  nwTos: u8,
  nwProto: fc.oneof(fc.constantFrom(1, 6, 17), u8),
  nwSrc: u32,
  nwDst: u32,
  tpSrc: u16,
  tpDst: u16,
});
const action10Arb: fc.Arbitrary<Action10> = fc.oneof(
  fc.record({
    type: fc.constant('output' as const),
    port: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(0xfff8, 0xfffb, 0xfffd, 0xffff), u16),
    maxLen: u16,
  }),
  fc.record({ type: fc.constant('set_vlan_vid' as const), vlanVid: u16 }),
  fc.record({ type: fc.constant('set_vlan_pcp' as const), vlanPcp: u8 }),
  fc.constant<Action10>({ type: 'strip_vlan' }),
  fc.record({ type: fc.constantFrom('set_dl_src' as const, 'set_dl_dst' as const), mac: mac10 }),
  fc.record({ type: fc.constantFrom('set_nw_src' as const, 'set_nw_dst' as const), ip: ip10 }),
  fc.record({ type: fc.constant('set_nw_tos' as const), tos: u8 }),
  fc.record({ type: fc.constantFrom('set_tp_src' as const, 'set_tp_dst' as const), port: u16 }),
  fc.record({ type: fc.constant('enqueue' as const), port: u16, queueId: u32 }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: fc.constantFrom(4, 12).map((n) => Buffer.alloc(n, 7)) }),
);
const actions10Arb = fc.array(action10Arb, { maxLength: 4 });
const hot10Arb: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({
    version: fc.constant(1 as const),
    type: fc.constant('flow_mod' as const),
    xid: u32,
    match: match10Arb,
    cookie: u64,
    command: fc.oneof(fc.integer({ min: 0, max: 4 }), u16),
    idleTimeout: u16,
    hardTimeout: u16,
    priority: u16,
    bufferId: fc.oneof(u32, fc.constant(0xffffffff)),
    outPort: fc.oneof(fc.constant(0xffff), u16),
    flags: u16,
    actions: actions10Arb,
  }),
  fc.record({
    version: fc.constant(1 as const),
    type: fc.constant('packet_out' as const),
    xid: u32,
    bufferId: fc.oneof(u32, fc.constant(0xffffffff)),
    inPort: fc.oneof(fc.constant(0xfffd), u16),
    actions: actions10Arb,
    data: dataArb,
  }),
  fc.record({
    version: fc.constant(1 as const),
    type: fc.constant('packet_in' as const),
    xid: u32,
    bufferId: u32,
    totalLen: u16,
    inPort: u16,
    reason: u8,
    data: dataArb,
  }),
);

test('property: OpenFlow 1.0 packet-ins, flow-mods and packet-outs are read exactly as fromWire(decodeMessage(b)), and what is read is written exactly as encodeMessage(toWire(m))', () => {
  let read = 0;
  fc.assert(
    fc.property(hot10Arb, (w) => {
      const m = checkRead(encodeMessage(w));
      if (!m) return;
      read++;
      assert.equal(m.version, OFP10);
      checkWriteContract(m);
    }),
    { numRuns: RUNS },
  );
  assert.ok(read > RUNS / 2, `only ${read} of ${RUNS} generated 1.0 messages were read`);
});

test('property: mutated and random OpenFlow 1.0 hot frames: the reader never throws and answers exactly as the codec path', () => {
  let read = 0;
  fc.assert(
    fc.property(
      hot10Arb,
      fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.boolean(),
      (w, sets, cut, truncate) => {
        let b = Buffer.from(encodeMessage(w));
        for (const [at, v] of sets) b[8 + (at % Math.max(1, b.length - 8))] = v;
        if (truncate) b = b.subarray(0, Math.max(8, cut % (b.length + 1)));
        b[0] = OFP10;
        b[1] = w.type === 'flow_mod' ? 14 : w.type === 'packet_out' ? 13 : 10;
        if (cut % 3 !== 0) b.writeUInt16BE(b.length, 2);
        if (checkRead(b)) read++;
      },
    ),
    { numRuns: 3 * RUNS },
  );
  assert.ok(read > RUNS / 10, `only ${read} mutated 1.0 frames were read`);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 120 }), fc.constantFrom(10, 13, 14), (bytes, type) => {
      const b = Buffer.from(bytes);
      b[0] = OFP10;
      b[1] = type;
      b.writeUInt16BE(b.length, 2);
      checkRead(b);
    }),
    { numRuns: 1000 },
  );
});

/** 1.0 flow-mods and packet-outs whose actions are outputs only (a learning switch's: read and written without the codec's action objects). */
const output10Arb = fc.record({
  type: fc.constant('output' as const),
  port: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(0xfff8, 0xfffb, 0xfffd, 0xffff), u16),
  maxLen: u16,
});
const outputs10Arb = fc.array(output10Arb, { minLength: 1, maxLength: 4 });
const outputsOnly10Arb: fc.Arbitrary<WireMessage> = hot10Arb
  .filter((w) => w.type !== 'packet_in')
  .chain((w) => outputs10Arb.map((actions) => ({ ...w, actions }) as WireMessage));

test('property: OpenFlow 1.0 flow-mods and packet-outs with outputs only, as sent, mutated and with out-of-range ports and lengths: read exactly as the codec path, written exactly as encodeMessage(toWire(m)) or refused exactly when it throws', () => {
  let read = 0;
  fc.assert(
    fc.property(outputsOnly10Arb, fc.array(fc.tuple(fc.nat(), u8), { maxLength: 2 }), fc.nat(), wideInteger, (w, sets, pick, n) => {
      const b = Buffer.from(encodeMessage(w));
      // Bytes overwritten inside the action list (types, lengths, ports), the length kept.
      const actionsAt = w.type === 'flow_mod' ? 72 : 16 + b.readUInt16BE(14) > b.length ? 16 : b.length - b.readUInt16BE(14);
      for (const [at, v] of sets) if (b.length > actionsAt) b[actionsAt + (at % (b.length - actionsAt))] = v;
      const m = checkRead(b);
      if (!m) return;
      read++;
      checkWriteContract(m);
      // One output's port or max length out of range (wider than 1.0's 16 bits, negative, fractional).
      const acts =
        m.type === 'flow_mod'
          ? (m.instructions[0] as { actions: Action[] } | undefined)?.actions
          : m.type === 'packet_out'
            ? m.actions
            : undefined;
      if (!acts || acts.length === 0) return;
      const i = pick % acts.length;
      const a = acts[i]!;
      if (a.type !== 'output') return;
      const wide = [...acts];
      wide[i] = pick % 3 === 0 ? { ...a, maxLen: n } : pick % 3 === 1 ? { ...a, port: n } : { ...a, port: a.port + 0.5 };
      checkWriteContract(
        m.type === 'flow_mod'
          ? { ...m, instructions: [{ type: pick % 2 ? 'apply_actions' : 'write_actions', actions: wide }] }
          : ({ ...m, actions: wide } as OfMessage),
      );
    }),
    { numRuns: 2 * RUNS },
  );
  assert.ok(read > RUNS / 2, `only ${read} of ${2 * RUNS} outputs-only 1.0 messages were read`);
});

function only10(m: FlowMatch): FlowMatch {
  const out: FlowMatch = {};
  for (const [k, v] of Object.entries(m)) if (MATCHABLE_10.has(k)) out[k as FieldName] = v;
  return out;
}

test('property: any neutral packet-in, flow-mod or packet-out written as OpenFlow 1.0 (matches with fields or masks 1.0 lacks, wide values): the writer gives exactly the codec bytes, or a RangeError exactly when the codec path throws', () => {
  let written = 0;
  fc.assert(
    fc.property(hotArb, fc.nat(), wideInteger, wideBigint, fc.boolean(), (m, pick, n, big, widen) => {
      checkWriteContract({ ...m, version: OFP10 } as OfMessage);
      // The same message with its match cut down to the fields 1.0 has (masks kept: 1.0 refuses most).
      const m10 = { ...m, version: OFP10, ...('match' in m ? { match: only10(m.match) } : {}) } as OfMessage;
      if (checkWriteContract(m10)) written++;
      if (!widen) return;
      const paths = numericPaths(m10);
      const path = paths[pick % paths.length]!;
      const old = getAt(m10, path);
      checkWriteContract(replaceAt(m10, path, typeof old === 'bigint' ? big : n) as OfMessage);
    }),
    { numRuns: RUNS },
  );
  assert.ok(written > RUNS / 10, `only ${written} of ${RUNS} messages with 1.0 fields were written`);
});

// ---------------------------------------------------------------- 7: shared field constraints

/**
 * Values the readers share constraints for (match-algebra.ts exactValue): wide ones (MACs, IPv4
 * addresses) that fall into the same slot of its cache (n and n + 4096k below 2^24 do), and small ones.
 */
const SHARED_POOL = [0x10000, 0x11000, 0x12000, 0x800000000001, 0x800000001001, 0xc0a80028, 0xc0a81028, 0xffffffffffff, 0, 1, 0x800];
const pooled = fc.constantFrom(...SHARED_POOL);
const pooledIpv4 = fc.constantFrom(...SHARED_POOL.filter((n) => n <= 0xffffffff));
const pooledFlowMod13: fc.Arbitrary<OfMessage> = fc
  .record({ src: pooled, dst: pooled, ipSrc: pooledIpv4, ipDst: pooledIpv4, port: fc.integer({ min: 1, max: 4 }) })
  .map(({ src, dst, ipSrc, ipDst, port }) =>
    fmMatch({
      in_port: { value: BigInt(port) },
      eth_dst: { value: BigInt(dst) },
      eth_src: { value: BigInt(src) },
      eth_type: { value: 0x800n },
      ipv4_src: { value: BigInt(ipSrc) },
      ipv4_dst: { value: BigInt(ipDst) },
    }),
  );
const baseFlowMod10 = {
  version: 1 as const,
  type: 'flow_mod' as const,
  xid: 1,
  cookie: 0n,
  command: 0,
  idleTimeout: 60,
  hardTimeout: 0,
  priority: 0xffff,
  bufferId: 0xffffffff,
  outPort: 0xffff,
  flags: 1,
  actions: [{ type: 'output' as const, port: 2, maxLen: 0 }],
};
const pooledFlowMod10: fc.Arbitrary<WireMessage> = fc
  .record({
    src: pooled,
    dst: pooled,
    ipSrc: pooledIpv4,
    ipDst: pooledIpv4,
    wildcards: fc.constantFrom(0, 0x3820ff & ~0xff, OFPFW10.ALL & ~OFPFW10.DL_SRC),
  })
  .map(({ src, dst, ipSrc, ipDst, wildcards }) => ({
    ...baseFlowMod10,
    match: {
      wildcards,
      inPort: 1,
      dlSrc: BigInt(src),
      dlDst: BigInt(dst),
      dlVlan: 0xffff,
      dlVlanPcp: 0,
      dlType: 0x0800,
      nwTos: 0,
      nwProto: 255,
      nwSrc: ipSrc,
      nwDst: ipDst,
      tpSrc: 0,
      tpDst: 0,
    },
  }));

test('property: sequences of 1.3 and 1.0 flow-mods whose values repeat and collide in the shared-constraint cache are each read exactly as the codec path', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          pooledFlowMod13.map((m) => encodeNeutral(m, 'tenant') as Buffer),
          pooledFlowMod10.map((w) => encodeMessage(w)),
        ),
        { minLength: 2, maxLength: 40 },
      ),
      (frames) => {
        for (const b of frames) assert.ok(checkRead(b), `not read: ${b.toString('hex')}`);
      },
    ),
    { numRuns: RUNS },
  );
});

test('a MAC or IPv4 value read again is the same constraint object (no bigint or object per repeated field), and a colliding value is its own', () => {
  const frame = (src: number, ip: number) =>
    encodeNeutral(
      fmMatch({ eth_src: { value: BigInt(src) }, eth_type: { value: 0x800n }, ipv4_dst: { value: BigInt(ip) } }),
      'tenant',
    ) as Buffer;
  const read = (b: Buffer) => (readHot(b) as MessageOf<'flow_mod'>).match;
  const a = read(frame(0x800000000001, 0xc0a80028));
  const b = read(frame(0x800000000001, 0xc0a80028));
  assert.equal(a.eth_src, b.eth_src);
  assert.equal(a.ipv4_dst, b.ipv4_dst);
  assert.equal(a.eth_type, b.eth_type);
  const c = read(frame(0x800000001001, 0xc0a80028)); // same cache slot as a's eth_src
  assert.deepEqual(c.eth_src, { value: 0x800000001001n });
  assert.deepEqual(read(frame(0x800000000001, 0xc0a80028)).eth_src, { value: 0x800000000001n });
});

test("property: a 1.0 flow-mod's match written as the reader wrote it (the rule that is its tenant's own match) gives the bytes the field-by-field writer gives for an equal match", () => {
  fc.assert(
    fc.property(match10Arb, (match) => {
      const w: WireMessage = { ...baseFlowMod10, match };
      const m = readHot(encodeMessage(w));
      assert.ok(m && !isRefusal(m) && m.type === 'flow_mod');
      const copied = writeHot(m)!.toString('hex');
      const clone: OfMessage = { ...m, match: { ...m.match } };
      assert.equal(copied, writeHot(clone)!.toString('hex'), `copied match of ${show(m.match)}`);
    }),
    { numRuns: RUNS * 3 },
  );
});

test("property: packet-ins carrying a port's shared in_port match (as the proxy delivers them) are written exactly as the codec path", () => {
  fc.assert(
    fc.property(packetInArb, fc.oneof(fc.integer({ min: 0, max: 64 }), u16, u32), (m, port) =>
      checkCommon({ ...m, match: inPortMatch(port) }),
    ),
    { numRuns: RUNS },
  );
});
