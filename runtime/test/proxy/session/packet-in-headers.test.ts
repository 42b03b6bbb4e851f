// Packet-in classification by IP headers through a session (fake switch and tenants): two slices
// share edge port 1 of s1, split by IPv6 prefix, by IPv6 TCP port and by IPv4 TCP port. An IPv6
// packet-in goes to the slice of its prefix (or port) only; an IPv4 later fragment whose payload
// reads as the other slice's port reaches neither (it has no ports), while its first fragment does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP_NO_BUFFER } from '../../../src/openflow/constants.js';
import { NO_COOKIE } from '../../../src/dataplane/cookies.js';
import { connectSession } from './fake.js';
import { linePlan, type SliceSpec } from '../fixtures.js';
import { PROTO, fragment, ipv4Packet, ipv6Frame, tcp, udp } from '../ip-frames.js';

/** Slice `name` at s1:1: IPv6 from 2001:db8:`net`::/48, and IPv6 or IPv4 TCP to `port`. */
const slice = (name: string, n: number, net: string, port: number): SliceSpec => ({
  name,
  controllerPort: 7100 + n,
  vlan: 300 + n,
  flowspace: [
    [1, 1, { eth_type: 0x86dd, ipv6_src: `2001:db8:${net}::/48` }],
    [1, 1, { eth_type: 0x86dd, ip_proto: 6, tcp_dst: port }],
    [1, 1, { eth_type: 0x800, ip_proto: 6, tcp_dst: port }],
  ],
});
const plan = linePlan([slice('a', 1, 'a', 22), slice('b', 2, 'b', 80)]);

function ready() {
  const rig = connectSession(plan);
  rig.channel.answerBarriers();
  const a = rig.host.tenants.get('a')!,
    b = rig.host.tenants.get('b')!;
  a.ready();
  b.ready();
  /** Injects a packet-in at port 1; returns how many packet-ins a and b have got so far. */
  const send = (data: Buffer, totalLen = data.length) => {
    rig.channel.inject({
      type: 'packet_in',
      xid: 0,
      bufferId: OFP_NO_BUFFER,
      totalLen,
      reason: 0,
      tableId: 0,
      cookie: NO_COOKIE,
      match: { in_port: { value: 1n } },
      data,
    });
    return [a.of('packet_in').length, b.of('packet_in').length];
  };
  return { send, a, b };
}

test("an IPv6 packet-in goes to the slice of its source prefix, not to the other's", () => {
  const { send, a } = ready();
  assert.deepEqual(send(ipv6Frame('2001:db8:a::7', '2001:db8:ffff::1', [udp(5000, 6000)])), [1, 0], "a's prefix: a only");
  assert.deepEqual(send(ipv6Frame('2001:db8:b::7', '2001:db8:ffff::1', [udp(5000, 6000)])), [1, 1], "b's prefix: b only");
  assert.deepEqual(send(ipv6Frame('2001:db8:c::7', '2001:db8:ffff::1', [udp(5000, 6000)])), [1, 1], 'neither prefix: nobody');
  assert.deepEqual([...a.of('packet_in')[0]!.data.subarray(22, 38)], [...Buffer.from('20010db8000a00000000000000000007', 'hex')]);
});

test('an IPv6 TCP packet-in goes to the slice of its port, behind extension headers too; a later IPv6 fragment has no port', () => {
  const { send } = ready();
  const other = '2001:db8:c::7';
  assert.deepEqual(send(ipv6Frame(other, '2001:db8:c::8', [tcp(40000, 22)])), [1, 0], 'port 22: a');
  assert.deepEqual(
    send(ipv6Frame(other, '2001:db8:c::8', [[PROTO.hopOpts, Buffer.alloc(8)], fragment(0, true), tcp(40000, 80)])),
    [1, 1],
    'port 80 (first fragment): b',
  );
  assert.deepEqual(send(ipv6Frame(other, '2001:db8:c::8', [fragment(100, true), tcp(80, 80)])), [1, 1], 'a later fragment: nobody');
});

test("a crafted IPv4 later fragment whose payload reads as b's TCP port is not delivered to b (nor to a)", () => {
  const { send } = ready();
  const looksLikePort80 = tcp(80, 80)[1];
  assert.deepEqual(send(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { offset: 185 })), [0, 0], 'later fragment: nobody');
  assert.deepEqual(
    send(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { offset: 1, more: true })),
    [0, 0],
    'middle fragment: nobody',
  );
  assert.deepEqual(send(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { ihl: 4 })), [0, 0], 'IHL 4: nobody');
  assert.deepEqual(
    send(ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, looksLikePort80, { more: true })),
    [0, 1],
    "the first fragment is b's",
  );
  // Cut off by the switch (total_len beyond the data): still b's.
  const whole = ipv4Packet('10.0.0.1', '10.0.0.2', PROTO.tcp, Buffer.concat([looksLikePort80, Buffer.alloc(1400)]));
  assert.deepEqual(send(whole.subarray(0, 128), whole.length), [0, 2], 'a cut-off packet-in keeps its port');
});
