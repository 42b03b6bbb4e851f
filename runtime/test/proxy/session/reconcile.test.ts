// planReconcile: which hypervisor rules and meters a switch holds that the slices bound there do
// not account for (removed), which of their base rules and meters are missing (installed again),
// and what is never touched (rules DFVisor did not write, the isolation rule, tenant rules of bound
// slices, meters below 1 << 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlanViews } from '../../../src/proxy/slice-views.js';
import { isHypervisorMeter, planReconcile } from '../../../src/proxy/session/reconcile.js';
import { sliceMeters, sliceSetup } from '../../../src/proxy/base-rules.js';
import { portMeterId } from '../../../src/dataplane/port-meters.js';
import { DISPATCH_SEQ, hvSliceCookie, HV_DROP_COOKIE, isDispatchCookie, sliceCookie } from '../../../src/dataplane/cookies.js';
import { plan } from './plan.js';
import { dp, linePlan, mplsSlice } from '../fixtures.js';

const views = buildPlanViews(plan, (s) => (s === 'x' ? 0 : 1));
const onS1 = views.bySwitch.get([...views.bySwitch.keys()][0]!)!;
const x = onS1.find((v) => v.slice === 'x')!;
const setupCookies = (v: typeof x) => sliceSetup(v, true, () => true, []).flowMods.map((f) => f.cookie);

test('a table that holds exactly the bound slices changes nothing', () => {
  const cookies = [HV_DROP_COOKIE, ...onS1.flatMap(setupCookies), sliceCookie(0, 5), sliceCookie(1, 9)];
  assert.deepEqual(planReconcile(cookies, onS1, true), {
    staleSlices: new Map(),
    staleBase: [],
    missing: [],
    staleMeters: [],
    missingMeters: [],
  });
});

test('rules of an unbound slice id and stray base rules of a bound slice are stale; foreign rules stay', () => {
  const cookies = [
    HV_DROP_COOKIE,
    ...setupCookies(x),
    sliceCookie(7, 1),
    sliceCookie(7, 2),
    hvSliceCookie(7, 1),
    hvSliceCookie(0, 0x77),
    0n,
    42n,
  ];
  const p = planReconcile(cookies, [x], true);
  assert.deepEqual([...p.staleSlices], [[7, 3]]);
  assert.deepEqual(p.staleBase, [hvSliceCookie(0, 0x77)]);
  assert.deepEqual(p.missing, []);
});

test("a bound slice's missing base rules and the missing isolation rule are installed again", () => {
  const wanted = setupCookies(x);
  assert.ok(wanted.length > 0, 'slice x has base rules on s1');
  const p = planReconcile([], [x], true);
  assert.deepEqual(p.missing.map((f) => f.cookie).sort(), [...wanted, HV_DROP_COOKIE].sort());
  // With no slice bound, an empty table is what the plan says.
  assert.deepEqual(planReconcile([], [], true).missing, []);
});

test("an MPLS slice's second-label dispatch rules are base rules: expected, restored when missing, stale when the slice goes", () => {
  const mpls = buildPlanViews(linePlan([mplsSlice(1)]));
  const core = mpls.bySwitch.get(dp(2))!;
  const dispatch = [hvSliceCookie(core[0]!.index, DISPATCH_SEQ), hvSliceCookie(core[0]!.index, DISPATCH_SEQ + 1)];
  const all = sliceSetup(core[0]!, true, () => true, []).flowMods;
  assert.deepEqual(
    all.filter((f) => isDispatchCookie(f.cookie)).map((f) => f.cookie),
    dispatch,
    'one per link port',
  );
  // a table holding everything (table-1 tenant rules carry their rule's cookie) changes nothing
  const held = [HV_DROP_COOKIE, ...all.map((f) => f.cookie), sliceCookie(core[0]!.index, 3)];
  {
    const r = planReconcile(held, core, true);
    assert.deepEqual(
      { staleSlices: r.staleSlices, staleBase: r.staleBase, missing: r.missing },
      { staleSlices: new Map(), staleBase: [], missing: [] },
    );
  }
  // a lost dispatch rule is installed again, as it was
  const p = planReconcile(
    held.filter((c) => c !== dispatch[1]),
    core,
    true,
  );
  assert.deepEqual(p.missing, [all.find((f) => f.cookie === dispatch[1])]);
  assert.equal(p.missing[0]!.instructions.at(-1)!.type, 'goto_table');
  // the slice unbound: its dispatch rules go with its other rules (a delete by its base-rule mask over every table)
  assert.deepEqual([...planReconcile(held, [], true).staleSlices], [[core[0]!.index, held.length - 1]]);
});

/** Slice x's ports on s1 in the tests below (its edge port 1 and its link port 3). */
const ports = () => [1, 3];
const xMeters = sliceMeters(x, ports()).map((m) => m.meterId);

test("meters: the bound slices' meters stay; hypervisor meters of other slice ids and ports go; foreign meters stay", () => {
  assert.ok(xMeters.length > 0, 'slice x is capped: it has meters on s1');
  const cookies = [HV_DROP_COOKIE, ...setupCookies(x)];
  const removedSlice = portMeterId(7, 1)!;
  const otherPortOfX = portMeterId(x.index, 4)!;
  const present = [...xMeters, removedSlice, otherPortOfX, 5, 0xffff];
  const p = planReconcile(cookies, [x], true, { present, ports });
  assert.deepEqual(
    p.staleMeters,
    [otherPortOfX, removedSlice].sort((a, b) => a - b),
  );
  assert.deepEqual(p.missingMeters, []);
  // Without meter statistics nothing is said about meters; on OpenFlow 1.0 neither.
  assert.deepEqual(planReconcile(cookies, [x], true).staleMeters, []);
  assert.deepEqual(planReconcile(cookies, [x], false, { present, ports }).staleMeters, []);
});

test("meters: a bound slice's missing meters are added again", () => {
  const cookies = [HV_DROP_COOKIE, ...setupCookies(x)];
  const p = planReconcile(cookies, [x], true, { present: xMeters.slice(1), ports });
  assert.deepEqual(
    p.missingMeters.map((m) => [m.command, m.meterId]),
    [['add', xMeters[0]]],
  );
  assert.ok(p.missingMeters[0]!.bands.length === 1 && p.missingMeters[0]!.bands[0]!.rate > 0);
  // With no slice bound, every hypervisor meter goes.
  assert.deepEqual(
    planReconcile([], [], true, { present: xMeters, ports }).staleMeters,
    [...xMeters].sort((a, b) => a - b),
  );
});

test('hypervisor meter ids are (slice id + 1) << 16 | port', () => {
  assert.ok(isHypervisorMeter(portMeterId(0, 1)!));
  assert.ok(isHypervisorMeter(portMeterId(0xfffd, 0xffff)!));
  for (const id of [0, 1, 0xffff, 0x10000, 0xffff0000, 0xfffffffd, 0xffffffff]) assert.ok(!isHypervisorMeter(id), `0x${id.toString(16)}`);
});
