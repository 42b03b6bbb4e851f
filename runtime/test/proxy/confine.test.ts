// Property test of the tenant-message checks (rewrite.ts + confine.ts) against an independent
// oracle: random tenant flow-mods and packet-outs (set-fields, every reserved port, tagged frames)
// for slice red, which shares edge port 1 of s1 with blue (split by ip_src) and has edge port 2 and
// link port 3. Every physical rule accepted is run on concrete packets sampled from its match, and
// every frame a packet-out emits is followed through its actions, by a small interpreter written
// here; each packet that leaves must lie in red's flowspace at that place, by a linear scan of the
// plan's flowspace entries (plain CIDR and equality checks, none of the proxy's match algebra).
// Ordinary messages (no escape) must all be accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowspaceEntry, Match } from '@dfvisor/grammar';
import { buildPlanViews } from '../../src/proxy/slice-views.js';
import { rewriteFlowMod, rewritePacketOut, type SliceContext } from '../../src/proxy/rewrite.js';
import { FC, OFPP, type Action, type FlowMatch, type FlowMod } from '../../src/proxy/messages.js';
import { baseFlowMod, dp, ipv4Frame, linePlan } from './fixtures.js';

const RED_TAG = 101;
const plan = linePlan([
  {
    name: 'red',
    controllerPort: 1,
    vlan: RED_TAG,
    flowspace: [
      [1, 1, { eth_type: 0x800, ipv4_src: '10.0.1.0/24' }],
      [1, 2, { eth_type: 0x800, ipv4_src: '10.0.1.0/24' }],
      [1, 2, { eth_type: 0x800, ipv4_dst: '10.0.7.0/24' }],
      [1, 1, { eth_type: 0x800, ipv4_dst: '10.0.8.0/24', ip_proto: 17, udp_dst: { min: 4000, max: 4100 } }, ['read']],
      [2, null, {}],
    ],
  },
  {
    name: 'blue',
    controllerPort: 2,
    vlan: 102,
    flowspace: [
      [1, 1, { eth_type: 0x800, ipv4_src: '10.0.2.0/24' }],
      [1, 4, {}],
      [2, null, {}],
    ],
  },
]);
const views = buildPlanViews(plan);
const red: SliceContext = { view: views.bySwitch.get(dp(1))!.find((v) => v.slice === 'red')!, edgePorts: [1, 2], meters: true };
const RED_EDGE = [1, 2];
const RED_LINK = 3;

// ---- the oracle: concrete packets and the plan's flowspace by linear scan ----

type Pkt = Record<string, bigint>;
const ip = (s: string) => s.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n);
function inCidr(v: bigint | undefined, cidr: string): boolean {
  if (v === undefined) return false;
  const [a, l] = cidr.split('/');
  const len = BigInt(Number(l));
  return v >> (32n - len) === ip(a!) >> (32n - len);
}
function inRange(v: bigint | undefined, r: number | { min: number; max: number }): boolean {
  if (v === undefined) return false;
  return typeof r === 'number' ? v === BigInt(r) : v >= BigInt(r.min) && v <= BigInt(r.max);
}
function planMatches(m: Match, p: Pkt): boolean {
  if (m.eth_type !== undefined && p.eth_type !== BigInt(m.eth_type)) return false;
  if (m.ip_proto !== undefined && p.ip_proto !== BigInt(m.ip_proto)) return false;
  if (m.ipv4_src && !inCidr(p.ipv4_src, m.ipv4_src)) return false;
  if (m.ipv4_dst && !inCidr(p.ipv4_dst, m.ipv4_dst)) return false;
  if (m.udp_dst !== undefined && !inRange(p.udp_dst, m.udp_dst)) return false;
  if (m.tcp_dst !== undefined && !inRange(p.tcp_dst, m.tcp_dst)) return false;
  return true;
}
/** Is the packet in `slice`'s flowspace at s1's `port` with the permission? */
function inSlice(slice: string, port: number, perm: 'read' | 'write', p: Pkt): boolean {
  return plan.flowspace.some(
    (e: FlowspaceEntry) =>
      e.slice === slice &&
      e.dpid === dp(1) &&
      (e.inPort === null || e.inPort === port) &&
      e.permissions.includes(perm) &&
      planMatches(e.match, p),
  );
}
const untagged = (p: Pkt) => (p.vlan_vid ?? 0n) === 0n;
const redTagged = (p: Pkt) => p.vlan_vid === BigInt(0x1000 | RED_TAG);

