import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import type * as A from '../../src/syntax/ast.js';
import { CAMPUS, KITCHEN_SINK } from './samples.js';

function slice(file: A.SourceFile, name: string): A.SliceDecl {
  const s = file.items.find((i): i is A.SliceDecl => i.kind === 'Slice' && i.name?.name === name);
  assert.ok(s, `slice ${name}`);
  return s;
}

function stmt<K extends A.SliceStatement['kind']>(s: A.SliceDecl, kind: K): Extract<A.SliceStatement, { kind: K }> {
  const st = s.statements.find((x) => x.kind === kind);
  assert.ok(st, `${kind} in ${s.name?.name}`);
  return st as Extract<A.SliceStatement, { kind: K }>;
}

test('the language page example parses without errors', () => {
  const f = parse(CAMPUS, 'campus.slice');
  assert.deepEqual(f.errors, []);
  assert.equal(f.kind, 'File');
  assert.equal(f.path, 'campus.slice');
  assert.deepEqual(
    f.items.map((i) => `${i.kind}:${i.name?.name}`),
    ['Network:campus', 'Slice:research', 'Slice:production'],
  );
  assert.equal(f.comments.length, 1);
  assert.equal(f.comments[0]!.text, '// campus.slice: two tenants on a three-switch line');
});

test('example: network switches, ports and links', () => {
  const net = parse(CAMPUS, 'c').items[0] as A.NetworkDecl;
  const switches = net.members.filter((m): m is A.SwitchDecl => m.kind === 'Switch');
  assert.deepEqual(
    switches.map((s) => [s.name?.name, s.dpid?.text, s.dpid?.value]),
    [
      ['s1', '00:00:00:00:00:00:00:01', 1n],
      ['s2', '2', 2n],
      ['s3', '0x3', 3n],
    ],
  );
  const p1 = switches[0]!.ports!;
  assert.equal(p1.length, 2);
  assert.equal(p1[0]!.first?.value, 1);
  assert.equal(p1[0]!.last, undefined);
  assert.equal(p1[0]!.label?.value, 'host-a');
  assert.equal(p1[0]!.speed?.bps, 1e9);
  assert.deepEqual([p1[1]!.first?.value, p1[1]!.last?.value, p1[1]!.label], [2, 3, undefined]);
  assert.equal(switches[1]!.ports![0]!.speed?.bps, 10e9);
  const links = net.members.filter((m): m is A.LinkDecl => m.kind === 'Link');
  assert.equal(links.length, 2);
  const l = links[0]!;
  assert.equal(l.a?.switch.name, 's1');
  assert.deepEqual(l.a?.ports.form, 'single');
  assert.equal(l.a?.ports.form === 'single' ? l.a.ports.port.value : -1, 3);
  assert.equal(l.b?.switch.name, 's2');
  assert.equal(l.capacity?.text, '1Gbps');
});

