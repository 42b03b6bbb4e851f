// Tenant → switch: what a slice's controller sends through one switch session. The proxy answers
// as the slice's virtual switch (features, config, roles), rewrites flow-mods into the slice's
// flowspace (limits checked, the slice's flow table kept) and packet-outs onto its ports,
// forwards barriers and statistics requests, and refuses everything else with an OpenFlow error.
// Flow-mods and packet-outs sent on are remembered in the tracker's ring for the switch's errors.
// A buffer id in a flow-mod or packet-out is accepted only from the slice its packet-in was
// delivered to, once (BufferOwners); anything else is refused with BAD_REQUEST/BUFFER_UNKNOWN.
// A packet-out's OUTPUT CONTROLLER is answered here: the frame goes back to the same slice.
import type { Action, FlowMod, MessageOf, OfMessage, OfVersion } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFPFC as FC, OFPG_ANY, OFP_NO_BUFFER as NO_BUFFER, OFPP13 as OFPP, OFPTT_ALL } from '../../openflow/constants.js';
import { NO_COOKIE, SLICE_COOKIE_MASK, sliceCookie } from '../../dataplane/cookies.js';

/** OFPR_ACTION: the packet-in reason for an explicit output to the controller (both versions). */
const OFPR_ACTION = 1;
import { expandMatch, returnsToController, rewriteFlowMod, rewritePacketOut } from '../rewrite.js';
import { virtualPortAt } from '../virtual-ports.js';
import { outputsTo, ruleOfFlowMod, type FlowSelection, type TenantRule } from '../flow-table.js';
import { flowModKey } from '../frame-key.js';
import { missEmulationRule } from '../base-rules.js';
import type { Binding, SessionContext } from './context.js';
import { NO_HOLD } from './buffer-owners.js';
import type { Mastership } from './mastership.js';
import type { Statistics } from './statistics.js';

/** An add selects no rules (shared: no array per flow-mod). */
const NO_HITS: readonly TenantRule[] = Object.freeze([]);

export class TenantDirection {
  constructor(
    private readonly s: SessionContext,
    private readonly mastership: Mastership,
    private readonly stats: Statistics,
  ) {}

  fromTenant(b: Binding, m: OfMessage, raw: Buffer): void {
    const s = this.s;
    if (b.control && !b.control.take()) {
      s.counters(b).controlRateDrops++;
      s.refuse(b, m, 'eperm_request', 'control_rate exceeded', raw);
      return;
    }
    switch (m.type) {
      case 'features_request':
        s.toTenant(b, {
          type: 'features_reply',
          xid: m.xid,
          dpid: s.dpidValue,
          nBuffers: 0,
          nTables: 1,
          auxiliaryId: 0,
          capabilities: s.capabilities & 0x4f,
          actions: 0xfff,
          ports: m.version === OFP13 ? [] : s.slicePorts(b),
        });
        return;
      case 'get_config_request':
        s.toTenant(b, { type: 'get_config_reply', xid: m.xid, flags: 0, missSendLen: b.missSendLen });
        return;
      case 'set_config':
        b.missSendLen = m.missSendLen;
        return;
      case 'barrier_request':
        s.request({ type: 'barrier_request' }, b, 'barrier_reply', {
          reply: () => s.toTenant(b, { type: 'barrier_reply', xid: m.xid }),
          error: (e) => {
            s.toTenant(b, { type: 'error', xid: m.xid, errType: e.errType, code: e.code, data: e.data });
            s.counters(b).errorsSent++;
          },
        });
        return;
      case 'role_request':
        s.toTenant(b, { type: 'role_reply', xid: m.xid, role: m.role, generationId: m.generationId });
        return;
      case 'echo_reply':
      case 'hello':
      case 'error':
        return;
      case 'multipart_request':
        this.stats.tenantRequest(b, m, raw);
        return;
      case 'flow_mod':
        this.flowMod(b, m, raw);
        return;
      case 'packet_out':
        this.packetOut(b, m, raw);
        return;
      default:
        s.refuse(b, m, m.type === 'other' ? 'bad_type' : 'eperm_request', `${m.type} is not available to slices`, raw);
    }
  }

