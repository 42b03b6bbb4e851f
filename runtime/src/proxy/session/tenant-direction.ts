// Tenant → switch: what a slice's controller sends through one switch session. The proxy answers
// as the slice's virtual switch (features, config, roles), rewrites flow-mods into the slice's
// flowspace (limits checked, the slice's flow table kept) and packet-outs onto its ports,
// forwards barriers and statistics requests, and refuses everything else with an OpenFlow error.
// Flow-mods and packet-outs sent on are remembered in the tracker's ring for the switch's errors.
// A buffer id in a flow-mod or packet-out is accepted only from the slice its packet-in was
// delivered to, once (BufferOwners); anything else is refused with BAD_REQUEST/BUFFER_UNKNOWN.
import type { Action, FlowMod, MessageOf, OfMessage, OfVersion } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFPFC as FC, OFP_NO_BUFFER as NO_BUFFER, OFPP13 as OFPP } from '../../openflow/constants.js';
import { sliceCookie } from '../../dataplane/cookies.js';
import { expandMatch, rewriteFlowMod, rewritePacketOut } from '../rewrite.js';
import { innerEthType } from '../../dataplane/mpls-ethertypes.js';
import { ruleKey } from '../flow-table.js';
import { missEmulationRule } from '../base-rules.js';
import type { Binding, SessionContext } from './context.js';
import type { Mastership } from './mastership.js';
import type { Statistics } from './statistics.js';

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
  }

  private flowMod(b: Binding, m: MessageOf<'flow_mod'>, raw: Buffer): void {
    const s = this.s;
    const c = s.counters(b);
    const isDelete = m.command === FC.DELETE || m.command === FC.DELETE_STRICT;
    const key = isDelete ? '' : ruleKey(m.match, m.matchKey);
    const existing = isDelete ? undefined : b.table.existing(m.match, m.priority, key);
    const cookie = existing?.cookie ?? sliceCookie(b.view.index, this.mastership.nextRuleNumber());
    // OpenFlow applies a buffer to an added or modified flow's actions; deletes ignore it.
    const buffered = m.bufferId !== NO_BUFFER && !isDelete;
    if (buffered && s.buffers.use(m.bufferId, b.view.index, false) === null) {
      c.flowModsRejected++;
      s.refuse(b, m, 'buffer_unknown', `buffer ${m.bufferId} was not delivered to this slice (or has expired)`, raw);
      return;
    }
    const r = rewriteFlowMod(b.ctx, m, cookie);
    if (!r.ok) {
      c.flowModsRejected++;
      s.refuse(b, m, r.error, r.reason, raw);
      return;
    }
    if (m.command === FC.ADD) {
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
      b.table.add(
        {
          cookie,
          tenantCookie: m.cookie,
          match: m.match,
          priority: m.priority,
          flags: m.flags,
          idleTimeout: m.idleTimeout,
          hardTimeout: m.hardTimeout,
          instructions: m.instructions,
        },
        r.value,
        key,
      );
      c.flowEntries += delta;
    } else if (isDelete) {
      const before = b.table.entries;
      b.table.markDeleted(m.match, m.priority, m.command === FC.DELETE_STRICT);
      c.flowEntries -= before - b.table.entries;
    }
    c.flowModsAccepted++;
    if (buffered) withBuffer(r.value, m.bufferId, s.buffers.use(m.bufferId, b.view.index, true)!);
    for (const fm of r.value) {
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

  private packetOut(b: Binding, m: MessageOf<'packet_out'>, raw: Buffer): void {
    const s = this.s;
    const c = s.counters(b);
    // The data's ethertype: an MPLS overlay carries it in the label it pushes.
    const r = rewritePacketOut(b.ctx, m.inPort, m.actions, innerEthType(m.data));
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
    const inPort = m.inPort === OFPP.ANY ? OFPP.CONTROLLER : m.inPort;
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

/**
 * A buffered flow-mod's buffer goes on one of its physical rules (the switch applies that rule's
 * actions to the buffered packet): the one for the packet's in_port, else one without an in_port,
 * else the first. The others keep OFP_NO_BUFFER.
 */
function withBuffer(mods: FlowMod[], bufferId: number, inPort: number): void {
  if (mods.length === 0) return;
  const port = BigInt(inPort);
  const target = mods.find((fm) => fm.match.in_port?.value === port) ?? mods.find((fm) => fm.match.in_port === undefined) ?? mods[0]!;
  target.bufferId = bufferId;
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
