// The managed core in the plan (docs/plan.md, "Virtual links"): views without core switches,
// virtual links with their admitted paths, tags after the slices' own, virtual ports from
// VIRTUAL_PORT_BASE, admission on the primary path only, and stability across deploys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compile, parse, serializePlan, VIRTUAL_PORT_BASE, type Plan } from '../../src/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(`${root}grammar/plan.schema.json`, 'utf8')) as object,
);
const SAMPLE = readFileSync(`${root}samples/core/core.slice`, 'utf8');

function compileOk(text: string, previous?: Plan): Plan {
  const r = compile([parse(text, 'core.slice')], previous ? { previous } : {});
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`),
    [],
  );
  assert.ok(validate(r.plan), JSON.stringify(validate.errors?.slice(0, 5)));
  return r.plan!;
}

test('samples/core: each slice sees e1 and e2 only, joined by one virtual link over c1 -> c3, then c1 -> c2 -> c3', () => {
  const plan = compileOk(SAMPLE);
  assert.deepEqual(plan.network.core, ['0000000000000011', '0000000000000012', '0000000000000013']);
  for (const s of plan.slices) {
    assert.deepEqual(
      s.view.map((v) => [v.switch, v.linkPorts, v.virtualPorts]),
      [
        ['e1', [], [{ number: VIRTUAL_PORT_BASE, link: 'e1<->e2' }]],
        ['e2', [], [{ number: VIRTUAL_PORT_BASE, link: 'e1<->e2' }]],
      ],
    );
    assert.equal(s.virtualLinks?.length, 1);
    const vl = s.virtualLinks![0]!;
    assert.equal(vl.id, 'e1<->e2');
    assert.deepEqual([vl.a.switch, vl.a.port, vl.b.switch, vl.b.port], ['e1', VIRTUAL_PORT_BASE, 'e2', VIRTUAL_PORT_BASE]);
    assert.equal(vl.bps, 300_000_000);
    assert.deepEqual(
      vl.paths.map((p) => p.links),
      [
        ['e1:2<->c1:1', 'c1:3<->c3:3', 'c3:1<->e2:2'],
        ['e1:2<->c1:1', 'c1:2<->c2:1', 'c2:2<->c3:2', 'c3:1<->e2:2'],
      ],
    );
    assert.deepEqual(vl.paths[1]!.hops, [
      { dpid: '0000000000000011', switch: 'c1', inPort: 1, outPort: 2 },
      { dpid: '0000000000000012', switch: 'c2', inPort: 1, outPort: 2 },
      { dpid: '0000000000000013', switch: 'c3', inPort: 2, outPort: 1 },
    ]);
    assert.deepEqual([vl.paths[0]!.aPort, vl.paths[0]!.bPort], [2, 2]);
    // No flowspace and no guarantee queue on a core switch.
    assert.ok(!plan.flowspace.some((e) => plan.network.core!.includes(e.dpid)));
    assert.deepEqual(s.qos.guarantees, []);
  }
  // Tags: after the slices' own (101, 102), in slice-name order: blue's virtual link 2, red's 3.
  assert.deepEqual(
    plan.slices.map((s) => [s.name, s.overlay.tag, s.virtualLinks![0]!.tag]),
    [
      ['blue', 102, 2],
      ['red', 101, 3],
    ],
  );
  // Both reserve 300 Mbps on the primary path only.
  const reserved = Object.fromEntries(plan.qos.links.map((l) => [l.id, l.reservedBps]));
  assert.deepEqual(reserved, {
    'c1:2<->c2:1': 0,
    'c1:3<->c3:3': 600_000_000,
    'c2:2<->c3:2': 0,
    'c3:1<->e2:2': 600_000_000,
    'e1:2<->c1:1': 600_000_000,
  });
});

test('a path without room is left out; the next slice takes the other path as its primary', () => {
  const text = SAMPLE.replace('link c1:3 <-> c3:3 capacity 1Gbps', 'link c1:3 <-> c3:3 capacity 500Mbps');
  const plan = compileOk(text);
  const paths = (name: string) => plan.slices.find((s) => s.name === name)!.virtualLinks![0]!.paths.map((p) => p.links.length);
  assert.deepEqual(paths('blue'), [3, 4]); // first by name: both paths fit 300 Mbps
  assert.deepEqual(paths('red'), [4]); // 200 Mbps left on c1 -> c3: only the longer path fits
  const reserved = Object.fromEntries(plan.qos.links.map((l) => [l.id, l.reservedBps]));
  assert.equal(reserved['c1:3<->c3:3'], 300_000_000);
  assert.equal(reserved['c2:2<->c3:2'], 300_000_000);
  assert.equal(reserved['e1:2<->c1:1'], 600_000_000);
});

test('without a guarantee a virtual link reserves nothing and lists its paths; a direct link stays a link port', () => {
  const text = SAMPLE.replace(/ *qos \{\n *guarantee 300Mbps on e1 <-> e2\n *\}\n/g, '').replace(
    '  core c1, c2, c3',
    '  switch e3 dpid 3 { port 1..4 }\n  link e2:4 <-> e3:4\n  core c1, c2, c3',
  );
  const plan = compileOk(
    text
      .replace('hosts: match on e1:1, e2:1', 'hosts: match on e1:1, e2:1, e3:1')
      .replace('port 3 "blue-h2"', 'port 3 "blue-h2"\n    port 4'),
  );
  const red = plan.slices.find((s) => s.name === 'red')!;
  assert.deepEqual(
    red.virtualLinks!.map((v) => [v.id, v.bps, v.paths.length]),
    [['e1<->e2', 0, 2]],
  );
  assert.deepEqual(
    red.view.map((v) => [v.switch, v.linkPorts, v.virtualPorts?.map((p) => p.link)]),
    [
      ['e1', [], ['e1<->e2']],
      ['e2', [4], ['e1<->e2']],
      ['e3', [4], undefined],
    ],
  );
  assert.ok(plan.qos.links.every((l) => l.reservedBps === 0));
});

test('no core: the plan has no core, no virtual links and no virtual ports (same bytes as before)', () => {
  const text = SAMPLE.replace('  core c1, c2, c3\n', '').replace(/ *qos \{\n *guarantee 300Mbps on e1 <-> e2\n *\}\n/g, '');
  const plan = compileOk(text);
  assert.equal('core' in plan.network, false);
  for (const s of plan.slices) {
    assert.equal('virtualLinks' in s, false);
    assert.ok(s.view.every((v) => !('virtualPorts' in v)));
  }
});

test('previous plan: a virtual link keeps its tag and its virtual ports when another edge switch joins', () => {
  const first = compileOk(SAMPLE);
  // e1<->e0 sorts before e1<->e2: without the previous plan it would take e1's first virtual port.
  const grown = SAMPLE.replace('  core c1, c2, c3', '  switch e0 dpid 0x10 { port 1..3 }\n  link e0:2 <-> c2:3\n  core c1, c2, c3')
    .replace('port 1..2 speed 1Gbps', 'port 1..3 speed 1Gbps')
    .replace('hosts: match on e1:1, e2:1', 'hosts: match on e0:1, e1:1, e2:1')
    .replace(
      /slice blue \{\n {2}owner "blue@example.org"/,
      'slice aaa {\n  controller "tcp:127.0.0.1:16655"\n  flowspace { x: match on e0:3 }\n}\n\nslice blue {\n  owner "blue@example.org"',
    );
  const fresh = compileOk(grown);
  const kept = compileOk(grown, first);
  const red = (p: Plan) => p.slices.find((s) => s.name === 'red')!;
  const e1e2 = (p: Plan) => red(p).virtualLinks!.find((v) => v.id === 'e1<->e2')!;
  assert.deepEqual(
    red(fresh).virtualLinks!.map((v) => v.id),
    ['e1<->e0', 'e1<->e2', 'e2<->e0'],
  );
  // Fresh numbering: e1<->e0 is first on e1; kept: e1<->e2 keeps 0xfe00 there, e1<->e0 takes the next.
  assert.equal(e1e2(fresh).a.port, VIRTUAL_PORT_BASE + 1);
  assert.equal(e1e2(kept).a.port, VIRTUAL_PORT_BASE);
  assert.equal(red(kept).virtualLinks!.find((v) => v.id === 'e1<->e0')!.a.port, VIRTUAL_PORT_BASE + 1);
  // Tags: without the previous plan the new slice aaa's auto tag and red's new virtual links take the
  // low tags first; with it, both virtual links keep theirs and aaa takes the next free tag.
  const blue = (p: Plan) => p.slices.find((s) => s.name === 'blue')!.virtualLinks![0]!.tag;
  assert.deepEqual([blue(first), e1e2(first).tag], [2, 3]);
  assert.deepEqual([blue(fresh), e1e2(fresh).tag], [3, 5]);
  assert.deepEqual([blue(kept), e1e2(kept).tag], [2, 3]);
  assert.equal(kept.slices.find((s) => s.name === 'aaa')!.overlay.tag, 4);
  // Deterministic with a previous plan too.
  assert.equal(serializePlan(compileOk(grown, first)), serializePlan(kept));
});

test('a virtual link never takes a VLAN id that a slice matches as a customer tag', () => {
  const text = SAMPLE.replace('overlay vlan 102', 'overlay mpls 16').replace(
    'hosts: match on e1:3, e2:3',
    'hosts: match vlan_vid 3 on e1:3, e2:3',
  );
  const plan = compileOk(text);
  const tags = plan.slices.map((s) => [s.name, s.overlay.type, s.virtualLinks![0]!.tag]);
  // blue's virtual link is MPLS (17: 16 is blue's own label); red's is VLAN 2, the lowest free one.
  assert.deepEqual(tags, [
    ['blue', 'mpls', 17],
    ['red', 'vlan', 2],
  ]);
  // With blue matching customer tag 2, red's virtual link skips it.
  const skipped = compileOk(text.replace('vlan_vid 3', 'vlan_vid 2'));
  assert.deepEqual(
    skipped.slices.map((s) => s.virtualLinks![0]!.tag),
    [17, 3],
  );
});

test('same bytes whatever the file order: the network, core line and slices split over files', () => {
  const netEnd = SAMPLE.indexOf('\n}\n') + 3;
  const coreLine = '  core c1, c2, c3\n';
  const network = SAMPLE.slice(0, netEnd).replace(coreLine, '');
  const files = [
    parse(network, 'a/network.slice'),
    parse(`network managed {\n${coreLine}}\n`, 'a/core.slice'),
    parse(SAMPLE.slice(netEnd), 'a/tenants.slice'),
  ];
  const plans = [files, [...files].reverse(), [files[1]!, files[2]!, files[0]!]].map((fs) => {
    const r = compile(fs);
    assert.deepEqual(r.diagnostics, []);
    return serializePlan(r.plan!);
  });
  assert.equal(plans[1], plans[0]);
  assert.equal(plans[2], plans[0]);
  assert.equal(JSON.parse(plans[0]!).slices[0].virtualLinks.length, 1);
});
