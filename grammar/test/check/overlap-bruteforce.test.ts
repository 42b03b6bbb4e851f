// The overlap checker against a brute-force reference: random small rule sets, every
// packet of a small header space enumerated at every location.
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
  loc: Array<[number, number | null]>;
  write: boolean;
}

interface Pkt { eth: 'arp' | 'ipv4' | 'ipv6'; proto?: 'tcp' | 'udp' | 'icmp'; src?: number; port?: number }

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

function locText([sw, port]: [number, number | null]): string {
  return port === null ? `s${sw}` : `s${sw}:${port}`;
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
const arbSpec: fc.Arbitrary<Spec> = fc.record({
  eth_type: fc.option(fc.constantFrom('arp' as const, 'ipv4' as const, 'ipv6' as const), { nil: undefined }),
  ip_proto: fc.option(fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const), { nil: undefined }),
  ip_src: fc.option(arbPrefix, { nil: undefined }),
  ipv6_src: fc.option(arbPrefix, { nil: undefined }),
  l4: fc.option(fc.tuple(fc.constantFrom('tcp' as const, 'udp' as const), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
    .map(([proto, a, b]) => ({ proto, lo: Math.min(a, b), hi: Math.max(a, b) })), { nil: undefined }),
  loc: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 2 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: null })), { minLength: 1, maxLength: 3, selector: locText }),
  write: fc.boolean(),
}, { requiredKeys: ['loc', 'write'] }).map((s) => {
  // The 3-bit prefix bases are only meaningful when aligned to their length.
  if (s.ip_src) s.ip_src = [s.ip_src[0] - (s.ip_src[0] % 2 ** (3 - s.ip_src[1])), s.ip_src[1]];
  if (s.ipv6_src) s.ipv6_src = [s.ipv6_src[0] - (s.ipv6_src[0] % 2 ** (3 - s.ipv6_src[1])), s.ipv6_src[1]];
  return s;
});

function locationsMeet(a: Array<[number, number | null]>, b: Array<[number, number | null]>): boolean {
  return a.some(([sa, pa]) => b.some(([sb, pb]) => sa === sb && (pa === null || pb === null || pa === pb)));
}

test('property: findOverlaps equals the brute-force reference', () => {
  fc.assert(fc.property(fc.array(fc.array(arbSpec, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 3 }), (slices) => {
    const text = ['network n { switch s1 dpid 1 switch s2 dpid 2 }'];
    slices.forEach((rules, i) => {
      text.push(`slice t${i} { controller "tcp:127.0.0.1:${6633 + i}" flowspace {`);
      rules.forEach((r, j) => text.push(`  ${ruleText(r, `r${j}`)}`));
      text.push('} }');
    });
    const file = parse(text.join('\n'), 'rand.slice');
    assert.deepEqual(file.errors, [], text.join('\n'));
    const { program } = bindWorkspace([file]);
    const got = new Set(findOverlaps(program).map((o) => [`${o.a.slice}.${o.a.name}`, `${o.b.slice}.${o.b.name}`].sort().join(' ')));
    const want = new Set<string>();
    slices.forEach((ra, i) => slices.forEach((rb, j) => {
      if (j <= i) return;
      ra.forEach((a, x) => rb.forEach((b, y) => {
        if (locationsMeet(a.loc, b.loc) && packets.some((p) => refMatches(a, p) && refMatches(b, p))) want.add(`t${i}.r${x} t${j}.r${y}`);
      }));
    }));
    assert.deepEqual([...got].sort(), [...want].sort(), text.join('\n'));
  }), { numRuns: 300 });
});
