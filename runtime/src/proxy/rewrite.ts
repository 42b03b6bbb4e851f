// Rewriting tenant → switch messages for one slice on one switch: flow-mods are intersected with
// the slice's flowspace (one physical rule per in-port and flowspace alternative), priorities
// moved into the tenant band, outputs checked against the slice's ports, FLOOD/ALL expanded,
// the overlay tag pushed before link ports and popped before edge ports, the slice's meter
// (its tightest output port's) and class and guarantee queues added; the actions are confined to
// the slice as transformations of packets (confine.ts: rules narrowed, packet-out frames
// classified, tagged frames refused). Pure functions: no I/O, errors as values.
import type { Action, ErrorKind, FieldName, FlowMatch, FlowMod, Instruction } from './messages.js';
import { OFPFC as FC, OFPFF13, OFPG_ANY, OFP_NO_BUFFER, OFPP13 as OFPP, OFPVID_PRESENT } from '../openflow/constants.js';
import { fullMask, inPortMatch as inPortOnly, intersectMatches, matchesDisjoint, matchSubsumes } from './match-algebra.js';
import { isLinkPort, isSlicePort, rulesAt, slicePorts, virtualPort, type SliceContext } from './rewrite-context.js';
import { virtualOutput } from './virtual-ports.js';
import { checkBuffered, checkFrame, narrowRule, staysAsIs } from './confine.js';
import { matchKey } from './hot-messages.js';
import { SLICE_COOKIE_MASK, sliceCookie } from '../dataplane/cookies.js';
import { mapPriority } from '../dataplane/priorities.js';
import { portMeterRateKbps, tightestPortMeter } from '../dataplane/port-meters.js';
import { MPLS_INNER_CLASSES, NOT_CARRIED_CLASS, innerEthType, mplsClassOf, secondLabelCarries } from '../dataplane/mpls-ethertypes.js';
import { popStack, pushStack, SECOND_TABLE, secondLabelType, secondTableMatch } from './second-table.js';

/** Most physical rules one tenant rule may expand into before it is refused as inexpressible. */
export const MAX_EXPANSION = 256;

export type { SliceContext };
export { isLinkPort, isSlicePort, slicePorts, rulesAt };

export type Rewrite<T> = { ok: true; value: T } | { ok: false; error: ErrorKind; reason: string };
const fail = <T>(error: ErrorKind, reason: string): Rewrite<T> => ({ ok: false, error, reason });

/** The overlay tag's match on a link port (`tag`: a virtual link's instead of the slice's). */
export function tagMatch(ctx: SliceContext, tag: number = ctx.view.overlay.tag): FlowMatch {
  if (ctx.view.overlay.type === 'vlan') return { vlan_vid: { value: BigInt(tag | OFPVID_PRESENT) } };
  return { eth_type: { value: 0x8847n }, mpls_label: { value: BigInt(tag) } };
}

/**
 * `innerOnly`: the packet carries the inner label of a two-label stack only (a table-1 rule);
 * `tag`: a virtual link's tag instead of the slice's (managed core).
 */
function pushTag(ctx: SliceContext, innerEthType: bigint | undefined, innerOnly = false, tag: number = ctx.view.overlay.tag): Action[] {
  if (ctx.view.overlay.type === 'vlan')
    return [
      { type: 'push_vlan', ethertype: 0x8100 },
      { type: 'set_field', field: 'vlan_vid', value: BigInt(tag | OFPVID_PRESENT) },
    ];
  // The inner ethertype travels in the label's traffic class (set always: a push may copy an
  // IP packet's DSCP into it). Other ethertypes go in a second label (second-table.ts).
  const tc = innerEthType === undefined ? null : mplsClassOf(Number(innerEthType));
  if (tc === null && innerEthType !== undefined && secondLabelCarries(Number(innerEthType)))
    return pushStack(tag, Number(innerEthType), innerOnly);
  return [
    { type: 'push_mpls', ethertype: 0x8847 },
    { type: 'set_field', field: 'mpls_label', value: BigInt(tag) },
    { type: 'set_field', field: 'mpls_tc', value: BigInt(tc ?? NOT_CARRIED_CLASS) },
  ];
}

