// Plan application on one switch (push-based setup): removes the slices that went or changed
// (their rules, base rules and meter), installs the new ones (isolation rule, base rules,
// meters) and binds them (one tenant connection each), checks the plan's queues, and ends with
// a barrier whose reply completes the apply. The switch's errors go into the apply result; an
// IS_SLAVE error means another node is master. A new master first learns the switch's meters.
import type { Logger } from '../channel.js';
import { childLogger } from '../channel.js';
import type { MessageOf } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFPFC as FC, OFPMC, OFPM, OFPP13 as OFPP, OFPQ_ALL, OFPTT_ALL } from '../../openflow/constants.js';
import type { PlanViews, SliceOnSwitch } from '../slice-views.js';
import { edgePortsOf, slicePortsOf } from '../slice-views.js';
import { rewriteFlowMod, slicePorts, type SliceContext } from '../rewrite.js';
import { baseDropRule, sliceMeters, sliceSetup, sliceTeardown, type MeterMod } from '../base-rules.js';
import { SliceFlowTable } from '../flow-table.js';
import { TenantLink } from '../tenant-link.js';
import { TokenBucket } from '../rate.js';
import type { Binding, SessionContext, TenantConnection, TenantEvents } from './context.js';
import { sliceNumber } from '../../classifier/index.js';
import { isSlaveError, type Mastership } from './mastership.js';
import type { TenantDirection } from './tenant-direction.js';
import { queueCheckNote, type PlannedQueue } from './stats-answers.js';
import type { RequestHandlers } from './request-tracker.js';
import type { CoreSync } from './core-sync.js';
import { applyPlanQueues, ovsdbAddressOf } from '../../ovsdb/index.js';

export interface SwitchApplyResult {
  dpid: string;
  ok: boolean;
  errors: string[];
  notes: string[];
  slicesAdded: string[];
  slicesRemoved: string[];
  /** Set when this node did not write the plan to the switch (not ready, or not its master). */
  notProgrammed?: true;
}

/** How long an apply waits for the switch's barrier reply. */
const APPLY_TIMEOUT_MS = 5000;
/** How long a new master waits for the switch's meter statistics. */
const METERS_TIMEOUT_MS = 2000;

/** The messages of one apply: the switch's errors about any of them go into its result. */
interface ApplyRound {
  result: SwitchApplyResult;
  xids: number[];
  handlers: RequestHandlers<never>;
}

export class PlanApplication {
  /** Meters this node knows exist on the switch (added here, or learnt as a new master). */
  private readonly meters = new Set<number>();

  constructor(
    private readonly s: SessionContext,
    private readonly mastership: Mastership,
    private readonly tenants: TenantDirection,
    private readonly core?: CoreSync,
  ) {}

  /** The meters this session knows are on the switch (the reconciliation keeps it in step). */
  get knownMeters(): { add(id: number): void; delete(id: number): void } {
    return this.meters;
  }

  get meterCapable(): boolean {
    return this.s.version === OFP13;
  }

