// The address parsers and printers (one implementation for the checker, compiler, classifier and
// OpenFlow codec) against the plain split/regex/bigint references they replaced: number forms and
// byte forms agree with each other and with the reference on valid, edge and random text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatIpv4,
  formatIpv4Bytes,
  formatIpv6,
  formatIpv6Bytes,
  formatMac,
  formatMacBytes,
  parseIpv4,
  parseIpv6,
  parseIpv6Into,
  parseIpv6Prefix,
  parseMac,
  parseMacInto,
} from '../../src/index.js';

// ---------------------------------------------------------------- references (the old grammar code)
function refMac(text: string): number | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    v = v * 256 + parseInt(p, 16);
  }
  return v;
}
function refIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((v, p) => v * 256 + Number(p), 0);
}
/** RFC 4291 by regular expressions: the dotted tail becomes two hex groups, then `::` is expanded. */
const HEX_GROUPS = /^(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?$/;
function refIpv6(text: string): bigint | undefined {
  if (text.length > 45) return undefined;
  let hex = text;
  const tail = /(^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = refIpv4(tail[2]!);
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, tail.index)}${tail[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [left, right, ...more] = hex.split('::');
  if (more.length > 0 || !HEX_GROUPS.test(left!) || (right !== undefined && !HEX_GROUPS.test(right))) return undefined;
  const count = (side: string): number => (side === '' ? 0 : side.split(':').length);
  const zeros = 8 - count(left!) - (right === undefined ? 0 : count(right));
  if (right === undefined ? zeros !== 0 : zeros < 1) return undefined;
  const full = right === undefined ? left! : [left, ...Array<string>(zeros).fill('0'), right].filter((g) => g !== '').join(':');
  return BigInt(
    `0x${full
      .split(':')
      .map((g) => g.padStart(4, '0'))
      .join('')}`,
  );
}
/** RFC 5952 by regular expressions: groups without leading zeros, the leftmost longest `0:0…` run as `::`. */
function refIpv6Text(v: bigint): string {
  const full = v
    .toString(16)
    .padStart(32, '0')
    .match(/.{4}/g)!
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':');
  let best: RegExpMatchArray | undefined;
  for (const m of full.matchAll(/(?<![^:])0(?::0)+(?![^:])/g)) if (!best || m[0].length > best[0].length) best = m;
  if (!best) return full;
  return `${full.slice(0, best.index).replace(/:$/, '')}::${full.slice(best.index! + best[0].length).replace(/^:/, '')}`;
}

const bytesToBig = (b: Uint8Array, at = 0): bigint => {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
};
const bigToBytes = (v: bigint): Uint8Array => {
  const b = new Uint8Array(16);
  for (let i = 15; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
};

/** Strings built from the characters that matter to an address parser. */
const addrText = (chars: string, maxLength: number) =>
  fc.array(fc.constantFrom(...chars.split('')), { maxLength }).map((cs) => cs.join(''));

function sameMac(s: string): void {
  const want = refMac(s);
  assert.equal(parseMac(s), want, JSON.stringify(s));
  const out = new Uint8Array(8);
  assert.equal(parseMacInto(s, out, 1), want !== undefined, JSON.stringify(s));
  if (want !== undefined) assert.equal(formatMacBytes(out, 1), formatMac(want));
}

function sameIpv6(s: string): void {
  const want = refIpv6(s);
  assert.equal(parseIpv6(s), want, JSON.stringify(s));
  const out = new Uint8Array(20).fill(0xee);
  assert.equal(parseIpv6Into(s, out, 2), want !== undefined, JSON.stringify(s));
  if (want === undefined)
    assert.ok(
      out.every((x) => x === 0xee),
      `${JSON.stringify(s)}: output untouched on failure`,
    );
  else assert.equal(bytesToBig(out, 2), want, JSON.stringify(s));
}

test('MAC text parses like the reference into numbers and bytes, and prints lower case', () => {
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
    'ff:ff:ff:ff:ff:ff',
    '80:00:00:00:00:00',
  ]) {
    sameMac(s);
  }
  assert.equal(parseMac('ff:ff:ff:ff:ff:ff'), 2 ** 48 - 1);
  assert.equal(formatMac(0xaabbccddeeff), 'aa:bb:cc:dd:ee:ff');
  assert.equal(formatMac(0xa1), '00:00:00:00:00:a1');
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (v) => assert.equal(parseMac(formatMac(v)), v)));
  fc.assert(fc.property(addrText('0123456789abcdefABCDEFg:-', 20), sameMac), { numRuns: 3000 });
});

test('IPv4 text parses like the reference and prints dotted quads from numbers and bytes', () => {
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
    assert.equal(parseIpv4(s), refIpv4(s), JSON.stringify(s));
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      assert.equal(formatIpv4Bytes(b), formatIpv4(v));
      assert.equal(parseIpv4(formatIpv4(v)), v);
    }),
  );
  fc.assert(
    fc.property(addrText('0123456789.', 18), (s) => assert.equal(parseIpv4(s), refIpv4(s), JSON.stringify(s))),
    { numRuns: 3000 },
  );
});

test('IPv6 text parses like the reference into bigints and bytes (dotted tails included)', () => {
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
    '1.2.3.4',
    '::1.2.3',
    '::1.2.3.4.5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6::1.2.3.4',
    '1:2:3:4:5::1.2.3.4',
    '::1.2.3.4:5',
    '1.2::3',
    ':::1.2.3.4',
    '::256.0.0.1',
    '0000:0000:0000:0000:0000:0000:255.255.255.255',
    '0000:0000:0000:0000:0000:0000:0255.255.255.255',
  ]) {
    sameIpv6(s);
  }
  fc.assert(fc.property(addrText('0123456789abcdefF:.', 24), sameIpv6), { numRuns: 5000 });
  fc.assert(fc.property(addrText('0123456789aF:.', 40), sameIpv6), { numRuns: 3000 });
});

test('IPv6 prints RFC 5952 text from bigints and bytes, and it parses back', () => {
  const groups = fc
    .array(fc.constantFrom(0, 0, 0, 1, 0xab, 0x1234, 0xffff), { minLength: 8, maxLength: 8 })
    .map((g) => g.reduce((v, x) => (v << 16n) | BigInt(x), 0n));
  fc.assert(
    fc.property(fc.oneof(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), groups), (v) => {
      const text = formatIpv6(v);
      assert.equal(text, refIpv6Text(v));
      assert.equal(formatIpv6Bytes(bigToBytes(v)), text);
      assert.equal(parseIpv6(text), v);
    }),
    { numRuns: 3000 },
  );
  assert.deepEqual(parseIpv6Prefix('2001:db8::ff/120'), { value: 0x20010db80000000000000000000000ffn, length: 120 });
  assert.equal(parseIpv6Prefix('2001:db8::/129'), undefined);
});
