// Link discovery, the pure parts: the hypervisor's LLDP probes (built, read back, forged ones
// told apart) and declared vs discovered (seen, missing, miswired, extra, ports down, undeclared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanNetwork } from '@dfvisor/grammar';
import { buildProbe, looksLikeProbe, readProbe } from '../../src/proxy/discovery/lldp.js';
import { checkTopology, topologyProblems } from '../../src/api/topology-check.js';
import type { DiscoveryView } from '../../src/view/runtime-view.js';

const KEY = Buffer.alloc(32, 7);
const D1 = '0000000000000001';
const D2 = '0000000000000002';
const D3 = '0000000000000003';

test('a probe reads back to its origin; a wrong key, an edited port or another frame does not', () => {
  const p = buildProbe(KEY, D1, 3, 1_700_000_000_000);
  assert.ok(looksLikeProbe(p));
  assert.equal(p.readUInt16BE(12), 0x88cc);
  assert.deepEqual(readProbe(KEY, p), { kind: 'probe', origin: { dpid: D1, port: 3, sentAt: 1_700_000_000_000 } });
  assert.deepEqual(readProbe(Buffer.alloc(32, 8), p), { kind: 'forged', reason: 'bad signature' });
  // The port id TLV edited to claim port 4 (same length): the signature no longer matches.
  const edited = Buffer.from(p);
  edited[edited.indexOf(Buffer.from('\x073', 'latin1')) + 1] = '4'.charCodeAt(0);
  assert.deepEqual(readProbe(KEY, edited), { kind: 'forged', reason: 'bad signature' });
  assert.equal(readProbe(KEY, p.subarray(0, 30)).kind, 'forged');
  // A tenant's LLDP (another source MAC) is not ours.
  const tenant = Buffer.from(p);
  tenant.writeUIntBE(0x020000000001, 6, 6);
  assert.deepEqual(readProbe(KEY, tenant), { kind: 'other' });
});

const network: PlanNetwork = {
  name: 'lab',
  switches: [
    { name: 's1', dpid: D1, ports: [1, 2, 3, 4].map((number) => ({ number })) },
    { name: 's2', dpid: D2, ports: null },
    { name: 's3', dpid: D3, ports: [1, 2].map((number) => ({ number })) },
  ],
  links: [
    { id: 's1:3<->s2:3', a: { switch: 's1', dpid: D1, port: 3 }, b: { switch: 's2', dpid: D2, port: 3 }, capacityBps: null },
    { id: 's1:4<->s2:4', a: { switch: 's1', dpid: D1, port: 4 }, b: { switch: 's2', dpid: D2, port: 4 }, capacityBps: null },
    { id: 's2:1<->s3:2', a: { switch: 's2', dpid: D2, port: 1 }, b: { switch: 's3', dpid: D3, port: 2 }, capacityBps: null },
  ],
};
const at = '2026-12-05T12:04:00.000Z';
const sight = (a: [string, number], b: [string, number]) => ({
  from: { dpid: a[0], port: a[1] },
  to: { dpid: b[0], port: b[1] },
  since: at,
  lastSeen: at,
});
const port = (number: number, linkDown = false, adminDown = false) => ({ number, name: `p${number}`, linkDown, adminDown });

const discovery: DiscoveryView = {
  enabled: true,
  intervalMs: 1000,
  startedAt: '2026-12-05T12:00:00.000Z',
  sightings: [
    sight([D1, 3], [D3, 1]), // miswired: declared s1:3 <-> s2:3
    sight([D3, 1], [D1, 3]),
    sight([D1, 4], [D2, 4]), // as declared (one direction is enough)
    sight(['00000000000000aa', 1], ['00000000000000bb', 2]), // nobody declared it
  ],
  ports: [
    { dpid: D1, ports: [port(1, true), port(2, false, true), port(3), port(4), port(9, true)] },
    { dpid: '00000000000000aa', ports: [port(1, true)] },
  ],
  probes: { sent: 10, received: 6, forged: 0 },
};

test('declared vs discovered: seen, miswired with what is cabled instead, missing, extra, ports down, undeclared', () => {
  const c = checkTopology(
    network,
    discovery,
    [{ dpid: '0000000000000009', address: '127.0.0.1:5', count: 2, lastSeen: at }],
    Date.parse(at),
  );
  assert.equal(c.settled, true);
  assert.deepEqual(
    c.links.map((l) => [l.id, l.state]),
    [
      ['s1:3<->s2:3', 'miswired'],
      ['s1:4<->s2:4', 'seen'],
      ['s2:1<->s3:2', 'missing'],
    ],
  );
  assert.deepEqual(c.links[0]!.seen, [{ a: { switch: 's1', dpid: D1, port: 3 }, b: { switch: 's3', dpid: D3, port: 1 }, since: at }]);
  assert.equal(c.links[1]!.since, at);
  assert.deepEqual(c.extra, [
    { a: { switch: null, dpid: '00000000000000aa', port: 1 }, b: { switch: null, dpid: '00000000000000bb', port: 2 }, since: at },
  ]);
  // Port 9 is not declared on s1; the undeclared switch's ports are not judged.
  assert.deepEqual(
    c.portsDown.map((p) => [p.switch, p.port, p.reason]),
    [
      ['s1', 1, 'link-down'],
      ['s1', 2, 'admin-down'],
    ],
  );
  assert.deepEqual(c.undeclared, [{ dpid: '0000000000000009', address: '127.0.0.1:5', lastSeen: at }]);
  assert.deepEqual(topologyProblems(c), [
    'extra 00000000000000aa:1<->00000000000000bb:2',
    'missing s2:1<->s3:2',
    'miswired s1:3<->s2:3: sees s1:3<->s3:1',
    'port-down s1:1 (link-down)',
    'port-down s1:2 (admin-down)',
    'undeclared 0000000000000009',
  ]);
});

test('before two intervals discovery is not settled; with discovery off every link reads missing and nothing is judged', () => {
  assert.equal(checkTopology(network, discovery, [], Date.parse('2026-12-05T12:00:01.500Z')).settled, false);
  const off = checkTopology(network, { ...discovery, enabled: false, sightings: [] }, [], Date.parse(at));
  assert.equal(off.enabled, false);
  assert.equal(off.settled, false);
  assert.deepEqual(off.extra, []);
});
