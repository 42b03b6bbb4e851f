// The managed core without switches: path choice and failover (dataplane/core-paths.ts), the
// core rules per switch (core-rules.ts), tenant flow-mods on virtual ports (rewrite.ts with
// virtual-ports.ts), arrivals from the core, and reconciliation of old paths' rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreState } from '../../src/dataplane/core-paths.js';
import { buildPlanViews } from '../../src/proxy/slice-views.js';
import { coreFlowMods, edgeGroups } from '../../src/proxy/core-rules.js';
import { rewriteFlowMod, rewritePacketOut, type SliceContext } from '../../src/proxy/rewrite.js';
import { virtualArrival, virtualGroupId } from '../../src/proxy/virtual-ports.js';
import { planReconcile } from '../../src/proxy/session/reconcile.js';
import { OFPP } from '../../src/proxy/messages.js';
import { corePlan, CORE_LINKS } from './core-fixtures.js';
import { baseFlowMod } from './fixtures.js';

const E1 = '0000000000000001';
const C1 = '0000000000000011';
const C2 = '0000000000000012';
const C3 = '0000000000000013';
const V = 0xfe00;
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

function setup() {
  const plan = corePlan([
    { name: 'blue', controllerPort: 1, vlan: 102, linkTag: 202, hostPort: 3 },
    { name: 'red', controllerPort: 2, vlan: 101, linkTag: 201, hostPort: 1 },
  ]);
  const core = new CoreState();
  core.setPlan(plan);
  const views = buildPlanViews(plan, undefined, core);
  const red = views.bySwitch.get(E1)!.find((v) => v.slice === 'red')!;
  return { plan, core, views, red };
}

const ctxOf = (view: SliceContext['view'], meters: boolean): SliceContext => ({ view, edgePorts: [1], meters });
const outputs = (v: number) => [{ type: 'apply_actions' as const, actions: [{ type: 'output' as const, port: v, maxLen: 0 }] }];

test('each virtual link uses its first admitted path whose links are up; it moves on a link loss, goes down without a path and comes back', () => {
  const { core, views } = setup();
  assert.equal(core.get('red', 'e1<->e2')!.active, 0);
  assert.equal(views.bySwitch.has(C1), false, 'core switches are in no slice view');
  // c1:3 (the direct c1–c3 link) goes down: both slices move to c1–c2–c3.
  const moved = core.portChanged(C1, 3, false);
  assert.deepEqual(
    moved.map((c) => [c.slice, c.from, c.to]),
    [
      ['blue', 0, 1],
      ['red', 0, 1],
    ],
  );
  assert.equal(core.linkUp(CORE_LINKS.c1c3.id), false);
  assert.deepEqual(core.portChanged(C1, 3, false), [], 'the same state twice changes nothing');
  // c2:1 goes down too: no path left.
  core.portChanged(C2, 1, false);
  assert.equal(core.activePath('red', 'e1<->e2'), null);
  // The direct link comes back: the preferred path again.
  const back = core.portChanged(C1, 3, true);
  assert.deepEqual(
    back.map((c) => [c.slice, c.from, c.to]),
    [
      ['blue', null, 0],
      ['red', null, 0],
    ],
  );
});

test('core rules: tag + in_port → output both ways on the switches of the path in use only; they follow a path change', () => {
  const { core, views } = setup();
  const onC1 = coreFlowMods(views, C1);
  assert.equal(onC1.length, 4, 'two slices × two directions');
  const red = onC1.filter((f) => f.match.vlan_vid?.value === BigInt(201 | 0x1000));
  assert.deepEqual(
    red.map((f) => [Number(f.match.in_port!.value), (f.instructions[0] as { actions: Array<{ port: number }> }).actions[0]!.port]),
    [
      [1, 3],
      [3, 1],
    ],
  );
  assert.equal(coreFlowMods(views, C2).length, 0, 'c2 carries nothing while the direct path is up');
  assert.equal(coreFlowMods(views, E1).length, 0);
  core.portChanged(C3, 3, false);
  assert.equal(coreFlowMods(views, C2).length, 4);
  assert.deepEqual(
    coreFlowMods(views, C3)
      .filter((f) => f.match.vlan_vid?.value === BigInt(201 | 0x1000))
      .map((f) => Number(f.match.in_port!.value)),
    [2, 1],
  );
  // The old path's rules on c3 are stale for reconciliation (by their own cookies), the new ones are not.
  const old = [...coreFlowMods(views, C3)];
  core.portChanged(C3, 3, true);
  const now = coreFlowMods(views, C3);
  const r = planReconcile(
    [...old, ...now].map((f) => f.cookie),
    [],
    true,
    undefined,
    now,
  );
  assert.deepEqual(new Set(r.staleBase), new Set(old.map((f) => f.cookie)));
  assert.equal(r.staleSlices.size, 0, 'core rules never make a whole slice stale');
  assert.equal(r.missing.length, 1, 'only the isolation rule is missing');
});