/** Where a packet went: a port, the controller (at the in-port) or the table. */
type Emit = { to: 'port' | 'controller' | 'table'; port: number; pkt: Pkt };

/** Runs an action list of the switch on one packet (the rewritten actions). */
function run(actions: readonly Action[], start: Pkt): Emit[] {
  const p: Pkt = { ...start };
  const out: Emit[] = [];
  for (const a of actions) {
    if (a.type === 'set_field') p[a.field] = a.value;
    else if (a.type === 'push_vlan') p.vlan_vid = 0x1000n;
    else if (a.type === 'pop_vlan') p.vlan_vid = 0n;
    else if (a.type === 'output') {
      if (a.port === OFPP.CONTROLLER) out.push({ to: 'controller', port: Number(p.in_port), pkt: { ...p } });
      else if (a.port === OFPP.TABLE) out.push({ to: 'table', port: Number(p.in_port), pkt: { ...p } });
      else if (a.port === OFPP.IN_PORT) out.push({ to: 'port', port: Number(p.in_port), pkt: { ...p } });
      else out.push({ to: 'port', port: a.port, pkt: { ...p } });
    }
  }
  return out;
}

/** Why an emitted packet is outside red (null: inside). */
function leak(e: Emit, entered: Pkt): string | null {
  const p = e.pkt;
  if (e.to === 'port') {
    if (e.port === RED_LINK) return redTagged(p) ? null : 'untagged or foreign-tagged on the link';
    if (!RED_EDGE.includes(e.port)) return `output to foreign port ${e.port}`;
    if (!untagged(p)) return 'tagged on an edge port';
    if (!inSlice('red', e.port, 'write', p)) return `outside red's write flowspace at port ${e.port}`;
    if (inSlice('blue', e.port, 'read', p)) return `in blue's flowspace at port ${e.port}`;
    return null;
  }
  // Back at the in-port (packet-in or table): tagged from the link, else red's there, never blue's.
  if (entered.in_port === BigInt(RED_LINK)) return redTagged(p) ? null : 'lost its tag';
  if (!RED_EDGE.includes(e.port) || !untagged(p)) return `${e.to} at port ${e.port}`;
  if (!inSlice('red', e.port, 'write', p)) return `${e.to}: outside red at port ${e.port}`;
  if (inSlice('blue', e.port, 'read', p)) return `${e.to}: in blue's flowspace at port ${e.port}`;
  return null;
}

// ---- random messages (seeded) ----

let seed = 0x5eed;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const ADDRS = ['10.0.1.5', '10.0.1.77', '10.0.2.9', '10.0.7.3', '10.0.8.1', '192.168.0.1'];
const PORTS = [1, 2, 3, 4, OFPP.IN_PORT, OFPP.TABLE, OFPP.CONTROLLER, OFPP.FLOOD, OFPP.ALL, OFPP.LOCAL, OFPP.NORMAL];

function randomMatch(): FlowMatch {
  const m: FlowMatch = {};
  if (rnd() < 0.6) m.in_port = { value: BigInt(pick([1, 2, 3, 4])) };
  if (rnd() < 0.8) {
    m.eth_type = { value: 0x800n };
    if (rnd() < 0.6) m.ipv4_src = rnd() < 0.5 ? { value: ip(pick(ADDRS)) } : { value: ip(pick(ADDRS)) & 0xffffff00n, mask: 0xffffff00n };
    if (rnd() < 0.4) m.ipv4_dst = { value: ip(pick(ADDRS)) };
    if (rnd() < 0.3) {
      m.ip_proto = { value: 17n };
      if (rnd() < 0.5) m.udp_dst = { value: BigInt(pick([4000, 4050, 5000])) };
    }
  }
  if (rnd() < 0.1) m.vlan_vid = { value: 0n };
  return m;
}
function randomActions(): Action[] {
  const acts: Action[] = [];
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.15) acts.push({ type: 'set_field', field: 'ipv4_src', value: ip(pick(ADDRS)) });
    else if (r < 0.25) acts.push({ type: 'set_field', field: 'ipv4_dst', value: ip(pick(ADDRS)) });
    else if (r < 0.3) acts.push({ type: 'set_field', field: 'udp_dst', value: BigInt(pick([4000, 9999])) });
    else if (r < 0.33) acts.push({ type: 'set_field', field: 'in_port', value: BigInt(pick([2, 4])) });
    else if (r < 0.35) acts.push({ type: 'set_field', field: 'vlan_vid', value: BigInt(0x1000 | 102) });
    else acts.push({ type: 'output', port: pick(PORTS), maxLen: 0xffff });
  }
  return acts;
}