/** A tagged frame's tag changed in place (a virtual link's tag and the slice's differ). */
function retag(ctx: SliceContext, tag: number): Action {
  if (ctx.view.overlay.type === 'vlan') return { type: 'set_field', field: 'vlan_vid', value: BigInt(tag | OFPVID_PRESENT) };
  return { type: 'set_field', field: 'mpls_label', value: BigInt(tag) };
}

function popTag(ctx: SliceContext, innerEthType: bigint | undefined, innerOnly = false): Action[] {
  if (ctx.view.overlay.type === 'vlan') return [{ type: 'pop_vlan' }];
  if (innerEthType !== undefined && mplsClassOf(Number(innerEthType)) === null && secondLabelCarries(Number(innerEthType)))
    return popStack(Number(innerEthType), innerOnly);
  return [{ type: 'pop_mpls', ethertype: Number(innerEthType ?? 0x0800n) }];
}

const OVERLAY_FIELD_LIST = ['vlan_vid', 'vlan_pcp', 'mpls_label', 'mpls_tc', 'mpls_bos'] as const;
const OVERLAY_FIELDS = new Set<string>(OVERLAY_FIELD_LIST);
/**
 * Fields that say where a packet entered: never writable by a tenant (a rewritten in_port plus
 * OUTPUT IN_PORT would send the packet out of another slice's port). 1.0 has no action that sets
 * them; a 1.3 set_field in_phy_port is already decoded as unsupported.
 */
const INGRESS_FIELDS = new Set<string>(['in_port', 'in_phy_port']);

/** Validates tenant actions (no overlay fiddling, no in_port rewrite, only slice ports) without rewriting them. */
export function checkActions(ctx: SliceContext, actions: Action[], allowTable: boolean): Rewrite<null> {
  for (const a of actions) {
    switch (a.type) {
      case 'output': {
        const p = a.port;
        if (p === OFPP.FLOOD || p === OFPP.ALL || p === OFPP.CONTROLLER || p === OFPP.IN_PORT) break;
        if (p === OFPP.TABLE && allowTable) break;
        if (p >= OFPP.MAX || !isSlicePort(ctx, p)) return fail('bad_out_port', `output to port ${p >>> 0} outside the slice`);
        break;
      }
      case 'set_field':
        if (OVERLAY_FIELDS.has(a.field)) return fail('eperm_action', `set_field ${a.field} is reserved for the overlay`);
        if (INGRESS_FIELDS.has(a.field)) return fail('eperm_action', `set_field ${a.field}: the ingress port is never writable`);
        break;
      case 'push_vlan':
      case 'pop_vlan':
      case 'push_mpls':
      case 'pop_mpls':
        return fail('eperm_action', `${a.type} is reserved for the overlay`);
      case 'set_queue':
        return fail('eperm_action', "queues are assigned by the slice's classes");
      case 'group':
        return fail('eperm_action', 'groups are not sliced');
      case 'unsupported':
        return fail('eperm_action', `unsupported action type ${a.code}`);
      case 'dec_nw_ttl':
        break;
    }
  }
  return ACTIONS_OK;
}

/** checkActions' answer when the actions may be sent (shared: nothing allocated per flow-mod). */
const ACTIONS_OK: Rewrite<null> = { ok: true, value: null };

/**
 * Rewrites an action list for a packet that enters the list tagged or untagged; `inPort` is
 * the physical in-port (or null for packet-outs from the controller). `innerOnly`: it entered
 * tagged, but with the inner label of its two-label stack only (a table-1 rule, second-table.ts).
 */
export function rewriteActions(
  ctx: SliceContext,
  actions: Action[],
  inPort: number | null,
  enteredTagged: boolean,
  queueId: number | null,
  innerEthType: bigint | undefined,
  innerOnly = false,
  enteredTag: number = ctx.view.overlay.tag,
): Action[] {
  const out: Action[] = [];
  const st = { tagged: enteredTagged, innerOnly, tag: enteredTag };
  for (const a of actions) {
    if (a.type !== 'output') {
      out.push(a);
      continue;
    }
    if (a.port === OFPP.FLOOD || a.port === OFPP.ALL) {
      for (const p of slicePorts(ctx)) if (p !== inPort) emitOutput(ctx, out, st, p, a.maxLen, p, queueId, innerEthType);
    } else if (a.port === OFPP.IN_PORT) {
      if (inPort !== null) emitOutput(ctx, out, st, OFPP.IN_PORT, a.maxLen, inPort, queueId, innerEthType, a);
    } else if (a.port === OFPP.CONTROLLER || a.port === OFPP.TABLE) {
      // The packet goes back as it entered (with its whole stack): the proxy classifies it by tag on link ports.
      if (st.tagged !== enteredTagged || st.innerOnly) {
        pushAll(out, enteredTagged ? pushTag(ctx, innerEthType, st.innerOnly, enteredTag) : popTag(ctx, innerEthType));
        st.tagged = enteredTagged;
        st.innerOnly = false;
      } else if (st.tagged && st.tag !== enteredTag) out.push(retag(ctx, enteredTag));
      st.tag = enteredTag;
      out.push(a);
    } else {
      emitOutput(ctx, out, st, a.port, a.maxLen, a.port, queueId, innerEthType, a);
    }
  }
  return out;
}

