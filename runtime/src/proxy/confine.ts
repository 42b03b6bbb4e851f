// Tenant actions as transformations of packets (docs/security.md, "Tenant messages"): the
// packets a rule matches (already narrowed to the slice) or a packet-out's frame, after the
// set-fields that precede each output, must lie in the slice's flowspace at the place the output
// sends them: an edge port (explicit, IN_PORT, FLOOD/ALL) needs the slice's write flowspace
// there; CONTROLLER and TABLE (packet-outs) from an edge port need it at the in-port (where the
// packet-in is classified, where the table sees the packet). Link ports carry the
// slice's own overlay tag, so anything may go there. Flow-mods are narrowed exactly (the packets
// whose copies would leave no longer match); a packet-out's frame either stays or is refused.
// Pure functions over match-algebra boxes (frames judged on their summary where it suffices):
// no I/O, errors as values.
import type { Action, FieldName, FlowMatch } from './messages.js';
import { OFPP13 as OFPP } from '../openflow/constants.js';
import { intersectMatches, matchSubsumes } from './match-algebra.js';
import type { SliceOnSwitch } from './slice-views.js';
import type { PacketHeaders } from '../classifier/index.js';
import { parsePacket, summarizePacket } from './packet.js';
import { isLinkPort, rulesAt, slicePorts, type SliceContext } from './rewrite-context.js';

export type Confined<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The field values written by the set-fields seen so far (last one wins). */
type Writes = ReadonlyArray<readonly [FieldName, bigint]>;

/** One place the packets go, with the writes applied before they get there and what they must fit. */
interface Requirement {
  writes: Writes;
  alts: FlowMatch[];
  /** The output's port (a reserved one for CONTROLLER/TABLE) and, for IN_PORT/FLOOD/ALL, the physical port. */
  via: number;
  port: number;
}

function where(req: Requirement): string {
  if (req.via === OFPP.CONTROLLER || req.via === OFPP.TABLE) return `${portName(req.via)} at in_port ${req.port}`;
  return req.via === req.port ? `port ${req.port}` : `${portName(req.via)} (port ${req.port})`;
}

const altsCache = new WeakMap<SliceOnSwitch, { read: Map<number, FlowMatch[]>; write: Map<number, FlowMatch[]> }>();

/** The slice's flowspace alternatives at a port with a permission, indexed once per view. */
export function alternativesAt(view: SliceOnSwitch, port: number, need: 'read' | 'write'): FlowMatch[] {
  let index = altsCache.get(view);
  if (!index) {
    index = { read: new Map(), write: new Map() };
    altsCache.set(view, index);
  }
  const byPort = index[need];
  let alts = byPort.get(port);
  if (!alts) {
    alts = [];
    for (const r of rulesAt(view, port)) if (need === 'read' ? r.read : r.write) alts.push(...r.alternatives);
    byPort.set(port, alts);
  }
  return alts;
}

/** A box with the writes applied: each written field becomes exactly its value. */
export function applyWrites(box: FlowMatch, writes: Writes): FlowMatch {
  if (writes.length === 0) return box;
  const out: FlowMatch = { ...box };
  for (const [f, v] of writes) out[f] = { value: v };
  return out;
}

/**
 * The packets whose written copies fall in `alt`: `alt` without the written fields when every
 * written value satisfies `alt`'s constraint on its field, else nothing (null).
 */
export function preimage(alt: FlowMatch, writes: Writes): FlowMatch | null {
  if (writes.length === 0) return alt;
  const written = new Set<string>();
  for (const [f, v] of writes) {
    const c = alt[f];
    if (c && (c.mask === undefined ? v !== c.value : (v & c.mask) !== (c.value & c.mask))) return null;
    written.add(f);
  }
  const out: FlowMatch = {};
  for (const k in alt) if (!written.has(k)) out[k as FieldName] = alt[k as FieldName];
  return out;
}

function portName(p: number): string {
  switch (p) {
    case OFPP.IN_PORT:
      return 'IN_PORT';
    case OFPP.TABLE:
      return 'TABLE';
    case OFPP.CONTROLLER:
      return 'CONTROLLER';
    case OFPP.FLOOD:
      return 'FLOOD';
    case OFPP.ALL:
      return 'ALL';
    default:
      return `port ${p >>> 0}`;
  }
}

