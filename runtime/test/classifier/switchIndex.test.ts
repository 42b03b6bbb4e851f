// Properties of the per-switch packet index (packetIndex.ts, coarsen.ts, matchSink.ts) against the
// linear scan and the naive oracle: tuples merged across prefix levels (or kept apart when buckets
// would grow), buckets copied without checks (whole-port and eth_type-only rules), the in-port
// directory (port 0 and ports beyond 2^31) and sorted runs merged from many buckets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatMac, type FlowspaceEntry, type Match } from '@dfvisor/grammar';
import { Classifier, LinearClassifier, type PacketHeaders } from '../../src/classifier/index.js';
import { pick, rng, type Rng } from './gen.js';
import { byPriorityThenId, naiveMatches } from './oracle.js';

const ids = (es: readonly FlowspaceEntry[]): number[] => es.map((e) => e.id);
const SWITCHES = ['0000000000000001', '0000000000000002'];
const PORTS = [0, 1, 2, 3, 47, 2 ** 31 - 1, 2 ** 31, 0xfffffff0, 0xffffffff];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** The same headers with addresses as text (the oracle reads text). */
function asText(h: PacketHeaders): PacketHeaders {
  const t: PacketHeaders = { ...h };
  if (typeof h.eth_src === 'number') t.eth_src = formatMac(h.eth_src);
  if (typeof h.ipv4_src === 'number') t.ipv4_src = formatIpv4(h.ipv4_src);
  if (typeof h.ipv4_dst === 'number') t.ipv4_dst = formatIpv4(h.ipv4_dst);
  return t;
}

interface Drawn {
  entries: FlowspaceEntry[];
  /** Per entry, a packet inside it. */
  inside: Array<() => PacketHeaders>;
}

/**
 * Rules in few address blocks with every prefix length (so tuples of one family differ only in
 * their levels, and merge or not by bucket size), port ranges, exact MACs, whole-port and
 * eth_type-only rules, on a few in-ports or any port.
 */
function draw(r: Rng, n: number, blocks: number): Drawn {
  const entries: FlowspaceEntry[] = [];
  const inside: Drawn['inside'] = [];
  const v4 = (): number => ((10 << 24) + (int(r, 0, blocks - 1) << 16) + int(r, 0, 0xffff)) >>> 0;
  for (let i = 0; i < n; i++) {
    const len = int(r, 1, 32);
    const addr = v4();
    const net = len === 32 ? addr : ((addr >>> (32 - len)) << (32 - len)) >>> 0;
    const inNet = (): number => (net + (len === 32 ? 0 : int(r, 0, 2 ** (32 - len) - 1))) >>> 0;
    const lo = int(r, 0, 65535);
    const hi = Math.min(65535, lo + pick(r, [0, 1, 10, 1000, 65535]));
    const mac = int(r, 1, 20);
    const kind = pick(r, ['src', 'dst', 'tcp', 'udp', 'both', 'mac', 'all', 'arp', 'v4']);
    let match: Match;
    let pkt: () => PacketHeaders;
    const base = (): PacketHeaders => ({
      eth_src: int(r, 1, 20),
      eth_type: 0x0800,
      ip_proto: pick(r, [6, 17]),
      ipv4_src: v4(),
      ipv4_dst: v4(),
      tcp_dst: int(r, 0, 65535),
    });
    switch (kind) {
      case 'src':
        match = { eth_type: 0x0800, ipv4_src: `${formatIpv4(net)}/${len}` };
        pkt = () => ({ ...base(), ipv4_src: inNet() });
        break;
      case 'dst':
        match = { eth_type: 0x0800, ipv4_dst: `${formatIpv4(net)}/${len}` };
        pkt = () => ({ ...base(), ipv4_dst: inNet() });
        break;
      case 'tcp':
        match = { eth_type: 0x0800, ip_proto: 6, ipv4_dst: `${formatIpv4(net)}/${len}`, tcp_dst: { min: lo, max: hi } };
        pkt = () => ({ ...base(), ip_proto: 6, ipv4_dst: inNet(), tcp_dst: int(r, lo, hi) });
        break;
      case 'udp':
        match = { eth_type: 0x0800, ip_proto: 17, ipv4_src: `${formatIpv4(net)}/${len}`, udp_dst: lo };
        pkt = () => ({ eth_type: 0x0800, ip_proto: 17, ipv4_src: inNet(), ipv4_dst: v4(), udp_dst: lo });
        break;
      case 'both':
        match = { eth_type: 0x0800, ipv4_src: `${formatIpv4(net)}/${len}`, ipv4_dst: `${formatIpv4(v4())}/${int(r, 0, 32)}` };
        pkt = () => ({ ...base(), ipv4_src: inNet() });
        break;
      case 'mac':
        match = { eth_src: formatMac(mac) };
        pkt = () => ({ ...base(), eth_src: mac });
        break;
      case 'all':
        match = {};
        pkt = base;
        break;
      case 'arp':
        match = { eth_type: 0x0806 };
        pkt = () => ({ eth_src: int(r, 1, 20), eth_type: 0x0806 });
        break;
      default:
        match = { eth_type: 0x0800 };
        pkt = base;
    }
    entries.push({
      id: r() < 0.02 ? 2 ** 40 + i : i + 1,
      slice: `s${int(r, 0, 5)}`,
      rule: `r${i}`,
      dpid: pick(r, SWITCHES),
      inPort: r() < 0.5 ? null : pick(r, PORTS),
      priority: pick(r, [0, 100, 100, 200, int(r, 0, 65535)]),
      match,
      permissions: ['read'],
    });
    inside.push(pkt);
  }
  return { entries, inside };
}

