// Unit tests of the slicing logic as plain functions: plan → per-switch view, flowspace
// intersection, priority band, port checks, FLOOD expansion, overlay push/pop, meters, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlanViews } from '../../src/proxy/slice-views.js';
import { expandMatch, rewriteFlowMod, rewritePacketOut, type SliceContext } from '../../src/proxy/rewrite.js';
import { mapPriority, TENANT_BAND } from '../../src/dataplane/priorities.js';
import { rangeToPrefixes, planMatchToFlowMatches } from '../../src/proxy/plan-match-to-flow.js';
import { intersectMatches, matchesDisjoint, matchSubsumes } from '../../src/proxy/match-algebra.js';
import { matchKey } from '../../src/proxy/hot-messages.js';
import { FC, OFPP, type Action, type FlowMatch, type FlowMod } from '../../src/proxy/messages.js';
import { SliceFlowTable } from '../../src/proxy/flow-table.js';
import { parsePacket, stripVlan } from '../../src/proxy/packet.js';
import { baseDropRule, sliceSetup, sliceTeardown } from '../../src/proxy/base-rules.js';
import { isDispatchCookie, sliceOfCookie } from '../../src/dataplane/cookies.js';
import { secondLabelCarries, stripMplsLabel } from '../../src/dataplane/mpls-ethertypes.js';
import { baseFlowMod, linePlan, dp, ipv4Frame, mplsSlice } from './fixtures.js';

const NO_BUF = 0xffffffff;
const alphaFrame = ipv4Frame('10.1.0.5', '10.1.0.6');
/** An IPv6 frame (header only): what an MPLS push must carry as ethertype 0x86dd. */
const ipv6Frame = Buffer.concat([Buffer.alloc(12, 2), Buffer.from([0x86, 0xdd, 0x60]), Buffer.alloc(39)]);

const plan = linePlan([
  {
    name: 'alpha',
    controllerPort: 1,
    vlan: 101,
    flowspace: [
      [1, 1, { eth_type: 0x800, ipv4_src: '10.1.0.0/16' }],
      [3, 1, {}],
      [2, null, {}],
    ],
    capKbps: 1000,
  },
  {
    name: 'beta',
    controllerPort: 2,
    vlan: 102,
    flowspace: [
      [1, 2, {}],
      [1, 4, { eth_type: 0x800, ip_proto: 6, tcp_dst: { min: 80, max: 83 } }, ['read']],
    ],
  },
]);
const model = buildPlanViews(plan);
const ctxOf = (slice: string, sw: number, edgePorts: number[]): SliceContext => ({
  view: model.bySwitch.get(dp(sw))!.find((v) => v.slice === slice)!,
  edgePorts,
  meters: true,
});
/** A tenant flow-mod as the tests here write it: cookie 7, priority 5. */
const fm = (over: Partial<FlowMod>): FlowMod => baseFlowMod({ cookie: 7n, priority: 5, ...over });
const apply = (...actions: Action[]) => [{ type: 'apply_actions' as const, actions }];
const out = (port: number): Action => ({ type: 'output', port, maxLen: 0 });

test('plan model: per-switch views with edge and link ports, meter and limits', () => {
  const s1 = model.bySwitch.get(dp(1))!;
  assert.deepEqual(
    s1.map((v) => v.slice),
    ['alpha', 'beta'],
  );
  const a1 = s1[0];
  assert.deepEqual([...(a1.edgePorts as Set<number>)], [1]);
  assert.deepEqual([...a1.linkPorts], [3]);
  assert.equal(a1.meterId, 1);
  assert.deepEqual(
    model.bySwitch.get(dp(2))!.map((v) => v.slice),
    ['alpha'],
    'beta does not see s2',
  );
  assert.deepEqual([...model.bySwitch.get(dp(1))![1].linkPorts], [], 'beta has no link ports (s2 not in its view)');
});

test('port ranges become exact masked prefixes', () => {
  assert.deepEqual(
    rangeToPrefixes(80, 83).map((p) => [Number(p.value), Number(p.mask)]),
    [[80, 0xfffc]],
  );
  const ps = rangeToPrefixes(5004, 5010);
  const covered = new Set<number>();
  for (let v = 0; v < 65536; v++) if (ps.some((p) => (BigInt(v) & p.mask) === p.value)) covered.add(v);
  assert.deepEqual([...covered], [5004, 5005, 5006, 5007, 5008, 5009, 5010]);
  assert.equal(planMatchToFlowMatches({ eth_type: 0x800, ip_proto: 6, tcp_dst: { min: 80, max: 83 } }).length, 1);
});

