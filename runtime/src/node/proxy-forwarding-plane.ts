// Adapts the slicing proxy to what a runtime node needs (ForwardingPlane), with per-switch mastership:
// every switch that connects contends for its lease through the SwitchArbiter; the arbiter's
// role decisions become OpenFlow role requests and programming in the proxy; the statistics
// collector asks only the switches this node masters, and sliceCounters() reports its sums.
// With one node (the embedded store) the node wins every lease at once and programs every switch.
import type { Plan } from '@dfvisor/grammar';
import { SlicingProxy, flowKey, type SessionStats, type StatsMessageCounts } from '../proxy/index.js';
import {
  SliceTotals,
  RemovedCounters,
  SwitchArbiter,
  queueKey,
  queueOwners,
  sliceIdsFromHistory,
  writeApplyReport,
  type QueueOwners,
  type SwitchStatsSnapshot,
} from '../cluster/index.js';
import type { SwitchApplyResult } from '../proxy/session/index.js';
import { sliceOfCookie } from '../dataplane/cookies.js';
import { localRevisionHistory } from '../store/index.js';
import type { ApplyResult } from '../deploy/service.js';
import type { ForwardingPlane, ForwardingPlaneStatus, SliceCounters } from './forwarding-plane.js';
import type { ForwardingPlaneContext } from './runtime-node.js';
import { readTlsFiles } from './config.js';
import type { DiscoveryView, SliceSwitchFlowsView, VirtualLinkView } from '../view/runtime-view.js';
import { discoveryKey, LinkSightings } from './link-sightings.js';
import { isPausedKey, pausedSlices, slicesPausedWithoutRules } from './paused-slices.js';

export class ProxyForwardingPlane implements ForwardingPlane {
  readonly proxy: SlicingProxy;
  readonly arbiter: SwitchArbiter;
  readonly totals: SliceTotals;
  private plan: Plan | undefined;
  /** The revision of `plan` (reported with each switch this node programs). */
  private revision: number | undefined;
  private queues: QueueOwners = new Map();
  private readonly reconciledRules = { removed: 0, restored: 0, metersRemoved: 0, metersRestored: 0 };
  private readonly removedCounters: RemovedCounters;
  /** The probe key: filled from the store in start(), before any switch can connect. */
  private readonly probeKey = Buffer.alloc(32);
  private readonly sightings: LinkSightings;
  private discoveryStartedAt: number | null = null;

  constructor(private readonly ctx: ForwardingPlaneContext) {
    const interval = Math.max(200, ctx.config.statsIntervalMs);
    this.removedCounters = new RemovedCounters(ctx.store, 200, ctx.logger);
    let arbiter: SwitchArbiter | undefined;
    const { ofTls, ofPlainListen, tenantTls } = ctx.config;
    let totals: SliceTotals | undefined;
    const discoveryMs = ctx.config.discoveryIntervalMs;
    this.sightings = new LinkSightings(ctx.store, ctx.tier, Math.max(discoveryMs, 1), ctx.logger);
    this.proxy = new SlicingProxy({
      // Slice-wide flow_entries count every node's switches (published through the global tier).
      sliceEntries: (slice) => totals?.total(slice) ?? 0,
      ofListen: `${ctx.config.ofListen.host}:${ctx.config.ofListen.port}`,
      ofTls: ofTls && readTlsFiles(ofTls, 'OpenFlow TLS (--of-tls-*)'),
      ofPlainListen: ofPlainListen && `${ofPlainListen.host}:${ofPlainListen.port}`,
      tenantTls: tenantTls && readTlsFiles(tenantTls, 'tenant controller TLS (--tenant-tls-*)'),
      logger: ctx.logger,
      roles: {
        switchUp: (dpid) => arbiter?.switchUp(dpid),
        switchDown: (dpid) => void arbiter?.switchDown(dpid),
        mayWrite: (dpid) => arbiter?.mastership.holdsLease(dpid) ?? false,
        refused: (dpid, generationId) => arbiter?.mastership.switchRefused(dpid, generationId),
      },
      // Tenant polls are answered from the collector's last round while it is recent.
      statsCacheMs: 3 * interval,
      // Final counters of removed flows keep the slice's totals from dropping.
      onFlowRemoved: (e) => {
        arbiter?.stats.flowRemoved(e);
        // The final counters also go to the global tier: the slice keeps them if this node dies.
        const owner = sliceOfCookie(e.cookie);
        const slice = owner ? this.proxy.sliceNameOf(owner.index) : undefined;
        if (slice) this.removedCounters.add(slice, e.dpid, Number(e.packetCount), Number(e.byteCount));
      },
      // Stale rules removed / missing base rules restored by a master: counted and announced.
      onReconciled: (r) => {
        this.reconciledRules.removed += r.removed;
        this.reconciledRules.restored += r.restored;
        this.reconciledRules.metersRemoved += r.metersRemoved;
        this.reconciledRules.metersRestored += r.metersRestored;
        ctx.publish?.({ type: 'switch-reconciled', ...r });
      },
      limits: {
        handshakeMs: ctx.config.ofHandshakeTimeoutMs,
        idleMs: ctx.config.ofIdleMs,
        echoTimeoutMs: ctx.config.ofEchoTimeoutMs,
        maxSwitchConnections: ctx.config.ofMaxSwitchConnections,
      },
      ...(discoveryMs > 0 ? { discovery: { key: this.probeKey, intervalMs: discoveryMs, onLink: (o) => this.sightings.seen(o) } } : {}),
    });
    this.totals = totals = new SliceTotals({
      store: ctx.store,
      tier: ctx.tier,
      nodeId: ctx.config.nodeId,
      local: () => this.proxy.entriesBySwitch(),
      onError: (message) => ctx.logger.warn({ err: message }, 'slice entry counts not published'),
    });
    this.arbiter = arbiter = new SwitchArbiter({
      store: ctx.store,
      tier: ctx.tier,
      nodeId: ctx.config.nodeId,
      statsIntervalMs: interval,
      logger: ctx.logger,
      control: {
        setRole: async (dpid, role, generationId) => {
          const r = await this.proxy.setRole(dpid, role, generationId);
          if (r && !r.ok) ctx.logger.warn({ dpid, errors: r.errors }, 'programming the switch as its new master failed');
          // A switch that comes back (or a new master) carries the current revision now: say so.
          if (r) await this.report(r);
        },
        collectStats: async (dpid) => toSnapshot(dpid, await this.proxy.collectStats(dpid)),
        sliceName: (i) => this.proxy.sliceNameOf(i),
        queueSlice: (dpid, port, queueId) => this.queues.get(queueKey(dpid, port, queueId)),
      },
    });
  }

