// Tenant → switch against fake connections: the virtual switch's answers, flow-mods rewritten
// into the slice (cookies, priorities, limits, refusals), the switch's errors back in the
// tenant's terms, packet-outs passed through or rewritten, barriers, control_rate, 1.0 tenants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFP10 } from '../../../src/proxy/messages.js';
import { OFP_NO_BUFFER, OFPP13 as OFPP } from '../../../src/openflow/constants.js';
import { cookieSlice, HV_SLICE_COOKIE_MASK, hvSliceCookie, MISS_EMULATION_SEQ } from '../../../src/dataplane/cookies.js';
import { mapPriority, MISS_EMULATION_PRIORITY } from '../../../src/dataplane/priorities.js';
import { connectSession, flowMod, header } from './fake.js';
import { plan } from './plan.js';
import { dp } from '../fixtures.js';

function ready() {
  const rig = connectSession(plan);
  rig.channel.answerBarriers();
  const x = rig.host.tenants.get('x')!,
    y = rig.host.tenants.get('y')!;
  x.ready();
  y.ready();
  return { ...rig, x, y, before: rig.channel.sent.length };
}

test("the proxy answers as the slice's virtual switch: features, config, role, description, ports", () => {
  const { x, channel, before } = ready();
  x.sendToProxy({ type: 'features_request', xid: 1 });
  x.sendToProxy({ type: 'set_config', xid: 2, flags: 0, missSendLen: 256 });
  x.sendToProxy({ type: 'get_config_request', xid: 3 });
  x.sendToProxy({ type: 'role_request', xid: 4, role: 2, generationId: 9n });
  x.sendToProxy({ type: 'multipart_request', xid: 5, mpType: 'desc', flags: 0 });
  x.sendToProxy({ type: 'multipart_request', xid: 6, mpType: 'port_desc', flags: 0 });
  const fr = x.of('features_reply')[0]!;
  assert.deepEqual([fr.xid, fr.dpid, fr.nTables, fr.capabilities], [1, 1n, 1, 0x4f]);
  assert.deepEqual(
    x.of('get_config_reply').map((m) => [m.xid, m.missSendLen]),
    [[3, 256]],
  );
  assert.deepEqual(
    x.of('role_reply').map((m) => [m.xid, m.role, m.generationId]),
    [[4, 2, 9n]],
  );
  const [desc, ports] = x.of('multipart_reply');
  assert.equal(desc!.desc!.dpDesc, `slice x on ${dp(1)}`);
  assert.deepEqual(
    ports!.ports!.map((p) => p.portNo),
    [1, 3],
    'its edge port and the link port',
  );
  assert.equal(channel.sent.length, before, 'nothing reached the switch');
});

test("a flow-mod becomes the slice's physical rules; the switch's error comes back with the tenant's xid", () => {
  const { x, channel, host, before } = ready();
  x.sendToProxy(flowMod({ xid: 21, match: { eth_type: { value: 0x800n } } }));
  const sent = channel.sent.slice(before).filter((m) => m.type === 'flow_mod');
  assert.deepEqual(
    sent.map((f) => f.type === 'flow_mod' && f.match.in_port?.value),
    [1n, 3n],
    'edge port and (tagged) link port',
  );
  for (const f of sent) {
    assert.ok(f.type === 'flow_mod');
    assert.equal(cookieSlice(f.cookie), 0);
    assert.equal(f.priority, mapPriority(10));
    assert.notEqual(f.xid, 21);
  }
  const c = host.sliceCounters.get('x')!;
  assert.deepEqual([c.flowModsAccepted, c.flowEntries], [1, 2]);
  channel.inject({ type: 'error', xid: sent[1]!.xid, errType: 5, code: 1, data: Buffer.from('x') });
  assert.deepEqual(
    x.of('error').map((e) => [e.xid, e.errType, e.code]),
    [[21, 5, 1]],
  );
  assert.equal(c.errorsSent, 1);
});

