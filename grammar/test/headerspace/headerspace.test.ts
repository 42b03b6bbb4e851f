import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatIpv6,
  intersectMatch,
  matchCovers,
  packetMatches,
  parseIpv6,
  withPrerequisites,
  witnessPacket,
  formatPacket,
  type Match,
} from '../../src/index.js';

test('implied prerequisites: tcp_dst implies ip_proto 6 and eth_type ipv4', () => {
  assert.deepEqual(withPrerequisites({ tcp_dst: 80 }), { eth_type: 0x0800, ip_proto: 6, tcp_dst: 80 });
  assert.deepEqual(withPrerequisites({ ipv6_src: '2001:db8::/32', udp_dst: 53 }), {
    eth_type: 0x86dd,
    ip_proto: 17,
    ipv6_src: '2001:db8::/32',
    udp_dst: 53,
  });
  assert.equal(withPrerequisites({ tcp_dst: 80, udp_dst: 80 }), null);
  assert.equal(withPrerequisites({ eth_type: 0x0806, ipv4_src: '10.0.0.0/8' }), null);
});

test('intersectMatch is exact on prefixes, ranges and protocols', () => {
  assert.equal(intersectMatch({ tcp_dst: 80 }, { udp_dst: 80 }), null);
  assert.equal(intersectMatch({ eth_type: 0x0806 }, { ipv4_src: '10.0.0.0/8' }), null);
  assert.deepEqual(intersectMatch({ ipv4_src: '10.0.0.0/8' }, { ipv4_src: '10.1.0.0/16', tcp_dst: { min: 70, max: 90 } }), {
    eth_type: 0x0800,
    ip_proto: 6,
    ipv4_src: '10.1.0.0/16',
    tcp_dst: { min: 70, max: 90 },
  });
  assert.deepEqual(intersectMatch({ tcp_dst: { min: 70, max: 90 } }, { tcp_dst: { min: 90, max: 100 } }), {
    eth_type: 0x0800,
    ip_proto: 6,
    tcp_dst: 90,
  });
  assert.equal(intersectMatch({ ipv4_src: '10.1.0.0/16' }, { ipv4_src: '10.2.0.0/16' }), null);
  assert.equal(intersectMatch({ ipv6_dst: '2001:db8::/32' }, { ipv4_dst: '10.0.0.0/8' }), null);
  assert.deepEqual(intersectMatch({}, { eth_src: 'AA:bb:cc:dd:ee:ff' }), { eth_src: 'aa:bb:cc:dd:ee:ff' });
});

test('matchCovers', () => {
  assert.ok(matchCovers({}, { tcp_dst: 80 }));
  assert.ok(matchCovers({ ipv4_src: '10.0.0.0/8' }, { ipv4_src: '10.3.0.0/16', tcp_dst: 22 }));
  assert.ok(!matchCovers({ ipv4_src: '10.3.0.0/16' }, { ipv4_src: '10.0.0.0/8' }));
  assert.ok(matchCovers({ ip_proto: 6 }, { tcp_dst: 80 }));
  assert.ok(!matchCovers({ tcp_dst: 80 }, { ip_proto: 6 }));
});

test('witness packets name a host address and match', () => {
  const m: Match = { ipv4_src: '10.1.0.0/16', tcp_dst: 80 };
  const w = witnessPacket(m)!;
  assert.equal(formatPacket(w), 'eth_type=ipv4 ip_proto=tcp ip_src=10.1.0.1 tcp_dst=80');
  assert.ok(packetMatches(m, w));
  assert.ok(!packetMatches(m, { ...w, tcp_dst: 81 }));
  assert.ok(!packetMatches(m, { eth_type: 0x0800, ipv4_src: '10.1.2.3' }), 'a packet without the field does not match');
  assert.equal(witnessPacket({ tcp_dst: 1, udp_dst: 1 }), null);
});

test('IPv6 text round-trips in RFC 5952 form', () => {
  for (const [t, c] of [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8::', '2001:db8::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ] as const) {
    assert.equal(formatIpv6(parseIpv6(t)!), c);
  }
  for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', ':::', 'g::1']) assert.equal(parseIpv6(bad), undefined, bad);
});

const arbMatch: fc.Arbitrary<Match> = fc.record(
  {
    eth_type: fc.constantFrom(0x0800, 0x0806, 0x86dd),
    ip_proto: fc.constantFrom(6, 17, 1),
    ipv4_src: fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 28, max: 32 })).map(([a, l]) => `10.0.0.${a}/${l}`),
    tcp_dst: fc.oneof(
      fc.integer({ min: 0, max: 8 }),
      fc
        .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }))
        .map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) })),
    ),
    udp_dst: fc.integer({ min: 0, max: 8 }),
  },
  { requiredKeys: [] },
);

test('property: a witness of an intersection matches both, and intersection is commutative', () => {
  fc.assert(
    fc.property(arbMatch, arbMatch, (a, b) => {
      const x = intersectMatch(a, b);
      assert.deepEqual(x, intersectMatch(b, a));
      if (x) {
        const w = witnessPacket(x)!;
        assert.ok(packetMatches(a, w) && packetMatches(b, w));
        assert.ok(matchCovers(a, x) && matchCovers(b, x));
      } else {
        const wa = witnessPacket(a);
        if (wa) assert.ok(!packetMatches(b, wa) || !packetMatches(a, wa));
      }
    }),
    { numRuns: 500 },
  );
});