test('match intersection and subsumption', () => {
  const a = { ipv4_src: { value: 0x0a010000n, mask: 0xffff0000n } };
  const b = { ipv4_src: { value: 0x0a010200n, mask: 0xffffff00n } };
  assert.deepEqual(intersectMatches(a, b), b);
  assert.equal(intersectMatches(a, { ipv4_src: { value: 0x0a020000n, mask: 0xffff0000n } }), null);
  assert.ok(matchSubsumes(a, b));
  assert.ok(!matchSubsumes(b, a));
});

test('a wider tenant rule becomes its intersection with the flowspace, priority in the band', () => {
  const ctx = ctxOf('alpha', 1, [1]);
  const r = rewriteFlowMod(ctx, fm({ priority: 0, instructions: apply(out(OFPP.CONTROLLER)) }), 0x1000000000001n);
  assert.ok(r.ok);
  const [edge, link] = r.value;
  assert.equal(edge.match.in_port!.value, 1n);
  assert.equal(edge.match.ipv4_src!.value, 0x0a010000n, 'intersected with 10.1/16');
  assert.equal(edge.match.vlan_vid!.value, 0n, 'edge traffic is untagged');
  assert.equal(link.match.in_port!.value, 3n);
  assert.equal(link.match.vlan_vid!.value, 0x1000n | 101n, 'link traffic carries the slice tag');
  assert.equal(edge.priority, TENANT_BAND.min);
  assert.equal(mapPriority(65535), TENANT_BAND.max);
  assert.ok(!edge.instructions.some((i) => i.type === 'meter'), 'the cap meters ports: a flow to the controller has no meter');
  assert.ok(edge.flags & 1, 'flow-removed requested so entries can be counted');
  const toLink = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 1n } }, instructions: apply(out(3)) }), 1n);
  assert.ok(toLink.ok);
  assert.deepEqual(toLink.value[0]!.instructions[0], { type: 'meter', meterId: 0x10003 }, "the slice's meter of port 3 comes first");
});

test('outside the flowspace, foreign ports, overlay fields and other tables are refused', () => {
  const ctx = ctxOf('alpha', 1, [1]);
  const outside = rewriteFlowMod(
    ctx,
    fm({
      match: { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_src: { value: 0x0a020000n, mask: 0xffff0000n } },
      instructions: apply(out(3)),
    }),
    1n,
  );
  assert.deepEqual(!outside.ok && outside.error, 'eperm_flow');
  const foreign = rewriteFlowMod(ctx, fm({ instructions: apply(out(2)) }), 1n);
  assert.deepEqual(!foreign.ok && foreign.error, 'bad_out_port');
  const foreignIn = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 2n } }, instructions: apply(out(1)) }), 1n);
  assert.deepEqual(!foreignIn.ok && foreignIn.error, 'eperm_match');
  const vlan = rewriteFlowMod(ctx, fm({ instructions: apply({ type: 'set_field', field: 'vlan_vid', value: 0x1005n }, out(3)) }), 1n);
  assert.deepEqual(!vlan.ok && vlan.error, 'eperm_action');
  const table = rewriteFlowMod(ctx, fm({ tableId: 1, instructions: apply(out(3)) }), 1n);
  assert.deepEqual(!table.ok && table.error, 'eperm_flow');
  const readOnly = rewriteFlowMod(ctxOf('beta', 1, [2, 4]), fm({ match: { in_port: { value: 4n } }, instructions: apply(out(2)) }), 1n);
  assert.deepEqual(!readOnly.ok && readOnly.error, 'eperm_flow', 'read-only flowspace is not writable');
});

test('overlay: tag pushed before link ports, popped before edge ports, FLOOD expanded to slice ports', () => {
  const ctx = ctxOf('alpha', 1, [1]);
  const r = rewriteFlowMod(ctx, fm({ instructions: apply(out(OFPP.FLOOD)) }), 1n);
  assert.ok(r.ok);
  const acts = (i: number) => (r.value[i].instructions.find((x) => x.type === 'apply_actions') as { actions: Action[] }).actions;
  // from edge port 1: push tag, out 3
  assert.deepEqual(
    acts(0).map((a) => a.type),
    ['push_vlan', 'set_field', 'output'],
  );
  assert.equal((acts(0)[2] as { port: number }).port, 3);
  // from link port 3: pop tag, out 1
  assert.deepEqual(
    acts(1).map((a) => a.type),
    ['pop_vlan', 'output'],
  );
  assert.equal((acts(1)[1] as { port: number }).port, 1);
  // core switch: tag kept from link to link
  const core = rewriteFlowMod(ctxOf('alpha', 2, []), fm({ match: { in_port: { value: 1n } }, instructions: apply(out(2)) }), 1n);
  assert.ok(core.ok);
  assert.deepEqual((core.value[0].instructions[1] as { actions: Action[] }).actions, [out(2)]);
});

