// The proxy's one translation (wire.ts: decodeFrame / encodeNeutral) against the codec as the oracle:
// every message of the captured Open vSwitch corpus (test/fixtures/openflow) and of the codec's hand-
// built samples (both versions) is decoded to a neutral message or an error value, never an
// exception; what decodes is what fromWire(decodeMessage(b)) gives; what the proxy can send is
// encoded and decodes back to the same neutral message; random frames never throw; and every
// message is counted under the path it took (wire-counts.ts, /metrics).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MATCH10_ALL } from '../../src/openflow/index.js';
import { OFP13, type OfMessage } from '../../src/proxy/messages.js';
import { fromWire, Untranslatable } from '../../src/proxy/translate.js';
import { DecodeFailure, decodeFrame, EncodeFailure, encodeNeutral } from '../../src/proxy/wire.js';
import { countFallback, fallbackCounts, wireCounts, type WireCount } from '../../src/proxy/wire-counts.js';
import { samples10, samples13 } from '../openflow/samples.js';
import { buildMetrics } from '../../src/node/metrics.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/openflow/', import.meta.url));
const corpus = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => Buffer.from(l, 'hex')),
  );
const frames = [...corpus, ...[...samples13, ...samples10].map((m) => encodeMessage(m))];

/** Buffers compared by content. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)));
const withoutHint = (m: OfMessage): OfMessage => {
  if (m.type !== 'flow_mod') return m;
  const { matchKeyAt: _k, ...rest } = m;
  return rest as OfMessage;
};

test('every corpus and sample frame decodes through decodeFrame exactly as the codec path (message or error value), and what the proxy can send round-trips', () => {
  assert.ok(corpus.length > 20 && frames.length > 80, 'the corpus and the samples are present');
  const paths = new Set<string>();
  let roundTrips = 0;
  for (const b of frames) {
    const d = decodeFrame(b, 'switch');
    const oracle = decodeMessage(b);
    if (!oracle.ok) {
      assert.ok(
        d instanceof DecodeFailure && d.kind === 'malformed',
        `${b.toString('hex')}: the codec rejects it but decodeFrame answered`,
      );
      assert.deepEqual(d.error, oracle.error, "the codec's diagnostic");
      continue;
    }
    let expected: OfMessage | Untranslatable;
    try {
      expected = fromWire(oracle.msg);
    } catch (e) {
      if (!(e instanceof Untranslatable)) throw e;
      expected = e;
    }
    if (expected instanceof Untranslatable) {
      assert.ok(d instanceof DecodeFailure, b.toString('hex'));
      assert.deepEqual([d.kind, d.message], [expected.kind, expected.message], b.toString('hex'));
      paths.add('refused');
      continue;
    }
    assert.ok(!(d instanceof DecodeFailure), `${b.toString('hex')}: ${JSON.stringify(plain(d))}`);
    assert.deepEqual(plain(withoutHint(d)), plain(expected), b.toString('hex'));
    paths.add(d.type);
    if (d.type === 'hello' || d.type === 'other') continue;
    const bytes = encodeNeutral(d, 'switch');
    if (bytes instanceof EncodeFailure) continue; // e.g. a multipart kind the proxy never sends
    const back = decodeFrame(bytes, 'switch');
    assert.ok(!(back instanceof DecodeFailure), `${d.type}: its own bytes ${bytes.toString('hex')} do not decode`);
    assert.deepEqual(plain(withoutHint(back)), plain(withoutHint(d)), `${d.type} round trip`);
    roundTrips++;
  }
  for (const t of ['packet_in', 'flow_mod', 'packet_out', 'features_reply', 'multipart_reply', 'refused'])
    assert.ok(paths.has(t), `no ${t} in the corpus and samples`);
  assert.ok(roundTrips > 40, `only ${roundTrips} round trips`);
});

test('property: random frames of any type and version never make decodeFrame throw', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 8, maxLength: 160 }),
      fc.constantFrom(1, 4, 5),
      fc.integer({ min: 0, max: 30 }),
      (bytes, version, type) => {
        const b = Buffer.from(bytes);
        b[0] = version;
        b[1] = type;
        b.writeUInt16BE(b.length, 2);
        const d = decodeFrame(b, 'tenant');
        assert.ok(d instanceof DecodeFailure || typeof d.type === 'string');
      },
    ),
    { numRuns: 2000 },
  );
});

const countOf = (c: WireCount[], peer: string, direction: string, path: string, type: string): number =>
  c.find((x) => x.peer === peer && x.direction === direction && x.path === path && x.type === type)?.count ?? 0;

test('every message is counted by peer, direction, path and type; fallbacks are counted by structure and reason', () => {
  const fields = { cookie: 0n, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 1, bufferId: 0xffffffff, flags: 0 };
  const fm = encodeMessage({
    version: 4,
    type: 'flow_mod',
    xid: 1,
    ...fields,
    cookieMask: 0n,
    tableId: 0,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    match: [{ field: 'in_port', value: 1 }],
    instructions: [],
  });
  const fm10 = encodeMessage({
    version: 1,
    type: 'flow_mod',
    xid: 2,
    ...fields,
    outPort: 0xffff,
    match: { ...MATCH10_ALL, wildcards: MATCH10_ALL.wildcards & ~1, inPort: 1 },
    actions: [],
  });
  const barrier = encodeMessage({ version: 4, type: 'barrier_request', xid: 3 });
  const before = wireCounts();
  for (const b of [fm, fm10, barrier]) assert.ok(!(decodeFrame(b, 'tenant') instanceof DecodeFailure));
  assert.ok(decodeFrame(fm.subarray(0, 20), 'tenant') instanceof DecodeFailure);
  const sent = encodeNeutral(
    {
      version: OFP13,
      xid: 1,
      type: 'packet_out',
      bufferId: 0xffffffff,
      inPort: 1,
      actions: [{ type: 'unsupported', code: 11 }],
      data: Buffer.alloc(0),
    },
    'switch',
  );
  assert.ok(sent instanceof EncodeFailure);
  const after = wireCounts();
  const delta = (peer: string, dir: string, path: string, type: string) =>
    countOf(after, peer, dir, path, type) - countOf(before, peer, dir, path, type);
  assert.equal(delta('tenant', 'in', 'direct', 'flow_mod'), 2);
  assert.equal(delta('tenant', 'in', 'codec', 'barrier_request'), 1);
  assert.equal(delta('tenant', 'in', 'malformed', 'flow_mod'), 1);
  assert.equal(delta('switch', 'out', 'unencodable', 'packet_out'), 1);
  countFallback('classifier', 'error');
  countFallback('classifier', 'error');
  assert.equal(fallbackCounts().find((f) => f.structure === 'classifier' && f.reason === 'error')?.count, 2);
});

test('/metrics exposes the translation counts and the fallbacks (prom-client registry of node/metrics.ts)', async () => {
  decodeFrame(encodeMessage({ version: 4, type: 'barrier_request', xid: 9 }), 'switch');
  countFallback('classifier', 'error');
  const registry = buildMetrics({ revision: () => 0, sliceTotals: () => [], switches: () => [], controllers: () => [] });
  const text = await registry.metrics();
  assert.match(text, /^dfvisor_openflow_messages_total\{type="barrier_request",direction="in",peer="switch",path="codec"\} [1-9]\d*$/m);
  assert.match(text, /^dfvisor_proxy_fallbacks_total\{structure="classifier",reason="error"\} [1-9]\d*$/m);
});
