// One physical switch connected to the proxy: the handshake, the base rules of the plan, one
// TenantLink per slice that sees the switch, and the per-direction message slicing.
import type { OfChannel, Logger } from './channel.js';
import { childLogger } from './channel.js';
import type { Action, Draft, ErrorKind, FlowMatch, FlowMod, FlowStats, MessageOf, MeterStats, OfMessage, OfVersion, Port, PortStats, QueueStats, Unversioned } from './messages.js';
import { errorCode, FC, FF_SEND_FLOW_REM, NO_BUFFER, OFP13, OFPP, ROLE, ROLE_REQUEST_FAILED } from './messages.js';
import { dpidHex, slicePortsOf, edgePortsOf, type PlanModel, type SliceOnSwitch } from './slice-model.js';
import { cookieSlice, expandMatch, mapPriority, rewriteFlowMod, rewritePacketOut, sliceCookie, SLICE_COOKIE_MASK, TENANT_BAND, type SliceContext } from './rewrite.js';
import { ruleKey, SliceFlowTable } from './flow-table.js';
import { TenantLink } from './tenant-link.js';
import { TokenBucket } from './rate.js';
import { parsePacket, stripVlan, summarizePacket } from './packet.js';
import type { SliceCounters } from './counters.js';
import { packetMatches, matchSubsumes } from './match.js';
import type { PacketHeaders } from '../classifier/index.js';
import { baseDropRule, hvSliceCookie, HV_COOKIE_PREFIX, sliceSetup, sliceTeardown, type MeterMod } from '../dataplane/base-rules.js';
/** OFPET_BAD_REQUEST / OFPBRC_IS_SLAVE: the switch refuses writes from a slave controller. */
const OFPET_BAD_REQUEST = 1;
const OFPBRC_IS_SLAVE = 10;

export interface SessionHost {
  log: Logger;
  counters(slice: string): SliceCounters;
  /** Entries of the slice over every switch (for the slice-wide flow_entries limit). */
  totalEntries(slice: string): number;
  sessionReady(s: SwitchSession): void;
  sessionClosed(s: SwitchSession): void;
  /**
   * Whether sessions wait for setRole before programming (several runtime nodes share the
   * switch). false: every session is master at once and programs the switch on connect.
   */
  arbitrated: boolean;
  /** Tenant stats polls are answered from a statistics snapshot younger than this; null: no cache. */
  statsCacheMs: number | null;
  /** Statistics requests this proxy sent to a switch (collection rounds and forwarded tenant polls). */
  statsRequestsSent(n: number): void;
  /** A tenant's flow/aggregate/port stats poll, answered from the cache or sent on to the switch. */
  tenantPoll(answered: 'cache' | 'switch'): void;
  /** A flow entry of a slice (tenant rule or base rule) left the switch, with its final counters. */
  flowRemoved?(e: RemovedFlow): void;
}

/** A removed flow entry's final counters; `key` pairs it with its line in the flow statistics. */
export interface RemovedFlow { dpid: string; cookie: bigint; key: string; packetCount: bigint; byteCount: bigint; at: number }

/** The identity of a physical flow entry: cookie, priority and match (field order ignored). */
export function flowKey(cookie: bigint, priority: number, match: FlowMatch): string {
  const fields = Object.keys(match).sort().map((k) => {
    const f = (match as Record<string, { value: unknown; mask?: unknown } | undefined>)[k];
    return `${k}=${String(f?.value)}/${f?.mask === undefined ? '' : String(f.mask)}`;
  });
  return `${cookie.toString(16)}|${priority}|${fields.join(',')}`;
}

/** This node's role for a switch: 'pending' until the arbiter decides (arbitrated proxies only). */
export type SessionRole = 'master' | 'slave' | 'pending';

/** One statistics round's answers (flow, port, queue and, on 1.3, meter statistics). */
export interface SessionStats {
  at: number;
  flows: FlowStats[];
  ports: PortStats[];
  meters: MeterStats[];
  queues: QueueStats[];
}

interface Collect { acc: SessionStats; outstanding: number; done: (ok: boolean) => void }

export interface SwitchApplyResult { dpid: string; ok: boolean; errors: string[]; notes: string[]; slicesAdded: string[]; slicesRemoved: string[] }

interface Binding {
  view: SliceOnSwitch;
  ctx: SliceContext;
  link: TenantLink;
  table: SliceFlowTable;
  control: TokenBucket | null;
  packetIn: TokenBucket | null;
  missSendLen: number;
}

type Pending =
  | { kind: 'barrier'; binding: Binding; tenantXid: number }
  | { kind: 'stats'; binding: Binding; tenantXid: number; mpType: string; request: { match: FlowMatch; outPort: number; cookie: bigint; cookieMask: bigint }; acc: FlowStats[] }
  | { kind: 'apply'; errors: string[]; notes: string[]; done?: () => void }
  | { kind: 'queues'; wanted: Array<{ port: number; queueId: number; slice: string }>; seen: Set<string>; notes: string[] }
  | { kind: 'collect'; collect: Collect }
  | { kind: 'ports'; binding: Binding; tenantXid: number; portNo: number; acc: PortStats[] }
  | { kind: 'role'; role: SessionRole; generationId: bigint };

const MISS_COOKIE_SEQ = 0x8000;
/** Tenant requests remembered for the switch's errors (a power of two). */
const TENANT_RING = 8192;
const sliceDesc = (slice: string, dpid: string) => ({ mfrDesc: 'DFVisor', hwDesc: `virtual switch of slice ${slice}`, swDesc: 'dfvisor 0.1', serialNum: dpid, dpDesc: `slice ${slice} on ${dpid}` });