test('packet-outs: slice ports only, untagged data tagged on the way into links', () => {
  const ctx = ctxOf('alpha', 1, [1]);
  const r = rewritePacketOut(ctx, OFPP.CONTROLLER, [out(OFPP.FLOOD)], alphaFrame, NO_BUF);
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.map((a) => a.type),
    ['output', 'push_vlan', 'set_field', 'output'],
  );
  const bad = rewritePacketOut(ctx, OFPP.CONTROLLER, [out(2)], alphaFrame, NO_BUF);
  assert.deepEqual(!bad.ok && bad.error, 'bad_out_port');
  const badIn = rewritePacketOut(ctx, 2, [out(1)], alphaFrame, NO_BUF);
  assert.deepEqual(!badIn.ok && badIn.error, 'eperm_request');
});

test('in_port is never writable: set_field in_port is refused in flow-mods and packet-outs on 1.3 and 1.0 switches', () => {
  for (const meters of [true, false]) {
    const ctx = { ...ctxOf('alpha', 1, [1]), meters };
    for (const target of [2n, 3n, BigInt(OFPP.LOCAL)]) {
      const setIn: Action = { type: 'set_field', field: 'in_port', value: target };
      for (const instructions of [apply(setIn, out(OFPP.IN_PORT)), [{ type: 'write_actions' as const, actions: [setIn, out(3)] }]]) {
        const r = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 1n } }, instructions }), 1n);
        assert.ok(!r.ok, `flow-mod with set_field in_port=${target} must be refused`);
        assert.equal(r.error, 'eperm_action');
        assert.match(r.reason, /in_port/);
      }
      for (const inPort of [1, OFPP.CONTROLLER]) {
        const p = rewritePacketOut(ctx, inPort, [setIn, out(OFPP.IN_PORT)], alphaFrame, NO_BUF);
        assert.ok(!p.ok, `packet-out with set_field in_port=${target} must be refused`);
        assert.equal(p.error, 'eperm_action');
      }
    }
    // The same rule without the rewrite passes: the refusal is the set_field's.
    assert.ok(rewriteFlowMod(ctx, fm({ match: { in_port: { value: 1n } }, instructions: apply(out(OFPP.IN_PORT)) }), 1n).ok);
    assert.ok(rewritePacketOut(ctx, 1, [out(OFPP.IN_PORT)], alphaFrame, NO_BUF).ok);
  }
});

test('read flowspace for packet-in classification includes read-only rules', () => {
  const ctx = ctxOf('beta', 1, [2, 4]);
  const r = expandMatch(ctx, {}, 'read');
  assert.ok(r.ok);
  assert.ok(r.value.some((e) => e.inPort === 4 && e.match.tcp_dst?.mask === 0xfffcn));
});

test('flow table counts physical entries, replaces same match+priority, translates removals', () => {
  const t = new SliceFlowTable();
  const m = { eth_dst: { value: 1n } };
  const phys = [
    fm({ match: { in_port: { value: 1n }, eth_dst: { value: 1n } } }),
    fm({ match: { in_port: { value: 3n }, eth_dst: { value: 1n } } }),
  ];
  t.add({ cookie: 10n, tenantCookie: 5n, match: m, priority: 1, flags: 1, idleTimeout: 0, hardTimeout: 0, instructions: [] }, phys);
  assert.equal(t.entries, 2);
  t.add({ cookie: 10n, tenantCookie: 6n, match: m, priority: 1, flags: 1, idleTimeout: 0, hardTimeout: 0, instructions: [] }, phys);
  assert.equal(t.entries, 2, 'same match and priority replaces');
  assert.equal(t.removed(10n, phys[0].match), null);
  const last = t.removed(10n, phys[1].match);
  assert.equal(last?.tenantCookie, 6n);
  assert.equal(t.entries, 0);
});

