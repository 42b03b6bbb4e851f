// The packet index (a tuple space compiled into typed arrays for packet-ins): its open-addressing
// table and key filter never lose an entry, whatever the table's fill; and it is rebuilt after every
// change, so lookups between adds and removes agree with a linear scan.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatMac, type FlowspaceEntry } from '@dfvisor/grammar';
import { Classifier, LinearClassifier, SliceNumbers, sliceName, type PacketHeaders } from '../../src/classifier/index.js';
import { randomEntries, randomPacket, rng } from './gen.js';
import { packRecords } from '../../src/classifier/packetIndex.js';
import { CHECK_EQ, CHECK_PREFIX } from '../../src/classifier/flatCheck.js';

const ids = (es: readonly FlowspaceEntry[]): number[] => es.map((e) => e.id);
const DPID = '0000000000000001';

describe('packet index', () => {
  it('finds every one of many exact and prefix rules at one location, and nothing for absent values', () => {
    for (const n of [1, 7, 8, 9, 100, 3000]) {
      // Many keys in few tuples: long probe runs in the table, a full filter.
      const entries: FlowspaceEntry[] = [];
      for (let i = 0; i < n; i++) {
        const match =
          i % 3 === 0
            ? { eth_src: formatMac(0x020000000000 + i) }
            : i % 3 === 1
              ? { eth_type: 0x0800, ipv4_src: `${formatIpv4((10 << 24) + i * 256)}/24` }
              : { eth_type: 0x0800, ip_proto: 6, ipv4_dst: `${formatIpv4((172 << 24) + i)}/32`, tcp_dst: 80 };
        entries.push({
          id: i + 1,
          slice: `s${i % 5}`,
          rule: `r${i}`,
          dpid: DPID,
          inPort: i % 2 ? 1 : null,
          priority: i % 7,
          match,
          permissions: ['read'],
        });
      }
      const c = Classifier.build(entries).classifier;
      const lin = LinearClassifier.build(entries).classifier;
      const packets: PacketHeaders[] = [];
      for (let i = 0; i < n + 50; i++) {
        packets.push({
          eth_src: 0x020000000000 + i,
          eth_type: 0x0800,
          ip_proto: 6,
          ipv4_src: (10 << 24) + i * 256 + 7,
          ipv4_dst: (172 << 24) + i,
          tcp_dst: i % 4 ? 80 : 81,
        });
        packets.push({ eth_src: 0x030000000000 + i, eth_type: 0x0806 });
      }
      let found = 0;
      for (const h of packets) {
        for (const port of [1, 2]) {
          const got = ids(c.classifyPacket(DPID, port, h));
          assert.deepEqual(got, ids(lin.classifyPacket(DPID, port, h)), `n=${n} port ${port} ${JSON.stringify(h)}`);
          found += got.length;
        }
      }
      assert.ok(found >= n, `n=${n}: every rule is found by some packet (found ${found})`);
    }
  });

  it('finds rules of one tuple shape at the in-port and at any port together, lookup after lookup', () => {
    // The same shape (eth_type + ipv4_src/24) at in-port 1 and at any port, with different and
    // shared keys: both segments probe the same tuple id, and each lookup (other values, other
    // port) must key it by its own packet.
    const entries: FlowspaceEntry[] = [];
    const net = (i: number): string => `${formatIpv4((10 << 24) + i * 256)}/24`;
    for (let i = 0; i < 40; i++) {
      const base = { dpid: DPID, priority: i % 3, permissions: ['read' as const] };
      if (i % 2 === 0)
        entries.push({
          ...base,
          id: 2 * i + 1,
          slice: `p${i % 4}`,
          rule: `p${i}`,
          inPort: 1,
          match: { eth_type: 0x0800, ipv4_src: net(i) },
        });
      if (i % 3 === 0)
        entries.push({
          ...base,
          id: 2 * i + 2,
          slice: `a${i % 5}`,
          rule: `a${i}`,
          inPort: null,
          match: { eth_type: 0x0800, ipv4_src: net(i) },
        });
    }
    const c = Classifier.build(entries).classifier;
    const lin = LinearClassifier.build(entries).classifier;
    const numbers = new SliceNumbers();
    let both = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 45; i++) {
        for (const port of [1, 2, 1]) {
          const h: PacketHeaders = { eth_type: 0x0800, ip_proto: 6, ipv4_src: (10 << 24) + i * 256 + 9 };
          const got = ids(c.classifyPacket(DPID, port, h));
          assert.deepEqual(got, ids(lin.classifyPacket(DPID, port, h)), `port ${port} packet ${i}`);
          const n = c.readerIdsInto(DPID, port, h, numbers);
          const names = [...numbers.ids.subarray(0, n)].map((id) => sliceName(id)).sort();
          assert.deepEqual(names, [...lin.readersOf(DPID, port, h, new Set())].sort(), `readers, port ${port} packet ${i}`);
          if (port === 1 && i % 6 === 0 && i < 40) {
            assert.equal(got.length, 2, `packet ${i} at port 1 matches the in-port and the any-port rule`);
            both++;
          }
        }
      }
    }
    assert.ok(both > 0);
  });

  it('agrees with a linear scan when adds, removes and re-adds come between lookups', () => {
    const r = rng(11);
    const pool = randomEntries(r, 800);
    const c = Classifier.build(pool.slice(0, 100)).classifier;
    const live = new Map(pool.slice(0, 100).map((e) => [e.id, e]));
    const check = (): void => {
      const lin = LinearClassifier.build([...live.values()]).classifier;
      for (let i = 0; i < 150; i++) {
        const p = randomPacket(r);
        assert.deepEqual(ids(c.classifyPacket(p.dpid, p.inPort, p.headers)), ids(lin.classifyPacket(p.dpid, p.inPort, p.headers)));
      }
    };
    check();
    for (let round = 0; round < 6; round++) {
      for (const e of pool.slice(100 + round * 100, 200 + round * 100)) {
        assert.equal(c.add(e), null);
        live.set(e.id, e);
      }
      check();
      for (const id of [...live.keys()].filter(() => r() < 0.3)) {
        assert.ok(c.remove(id));
        live.delete(id);
      }
      check();
      for (const e of pool.filter((x) => !live.has(x.id)).slice(0, 20)) {
        assert.equal(c.add(e), null);
        live.set(e.id, e);
      }
      check();
    }
  });

  it('orders many matches (more than the insertion-sort cut-off) by priority, then id', () => {
    const entries: FlowspaceEntry[] = Array.from({ length: 40 }, (_, i) => ({
      id: 100 - i,
      slice: 't',
      rule: `r${i}`,
      dpid: DPID,
      inPort: null,
      priority: i % 4,
      match: {},
      permissions: ['read'],
    }));
    const got = Classifier.build(entries).classifier.classifyPacket(DPID, 1, { eth_type: 0x0800 });
    assert.deepEqual(ids(got), ids(LinearClassifier.build(entries).classifier.classifyPacket(DPID, 1, { eth_type: 0x0800 })));
    assert.equal(got.length, 40);
  });

  it('checks every kind of packed record at the edges of its values (48-bit MACs, high address bits, full port ranges)', () => {
    // Each entry's hashed fields are coarsened or shared so that its own records decide: two
    // entries per key differ only in a checked field. Packets sit on, just inside and just outside
    // every edge; the index must agree with the linear scan on the entries and on the readers.
    const macs = [0, 1, 0xffffffff, 0x100000000, 0xfffffffffffe, 0xffffffffffff];
    const v4 = [0, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    const entries: FlowspaceEntry[] = [];
    const add = (match: FlowspaceEntry['match'], inPort: number | null = null): void => {
      const id = entries.length + 1;
      entries.push({ id, slice: `s${id % 7}`, rule: `r${id}`, dpid: DPID, inPort, priority: id % 5, match, permissions: ['read'] });
    };
    for (const m of macs) {
      add({ eth_src: formatMac(m), vlan_vid: 7 });
      add({ eth_src: formatMac(m), vlan_vid: 8 }, 1);
      add({ eth_dst: formatMac(m), eth_type: 0x0800 });
    }
    for (const a of v4)
      for (const len of [1, 8, 31, 32]) {
        add({ eth_type: 0x0800, ipv4_src: `${formatIpv4(a)}/${len}` });
        add({ eth_type: 0x0800, ip_proto: 6, ipv4_dst: `${formatIpv4(a)}/${len}`, tcp_dst: { min: 0, max: 65535 } }, 1);
        add({ eth_type: 0x0800, ip_proto: 17, ipv4_dst: `${formatIpv4(a)}/${len}`, udp_src: { min: 65535, max: 65535 } });
      }
    add({ eth_type: 0x86dd, ipv6_src: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127' });
    add({ eth_type: 0x86dd, ipv6_src: '8000::/1', ip_dscp: 63 }, 1);
    add({ eth_type: 0x0800, ip_dscp: 0, vlan_pcp: 7 });
    const c = Classifier.build(entries).classifier;
    const lin = LinearClassifier.build(entries).classifier;
    const packets: PacketHeaders[] = [];
    for (const m of macs)
      for (const d of [-1, 0, 1]) {
        const mac = Math.min(0xffffffffffff, Math.max(0, m + d));
        packets.push({ eth_src: mac, eth_dst: mac, eth_type: 0x0800, vlan_vid: 7 + (d & 1), vlan_pcp: 7, ip_dscp: 0 });
      }
    for (const a of v4)
      for (const d of [-1, 0, 1, 2 ** 24]) {
        const x = Math.min(0xffffffff, Math.max(0, a + d));
        for (const port of [0, 1, 65534, 65535]) {
          packets.push({ eth_type: 0x0800, ip_proto: 6, ipv4_src: x, ipv4_dst: x, tcp_dst: port });
          packets.push({ eth_type: 0x0800, ip_proto: 17, ipv4_src: x, ipv4_dst: x, udp_src: port, udp_dst: 1 });
        }
      }
    for (const w of [0xfffffffe, 0xffffffff, 0xfffffffd]) {
      packets.push({ eth_type: 0x86dd, ip_dscp: 63, ipv6_src: [0xffffffff, 0xffffffff, 0xffffffff, w] });
      packets.push({ eth_type: 0x86dd, ip_dscp: 63, ipv6_src: [0x80000000 + (w & 1), 0, 0, w] });
    }
    const numbers = new SliceNumbers();
    let matched = 0;
    for (const inPort of [1, 2])
      for (const p of packets) {
        const want = lin.classifyPacket(DPID, inPort, p);
        matched += want.length;
        assert.deepEqual(ids(c.classifyPacket(DPID, inPort, p)), ids(want), JSON.stringify(p));
        const n = c.readerIdsInto(DPID, inPort, p, numbers);
        const got = [...numbers.ids.subarray(0, n)].map((id) => sliceName(id)).sort();
        assert.deepEqual(got, [...new Set(want.map((e) => e.slice))].sort(), JSON.stringify(p));
      }
    assert.ok(matched > packets.length, `the packets match the rules (${matched} matches)`);
  });

  it('refuses a check record whose values do not fit its packed form', () => {
    assert.deepEqual(packRecords([CHECK_EQ, 0, 0xffffffffffff, 0]), [3, -1, 0xffff]); // EQ48: low word, high bits
    assert.deepEqual(packRecords([CHECK_EQ, 2, 0x0800, 0]), [0 | (2 << 2), 0x0800]); // EQ32
    assert.deepEqual(packRecords([CHECK_PREFIX, 7, 0xffffffff, 32]), [1 | (7 << 2) | (32 << 7), -1]);
    assert.throws(() => packRecords([CHECK_EQ, 0, 2 ** 53, 0]), RangeError);
    assert.throws(() => packRecords([CHECK_EQ, 40, 1, 0]), RangeError);
    assert.throws(() => packRecords([CHECK_PREFIX, 7, 1, 33]), RangeError);
    assert.throws(() => packRecords([2, 17, 0, 2 ** 32]), RangeError);
  });
});

describe('match order', () => {
  const entry = (id: number, priority: number): FlowspaceEntry => ({
    id,
    slice: 't',
    rule: `r${id}`,
    dpid: DPID,
    inPort: null,
    priority,
    match: {},
    permissions: ['read'],
  });
  const classify = (entries: FlowspaceEntry[]) => ids(Classifier.build(entries).classifier.classifyPacket(DPID, 1, { eth_type: 0x0800 }));
  const expected = (entries: FlowspaceEntry[]) =>
    ids(LinearClassifier.build(entries).classifier.classifyPacket(DPID, 1, { eth_type: 0x0800 }));

  it('orders by priority then id whatever the ids (negative, beyond 2^37) and however many match', () => {
    const r = rng(5);
    for (const n of [2, 17, 64, 257, 600]) {
      for (const wide of [false, true]) {
        const used = new Set<number>();
        const entries: FlowspaceEntry[] = [];
        while (entries.length < n) {
          const id = wide && r() < 0.2 ? (r() < 0.5 ? -1 : 1) * Math.floor(r() * 2 ** 45) : Math.floor(r() * 10_000);
          if (used.has(id)) continue;
          used.add(id);
          entries.push(entry(id, r() < 0.1 ? 65535 : Math.floor(r() * 4) * 1000));
        }
        const got = classify(entries);
        assert.equal(got.length, n);
        assert.deepEqual(got, expected(entries), `n=${n} wide=${wide}`);
      }
    }
  });
  it('orders many matches (past the insertion sort) and ids without an exact order key like the linear scan', () => {
    const r = rng(7);
    for (const [n, bigIds] of [
      [40, false],
      [300, false],
      [600, false],
      [50, true],
      [400, true],
    ] as const) {
      // Whole-port and ARP rules: every ARP packet at port 1 matches most of them.
      const entries: FlowspaceEntry[] = [];
      for (let i = 0; i < n; i++) {
        entries.push({
          id: bigIds && i % 3 === 0 ? 2 ** 40 + i : i + 1,
          slice: `s${i % 4}`,
          rule: `r${i}`,
          dpid: DPID,
          inPort: i % 2 ? 1 : null,
          priority: Math.floor(r() * 5),
          match: i % 5 === 0 ? { eth_type: 0x0806 } : {},
          permissions: ['read'],
        });
      }
      const c = Classifier.build(entries).classifier;
      const lin = LinearClassifier.build(entries).classifier;
      for (const h of [{ eth_type: 0x0806 }, { eth_type: 0x0800 }] as PacketHeaders[]) {
        for (const port of [1, 2]) {
          const got = ids(c.classifyPacket(DPID, port, h));
          assert.deepEqual(got, ids(lin.classifyPacket(DPID, port, h)), `n=${n} big ids ${bigIds} port ${port}`);
          assert.ok(got.length > n / 3);
        }
      }
    }
  });
});