describe('per-switch packet index', () => {
  it('agrees with the linear scan and the oracle on random rules with prefixes of every length, ranges and wildcards (24 seeds × 6 000 packets)', () => {
    let matched = 0;
    let several = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const r = rng(1000 + seed);
      // Few blocks: buckets grow and tuples stay apart; many: tuples merge across levels.
      const { entries, inside } = draw(r, pick(r, [50, 300, 1500]), pick(r, [1, 4, 256]));
      const c = Classifier.build(entries).classifier;
      const lin = LinearClassifier.build(entries).classifier;
      for (let i = 0; i < 6000; i++) {
        const k = int(r, 0, entries.length - 1);
        const e = entries[k]!;
        const dpid = r() < 0.8 ? e.dpid : pick(r, SWITCHES);
        const inPort = e.inPort !== null && r() < 0.8 ? e.inPort : pick(r, PORTS);
        const h = inside[k]!();
        const got = ids(c.classifyPacket(dpid, inPort, h));
        assert.deepEqual(got, ids(lin.classifyPacket(dpid, inPort, h)), `seed ${seed} ${dpid} port ${inPort} ${JSON.stringify(h)}`);
        if (i % 10 === 0) {
          const want = entries.filter((x) => naiveMatches(x, dpid, inPort, asText(h))).sort(byPriorityThenId);
          assert.deepEqual(got, ids(want));
        }
        if (got.length > 0) matched++;
        if (got.length > 3) several++;
      }
    }
    // The draw must make the comparison meaningful: most packets match, many match several rules.
    assert.ok(matched > 24 * 6000 * 0.6, `only ${matched} packets matched`);
    assert.ok(several > 24 * 6000 * 0.2, `only ${several} packets matched more than three rules`);
  });

  it('stays equal to the linear scan while rules of one switch come and go between lookups', () => {
    const r = rng(77);
    const { entries, inside } = draw(r, 1200, 8);
    const c = new Classifier();
    const live = new Map<number, FlowspaceEntry>();
    for (let step = 0; step < 30; step++) {
      for (const e of entries.slice(step * 40, step * 40 + 40)) {
        assert.equal(c.add(e), null);
        live.set(e.id, e);
      }
      for (const id of [...live.keys()]) {
        if (r() < 0.15) {
          assert.ok(c.remove(id));
          live.delete(id);
        }
      }
      const lin = LinearClassifier.build([...live.values()]).classifier;
      for (let i = 0; i < 200; i++) {
        const k = int(r, 0, entries.length - 1);
        const e = entries[k]!;
        const h = inside[k]!();
        const inPort = e.inPort ?? pick(r, PORTS);
        assert.deepEqual(ids(c.classifyPacket(e.dpid, inPort, h)), ids(lin.classifyPacket(e.dpid, inPort, h)), `step ${step}`);
      }
    }
  });

  it('finds no rules of a port for in-ports that are not 32-bit port numbers', () => {
    const entries: FlowspaceEntry[] = [5, 2 ** 32 + 5, -1].map((port, i) => ({
      id: i + 1,
      slice: 't',
      rule: `r${i}`,
      dpid: SWITCHES[0]!,
      inPort: i === 0 ? port : null,
      priority: 1,
      match: {},
      permissions: ['read'],
    }));
    const c = Classifier.build(entries).classifier;
    assert.deepEqual(ids(c.classifyPacket(SWITCHES[0]!, 5, {})), [1, 2, 3]);
    for (const odd of [2 ** 32 + 5, -4294967291, 5.5, Number.NaN]) {
      assert.deepEqual(ids(c.classifyPacket(SWITCHES[0]!, odd, {})), [2, 3], `in-port ${odd}`);
    }
  });
});
