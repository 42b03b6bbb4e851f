// Switch → tenant against fake connections: packet-ins classified by port, overlay tag, headers
// and rule cookie and delivered untagged; slow tenants and packet_in_rate; port changes; flow
// removals in the tenant's terms; errors nobody asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP_NO_BUFFER, OFPP13 as OFPP, OFPPR } from '../../../src/openflow/constants.js';
import { HV_DROP_COOKIE, NO_COOKIE } from '../../../src/dataplane/cookies.js';
import { connectSession, flowMod, port } from './fake.js';
import { ipv4Frame, plan } from './plan.js';
import { dp } from '../fixtures.js';

function ready(p = plan) {
  const rig = connectSession(p);
  rig.channel.answerBarriers();
  const x = rig.host.tenants.get('x')!,
    y = rig.host.tenants.get('y')!;
  x.ready();
  y.ready();
  return { ...rig, x, y };
}

const packetIn = (inPort: number, data: Buffer, cookie = NO_COOKIE, reason = 0) => ({
  type: 'packet_in' as const,
  xid: 0,
  bufferId: OFP_NO_BUFFER,
  totalLen: data.length,
  reason,
  tableId: 0,
  cookie,
  match: { in_port: { value: BigInt(inPort) } },
  data,
});

test('a packet-in goes to the slices whose read flowspace at its port matches it', () => {
  const { channel, x, y, host } = ready();
  channel.inject(packetIn(1, ipv4Frame('10.2.0.1', '10.2.0.2')));
  channel.inject(packetIn(2, ipv4Frame('10.2.0.1', '10.2.0.2')));
  channel.inject(packetIn(2, ipv4Frame('10.9.0.1', '10.2.0.2')));
  assert.deepEqual(
    x.of('packet_in').map((m) => m.match.in_port?.value),
    [1n],
  );
  assert.deepEqual(
    y.of('packet_in').map((m) => m.match.in_port?.value),
    [2n],
    'y reads 10.2/16 only',
  );
  assert.equal(x.of('packet_in')[0]!.cookie, NO_COOKIE);
  assert.deepEqual([host.sliceCounters.get('x')!.packetInsDelivered, host.sliceCounters.get('y')!.packetInsDelivered], [1, 1]);
});

test('a tagged packet-in on a link port goes, untagged, to the slice of the tag', () => {
  const { channel, x, y } = ready();
  const tagged = ipv4Frame('10.2.0.1', '10.2.0.2', 202);
  channel.inject(packetIn(3, tagged));
  assert.equal(x.of('packet_in').length, 0);
  const got = y.of('packet_in')[0]!;
  assert.deepEqual([...got.data], [...ipv4Frame('10.2.0.1', '10.2.0.2')]);
  assert.equal(got.totalLen, got.data.length);
  channel.inject(packetIn(3, ipv4Frame('10.2.0.1', '10.2.0.2', 999)));
  assert.equal(y.of('packet_in').length, 1, 'a foreign tag reaches nobody');
});

test("a packet-in of a tenant rule goes to that slice only, with the tenant's cookie; its table-miss rule reads as NO_MATCH", () => {
  const { channel, x } = ready();
  const toController = [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: OFPP.CONTROLLER, maxLen: 0xffff }] }];
  x.sendToProxy(flowMod({ xid: 5, cookie: 0xc0ffeen, priority: 0, instructions: toController }));
  const physical = channel.last('flow_mod');
  channel.inject(packetIn(1, ipv4Frame('10.2.0.1', '10.2.0.2'), physical.cookie, 1));
  const got = x.of('packet_in')[0]!;
  assert.equal(got.cookie, 0xc0ffeen);
  assert.equal(got.reason, 0);
});

