// The overlap checker against a brute-force reference: random small rule sets, every
// packet of a small header space enumerated at every location, with the overlay tag
// modelled at link ports (a slice's traffic there carries its tag; edge ports: any).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bindWorkspace, findOverlaps, parse } from '../../src/index.js';

interface Spec {
  eth_type?: 'arp' | 'ipv4' | 'ipv6';
  ip_proto?: 'tcp' | 'udp' | 'icmp';
  ip_src?: [number, number];
  ipv6_src?: [number, number];
  l4?: { proto: 'tcp' | 'udp'; lo: number; hi: number };
  loc: Loc[];
  write: boolean;
}

/** A location: switch 1..4 and a port, null (the bare switch) or 'wide' (2..70, a switch-wide entry). */
type Loc = [number, number | null | 'wide'];

// s1 and s2 declare no ports (any port number): 1, 2, 3, 50 and 99 stand for every class of
// port the locations can tell apart. s3 declares 1..3; s4 declares 1..2, both link ports (a
// transit switch once a slice's view holds s1, s3 and s4).
const NETWORK = `network n {
  switch s1 dpid 1 switch s2 dpid 2 switch s3 dpid 3 { port 1..3 } switch s4 dpid 4 { port 1..2 }
  link s1:3 <-> s2:3 link s2:2 <-> s3:3 link s4:1 <-> s1:2 link s4:2 <-> s3:2
}`;
const PORTS: Record<number, number[]> = { 1: [1, 2, 3, 50, 99], 2: [1, 2, 3, 50, 99], 3: [1, 2, 3], 4: [1, 2] };
const LINKS: Array<[[number, number], [number, number]]> = [
  [
    [1, 3],
    [2, 3],
  ],
  [
    [2, 2],
    [3, 3],
  ],
  [
    [4, 1],
    [1, 2],
  ],
  [
    [4, 2],
    [3, 2],
  ],
];
const OVERLAYS = ['overlay vlan 101', 'overlay vlan 102', 'overlay mpls 101', ''] as const;

interface Pkt {
  eth: 'arp' | 'ipv4' | 'ipv6';
  proto?: 'tcp' | 'udp' | 'icmp';
  src?: number;
  port?: number;
}

const packets: Pkt[] = [{ eth: 'arp' }];
for (const eth of ['ipv4', 'ipv6'] as const) {
  for (let src = 0; src < 8; src++) {
    packets.push({ eth, proto: 'icmp', src });
    for (const proto of ['tcp', 'udp'] as const) for (let port = 1; port <= 4; port++) packets.push({ eth, proto, src, port });
  }
}

function inPrefix(addr: number, [base, len]: [number, number], bits: number): boolean {
  const size = 2 ** (bits - len);
  return Math.floor(addr / size) === Math.floor(base / size);
}

/** The language's meaning, written independently of the checker. */
function refMatches(s: Spec, p: Pkt): boolean {
  if (s.eth_type && p.eth !== s.eth_type) return false;
  if (s.ip_src && (p.eth !== 'ipv4' || !inPrefix(p.src!, s.ip_src, 3))) return false;
  if (s.ipv6_src && (p.eth !== 'ipv6' || !inPrefix(p.src!, s.ipv6_src, 3))) return false;
  if (s.ip_proto && p.proto !== s.ip_proto) return false;
  if (s.l4 && (p.proto !== s.l4.proto || p.port! < s.l4.lo || p.port! > s.l4.hi)) return false;
  const ipLayer = s.ip_proto !== undefined || s.l4 !== undefined;
  if (ipLayer && s.ipv6_src === undefined && s.eth_type !== 'ipv6' && p.eth !== 'ipv4') return false;
  return true;
}

function locText([sw, port]: Loc): string {
  return port === null ? `s${sw}` : port === 'wide' ? `s${sw}:2..70` : `s${sw}:${port}`;
}

function covers([sw, port]: Loc, atSw: number, at: number): boolean {
  return sw === atSw && (port === null || port === at || (port === 'wide' && at >= 2 && at <= 70));
}

/** The tag a slice's traffic carries at (sw, port): its own at a link port of its view, else any (null). */
function tagAt(rules: Spec[], overlay: string, sliceIndex: number, sw: number, port: number): string | null {
  const view = new Set(rules.flatMap((r) => r.loc.map(([s]) => s)));
  for (const [a, b] of LINKS) {
    if (!view.has(a[0]) || !view.has(b[0])) continue;
    if ((a[0] === sw && a[1] === port) || (b[0] === sw && b[1] === port)) return overlay === '' ? `auto ${sliceIndex}` : overlay;
  }
  return null;
}

