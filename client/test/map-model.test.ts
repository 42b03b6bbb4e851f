// The network map's pure model: topology + slices -> graph elements with classes, each kind of declared vs
// discovered difference marked, slices in their own colours; and the per-slice rates.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildMapModel, rateBetween, SLICE_COLORS, type MapElement, type MapInput } from '../src/map/model.js';
import type { TopologyCheck } from '../src/api/types.js';

const dpid = (n: number) => n.toString(16).padStart(16, '0');
const end = (sw: string, port: number) => ({ switch: sw, dpid: dpid(Number(sw.slice(1))), port });
const link = (a: string, pa: number, b: string, pb: number) => ({ id: `${a}:${pa}<->${b}:${pb}`, a: end(a, pa), b: end(b, pb) });

/** The lab: s1 - s2 - s3 in a line, research on all three, production on s1 and s3 (over s1-s2 only). */
const lab = (discovery?: TopologyCheck): MapInput => ({
  switches: [
    { name: 's1', dpid: dpid(1), connected: true },
    { name: 's2', dpid: dpid(2), connected: true },
    { name: 's3', dpid: dpid(3), connected: false },
  ],
  links: [link('s1', 3, 's2', 3), link('s2', 4, 's3', 3)],
  discovery,
  slices: [
    {
      name: 'research',
      view: [
        { dpid: dpid(1), ports: [1], linkPorts: [3] },
        { dpid: dpid(2), ports: '*', linkPorts: [3, 4] },
        { dpid: dpid(3), ports: [1], linkPorts: [3] },
      ],
    },
    {
      name: 'production',
      paused: true,
      view: [
        { dpid: dpid(1), ports: [1, 2], linkPorts: [3] },
        { dpid: dpid(2), ports: [], linkPorts: [3] },
      ],
    },
  ],
});

const check = (over: Partial<TopologyCheck>): TopologyCheck => ({
  network: 'lab',
  enabled: true,
  intervalMs: 5000,
  settled: true,
  links: [
    { id: 's1:3<->s2:3', a: end('s1', 3), b: end('s2', 3), state: 'seen', since: '2026-12-05T12:00:00.000Z' },
    { id: 's2:4<->s3:3', a: end('s2', 4), b: end('s3', 3), state: 'seen', since: '2026-12-05T12:00:00.000Z' },
  ],
  extra: [],
  portsDown: [],
  undeclared: [],
  probes: { sent: 4, received: 4, forged: 0 },
  ...over,
});

const byId = (els: MapElement[], id: string) => {
  const e = els.find((x) => x.data.id === id);
  assert.ok(e, `no element ${id} in ${els.map((x) => x.data.id).join(', ')}`);
  return e;
};
const withClass = (els: MapElement[], cls: string) =>
  els
    .filter((e) => e.classes.includes(cls))
    .map((e) => e.data.id)
    .sort();