/** Concrete packets of a physical match: random headers with the match's bits forced. */
function samples(m: FlowMatch, n: number): Pkt[] {
  const out: Pkt[] = [];
  for (let i = 0; i < n; i++) {
    const p: Pkt = {
      eth_type: rnd() < 0.8 ? 0x800n : 0x806n,
      ipv4_src: ip(pick(ADDRS)) + BigInt(Math.floor(rnd() * 3)),
      ipv4_dst: ip(pick(ADDRS)),
      ip_proto: 17n,
      udp_dst: BigInt(pick([4000, 4050, 5000, 9999])),
      vlan_vid: 0n,
    };
    for (const [k, fv] of Object.entries(m)) {
      if (!fv) continue;
      const mask = fv.mask ?? (1n << 128n) - 1n;
      p[k] = (fv.value & mask) | ((p[k] ?? 0n) & ~mask);
    }
    out.push(p);
  }
  return out;
}

const physicalActions = (fm: FlowMod) => fm.instructions.flatMap((i) => (i.type === 'apply_actions' ? i.actions : []));

test('property: every accepted flow-mod rule and every emitted packet-out frame stays in the slice (independent oracle)', () => {
  let accepted = 0,
    refused = 0,
    packets = 0,
    frames = 0;
  for (let i = 0; i < 3000; i++) {
    const match = randomMatch();
    const actions = randomActions();
    const r = rewriteFlowMod(red, baseFlowMod({ match, instructions: [{ type: 'apply_actions', actions }] }), 1n);
    if (!r.ok) {
      refused++;
      continue;
    }
    accepted++;
    for (const fm of r.value) {
      assert.ok(fm.match.in_port, 'every physical rule names its in-port');
      for (const pkt of samples(fm.match, 6)) {
        // The rule matches only packets entering at red's ports, inside red there (or red-tagged on the link).
        const at = Number(pkt.in_port);
        if (at === RED_LINK) assert.ok(redTagged(pkt), 'a link rule matches red-tagged packets only');
        else
          assert.ok(
            RED_EDGE.includes(at) && inSlice('red', at, 'write', pkt),
            `rule matches outside red: ${JSON.stringify(fm.match, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`,
          );
        for (const e of run(physicalActions(fm), pkt)) {
          packets++;
          const why = leak(e, pkt);
          assert.equal(
            why,
            null,
            `tenant actions ${JSON.stringify(actions, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))} on match ${JSON.stringify(match, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}: ${why}`,
          );
        }
      }
    }
  }
  for (let i = 0; i < 3000; i++) {
    const inPort = pick([1, 2, 3, 4, OFPP.CONTROLLER, OFPP.ANY, OFPP.LOCAL]);
    const src = pick(ADDRS);
    const dst = pick(ADDRS);
    const tag = rnd() < 0.15 ? pick([{ vlan: 101 }, { vlan: 102 }, { mpls: 102 }]) : {};
    const data = ipv4Frame(src, dst, tag);
    const actions = randomActions();
    const r = rewritePacketOut(red, inPort, actions, data, 0xffffffff);
    if (!r.ok) {
      refused++;
      continue;
    }
    accepted++;
    assert.deepEqual(tag, {}, 'a tagged frame is never accepted');
    const pkt: Pkt = { eth_type: 0x800n, ipv4_src: ip(src), ipv4_dst: ip(dst), ip_proto: 17n, udp_dst: 6000n, vlan_vid: 0n };
    if (inPort === RED_LINK) pkt.vlan_vid = BigInt(0x1000 | RED_TAG);
    pkt.in_port = BigInt(inPort);
    if (RED_EDGE.includes(inPort)) assert.ok(inSlice('red', inPort, 'write', pkt), 'the frame belongs to red at its in_port');
    // A packet-out from a link port enters as red's own overlay traffic (the rewrite treats it untagged).
    const start: Pkt = { ...pkt, vlan_vid: 0n };
    for (const e of run(r.value, start)) {
      frames++;
      const why = leak(e.to === 'port' || inPort !== RED_LINK ? e : { ...e, pkt: { ...e.pkt, vlan_vid: BigInt(0x1000 | RED_TAG) } }, pkt);
      assert.equal(
        why,
        null,
        `packet-out in_port ${inPort} ${src}->${dst} actions ${JSON.stringify(actions, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}: ${why}`,
      );
    }
  }
  // The generator reaches both outcomes often (a check that cannot fail is a defect).
  assert.ok(accepted > 500 && refused > 500, `accepted ${accepted}, refused ${refused}`);
  assert.ok(packets > 1000 && frames > 200, `packets ${packets}, frames ${frames}`);
});