test('a tenant output to a virtual port pushes the link tag and goes through its group (1.3) or to the path port (1.0)', () => {
  const { red } = setup();
  const r13 = rewriteFlowMod(ctxOf(red, true), baseFlowMod({ match: { in_port: { value: 1n } }, instructions: outputs(V) }), 7n);
  assert.ok(r13.ok, show(r13));
  const acts = (r13.value[0]!.instructions.find((i) => i.type === 'apply_actions') as { actions: unknown[] }).actions;
  assert.deepEqual(acts, [
    { type: 'push_vlan', ethertype: 0x8100 },
    { type: 'set_field', field: 'vlan_vid', value: BigInt(201 | 0x1000) },
    { type: 'group', groupId: virtualGroupId(red.index, red.virtualPorts[0]!) },
  ]);
  const r10 = rewriteFlowMod(ctxOf(red, false), baseFlowMod({ match: { in_port: { value: 1n } }, instructions: outputs(V) }), 7n);
  assert.ok(r10.ok);
  assert.deepEqual((r10.value[0]!.instructions[0] as { actions: unknown[] }).actions.at(-1), { type: 'output', port: 2, maxLen: 0 });
  assert.deepEqual(edgeGroups(red), [{ groupId: virtualGroupId(red.index, red.virtualPorts[0]!), port: 2 }]);
});

test('a tenant match on a virtual port becomes the physical port and the link tag; FLOOD from a host port reaches the virtual port', () => {
  const { red } = setup();
  const r = rewriteFlowMod(ctxOf(red, true), baseFlowMod({ match: { in_port: { value: BigInt(V) } }, instructions: outputs(1) }), 7n);
  assert.ok(r.ok, show(r));
  assert.equal(r.value.length, 1);
  assert.deepEqual(r.value[0]!.match, { in_port: { value: 2n }, vlan_vid: { value: BigInt(201 | 0x1000) } });
  assert.deepEqual((r.value[0]!.instructions[0] as { actions: unknown[] }).actions, [
    { type: 'pop_vlan' },
    { type: 'output', port: 1, maxLen: 0 },
  ]);
  const flood = rewriteFlowMod(ctxOf(red, true), baseFlowMod({ match: { in_port: { value: 1n } }, instructions: outputs(OFPP.FLOOD) }), 7n);
  assert.ok(flood.ok);
  const fa = (flood.value[0]!.instructions[0] as { actions: Array<{ type: string }> }).actions;
  assert.ok(
    fa.some((a) => a.type === 'group'),
    show(fa),
  );
  // Another slice's port and a virtual port number the slice does not have stay refused.
  const bad = rewriteFlowMod(ctxOf(red, true), baseFlowMod({ match: { in_port: { value: 1n } }, instructions: outputs(V + 1) }), 7n);
  assert.equal(bad.ok, false);
  // A packet-out (e.g. the tenant's LLDP) on the virtual port is tagged and sent through the group.
  const lldp = Buffer.concat([Buffer.from('0180c200000e020000000001' + '88cc', 'hex'), Buffer.alloc(46)]);
  const po = rewritePacketOut(ctxOf(red, true), OFPP.CONTROLLER, [{ type: 'output', port: V, maxLen: 0 }], lldp, 0xffffffff);
  assert.ok(po.ok, show(po));
  assert.equal(po.value.at(-1)!.type, 'group');
});

test('frames from the core are the virtual port\u2019s only with the link tag on a port toward its paths', () => {
  const { red } = setup();
  assert.equal(virtualArrival(red, 2, 201, null)?.number, V);
  assert.equal(virtualArrival(red, 2, 202, null), undefined, "blue's tag");
  assert.equal(virtualArrival(red, 1, 201, null), undefined, 'a host port');
  assert.equal(virtualArrival(red, 2, null, null), undefined, 'untagged');
});

test('a link discovery stopped seeing moves the virtual links like a port going down; seen again, they come back', () => {
  const { core } = setup();
  const id = core.linkBetween({ dpid: C3, port: 3 }, { dpid: C1, port: 3 });
  assert.equal(id, CORE_LINKS.c1c3.id, 'either direction names the link');
  assert.deepEqual(
    core.linkSeen(id!, false).map((c) => c.to),
    [1, 1],
  );
  assert.deepEqual(core.linkSeen(id!, false), []);
  assert.deepEqual(
    core.linkSeen(id!, true).map((c) => c.to),
    [0, 0],
  );
});

test('on an MPLS slice a virtual port is the link label on the physical port, one rule per carried ethertype', () => {
  const plan = corePlan([{ name: 'm', controllerPort: 1, vlan: 500, linkTag: 501, hostPort: 1, overlay: 'mpls' }]);
  const views = buildPlanViews(plan);
  const m = views.bySwitch.get(E1)![0]!;
  const r = rewriteFlowMod(ctxOf(m, true), baseFlowMod({ match: { in_port: { value: BigInt(V) } }, instructions: outputs(1) }), 7n);
  assert.ok(r.ok, show(r));
  assert.equal(r.value.length, 6);
  for (const fm of r.value) {
    assert.equal(fm.match.in_port!.value, 2n);
    assert.equal(fm.match.mpls_label!.value, 501n);
  }
  const out = rewriteFlowMod(
    ctxOf(m, true),
    baseFlowMod({ match: { in_port: { value: 1n }, eth_type: { value: 0x0800n } }, instructions: outputs(V) }),
    7n,
  );
  assert.ok(out.ok, show(out));
  assert.deepEqual((out.value[0]!.instructions[0] as { actions: unknown[] }).actions.slice(0, 3), [
    { type: 'push_mpls', ethertype: 0x8847 },
    { type: 'set_field', field: 'mpls_label', value: 501n },
    { type: 'set_field', field: 'mpls_tc', value: 0n },
  ]);
  assert.deepEqual(
    coreFlowMods(views, C1).map((f) => f.match.mpls_label?.value),
    [501n, 501n],
  );
});
