// The slicing proxy (`dfvisor run`'s data path): accepts switches, applies plans to them
// (push-based setup, deploy/undeploy by diff), and reports status and per-slice counters.
import { createServer, type Server } from 'node:net';
import type { Plan } from '@dfvisor/grammar';
import { OfChannel, childLogger, silentLogger, type Logger } from './channel.js';
import { countLimit, DEFAULT_LISTENER_LIMITS, type ListenerLimits, setTenantLinkLimits } from './channel-limits.js';
import { buildPlanViews, type PlanViews } from './slice-views.js';
import { OFPP13 } from '../openflow/constants.js';
import { SwitchSession, type RemovedFlow, type SessionRole, type SessionStats, type SwitchApplyResult } from './session/index.js';
import { emptyCounters, emptyStatsMessageCounts, type SliceControlCounters, type StatsMessageCounts } from './counters.js';

export interface SlicingProxyOptions {
  /** "HOST:PORT"; default 127.0.0.1:6653. Port 0 picks a free port (see `address()`). */
  ofListen?: string;
  logger?: Logger;
  /**
   * Several runtime nodes share the switches: a session waits for setRole before it programs
   * its switch, and these hooks tell the arbiter when a switch connects and goes. Without
   * them every session is master at once (one node).
   */
  roles?: { switchUp(dpid: string): void; switchDown(dpid: string): void };
  /** Answer tenant stats polls from a statistics round younger than this (ms); default: no cache. */
  statsCacheMs?: number;
  /** Called with the final counters of every slice flow entry a switch removes. */
  onFlowRemoved?: (e: RemovedFlow) => void;
  /**
   * Bounds of the OpenFlow connections (defaults: DEFAULT_LISTENER_LIMITS): handshake, idle and
   * echo times apply to switches and (process-wide) to tenant links; the cap to switch connections.
   */
  limits?: Partial<ListenerLimits>;
}

/** A plan applied to every switch connected to this proxy: one result per switch. */
export interface ProxyApplyResult {
  ok: boolean;
  switches: SwitchApplyResult[];
}

export interface ProxyStatus {
  listening: { host: string; port: number } | null;
  switches: Array<{
    dpid: string;
    version: number | null;
    role: SessionRole;
    generationId: string;
    ports: number[];
    slices: Array<{ slice: string; controller: string | null; connected: boolean; connects: number; flowEntries: number }>;
  }>;
  slices: Record<string, SliceControlCounters>;
}

export class SlicingProxy {
  private server: Server | null = null;
  private sessions = new Set<SwitchSession>();
  private views: PlanViews | null = null;
  private counters = new Map<string, SliceControlCounters>();
  private sliceIds = new Map<string, number>();
  private readonly log: Logger;
  private readonly host: string;
  private readonly port: number;
  private bound: { host: string; port: number } | null = null;
  private readonly statsCounts: StatsMessageCounts = emptyStatsMessageCounts();

  constructor(opts: SlicingProxyOptions = {}) {
    const [h, p] = splitHostPort(opts.ofListen ?? '127.0.0.1:6653');
    this.host = h;
    this.port = p;
    this.log = childLogger(opts.logger ?? silentLogger, { component: 'proxy' });
    this.opts = opts;
    this.limits = { ...DEFAULT_LISTENER_LIMITS, ...opts.limits };
    // Tenant links read their bounds process-wide (one node per process): the newest proxy's.
    setTenantLinkLimits(this.limits);
  }
  private readonly opts: SlicingProxyOptions;
  private readonly limits: ListenerLimits;

