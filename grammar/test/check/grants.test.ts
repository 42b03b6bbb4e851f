// Grants (SL6xx) beyond the data-driven cases: whom they bind (the GrantScope of a check),
// witnesses that really are inside the rule and outside the grant, formatting of grant blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkWorkspace,
  compile,
  format,
  ide,
  loadWorkspace,
  packetMatches,
  parse,
  PROGRAM_CHECKS,
  type GrantScope,
  type Packet,
} from '../../src/index.js';

const net = `network lab {
  switch s1 dpid 1 { port 1..4 }
}
grant "alice@example.org" {
  ports s1:1..2
  match ip_src 10.1.0.0/16
  limits { flow_entries 100 control_rate 50/s }
}
`;
const alice = `slice a {
  owner "alice@example.org"
  controller "tcp:127.0.0.1:6633"
  flowspace { r: match ip_src 10.0.0.0/8 tcp_dst 80 on s1:1 }
}
`;
const bob = `slice b {
  owner "bob@example.org"
  controller "tcp:127.0.0.1:6634"
  flowspace { r: match ip_src 10.2.0.0/16 on s1:3 }
}
`;

function codes(scope: GrantScope | undefined): string[] {
  const files = [parse(net, 'net.slice'), parse(alice, 'a.slice'), parse(bob, 'b.slice')];
  return checkWorkspace(files, PROGRAM_CHECKS, { grants: scope })
    .diagnostics.filter((d) => d.code.startsWith('SL6'))
    .map((d) => `${d.code} ${d.file}`);
}

test('everyone (default): every slice is checked against its owner grant', () => {
  assert.deepEqual(codes(undefined), ['SL602 a.slice', 'SL601 b.slice']);
});

test('a tenant is bound by its grant; other owners are not its business', () => {
  assert.deepEqual(codes({ kind: 'tenant', owner: 'alice@example.org' }), ['SL602 a.slice']);
  assert.deepEqual(codes({ kind: 'tenant', owner: 'bob@example.org' }), ['SL601 b.slice']);
});

test('the admin is not bound by grants', () => {
  assert.deepEqual(codes({ kind: 'admin' }), []);
});

test('without any grant nothing changes, even for a tenant', () => {
  const files = [parse('network lab { switch s1 dpid 1 { port 1..4 } }', 'net.slice'), parse(bob, 'b.slice')];
  const ds = checkWorkspace(files, PROGRAM_CHECKS, { grants: { kind: 'tenant', owner: 'bob@example.org' } }).diagnostics;
  assert.deepEqual(
    ds.map((d) => d.code),
    [],
  );
});

test('the witness of SL602 matches the rule and not the grant', () => {
  const files = [parse(net, 'net.slice'), parse(alice, 'a.slice')];
  const d = checkWorkspace(files).diagnostics.find((x) => x.code === 'SL602')!;
  const witness = String(d.data!.witness);
  const pkt: Packet = {};
  for (const part of witness.split(' ')) {
    const [k, v] = part.split('=');
    const key = k === 'ip_src' ? 'ipv4_src' : k;
    (pkt as Record<string, unknown>)[key] = /^\d+$/.test(v!) ? Number(v) : v === 'ipv4' ? 0x800 : v === 'tcp' ? 6 : v;
  }
  assert.ok(packetMatches({ ipv4_src: '10.0.0.0/8', tcp_dst: 80, eth_type: 0x800, ip_proto: 6 }, pkt), witness);
  assert.ok(!packetMatches({ ipv4_src: '10.1.0.0/16', eth_type: 0x800 }, pkt), witness);
  assert.equal(d.data!.location, 's1:1');
  assert.equal(d.related[0]!.file, 'net.slice');
});

test('an absent limit takes the ceiling in the plan; a stated one stays', () => {
  const inside = alice.replace('10.0.0.0/8', '10.1.0.0/16').replace('flowspace', 'limits { flow_entries 10 }\n  flowspace');
  const { plan, diagnostics } = compile([parse(net, 'net.slice'), parse(inside, 'a.slice')]);
  assert.deepEqual(diagnostics, []);
  const s = plan!.slices.find((x) => x.name === 'a')!;
  assert.equal(s.limits.flowEntries, 10);
  assert.equal(s.limits.controlRate, 50);
  assert.equal(s.limits.packetInRate, null);
  // Without a cap, a slice of an owner whose grant has a bandwidth is capped at it (a meter).
  const banded = net.replace('limits { flow_entries 100 control_rate 50/s }', 'bandwidth 300Mbps');
  const capped = compile([parse(banded, 'net.slice'), parse(inside, 'a.slice')]).plan!;
  assert.equal(capped.slices[0]!.qos.capBps, 300e6);
  assert.deepEqual(
    capped.qos.meters.map((m) => [m.slice, m.rateKbps]),
    [['a', 300000]],
  );
});