  /** A controller connected: OpenFlow 1.0 sends table misses to the controller, emulated with a lowest-priority rule. */
  ready(b: Binding, v: OfVersion): void {
    if (v === OFP13) return;
    const r = expandMatch(b.ctx, {}, 'read');
    if (!r.ok) return;
    for (const e of r.value) this.s.send({ type: 'flow_mod', ...missEmulationRule(b.view.index, e.match) });
    this.s.capacity.measure();
  }

  private flowMod(b: Binding, m: MessageOf<'flow_mod'>, raw: Buffer): void {
    const s = this.s;
    const c = s.counters(b);
    const before = b.table.entries;
    b.table.sweep(); // hard timeouts that ended free their entries before any limit check
    c.flowEntries += b.table.entries - before;
    const isDelete = m.command === FC.DELETE || m.command === FC.DELETE_STRICT;
    const isModify = m.command === FC.MODIFY || m.command === FC.MODIFY_STRICT;
    const key = isDelete && m.command !== FC.DELETE_STRICT ? '' : flowModKey(m, raw);
    // What a modify or delete selects, by OpenFlow's rules over the slice's table (its own terms).
    const hits: readonly TenantRule[] = isDelete || isModify ? b.table.select(selectionOf(m, key)) : NO_HITS;
    // OpenFlow 1.0: a modify that selects nothing acts as an ADD (1.3: it does nothing).
    const asAdd = m.command === FC.ADD || (isModify && hits.length === 0 && m.version !== OFP13);
    const existing = asAdd ? b.table.existing(m.match, m.priority, key) : undefined;
    const cookie = asAdd ? (existing?.cookie ?? sliceCookie(b.view.index, this.mastership.nextRuleNumber())) : 0n;
    // OpenFlow applies a buffer to an added or modified flow's actions; deletes ignore it.
    // One look-up: its handle stays valid until the buffer is taken below (nothing in between
    // changes the session's buffer table).
    const buffered = m.bufferId !== NO_BUFFER && !isDelete;
    const held = buffered ? s.buffers.lookup(m.bufferId, b.view.index) : NO_HOLD;
    if (buffered && held === NO_HOLD) {
      c.flowModsRejected++;
      s.refuse(b, m, 'buffer_unknown', `buffer ${m.bufferId} was not delivered to this slice (or has expired)`, raw);
      return;
    }
    const r = rewriteFlowMod(b.ctx, asAdd && m.command !== FC.ADD ? { ...m, command: FC.ADD, cookieMask: 0n } : m, cookie);
    if (!r.ok) {
      c.flowModsRejected++;
      s.refuse(b, m, r.error, r.reason, raw);
      return;
    }
    let out: FlowMod[];
    if (asAdd) {
      const delta = r.value.length - (existing?.physical ?? 0);
      const perSwitch = b.view.limits.flowEntriesSwitch;
      const total = b.view.limits.flowEntriesTotal;
      if (
        (perSwitch !== null && b.table.entries + delta > perSwitch) ||
        (total !== null && s.host.totalEntries(b.view.slice) + delta > total)
      ) {
        c.flowModsRejected++;
        s.refuse(b, m, 'table_full', `flow_entries limit reached (${b.table.entries} on this switch)`, raw);
        return;
      }
      if (s.capacity.full(delta)) {
        // The switch's table 0, shared by the slices on it, has no room left (table-capacity.ts).
        c.flowModsRejected++;
        s.refuse(b, m, 'table_full', `switch table full (${s.capacity.tenantRules()} tenant rules, room ${s.capacity.room()})`, raw);
        return;
      }
      b.table.add(ruleOfFlowMod(m, cookie), r.value, key);
      c.flowEntries += delta;
      out = r.value;
    } else if (isDelete) {
      // Exactly the selected rules' physical rules go (by their own cookies on 1.3).
      out = [];
      for (const h of hits) out.push(...this.physicalDeletes(b, h));
      const was = b.table.entries;
      b.table.delete(hits);
      c.flowEntries -= was - b.table.entries;
    } else {
      // Each selected rule's physical rules get the new actions, strictly, under its own cookie.
      out = [];
      for (const h of hits) {
        const mr = rewriteFlowMod(b.ctx, { ...m, command: FC.MODIFY_STRICT, match: h.match, priority: h.priority }, h.cookie);
        if (!mr.ok) continue;
        for (const fm of mr.value) fm.cookieMask = ALL_ONES;
        out.push(...mr.value);
        b.table.modified(h, m.instructions, m.version === OFP13 ? undefined : m.cookie);
      }
    }
    c.flowModsAccepted++;
    if (held !== NO_HOLD && out.length) withBuffer(out, m.bufferId, s.buffers.take(held));
    for (const fm of out) {
      const xid = s.channel.xid();
      s.requests.rememberTenant(xid, b, m.xid);
      // The rewrite's fresh object becomes the message (no copy per physical rule).
      const msg = fm as MessageOf<'flow_mod'>;
      msg.type = 'flow_mod';
      msg.version = s.version!;
      msg.xid = xid;
      const err = s.channel.send(msg);
      if (err) {
        s.refuse(b, m, 'eperm_flow', err, raw);
        return;
      }
    }
  }