test('packet parsing and VLAN stripping', () => {
  const tagged = Buffer.from(
    'ffffffffffff020000000001810000650806' + '0001080006040001020000000001' + '0a000001' + '000000000000' + '0a000002',
    'hex',
  );
  const p = parsePacket(tagged);
  assert.equal(p.vlan, 101);
  assert.equal(p.fields.arp_tpa!.value, 0x0a000002n);
  const plain = stripVlan(tagged);
  assert.equal(plain.length, tagged.length - 4);
  assert.equal(parsePacket(plain).vlan, null);
  assert.equal(parsePacket(plain).fields.eth_type!.value, 0x0806n);
});

test('base rules: drop default, LLDP per slice on link ports, meter add/modify, teardown by cookie', () => {
  assert.equal(baseDropRule().priority, 0);
  const v = model.bySwitch.get(dp(1))!.find((x) => x.slice === 'alpha')!;
  const s = sliceSetup(v, true, () => false, [1, 3]);
  assert.equal(s.flowMods.length, 1);
  assert.equal(s.flowMods[0].match.eth_type!.value, 0x88ccn);
  // the cap (1000 kbit/s) on each of the slice's ports: meter (slice id + 1) << 16 | port
  assert.deepEqual(
    s.meterMods.map((m) => [m.command, m.meterId, m.bands[0].rate]),
    [
      ['add', 0x10001, 1000],
      ['add', 0x10003, 1000],
    ],
  );
  assert.equal(sliceSetup(v, true, () => true, [1, 3]).meterMods[0].command, 'modify');
  assert.equal(sliceSetup(v, false, () => false, [1, 3]).meterMods.length, 0, 'no meters on OpenFlow 1.0');
  const td = sliceTeardown(v.index, [0x10001, 0x10003], true);
  assert.equal(td.flowMods.length, 2);
  assert.ok(td.flowMods.every((f) => f.command === FC.DELETE && f.cookieMask !== 0n));
  assert.equal(td.meterMods[0].command, 'delete');
});

test('guarantee queues: every output of the slice to a guaranteed port is steered into its queue (flows, FLOOD, packet-outs)', () => {
  const queues: typeof plan.qos.queues = [
    { dpid: dp(1), port: 3, queueId: 1, slice: 'alpha', class: null, minBps: 100e6, maxBps: null },
    { dpid: dp(2), port: 1, queueId: 1, slice: 'alpha', class: null, minBps: 100e6, maxBps: null },
  ];
  const qModel = buildPlanViews({ ...plan, qos: { ...plan.qos, queues } });
  const ctx: SliceContext = { view: qModel.bySwitch.get(dp(1))!.find((v) => v.slice === 'alpha')!, edgePorts: [1], meters: true };
  const acts = (r: ReturnType<typeof rewriteFlowMod>, i: number) =>
    (r.ok ? r.value[i]!.instructions.find((x) => x.type === 'apply_actions') : undefined) as { actions: Action[] };
  const flood = rewriteFlowMod(ctx, fm({ instructions: apply(out(OFPP.FLOOD)) }), 1n);
  assert.ok(flood.ok);
  // into the link port: tagged, then queue 1; back out of the edge port: no queue there
  assert.deepEqual(
    acts(flood, 0).actions.map((a) => a.type),
    ['push_vlan', 'set_field', 'set_queue', 'output'],
  );
  assert.deepEqual(acts(flood, 0).actions[2], { type: 'set_queue', queueId: 1 });
  assert.deepEqual(
    acts(flood, 1).actions.map((a) => a.type),
    ['pop_vlan', 'output'],
  );
  const po = rewritePacketOut(ctx, OFPP.CONTROLLER, [out(3)], ipv4Frame('10.0.0.1', '10.0.0.2'), NO_BUF);
  assert.ok(po.ok);
  assert.deepEqual(po.value.slice(2), [{ type: 'set_queue', queueId: 1 }, out(3)]);
  // another slice on the same port is not steered into alpha's queue
  const beta = rewriteFlowMod(
    { view: qModel.bySwitch.get(dp(1))!.find((v) => v.slice === 'beta')!, edgePorts: [2, 4], meters: true },
    fm({ match: { in_port: { value: 2n } }, instructions: apply(out(2)) }),
    1n,
  );
  assert.ok(beta.ok);
  assert.equal(acts(beta, 0).actions.filter((a) => a.type === 'set_queue').length, 0);
  // a tenant still may not pick a queue itself
  const own = rewriteFlowMod(ctx, fm({ instructions: apply({ type: 'set_queue', queueId: 1 }, out(3)) }), 1n);
  assert.deepEqual(!own.ok && own.error, 'eperm_action');
});

