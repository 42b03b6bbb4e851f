// RuntimeWatch: what the runtime looks like right now: deployed slices and their counters. Refreshed on the runtime's
// event stream (slice-changed, revision, stats) or, when that is not available, on a timer.
import * as vscode from 'vscode';
import { isApiError } from '../api/errors.js';
import { subscribe, type SseSubscription } from '../api/sse.js';
import type { SliceStats, SliceSummary, Topology, TopologyCheck, VirtualLink } from '../api/types.js';
import { refreshSecondsSetting, type Connection } from '../settings.js';

export interface RuntimeSnapshot {
  url: string;
  reachable: boolean;
  error?: string;
  slices: SliceSummary[];
  stats: Map<string, SliceStats>;
  /** Each slice's virtual links across the managed core (absent: none, or not readable). */
  virtualLinks?: Map<string, VirtualLink[]>;
  revision: number | null;
  embedded: boolean;
  live: boolean;
  /** Declared vs discovered (admin tokens only; undefined otherwise or when unreachable). */
  topology?: TopologyCheck;
  /** The deployed network's switches (with `connected`) and declared links, as GET /v1/topology gives them. */
  network?: Pick<Topology, 'switches' | 'links'>;
}

export class RuntimeWatch implements vscode.Disposable {
  private snapshot: RuntimeSnapshot = {
    url: '',
    reachable: false,
    slices: [],
    stats: new Map(),
    revision: null,
    embedded: false,
    live: false,
  };
  private readonly changed = new vscode.EventEmitter<RuntimeSnapshot>();
  readonly onDidChange = this.changed.event;
  private events: SseSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private refreshing: Promise<RuntimeSnapshot> | undefined;
  private again = false;
  private disposed = false;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly log: (line: string) => void,
  ) {
    this.subs.push(connection.onDidChange(() => this.restart()));
  }

  get current(): RuntimeSnapshot {
    return this.snapshot;
  }

  start(): void {
    this.restart();
  }

  /** Re-reads slices and counters now (coalesces concurrent calls). */
  refresh(): Promise<RuntimeSnapshot> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.load().finally(() => {
      this.refreshing = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async load(): Promise<RuntimeSnapshot> {
    const conn = await this.connection.current();
    const api = await this.connection.api();
    const next: RuntimeSnapshot = {
      url: api.base,
      reachable: false,
      slices: [],
      stats: new Map(),
      revision: null,
      embedded: this.connection.embedded,
      live: this.events !== undefined,
    };
    try {
      next.slices = await api.listSlices({ timeoutMs: 5000 });
      next.reachable = true;
      const stats = await Promise.all(next.slices.map((s) => api.sliceStats(s.name, { timeoutMs: 5000 }).catch(() => undefined)));
      stats.forEach((st, i) => {
        if (st) next.stats.set(next.slices[i].name, st);
      });
      const links = await Promise.all(next.slices.map((s) => api.sliceVirtualLinks(s.name, { timeoutMs: 5000 }).catch(() => undefined)));
      next.virtualLinks = new Map();
      links.forEach((l, i) => {
        if (l?.virtualLinks.length) next.virtualLinks!.set(next.slices[i].name, l.virtualLinks);
      });
      const topology = await api.topology({ timeoutMs: 5000 }).catch(() => undefined);
      next.topology = topology?.discovery;
      next.network = topology && { switches: topology.switches, links: topology.links };
      next.revision = next.slices.reduce<number | null>(
        (m, s) => (typeof s.revision === 'number' && (m === null || s.revision > m) ? s.revision : m),
        null,
      );
    } catch (e) {
      next.error = isApiError(e) ? e.message : String(e);
      if (!conn.token && isApiError(e) && e.code === 'UNAUTHORIZED') next.error += ' (no token set)';
    }
    if (!this.disposed) {
      this.snapshot = next;
      this.changed.fire(next);
    }
    return next;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refresh();
    }, 300);
  }

  private restart(): void {
    this.events?.close();
    this.events = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    void this.refresh();
    void this.openEvents();
    // While the event stream is down: refresh on a timer and try the stream again.
    this.timer = setInterval(() => {
      if (this.events) return;
      void this.refresh();
      void this.openEvents();
    }, refreshSecondsSetting() * 1000);
  }

  private async openEvents(): Promise<void> {
    const api = await this.connection.api();
    if (this.disposed || this.events) return;
    const sub = subscribe(`${api.base}/v1/events`, api.headers(), (ev) => {
      if (
        ev.event === 'slice-changed' ||
        ev.event === 'revision' ||
        ev.event === 'stats' ||
        ev.event === 'deploy-progress' ||
        ev.event === 'topology'
      )
        this.schedule();
    });
    this.events = sub;
    const err = await sub.done;
    if (this.events !== sub) return;
    this.events = undefined;
    if (err) this.log(`event stream closed: ${err.message}`);
  }

  dispose(): void {
    this.disposed = true;
    this.events?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
  }
}