test('example: slice research statements', () => {
  const s = slice(parse(CAMPUS, 'c'), 'research');
  assert.deepEqual(
    s.statements.map((x) => x.kind),
    ['Owner', 'Controller', 'Overlay', 'Flowspace', 'Qos', 'Limits'],
  );
  assert.equal(stmt(s, 'Owner').value?.value, 'alice@example.org');
  assert.deepEqual(
    stmt(s, 'Controller').endpoints.map((e) => e.value),
    ['tcp:127.0.0.1:6634'],
  );
  const ov = stmt(s, 'Overlay');
  assert.equal(ov.mode, 'vlan');
  assert.equal(ov.tag?.value, 101);
  const rules = stmt(s, 'Flowspace').rules;
  assert.equal(rules.length, 2);
  const web = rules[0]!;
  assert.equal(web.name?.name, 'web');
  assert.deepEqual(
    web.match.map((m) => [m.field.name, m.value?.kind, m.value?.text]),
    [
      ['ip_src', 'Ipv4', '10.1.0.0/16'],
      ['tcp_dst', 'Number', '80'],
    ],
  );
  assert.deepEqual(
    web.locations?.map((l) => (l.kind === 'PortRef' ? `${l.switch.name}:${l.ports.form}` : 'all')),
    ['s1:single', 's3:single'],
  );
  assert.deepEqual(
    web.permissions?.map((p) => p.value),
    ['read', 'write'],
  );
  assert.equal(web.priority?.value, 100);
  const arp = rules[1]!;
  assert.deepEqual(
    arp.match.map((m) => [m.field.name, m.value?.kind, m.value?.text]),
    [['eth_type', 'Name', 'arp']],
  );
  assert.deepEqual(
    arp.locations?.map((l) => (l.kind === 'PortRef' ? `${l.switch.name}:${l.ports.form}` : 'all')),
    ['s1:switch', 's2:switch', 's3:switch'],
  );
  assert.deepEqual(
    arp.permissions?.map((p) => p.value),
    ['read'],
  );
  assert.equal(arp.priority, undefined);

  const qos = stmt(s, 'Qos').items;
  assert.deepEqual(
    qos.map((q) => q.kind),
    ['Guarantee', 'Cap', 'Class'],
  );
  const g = qos[0] as A.GuaranteeStmt;
  assert.equal(g.rate?.bps, 200e6);
  assert.deepEqual(
    g.links.map((l) => `${l.a.switch.name}<->${l.b?.switch.name}`),
    ['s1<->s2', 's2<->s3'],
  );
  assert.equal((qos[1] as A.CapStmt).rate?.bps, 500e6);
  const cls = qos[2] as A.ClassDecl;
  assert.equal(cls.name?.name, 'video');
  assert.equal(cls.match[0]!.value?.kind, 'NumberRange');
  const v = cls.match[0]!.value;
  assert.ok(v?.kind === 'NumberRange');
  assert.deepEqual([v.text, v.first.value, v.last.value], ['5004..5010', 5004, 5010]);
  assert.deepEqual([cls.min?.bps, cls.max?.bps, cls.priority?.value], [50e6, 100e6, 6]);

  const limits = stmt(s, 'Limits').items;
  assert.deepEqual(
    limits.map((l) => l.kind),
    ['FlowEntries', 'FlowEntries', 'ControlRate', 'PacketInRate'],
  );
  const [fe1, fe2, cr, pr] = limits;
  assert.ok(fe1?.kind === 'FlowEntries' && fe2?.kind === 'FlowEntries' && cr?.kind === 'ControlRate' && pr?.kind === 'PacketInRate');
  assert.deepEqual([fe1.count?.value, fe1.on], [1000, undefined]);
  assert.deepEqual([fe2.count?.value, fe2.on?.name], [200, 's1']);
  assert.equal(cr.rate?.perSecond, 100);
  assert.equal(pr.rate?.perSecond, 50);
});

test('example: slice production (rule named all, two controllers, mpls)', () => {
  const s = slice(parse(CAMPUS, 'c'), 'production');
  assert.deepEqual(
    stmt(s, 'Controller').endpoints.map((e) => e.value),
    ['tcp:127.0.0.1:6635', 'tcp:127.0.0.1:6636'],
  );
  assert.deepEqual([stmt(s, 'Overlay').mode, stmt(s, 'Overlay').tag?.value], ['mpls', 5001]);
  const rule = stmt(s, 'Flowspace').rules[0]!;
  assert.equal(rule.name?.name, 'all');
  assert.equal(rule.permissions, undefined);
  assert.equal(rule.locations?.length, 2);
  assert.equal(stmt(s, 'Qos').items.length, 1);
  assert.equal(
    s.statements.some((x) => x.kind === 'Owner'),
    false,
  );
});