test('re-adding the same rule updates it in place: same cookie, no new entries', () => {
  const { x, channel, host, before } = ready();
  x.sendToProxy(flowMod({ xid: 1, match: { eth_dst: { value: 2n } } }));
  x.sendToProxy(flowMod({ xid: 2, match: { eth_dst: { value: 2n } } }));
  const cookies = channel.sent.slice(before).map((m) => m.type === 'flow_mod' && m.cookie);
  assert.equal(cookies.length, 4);
  assert.equal(cookies[0], cookies[2]);
  assert.equal(host.sliceCounters.get('x')!.flowEntries, 2);
});

test('flow-mods outside the slice or over its flow_entries limit are refused with the OpenFlow error', () => {
  const { x, y, channel, host, before } = ready();
  x.sendToProxy(flowMod({ xid: 31, match: { in_port: { value: 2n } } }), header(4, 31));
  const e = x.of('error')[0]!;
  assert.deepEqual([e.xid, e.errType, e.code], [31, 4, 11], 'BAD_MATCH / EPERM');
  assert.deepEqual([...e.data], [...header(4, 31)], 'the offending request');
  assert.equal(host.sliceCounters.get('x')!.flowModsRejected, 1);
  // y: at most 3 entries; each rule without in_port is one entry per port (edge 2, link 3).
  const toPort2 = [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: 2, maxLen: 0 }] }];
  y.sendToProxy(flowMod({ xid: 41, match: { eth_dst: { value: 1n } }, instructions: toPort2 }));
  y.sendToProxy(flowMod({ xid: 42, match: { eth_dst: { value: 2n } }, instructions: toPort2 }));
  assert.deepEqual(
    y.of('error').map((m) => [m.xid, m.errType, m.code]),
    [[42, 5, 1]],
    'FLOW_MOD_FAILED / TABLE_FULL',
  );
  assert.equal(host.sliceCounters.get('y')!.flowEntries, 2);
  assert.equal(channel.sent.slice(before).filter((m) => m.type === 'flow_mod').length, 2);
});

test("a packet-out to the slice's own port passes through with a new xid; FLOOD is rewritten", () => {
  const { x, channel, before } = ready();
  const raw = Buffer.concat([header(4, 51), Buffer.from('payload')]);
  x.sendToProxy(
    {
      type: 'packet_out',
      xid: 51,
      bufferId: OFP_NO_BUFFER,
      inPort: OFPP.CONTROLLER,
      actions: [{ type: 'output', port: 1, maxLen: 0 }],
      data: Buffer.from('frame'),
    },
    raw,
  );
  assert.equal(channel.raw.length, 1);
  const passed = channel.raw[0]!;
  assert.notEqual(passed.readUInt32BE(4), 51);
  assert.deepEqual(passed.subarray(8), raw.subarray(8));
  x.sendToProxy({
    type: 'packet_out',
    xid: 52,
    bufferId: OFP_NO_BUFFER,
    inPort: 1,
    actions: [{ type: 'output', port: OFPP.FLOOD, maxLen: 0 }],
    data: Buffer.from('frame'),
  });
  const po = channel.sent.slice(before).find((m) => m.type === 'packet_out');
  assert.ok(po && po.type === 'packet_out');
  assert.deepEqual(
    po.actions.map((a) => a.type),
    ['push_vlan', 'set_field', 'output'],
    'tagged out of the link port only',
  );
  x.sendToProxy({
    type: 'packet_out',
    xid: 53,
    bufferId: OFP_NO_BUFFER,
    inPort: OFPP.CONTROLLER,
    actions: [{ type: 'output', port: 2, maxLen: 0 }],
    data: Buffer.from('frame'),
  });
  assert.deepEqual(
    x.of('error').map((m) => [m.xid, m.errType]),
    [[53, 2]],
    "BAD_ACTION: port 2 is y's",
  );
});