function pushAll(out: Action[], xs: Action[]): void {
  for (const x of xs) out.push(x);
}

/** An output, with the tag pushed before link ports and popped before edge ports, and the class or guarantee queue. */
function emitOutput(
  ctx: SliceContext,
  out: Action[],
  st: { tagged: boolean; innerOnly: boolean; tag: number },
  port: number,
  maxLen: number,
  physical: number,
  queueId: number | null,
  innerEthType: bigint | undefined,
  /** The tenant's own output to `port` (actions are never mutated once built: written as it is). */
  own?: Action,
): void {
  const wantTag = isLinkPort(ctx, physical);
  // A virtual port (managed core): its link's tag, then its group (or the path's port on 1.0).
  const vp = wantTag ? virtualPort(ctx, physical) : undefined;
  const tag = vp ? vp.tag : ctx.view.overlay.tag;
  if (wantTag && (!st.tagged || st.innerOnly)) {
    pushAll(out, pushTag(ctx, innerEthType, st.innerOnly, tag));
    st.tagged = true;
    st.innerOnly = false;
  } else if (wantTag && st.tag !== tag) out.push(retag(ctx, tag));
  st.tag = tag;
  if (!wantTag && st.tagged) {
    pushAll(out, popTag(ctx, innerEthType, st.innerOnly));
    st.tagged = false;
    st.innerOnly = false;
  }
  // The class's queue, else the slice's guarantee queue on that port (all its traffic there).
  const q = queueId ?? ctx.view.guaranteeQueues[physical];
  if (q !== undefined) out.push({ type: 'set_queue', queueId: q });
  if (vp) {
    const a = virtualOutput(ctx.view.index, vp, ctx.meters, ctx.view.virtualActive(vp), maxLen);
    if (a) out.push(a);
    return;
  }
  out.push(own ?? { type: 'output', port, maxLen });
}

/** One physical rule produced for a tenant rule. */
export interface PhysicalRule {
  inPort: number;
  match: FlowMatch;
  instructions: Instruction[];
}

function classQueue(ctx: SliceContext, m: FlowMatch): number | null {
  for (const c of ctx.view.classes) for (const alt of c.alternatives) if (matchSubsumes(alt, m)) return c.queueId;
  return null;
}

/**
 * One physical match of a tenant rule: its in-port, whether it is a link port (tagged), the flowspace
 * alternative it came from, `inner`: the packet's own ethertype where the MPLS overlay needs it, and
 * `table`: SECOND_TABLE for a link in-port rule of an ethertype carried in a second label (else 0).
 */
export interface Expansion {
  inPort: number;
  tagged: boolean;
  match: FlowMatch;
  source?: FlowMatch;
  inner?: bigint;
  table?: number;
  /** Entered through a virtual port (inPort is its number): the virtual link's tag. */
  tag?: number;
}

/**
 * The physical matches for a tenant match: per in-port of the slice, the tenant match ANDed
 * with the slice's write flowspace (edge ports) or with the overlay tag (link ports). On an MPLS
 * slice every physical match names the inner ethertype (the label's traffic class on link ports,
 * eth_type on edge ports): a match that leaves it open becomes one match per carried ethertype
 * (runtime/src/dataplane/mpls-ethertypes.ts), so the push sets and the pop restores it.
 */