test('MPLS overlay: the inner ethertype travels in the label’s traffic class, pushed and restored per ethertype', () => {
  const mplsModel = buildPlanViews(linePlan([mplsSlice(1)]));
  const ctx: SliceContext = { view: mplsModel.bySwitch.get(dp(1))!.find((v) => v.slice === 'mp')!, edgePorts: [1], meters: true };
  const actionsOf = (m: FlowMod) => (m.instructions.find((i) => i.type === 'apply_actions') as { actions: Action[] }).actions;
  // edge → link: one rule per carried ethertype, each pushing the label with that ethertype's class
  const push = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 1n } }, instructions: apply(out(3)) }), 1n);
  assert.ok(push.ok);
  assert.deepEqual(
    push.value.map((m) => [Number(m.match.eth_type!.value), actionsOf(m).find((a) => a.type === 'set_field' && a.field === 'mpls_tc')]),
    [
      [0x0800, { type: 'set_field', field: 'mpls_tc', value: 0n }],
      [0x0806, { type: 'set_field', field: 'mpls_tc', value: 1n }],
      [0x86dd, { type: 'set_field', field: 'mpls_tc', value: 2n }],
      [0x88cc, { type: 'set_field', field: 'mpls_tc', value: 3n }],
      [0x8100, { type: 'set_field', field: 'mpls_tc', value: 4n }],
      [0x88a8, { type: 'set_field', field: 'mpls_tc', value: 5n }],
    ],
  );
  // link → edge: the class is matched and its ethertype restored by the pop
  const pop = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 3n }, eth_type: { value: 0x0806n } }, instructions: apply(out(1)) }), 1n);
  assert.ok(pop.ok);
  assert.equal(pop.value.length, 1);
  assert.equal(pop.value[0]!.match.mpls_tc!.value, 1n);
  assert.deepEqual(actionsOf(pop.value[0]!)[0], { type: 'pop_mpls', ethertype: 0x0806 });
  // an ethertype without a class goes in a second label (its own test below); MPLS in MPLS is not carried
  const mplsInMpls = rewriteFlowMod(
    ctx,
    fm({ match: { in_port: { value: 3n }, eth_type: { value: 0x8847n } }, instructions: apply(out(1)) }),
    1n,
  );
  assert.deepEqual(!mplsInMpls.ok && mplsInMpls.error, 'eperm_flow');
  // packet-outs carry the data's ethertype
  const po = rewritePacketOut(ctx, OFPP.CONTROLLER, [out(3)], ipv6Frame, NO_BUF);
  assert.ok(po.ok);
  assert.deepEqual(po.value.at(-2), { type: 'set_field', field: 'mpls_tc', value: 2n });
  // and the LLDP base rule matches the LLDP class
  assert.equal(sliceSetup(ctx.view, true, () => false, [1, 3]).flowMods[0]!.match.mpls_tc!.value, 3n);
});