test('ordinary messages are never refused: exact and wildcard rules to the slice ports, set-fields inside the slice, packet-outs of its own frames', () => {
  const outs = [1, 2, 3, OFPP.IN_PORT, OFPP.FLOOD, OFPP.ALL, OFPP.CONTROLLER];
  for (let i = 0; i < 500; i++) {
    const inPort = pick([1, 2]);
    const src = `10.0.1.${1 + Math.floor(rnd() * 250)}`;
    const exact: FlowMatch = {
      in_port: { value: BigInt(inPort) },
      eth_type: { value: 0x800n },
      ipv4_src: { value: ip(src) },
      ipv4_dst: { value: ip(pick(ADDRS)) },
    };
    const actions: Action[] = [];
    if (rnd() < 0.3) actions.push({ type: 'set_field', field: 'ipv4_dst', value: ip(pick(ADDRS)) });
    if (rnd() < 0.2) actions.push({ type: 'set_field', field: 'ipv4_src', value: ip(`10.0.1.${Math.floor(rnd() * 250)}`) });
    actions.push({ type: 'output', port: pick(outs), maxLen: 0xffff });
    for (const match of [exact, { eth_type: { value: 0x800n }, ipv4_src: { value: ip(src) } }, {}]) {
      const r = rewriteFlowMod(red, baseFlowMod({ match, instructions: [{ type: 'apply_actions', actions }] }), 1n);
      assert.ok(r.ok, `refused: ${!r.ok && r.reason}`);
      assert.ok(r.value.length > 0);
    }
    const poIn = pick([1, 2, OFPP.CONTROLLER]);
    // TABLE needs a location: from the controller it is refused (as before this check).
    const poOut = pick(
      poIn === OFPP.CONTROLLER ? [1, 2, 3, OFPP.FLOOD, OFPP.CONTROLLER] : [1, 2, 3, OFPP.FLOOD, OFPP.TABLE, OFPP.CONTROLLER, OFPP.IN_PORT],
    );
    const poActs: Action[] = [
      { type: 'set_field', field: 'ipv4_dst', value: ip(pick(ADDRS)) },
      { type: 'output', port: poOut, maxLen: 0xffff },
    ];
    const po = rewritePacketOut(red, poIn, poOut === OFPP.CONTROLLER ? poActs.slice(1) : poActs, ipv4Frame(src, '10.0.9.9'), 0xffffffff);
    assert.ok(po.ok, `packet-out from ${poIn} to ${poOut} refused: ${!po.ok && po.reason}`);
  }
  // Deletes are never confined (they remove, never forward).
  assert.ok(rewriteFlowMod(red, baseFlowMod({ command: FC.DELETE, match: {} }), 0n).ok);
});