  /** The paused slices as the store holds them (paused-slices.ts), applied to the proxy. */
  private syncPaused(): void {
    this.proxy.setPaused(pausedSlices(this.ctx.tier), slicesPausedWithoutRules(this.ctx.tier));
  }

  async start(): Promise<void> {
    this.syncPaused();
    this.ctx.tier.on((e) => {
      if (e.map === 'meta' && isPausedKey(e.key)) this.syncPaused();
    });
    if (this.ctx.config.discoveryIntervalMs > 0) {
      (await discoveryKey(this.ctx.store)).copy(this.probeKey);
      this.discoveryStartedAt = Date.now();
    }
    const bound = await this.proxy.start();
    this.ctx.config.ofListen = { host: bound.host, port: bound.port };
    const plain = this.proxy.plainAddress();
    if (plain) this.ctx.config.ofPlainListen = plain;
    this.arbiter.start();
    this.totals.start();
  }

  async stop(): Promise<void> {
    this.totals.stop();
    // Leases released first: the other nodes take the switches over at once.
    await this.arbiter.stop().catch((e) => this.ctx.logger.warn({ err: e }, 'stopping the mastership failed'));
    await this.proxy.stop();
    await this.removedCounters.close();
  }

  async applyPlan(plan: Plan | undefined, revision?: number): Promise<ApplyResult> {
    this.plan = plan;
    this.revision = revision;
    this.queues = queueOwners(plan?.qos.queues ?? []);
    // Slice ids from the shared revision chain: every node numbers the slices alike.
    const history = localRevisionHistory(this.ctx.tier)
      .reverse()
      .map((rev) => (rev.body as { plan?: Plan } | null)?.plan);
    const r = await this.proxy.applyPlan(plan ?? null, plan ? sliceIdsFromHistory([...history, plan]) : undefined);
    await Promise.all(r.switches.map((s) => this.report(s)));
    return { ok: r.ok, errors: r.switches.flatMap((s) => s.errors.map((e) => `${s.dpid}: ${e}`)) };
  }

  /** What this node, as the switch's master, made of the current revision (cluster/apply-reports.ts). */
  private async report(r: SwitchApplyResult): Promise<void> {
    if (this.revision === undefined || r.notProgrammed || !this.arbiter.mayProgram(r.dpid)) return;
    // The connection closed during the apply: not a refusal; the switch's next master reports.
    if (!r.ok && r.errors.length === 0) return;
    await writeApplyReport(
      this.ctx.store,
      {
        dpid: r.dpid,
        revision: this.revision,
        status: r.ok ? 'applied' : 'refused',
        errors: r.ok ? [] : r.errors,
        node: this.ctx.config.nodeId,
        generationId: String(this.arbiter.mastership.generation(r.dpid)),
        at: new Date().toISOString(),
      },
      this.ctx.logger,
    );
  }