test('MPLS overlay, other ethertypes: two labels (the ethertype under the slice’s, class 7), table 1 behind a dispatch per link port', () => {
  const views = buildPlanViews(linePlan([mplsSlice(1, [[1, 2, {}]])]));
  const v1 = views.bySwitch.get(dp(1))!.find((v) => v.slice === 'mp')!;
  const v2 = views.bySwitch.get(dp(2))!.find((v) => v.slice === 'mp')!;
  const ctx: SliceContext = { view: v1, edgePorts: [1], meters: true };
  const core: SliceContext = { view: v2, edgePorts: [], meters: true };
  const S = BigInt(v1.index + 1);
  const actionsOf = (m: FlowMod) => (m.instructions.find((i) => i.type === 'apply_actions') as { actions: Action[] }).actions;
  const x = { eth_type: { value: 0x88b5n } };
  const pushBoth: Action[] = [
    { type: 'push_mpls', ethertype: 0x8847 },
    { type: 'set_field', field: 'mpls_label', value: 0x88b5n },
    { type: 'push_mpls', ethertype: 0x8847 },
    { type: 'set_field', field: 'mpls_label', value: 1001n },
    { type: 'set_field', field: 'mpls_tc', value: 7n },
  ];
  // edge → link: table 0, both labels pushed
  const push = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 1n }, ...x }, instructions: apply(out(3)) }), 1n);
  assert.ok(push.ok);
  assert.equal(push.value.length, 1);
  assert.equal(push.value[0]!.tableId, 0);
  assert.deepEqual(actionsOf(push.value[0]!), [...pushBoth, out(3)]);
  // link → edge: table 1, in-port + metadata + the inner label at the bottom; pops the inner label
  const pop = rewriteFlowMod(
    ctx,
    fm({ match: { in_port: { value: 3n }, eth_src: { value: 0x020000000001n }, ...x }, instructions: apply(out(1)) }),
    1n,
  );
  assert.ok(pop.ok);
  assert.equal(pop.value.length, 1);
  assert.equal(pop.value[0]!.tableId, 1);
  assert.deepEqual(pop.value[0]!.match, {
    in_port: { value: 3n },
    eth_src: { value: 0x020000000001n },
    metadata: { value: S },
    eth_type: { value: 0x8847n },
    mpls_label: { value: 0x88b5n },
    mpls_bos: { value: 1n },
  });
  assert.deepEqual(actionsOf(pop.value[0]!), [{ type: 'pop_mpls', ethertype: 0x88b5 }, out(1)]);
  // to the controller from table 1: the outer label goes back on (the packet-in carries the whole stack)
  const toCtl = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 3n }, ...x }, instructions: apply(out(OFPP.CONTROLLER)) }), 1n);
  assert.ok(toCtl.ok);
  assert.deepEqual(actionsOf(toCtl.value[0]!), [...pushBoth.slice(2), out(OFPP.CONTROLLER)]);
  // transit (core switch): table 1 pushes the outer label again; a rule without in_port: one per link port
  const transit = rewriteFlowMod(core, fm({ match: x, instructions: apply({ type: 'output', port: OFPP.FLOOD, maxLen: 0 }) }), 1n);
  assert.ok(transit.ok);
  assert.deepEqual(
    transit.value.map((m) => [m.tableId, Number(m.match.in_port!.value), actionsOf(m)]),
    [
      [1, 1, [...pushBoth.slice(2), out(2)]],
      [1, 2, [...pushBoth.slice(2), out(1)]],
    ],
  );
  // an edge rule with both an edge and a link output: pushed for the link, popped (both labels) for the edge
  const mixed = rewriteFlowMod(
    { view: v1, edgePorts: [1, 2], meters: true },
    fm({ match: { in_port: { value: 1n }, ...x }, instructions: apply(out(3), out(2)) }),
    1n,
  );
  assert.ok(mixed.ok);
  assert.deepEqual(actionsOf(mixed.value[0]!), [
    ...pushBoth,
    out(3),
    { type: 'pop_mpls', ethertype: 0x8847 },
    { type: 'pop_mpls', ethertype: 0x88b5 },
    out(2),
  ]);
  // a modify of such a rule is strict per table; a rule leaving eth_type open has no table-1 rule
  const mod = rewriteFlowMod(
    ctx,
    fm({ command: FC.MODIFY_STRICT, match: { in_port: { value: 3n }, ...x }, instructions: apply(out(1)) }),
    9n,
  );
  assert.ok(mod.ok);
  assert.deepEqual(
    mod.value.map((m) => m.tableId),
    [1],
  );
  // a masked eth_type at an edge port: one rule per carried ethertype it covers, each pushed with its class
  const masked = rewriteFlowMod(
    ctx,
    fm({ match: { in_port: { value: 1n }, eth_type: { value: 0x0800n, mask: 0xfff0n } }, instructions: apply(out(3)) }),
    1n,
  );
  assert.ok(masked.ok);
  assert.deepEqual(
    masked.value.map((m) => [m.match.eth_type, actionsOf(m).find((a) => a.type === 'set_field' && a.field === 'mpls_tc')]),
    [
      [{ value: 0x0800n }, { type: 'set_field', field: 'mpls_tc', value: 0n }],
      [{ value: 0x0806n }, { type: 'set_field', field: 'mpls_tc', value: 1n }],
    ],
  );
  const open = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 3n } }, instructions: apply(out(1)) }), 1n);
  assert.ok(open.ok);
  assert.ok(open.value.every((m) => m.tableId === 0 && m.match.mpls_tc!.value < 7n));
  // packet-outs of such a frame push both labels
  const frame = Buffer.concat([Buffer.alloc(12, 2), Buffer.from([0x88, 0xb5]), Buffer.alloc(46)]);
  const po = rewritePacketOut(ctx, OFPP.CONTROLLER, [out(3)], frame, NO_BUF);
  assert.ok(po.ok);
  assert.deepEqual(po.value, [...pushBoth, out(3)]);
  // the dispatch rules: per link port, table 0, after the LLDP rules, popping the slice's class-7 label
  const setup = sliceSetup(v2, true, () => false, [1, 2]);
  const dispatch = setup.flowMods.filter((m) => m.instructions.some((i) => i.type === 'goto_table'));
  assert.deepEqual(
    dispatch.map((m) => [Number(m.match.in_port!.value), m.match.mpls_label!.value, m.match.mpls_tc!.value, m.match.mpls_bos!.value]),
    [
      [1, 1001n, 7n, 0n],
      [2, 1001n, 7n, 0n],
    ],
  );
  assert.deepEqual(dispatch[0]!.instructions, [
    { type: 'apply_actions', actions: [{ type: 'pop_mpls', ethertype: 0x8847 }] },
    { type: 'write_metadata', metadata: S, mask: 0xffffffffffffffffn },
    { type: 'goto_table', tableId: 1 },
  ]);
  assert.ok(dispatch.every((m) => isDispatchCookie(m.cookie) && sliceOfCookie(m.cookie)?.index === v2.index));
  assert.ok(
    !setup.flowMods.filter((m) => !dispatch.includes(m)).some((m) => isDispatchCookie(m.cookie)),
    'LLDP rules are not dispatch rules',
  );
  // OpenFlow 1.0: no dispatch (no MPLS), and the apply says so
  const v10 = sliceSetup(v2, false, () => false, [1, 2]);
  assert.ok(!v10.flowMods.some((m) => m.instructions.some((i) => i.type === 'goto_table')));
  assert.match(v10.notes.join('\n'), /no MPLS/);
});