describe('network map model', () => {
  test('draws switches as compound nodes, link ends and slice edge ports as their children, declared links as edges', () => {
    const g = buildMapModel(lab());
    assert.equal(g.discovery, 'unknown');
    assert.deepEqual(g.problems, []);
    assert.deepEqual(withClass(g.elements, 'switch'), [`sw:${dpid(1)}`, `sw:${dpid(2)}`, `sw:${dpid(3)}`]);
    assert.deepEqual(byId(g.elements, `sw:${dpid(3)}`).classes, ['switch', 'disconnected']);
    assert.deepEqual(byId(g.elements, `sw:${dpid(1)}`).classes, ['switch', 'connected']);
    const p13 = byId(g.elements, `port:${dpid(1)}:3`);
    assert.equal(p13.data.parent, `sw:${dpid(1)}`);
    assert.deepEqual(p13.classes, ['port', 'link-port']);
    const l = byId(g.elements, 'link:s1:3<->s2:3');
    assert.deepEqual(l.classes, ['link', 'declared']);
    assert.equal(l.data.source, `port:${dpid(1)}:3`);
    assert.equal(l.data.target, `port:${dpid(2)}:3`);
    // Unknown discovery (a tenant token) marks nothing.
    for (const c of ['missing', 'miswired', 'extra', 'down', 'undeclared']) assert.deepEqual(withClass(g.elements, c), [], c);
  });

  test('gives each slice its colour on its edge ports, switches and links', () => {
    const g = buildMapModel(lab());
    // Sorted by name: production first.
    assert.deepEqual(g.slices, [
      { name: 'production', color: SLICE_COLORS[0], paused: true, switches: 2, edgePorts: 2, links: 1 },
      { name: 'research', color: SLICE_COLORS[1], paused: false, switches: 3, edgePorts: 2, links: 2 },
    ]);
    const p11 = byId(g.elements, `port:${dpid(1)}:1`);
    assert.deepEqual(p11.classes, ['port', 'edge-port']);
    assert.deepEqual(p11.data.slices, ['production', 'research']);
    assert.deepEqual(p11.data.colors, [SLICE_COLORS[0], SLICE_COLORS[1]]);
    assert.deepEqual(byId(g.elements, `port:${dpid(1)}:2`).data.slices, ['production']);
    assert.deepEqual(byId(g.elements, `sw:${dpid(2)}`).data.slices, ['production', 'research']);
    assert.deepEqual(byId(g.elements, `sw:${dpid(3)}`).data.slices, ['research']);
    assert.deepEqual(withClass(g.elements, 'slice-link'), [
      'slice:production:s1:3<->s2:3',
      'slice:research:s1:3<->s2:3',
      'slice:research:s2:4<->s3:3',
    ]);
    const sl = byId(g.elements, 'slice:research:s2:4<->s3:3');
    assert.equal(sl.data.color, SLICE_COLORS[1]);
    assert.equal(sl.data.source, `port:${dpid(2)}:4`);
  });

  test('every element id is unique and every edge joins two drawn nodes', () => {
    const g = buildMapModel(
      lab(
        check({
          extra: [{ a: end('s1', 1), b: { switch: null, dpid: dpid(9), port: 1 }, since: '2026-12-05T12:00:00.000Z' }],
          portsDown: [{ switch: 's3', dpid: dpid(3), port: 2, name: 's3-eth2', reason: 'link-down' }],
        }),
      ),
    );
    const ids = g.elements.map((e) => e.data.id);
    assert.equal(new Set(ids).size, ids.length);
    const nodes = new Set(g.elements.filter((e) => e.group === 'nodes').map((e) => e.data.id));
    for (const e of g.elements.filter((x) => x.group === 'edges')) {
      assert.ok(nodes.has(e.data.source!) && nodes.has(e.data.target!), e.data.id);
    }
    for (const n of g.elements.filter((x) => x.data.parent)) assert.ok(nodes.has(n.data.parent!), n.data.id);
  });

  test('a link discovery has seen is drawn as seen', () => {
    const g = buildMapModel(lab(check({})));
    assert.equal(g.discovery, 'on');
    assert.deepEqual(withClass(g.elements, 'seen'), ['link:s1:3<->s2:3', 'link:s2:4<->s3:3']);
    assert.deepEqual(g.problems, []);
  });

  test('a missing link is marked missing', () => {
    const links = check({}).links;
    links[1] = { id: 's2:4<->s3:3', a: end('s2', 4), b: end('s3', 3), state: 'missing' };
    const g = buildMapModel(lab(check({ links })));
    assert.deepEqual(withClass(g.elements, 'missing'), ['link:s2:4<->s3:3']);
    assert.deepEqual(g.problems, ['missing s2:4<->s3:3']);
  });

  test('a miswired link is marked, and what its ends see instead is drawn as a discovered link', () => {
    const links = check({}).links;
    links[0] = {
      id: 's1:3<->s2:3',
      a: end('s1', 3),
      b: end('s2', 3),
      state: 'miswired',
      seen: [{ a: end('s1', 3), b: end('s3', 1), since: '2026-12-05T12:04:00.000Z' }],
    };
    const g = buildMapModel(lab(check({ links })));
    assert.deepEqual(withClass(g.elements, 'miswired'), ['link:s1:3<->s2:3']);
    const peer = g.elements.filter((e) => e.classes.includes('miswired-peer'));
    assert.equal(peer.length, 1);
    assert.deepEqual(peer[0].classes, ['link', 'discovered', 'miswired-peer']);
    assert.deepEqual([peer[0].data.source, peer[0].data.target], [`port:${dpid(1)}:3`, `port:${dpid(3)}:1`]);
    assert.deepEqual(g.problems, ['miswired s1:3<->s2:3: sees s1:3<->s3:1']);
  });

  test('an extra link is drawn, with an undeclared switch at an end that the network does not declare', () => {
    const g = buildMapModel(
      lab(check({ extra: [{ a: end('s1', 2), b: { switch: null, dpid: dpid(9), port: 1 }, since: '2026-12-05T12:00:00.000Z' }] })),
    );
    const x = g.elements.filter((e) => e.classes.includes('extra'));
    assert.equal(x.length, 1);
    assert.deepEqual([x[0].data.source, x[0].data.target], [`port:${dpid(1)}:2`, `port:${dpid(9)}:1`]);
    assert.deepEqual(byId(g.elements, `sw:${dpid(9)}`).classes, ['switch', 'undeclared']);
    assert.deepEqual(g.problems, [`extra s1:2<->${dpid(9)}:1`]);
  });

  test('a port that is down is marked down, even one no link or slice names', () => {
    const g = buildMapModel(lab(check({ portsDown: [{ switch: 's3', dpid: dpid(3), port: 2, name: 's3-eth2', reason: 'admin-down' }] })));
    const p = byId(g.elements, `port:${dpid(3)}:2`);
    assert.ok(p.classes.includes('down'));
    assert.equal(p.data.parent, `sw:${dpid(3)}`);
    assert.match(p.data.title!, /admin-down/);
    assert.deepEqual(g.problems, ['port-down s3:2 (admin-down)']);
  });

  test('an undeclared switch that connects is drawn and marked', () => {
    const g = buildMapModel(
      lab(check({ undeclared: [{ dpid: dpid(9), address: '127.0.0.1:40000', lastSeen: '2026-12-05T12:00:00.000Z' }] })),
    );
    const n = byId(g.elements, `sw:${dpid(9)}`);
    assert.deepEqual(n.classes, ['switch', 'undeclared']);
    assert.equal(n.data.label, dpid(9));
    assert.deepEqual(g.problems, [`undeclared ${dpid(9)}`]);
  });

  test('before discovery has settled, or with it off, nothing is marked', () => {
    const missing = check({}).links.map((l) => ({ ...l, state: 'missing' as const }));
    const settling = buildMapModel(lab(check({ settled: false, links: missing })));
    assert.equal(settling.discovery, 'settling');
    assert.deepEqual(withClass(settling.elements, 'missing'), []);
    assert.deepEqual(withClass(settling.elements, 'declared'), ['link:s1:3<->s2:3', 'link:s2:4<->s3:3']);
    const off = buildMapModel(lab(check({ enabled: false, links: missing })));
    assert.equal(off.discovery, 'off');
    assert.deepEqual(off.problems, []);
  });
});

describe('slice rates', () => {
  test('packets/s and bit/s between two readings', () => {
    assert.deepEqual(rateBetween({ atMs: 1000, packets: 10, bytes: 1000 }, { atMs: 3000, packets: 30, bytes: 3000 }), {
      pps: 10,
      bps: 8000,
    });
  });
  test('no rate without an earlier reading, for the same instant, or when the counters went back', () => {
    assert.equal(rateBetween(undefined, { atMs: 1, packets: 1, bytes: 1 }), null);
    assert.equal(rateBetween({ atMs: 5, packets: 1, bytes: 1 }, { atMs: 5, packets: 2, bytes: 2 }), null);
    assert.equal(rateBetween({ atMs: 1, packets: 10, bytes: 10 }, { atMs: 2, packets: 3, bytes: 30 }), null);
  });
});