test('the escapes of issue 11 are refused with BAD_ACTION/EPERM or BAD_REQUEST/EPERM and a reason', () => {
  const blueFrame = ipv4Frame('10.0.2.9', '10.0.2.10');
  const out = (port: number): Action => ({ type: 'output', port, maxLen: 0xffff });
  const toBlue: Action = { type: 'set_field', field: 'ipv4_src', value: ip('10.0.2.9') };
  const cases: Array<[string, ReturnType<typeof rewritePacketOut>]> = [
    ["packet-out of blue's source, OUTPUT TABLE", rewritePacketOut(red, 1, [out(OFPP.TABLE)], blueFrame, 0xffffffff)],
    ["packet-out of blue's source, OUTPUT CONTROLLER", rewritePacketOut(red, 1, [out(OFPP.CONTROLLER)], blueFrame, 0xffffffff)],
    ["packet-out of blue's source, OUTPUT IN_PORT", rewritePacketOut(red, 1, [out(OFPP.IN_PORT)], blueFrame, 0xffffffff)],
    [
      "packet-out from the controller of blue's source to the shared port",
      rewritePacketOut(red, OFPP.CONTROLLER, [out(1)], blueFrame, 0xffffffff),
    ],
    [
      "packet-out of red's frame rewritten to blue's source, TABLE",
      rewritePacketOut(red, 1, [toBlue, out(OFPP.TABLE)], ipv4Frame('10.0.1.5', '10.0.2.9'), 0xffffffff),
    ],
    ['packet-out of a VLAN-tagged frame', rewritePacketOut(red, 1, [out(2)], ipv4Frame('10.0.1.5', '10.0.1.6', { vlan: 102 }), 0xffffffff)],
    ['packet-out of an MPLS frame', rewritePacketOut(red, 1, [out(2)], ipv4Frame('10.0.1.5', '10.0.1.6', { mpls: 102 }), 0xffffffff)],
    ['buffered packet-out rewriting to blue', rewritePacketOut(red, 1, [toBlue, out(1)], Buffer.alloc(0), 77)],
  ];
  const redRule = { in_port: { value: 1n }, eth_type: { value: 0x800n }, ipv4_src: { value: ip('10.0.1.0'), mask: 0xffffff00n } };
  for (const [name, actions] of [
    ["flow-mod set ipv4_src=blue's + CONTROLLER", [toBlue, out(OFPP.CONTROLLER)]],
    ["flow-mod set ipv4_src=blue's + the shared port", [toBlue, out(1)]],
    ["flow-mod set ipv4_src=blue's + IN_PORT", [toBlue, out(OFPP.IN_PORT)]],
    // (To 10.0.7.0/24 the copy on port 2 would stay in red: red owns ip_dst 10.0.7.0/24 there.)
    ["flow-mod set ipv4_src=blue's + FLOOD", [toBlue, out(OFPP.FLOOD)]],
  ] as Array<[string, Action[]]>) {
    const match = { ...redRule, ipv4_dst: { value: ip('10.0.5.5') } };
    const r = rewriteFlowMod(red, baseFlowMod({ match, instructions: [{ type: 'apply_actions', actions }] }), 1n);
    cases.push([name, r.ok ? { ok: true, value: [] } : r]);
  }
  for (const [name, r] of cases) {
    assert.ok(!r.ok, `${name}: accepted`);
    assert.ok(['eperm_action', 'eperm_request'].includes(r.error), `${name}: ${r.error}`);
    assert.match(r.reason, /slice|tag|VLAN|TABLE|CONTROLLER/, `${name}: ${r.reason}`);
  }
  // Partly leaving: a wildcard rule from the link (any headers) to edge port 2 is narrowed to red's flowspace there.
  const fromLink = rewriteFlowMod(
    red,
    baseFlowMod({ match: { in_port: { value: 3n } }, instructions: [{ type: 'apply_actions', actions: [out(2)] }] }),
    1n,
  );
  assert.ok(fromLink.ok);
  assert.deepEqual(
    fromLink.value.map((f) => [f.match.ipv4_src?.value, f.match.ipv4_dst?.value]),
    [
      [ip('10.0.1.0'), undefined],
      [undefined, ip('10.0.7.0')],
    ],
  );
});