test('grant blocks format canonically and idempotently', () => {
  const messy = `grant "a@x" under "ops@x" {ports s1:1..2,s2
match ip_src 10.1.0.0/16   tcp_dst 80
 bandwidth 1Gbps slices 3 limits { flow_entries 5 } controllers 10.0.0.0/8,::1 delegate 2 }`;
  const once = format(messy, 'g.slice');
  assert.equal(
    once,
    `grant "a@x" under "ops@x" {
  ports s1:1..2, s2
  match ip_src 10.1.0.0/16 tcp_dst 80
  bandwidth 1Gbps
  slices 3
  limits {
    flow_entries 5
  }
  controllers 10.0.0.0/8, ::1
  delegate 2
}
`,
  );
  assert.equal(format(once, 'g.slice'), once);
  assert.deepEqual(parse(messy, 'g.slice').errors, []);
});

test('an inlay hint after the slice name shows the ceilings it takes from its grant', () => {
  const slice = `slice a {
  owner "alice@example.org"
  controller "tcp:127.0.0.1:6633"
  limits { flow_entries 10 }
  flowspace { r: match ip_src 10.1.0.0/16 on s1:1 }
}
`;
  const files = [parse(net, 'net.slice'), parse(slice, 'a.slice')];
  const model = ide.buildEditorProgram(files);
  const hints = ide.inlayHints(model, files[1]!).filter((h) => h.kind === 'ceiling');
  assert.deepEqual(
    hints.map((h) => [h.position.line, h.position.character, h.label]),
    [[0, 7, 'limits from grant: control_rate 50/s']],
  );
});

test("samples: alice's own workspace fits her campus grant; reaching for staff ports does not", async () => {
  const root = new URL('../../../../samples/', import.meta.url).pathname;
  const campus = (await loadWorkspace([`${root}campus`])).files;
  const mine = (await loadWorkspace([`${root}campus-alice`])).files;
  const alice: GrantScope = { kind: 'tenant', owner: 'alice@campus.example' };
  const clean = checkWorkspace([...campus, ...mine], PROGRAM_CHECKS, { grants: alice }).diagnostics;
  assert.deepEqual(
    clean.map((d) => `${d.code} ${d.message}`),
    [],
  );
  const reach = parse(mine[0]!.text.replace('on physics:13..20', 'on physics:1..20'), mine[0]!.path);
  const bad = checkWorkspace([...campus, reach], PROGRAM_CHECKS, { grants: alice }).diagnostics;
  assert.deepEqual(
    bad.map((d) => [d.code, d.data?.location]),
    [['SL602', 'physics:1']],
  );
});

test('hover on an owner string shows the grant and how many of its slices are used', () => {
  const files = [parse(net, 'net.slice'), parse(alice, 'a.slice'), parse(bob, 'b.slice')];
  const model = ide.buildEditorProgram(files);
  const at = (f: number, text: string) => files[f]!.text.indexOf(text) + 2;
  const onSlice = ide.hoverAt(model, files[1]!, at(1, '"alice@example.org"'))!;
  assert.match(onSlice.markdown, /^\*\*grant "alice@example\.org"\*\*/);
  assert.match(onSlice.markdown, /- ports: s1:1\.\.2 \(and the links between them\)/);
  assert.match(onSlice.markdown, /- match: eth_type=2048 ipv4_src=10\.1\.0\.0\/16/);
  assert.match(onSlice.markdown, /- slices: 1 of unlimited/);
  assert.match(onSlice.markdown, /- limits: flow_entries 100, control_rate 50\/s/);
  const onGrant = ide.hoverAt(model, files[0]!, at(0, '"alice@example.org"'))!;
  assert.equal(onGrant.markdown, onSlice.markdown);
  assert.match(ide.hoverAt(model, files[2]!, at(2, '"bob@example.org"'))!.markdown, /has no grant \(SL601 for its slices\)/);
});

test('completion inside a granted slice: only granted ports, and the granted values of a field', () => {
  const complete = (text: string) => {
    const files = [parse(net, 'net.slice'), parse(text, 'a.slice')];
    return ide.completeAt(ide.buildEditorProgram(files), files[1]!, text.length).items.map((i) => i.label);
  };
  const head = 'slice a {\n  owner "alice@example.org"\n  controller "tcp:127.0.0.1:6633"\n  flowspace {\n    r: match ip_src ';
  assert.deepEqual(complete(head), ['10.1.0.0/16']);
  const ports = complete(`${head}10.1.0.0/16 on s1:`).filter((l) => l.startsWith('s1:'));
  assert.deepEqual(ports, ['s1:1', 's1:2']);
  // Another owner's slice (no grant) is offered every declared port.
  const other = complete(`${head.replace('alice', 'bob')}10.1.0.0/16 on s1:`).filter((l) => l.startsWith('s1:'));
  assert.deepEqual(other, ['s1:1', 's1:2', 's1:3', 's1:4']);
});