test('MPLS packet-ins: a class-7 label above another is stripped with it, the inner label restoring the ethertype', () => {
  const payload = Buffer.from('hello');
  const eth = Buffer.alloc(12, 2);
  const lse = (label: number, tc: number, bos: boolean) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(((label << 12) | (tc << 9) | (bos ? 0x100 : 0) | 64) >>> 0);
    return b;
  };
  const two = Buffer.concat([eth, Buffer.from([0x88, 0x47]), lse(1001, 7, false), lse(0x88b5, 0, true), payload]);
  assert.deepEqual(stripMplsLabel(two), Buffer.concat([eth, Buffer.from([0x88, 0xb5]), payload]));
  const arp = Buffer.concat([eth, Buffer.from([0x88, 0x47]), lse(1001, 1, true), payload]);
  assert.deepEqual(stripMplsLabel(arp), Buffer.concat([eth, Buffer.from([0x08, 0x06]), payload]));
  assert.equal(secondLabelCarries(0x88b5), true);
  assert.equal(secondLabelCarries(0x0806), false, 'ARP has its class');
  assert.equal(secondLabelCarries(0x8847), false);
  assert.equal(secondLabelCarries(0x05dc), false, '802.3 length');
});

test('customer VLAN tags: an MPLS slice may match the tag its flowspace owns, also under the label; a VLAN slice may not', () => {
  const tagged = buildPlanViews(
    linePlan([
      {
        name: 'cust',
        controllerPort: 1,
        vlan: 1002,
        overlay: 'mpls',
        flowspace: [
          [1, 1, { vlan_vid: 100 }],
          [3, 1, { vlan_vid: 100 }],
          [2, null, {}],
        ],
      },
    ]),
  );
  const ctx: SliceContext = { view: tagged.bySwitch.get(dp(1))!.find((v) => v.slice === 'cust')!, edgePorts: [1], meters: true };
  const vid = { vlan_vid: { value: 0x1000n | 100n } };
  const edge = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 1n }, ...vid }, instructions: apply(out(3)) }), 1n);
  assert.ok(edge.ok);
  assert.ok(edge.value.every((m) => m.match.vlan_vid!.value === (0x1000n | 100n)));
  const link = rewriteFlowMod(ctx, fm({ match: { in_port: { value: 3n }, ...vid }, instructions: apply(out(1)) }), 1n);
  assert.ok(link.ok);
  assert.ok(
    link.value.every((m) => m.match.vlan_vid!.value === (0x1000n | 100n) && m.match.mpls_label!.value === 1002n),
    'the tag stays matchable outside the label',
  );
  const other = rewriteFlowMod(
    ctx,
    fm({ match: { in_port: { value: 1n }, vlan_vid: { value: 0x1000n | 200n } }, instructions: apply(out(3)) }),
    1n,
  );
  assert.deepEqual(!other.ok && other.error, 'eperm_flow', 'another tag is outside the flowspace');
  const vlanSlice = rewriteFlowMod(
    ctxOf('alpha', 1, [1]),
    fm({ match: { in_port: { value: 1n }, ...vid }, instructions: apply(out(3)) }),
    1n,
  );
  assert.deepEqual(!vlanSlice.ok && vlanSlice.error, 'eperm_match');
});