/**
 * The requirements of an action list for packets entering at `inPort` (null: a packet-out from
 * the controller, no location), tagged (a link port) or not. Outputs the rewrite drops (IN_PORT
 * without an in-port) and outputs to link ports require nothing.
 */
function requirements(ctx: SliceContext, actions: readonly Action[], inPort: number | null, tagged: boolean): Requirement[] {
  const view = ctx.view;
  const out: Requirement[] = [];
  let writes: Writes = [];
  const at = (port: number, via: number) => {
    if (isLinkPort(ctx, port)) return;
    out.push({ writes, alts: alternativesAt(view, port, 'write'), via, port });
  };
  for (const a of actions) {
    if (a.type === 'set_field') {
      writes = [...writes.filter(([f]) => f !== a.field), [a.field, a.value]];
      continue;
    }
    if (a.type !== 'output') continue;
    const p = a.port;
    if (p === OFPP.FLOOD || p === OFPP.ALL) {
      for (const q of slicePorts(ctx)) if (q !== inPort) at(q, p);
    } else if (p === OFPP.IN_PORT) {
      if (inPort !== null) at(inPort, p);
    } else if (p === OFPP.CONTROLLER || p === OFPP.TABLE) {
      // From a link port the packet goes back tagged and is classified by its tag; from the
      // controller (no in-port) CONTROLLER is answered locally and TABLE is refused earlier.
      if (tagged || inPort === null) continue;
      // Write flowspace (disjoint between slices): a packet-in classified by its headers (1.0)
      // reaches no other slice that controls those packets.
      out.push({ writes, alts: alternativesAt(view, inPort, 'write'), via: p, port: inPort });
    } else if (p < OFPP.MAX) {
      at(p, p);
    }
  }
  return out;
}

function fits(box: FlowMatch, req: Requirement, source: FlowMatch | undefined): boolean {
  // Hot path: no writes and the box came from an alternative the output's place shares.
  if (req.writes.length === 0 && source !== undefined && req.alts.includes(source)) return true;
  const t = applyWrites(box, req.writes);
  for (const alt of req.alts) if (matchSubsumes(alt, t)) return true;
  return false;
}

function leaves(req: Requirement, slice: string): string {
  const w = req.writes.length ? ` after set_field ${req.writes.map(([f]) => f).join(', ')}` : '';
  return `the packets would leave slice ${slice}${w}: output to ${where(req)} is outside its flowspace there`;
}

/**
 * The hot path, without allocating: no set-field, and every output goes to a link port, back to
 * the in-port (IN_PORT, CONTROLLER) or to an edge port whose write flowspace holds the very
 * alternative the rule was built from. FLOOD/ALL and everything else take the general path.
 */
export function staysAsIs(
  ctx: SliceContext,
  actions: readonly Action[],
  e: { inPort: number; tagged: boolean; source?: FlowMatch },
): boolean {
  if (e.source === undefined || e.tagged) return false;
  for (const a of actions) {
    if (a.type === 'set_field') return false;
    if (a.type !== 'output') continue;
    const p = a.port;
    if (p === OFPP.IN_PORT || p === OFPP.CONTROLLER || p === e.inPort || isLinkPort(ctx, p)) continue;
    if (p >= OFPP.MAX || !alternativesAt(ctx.view, p, 'write').includes(e.source)) return false;
  }
  return true;
}

/**
 * A flow-mod's physical match narrowed exactly: the boxes (subsets of `match`) whose packets,
 * transformed by the actions, stay in the slice at every place they are sent. An empty list
 * means none do; `source` is the flowspace alternative the match came from (the hot path).
 */
export function narrowRule(
  ctx: SliceContext,
  actions: readonly Action[],
  e: { inPort: number; tagged: boolean; match: FlowMatch; source?: FlowMatch },
  maxBoxes: number,
): Confined<FlowMatch[]> & { why?: string } {
  if (staysAsIs(ctx, actions, e)) return { ok: true, value: [e.match] };
  const reqs = requirements(ctx, actions, e.inPort, e.tagged);
  let boxes = [e.match];
  for (const req of reqs) {
    let next: FlowMatch[] | null = null;
    for (let i = 0; i < boxes.length; i++) {
      const b = boxes[i]!;
      if (fits(b, req, i === 0 && boxes.length === 1 ? e.source : undefined)) {
        next?.push(b);
        continue;
      }
      next ??= boxes.slice(0, i);
      for (const alt of req.alts) {
        const pre = preimage(alt, req.writes);
        const x = pre && intersectMatches(b, pre);
        if (x) next.push(x);
      }
    }
    if (next === null) continue;
    boxes = next;
    if (boxes.length === 0) return { ok: true, value: [], why: leaves(req, ctx.view.slice) };
    if (boxes.length > maxBoxes) return { ok: false, reason: `the rule narrows into more than ${maxBoxes} rules` };
  }
  return { ok: true, value: boxes };
}