export function expandMatch(ctx: SliceContext, tenantIn: FlowMatch, need: 'write' | 'read' = 'write'): Rewrite<Expansion[]> {
  // VLAN-overlay tenants see untagged traffic: "no VLAN" (vlan_vid 0) is what they may match,
  // nothing else. MPLS-overlay tenants may match customer tags (their flowspace decides which).
  const mpls = ctx.view.overlay.type === 'mpls';
  const vv = tenantIn.vlan_vid;
  const noVlan = !mpls && vv !== undefined && vv.value === 0n && vv.mask === undefined;
  // The match the slice's flowspace is checked against: the tenant's without its VLAN fields under
  // "no VLAN". That copy is made only where it is needed (undefined until then): the usual rule,
  // inside one alternative at its own in-port, differs from it by an exact vlan_vid alone.
  let tenant: FlowMatch | undefined = !noVlan ? tenantIn : tenantIn.vlan_pcp ? withoutVlan(tenantIn) : undefined;
  const reserved = reservedField(tenantIn, mpls || noVlan);
  if (reserved) return fail('eperm_match', `match on ${reserved} is reserved for the overlay`);
  let inPorts: number[];
  if (tenantIn.in_port) {
    if (tenantIn.in_port.mask !== undefined) return fail('eperm_match', 'masked in_port');
    const p = Number(tenantIn.in_port.value);
    if (!isSlicePort(ctx, p)) return fail('eperm_match', `in_port ${p} is outside the slice`);
    inPorts = [p];
  } else {
    inPorts = slicePorts(ctx);
  }
  const out: Expansion[] = [];
  let seen: Set<string> | undefined;
  /** The tenant's rule with "no VLAN" for a VLAN-overlay slice's edge ports (made once, shared). */
  let ownNoVlan: FlowMatch | undefined;
  for (const p of inPorts) {
    const inPortMatch = inPortOnly(p);
    const vp = virtualPort(ctx, p);
    if (vp) {
      // A virtual port: its link's tag on each physical port toward the link's paths.
      tenant ??= withoutVlan(tenantIn);
      for (const phys of vp.ingress) out.push(...taggedExpansions(ctx, tenant, p, phys, vp.tag));
      continue;
    }
    if (isLinkPort(ctx, p)) {
      tenant ??= withoutVlan(tenantIn);
      if (!mpls) {
        const m = intersectMatches(intersectMatches(tenant, inPortMatch)!, tagMatch(ctx));
        if (m) out.push({ inPort: p, tagged: true, match: m });
        continue;
      }
      // Under an MPLS label only L2 fields stay matchable: the rule keeps those (the customer's
      // VLAN tag, outside the label, included), the label and the class of the inner ethertype.
      const l2 = intersectMatches(l2Only(tenant), inPortMatch);
      const base = l2 && intersectMatches(l2, tagMatch(ctx));
      if (!base) continue;
      for (const [ethType, tc] of innerClasses(tenant))
        out.push({ inPort: p, tagged: true, match: { ...base, mpls_tc: { value: BigInt(tc) } }, inner: BigInt(ethType) });
      // An ethertype named exactly that has no class: in table 1, under the dispatch (second-table.ts).
      const second = secondLabelType(tenant);
      if (second !== null)
        out.push({
          inPort: p,
          tagged: true,
          match: secondTableMatch(ctx.view.index, l2!, second),
          inner: BigInt(second),
          table: SECOND_TABLE,
        });
      continue;
    }
    // The usual rule (a learning controller's) names this in-port and lies inside one alternative.
    // (Without the copy, `tenantIn` answers both: it differs from the copy by an exact vlan_vid alone.)
    const own = tenant ?? tenantIn;
    const atOwnPort = own.in_port !== undefined && own.in_port.value === inPortMatch.in_port!.value && isNormalized(own);
    for (const r of rulesAt(ctx.view, p)) {
      if (need === 'write' ? !r.write : !r.read) continue;
      for (const alt of r.alternatives) {
        let m: FlowMatch | null;
        // An alternative on VLAN fields tells the tenant's "no VLAN" from none: the copy answers it.
        if (tenant === undefined && (alt.vlan_vid || alt.vlan_pcp)) tenant = withoutVlan(tenantIn);
        if (atOwnPort && matchSubsumes(alt, tenant ?? tenantIn)) {
          // Then the intersection is the rule itself: shared, not copied (matches are never
          // mutated once built), completed in a copy where the overlay needs "no VLAN".
          // A rule that named "no VLAN" itself (stripped above) is that already.
          if (tenant === undefined) m = tenantIn;
          else if (ctx.view.overlay.type !== 'vlan' || tenant.vlan_vid) m = tenant;
          else
            m = tenant !== tenantIn && !tenantIn.vlan_pcp && !alt.vlan_vid && !alt.vlan_pcp ? tenantIn : (ownNoVlan ??= withNoVlan(tenant));
        } else {
          // An alternative the rule misses (the alternative names no VLAN field here, so the copy misses it as well): no copy.
          if (tenant === undefined && matchesDisjoint(tenantIn, alt)) continue;
          tenant ??= withoutVlan(tenantIn);
          m = intersectMatches(tenant, alt);
          if (!m) continue;
          // Usually the tenant already names this in_port exactly: no second intersection then.
          const ip = m.in_port;
          if (!ip || ip.mask !== undefined || ip.value !== inPortMatch.in_port!.value) m = intersectMatches(m, inPortMatch);
          if (!m) continue;
          // m is a fresh object from intersectMatches (not keyed yet): completed in place.
          if (ctx.view.overlay.type === 'vlan' && !m.vlan_vid) m.vlan_vid = NO_VLAN;
        }
        if (mpls && (!m.eth_type || m.eth_type.mask !== undefined)) {
          // One rule per ethertype the MPLS overlay carries (the push sets its class); a masked
          // eth_type: those of them it covers.
          seen ??= new Set(out.map((o) => matchKey(o.match)));
          for (const [t] of innerClasses(m)) {
            const one: FlowMatch = { ...m, eth_type: { value: BigInt(t) } };
            const key = matchKey(one);
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ inPort: p, tagged: false, match: one, source: alt, inner: one.eth_type!.value });
          }
        } else {
          // Duplicates are only possible once there are two results: key them lazily.
          if (out.length > 0) {
            seen ??= new Set(out.map((o) => matchKey(o.match)));
            const key = matchKey(m);
            if (seen.has(key)) continue;
            seen.add(key);
          }
          out.push({ inPort: p, tagged: false, match: m, source: alt, inner: exactEthType(m) });
        }
        if (out.length > MAX_EXPANSION)
          return fail('eperm_flow', `the rule expands into more than ${MAX_EXPANSION} flowspace intersections`);
      }
    }
  }
  return { ok: true, value: out };
}