export class SwitchSession {
  dpid: bigint | null = null;
  dpidHex = '';
  version: OfVersion | null = null;
  ports = new Map<number, Port>();
  capabilities = 0;
  ready = false;
  readonly bindings = new Map<string, Binding>();
  private pending = new Map<number, Pending>();
  private readonly ringXid = new Uint32Array(TENANT_RING);
  private readonly ringTenantXid = new Uint32Array(TENANT_RING);
  private readonly ringBinding: Array<Binding | undefined> = new Array<Binding | undefined>(TENANT_RING);
  private meters = new Set<number>();
  private model: PlanModel | null = null;
  private log: Logger;
  connectedAt = Date.now();
  role: SessionRole;
  generationId = 0n;
  /** The last statistics round (collector or tenant-triggered). */
  lastStats: SessionStats | null = null;
  private collecting: Promise<SessionStats | undefined> | null = null;
  /**
   * Sequence of tenant rule cookies, never reused on this connection: a slice that is set up
   * again must not take the cookies of its removed rules, whose flow_removed messages may
   * still be on the way. A master generation starts past the previous masters' cookies.
   */
  private cookieSeq = 0;

  constructor(readonly channel: OfChannel, private readonly host: SessionHost, initialModel: () => PlanModel | null) {
    this.log = host.log;
    this.role = host.arbitrated ? 'pending' : 'master';
    channel.onReady = (v) => { this.version = v; channel.send({ version: v, xid: channel.xid(), type: 'features_request' }); };
    channel.onMessage = (m) => { try { this.fromSwitch(m); } catch (e) { this.log.error({ err: (e as Error).stack }, 'switch message handling failed'); } };
    channel.onClose = (why) => {
      this.log.info({ dpid: this.dpidHex, why }, 'switch disconnected');
      for (const b of this.bindings.values()) b.link.stop();
      this.bindings.clear();
      for (const p of this.pending.values()) {
        if (p.kind === 'apply') p.done?.();
        if (p.kind === 'collect') p.collect.done(false);
      }
      this.host.sessionClosed(this);
    };
    this.getModel = initialModel;
    channel.hello();
  }
  private getModel: () => PlanModel | null;

  get meterCapable(): boolean { return this.version === OFP13; }
  private portNumbers(): number[] { return [...this.ports.keys()]; }

  // ---- handshake ----

  private fromSwitch(m: OfMessage): void {
    switch (m.type) {
      case 'features_reply': {
        this.dpid = m.dpid; this.dpidHex = dpidHex(m.dpid); this.capabilities = m.capabilities;
        this.log = childLogger(this.host.log, { dpid: this.dpidHex });
        if (m.version === OFP13) {
          this.channel.send({ version: m.version, xid: this.channel.xid(), type: 'multipart_request', mpType: 'port_desc', flags: 0 });
        } else {
          for (const p of m.ports) this.ports.set(p.portNo, p);
          this.becomeReady();
        }
        return;
      }
      case 'multipart_reply':
        if (m.mpType === 'port_desc' && m.ports && !this.ready) {
          for (const p of m.ports) this.ports.set(p.portNo, p);
          if (!(m.flags & 1)) this.becomeReady();
          return;
        }
        this.statsReply(m);
        return;
      case 'packet_in': this.packetIn(m); return;
      case 'port_status': this.portStatus(m); return;
      case 'flow_removed': this.flowRemoved(m); return;
      case 'error': this.switchError(m); return;
      case 'role_reply': {
        const p = this.pending.get(m.xid);
        if (p?.kind === 'role') this.pending.delete(m.xid);
        return;
      }
      case 'barrier_reply': {
        const p = this.pending.get(m.xid);
        if (!p) return;
        this.pending.delete(m.xid);
        if (p.kind === 'barrier') this.toTenant(p.binding, { type: 'barrier_reply', xid: p.tenantXid });
        if (p.kind === 'apply') p.done?.();
        return;
      }
      default: return;
    }
  }