  /** Applies the plan's views to this switch: removes changed/removed slices, installs new ones. */
  apply(views: PlanViews | null): Promise<SwitchApplyResult> {
    const s = this.s;
    const result: SwitchApplyResult = { dpid: s.dpid, ok: true, errors: [], notes: [], slicesAdded: [], slicesRemoved: [] };
    if (!s.ready || s.channel.closed) return Promise.resolve({ ...result, ok: false, errors: ['switch not ready'], notProgrammed: true });
    s.views = views;
    if (!this.mastership.mayProgram) {
      // Only the master writes to the switch; it applies the plan when it gets the plan's push.
      result.notes.push(`${s.dpid}: not programmed here (this node is ${s.role === 'slave' ? 'a slave' : 'waiting for its role'})`);
      return Promise.resolve({ ...result, notProgrammed: true });
    }
    const mine = views?.bySwitch.get(s.dpid) ?? [];
    const wanted = new Map(mine.map((v) => [v.slice, v]));
    const round: ApplyRound = { result, xids: [], handlers: { error: (e) => this.applyError(result, e) } };
    for (const [name, b] of [...s.bindings]) {
      const next = wanted.get(name);
      if (next && sameView(next, b.view)) continue;
      this.removeBinding(b, round);
      result.slicesRemoved.push(name);
    }
    // Core switches (managed core) are in no slice's view but isolate like every other switch.
    if (mine.length || views?.core.isCore(s.dpid)) this.send(round, { type: 'flow_mod', ...baseDropRule() });
    for (const v of mine) {
      if (s.bindings.has(v.slice)) continue;
      const ports = slicePortsOf(v, s.portNumbers(), s.networkLinkPorts());
      const setup = sliceSetup(v, this.meterCapable, (id) => this.meters.has(id), ports);
      for (const fm of setup.flowMods) this.send(round, { type: 'flow_mod', ...fm });
      for (const mm of setup.meterMods) this.sendMeter(round, mm);
      result.notes.push(...setup.notes);
      this.addBinding(v);
      result.slicesAdded.push(v.slice);
    }
    // The managed core: forwarding rules on core switches, virtual-port groups on edges.
    this.core?.sync(round.handlers, round.xids);
    // What the hypervisor's rules now take of a bounded table (answered after the round's messages).
    s.capacity.measure();
    // Queues: created over the switch's OVSDB when the network declares it, else only checked.
    const queues = applyPlanQueues(views?.plan ?? null, s.dpid);
    if (ovsdbAddressOf(views?.plan, s.dpid) === undefined) this.checkQueues(views, result.notes);
    return new Promise((resolve) => {
      let finished = false;
      const finish = (r: SwitchApplyResult) => {
        if (!finished) {
          finished = true;
          void queues.then((notes) => resolve({ ...r, notes: [...r.notes, ...notes] }));
        }
      };
      const closed = () => finish({ ...result, ok: false });
      // Every message of the round reports a closed connection (the barrier may be given up first).
      round.handlers.closed = closed;
      s.request({ type: 'barrier_request' }, null, 'barrier_reply', {
        // The switch answered everything before the barrier: its errors are in, stop waiting for them.
        reply: () => {
          for (const x of round.xids) s.requests.forget(x);
          finish({ ...result, ok: result.errors.length === 0 && !s.channel.closed });
        },
        error: round.handlers.error,
        closed,
        timeout: () => finish({ ...result, ok: false, errors: [...result.errors, 'no barrier reply from the switch'] }),
        timeoutMs: APPLY_TIMEOUT_MS,
      });
    });
  }

  private applyError(result: SwitchApplyResult, e: MessageOf<'error'>): void {
    if (isSlaveError(e)) {
      // Fenced: another node became master with a newer generation id before this one learnt it
      // lost its lease. Not a failure of the plan: the real master programs the switch.
      this.mastership.lose(result.notes);
      result.notProgrammed = true;
      return;
    }
    result.errors.push(`switch error type ${e.errType} code ${e.code}`);
  }

  /** A message of the round; the switch's only possible answer is an error. */
  private send(round: ApplyRound, m: Parameters<SessionContext['request']>[0]): void {
    round.xids.push(this.s.request(m, null, null, round.handlers));
  }

  private sendMeter(round: ApplyRound, mm: MeterMod): void {
    const command = mm.command === 'add' ? OFPMC.ADD : mm.command === 'modify' ? OFPMC.MODIFY : OFPMC.DELETE;
    this.send(round, { type: 'meter_mod', command, flags: mm.flags, meterId: mm.meterId, bands: mm.bands });
    if (mm.command === 'delete') this.meters.delete(mm.meterId);
    else this.meters.add(mm.meterId);
  }

  /**
   * OpenFlow cannot create queues: ask the switch which exist (queue stats) and note the plan's
   * queues that are missing in the apply result (see docs/dataplane.md for the switch side).
   */
  private checkQueues(views: PlanViews | null, notes: string[]): void {
    const s = this.s;
    const wanted: PlannedQueue[] = (views?.plan.qos.queues ?? [])
      .filter((q) => q.dpid === s.dpid)
      .map((q) => ({ port: q.port, queueId: q.queueId, slice: q.slice }));
    if (!wanted.length) return;
    const portNo = s.version === OFP13 ? OFPP.ANY : OFPP.ALL;
    s.request({ type: 'multipart_request', mpType: 'queue', flags: 0, portNo, queueId: OFPQ_ALL }, null, 'multipart_reply', {
      reply: (parts) =>
        notes.push(queueCheckNote(s.dpid, wanted, new Set(parts.flatMap((p) => (p.queues ?? []).map((q) => `${q.portNo}/${q.queueId}`))))),
      error: (e) => notes.push(`${s.dpid}: queue check refused by the switch (error type ${e.errType} code ${e.code})`),
    });
  }