/** A tagged in-port's physical matches: `port` as the tenant names it, `phys` on the switch, `tag` carried. */
function taggedExpansions(ctx: SliceContext, tenant: FlowMatch, port: number, phys: number, tag: number): Expansion[] {
  const inPortMatch: FlowMatch = { in_port: { value: BigInt(phys) } };
  const tenantHere = tenant.in_port ? { ...tenant, in_port: inPortMatch.in_port } : tenant;
  if (ctx.view.overlay.type !== 'mpls') {
    const m = intersectMatches(intersectMatches(tenantHere, inPortMatch)!, tagMatch(ctx, tag));
    return m ? [{ inPort: port, tagged: true, match: m, tag }] : [];
  }
  const base = intersectMatches(intersectMatches(l2Only(tenantHere), inPortMatch)!, tagMatch(ctx, tag));
  if (!base) return [];
  return innerClasses(tenant).map(([ethType, tc]) => ({
    inPort: port,
    tagged: true,
    match: { ...base, mpls_tc: { value: BigInt(tc) } },
    inner: BigInt(ethType),
    tag,
  }));
}

/** A copy of `m` without its VLAN fields (not `delete`: that leaves a slow dictionary-mode object). */
function withoutVlan(m: FlowMatch): FlowMatch {
  const copy: FlowMatch = {};
  for (const k in m) if (k !== 'vlan_vid' && k !== 'vlan_pcp') copy[k as FieldName] = m[k as FieldName];
  return copy;
}

/** The first overlay field (OVERLAY_FIELD_LIST's order) the tenant may not match; `vlanAllowed`: its VLAN fields are not among them. */
function reservedField(m: FlowMatch, vlanAllowed: boolean): FieldName | null {
  if (!vlanAllowed && m.vlan_vid) return 'vlan_vid';
  if (!vlanAllowed && m.vlan_pcp) return 'vlan_pcp';
  if (m.mpls_label) return 'mpls_label';
  if (m.mpls_tc) return 'mpls_tc';
  return m.mpls_bos ? 'mpls_bos' : null;
}