test('matchesDisjoint(a, b) is exactly intersectMatches(a, b) === null, on random matches (exact, masked, full and zero masks, values outside the mask)', () => {
  let seed = 5;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const field = (values: bigint[], masks: bigint[]) => {
    const value = values[rand(values.length)]!;
    const k = rand(masks.length + 1);
    return k === masks.length ? { value } : { value, mask: masks[k]! };
  };
  const randomMatch = (): FlowMatch => {
    const m: FlowMatch = {};
    if (rand(2)) m.in_port = field([1n, 2n], []);
    if (rand(2)) m.eth_type = field([0x800n, 0x806n], [0xffffn, 0xff00n]);
    if (rand(2)) m.vlan_vid = field([0n, 0x1000n | 101n, 101n, 0x3000n], [0x1fffn, 0x1000n, 0n]);
    if (rand(2)) m.ipv4_src = field([0x0a010005n, 0x0a020005n, 0xc0a80028n], [0xffffff00n, 0xffff0000n, 0xffffffffn, 0n]);
    if (rand(3) === 0) m.ip_proto = field([6n, 17n], []);
    return m;
  };
  let disjoint = 0;
  for (let i = 0; i < 5000; i++) {
    const a = randomMatch(),
      b = randomMatch();
    const want = intersectMatches(a, b) === null;
    assert.equal(matchesDisjoint(a, b), want, `${JSON.stringify([a, b], (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
    if (want) disjoint++;
  }
  assert.ok(disjoint > 500 && disjoint < 4500, `both answers were tested (${disjoint} disjoint of 5000)`);
});

test('a rule inside an alternative at its own in-port is its own physical match: equal to the plain intersection on random rules', () => {
  // Reference: the tenant match (without a "no VLAN" it named) ANDed with each write alternative of
  // its in-port, "no VLAN" added for the VLAN overlay; compared as canonical keys.
  let seed = 11;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const ctx = ctxOf('alpha', 1, [1]);
  let shared = 0;
  for (let i = 0; i < 3000; i++) {
    const m: Record<string, { value: bigint; mask?: bigint }> = { in_port: { value: 1n } };
    if (rand(4)) m.eth_type = { value: rand(5) ? 0x800n : 0x806n };
    if (rand(2)) m.eth_src = { value: BigInt(0x020000000000 + rand(1000)) };
    if (rand(3)) m.vlan_vid = { value: 0n };
    const ip = rand(4);
    if (ip === 1) m.ipv4_src = { value: BigInt(0x0a010000 + rand(65536)) };
    else if (ip === 2) m.ipv4_src = { value: BigInt(0x0a000000 + (rand(4) << 16)), mask: 0xffff0000n };
    else if (ip === 3)
      m.ipv4_src = { value: BigInt(rand(2) ? 0x0a010005 : 0x0a010000 + rand(256)), mask: BigInt(rand(2) ? 0xffffff00 : 0xfffe0000) };
    if (rand(2) && m.eth_type?.value === 0x800n) m.ip_proto = { value: 6n };
    const r = expandMatch(ctx, m);
    assert.ok(r.ok);
    const tenant = { ...m };
    if (tenant.vlan_vid) delete tenant.vlan_vid;
    const want: string[] = [];
    for (const rule of ctx.view.rules) {
      if (!rule.write || (rule.inPort !== null && rule.inPort !== 1)) continue;
      for (const alt of rule.alternatives) {
        const x = intersectMatches(intersectMatches(tenant, alt) ?? {}, { in_port: { value: 1n } });
        if (!x || !intersectMatches(tenant, alt)) continue;
        if (!x.vlan_vid) x.vlan_vid = { value: 0n };
        want.push(matchKey(x));
      }
    }
    const got = r.value.map((e) => matchKey(e.match));
    assert.deepEqual(got, [...new Set(want)], `rule ${i}: ${JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
    if (r.value.some((e) => e.match === m)) shared++;
  }
  assert.ok(shared > 100, `the shared form was taken (${shared} times)`);
});