test("barriers are forwarded and answered with the tenant's xid; other messages are refused", () => {
  const { x, channel } = ready();
  x.sendToProxy({ type: 'barrier_request', xid: 61 });
  channel.inject({ type: 'barrier_reply', xid: channel.last('barrier_request').xid });
  assert.deepEqual(
    x.of('barrier_reply').map((m) => m.xid),
    [61],
  );
  x.sendToProxy({ type: 'other', xid: 62, name: 'group_mod' });
  x.sendToProxy({ type: 'multipart_request', xid: 63, mpType: 'table', flags: 0 });
  assert.deepEqual(
    x.of('error').map((m) => [m.xid, m.errType, m.code]),
    [
      [62, 1, 1],
      [63, 1, 2],
    ],
    'BAD_TYPE, BAD_MULTIPART',
  );
});

test("control_rate: requests over the slice's rate are refused and counted", () => {
  const limited = { ...plan, slices: plan.slices.map((s) => (s.name === 'x' ? { ...s, limits: { ...s.limits, controlRate: 2 } } : s)) };
  const rig = connectSession(limited);
  const x = rig.host.tenants.get('x')!;
  x.ready();
  for (let i = 0; i < 5; i++) x.sendToProxy({ type: 'get_config_request', xid: 70 + i });
  assert.equal(x.of('get_config_reply').length, 2);
  assert.deepEqual(
    x.of('error').map((m) => [m.xid, m.errType, m.code]),
    [
      [72, 1, 5],
      [73, 1, 5],
      [74, 1, 5],
    ],
  );
  assert.equal(rig.host.sliceCounters.get('x')!.controlRateDrops, 3);
});

test('an OpenFlow 1.0 controller gets table-miss emulation rules on its edge ports', () => {
  const { channel, host } = connectSession(plan, { tenantVersion: OFP10 });
  channel.answerBarriers();
  const before = channel.sent.length;
  host.tenants.get('x')!.ready(OFP10);
  const miss = channel.sent.slice(before).filter((m) => m.type === 'flow_mod');
  assert.ok(miss.length > 0);
  for (const f of miss) {
    assert.ok(f.type === 'flow_mod');
    assert.equal(f.cookie, hvSliceCookie(0, MISS_EMULATION_SEQ));
    assert.equal(f.priority, MISS_EMULATION_PRIORITY);
  }
});

test("a packet-out's OUTPUT CONTROLLER comes back to the same slice as a packet-in and never reaches the switch", () => {
  const { x, y, channel, before } = ready();
  const frame = Buffer.from('a frame of slice x');
  x.sendToProxy({
    type: 'packet_out',
    xid: 71,
    bufferId: OFP_NO_BUFFER,
    inPort: 1,
    actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }],
    data: frame,
  });
  const back = x.of('packet_in');
  assert.equal(back.length, 1);
  assert.deepEqual([back[0]!.reason, back[0]!.match.in_port?.value, back[0]!.data], [1, 1n, frame]);
  assert.equal(y.of('packet_in').length, 0, 'the other slice gets nothing');
  assert.equal(channel.sent.length + channel.raw.length, before, 'nothing reached the switch');
  // With a port as well, only the port's output goes to the switch.
  x.sendToProxy({
    type: 'packet_out',
    xid: 72,
    bufferId: OFP_NO_BUFFER,
    inPort: OFPP.CONTROLLER,
    actions: [
      { type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff },
      { type: 'output', port: 1, maxLen: 0 },
    ],
    data: frame,
  });
  const po = channel.sent.slice(before).find((m) => m.type === 'packet_out');
  assert.ok(po && po.type === 'packet_out');
  assert.deepEqual(po.actions, [{ type: 'output', port: 1, maxLen: 0 }]);
  assert.equal(x.of('packet_in').length, 2);
  // A set_field before it is refused (the frame comes back unchanged).
  x.sendToProxy({
    type: 'packet_out',
    xid: 73,
    bufferId: OFP_NO_BUFFER,
    inPort: 1,
    actions: [
      { type: 'set_field', field: 'eth_dst', value: 1n },
      { type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff },
    ],
    data: frame,
  });
  assert.deepEqual(
    x.of('error').map((m) => m.xid),
    [73],
  );
});