test("a tenant rule's packet-in whose headers belong to another slice goes to nobody, never to that slice by its headers", () => {
  const { channel, x, y } = ready();
  const toController = [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: OFPP.CONTROLLER, maxLen: 0xffff }] }];
  x.sendToProxy(flowMod({ xid: 5, cookie: 0xc0ffeen, priority: 0, instructions: toController }));
  const physical = channel.last('flow_mod');
  // At y's port with y's headers but x's rule cookie (what a rewrite escaping x would look like).
  channel.inject(packetIn(2, ipv4Frame('10.2.0.1', '10.2.0.2'), physical.cookie, 1));
  assert.equal(y.of('packet_in').length, 0, "y never gets x's packet-in");
  assert.equal(x.of('packet_in').length, 0, 'x does not get a packet outside its slice either');
  // The same headers without a tenant cookie (a table miss) are y's, as before.
  channel.inject(packetIn(2, ipv4Frame('10.2.0.1', '10.2.0.2')));
  assert.equal(y.of('packet_in').length, 1);
});

test('a slow tenant or one over its packet_in_rate loses packet-ins (counted), the switch is never held up', () => {
  const limited = { ...plan, slices: plan.slices.map((s) => (s.name === 'x' ? { ...s, limits: { ...s.limits, packetInRate: 2 } } : s)) };
  const { channel, x, y, host } = ready(limited);
  for (let i = 0; i < 5; i++) channel.inject(packetIn(1, ipv4Frame('10.2.0.1', '10.2.0.2')));
  assert.equal(x.of('packet_in').length, 2);
  assert.equal(host.sliceCounters.get('x')!.packetInsDropped, 3);
  y.slow = true;
  channel.inject(packetIn(2, ipv4Frame('10.2.0.1', '10.2.0.2')));
  assert.equal(y.of('packet_in').length, 0);
  assert.equal(host.sliceCounters.get('y')!.packetInsDropped, 1);
});

test('port changes go to the slices that see the port', () => {
  const { channel, x, y, session } = ready();
  channel.inject({ type: 'port_status', xid: 0, reason: OFPPR.MODIFY, port: port(1) });
  channel.inject({ type: 'port_status', xid: 0, reason: OFPPR.MODIFY, port: port(3) });
  channel.inject({ type: 'port_status', xid: 0, reason: OFPPR.DELETE, port: port(4) });
  assert.deepEqual(
    x.of('port_status').map((m) => m.port.portNo),
    [1, 3],
  );
  assert.deepEqual(
    y.of('port_status').map((m) => m.port.portNo),
    [3],
  );
  assert.deepEqual([...session.ports.keys()].sort(), [1, 2, 3]);
});

test('a flow removal is counted for the host and shown to the tenant in its own terms', () => {
  const { channel, x, host } = ready();
  x.sendToProxy(
    flowMod({ xid: 5, cookie: 0xabcn, idleTimeout: 30, priority: 7, flags: 1, match: { in_port: { value: 1n } }, instructions: [] }),
  );
  const physical = channel.last('flow_mod');
  assert.equal(host.sliceCounters.get('x')!.flowEntries, 1);
  const removal = {
    type: 'flow_removed' as const,
    xid: 0,
    cookie: physical.cookie,
    priority: physical.priority,
    reason: 0,
    tableId: 0,
    durationSec: 1,
    durationNsec: 0,
    idleTimeout: 30,
    hardTimeout: 0,
    packetCount: 4n,
    byteCount: 400n,
    match: physical.match,
  };
  channel.inject(removal);
  channel.inject({ ...removal, cookie: HV_DROP_COOKIE, match: {}, priority: 0 });
  assert.deepEqual(
    host.removed.map((r) => [r.dpid, r.cookie, r.packetCount]),
    [
      [dp(1), physical.cookie, 4n],
      [dp(1), HV_DROP_COOKIE, 4n],
    ],
  );
  assert.equal(host.sliceCounters.get('x')!.flowEntries, 0);
  const seen = x.of('flow_removed');
  assert.deepEqual(
    seen.map((m) => [m.cookie, m.priority, m.match.in_port?.value, m.packetCount]),
    [[0xabcn, 7, 1n, 4n]],
  );
});

test('an error for a request nobody waits for is logged and dropped', () => {
  const { channel, x, y } = ready();
  channel.inject({ type: 'error', xid: 0x7fff_0000, errType: 1, code: 1, data: Buffer.alloc(0) });
  assert.equal(x.of('error').length + y.of('error').length, 0);
});