function ruleText(s: Spec, name: string): string {
  const f: string[] = [];
  if (s.eth_type) f.push(`eth_type ${s.eth_type}`);
  if (s.ip_proto) f.push(`ip_proto ${s.ip_proto}`);
  // The 3-bit test space sits at the top of 10.0.0.0/29 and 2001:db8::/125.
  if (s.ip_src) f.push(`ip_src 10.0.0.${s.ip_src[0]}/${s.ip_src[1] + 29}`);
  if (s.ipv6_src) f.push(`ipv6_src 2001:db8::${s.ipv6_src[0]}/${s.ipv6_src[1] + 125}`);
  if (s.l4) f.push(`${s.l4.proto}_dst ${s.l4.lo === s.l4.hi ? s.l4.lo : `${s.l4.lo}..${s.l4.hi}`}`);
  return `${name}: match ${f.join(' ')} on ${s.loc.map(locText).join(', ')} permit ${s.write ? 'read write' : 'read'}`;
}

const arbPrefix = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }));
const arbSpec: fc.Arbitrary<Spec> = fc
  .record(
    {
      eth_type: fc.option(fc.constantFrom('arp' as const, 'ipv4' as const, 'ipv6' as const), { nil: undefined }),
      ip_proto: fc.option(fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const), { nil: undefined }),
      ip_src: fc.option(arbPrefix, { nil: undefined }),
      ipv6_src: fc.option(arbPrefix, { nil: undefined }),
      l4: fc.option(
        fc
          .tuple(fc.constantFrom('tcp' as const, 'udp' as const), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
          .map(([proto, a, b]) => ({ proto, lo: Math.min(a, b), hi: Math.max(a, b) })),
        { nil: undefined },
      ),
      loc: fc.uniqueArray(
        fc
          .tuple(fc.integer({ min: 1, max: 4 }), fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 3 }), fc.constant('wide' as const)))
          .map(([sw, p]): Loc => [sw, sw >= 3 && p === 'wide' ? null : sw === 4 && p === 3 ? 2 : p]),
        { minLength: 1, maxLength: 3, selector: locText },
      ),
      write: fc.boolean(),
    },
    { requiredKeys: ['loc', 'write'] },
  )
  .map((s) => {
    // The 3-bit prefix bases are only meaningful when aligned to their length.
    if (s.ip_src) s.ip_src = [s.ip_src[0] - (s.ip_src[0] % 2 ** (3 - s.ip_src[1])), s.ip_src[1]];
    if (s.ipv6_src) s.ipv6_src = [s.ipv6_src[0] - (s.ipv6_src[0] % 2 ** (3 - s.ipv6_src[1])), s.ipv6_src[1]];
    return s;
  });

interface SliceSpec {
  overlay: (typeof OVERLAYS)[number];
  rules: Spec[];
}

/** Some port both rules are on, where the slices' tags can be equal, and some packet both match. */
function refOverlap(x: SliceSpec, i: number, a: Spec, y: SliceSpec, j: number, b: Spec): boolean {
  for (const sw of [1, 2, 3, 4]) {
    for (const port of PORTS[sw]) {
      if (!a.loc.some((l) => covers(l, sw, port)) || !b.loc.some((l) => covers(l, sw, port))) continue;
      const ta = tagAt(x.rules, x.overlay, i, sw, port);
      const tb = tagAt(y.rules, y.overlay, j, sw, port);
      if (ta !== null && tb !== null && ta !== tb) continue;
      if (packets.some((p) => refMatches(a, p) && refMatches(b, p))) return true;
    }
  }
  return false;
}

const arbSlice: fc.Arbitrary<SliceSpec> = fc.record({
  overlay: fc.constantFrom(...OVERLAYS),
  rules: fc.array(arbSpec, { minLength: 1, maxLength: 4 }),
});

test('property: findOverlaps equals the brute-force reference', () => {
  fc.assert(
    fc.property(fc.array(arbSlice, { minLength: 2, maxLength: 3 }), (slices) => {
      const text = [NETWORK];
      slices.forEach((sl, i) => {
        text.push(`slice t${i} { controller "tcp:127.0.0.1:${6633 + i}" ${sl.overlay} flowspace {`);
        sl.rules.forEach((r, j) => {
          text.push(`  ${ruleText(r, `r${j}`)}`);
        });
        text.push('} }');
      });
      const file = parse(text.join('\n'), 'rand.slice');
      assert.deepEqual(file.errors, [], text.join('\n'));
      const { program } = bindWorkspace([file]);
      const got = new Set(findOverlaps(program).map((o) => [`${o.a.slice}.${o.a.name}`, `${o.b.slice}.${o.b.name}`].sort().join(' ')));
      const want = new Set<string>();
      for (const [i, x] of slices.entries()) {
        for (const [j, y] of slices.entries()) {
          if (j <= i) continue;
          for (const [ai, a] of x.rules.entries()) {
            for (const [bi, b] of y.rules.entries()) {
              if (refOverlap(x, i, a, y, j, b)) want.add(`t${i}.r${ai} t${j}.r${bi}`);
            }
          }
        }
      }
      assert.deepEqual([...got].sort(), [...want].sort(), text.join('\n'));
    }),
    { numRuns: 500 },
  );
});