/** "No VLAN" (what a VLAN-overlay slice's edge rules match): one shared field value. */
const NO_VLAN = { value: 0n } as const;

/**
 * A copy of `m` with vlan_vid "no VLAN", built field by field into a fresh object (an object
 * spread of a dozen fields may give a slow dictionary-mode object, which every writer then reads).
 */
function withNoVlan(m: FlowMatch): FlowMatch {
  const out: FlowMatch = {};
  for (const k in m) out[k as FieldName] = m[k as FieldName];
  out.vlan_vid = NO_VLAN;
  return out;
}

/**
 * Whether intersecting the match with a constraint it lies inside gives the match itself: every
 * masked field in normal form (neither all nor no bits, no value bits outside the mask), as
 * normField leaves it. Exact fields always are.
 */
function isNormalized(m: FlowMatch): boolean {
  for (const k in m) {
    const fv = m[k as keyof FlowMatch]!;
    if (fv.mask === undefined) continue;
    const full = fullMask(k as FieldName);
    if (fv.mask === 0n || fv.mask === full || (fv.mask & full) !== fv.mask || (fv.value & ~fv.mask) !== 0n) return false;
  }
  return true;
}

/** The [ethertype, traffic class] pairs an MPLS slice's match covers: its eth_type's, or all carried ones. */
function innerClasses(m: FlowMatch): ReadonlyArray<readonly [number, number]> {
  const t = m.eth_type;
  if (!t) return MPLS_INNER_CLASSES;
  if (t.mask !== undefined) return MPLS_INNER_CLASSES.filter(([e]) => (BigInt(e) & t.mask!) === (t.value & t.mask!));
  const tc = mplsClassOf(Number(t.value));
  return tc === null ? [] : [[Number(t.value), tc]];
}

/** The ethertype a match names exactly (a masked one names no single ethertype to push or pop). */
function exactEthType(m: FlowMatch): bigint | undefined {
  return m.eth_type && m.eth_type.mask === undefined ? m.eth_type.value : undefined;
}

function l2Only(m: FlowMatch): FlowMatch {
  const out: FlowMatch = {};
  if (m.in_port) out.in_port = m.in_port;
  if (m.eth_src) out.eth_src = m.eth_src;
  if (m.eth_dst) out.eth_dst = m.eth_dst;
  if (m.vlan_vid) out.vlan_vid = m.vlan_vid;
  if (m.vlan_pcp) out.vlan_pcp = m.vlan_pcp;
  return out;
}

export { matchKey };