test("removing a paused slice's tenant rules (1.3): one delete by the slice's cookie prefix, base rules untouched, entries freed", () => {
  const { x, y, channel, host, session, before } = ready();
  x.sendToProxy(flowMod({ xid: 1, match: { eth_dst: { value: 2n } } }));
  x.sendToProxy(flowMod({ xid: 2, match: { eth_dst: { value: 3n } } }));
  y.sendToProxy(
    flowMod({
      xid: 3,
      match: { eth_dst: { value: 4n } },
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
    }),
  );
  const yEntries = session.bindings.get('y')!.table.rules().length;
  assert.equal(yEntries, 1, "the other slice's rule");
  const c = host.sliceCounters.get('x')!;
  assert.equal(c.flowEntries, 4, 'two rules, two physical rules each');
  const mark = channel.sent.length;
  assert.equal(session.removeTenantRules('x'), 2);
  const sent = channel.sent.slice(mark);
  assert.equal(sent.length, 1);
  const del = sent[0]!;
  assert.ok(del.type === 'flow_mod');
  assert.equal(del.command, 3 /* DELETE */);
  assert.equal(del.cookie, 1n << 48n, 'slice x: id 0, prefix 1');
  assert.equal(del.cookieMask, 0xffffn << 48n, 'tenant rules only: base rules carry 0xffff there');
  assert.equal(c.flowEntries, 0);
  assert.equal(session.bindings.get('x')!.table.rules().length, 0);
  assert.equal(session.bindings.get('y')!.table.rules().length, yEntries, "the other slice's rules stay");
  assert.equal(session.removeTenantRules('x'), 0, 'nothing left');
  assert.equal(session.removeTenantRules('nosuch'), 0);
  assert.ok(channel.sent.length > before);
});

test("removing a paused slice's tenant rules (1.0): each rule's physical rules strictly", () => {
  const { channel, host, session } = connectSession(plan, { version: OFP10 });
  channel.answerBarriers();
  const x = host.tenants.get('x')!;
  x.ready();
  x.sendToProxy(flowMod({ xid: 1, match: { eth_dst: { value: 2n } } }));
  const added = channel.sent.filter((m) => m.type === 'flow_mod' && m.command === 0 && m.match.eth_dst?.value === 2n);
  assert.equal(added.length, 2);
  const mark = channel.sent.length;
  assert.equal(session.removeTenantRules('x'), 1);
  const dels = channel.sent.slice(mark);
  assert.deepEqual(
    dels.map((m) => m.type === 'flow_mod' && [m.command, m.priority, m.match.in_port?.value, m.match.eth_dst?.value]),
    added.map((m) => m.type === 'flow_mod' && [4 /* DELETE_STRICT */, m.priority, m.match.in_port?.value, 2n]),
  );
  assert.equal(host.sliceCounters.get('x')!.flowEntries, 0);
});

test('a switch that connects while its slice is paused with rules removed loses what it kept of them; base rules are set up', () => {
  const { channel, host } = connectSession(plan, { paused: ['x'], rulesRemoved: ['x'] });
  const flowMods = channel.sent.filter((m) => m.type === 'flow_mod');
  const deletes = flowMods.filter((m) => m.type === 'flow_mod' && m.command === 3 && m.cookieMask === 0xffffn << 48n);
  assert.deepEqual(
    deletes.map((m) => m.type === 'flow_mod' && m.cookie),
    [1n << 48n],
    "one delete by slice x's tenant prefix; none for slice y",
  );
  assert.ok(
    flowMods.some((m) => m.type === 'flow_mod' && m.command === 0 && (m.cookie & HV_SLICE_COOKIE_MASK) === hvSliceCookie(0, 0)),
    "slice x's base rules are installed",
  );
  assert.equal(host.tenants.get('x')!.started, false, 'its controller is not connected');
  const kept = connectSession(plan, { paused: ['x'] });
  assert.equal(
    kept.channel.sent.filter((m) => m.type === 'flow_mod' && m.command === 3 && m.cookieMask === 0xffffn << 48n).length,
    0,
    'paused keeping its rules: nothing deleted',
  );
});