/** Fields summarizePacket gives as plain numbers (VLAN fields are not: tagged frames are refused before). */
const SUMMARY_FIELDS = new Set([
  'eth_dst',
  'eth_src',
  'eth_type',
  'ip_dscp',
  'ip_proto',
  'ipv4_src',
  'ipv4_dst',
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
]);

/**
 * Is the frame in one of the alternatives, judged on its summary (numbers, no parse)? null when an
 * alternative constrains a field the summary does not carry (the caller parses the frame then).
 */
function summaryIn(alts: readonly FlowMatch[], h: PacketHeaders): boolean | null {
  const hit = summaryHit(alts, h);
  return hit === undefined ? null : hit !== null;
}

/** The first alternative holding the frame (by its summary); null: none; undefined: the summary does not tell. */
function summaryHit(alts: readonly FlowMatch[], h: PacketHeaders): FlowMatch | null | undefined {
  next: for (const alt of alts) {
    for (const k in alt) {
      const c = alt[k as FieldName]!;
      if (!SUMMARY_FIELDS.has(k)) return undefined;
      const v = h[k as keyof PacketHeaders];
      if (v === undefined) continue next;
      if (typeof v !== 'number') return undefined;
      if (c.mask === undefined ? BigInt(v) !== c.value : (BigInt(v) & c.mask) !== (c.value & c.mask)) continue next;
    }
    return alt;
  }
  return null;
}

/**
 * A packet-out's frame at `inPort` (null: from the controller): it must belong to the slice
 * there (write flowspace at an edge in-port), and its transformed copies must stay in the slice
 * at every place they are sent. The frame is parsed into match fields only when a set-field or
 * the flowspace needs more than its summary.
 */
export function checkFrame(ctx: SliceContext, data: Buffer, actions: readonly Action[], inPort: number | null): Confined<null> {
  const tagged = inPort !== null && isLinkPort(ctx, inPort);
  const summary = summarizePacket(data).headers;
  let fields: FlowMatch | undefined;
  const parsed = () => (fields ??= parsePacket(data).fields);
  const member = (alts: readonly FlowMatch[]) => summaryIn(alts, summary) ?? alts.some((alt) => matchSubsumes(alt, parsed()));
  if (inPort !== null && !tagged) {
    const alts = alternativesAt(ctx.view, inPort, 'write');
    const hit = summaryHit(alts, summary);
    if (hit === null || (hit === undefined && !alts.some((alt) => matchSubsumes(alt, parsed()))))
      return { ok: false, reason: `the packet-out's frame at in_port ${inPort} is not in slice ${ctx.view.slice}'s flowspace there` };
    // Hot path: no set-field, outputs to ports whose flowspace holds the same alternative.
    if (hit && staysAsIs(ctx, actions, { inPort, tagged: false, source: hit })) return { ok: true, value: null };
  }
  for (const req of requirements(ctx, actions, inPort, tagged)) {
    const ok = req.writes.length === 0 ? member(req.alts) : fits(parsed(), req, undefined);
    if (!ok) return { ok: false, reason: leaves(req, ctx.view.slice) };
  }
  return { ok: true, value: null };
}

/**
 * A buffered packet-out (no frame): the buffered packet was delivered to this slice by a
 * packet-in at `inPort`, so it lies in the slice's read flowspace there; every one of those
 * packets, transformed, must stay in the slice (no narrowing is possible for one packet).
 */
export function checkBuffered(ctx: SliceContext, actions: readonly Action[], inPort: number | null): Confined<null> {
  const tagged = inPort !== null && isLinkPort(ctx, inPort);
  const boxes = inPort === null || tagged ? [{}] : alternativesAt(ctx.view, inPort, 'read');
  for (const req of requirements(ctx, actions, inPort, tagged))
    for (const b of boxes) if (!fits(b, req, undefined)) return { ok: false, reason: leaves(req, ctx.view.slice) };
  return { ok: true, value: null };
}