  private becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.channel.send({ version: this.version!, xid: this.channel.xid(), type: 'set_config', flags: 0, missSendLen: 0xffff });
    this.log.info({ version: this.version, ports: this.portNumbers().filter((p) => p < OFPP.MAX) }, 'switch connected');
    this.host.sessionReady(this);
    if (this.role === 'master') void this.apply(this.getModel());
  }

  // ---- mastership (OpenFlow 1.3 roles) ----

  /** Whether this node writes to the switch: pushes rules and connects the tenant controllers. */
  get mayProgram(): boolean { return this.role === 'master'; }

  /**
   * Takes a role decided by the arbiter. 1.3: ROLE_REQUEST with the generation id first (the
   * switch handles messages in order, so what follows is sent as that role). master: program
   * the active plan and connect the tenants; slave: drop this node's tenant connections for
   * the switch and keep its flows. 1.0 has no roles: only what this node does changes.
   */
  async setRole(role: 'master' | 'slave', generationId: bigint): Promise<SwitchApplyResult | undefined> {
    if (!this.ready || this.channel.closed) return undefined;
    const was = this.role;
    this.role = role;
    this.generationId = generationId;
    if (this.version === OFP13) {
      this.sendToSwitch({ type: 'role_request', role: role === 'master' ? ROLE.MASTER : ROLE.SLAVE, generationId }, { kind: 'role', role, generationId });
    }
    if (role === 'slave') {
      if (was !== 'slave') this.dropTenants();
      this.log.info({ generationId: String(generationId) }, 'slave of switch');
      return undefined;
    }
    if (was === 'master') return undefined;
    this.log.info({ generationId: String(generationId) }, 'master of switch: programming it');
    await this.learnMeters();
    if (this.role !== 'master') return undefined;
    return this.apply(this.getModel());
  }

  private nextCookieSeq(): number {
    this.cookieSeq = Math.max(this.cookieSeq + 1, Number((this.generationId & 0xffffn) << 32n) + 1);
    return this.cookieSeq;
  }

  /** Stops this node's tenant connections for the switch; the flows stay (the new master keeps them). */
  private dropTenants(): void {
    for (const b of [...this.bindings.values()]) {
      b.link.stop();
      this.bindings.delete(b.view.slice);
      this.host.counters(b.view.slice).flowEntries -= b.table.entries;
    }
  }

  /** A new master does not know the meters the previous one added: ask the switch (1.3). */
  private learnMeters(): Promise<void> {
    const model = this.getModel();
    const wanted = (model?.bySwitch.get(this.dpidHex) ?? []).some((v) => v.meterId !== null);
    if (this.version !== OFP13 || !wanted) return Promise.resolve();
    return new Promise((resolve) => {
      const collect: Collect = {
        acc: { at: Date.now(), flows: [], ports: [], meters: [], queues: [] }, outstanding: 1,
        done: () => { clearTimeout(timer); for (const m of collect.acc.meters) this.meters.add(m.meterId); resolve(); },
      };
      const timer = setTimeout(() => collect.done(false), 2000);
      this.sendToSwitch({ type: 'multipart_request', mpType: 'meter', flags: 0, meterId: 0xffffffff }, { kind: 'collect', collect });
    });
  }

  private roleError(m: Extract<OfMessage, { type: 'error' }>, p: Extract<Pending, { kind: 'role' }>): void {
    this.log.warn({ errType: m.errType, code: m.code, role: p.role, generationId: String(p.generationId) }, m.errType === ROLE_REQUEST_FAILED ? 'role request refused by the switch' : 'role request failed');
  }

  // ---- push-based statistics ----

  /**
   * One statistics round over this node's switch connection: flow, port and (1.3) meter
   * statistics. Rounds do not overlap; undefined when the switch did not answer in time.
   */
  collectStats(timeoutMs = 3000): Promise<SessionStats | undefined> {
    if (!this.ready || this.channel.closed) return Promise.resolve(undefined);
    if (this.collecting) return this.collecting;
    const requests: Draft[] = [
      { type: 'multipart_request', mpType: 'flow', flags: 0, flow: { tableId: 0xff, outPort: OFPP.ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} } },
      { type: 'multipart_request', mpType: 'port_stats', flags: 0, portNo: OFPP.ANY },
      { type: 'multipart_request', mpType: 'queue', flags: 0, portNo: this.version === OFP13 ? OFPP.ANY : OFPP.ALL, queueId: 0xffffffff },
    ];
    if (this.version === OFP13) requests.push({ type: 'multipart_request', mpType: 'meter', flags: 0, meterId: 0xffffffff });
    const p = new Promise<SessionStats | undefined>((resolve) => {
      const collect: Collect = {
        acc: { at: Date.now(), flows: [], ports: [], meters: [], queues: [] },
        outstanding: requests.length,
        done: (ok) => {
          clearTimeout(timer);
          this.collecting = null;
          if (ok) this.lastStats = collect.acc;
          resolve(ok ? collect.acc : undefined);
        },
      };
      const timer = setTimeout(() => collect.done(false), timeoutMs);
      for (const r of requests) this.sendToSwitch(r, { kind: 'collect', collect });
      this.host.statsRequestsSent(requests.length);
    });
    this.collecting = p;
    return p;
  }

  private collectReply(m: Extract<OfMessage, { type: 'multipart_reply' }>, c: Collect): void {
    c.acc.flows.push(...(m.flows ?? []));
    c.acc.ports.push(...(m.portStats ?? []));
    c.acc.meters.push(...(m.meterStats ?? []));
    c.acc.queues.push(...(m.queues ?? []));
    if (m.flags & 1) return;
    this.pending.delete(m.xid);
    if (--c.outstanding === 0) c.done(true);
  }

  /** The last snapshot when it is young enough to answer a tenant's poll. */
  private cachedStats(): SessionStats | null {
    const max = this.host.statsCacheMs;
    if (max === null || !this.lastStats || Date.now() - this.lastStats.at > max) return null;
    return this.lastStats;
  }

  // ---- plan (push-based setup) ----

  private sendToSwitch(m: Draft, pending: Pending | null): string | null {
    const xid = this.channel.xid();
    if (pending) {
      this.pending.set(xid, pending);
      if (this.pending.size > 8192) this.pending.delete(this.pending.keys().next().value as number);
    }
    return this.channel.send({ ...m, version: this.version!, xid } as OfMessage);
  }

  /**
   * Remembers which tenant request a switch xid carries, for the switch's error about it (the
   * only answer flow-mods and packet-outs get). A ring indexed by xid: the last TENANT_RING
   * requests, no map entry per message.
   */
  private trackTenant(xid: number, b: Binding, tenantXid: number): void {
    const i = xid & (TENANT_RING - 1);
    this.ringXid[i] = xid;
    this.ringTenantXid[i] = tenantXid;
    this.ringBinding[i] = b;
  }

  private trackedTenant(xid: number): { binding: Binding; tenantXid: number } | undefined {
    const i = xid & (TENANT_RING - 1);
    const binding = this.ringBinding[i];
    if (!binding || this.ringXid[i] !== xid) return undefined;
    return { binding, tenantXid: this.ringTenantXid[i]! };
  }

  /** A rewritten flow-mod of a tenant's request, with this connection's version and a fresh xid. */
  private sendFlowMod(fm: FlowMod, b: Binding, tenantXid: number): string | null {
    const xid = this.channel.xid();
    this.trackTenant(xid, b, tenantXid);
    // The rewrite's fresh object becomes the message (no copy per physical rule).
    const msg = fm as MessageOf<'flow_mod'>;
    msg.type = 'flow_mod'; msg.version = this.version!; msg.xid = xid;
    return this.channel.send(msg);
  }

  /** Forwards a tenant's message unchanged but for the xid (same version on both sides). */
  private forwardToSwitch(raw: Buffer, b: Binding, tenantXid: number): void {
    const xid = this.channel.xid();
    this.trackTenant(xid, b, tenantXid);
    const copy = Buffer.from(raw);
    copy.writeUInt32BE(xid, 4);
    this.channel.sendRaw(copy);
  }

  private sendMeter(mm: MeterMod, pending: Pending): void {
    const command = mm.command === 'add' ? 0 : mm.command === 'modify' ? 1 : 2;
    this.sendToSwitch({ type: 'meter_mod', command, flags: mm.flags, meterId: mm.meterId, bands: mm.bands }, pending);
    if (mm.command === 'delete') this.meters.delete(mm.meterId); else this.meters.add(mm.meterId);
  }

  /** Applies a plan model to this switch: removes changed/removed slices, installs new ones. */
  apply(model: PlanModel | null): Promise<SwitchApplyResult> {
    const result: SwitchApplyResult = { dpid: this.dpidHex, ok: true, errors: [], notes: [], slicesAdded: [], slicesRemoved: [] };
    if (!this.ready || this.channel.closed) return Promise.resolve({ ...result, ok: false, errors: ['switch not ready'] });
    this.model = model;
    if (!this.mayProgram) {
      // Only the master writes to the switch; it applies the plan when it gets the plan's push.
      result.notes.push(`${this.dpidHex}: not programmed here (this node is ${this.role === 'slave' ? 'a slave' : 'waiting for its role'})`);
      return Promise.resolve(result);
    }
    const views = model?.bySwitch.get(this.dpidHex) ?? [];
    const wanted = new Map(views.map((v) => [v.slice, v]));
    const applyPending: Pending = { kind: 'apply', errors: result.errors, notes: result.notes };
    const linkPorts = model?.networkLinkPorts.get(this.dpidHex);
    for (const [name, b] of [...this.bindings]) {
      const next = wanted.get(name);
      if (next && sameView(next, b.view)) continue;
      this.removeBinding(b, applyPending);
      result.slicesRemoved.push(name);
    }
    if (views.length) this.sendToSwitch({ type: 'flow_mod', ...baseDropRule() }, applyPending);
    for (const v of views) {
      if (this.bindings.has(v.slice)) continue;
      const setup = sliceSetup(v, this.meterCapable, v.meterId !== null && this.meters.has(v.meterId));
      for (const fm of setup.flowMods) this.sendToSwitch({ type: 'flow_mod', ...fm }, applyPending);
      for (const mm of setup.meterMods) this.sendMeter(mm, applyPending);
      result.notes.push(...setup.notes);
      this.addBinding(v, linkPorts);
      result.slicesAdded.push(v.slice);
    }
    this.checkQueues(model, result.notes);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { applyPending.done = undefined; resolve({ ...result, ok: false, errors: [...result.errors, 'no barrier reply from the switch'] }); }, 5000);
      applyPending.done = () => { clearTimeout(timer); resolve({ ...result, ok: result.errors.length === 0 && !this.channel.closed }); };
      this.sendToSwitch({ type: 'barrier_request' }, applyPending);
    });
  }

  /**
   * OpenFlow cannot create queues: ask the switch which exist (queue stats) and note the plan's
   * queues that are missing in the apply result (see docs/dataplane.md for the switch side).
   */
  private checkQueues(model: PlanModel | null, notes: string[]): void {
    const wanted = (model?.plan.qos.queues ?? []).filter((q) => q.dpid === this.dpidHex).map((q) => ({ port: q.port, queueId: q.queueId, slice: q.slice }));
    if (!wanted.length) return;
    const portNo = this.version === OFP13 ? OFPP.ANY : OFPP.ALL;
    this.sendToSwitch({ type: 'multipart_request', mpType: 'queue', flags: 0, portNo, queueId: 0xffffffff }, { kind: 'queues', wanted, seen: new Set(), notes });
  }

  private queuesReply(m: Extract<OfMessage, { type: 'multipart_reply' }>, p: Extract<Pending, { kind: 'queues' }>): void {
    for (const q of m.queues ?? []) p.seen.add(`${q.portNo}/${q.queueId}`);
    if (m.flags & 1) return;
    this.pending.delete(m.xid);
    const missing = p.wanted.filter((q) => !p.seen.has(`${q.port}/${q.queueId}`));
    if (missing.length === 0) p.notes.push(`all ${p.wanted.length} planned queues exist on ${this.dpidHex}`);
    else p.notes.push(`${this.dpidHex}: ${missing.length} of ${p.wanted.length} planned queues missing (${missing.slice(0, 8).map((q) => `port ${q.port} queue ${q.queueId} of ${q.slice}`).join(', ')}${missing.length > 8 ? ', …' : ''}); create them on the switch (docs/dataplane.md)`);
  }

  private addBinding(v: SliceOnSwitch, networkLinkPorts: Set<number> | undefined): void {
    const ctx: SliceContext = { view: v, edgePorts: edgePortsOf(v, this.portNumbers(), networkLinkPorts), meters: this.meterCapable };
    const log = childLogger(this.log, { slice: v.slice });
    const link = new TenantLink(v.slice, v.controllers, log, (l, m, raw) => this.fromTenant(b, m, raw), (l, ver) => this.tenantReady(b, ver));
    const b: Binding = {
      view: v, ctx, link, table: new SliceFlowTable(),
      control: v.limits.controlRate ? new TokenBucket(v.limits.controlRate) : null,
      packetIn: v.limits.packetInRate ? new TokenBucket(v.limits.packetInRate) : null,
      missSendLen: 128,
    };
    this.bindings.set(v.slice, b);
    link.start();
  }

  private removeBinding(b: Binding, pending: Pending): void {
    b.link.stop();
    this.bindings.delete(b.view.slice);
    const td = sliceTeardown(b.view.index, b.view.meterId, this.meterCapable);
    if (this.version === OFP13) {
      for (const fm of td.flowMods) this.sendToSwitch({ type: 'flow_mod', ...fm }, pending);
    } else {
      // OpenFlow 1.0 cannot delete by cookie: delete the slice's whole space instead.
      const r = rewriteFlowMod(b.ctx, { ...td.flowMods[0], tableId: 0xff, command: FC.DELETE, match: {} }, 0n);
      if (r.ok) for (const fm of r.value) this.sendToSwitch({ type: 'flow_mod', ...fm }, pending);
    }
    for (const mm of td.meterMods) this.sendMeter(mm, pending);
    const c = this.host.counters(b.view.slice);
    c.flowEntries -= b.table.entries;
    b.table.clear();
  }

  close(): void {
    for (const b of this.bindings.values()) b.link.stop();
    this.channel.close('proxy stopping');
  }

  // ---- tenant → switch ----

  private tenantReady(b: Binding, v: OfVersion): void {
    if (v !== OFP13) {
      // OpenFlow 1.0 sends table misses to the controller: emulate with a lowest-priority rule.
      const r = expandMatch(b.ctx, {}, 'read');
      if (r.ok) {
        for (const e of r.value) {
          this.sendToSwitch({ type: 'flow_mod', cookie: hvSliceCookie(b.view.index, MISS_COOKIE_SEQ), cookieMask: 0n, tableId: 0, command: FC.ADD, idleTimeout: 0, hardTimeout: 0, priority: TENANT_BAND.min - 1, bufferId: NO_BUFFER, outPort: OFPP.ANY, outGroup: 0xffffffff, flags: 0, match: e.match, instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }] }, null);
        }
      }
    }
  }

  private toTenant(b: Binding, m: Unversioned): void {
    const err = b.link.send(m as OfMessage);
    if (err && err !== 'not connected') this.log.warn({ slice: b.view.slice, err, type: m.type }, 'cannot send to tenant');
  }

  private refuse(b: Binding, m: OfMessage, kind: ErrorKind, reason: string, raw?: Buffer): void {
    const { errType, code } = errorCode(m.version, kind);
    // The first 64 bytes of the offending request, as the specification asks.
    const data = raw ? Buffer.from(raw.subarray(0, 64)) : errorHeader(m);
    this.toTenant(b, { type: 'error', xid: m.xid, errType, code, data });
    this.host.counters(b.view.slice).errorsSent++;
    this.log.info({ slice: b.view.slice, kind, reason, type: m.type }, 'tenant message refused');
  }

  private slicePorts(b: Binding): Port[] {
    const nums = new Set(slicePortsOf(b.view, this.portNumbers(), this.model?.networkLinkPorts.get(this.dpidHex)));
    return [...this.ports.values()].filter((p) => nums.has(p.portNo));
  }

  private fromTenant(b: Binding, m: OfMessage, raw: Buffer): void {
    const c = this.host.counters(b.view.slice);
    if (b.control && !b.control.take()) { c.controlRateDrops++; this.refuse(b, m, 'eperm_request', 'control_rate exceeded', raw); return; }
    switch (m.type) {
      case 'features_request':
        this.toTenant(b, { type: 'features_reply', xid: m.xid, dpid: this.dpid!, nBuffers: 0, nTables: 1, auxiliaryId: 0, capabilities: this.capabilities & 0x4f, actions: 0xfff, ports: m.version === OFP13 ? [] : this.slicePorts(b) });
        return;
      case 'get_config_request': this.toTenant(b, { type: 'get_config_reply', xid: m.xid, flags: 0, missSendLen: b.missSendLen }); return;
      case 'set_config': b.missSendLen = m.missSendLen; return;
      case 'barrier_request': this.sendToSwitch({ type: 'barrier_request' }, { kind: 'barrier', binding: b, tenantXid: m.xid }); return;
      case 'role_request': this.toTenant(b, { type: 'role_reply', xid: m.xid, role: m.role, generationId: m.generationId }); return;
      case 'echo_reply': case 'hello': case 'error': return;
      case 'multipart_request': this.tenantStats(b, m, raw); return;
      case 'flow_mod': this.tenantFlowMod(b, m, raw); return;
      case 'packet_out': this.tenantPacketOut(b, m, raw); return;
      default: this.refuse(b, m, m.type === 'other' ? 'bad_type' : 'eperm_request', `${m.type} is not available to slices`, raw);
    }
  }

  private tenantFlowMod(b: Binding, m: Extract<OfMessage, { type: 'flow_mod' }>, raw: Buffer): void {
    const c = this.host.counters(b.view.slice);
    const isDelete = m.command === FC.DELETE || m.command === FC.DELETE_STRICT;
    const key = isDelete ? '' : ruleKey(m.match, m.matchKey);
    const existing = isDelete ? undefined : b.table.existing(m.match, m.priority, key);
    const cookie = existing?.cookie ?? sliceCookie(b.view.index, this.nextCookieSeq());
    const r = rewriteFlowMod(b.ctx, m, cookie);
    if (!r.ok) { c.flowModsRejected++; this.refuse(b, m, r.error, r.reason, raw); return; }
    if (m.command === FC.ADD) {
      const delta = r.value.length - (existing?.physical ?? 0);
      const perSwitch = b.view.limits.flowEntriesSwitch;
      const total = b.view.limits.flowEntriesTotal;
      if ((perSwitch !== null && b.table.entries + delta > perSwitch) || (total !== null && this.host.totalEntries(b.view.slice) + delta > total)) {
        c.flowModsRejected++;
        this.refuse(b, m, 'table_full', `flow_entries limit reached (${b.table.entries} on this switch)`, raw);
        return;
      }
      b.table.add({ cookie, tenantCookie: m.cookie, match: m.match, priority: m.priority, flags: m.flags, idleTimeout: m.idleTimeout, hardTimeout: m.hardTimeout, instructions: m.instructions }, r.value, key);
      c.flowEntries += delta;
    } else if (isDelete) {
      const before = b.table.entries;
      b.table.markDeleted(m.match, m.priority, m.command === FC.DELETE_STRICT);
      c.flowEntries -= before - b.table.entries;
    }
    c.flowModsAccepted++;
    for (const fm of r.value) {
      const err = this.sendFlowMod(fm, b, m.xid);
      if (err) { this.refuse(b, m, 'eperm_flow', err, raw); return; }
    }
  }

  private tenantPacketOut(b: Binding, m: Extract<OfMessage, { type: 'packet_out' }>, raw: Buffer): void {
    const c = this.host.counters(b.view.slice);
    const r = rewritePacketOut(b.ctx, m.inPort, m.actions);
    if (!r.ok) { c.packetOutsRejected++; this.refuse(b, m, r.error, r.reason, raw); return; }
    if (m.bufferId !== NO_BUFFER && m.data.length === 0) { c.packetOutsRejected++; this.refuse(b, m, 'eperm_request', 'buffered packet-outs are not supported', raw); return; }
    c.packetOuts++;
    const inPort = m.inPort === OFPP.ANY ? OFPP.CONTROLLER : m.inPort;
    if (m.version === this.version && m.bufferId === NO_BUFFER && inPort === m.inPort && sameActions(r.value, m.actions)) {
      // Nothing to rewrite (outputs to the slice's own edge ports): pass the bytes through.
      this.forwardToSwitch(raw, b, m.xid);
      return;
    }
    const xid = this.channel.xid();
    this.trackTenant(xid, b, m.xid);
    const err = this.channel.send({ type: 'packet_out', version: this.version!, xid, bufferId: NO_BUFFER, inPort, actions: r.value, data: m.data });
    if (err) this.refuse(b, m, 'eperm_action', err, raw);
  }

  private tenantStats(b: Binding, m: Extract<OfMessage, { type: 'multipart_request' }>, raw: Buffer): void {
    switch (m.mpType) {
      case 'port_desc':
        if (m.version !== OFP13) break;
        this.toTenant(b, { type: 'multipart_reply', xid: m.xid, mpType: 'port_desc', flags: 0, ports: this.slicePorts(b) });
        return;
      case 'desc':
        this.toTenant(b, { type: 'multipart_reply', xid: m.xid, mpType: 'desc', flags: 0, desc: sliceDesc(b.view.slice, this.dpidHex) });
        return;
      case 'flow': case 'aggregate': {
        const req = m.flow ?? { match: {}, outPort: OFPP.ANY, cookie: 0n, cookieMask: 0n, tableId: 0xff, outGroup: 0xffffffff };
        const cached = this.cachedStats();
        if (cached) {
          this.host.tenantPoll('cache');
          this.answerFlowStats(b, m.xid, m.mpType, req, cached.flows, true);
          return;
        }
        this.host.tenantPoll('switch');
        this.host.statsRequestsSent(1);
        const physical = { tableId: 0xff, outPort: OFPP.ANY, outGroup: 0xffffffff, cookie: sliceCookie(b.view.index, 0), cookieMask: this.version === OFP13 ? SLICE_COOKIE_MASK : 0n, match: {} };
        this.sendToSwitch({ type: 'multipart_request', mpType: 'flow', flags: 0, flow: physical },
          { kind: 'stats', binding: b, tenantXid: m.xid, mpType: m.mpType, request: req, acc: [] });
        return;
      }
      case 'port_stats': {
        const portNo = m.portNo ?? OFPP.ANY;
        const cached = this.cachedStats();
        if (cached) {
          this.host.tenantPoll('cache');
          this.answerPortStats(b, m.xid, portNo, cached.ports);
          return;
        }
        this.host.tenantPoll('switch');
        this.host.statsRequestsSent(1);
        this.sendToSwitch({ type: 'multipart_request', mpType: 'port_stats', flags: 0, portNo: OFPP.ANY }, { kind: 'ports', binding: b, tenantXid: m.xid, portNo, acc: [] });
        return;
      }
      default: break;
    }
    this.refuse(b, m, 'bad_multipart', `multipart type ${m.mpType} is not sliced`, raw);
  }

  // ---- switch → tenant ----

  private statsReply(m: Extract<OfMessage, { type: 'multipart_reply' }>): void {
    const p = this.pending.get(m.xid);
    if (p?.kind === 'queues') { this.queuesReply(m, p); return; }
    if (p?.kind === 'collect') { this.collectReply(m, p.collect); return; }
    if (p?.kind === 'ports') {
      p.acc.push(...(m.portStats ?? []));
      if (m.flags & 1) return;
      this.pending.delete(m.xid);
      this.answerPortStats(p.binding, p.tenantXid, p.portNo, p.acc);
      return;
    }
    if (!p || p.kind !== 'stats') return;
    p.acc.push(...(m.flows ?? []));
    if (m.flags & 1) return;
    this.pending.delete(m.xid);
    this.answerFlowStats(p.binding, p.tenantXid, p.mpType, p.request, p.acc, false);
  }

  /**
   * A tenant's flow/aggregate stats from the switch's flow statistics: the physical rules of each
   * tenant rule summed, shown with the tenant's own cookie, match and priority. `withUnseen`: rules
   * the slice added after the snapshot are listed with zero counters.
   */
  private answerFlowStats(b: Binding, tenantXid: number, mpType: string, request: { match: FlowMatch; cookie: bigint; cookieMask: bigint }, physical: readonly FlowStats[], withUnseen: boolean): void {
    const byRule = new Map<bigint, FlowStats>();
    for (const f of physical) {
      if (cookieSlice(f.cookie) !== b.view.index) continue;
      const r = b.table.byProxyCookie(f.cookie);
      if (!r || r.deleted) continue;
      if (!matchSubsumes(request.match, r.match)) continue;
      if (request.cookieMask && (r.tenantCookie & request.cookieMask) !== (request.cookie & request.cookieMask)) continue;
      const acc = byRule.get(r.cookie);
      if (acc) { acc.packetCount += f.packetCount; acc.byteCount += f.byteCount; continue; }
      byRule.set(r.cookie, { ...f, tableId: 0, cookie: r.tenantCookie, priority: r.priority, match: r.match, instructions: r.instructions, idleTimeout: r.idleTimeout, hardTimeout: r.hardTimeout, flags: r.flags });
    }
    if (withUnseen) {
      for (const r of b.table.rules()) {
        if (r.deleted || byRule.has(r.cookie) || !matchSubsumes(request.match, r.match)) continue;
        if (request.cookieMask && (r.tenantCookie & request.cookieMask) !== (request.cookie & request.cookieMask)) continue;
        byRule.set(r.cookie, { tableId: 0, durationSec: 0, durationNsec: 0, packetCount: 0n, byteCount: 0n, cookie: r.tenantCookie, priority: r.priority, match: r.match, instructions: r.instructions, idleTimeout: r.idleTimeout, hardTimeout: r.hardTimeout, flags: r.flags });
      }
    }
    const flows = [...byRule.values()];
    if (mpType === 'aggregate') {
      const aggregate = { packetCount: flows.reduce((a, f) => a + f.packetCount, 0n), byteCount: flows.reduce((a, f) => a + f.byteCount, 0n), flowCount: flows.length };
      this.toTenant(b, { type: 'multipart_reply', xid: tenantXid, mpType: 'aggregate', flags: 0, aggregate });
      return;
    }
    this.toTenant(b, { type: 'multipart_reply', xid: tenantXid, mpType: 'flow', flags: 0, flows });
  }

  /** A tenant's port stats: only the ports of its slice on this switch. */
  private answerPortStats(b: Binding, tenantXid: number, portNo: number, ports: readonly PortStats[]): void {
    const mine = new Set(this.slicePorts(b).map((p) => p.portNo));
    const portStats = ports.filter((p) => mine.has(p.portNo) && (portNo === OFPP.ANY || portNo === p.portNo)).sort((x, y) => x.portNo - y.portNo);
    this.toTenant(b, { type: 'multipart_reply', xid: tenantXid, mpType: 'port_stats', flags: 0, portStats });
  }

  /** The switch refused a write because another controller is master: act as a slave from now on. */
  private loseMastership(notes: string[]): void {
    if (this.role === 'master') {
      this.role = 'slave';
      this.dropTenants();
      this.log.warn({ generationId: String(this.generationId) }, 'the switch says another node is master: acting as slave');
    }
    const note = `${this.dpidHex}: not programmed here (the switch answered IS_SLAVE: another node is master)`;
    if (!notes.includes(note)) notes.push(note);
  }

  private switchError(m: Extract<OfMessage, { type: 'error' }>): void {
    const p = this.pending.get(m.xid);
    if (!p) {
      const t = this.trackedTenant(m.xid);
      if (!t) { this.log.warn({ errType: m.errType, code: m.code }, 'switch error for an unknown request'); return; }
      this.toTenant(t.binding, { type: 'error', xid: t.tenantXid, errType: m.errType, code: m.code, data: m.data });
      this.host.counters(t.binding.view.slice).errorsSent++;
      return;
    }
    if (p.kind === 'role') { this.pending.delete(m.xid); this.roleError(m, p); return; }
    if (p.kind === 'collect') { this.pending.delete(m.xid); if (--p.collect.outstanding === 0) p.collect.done(p.collect.acc.flows.length > 0 || p.collect.acc.ports.length > 0); return; }
    if (p.kind === 'ports') { this.pending.delete(m.xid); this.toTenant(p.binding, { type: 'error', xid: p.tenantXid, errType: m.errType, code: m.code, data: m.data }); return; }
    if (p.kind === 'queues') { this.pending.delete(m.xid); p.notes.push(`${this.dpidHex}: queue check refused by the switch (error type ${m.errType} code ${m.code})`); return; }
    if (p.kind === 'apply') {
      if (m.errType === OFPET_BAD_REQUEST && m.code === OFPBRC_IS_SLAVE) {
        // Fenced: another node became master with a newer generation id before this one learnt it
        // lost its lease. Not a failure of the plan: the real master programs the switch.
        this.loseMastership(p.notes);
        return;
      }
      p.errors.push(`switch error type ${m.errType} code ${m.code}`);
      return;
    }
    this.pending.delete(m.xid);
    this.toTenant(p.binding, { type: 'error', xid: p.tenantXid, errType: m.errType, code: m.code, data: m.data });
    this.host.counters(p.binding.view.slice).errorsSent++;
  }

  private portStatus(m: Extract<OfMessage, { type: 'port_status' }>): void {
    if (m.reason === 1) this.ports.delete(m.port.portNo); else this.ports.set(m.port.portNo, m.port);
    for (const b of this.bindings.values()) {
      b.ctx.edgePorts = edgePortsOf(b.view, this.portNumbers(), this.model?.networkLinkPorts.get(this.dpidHex));
      if (b.view.linkPorts.has(m.port.portNo) || b.ctx.edgePorts.includes(m.port.portNo) || (m.reason === 1 && b.view.edgePorts === '*')) {
        this.toTenant(b, { type: 'port_status', xid: 0, reason: m.reason, port: m.port });
      }
    }
  }

  private flowRemoved(m: Extract<OfMessage, { type: 'flow_removed' }>): void {
    // Every removal counts toward the slice's totals (the collector keeps the final counters),
    // also when the slice's binding is gone; what the tenant sees is decided below.
    this.host.flowRemoved?.({ dpid: this.dpidHex, cookie: m.cookie, key: flowKey(m.cookie, m.priority, m.match), packetCount: m.packetCount, byteCount: m.byteCount, at: Date.now() });
    if ((m.cookie & (0xffffn << 48n)) === HV_COOKIE_PREFIX) return;
    const idx = cookieSlice(m.cookie);
    const b = [...this.bindings.values()].find((x) => x.view.index === idx);
    if (!b) return;
    const before = b.table.entries;
    const r = b.table.removed(m.cookie, m.match);
    this.host.counters(b.view.slice).flowEntries -= before - b.table.entries;
    if (r && r.flags & FF_SEND_FLOW_REM) {
      this.toTenant(b, { ...m, xid: 0, cookie: r.tenantCookie, priority: r.priority, match: r.match, tableId: 0, idleTimeout: r.idleTimeout, hardTimeout: r.hardTimeout });
    }
  }

  private readersOf(inPort: number, headers: PacketHeaders, data: Buffer): Set<string> {
    const out = new Set<string>();
    const model = this.model;
    if (!model) return out;
    try {
      for (const e of model.classifier.classifyPacket(this.dpidHex, inPort, headers)) if (e.permissions.includes('read')) out.add(e.slice);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'classifier failed; falling back to a scan');
      const fields = parsePacket(data).fields;
      for (const b of this.bindings.values()) {
        if (b.view.rules.some((r) => r.read && (r.inPort === null || r.inPort === inPort) && r.alternatives.some((alt) => packetMatches(alt, fields)))) out.add(b.view.slice);
      }
    }
    return out;
  }

  /** Classifies a packet-in by location, overlay tag and headers and delivers it untagged. */
  private packetIn(m: Extract<OfMessage, { type: 'packet_in' }>): void {
    const inPort = Number(m.match.in_port?.value ?? -1);
    const pkt = summarizePacket(m.data);
    const targets: Array<{ b: Binding; tagged: boolean }> = [];
    let readers: Set<string> | null = null;
    for (const b of this.bindings.values()) {
      if (b.view.linkPorts.has(inPort)) {
        if (b.view.overlay.type === 'vlan' && pkt.vlan === b.view.overlay.tag) targets.push({ b, tagged: true });
        else if (b.view.overlay.type === 'mpls' && pkt.ethType === 0x8847 && m.data.length >= 18 && (m.data.readUInt32BE(14) >>> 12) === b.view.overlay.tag) targets.push({ b, tagged: true });
        continue;
      }
      if (!b.ctx.edgePorts.includes(inPort) || pkt.vlan !== null) continue;
      // Location + headers through the indexed classifier (once per packet-in).
      readers ??= this.readersOf(inPort, pkt.headers, m.data);
      if (readers.has(b.view.slice)) targets.push({ b, tagged: false });
    }
    // A rule's cookie names the slice that asked for the packet: it alone gets it.
    let chosen = targets;
    let tenantRule: ReturnType<SliceFlowTable['byProxyCookie']>;
    if (m.version === OFP13 && m.cookie !== 0xffffffffffffffffn && (m.cookie & (0xffffn << 48n)) !== HV_COOKIE_PREFIX) {
      const idx = cookieSlice(m.cookie);
      const hit = targets.filter((t) => t.b.view.index === idx);
      if (hit.length) { chosen = hit; tenantRule = hit[0].b.table.byProxyCookie(m.cookie); }
    }
    const hvRule = (m.cookie & (0xffffn << 48n)) === HV_COOKIE_PREFIX;
    const isMissEmulation = hvRule && (m.cookie & 0xffffn) === BigInt(MISS_COOKIE_SEQ);
    for (const { b, tagged } of chosen) {
      const c = this.host.counters(b.view.slice);
      if (!b.link.connected || b.link.channel!.slow || (b.packetIn && !b.packetIn.take())) { c.packetInsDropped++; continue; }
      let data = m.data;
      if (tagged) data = b.view.overlay.type === 'vlan' ? stripVlan(data) : stripMpls(data);
      // Learning controllers only act on table misses: report the tenant's table-miss rule (and
      // the 1.0 miss emulation) as NO_MATCH, like a real table miss.
      const tenantMiss = tenantRule ? tenantRule.priority === 0 && Object.keys(tenantRule.match).length === 0 : false;
      const reason = tenantMiss || isMissEmulation || (m.version !== OFP13 && !hvRule) ? 0 : m.reason;
      c.packetInsDelivered++;
      this.toTenant(b, { type: 'packet_in', xid: 0, bufferId: NO_BUFFER, totalLen: data.length, reason, tableId: 0, cookie: tenantRule?.tenantCookie ?? 0xffffffffffffffffn, match: { in_port: { value: BigInt(inPort) } }, data });
    }
  }
}

function stripMpls(data: Buffer): Buffer {
  if (data.length < 18) return data;
  const out = Buffer.concat([data.subarray(0, 12), Buffer.from([0x08, 0x00]), data.subarray(18)]);
  return out;
}

function sameActions(a: readonly Action[], b: readonly Action[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x === y) continue;
    if (x.type !== 'output' || y.type !== 'output' || x.port !== y.port || x.maxLen !== y.maxLen) return false;
  }
  return true;
}

function errorHeader(m: OfMessage): Buffer {
  // Without the raw request: a bare header with its version and xid.
  const hdr = Buffer.alloc(8);
  hdr[0] = m.version; hdr[1] = 0; hdr.writeUInt16BE(8, 2); hdr.writeUInt32BE(m.xid >>> 0, 4);
  return hdr;
}

function sameView(a: SliceOnSwitch, b: SliceOnSwitch): boolean {
  const norm = (v: SliceOnSwitch) => JSON.stringify(v, (_k, x) => (x instanceof Set ? [...x].sort() : typeof x === 'bigint' ? x.toString() : x));
  return norm(a) === norm(b);
}

export type { Action };
export { mapPriority };
