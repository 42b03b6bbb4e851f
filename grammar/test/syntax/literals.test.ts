import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/syntax/parse.js';
import type * as A from '../../src/syntax/ast.js';

function sw(dpid: string): A.SwitchDecl {
  const f = parse(`network n { switch s dpid ${dpid} }`, 't');
  assert.deepEqual(f.errors, [], dpid);
  return (f.items[0] as A.NetworkDecl).members[0] as A.SwitchDecl;
}

function field(name: string, value: string): { file: A.SourceFile; m: A.FieldMatch } {
  const file = parse(`slice x { flowspace { r: match ${name} ${value} on s1 } }`, 't');
  const fs = (file.items[0] as A.SliceDecl).statements[0] as A.FlowspaceBlock;
  return { file, m: fs.rules[0]!.match[0]! };
}

function firstRate(text: string): A.RateLit | undefined {
  const f = parse(`slice x { qos { cap ${text} } }`, 't');
  return ((f.items[0] as A.SliceDecl).statements[0] as A.QosBlock).items[0]!.kind === 'Cap'
    ? (((f.items[0] as A.SliceDecl).statements[0] as A.QosBlock).items[0] as A.CapStmt).rate
    : undefined;
}

const dpids: Array<[string, bigint | undefined]> = [
  ['00:00:00:00:00:00:00:01', 1n],
  ['ff:ff:ff:ff:ff:ff:ff:ff', 18446744073709551615n],
  ['0A:0b:00:00:00:00:00:00', 0x0a0b000000000000n],
  ['2', 2n],
  ['0x3', 3n],
  ['0XfF', 255n],
  ['18446744073709551615', 18446744073709551615n],
  ['18446744073709551616', undefined],
  ['0x10000000000000000', undefined],
  ['00:00:00:00:00:00:00:00:01', undefined],
  ['00:00:00:00:00:00:01', undefined],
  ['0:0:0:0:0:0:0:1', undefined],
];
for (const [text, value] of dpids) {
  test(`dpid ${text} → ${value}`, () => {
    const s = sw(text);
    assert.equal(s.dpid?.text, text);
    assert.equal(s.dpid?.value, value);
  });
}

const rates: Array<[string, number | undefined]> = [
  ['1bps', 1],
  ['1Kbps', 1e3],
  ['1kbps', 1e3],
  ['1Mbps', 1e6],
  ['2.5Mbps', 2.5e6],
  ['1Gbps', 1e9],
  ['10Gbps', 1e10],
  ['1Tbps', 1e12],
  ['0.001Gbps', 1e6],
  ['5Xbps', undefined],
  ['5mbps', undefined],
  ['5', undefined],
];
for (const [text, bps] of rates) {
  test(`rate ${text} → ${bps}`, () => {
    const r = firstRate(text);
    assert.equal(r?.text, text);
    assert.equal(r?.bps, bps);
  });
}

const values: Array<[string, string, A.FieldValue['kind'], string]> = [
  ['eth_src', 'aa:bb:cc:dd:ee:ff', 'Mac', 'aa:bb:cc:dd:ee:ff'],
  ['eth_dst', 'AA:BB:CC:DD:EE', 'Mac', 'AA:BB:CC:DD:EE'],
  ['eth_src', 'aa:bb:cc:dd:ee:ff:00', 'Mac', 'aa:bb:cc:dd:ee:ff:00'],
  ['eth_type', 'arp', 'Name', 'arp'],
  ['eth_type', '0x0800', 'Number', '0x0800'],
  ['ip_src', '10.0.0.0/8', 'Ipv4', '10.0.0.0/8'],
  ['ip_dst', '192.168.1.7', 'Ipv4', '192.168.1.7'],
  ['ip_dst', '10.0.0.0/33', 'Ipv4', '10.0.0.0/33'],
  ['ip_dst', '10.0.0/8', 'Ipv4', '10.0.0/8'],
  ['ip_dst', '300.1.1.1', 'Ipv4', '300.1.1.1'],
  ['ipv6_src', '2001:db8::/32', 'Ipv6', '2001:db8::/32'],
  ['ipv6_dst', '::1', 'Ipv6', '::1'],
  ['ipv6_dst', '::', 'Ipv6', '::'],
  ['ipv6_dst', 'fe80::1:2', 'Ipv6', 'fe80::1:2'],
  ['ipv6_dst', '::ffff:10.0.0.1', 'Ipv6', '::ffff:10.0.0.1'],
  ['ipv6_src', '2001:db8:0:0:0:0:0:1/128', 'Ipv6', '2001:db8:0:0:0:0:0:1/128'],
  ['ipv6_src', 'aa:bb:cc:dd:ee:ff', 'Ipv6', 'aa:bb:cc:dd:ee:ff'],
  ['tcp_dst', '80', 'Number', '80'],
  ['udp_src', '1..1024', 'NumberRange', '1..1024'],
  ['tcp_src', '1024 .. 2048', 'NumberRange', '1024 .. 2048'],
  ['ip_proto', 'tcp', 'Name', 'tcp'],
  ['vlan_vid', '0x64', 'Number', '0x64'],
  ['bogus_field', 'whatever', 'Name', 'whatever'],
];
for (const [name, value, kind, text] of values) {
  test(`field ${name} ${value} → ${kind}`, () => {
    const { file, m } = field(name, value);
    assert.deepEqual(file.errors, []);
    assert.equal(m.field.name, name);
    assert.equal(m.value?.kind, kind);
    assert.equal(m.value?.text, text);
  });
}

