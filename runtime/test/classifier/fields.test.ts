// Address text <-> numbers used by the classifier.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv6, parseIpv4, parseIpv6, parseIpv6Prefix, parseMac, formatMac, maskIpv4 } from '../../src/classifier/fields.js';
import { v6ToBig } from './oracle.js';

const wordsToBig = (w: number[]): bigint => w.reduce((a, x) => (a << 32n) | BigInt(x), 0n);

describe('classifier fields', () => {
  it('parses and formats MACs and IPv4', () => {
    assert.equal(parseMac('aa:bb:cc:dd:ee:ff'), 0xaabbccddeeff);
    assert.equal(formatMac(0x0000000000a1), '00:00:00:00:00:a1');
    assert.equal(parseMac('aa:bb:cc:dd:ee'), undefined);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
    assert.equal(parseIpv4('256.0.0.1'), undefined);
    assert.equal(parseIpv4('1.2.3'), undefined);
    assert.equal(maskIpv4(0xffffffff, 0), 0);
    assert.equal(maskIpv4(0xffffffff, 1), 0x80000000);
    assert.equal(maskIpv4(0xffffffff, 32), 0xffffffff);
  });

  it('parses IPv6 text forms and rejects malformed ones', () => {
    assert.deepEqual(parseIpv6('::'), [0, 0, 0, 0]);
    assert.deepEqual(parseIpv6('::1'), [0, 0, 0, 1]);
    assert.deepEqual(parseIpv6('1::'), [0x00010000, 0, 0, 0]);
    assert.deepEqual(parseIpv6('::ffff:1.2.3.4'), [0, 0, 0xffff, 0x01020304]);
    assert.deepEqual(parseIpv6('1:2:3:4:5:6:1.2.3.4'), [0x00010002, 0x00030004, 0x00050006, 0x01020304]);
    for (const bad of [
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:::2',
      '1::2::3',
      'g::1',
      ':1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8::',
      '::1.2.3',
    ]) {
      assert.equal(parseIpv6(bad), undefined, bad);
    }
    assert.deepEqual(parseIpv6Prefix('2001:db8::ff/120'), { addr: [0x20010db8, 0, 0, 0], len: 120 });
    assert.equal(parseIpv6Prefix('2001:db8::/129'), undefined);
  });

  it('formats IPv6 canonically (RFC 5952) and round-trips any address', () => {
    assert.equal(formatIpv6([0x20010db8, 0, 0, 1]), '2001:db8::1');
    assert.equal(formatIpv6([0x20010db8, 0, 1, 0]), '2001:db8::1:0:0');
    assert.equal(formatIpv6([0x20010000, 0x00010000, 0x00010000, 0x00000001]), '2001:0:1:0:1::1');
    assert.equal(formatIpv6([0x20010db8, 0x00000001, 0x00010001, 0x00010001]), '2001:db8:0:1:1:1:1:1');
    assert.equal(formatIpv6([0x20010000, 0x00000001, 0x00000000, 0x00000001]), '2001:0:0:1::1');
    assert.equal(formatIpv6([0, 0, 0, 0]), '::');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }), (w) => {
        const text = formatIpv6(w as [number, number, number, number]);
        assert.deepEqual(parseIpv6(text), w);
        assert.equal(v6ToBig(text), wordsToBig(w));
      }),
      { numRuns: 2000 },
    );
  });
});