  /** A new master does not know the meters the previous one added: ask the switch (1.3). */
  learnMeters(views: PlanViews | null): Promise<void> {
    const s = this.s;
    const wanted = (views?.bySwitch.get(s.dpid) ?? []).some((v) => v.meterRateKbps !== null || Object.keys(v.portLimitsKbps).length > 0);
    if (s.version !== OFP13 || !wanted) return Promise.resolve();
    return new Promise((resolve) => {
      s.request({ type: 'multipart_request', mpType: 'meter', flags: 0, meterId: OFPM.ALL }, null, 'multipart_reply', {
        reply: (parts) => {
          for (const p of parts) for (const m of p.meterStats ?? []) this.meters.add(m.meterId);
          resolve();
        },
        error: () => resolve(),
        closed: () => resolve(),
        timeout: () => resolve(),
        timeoutMs: METERS_TIMEOUT_MS,
      });
    });
  }

  private addBinding(v: SliceOnSwitch): void {
    const s = this.s;
    const ctx: SliceContext = { view: v, edgePorts: edgePortsOf(v, s.portNumbers(), s.networkLinkPorts()), meters: this.meterCapable };
    const log = childLogger(s.log, { slice: v.slice });
    const events: TenantEvents = {
      onMessage: (m, raw) => this.tenants.fromTenant(b, m, raw),
      onReady: (ver) => this.tenants.ready(b, ver),
    };
    const b: Binding = {
      view: v,
      sliceNo: sliceNumber(v.slice),
      ctx,
      link: s.host.connectTenant?.(v, log, events) ?? tenantLink(v, log, events),
      // Tracked rules never outnumber the slice's flow_entries, on the switch or in all, nor what the
      // switch's table leaves the slice (deleted ones waiting for their flow-removed go first).
      table: new SliceFlowTable(s.now, () => minBound(trackedBound(b.view.limits), s.capacity.trackedRoom(b))),
      control: v.limits.controlRate ? new TokenBucket(v.limits.controlRate) : null,
      packetIn: v.limits.packetInRate ? new TokenBucket(v.limits.packetInRate) : null,
      missSendLen: 128,
      counters: s.host.counters(v.slice),
    };
    s.bindings.set(v.slice, b);
    // A paused slice keeps its binding; its controller connection waits for resume. Paused with
    // its rules removed: what a switch kept of them (it reconnected, or a new master took it) goes.
    if (!s.host.paused?.(v.slice)) b.link.start();
    else if (s.host.rulesRemoved?.(v.slice)) this.tenants.removeAll(b);
    if (s.switchCongested) b.link.pauseInput?.();
  }

  private removeBinding(b: Binding, round: ApplyRound): void {
    const s = this.s;
    s.unbind(b);
    const meterIds = sliceMeters(b.view, slicePorts(b.ctx)).map((m) => m.meterId);
    const td = sliceTeardown(b.view.index, meterIds, this.meterCapable);
    if (s.version === OFP13) {
      for (const fm of td.flowMods) this.send(round, { type: 'flow_mod', ...fm });
    } else {
      // OpenFlow 1.0 cannot delete by cookie: delete the slice's whole space instead.
      const r = rewriteFlowMod(b.ctx, { ...td.flowMods[0]!, tableId: OFPTT_ALL, command: FC.DELETE, match: {} }, 0n);
      if (r.ok) for (const fm of r.value) this.send(round, { type: 'flow_mod', ...fm });
    }
    for (const mm of td.meterMods) this.sendMeter(round, mm);
    s.counters(b).flowEntries -= b.table.entries;
    b.table.clear();
  }
}

function tenantLink(v: SliceOnSwitch, log: Logger, events: TenantEvents): TenantConnection {
  return new TenantLink(
    v.slice,
    v.controllers,
    log,
    (_l, m, raw) => events.onMessage(m, raw),
    (_l, ver) => events.onReady(ver),
  );
}

function sameView(a: SliceOnSwitch, b: SliceOnSwitch): boolean {
  const norm = (v: SliceOnSwitch) =>
    JSON.stringify(v, (_k, x) => (x instanceof Set ? [...x].sort() : typeof x === 'bigint' ? x.toString() : x));
  return norm(a) === norm(b);
}

/** The most rules a slice's table on one switch tracks: its flow_entries there, or in all (null: no limit). */
function trackedBound(l: { flowEntriesSwitch: number | null; flowEntriesTotal: number | null }): number | null {
  if (l.flowEntriesSwitch === null) return l.flowEntriesTotal;
  return l.flowEntriesTotal === null ? l.flowEntriesSwitch : Math.min(l.flowEntriesSwitch, l.flowEntriesTotal);
}

/** The smaller of two bounds (null: none). */
function minBound(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}