  status(): ForwardingPlaneStatus {
    const st = this.proxy.status();
    const switches = st.switches.map((s) => ({
      dpid: s.dpid,
      connected: true,
      master: s.role === 'master' && this.arbiter.mayProgram(s.dpid),
      role: s.role,
      generationId: s.generationId,
    }));
    const slices = (this.plan?.slices ?? []).map((s) => {
      const bindings = st.switches.flatMap((sw) => sw.slices.filter((b) => b.slice === s.name));
      return {
        name: s.name,
        controllers: s.controllers.map((c) => ({
          url: c.url,
          connected: bindings.some((b) => b.connected && b.controller === `${c.host}:${c.port}`),
        })),
      };
    });
    return { switches, slices, refused: st.refused };
  }

  /** This node's share: packets, bytes and tenant flows of the switches it masters (collected), packet-ins it delivered. */
  sliceCounters(slice: string): SliceCounters | undefined {
    const c = this.proxy.sliceCounters()[slice];
    // Live flow statistics only: removed flows' counters are in the global tier (removed-counters.ts).
    const collected = this.arbiter.stats.sliceCounters(slice, false);
    if (!c && !collected) return undefined;
    return {
      packets: collected?.packets ?? 0,
      bytes: collected?.bytes ?? 0,
      flows: collected?.flows ?? 0,
      packetIns: c?.packetInsDelivered ?? 0,
      perSwitch: collected?.perSwitch ?? [],
      removed: collected?.removed ?? { packets: 0, bytes: 0 },
      queues: collected?.queues ?? [],
      proxy: {
        packetInsDropped: c?.packetInsDropped ?? 0,
        controlRateDrops: c?.controlRateDrops ?? 0,
        flowModsRejected: c?.flowModsRejected ?? 0,
        packetOutsRejected: c?.packetOutsRejected ?? 0,
        refused: Object.entries(c?.refused ?? {})
          .map(([k, count]) => ({ message: k.slice(0, k.indexOf('/')), reason: k.slice(k.indexOf('/') + 1), count }))
          .sort((a, b) => (a.message + a.reason < b.message + b.reason ? -1 : 1)),
      },
    };
  }

  sliceFlows(slice: string): SliceSwitchFlowsView[] {
    return this.proxy.sliceFlows(slice);
  }

  virtualLinks(slice: string): VirtualLinkView[] {
    return this.proxy.virtualLinks(slice);
  }

  discovery(): DiscoveryView {
    const intervalMs = this.ctx.config.discoveryIntervalMs;
    const st = this.proxy.status();
    return {
      enabled: intervalMs > 0,
      intervalMs,
      startedAt: this.discoveryStartedAt === null ? null : new Date(this.discoveryStartedAt).toISOString(),
      sightings: intervalMs > 0 ? this.sightings.fresh() : [],
      ports: st.switches.map((s) => ({ dpid: s.dpid, ports: s.portStates })),
      probes: this.proxy.probeCountsNow(),
    };
  }

  statsMessages(): StatsMessageCounts {
    return this.proxy.statsMessageCounts();
  }

  peerDown(nodeId: string): Promise<string[]> {
    return this.arbiter.mastership.peerDown(nodeId);
  }

  reconciled(): { removed: number; restored: number; metersRemoved: number; metersRestored: number } {
    return { ...this.reconciledRules };
  }
}

function toSnapshot(dpid: string, s: SessionStats | undefined): SwitchStatsSnapshot | undefined {
  if (!s) return undefined;
  return {
    dpid,
    at: s.at,
    flows: s.flows.map((f) => ({
      cookie: f.cookie,
      packetCount: f.packetCount,
      byteCount: f.byteCount,
      key: flowKey(f.cookie, f.priority, f.match),
    })),
    ports: s.ports.map((p) => ({
      portNo: p.portNo,
      rxPackets: Number(p.rxPackets),
      txPackets: Number(p.txPackets),
      rxBytes: Number(p.rxBytes),
      txBytes: Number(p.txBytes),
      rxDropped: Number(p.rxDropped),
      txDropped: Number(p.txDropped),
    })),
    queues: s.queues.map((q) => ({
      portNo: q.portNo,
      queueId: q.queueId,
      txPackets: Number(q.txPackets),
      txBytes: Number(q.txBytes),
      txErrors: Number(q.txErrors),
    })),
    meters: s.meters.map((m) => ({
      meterId: m.meterId,
      flowCount: m.flowCount,
      packetsIn: Number(m.packetInCount),
      bytesIn: Number(m.byteInCount),
      bandPackets: Number(m.bandPackets),
      bandBytes: Number(m.bandBytes),
    })),
  };
}

export function createProxyForwardingPlane(ctx: ForwardingPlaneContext): ForwardingPlane {
  return new ProxyForwardingPlane(ctx);
}