  start(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const server = createServer((sock) => this.accept(sock));
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        const a = server.address();
        this.bound = { host: this.host, port: typeof a === 'object' && a ? a.port : this.port };
        this.log.info(this.bound, 'OpenFlow listener up');
        resolve(this.bound);
      });
      this.server = server;
    });
  }

  address(): { host: string; port: number } | null {
    return this.bound;
  }

  private accept(sock: import('node:net').Socket): void {
    // A switch that reconnects while the proxy stops must not keep server.close() waiting.
    if (!this.server) {
      sock.destroy();
      return;
    }
    if (this.sessions.size >= this.limits.maxSwitchConnections) {
      countLimit(this.log, 'switch', 'over_cap', {
        remote: `${sock.remoteAddress}:${sock.remotePort}`,
        cap: this.limits.maxSwitchConnections,
      });
      sock.on('error', () => {});
      sock.destroy();
      return;
    }
    // The handshake (hello, features, port descriptions) must end within the bound; then idle/echo.
    const ch = new OfChannel(sock, this.log, undefined, 'switch', this.limits);
    const session: SwitchSession = new SwitchSession(
      ch,
      {
        log: this.log,
        counters: (slice) => this.countersOf(slice),
        totalEntries: (slice) => this.countersOf(slice).flowEntries,
        sessionReady: () => {
          ch.established();
          this.opts.roles?.switchUp(session.dpid);
        },
        sessionClosed: () => {
          this.sessions.delete(session);
          if (session.ready && session.dpid) this.opts.roles?.switchDown(session.dpid);
        },
        arbitrated: this.opts.roles !== undefined,
        statsCacheMs: this.opts.statsCacheMs ?? null,
        statsRequestsSent: (n) => {
          this.statsCounts.requestsToSwitches += n;
        },
        flowRemoved: (e) => this.opts.onFlowRemoved?.(e),
        tenantPoll: (a) => {
          if (a === 'cache') this.statsCounts.tenantPollsFromCache++;
          else this.statsCounts.tenantPollsForwarded++;
        },
      },
      () => this.views,
    );
    this.sessions.add(session);
  }

  private countersOf(slice: string): SliceControlCounters {
    let c = this.counters.get(slice);
    if (!c) {
      c = emptyCounters();
      this.counters.set(slice, c);
    }
    return c;
  }

  private idOf(slice: string): number {
    let id = this.sliceIds.get(slice);
    if (id === undefined) {
      const used = new Set(this.sliceIds.values());
      id = 0;
      while (used.has(id)) id++;
      this.sliceIds.set(slice, id);
    }
    return id;
  }

  /**
   * Deploys a plan by diff against the current one: removed or changed slices are torn down on
   * every connected switch, new ones set up (base rules, meters) and their controllers connected.
   * `null` undeploys everything. Per-switch results allow a rollback by applying the old plan.
   * `sliceIds`: the slices' ids (cookie prefixes) when they are decided outside this proxy.
   */
  async applyPlan(plan: Plan | null, sliceIds?: ReadonlyMap<string, number>): Promise<ProxyApplyResult> {
    if (sliceIds && plan) {
      // Cluster-wide ids (several nodes program the same switches). A slice whose id changes is
      // set up again under the new id; removed slices keep theirs until their teardown below.
      const keep = new Map(
        [...this.sliceIds].filter(([name, id]) => !plan.slices.some((s) => s.name === name) && ![...sliceIds.values()].includes(id)),
      );
      for (const s of plan.slices) {
        const id = sliceIds.get(s.name);
        if (id !== undefined) keep.set(s.name, id);
      }
      this.sliceIds = keep;
    }
    const views = plan ? buildPlanViews(plan, (s) => this.idOf(s)) : null;
    this.views = views;
    const keep = new Set(plan?.slices.map((s) => s.name) ?? []);
    const results = await Promise.all([...this.sessions].filter((s) => s.ready).map((s) => s.apply(views)));
    for (const name of [...this.sliceIds.keys()])
      if (!keep.has(name)) {
        this.sliceIds.delete(name);
        this.counters.delete(name);
      }
    const ok = results.every((r) => r.ok);
    this.log.info({ slices: [...keep], switches: results.length, ok }, 'plan applied');
    return { ok, switches: results };
  }

  /** The ready sessions of a switch, newest first (a reconnecting switch may have two for a moment). */
  private sessionsOf(dpid: string): SwitchSession[] {
    return [...this.sessions].filter((s) => s.ready && !s.channel.closed && s.dpid === dpid).sort((a, b) => b.connectedAt - a.connectedAt);
  }

  /**
   * The arbiter's decision for a switch: the newest session takes the role (OpenFlow 1.3 role
   * request with the generation id, then programming as master or tenant shutdown as slave);
   * an older session of the same switch becomes slave.
   */
  async setRole(dpid: string, role: 'master' | 'slave', generationId: bigint): Promise<SwitchApplyResult | undefined> {
    const [newest, ...older] = this.sessionsOf(dpid);
    for (const s of older) await s.setRole('slave', generationId);
    return newest?.setRole(role, generationId);
  }

  roleOf(dpid: string): SessionRole | undefined {
    return this.sessionsOf(dpid)[0]?.role;
  }

  /** One statistics round over the switch's connection (flow, port, meter stats). */
  collectStats(dpid: string): Promise<SessionStats | undefined> {
    const s = this.sessionsOf(dpid)[0];
    return s ? s.collectStats() : Promise.resolve(undefined);
  }

  /** The slice whose cookies carry `index` (this proxy's numbering). */
  sliceNameOf(index: number): string | undefined {
    for (const [name, id] of this.sliceIds) if (id === index) return name;
    return undefined;
  }

  statsMessageCounts(): StatsMessageCounts {
    return { ...this.statsCounts };
  }

  currentPlan(): Plan | null {
    return this.views?.plan ?? null;
  }

  sliceCounters(): Record<string, SliceControlCounters> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { ...v }]));
  }

  status(): ProxyStatus {
    return {
      listening: this.bound,
      switches: [...this.sessions]
        .filter((s) => s.ready)
        .map((s) => ({
          dpid: s.dpid,
          version: s.version,
          role: s.role,
          generationId: String(s.generationId),
          ports: [...s.ports.keys()].filter((p) => p < OFPP13.MAX).sort((a, b) => a - b),
          slices: [...s.bindings.values()].map((b) => ({
            slice: b.view.slice,
            controller: b.link.connectedTo ? `${b.link.connectedTo.host}:${b.link.connectedTo.port}` : null,
            connected: b.link.connected,
            connects: b.link.connects,
            flowEntries: b.table.entries,
          })),
        }))
        .sort((a, b) => (a.dpid < b.dpid ? -1 : 1)),
      slices: this.sliceCounters(),
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    for (const s of this.sessions) s.close();
    this.sessions.clear();
    await closed;
  }
}

function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  if (i < 0) return ['127.0.0.1', Number(s)];
  return [s.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1', Number(s.slice(i + 1))];
}
