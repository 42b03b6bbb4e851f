// The codec's fast paths against slow references: address text ⇄ bytes (hand-written parsers vs
// the regex/split versions they replaced), exact message sizing, every output byte written, and
// value-range errors on encode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  ipv4ToBytes,
  ipv4ToString,
  ipv6ToBytes,
  ipv6ToString,
  macToBytes,
  macToString,
  type OfMessage,
} from '../../src/openflow/index.js';
import { setWriterPoison } from '../../src/openflow/bytes.js';
import { samples10, samples13 } from './samples.js';

// ---------------------------------------------------------------- reference parsers (the old code)
function refMac(s: string): Buffer | undefined {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}
function refIpv4(s: string): Buffer | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return Buffer.from(parts.map(Number));
}
function refIpv6(s: string): Buffer | undefined {
  let text = s;
  const tail: number[] = [];
  // The dotted tail is a whole group: after a ':' ("::a1.2.3.4" is malformed).
  const v4 = /(?<=^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = refIpv4(v4[1]!);
    if (!b) return undefined;
    tail.push(b.readUInt16BE(0), b.readUInt16BE(2));
    text = text.slice(0, -v4[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const ps = h.split(':');
    return ps.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p)) ? ps.map((p) => parseInt(p, 16)) : undefined;
  };
  const head = parse(halves[0]!);
  const back = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !back) return undefined;
  const fill = 8 - head.length - back.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...back, ...tail];
  const out = Buffer.alloc(16);
  for (const [i, x] of groups.entries()) out.writeUInt16BE(x, i * 2);
  return out;
}
function refIpv6Text(b: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return bestStart < 0 ? hex(g) : `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

function same(parse: (s: string) => Buffer, ref: (s: string) => Buffer | undefined, s: string): void {
  const want = ref(s);
  if (want === undefined) assert.throws(() => parse(s), RangeError, JSON.stringify(s));
  else assert.deepEqual(parse(s), want, JSON.stringify(s));
}

/** Strings built from the characters that matter to an address parser. */
const addrText = (chars: string, maxLength: number) =>
  fc.array(fc.constantFrom(...chars.split('')), { maxLength }).map((cs) => cs.join(''));

test('MAC text parses exactly like the reference (valid, edge and random input)', () => {
  for (const s of [
    'aa:bb:cc:dd:ee:ff',
    'AA-bb-CC-dd-EE-ff',
    '0:1:2:3:4:5',
    'a:b:c:d:e:f',
    '00:11:22:33:44:55:',
    ':00:11:22:33:44:55',
    '00:11:22:33:44',
    '000:11:22:33:44:55',
    '00:11:22:33:44:5g',
    '',
    '00:11:22:33:44::55',
    '00:11-22:33-44:55',
    ' 0:1:2:3:4:5',
  ]) {
    same(macToBytes, refMac, s);
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (b) => {
      const text = macToString(Buffer.from(b));
      assert.deepEqual(macToBytes(text), Buffer.from(b));
    }),
  );
  fc.assert(
    fc.property(addrText('0123456789abcdefABCDEFg:-', 20), (s) => same(macToBytes, refMac, s)),
    { numRuns: 3000 },
  );
});

test('IPv4 text parses exactly like the reference', () => {
  for (const s of [
    '0.0.0.0',
    '255.255.255.255',
    '10.0.0.1',
    '010.001.0.1',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.',
    '.1.2.3.4',
    '1..2.3',
    '1.2.3.4 ',
    '1234.1.1.1',
    '',
    '1.2.3.-4',
  ]) {
    same(ipv4ToBytes, refIpv4, s);
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      assert.deepEqual(ipv4ToBytes(ipv4ToString(Buffer.from(b))), Buffer.from(b));
    }),
  );
  fc.assert(
    fc.property(addrText('0123456789.', 18), (s) => same(ipv4ToBytes, refIpv4, s)),
    { numRuns: 3000 },
  );
});

test('IPv6 text parses exactly like the reference, and prints RFC 5952 text like it', () => {
  for (const s of [
    '::',
    '::1',
    '1::',
    'fe80::',
    '2001:db8::1',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '1::2::3',
    ':::',
    ':1::',
    '1:::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    '::ffff:10.0.0.1',
    '::10.0.0.1',
    '1:2:3:4:5:6:1.2.3.4',
    'ABCD:EF01::',
    '1:',
    ':1',
    '',
    'g::',
    '::a1.2.3.4',
    '::1.2.3.4:5',
  ]) {
    same(ipv6ToBytes, refIpv6, s);
  }
  const groups = fc.array(fc.constantFrom(0, 0, 0, 1, 0xab, 0x1234, 0xffff), { minLength: 8, maxLength: 8 });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        groups.map((g) => {
          const b = new Uint8Array(16);
          g.forEach((x, i) => {
            b[i * 2] = x >> 8;
            b[i * 2 + 1] = x & 0xff;
          });
          return b;
        }),
      ),
      (raw) => {
        const b = Buffer.from(raw);
        const text = ipv6ToString(b);
        assert.equal(text, refIpv6Text(b));
        assert.deepEqual(ipv6ToBytes(text), b);
      },
    ),
  );
  fc.assert(
    fc.property(addrText('0123456789abcdefF:.', 24), (s) => same(ipv6ToBytes, refIpv6, s)),
    { numRuns: 5000 },
  );
});

test('every byte of every sample is written by the encoder (no stale buffer contents)', () => {
  const all: OfMessage[] = [...samples13, ...samples10];
  try {
    setWriterPoison(0x00);
    const zeros = all.map(encodeMessage);
    setWriterPoison(0xff);
    const ones = all.map(encodeMessage);
    for (const [i, m] of all.entries()) assert.deepEqual(ones[i], zeros[i], `${m.version}/${m.type}`);
  } finally {
    setWriterPoison(undefined);
  }
});

test('encoded length equals the header length and the sized length for every sample', () => {
  for (const m of [...samples13, ...samples10]) {
    const b = encodeMessage(m);
    assert.equal(b.readUInt16BE(2), b.length, `${m.version}/${m.type}`);
    const back = decodeMessage(b);
    assert.ok(back.ok, `${m.version}/${m.type}`);
  }
});

test('out-of-range values and bad addresses are RangeErrors on encode, not silent truncation', () => {
  const base = { version: 4, type: 'packet_out', xid: 1, bufferId: 0xffffffff, inPort: 1, data: Buffer.alloc(0) } as const;
  assert.throws(() => encodeMessage({ ...base, actions: [{ type: 'output', port: 2 ** 32, maxLen: 0 }] }), RangeError);
  assert.throws(() => encodeMessage({ ...base, actions: [{ type: 'output', port: -1, maxLen: 0 }] }), RangeError);
  assert.throws(() => encodeMessage({ ...base, actions: [{ type: 'output', port: 1.5, maxLen: 0 }] }), RangeError);
  assert.throws(() => encodeMessage({ ...base, actions: [{ type: 'output', port: 1, maxLen: 0x10000 }] }), RangeError);
  assert.throws(() => encodeMessage({ ...base, xid: -1, actions: [] }), RangeError);
  assert.throws(
    () => encodeMessage({ ...base, actions: [{ type: 'set_field', field: { field: 'eth_dst', value: '00:11:22:33:44' } }] }),
    RangeError,
  );
  assert.throws(
    () => encodeMessage({ ...base, actions: [{ type: 'set_field', field: { field: 'ipv4_dst', value: '10.0.0.256' } }] }),
    RangeError,
  );
  assert.throws(
    () => encodeMessage({ ...base, actions: [{ type: 'set_field', field: { field: 'ipv6_dst', value: '1::2::3' } }] }),
    RangeError,
  );
  assert.throws(() => encodeMessage({ ...base, actions: [{ type: 'set_field', field: { field: 'vlan_pcp', value: 256 } }] }), RangeError);
  assert.throws(
    () => encodeMessage({ ...base, actions: [{ type: 'set_field', field: { field: 'metadata', value: 1n << 64n } }] }),
    RangeError,
  );
  assert.throws(() => encodeMessage({ ...base, actions: [{ type: 'set_field', field: { field: 'metadata', value: -1n } }] }), RangeError);
  // 64-bit values on both sides of the 2^53 fast path.
  for (const v of [0n, 1n, 0xffffffffn, 0x100000000n, (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n]) {
    const m: OfMessage = { ...base, actions: [{ type: 'set_field', field: { field: 'metadata', value: v } }] };
    const back = decodeMessage(encodeMessage(m));
    assert.ok(back.ok);
    assert.deepEqual(back.msg, m);
  }
});
