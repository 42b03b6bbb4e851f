// What the extension sends the language server about the connected runtime's network: the API's
// `discovery` mapped to the server's RuntimeTopology, and nothing (null) before discovery has settled,
// with discovery off or nothing deployed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runtimeTopologyOf } from '../src/views/topology-diagnostics.js';
import type { TopologyCheck, VirtualLink } from '../src/api/types.js';

const end = (sw: string, port: number) => ({ switch: sw, dpid: `000000000000000${sw.slice(1)}`, port });
const check: TopologyCheck = {
  network: 'lab',
  enabled: true,
  intervalMs: 5000,
  settled: true,
  links: [
    {
      id: 's1:3<->s2:3',
      a: end('s1', 3),
      b: end('s2', 3),
      state: 'miswired',
      seen: [{ a: end('s1', 3), b: end('s3', 1), since: '2026-12-05T12:04:00.000Z' }],
    },
    { id: 's2:4<->s3:4', a: end('s2', 4), b: end('s3', 4), state: 'seen', since: '2026-12-05T12:00:00.000Z' },
  ],
  extra: [],
  portsDown: [{ switch: 's1', dpid: '0000000000000001', port: 1, name: 'h1', reason: 'admin-down' }],
  undeclared: [],
  probes: { sent: 1, received: 1, forged: 0 },
};

test('the API answer becomes the language server notification', () => {
  assert.deepEqual(runtimeTopologyOf(check), {
    network: 'lab',
    links: [
      {
        a: end('s1', 3),
        b: end('s2', 3),
        state: 'miswired',
        seen: [{ a: end('s1', 3), b: end('s3', 1), since: '2026-12-05T12:04:00.000Z' }],
      },
      { a: end('s2', 4), b: end('s3', 4), state: 'seen' },
    ],
    portsDown: [{ switch: 's1', port: 1, name: 'h1', reason: 'admin-down' }],
  });
});

test('nothing to judge: no discovery, not settled, off, or no network', () => {
  assert.equal(runtimeTopologyOf(undefined), null);
  assert.equal(runtimeTopologyOf({ ...check, settled: false }), null);
  assert.equal(runtimeTopologyOf({ ...check, enabled: false }), null);
  assert.equal(runtimeTopologyOf({ ...check, network: null }), null);
});

test("virtual links go along with each one's path in use, also without discovery", () => {
  const vl = (id: string, links: string[] | null) =>
    ({
      id,
      a: { switch: 'e1', port: 0xfe00 },
      b: { switch: 'e2', port: 0xfe00 },
      tag: 3,
      state: links ? 'up' : 'down',
      path: links ? { index: 1, links, switches: ['c1', 'c2', 'c3'] } : null,
      paths: 2,
      pathChanges: 1,
      counters: { aToB: null, bToA: null, statsAt: null },
    }) as unknown as VirtualLink;
  const vls = new Map([
    ['red', [vl('e1<->e2', ['e1:2<->c1:1', 'c1:2<->c2:1', 'c2:2<->c3:2', 'c3:1<->e2:2'])]],
    ['blue', [vl('e1<->e2', null)]],
  ]);
  const expected = [
    { slice: 'red', id: 'e1<->e2', links: ['e1:2<->c1:1', 'c1:2<->c2:1', 'c2:2<->c3:2', 'c3:1<->e2:2'] },
    { slice: 'blue', id: 'e1<->e2', links: null },
  ];
  assert.deepEqual(runtimeTopologyOf(check, vls)?.virtualLinks, expected);
  assert.deepEqual(runtimeTopologyOf(undefined, vls), { network: '', links: [], portsDown: [], virtualLinks: expected });
  assert.equal(runtimeTopologyOf(undefined, new Map()), null);
  assert.equal(runtimeTopologyOf(check, new Map())?.virtualLinks, undefined);
});
