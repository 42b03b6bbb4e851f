// Hand-written edge cases: prefix lengths, port range bounds, wildcards, in-port null vs set,
// priority ties, permissions, malformed input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowspaceEntry, Match } from '@dfvisor/grammar';
import { Classifier, bestPerSlice, intersectMatches } from '../../src/classifier/index.js';

const D1 = '0000000000000001';
const D2 = '0000000000000002';
let nextId = 1;
function entry(match: Match, more: Partial<FlowspaceEntry> = {}): FlowspaceEntry {
  const id = more.id ?? nextId++;
  return { id, slice: 's', rule: `r${id}`, dpid: D1, inPort: null, priority: 100, match, permissions: ['read', 'write'], ...more };
}
const tcp = (src: string, dst: string, sport: number, dport: number) => ({
  eth_type: 0x0800,
  ip_proto: 6,
  ipv4_src: src,
  ipv4_dst: dst,
  tcp_src: sport,
  tcp_dst: dport,
});
const ids = (es: readonly FlowspaceEntry[]): number[] => es.map((e) => e.id);

function build(entries: FlowspaceEntry[]): Classifier {
  const { classifier, errors } = Classifier.build(entries);
  assert.deepEqual(errors, []);
  return classifier;
}

describe('classifier edge cases', () => {
  it('an IPv4 /0 prefix matches every IPv4 packet, a /32 only its address', () => {
    const c = build([
      entry({ eth_type: 0x0800, ipv4_src: '0.0.0.0/0' }, { id: 1 }),
      entry({ eth_type: 0x0800, ipv4_src: '10.0.0.7/32' }, { id: 2 }),
      entry({ eth_type: 0x0800, ipv4_src: '10.0.0.6/31' }, { id: 3 }),
    ]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, tcp('10.0.0.7', '1.1.1.1', 1, 2))), [1, 2, 3]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, tcp('10.0.0.6', '1.1.1.1', 1, 2))), [1, 3]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, tcp('10.0.0.8', '1.1.1.1', 1, 2))), [1]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, tcp('255.255.255.255', '0.0.0.0', 1, 2))), [1]);
    // Not IPv4: eth_type 0x0800 is required by all three.
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0806 })), []);
  });

  it('prefix host bits are masked; numbers and text give the same answer', () => {
    const c = build([entry({ eth_type: 0x0800, ipv4_dst: '192.168.7.99/16' }, { id: 1 })]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ipv4_dst: '192.168.200.1' })), [1]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ipv4_dst: 192 * 2 ** 24 + 168 * 2 ** 16 + 1 })), [1]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ipv4_dst: '192.169.0.1' })), []);
  });

  it('IPv6 prefixes across word boundaries (/0, /31, /33, /64, /128), with text, words or bytes', () => {
    const c = build([
      entry({ eth_type: 0x86dd, ipv6_src: '::/0' }, { id: 1 }),
      entry({ eth_type: 0x86dd, ipv6_src: '2001:db8::/31' }, { id: 2 }),
      entry({ eth_type: 0x86dd, ipv6_src: '2001:db8:8000::/33' }, { id: 3 }),
      entry({ eth_type: 0x86dd, ipv6_src: '2001:db8:8000:1::/64' }, { id: 4 }),
      entry({ eth_type: 0x86dd, ipv6_src: '2001:db8:8000:1::5/128' }, { id: 5 }),
    ]);
    const at = (src: string | number[] | Uint8Array) => ids(c.classifyPacket(D1, 1, { eth_type: 0x86dd, ipv6_src: src }));
    assert.deepEqual(at('2001:db8:8000:1::5'), [1, 2, 3, 4, 5]);
    assert.deepEqual(at('2001:db8:8000:1:0:0:0:6'), [1, 2, 3, 4]);
    assert.deepEqual(at('2001:db8:8000:2::5'), [1, 2, 3]);
    assert.deepEqual(at('2001:db8:7fff::1'), [1, 2]);
    assert.deepEqual(at('2001:db9::1'), [1, 2]);
    assert.deepEqual(at('2001:dba::1'), [1]);
    assert.deepEqual(at([0x20010db8, 0x80000001, 0, 5]), [1, 2, 3, 4, 5]);
    const bytes = new Uint8Array(16);
    bytes.set([0x20, 0x01, 0x0d, 0xb8, 0x80, 0x00, 0x00, 0x01]);
    bytes[15] = 5;
    assert.deepEqual(at(bytes), [1, 2, 3, 4, 5]);
    assert.deepEqual(at('::ffff:10.0.0.1'), [1]);
  });

  it('port ranges include both bounds; a single port equals a one-port range', () => {
    const c = build([
      entry({ eth_type: 0x0800, ip_proto: 17, udp_dst: { min: 5004, max: 5010 } }, { id: 1 }),
      entry({ eth_type: 0x0800, ip_proto: 17, udp_dst: { min: 5010, max: 5010 } }, { id: 2 }),
      entry({ eth_type: 0x0800, ip_proto: 17, udp_dst: 5010 }, { id: 3 }),
      entry({ eth_type: 0x0800, ip_proto: 17, udp_dst: { min: 0, max: 65535 } }, { id: 4 }),
    ]);
    const at = (port: number) => ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ip_proto: 17, udp_dst: port }));
    assert.deepEqual(at(5003), [4]);
    assert.deepEqual(at(5004), [1, 4]);
    assert.deepEqual(at(5010), [1, 2, 3, 4]);
    assert.deepEqual(at(5011), [4]);
    assert.deepEqual(at(0), [4]);
    assert.deepEqual(at(65535), [4]);
    // A UDP port rule never matches a packet without a UDP port; the full range is a wildcard.
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ip_proto: 17 })), [4]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ip_proto: 6, tcp_dst: 5004 })), []);
  });

  it('an empty match is a wildcard for everything at its location', () => {
    const c = build([entry({}, { id: 1 }), entry({}, { id: 2, dpid: D2 })]);
    assert.deepEqual(ids(c.classifyPacket(D1, 9, {})), [1]);
    assert.deepEqual(ids(c.classifyPacket(D1, 9, { eth_type: 0x88cc })), [1]);
    assert.deepEqual(ids(c.classifyPacket(D2, 1, tcp('1.2.3.4', '5.6.7.8', 1, 2))), [2]);
    assert.deepEqual(ids(c.classifyPacket('0000000000000003', 1, {})), []);
  });

  it('inPort null covers every port; a set inPort only its port; both are merged in priority order', () => {
    const c = build([
      entry({}, { id: 1, inPort: null, priority: 10 }),
      entry({}, { id: 2, inPort: 3, priority: 20 }),
      entry({}, { id: 3, inPort: 4, priority: 30 }),
      entry({}, { id: 4, inPort: 3, priority: 5 }),
    ]);
    assert.deepEqual(ids(c.classifyPacket(D1, 3, {})), [2, 1, 4]);
    assert.deepEqual(ids(c.classifyPacket(D1, 4, {})), [3, 1]);
    assert.deepEqual(ids(c.classifyPacket(D1, 5, {})), [1]);
    // Flow-mod queries: a concrete port sees its own and the any-port entries; null sees all.
    const q = c.entriesForMatch(D1, 3, {});
    assert.ok(q.ok);
    assert.deepEqual(
      q.hits.map((h) => [h.entry.id, h.inPort]),
      [
        [2, 3],
        [1, 3],
        [4, 3],
      ],
    );
    const all = c.entriesForMatch(D1, null, {});
    assert.ok(all.ok);
    assert.deepEqual(
      all.hits.map((h) => [h.entry.id, h.inPort]),
      [
        [3, 4],
        [2, 3],
        [1, null],
        [4, 3],
      ],
    );
  });

  it('priority ties are resolved by id, whatever the insertion order', () => {
    const es = [7, 3, 9, 1, 5].map((id) => entry({ eth_type: 0x0800 }, { id, priority: 100 }));
    es.push(entry({}, { id: 8, priority: 100 }), entry({}, { id: 2, priority: 101 }));
    const c = build(es);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800 })), [2, 1, 3, 5, 7, 8, 9]);
  });

  it('bestPerSlice gives each slice its first entry, optionally only with a permission', () => {
    const c = build([
      entry({}, { id: 1, slice: 'a', priority: 50, permissions: ['read'] }),
      entry({}, { id: 2, slice: 'a', priority: 10, permissions: ['read', 'write'] }),
      entry({}, { id: 3, slice: 'b', priority: 70, permissions: ['write'] }),
    ]);
    const best = c.bestPerSlice(D1, 1, {});
    assert.deepEqual(
      [...best].map(([s, e]) => [s, e.id]),
      [
        ['b', 3],
        ['a', 1],
      ],
    );
    const writers = bestPerSlice(c.classifyPacket(D1, 1, {}), 'write');
    assert.deepEqual(
      [...writers].map(([s, e]) => [s, e.id]),
      [
        ['b', 3],
        ['a', 2],
      ],
    );
    const readers = c.bestPerSlice(D1, 1, {}, 'read');
    assert.deepEqual(
      [...readers].map(([s, e]) => [s, e.id]),
      [['a', 1]],
    );
  });

  it('entriesForMatch narrows a wide tenant match and filters by slice and permission', () => {
    const c = build([
      entry({ eth_type: 0x0800, ipv4_src: '10.1.0.0/16', ip_proto: 6, tcp_dst: 80 }, { id: 1, slice: 'web' }),
      entry({ eth_type: 0x0800, ipv4_src: '10.2.0.0/16' }, { id: 2, slice: 'web', permissions: ['read'] }),
      entry({ eth_type: 0x0800, ip_proto: 17, udp_dst: { min: 5000, max: 5010 } }, { id: 3, slice: 'video' }),
    ]);
    // A tenant flow-mod for all IPv4 from 10.0.0.0/8.
    const r = c.entriesForMatch(D1, 1, { eth_type: 0x0800, ipv4_src: '10.9.9.9/8' }, { slice: 'web' });
    assert.ok(r.ok);
    assert.deepEqual(
      r.hits.map((h) => h.match),
      [
        { eth_type: 0x0800, ip_proto: 6, ipv4_src: '10.1.0.0/16', tcp_dst: 80 },
        { eth_type: 0x0800, ipv4_src: '10.2.0.0/16' },
      ],
    );
    const w = c.entriesForMatch(D1, 1, { eth_type: 0x0800, ipv4_src: '10.0.0.0/8' }, { slice: 'web', permission: 'write' });
    assert.ok(w.ok);
    assert.deepEqual(
      w.hits.map((h) => h.entry.id),
      [1],
    );
    // Narrower than the flowspace: the tenant's own match comes back.
    const n = c.entriesForMatch(D1, 2, { eth_type: 0x0800, ipv4_src: '10.1.2.3/32', ip_proto: 6, tcp_dst: 80 });
    assert.ok(n.ok);
    assert.deepEqual(
      n.hits.map((h) => [h.entry.id, h.match]),
      [[1, { eth_type: 0x0800, ip_proto: 6, ipv4_src: '10.1.2.3/32', tcp_dst: 80 }]],
    );
    // Port ranges intersect to a range or a single port.
    const v = c.entriesForMatch(D1, 1, { eth_type: 0x0800, ip_proto: 17, udp_dst: { min: 5010, max: 6000 } }, { slice: 'video' });
    assert.ok(v.ok);
    assert.deepEqual(
      v.hits.map((h) => h.match.udp_dst),
      [5010],
    );
    const v2 = c.entriesForMatch(D1, 1, { eth_type: 0x0800, ip_proto: 17, udp_dst: { min: 4000, max: 5005 } }, { slice: 'video' });
    assert.ok(v2.ok);
    assert.deepEqual(
      v2.hits.map((h) => h.match.udp_dst),
      [{ min: 5000, max: 5005 }],
    );
    // Disjoint: no hits; unknown slice: no hits.
    const d = c.entriesForMatch(D1, 1, { eth_type: 0x0800, ipv4_src: '11.0.0.0/8' }, { slice: 'web' });
    assert.ok(d.ok);
    assert.deepEqual(d.hits, []);
    const u = c.entriesForMatch(D1, 1, {}, { slice: 'nobody' });
    assert.ok(u.ok);
    assert.deepEqual(u.hits, []);
  });

  it('intersections that no packet can carry are empty (TCP with UDP, IPv4 with IPv6, wrong prerequisites)', () => {
    const m = (a: Match, b: Match) => {
      const r = intersectMatches(a, b);
      assert.ok(r.ok);
      return r.match;
    };
    assert.equal(m({ tcp_dst: 80 }, { udp_dst: 80 }), null);
    assert.equal(m({ ipv4_src: '10.0.0.0/8' }, { ipv6_src: '2001:db8::/32' }), null);
    assert.equal(m({ eth_type: 0x0806 }, { ipv4_src: '10.0.0.0/8' }), null);
    assert.equal(m({ ip_proto: 17 }, { tcp_src: 1 }), null);
    assert.deepEqual(m({ ip_proto: 6 }, { tcp_src: 1 }), { ip_proto: 6, tcp_src: 1 });
    assert.deepEqual(m({ eth_src: 'AA:BB:CC:DD:EE:FF' }, {}), { eth_src: 'aa:bb:cc:dd:ee:ff' });
    assert.deepEqual(m({ ipv6_dst: '2001:0db8:0000:0000:0000:0000:0000:0001/127' }, { eth_type: 0x86dd }), {
      eth_type: 0x86dd,
      ipv6_dst: '2001:db8::/127',
    });
  });

  it('rules of one shape that fix different eth_type/ip_proto values are told apart (tuples split by those values)', () => {
    const es = [
      entry({ eth_type: 0x0800, ip_proto: 6, ipv4_dst: '10.0.0.0/24' }, { id: 9001 }),
      entry({ eth_type: 0x0800, ip_proto: 17, ipv4_dst: '10.0.0.0/24' }, { id: 9002 }),
      entry({ eth_type: 0x0800, ip_proto: 1, ipv4_dst: '10.0.0.0/24' }, { id: 9003 }),
      entry({ eth_type: 0x0806 }, { id: 9004 }),
      entry({ eth_type: 0x86dd }, { id: 9005 }),
      entry({ ip_proto: 6 }, { id: 9006, priority: 50 }),
    ];
    const c = build(es);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, tcp('1.1.1.1', '10.0.0.7', 1, 80))), [9001, 9006]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ip_proto: 17, ipv4_dst: '10.0.0.7', udp_dst: 53 })), [9002]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ip_proto: 1, ipv4_dst: '10.0.0.7' })), [9003]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0806 })), [9004]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x86dd, ip_proto: 6 })), [9005, 9006]);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, {})), []);
    const q = (match: Match): number[] => {
      const r = c.entriesForMatch(D1, 1, match);
      assert.ok(r.ok);
      return r.hits.map((h) => h.entry.id).sort((a, b) => a - b);
    };
    // A query fixing eth_type/ip_proto skips the tuples fixing other values; one that leaves them open sees all.
    assert.deepEqual(q({ eth_type: 0x0800, ip_proto: 17, ipv4_dst: '10.0.0.1/32' }), [9002]);
    assert.deepEqual(q({ eth_type: 0x0800, ipv4_dst: '10.0.0.1/32' }), [9001, 9002, 9003, 9006]);
    assert.deepEqual(q({ ipv4_dst: '10.0.0.1/32' }), [9001, 9002, 9003, 9006]);
    assert.deepEqual(q({}), [9001, 9002, 9003, 9004, 9005, 9006]);
    assert.deepEqual(q({ eth_type: 0x86dd }), [9005, 9006]);
    // Removing one rule of a split tuple leaves its siblings in place.
    assert.ok(c.remove(9002));
    assert.deepEqual(ids(c.classifyPacket(D1, 1, { eth_type: 0x0800, ip_proto: 17, ipv4_dst: '10.0.0.7' })), []);
    assert.deepEqual(ids(c.classifyPacket(D1, 1, tcp('1.1.1.1', '10.0.0.7', 1, 80))), [9001, 9006]);
  });

  it('malformed entries and queries become error values, never exceptions', () => {
    const bad: Array<[Partial<FlowspaceEntry>, string]> = [
      [{ match: { eth_src: 'zz:00:00:00:00:00' } }, 'CLS_BAD_FIELD'],
      [{ match: { ipv4_src: '10.0.0.0/33' } }, 'CLS_BAD_FIELD'],
      [{ match: { ipv4_src: '10.0.0/8' } }, 'CLS_BAD_FIELD'],
      [{ match: { ipv6_src: '2001:db8:::1/64' } }, 'CLS_BAD_FIELD'],
      [{ match: { tcp_dst: { min: 10, max: 5 } } }, 'CLS_BAD_FIELD'],
      [{ match: { tcp_dst: 70000 } }, 'CLS_BAD_FIELD'],
      [{ match: { vlan_pcp: 8 } }, 'CLS_BAD_FIELD'],
      [{ match: { eth_type: '0x800' as unknown as number } }, 'CLS_BAD_FIELD'],
      [{ dpid: '1' }, 'CLS_BAD_ENTRY'],
      [{ inPort: -1 }, 'CLS_BAD_ENTRY'],
      [{ priority: 70000 }, 'CLS_BAD_ENTRY'],
    ];
    const c = new Classifier();
    for (const [more, code] of bad) {
      const err = c.add(entry({}, { id: 500, ...more }));
      assert.equal(err?.code, code, JSON.stringify(more));
      assert.equal(err?.entryId, 500);
    }
    assert.equal(c.size, 0);
    const { classifier, errors } = Classifier.build([entry({}, { id: 1 }), entry({}, { id: 1 }), entry({ ipv4_dst: 'x' }, { id: 2 })]);
    assert.equal(classifier.size, 1);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['CLS_DUPLICATE_ID', 'CLS_BAD_FIELD'],
    );
    assert.equal(errors[1].field, 'ipv4_dst');
    const q = classifier.entriesForMatch(D1, 1, { ipv4_src: 'nonsense' });
    assert.equal(q.ok, false);
    // Malformed packet fields count as absent: only rules that wildcard them match.
    assert.deepEqual(ids(classifier.classifyPacket(D1, 1, { ipv4_src: 'bad', tcp_dst: -4, eth_src: 'nope' })), [1]);
    assert.equal(classifier.remove(12345), false);
  });
});