test('kitchen sink: every construct parses without errors', () => {
  const f = parse(KITCHEN_SINK, 'k.slice');
  assert.deepEqual(f.errors, []);
  assert.deepEqual(
    f.items.map((i) => i.name?.name),
    ['lab', 'tenant_a-1', 'empty'],
  );
  assert.equal(f.comments.length, 5);
  const net = f.items[0] as A.NetworkDecl;
  const [port, all, s2] = net.members as A.SwitchDecl[];
  assert.equal(port!.name?.name, 'port', 'a switch may be called port');
  assert.equal(port!.ports, undefined, 'no body: any port');
  assert.equal(port!.dpid?.value, 16n);
  assert.equal(all!.name?.name, 'all');
  assert.equal(all!.dpid?.value, 10n);
  assert.equal(all!.ports?.length, 3);
  assert.equal(all!.ports![0]!.speed?.bps, 2.5e6);
  assert.equal(all!.ports![2]!.speed?.bps, 100e3);
  assert.equal(s2!.dpid?.value, 18446744073709551615n);
  const link2 = net.members[4] as A.LinkDecl;
  assert.equal(link2.kind, 'Link');
  assert.equal(link2.capacity, undefined);
  assert.equal(link2.b?.switch.name, 'all');
  const t = f.items[1] as A.SliceDecl;
  assert.equal(stmt(t, 'Owner').value?.value, 'bob "the admin" \\ ops');
  assert.equal(stmt(t, 'Overlay').mode, 'auto');
  assert.equal(stmt(t, 'Overlay').tag, undefined);
  const rules = stmt(t, 'Flowspace').rules;
  assert.deepEqual(
    rules.map((r) => r.name?.name),
    ['everything', 'macs', 'v6', 'vlan'],
  );
  assert.deepEqual(rules[0]!.match, []);
  assert.deepEqual(
    rules[0]!.locations?.map((l) => l.kind),
    ['AllLocations'],
  );
  assert.deepEqual(
    rules[1]!.match.map((m) => m.value?.kind),
    ['Mac', 'Mac'],
  );
  const locs = rules[1]!.locations!;
  assert.ok(locs[0]?.kind === 'PortRef' && locs[0].ports.form === 'any');
  assert.ok(
    locs[1]?.kind === 'PortRef' && locs[1].ports.form === 'range' && locs[1].ports.first.value === 1 && locs[1].ports.last.value === 3,
  );
  assert.deepEqual(
    rules[2]!.match.map((m) => [m.value?.kind, m.value?.text]),
    [
      ['Name', 'ipv6'],
      ['Ipv6', '2001:db8::/32'],
      ['Ipv6', '::1'],
    ],
  );
  assert.deepEqual(
    rules[3]!.match.map((m) => m.value?.kind),
    ['Number', 'Number', 'Number', 'Name', 'NumberRange'],
  );
  assert.equal(rules[3]!.match[0]!.value?.kind === 'Number' ? rules[3]!.match[0]!.value.value : -1, 100);
  assert.deepEqual(
    rules[3]!.permissions?.map((p) => p.value),
    ['read', 'write', 'delegate'],
  );
  assert.ok(rules[3]!.locations?.[0]?.kind === 'PortRef', 'all:2 is a port of the switch called all');
  const qos = stmt(t, 'Qos').items;
  assert.equal((qos[0] as A.GuaranteeStmt).rate?.bps, 1);
  assert.equal((qos[1] as A.CapStmt).rate?.bps, 1.5e9);
  const bulk = qos[2] as A.ClassDecl;
  assert.deepEqual([bulk.min, bulk.max?.bps], [undefined, 10e3]);
  const voice = qos[3] as A.ClassDecl;
  assert.deepEqual([voice.min?.bps, voice.max, voice.priority?.value], [1e6, undefined, 7]);
  const lim = stmt(t, 'Limits').items;
  assert.deepEqual(
    lim.map((l) => l.kind),
    ['FlowEntries', 'ControlRate', 'PacketInRate'],
  );
  assert.equal(lim[0]?.kind === 'FlowEntries' ? lim[0].on?.name : '', 'port');
  assert.deepEqual((f.items[2] as A.SliceDecl).statements, []);
});
