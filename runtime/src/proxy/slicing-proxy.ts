// The slicing proxy (`dfvisor run`'s data path): accepts switches, applies plans to them
// (push-based setup, deploy/undeploy by diff), and reports status and per-slice counters.
import { createServer, type Server } from 'node:net';
import type { Plan } from '@dfvisor/grammar';
import { OfChannel, childLogger, silentLogger, type Logger } from './channel.js';
import { buildPlanModel, type PlanModel } from './slice-model.js';
import { SwitchSession, type SwitchApplyResult } from './switch-session.js';
import { emptyCounters, type SliceCounters } from './counters.js';

export interface SlicingProxyOptions {
  /** "HOST:PORT"; default 127.0.0.1:6653. Port 0 picks a free port (see `address()`). */
  ofListen?: string;
  logger?: Logger;
}

export interface ApplyResult { ok: boolean; switches: SwitchApplyResult[] }

export interface ProxyStatus {
  listening: { host: string; port: number } | null;
  switches: Array<{ dpid: string; version: number | null; ports: number[]; slices: Array<{ slice: string; controller: string | null; connected: boolean; connects: number; flowEntries: number }> }>;
  slices: Record<string, SliceCounters>;
}

export class SlicingProxy {
  private server: Server | null = null;
  private sessions = new Set<SwitchSession>();
  private model: PlanModel | null = null;
  private counters = new Map<string, SliceCounters>();
  private sliceIds = new Map<string, number>();
  private readonly log: Logger;
  private readonly host: string;
  private readonly port: number;
  private bound: { host: string; port: number } | null = null;

  constructor(opts: SlicingProxyOptions = {}) {
    const [h, p] = splitHostPort(opts.ofListen ?? '127.0.0.1:6653');
    this.host = h; this.port = p;
    this.log = childLogger(opts.logger ?? silentLogger, { component: 'proxy' });
  }

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

  address(): { host: string; port: number } | null { return this.bound; }

  private accept(sock: import('node:net').Socket): void {
    const ch = new OfChannel(sock, this.log);
    const session = new SwitchSession(ch, {
      log: this.log,
      counters: (slice) => this.countersOf(slice),
      totalEntries: (slice) => this.countersOf(slice).flowEntries,
      sessionReady: () => {},
      sessionClosed: (s) => this.sessions.delete(s),
    }, () => this.model);
    this.sessions.add(session);
  }

  private countersOf(slice: string): SliceCounters {
    let c = this.counters.get(slice);
    if (!c) { c = emptyCounters(); this.counters.set(slice, c); }
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
   */
  async applyPlan(plan: Plan | null): Promise<ApplyResult> {
    const model = plan ? buildPlanModel(plan, (s) => this.idOf(s)) : null;
    this.model = model;
    const keep = new Set(plan?.slices.map((s) => s.name) ?? []);
    const results = await Promise.all([...this.sessions].filter((s) => s.ready).map((s) => s.apply(model)));
    for (const name of [...this.sliceIds.keys()]) if (!keep.has(name)) { this.sliceIds.delete(name); this.counters.delete(name); }
    const ok = results.every((r) => r.ok);
    this.log.info({ slices: [...keep], switches: results.length, ok }, 'plan applied');
    return { ok, switches: results };
  }

  currentPlan(): Plan | null { return this.model?.plan ?? null; }

  sliceCounters(): Record<string, SliceCounters> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { ...v }]));
  }

  status(): ProxyStatus {
    return {
      listening: this.bound,
      switches: [...this.sessions].filter((s) => s.ready).map((s) => ({
        dpid: s.dpidHex,
        version: s.version,
        ports: [...s.ports.keys()].filter((p) => p < 0xffffff00).sort((a, b) => a - b),
        slices: [...s.bindings.values()].map((b) => ({
          slice: b.view.slice,
          controller: b.link.connectedTo ? `${b.link.connectedTo.host}:${b.link.connectedTo.port}` : null,
          connected: b.link.connected,
          connects: b.link.connects,
          flowEntries: b.table.entries,
        })),
      })).sort((a, b) => (a.dpid < b.dpid ? -1 : 1)),
      slices: this.sliceCounters(),
    };
  }

  async stop(): Promise<void> {
    for (const s of this.sessions) s.close();
    this.sessions.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  if (i < 0) return ['127.0.0.1', Number(s)];
  return [s.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1', Number(s.slice(i + 1))];
}