  /**
   * OpenFlow 1.0 edges (no groups, managed core): the path of virtual port `port` now leaves by
   * another physical port, so the slice's rules that output to it are written again (MODIFY_STRICT
   * of each physical rule, same cookie, the rewrite's output now the path's port). The rules rewritten.
   */
  rewriteVirtualOutputs(b: Binding, port: number): number {
    const s = this.s;
    let n = 0;
    for (const h of b.table.rules()) {
      if (h.deleted || !outputsTo(h.instructions, port)) continue;
      const fm: FlowMod = {
        cookie: h.tenantCookie,
        cookieMask: 0n,
        tableId: 0,
        command: FC.MODIFY_STRICT,
        idleTimeout: h.idleTimeout,
        hardTimeout: h.hardTimeout,
        priority: h.priority,
        bufferId: NO_BUFFER,
        outPort: OFPP.ANY,
        outGroup: OFPG_ANY,
        flags: h.flags,
        match: h.match,
        instructions: h.instructions,
      };
      const r = rewriteFlowMod(b.ctx, fm, h.cookie);
      if (!r.ok) continue;
      for (const m of r.value) s.send({ type: 'flow_mod', ...m });
      n++;
    }
    return n;
  }

  /**
   * Removes every tenant rule of the slice from this switch (a pause with its rules removed): the
   * table forgets them and, where this node programs the switch, the switch deletes them (1.3:
   * one delete by the slice's cookie prefix, rules the table lost track of included; 1.0: each
   * rule's physical rules strictly). Base rules, ids and the binding stay. The rules removed.
   */
  removeAll(b: Binding): number {
    const s = this.s;
    const rules = b.table.rules();
    if (this.mastership.mayProgram && s.ready && !s.channel.closed) {
      const out: FlowMod[] =
        s.version === OFP13
          ? [cookieDelete(sliceCookie(b.view.index, 0), SLICE_COOKIE_MASK)]
          : rules.flatMap((r) => this.physicalDeletes(b, r));
      for (const fm of out) s.send({ type: 'flow_mod', ...fm });
    }
    const was = b.table.entries;
    b.table.delete(rules);
    s.counters(b).flowEntries -= was - b.table.entries;
    return rules.length;
  }

  /**
   * The switch commands that delete one tenant rule's physical rules and nothing else: on 1.3 one
   * delete by its cookie; on 1.0 (no cookie masks) one strict delete per physical match.
   */
  private physicalDeletes(b: Binding, h: TenantRule): FlowMod[] {
    if (this.s.version === OFP13) return [cookieDelete(h.cookie, ALL_ONES)];
    const r = rewriteFlowMod(
      b.ctx,
      {
        cookie: h.cookie,
        cookieMask: 0n,
        tableId: 0,
        command: FC.DELETE_STRICT,
        idleTimeout: 0,
        hardTimeout: 0,
        priority: h.priority,
        bufferId: NO_BUFFER,
        outPort: OFPP.ANY,
        outGroup: OFPG_ANY,
        flags: 0,
        match: h.match,
        instructions: [],
      },
      h.cookie,
    );
    return r.ok ? r.value : [];
  }