test('number values: decimal, hex, fractions and overflow', () => {
  const f = parse('network n { switch s dpid 1 { port 1 port 0x1F port 1.5 port 99999999999999999999 } }', 't');
  assert.deepEqual(f.errors, []);
  const ports = ((f.items[0] as A.NetworkDecl).members[0] as A.SwitchDecl).ports!;
  assert.deepEqual(
    ports.map((p) => [p.first?.text, p.first?.value]),
    [
      ['1', 1],
      ['0x1F', 31],
      ['1.5', undefined],
      ['99999999999999999999', undefined],
    ],
  );
});

test('message rates: N/s, and a bare number kept as malformed', () => {
  const f = parse('slice x { limits { control_rate 100/s packet_in_rate 2.5/s control_rate 7 } }', 't');
  assert.deepEqual(f.errors, []);
  const items = ((f.items[0] as A.SliceDecl).statements[0] as A.LimitsBlock).items;
  assert.deepEqual(
    items.map((i) => (i.kind === 'FlowEntries' ? null : [i.rate?.text, i.rate?.perSecond])),
    [
      ['100/s', 100],
      ['2.5/s', 2.5],
      ['7', undefined],
    ],
  );
});

test('strings: escapes and unicode', () => {
  const f = parse('slice x { owner "a\\"b\\\\c \\n é😀" }', 't');
  assert.deepEqual(f.errors, []);
  const o = (f.items[0] as A.SliceDecl).statements[0] as A.OwnerStmt;
  assert.equal(o.value?.value, 'a"b\\c \\n é😀');
  assert.equal(o.value?.text, '"a\\"b\\\\c \\n é😀"');
});

test('port references: single, range, any, bare, spacing variants', () => {
  const f = parse('network n { link a:1 <-> b:2..4  link c:* <-> d  link e : 5<->f:6 }', 't');
  assert.deepEqual(f.errors, []);
  const links = (f.items[0] as A.NetworkDecl).members as A.LinkDecl[];
  const desc = (p: A.PortRef | undefined): string => {
    if (!p) return '?';
    const ports = p.ports;
    if (ports.form === 'single') return `${p.switch.name}:${ports.port.value}`;
    if (ports.form === 'range') return `${p.switch.name}:${ports.first.value}..${ports.last.value}`;
    return `${p.switch.name}:${ports.form}`;
  };
  assert.deepEqual(
    links.map((l) => `${desc(l.a)}|${desc(l.b)}`),
    ['a:1|b:2..4', 'c:any|d:switch', 'e:5|f:6'],
  );
});

test('identifiers: keywords are names where a name is expected; dashes and underscores', () => {
  const f = parse('network network { switch slice dpid 1 switch my-sw_2 dpid 2 link slice:1 <-> my-sw_2:1 }', 't');
  assert.deepEqual(f.errors, []);
  const net = f.items[0] as A.NetworkDecl;
  assert.equal(net.name?.name, 'network');
  assert.deepEqual(
    net.members.map((m) => (m.kind === 'Switch' ? m.name?.name : m.kind === 'Link' ? m.a?.switch.name : undefined)),
    ['slice', 'my-sw_2', 'slice'],
  );
});

test('overlay forms', () => {
  const f = parse('slice x { overlay vlan 101 overlay mpls 0x10 overlay auto overlay vlan 5000 }', 't');
  assert.deepEqual(f.errors, []);
  const ovs = (f.items[0] as A.SliceDecl).statements as A.OverlayStmt[];
  assert.deepEqual(
    ovs.map((o) => [o.mode, o.tag?.value]),
    [
      ['vlan', 101],
      ['mpls', 16],
      ['auto', undefined],
      ['vlan', 5000],
    ],
  );
  assert.ok(ovs[0]!.modeRange);
  assert.equal(ovs[0]!.modeRange!.start.character, 18);
});