/** The slice's meter for a flow with these (rewritten) actions: its tightest output port's, or none. */
function flowMeter(ctx: SliceContext, acts: Action[], inPort: number): number | null {
  const v = ctx.view;
  if (v.meterRateKbps === null && !hasKeys(v.portLimitsKbps)) return null;
  const ports: number[] = [];
  for (const a of acts) {
    if (a.type !== 'output') continue;
    if (a.port < OFPP.MAX) ports.push(a.port);
    else if (a.port === OFPP.IN_PORT) ports.push(inPort);
  }
  return tightestPortMeter(v.index, ports, (p) => portMeterRateKbps(v.meterRateKbps, v.portLimitsKbps, p))?.meterId ?? null;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Rewrites a tenant flow-mod into the physical flow-mods for the switch. */
export function rewriteFlowMod(ctx: SliceContext, fm: FlowMod, cookie: bigint): Rewrite<FlowMod[]> {
  const isDelete = fm.command === FC.DELETE || fm.command === FC.DELETE_STRICT;
  if (!isDelete && fm.tableId !== 0) return fail('eperm_flow', `table ${fm.tableId}: slices use table 0 only`);
  // Flatten instructions: actions (apply then write) are all we accept. The usual one apply list
  // is used as it is (the rewrite only reads it).
  const only = fm.instructions.length === 1 ? fm.instructions[0]! : undefined;
  let actions: Action[];
  if (only && (only.type === 'apply_actions' || only.type === 'write_actions')) actions = only.actions;
  else {
    actions = [];
    for (const ins of fm.instructions) {
      if (ins.type === 'apply_actions' || ins.type === 'write_actions') pushAll(actions, ins.actions);
      else if (ins.type === 'clear_actions') continue;
      else return fail('eperm_flow', `instruction ${ins.type} is not available to slices`);
    }
  }
  if (!isDelete) {
    const chk = checkActions(ctx, actions, false);
    if (!chk.ok) return chk;
  }
  const expandedAll = expandMatch(ctx, fm.match);
  if (!expandedAll.ok) return expandedAll;
  const expanded = isDelete ? expandedAll : confineExpansions(ctx, actions, expandedAll.value);
  if (!expanded.ok) return expanded;
  if (expanded.value.length === 0) {
    if (isDelete) return { ok: true, value: [] };
    return fail('eperm_flow', "the rule does not intersect the slice's writable flowspace");
  }
  let outPort = fm.outPort;
  if (isDelete && outPort !== OFPP.ANY && outPort < OFPP.MAX && !isSlicePort(ctx, outPort)) return { ok: true, value: [] };
  if (outPort >= OFPP.MAX && outPort !== OFPP.ANY) outPort = OFPP.ANY;
  const mods: FlowMod[] = [];
  for (const e of expanded.value) {
    const instructions: Instruction[] = [];
    if (!isDelete) {
      // The inner ethertype for an MPLS push or pop is the expansion's (a link-port rule matches 0x8847).
      const acts = rewriteActions(
        ctx,
        actions,
        e.inPort,
        e.tagged,
        classQueue(ctx, e.match),
        e.inner ?? exactEthType(fm.match),
        e.table === SECOND_TABLE,
        e.tag,
      );
      const meterId = ctx.meters ? flowMeter(ctx, acts, e.inPort) : null;
      if (meterId !== null) instructions.push({ type: 'meter', meterId });
      if (acts.length) instructions.push({ type: 'apply_actions', actions: acts });
    }
    // Built field by field (no spread of the tenant's message): this runs for every flow-mod.
    mods.push({
      cookie: isDelete ? sliceCookie(ctx.view.index, 0) : cookie,
      cookieMask: isDelete || fm.command === FC.MODIFY || fm.command === FC.MODIFY_STRICT ? SLICE_COOKIE_MASK : 0n,
      tableId: e.table ?? 0,
      command: fm.command,
      idleTimeout: fm.idleTimeout,
      hardTimeout: fm.hardTimeout,
      priority: mapPriority(fm.priority),
      bufferId: OFP_NO_BUFFER,
      outPort,
      outGroup: OFPG_ANY,
      // Always ask for flow-removed: the proxy counts the slice's entries. Flag 0x4 is cleared in
      // both versions (1.3 RESET_COUNTS, 1.0 EMERG: OFPFF10.EMERG has the same value).
      flags: isDelete ? fm.flags : (fm.flags | OFPFF13.SEND_FLOW_REM) & ~OFPFF13.RESET_COUNTS,
      match: e.match,
      instructions,
    });
  }
  return { ok: true, value: mods };
}

/**
 * A flow-mod's expansions narrowed exactly to the packets whose transformed copies stay in the
 * slice at every output (confine.ts); refused when no packet of the rule would. Under an MPLS
 * overlay a link port's rule sees only L2 fields and the label: it is not narrowed (see
 * docs/security.md, "Tenant messages").
 */
function confineExpansions(ctx: SliceContext, actions: Action[], expansions: Expansion[]): Rewrite<Expansion[]> {
  let out: Expansion[] | null = null;
  let why: string | undefined;
  for (let i = 0; i < expansions.length; i++) {
    const e = expansions[i]!;
    if (e.tagged && ctx.view.overlay.type === 'mpls') {
      out?.push(e);
      continue;
    }
    // The usual rule (outputs inside its own alternative): as it is, without narrowRule's answer objects.
    if (staysAsIs(ctx, actions, e)) {
      out?.push(e);
      continue;
    }
    const r = narrowRule(ctx, actions, e, MAX_EXPANSION);
    if (!r.ok) return fail('eperm_flow', r.reason);
    if (r.value.length === 1 && r.value[0] === e.match) {
      out?.push(e);
      continue;
    }
    out ??= expansions.slice(0, i);
    why ??= r.why;
    for (const match of r.value) out.push({ inPort: e.inPort, tagged: e.tagged, match, inner: e.inner, table: e.table, tag: e.tag });
    if (out.length > MAX_EXPANSION) return fail('eperm_flow', `the rule expands into more than ${MAX_EXPANSION} flowspace intersections`);
  }
  if (out === null) return { ok: true, value: expansions };
  if (out.length === 0 && expansions.length > 0) return fail('eperm_action', why ?? 'the packets would leave the slice');
  return { ok: true, value: out };
}

const ETH_TAGS = new Set([0x8100, 0x88a8, 0x9100, 0x8847, 0x8848]);
const VLAN_TAGS = new Set([0x8100, 0x88a8]);

/** Whether a frame carries a VLAN or MPLS header (what overlays use). */
export function carriesTag(data: Buffer): boolean {
  return data.length >= 14 && ETH_TAGS.has(data.readUInt16BE(12));
}

/**
 * Whether a tagged frame may still be sent: only a customer VLAN tag (802.1Q/802.1ad) on an
 * MPLS-overlay slice, whose label goes outside the customer's tags (its VLAN slicing,
 * docs/dataplane.md). The frame is then classified at its in-port and checked at its outputs like
 * any other (confine.ts), so at an edge port its vlan_vid must be in the slice's flowspace.
 */
function customerTagAllowed(ctx: SliceContext, data: Buffer): boolean {
  return ctx.view.overlay.type === 'mpls' && data.length >= 18 && VLAN_TAGS.has(data.readUInt16BE(12));
}

/**
 * Rewrites a tenant packet-out's actions (the data is untagged: tenants never see tags). The
 * frame (or, buffered, the packets the slice may have been given at the in-port) is checked as a
 * transformation of packets (confine.ts). OUTPUT CONTROLLER is not sent to the switch: the
 * session returns the frame to the slice's own controller (`returnsToController`), so it is
 * dropped from the result.
 */
export function rewritePacketOut(ctx: SliceContext, inPort: number, actions: Action[], data: Buffer, bufferId: number): Rewrite<Action[]> {
  const special = inPort === OFPP.CONTROLLER || inPort === OFPP.ANY || inPort === OFPP.LOCAL;
  if (!special && !isSlicePort(ctx, inPort)) return fail('eperm_request', `packet-out in_port ${inPort} outside the slice`);
  const chk = checkActions(ctx, actions, !special);
  if (!chk.ok) return chk;
  const physIn = special ? null : inPort;
  if (physIn !== null && isLinkPort(ctx, physIn) && actions.some((a) => a.type === 'output' && a.port === OFPP.TABLE)) {
    return fail('eperm_action', 'output to TABLE from a link port is not available to slices');
  }
  const buffered = bufferId !== OFP_NO_BUFFER;
  const toController = returnsToController(actions);
  if (toController !== null) {
    if (buffered) return fail('eperm_action', 'OUTPUT CONTROLLER in a buffered packet-out: send the frame itself');
    if (toController === 'rewritten')
      return fail('eperm_action', 'set_field before OUTPUT CONTROLLER in a packet-out: the frame returns unchanged');
  }
  if (!buffered && carriesTag(data) && !customerTagAllowed(ctx, data))
    return fail('eperm_request', 'the frame carries a VLAN or MPLS header: tags belong to the overlay');
  const confined = buffered ? checkBuffered(ctx, actions, physIn) : checkFrame(ctx, data, actions, physIn);
  if (!confined.ok) return fail(buffered || confined.reason.startsWith('the packets') ? 'eperm_action' : 'eperm_request', confined.reason);
  const acts = toController === null ? actions : actions.filter((a) => a.type !== 'output' || a.port !== OFPP.CONTROLLER);
  // The data's ethertype: an MPLS overlay carries it in the label it pushes.
  const inner = buffered || ctx.view.overlay.type !== 'mpls' ? undefined : innerEthType(data);
  return { ok: true, value: rewriteActions(ctx, acts, physIn, false, null, inner === undefined ? undefined : BigInt(inner)) };
}

/** Whether a packet-out's actions send the frame to the controller: null (no), 'plain', or 'rewritten' (after a set_field). */
export function returnsToController(actions: readonly Action[]): null | 'plain' | 'rewritten' {
  let written = false;
  for (const a of actions) {
    if (a.type === 'set_field') written = true;
    else if (a.type === 'output' && a.port === OFPP.CONTROLLER) return written ? 'rewritten' : 'plain';
  }
  return null;
}