  private packetOut(b: Binding, m: MessageOf<'packet_out'>, raw: Buffer): void {
    const s = this.s;
    const c = s.counters(b);
    const r = rewritePacketOut(b.ctx, m.inPort, m.actions, m.data, m.bufferId);
    if (!r.ok) {
      c.packetOutsRejected++;
      s.refuse(b, m, r.error, r.reason, raw);
      return;
    }
    if (m.bufferId !== NO_BUFFER && s.buffers.use(m.bufferId, b.view.index, true) === null) {
      c.packetOutsRejected++;
      s.refuse(b, m, 'buffer_unknown', `buffer ${m.bufferId} was not delivered to this slice (or has expired)`, raw);
      return;
    }
    c.packetOuts++;
    // ANY, and a virtual port (no physical port of the switch: the frame comes from the controller).
    const inPort = m.inPort === OFPP.ANY || virtualPortAt(b.view.virtualPorts, m.inPort) ? OFPP.CONTROLLER : m.inPort;
    if (returnsToController(m.actions) !== null) {
      // OUTPUT CONTROLLER goes back to this slice alone, never through the switch (where the
      // packet-in would carry no slice's cookie and be classified by its headers).
      c.packetInsDelivered++;
      s.toTenant(b, {
        type: 'packet_in',
        xid: 0,
        bufferId: NO_BUFFER,
        totalLen: m.data.length,
        reason: OFPR_ACTION,
        tableId: 0,
        cookie: NO_COOKIE,
        match: { in_port: { value: BigInt(inPort) } },
        data: m.data,
      });
      if (r.value.length === 0) return;
    }
    const xid = s.channel.xid();
    s.requests.rememberTenant(xid, b, m.xid);
    if (m.version === s.version && inPort === m.inPort && sameActions(r.value, m.actions)) {
      // Nothing to rewrite (outputs to the slice's own edge ports): pass the bytes on, new xid.
      const copy = Buffer.from(raw);
      copy.writeUInt32BE(xid, 4);
      s.channel.sendRaw(copy);
      return;
    }
    const err = s.channel.send({
      type: 'packet_out',
      version: s.version!,
      xid,
      bufferId: m.bufferId,
      inPort,
      actions: r.value,
      data: m.data,
    });
    if (err) s.refuse(b, m, 'eperm_action', err, raw);
  }
}

const ALL_ONES = 0xffffffffffffffffn;

/** An OpenFlow 1.3 delete of the rules whose cookie matches `cookie` under `mask`, in every table (table 1: second-label rules). */
function cookieDelete(cookie: bigint, mask: bigint): FlowMod {
  return {
    cookie,
    cookieMask: mask,
    tableId: OFPTT_ALL,
    command: FC.DELETE,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0,
    bufferId: NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    match: {},
    instructions: [],
  };
}

/**
 * What a tenant's modify or delete selects: strictness, match, priority, the cookie under its mask
 * (1.3 only: 1.0 has no cookie mask), and for deletes out_port and (1.3) out_group.
 */
function selectionOf(m: MessageOf<'flow_mod'>, key: FlowSelection['key']): FlowSelection {
  const isDelete = m.command === FC.DELETE || m.command === FC.DELETE_STRICT;
  const v13 = m.version === OFP13;
  return {
    strict: m.command === FC.DELETE_STRICT || m.command === FC.MODIFY_STRICT,
    match: m.match,
    key,
    priority: m.priority,
    cookie: v13 ? m.cookie : 0n,
    cookieMask: v13 ? m.cookieMask : 0n,
    outPort: isDelete ? m.outPort : OFPP.ANY,
    outGroup: isDelete && v13 ? m.outGroup : OFPG_ANY,
  };
}

/**
 * A buffered flow-mod's buffer goes on one of its physical rules (the switch applies that rule's
 * actions to the buffered packet): the one for the packet's in_port, else one without an in_port,
 * else the first. The others keep OFP_NO_BUFFER.
 */
function withBuffer(mods: FlowMod[], bufferId: number, inPort: number): void {
  if (mods.length === 0) return;
  let target = mods.length === 1 ? mods[0] : undefined;
  let portless: FlowMod | undefined;
  for (let i = 0; target === undefined && i < mods.length; i++) {
    const p = mods[i]!.match.in_port;
    if (p === undefined) portless ??= mods[i];
    else if (Number(p.value) === inPort) target = mods[i];
  }
  (target ?? portless ?? mods[0]!).bufferId = bufferId;
}

function sameActions(a: readonly Action[], b: readonly Action[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!;
    if (x === y) continue;
    if (x.type !== 'output' || y.type !== 'output' || x.port !== y.port || x.maxLen !== y.maxLen) return false;
  }
  return true;
}
