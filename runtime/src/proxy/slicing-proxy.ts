// The slicing proxy (`dfvisor run`'s data path): accepts switches, applies plans to them
// (push-based setup, deploy/undeploy by diff), and reports status and per-slice counters.
// Switch identity: once a plan is deployed only the datapath ids its network declares are
// served (others are refused, logged once per dpid and interval, and counted); with no plan
// every switch is accepted. A dpid has one live session: a second connection naming it waits,
// unserved, while the live one answers echoes, and takes over only when it fails one.
// With TLS material the listener speaks mutual TLS only (openflow-tls.ts); a plain TCP listener
// is then opened only where `ofPlainListen` asks for one.
import { createServer, type Server, type Socket } from 'node:net';
import type { Plan } from '@dfvisor/grammar';
import { OfChannel, childLogger, silentLogger, type Logger } from './channel.js';
import { countLimit, DEFAULT_LISTENER_LIMITS, type ListenerLimits, setTenantLinkLimits } from './channel-limits.js';
import { buildPlanViews, type PlanViews } from './slice-views.js';
import { CoreState, type PathChange } from '../dataplane/core-paths.js';
import { virtualLinkViews, type VirtualLinkView } from './virtual-link-stats.js';
import { remoteOf, secureContextOf, setTenantTls, TlsAcceptor, type TlsMaterial } from './openflow-tls.js';
import { sliceSwitchFlows, type SliceSwitchFlows } from './slice-flows.js';
import { OFPP13 } from '../openflow/constants.js';
import {
  SwitchSession,
  type SwitchChannel,
  type RemovedFlow,
  type ReconcileResult,
  type SessionRole,
  type SessionStats,
  type SwitchApplyResult,
  type LinkObservation,
  type DiscoveryHost,
  type TableCapacityView,
} from './session/index.js';
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
  roles?: {
    switchUp(dpid: string): void;
    switchDown(dpid: string): void;
    /** The fence before a master writes: this node's lease on the switch is still valid (default: yes). */
    mayWrite?(dpid: string): boolean;
    /** The switch refused this node as master with that generation id (IS_SLAVE, stale role request). */
    refused?(dpid: string, generationId: bigint): void;
  };
  /** Answer tenant stats polls from a statistics round younger than this (ms); default: no cache. */
  statsCacheMs?: number;
  /** Called with the final counters of every slice flow entry a switch removes. */
  onFlowRemoved?: (e: RemovedFlow) => void;
  /** Called when a master removed stale rules from a switch or restored missing base rules. */
  onReconciled?: (r: ReconcileResult) => void;
  /**
   * Bounds of the OpenFlow connections (defaults: DEFAULT_LISTENER_LIMITS): handshake, idle and
   * echo times apply to switches and (process-wide) to tenant links; the cap to switch connections.
   */
  limits?: Partial<ListenerLimits>;
  /**
   * A second connection for a dpid with a live session: the live one must answer an echo within
   * this bound (ms), every such interval while the newcomer waits, or it is closed and the
   * newcomer takes over. Default 3000.
   */
  echoTimeoutMs?: number;
  /** A refused dpid is logged at most once per this interval (ms). Default 60000. */
  refusedLogIntervalMs?: number;
  /**
   * Mutual TLS on the OpenFlow listener (`ofListen`): a switch must present a certificate the CA
   * signed. With it the listener speaks TLS only.
   */
  ofTls?: TlsMaterial;
  /** With `ofTls`: a plain TCP listener too, at "HOST:PORT" (port 0: a free one, see `plainAddress()`). */
  ofPlainListen?: string;
  /** Client certificate, key and CA for `ssl:` tenant controllers (process-wide, like the limits). */
  tenantTls?: TlsMaterial;
  /**
   * A slice's flow entries over the whole cluster, for its slice-wide flow_entries limit
   * (cluster/slice-totals.ts; see `entriesBySwitch`). Default: this node's own count.
   */
  sliceEntries?: (slice: string) => number;
  /**
   * Link discovery: every `intervalMs` the master of each switch sends the hypervisor's LLDP
   * probes (signed with `key`) out of every port; each one that comes back is an observed link.
   */
  discovery?: { key: Buffer; intervalMs: number; onLink(o: LinkObservation): void };
}

/** The link discovery probes of this proxy since it started. */
export interface ProbeCounts {
  sent: number;
  received: number;
  /** Frames with DFVisor's probe source MAC that failed the signature or were stale: dropped. */
  forged: number;
}

/** A switch port as the switch reports it (features/port description, port status). */
export interface SwitchPortState {
  number: number;
  name: string;
  /** OFPPS_LINK_DOWN: no link on the port. */
  linkDown: boolean;
  /** OFPPC_PORT_DOWN: administratively down. */
  adminDown: boolean;
}

/** A switch refused because its datapath id is not declared in the deployed network. */
export interface RefusedSwitch {
  dpid: string;
  /** The last connection's remote address ("HOST:PORT"). */
  address: string;
  /** Connections refused since the node started. */
  count: number;
  /** When the last one was refused (ISO 8601). */
  lastSeen: string;
}

/** A plan applied to every switch connected to this proxy: one result per switch. */
export interface ProxyApplyResult {
  ok: boolean;
  switches: SwitchApplyResult[];
}

export interface ProxyStatus {
  listening: { host: string; port: number } | null;
  /** Every OpenFlow listener: the main one (TLS when configured) and a plain one beside it. */
  listeners: Array<{ host: string; port: number; tls: boolean }>;
  switches: Array<{
    dpid: string;
    version: number | null;
    role: SessionRole;
    generationId: string;
    ports: number[];
    /** The physical ports with their state. */
    portStates: SwitchPortState[];
    /** `trackedRules`: the slice's tenant rules the proxy tracks here (live, and deleted ones waiting for their flow-removed). */
    slices: Array<{
      slice: string;
      controller: string | null;
      connected: boolean;
      connects: number;
      flowEntries: number;
      trackedRules: number;
    }>;
    /** Table 0's capacity as the switch reported it and what of it rules take (docs/dataplane.md, "Bounded memory"). */
    table: TableCapacityView;
  }>;
  slices: Record<string, SliceControlCounters>;
  /** Switches refused for an undeclared datapath id, by dpid. */
  refused: RefusedSwitch[];
}

/** Port state bit: no physical link (the same in 1.0 and 1.3). */
const OFPPS_LINK_DOWN = 1;
/** Port config bit: administratively down (the same in 1.0 and 1.3). */
const OFPPC_PORT_DOWN = 1;

/** Connections that may wait for one dpid's live session; more are refused. */
const MAX_WAITING = 8;
/** Refused dpids remembered (for /v1/topology and /metrics). */
const MAX_REFUSED = 1024;

export class SlicingProxy {
  private server: Server | null = null;
  private plainServer: Server | null = null;
  private plainBound: { host: string; port: number } | null = null;
  /** Switch connections in their TLS handshake, by remote address (they count against the connection cap). */
  private readonly tlsPending = new Map<string, Socket>();
  private readonly tls: TlsAcceptor | null;
  private sessions = new Set<SwitchSession>();
  private views: PlanViews | null = null;
  /** The managed core's path state (kept across plans: ports stay down through a redeploy). */
  private readonly core = new CoreState();
  /** The last path changes of virtual links (newest last, bounded), for the API. */
  private readonly pathChanges: Array<PathChange & { at: string }> = [];
  /** Link discovery: when each declared link was last seen by a probe (ms), by link id. */
  private readonly linkSeenAt = new Map<string, number>();
  /** Path changes per virtual link ("slice/link") since this proxy started. */
  private readonly pathChangeCounts = new Map<string, number>();
  private counters = new Map<string, SliceControlCounters>();
  private sliceIds = new Map<string, number>();
  private readonly log: Logger;
  private readonly host: string;
  private readonly port: number;
  private bound: { host: string; port: number } | null = null;
  private readonly statsCounts: StatsMessageCounts = emptyStatsMessageCounts();
  /** The admitted session of each dpid (in handshake or ready) and the connections waiting for it. */
  private readonly live = new Map<string, SwitchSession>();
  private readonly waiting = new Map<string, SwitchSession[]>();
  private readonly probes = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly addresses = new WeakMap<SwitchSession, string>();
  private stopped = false;
  private readonly refused = new Map<string, RefusedSwitch & { loggedAt: number }>();
  private paused = new Set<string>();
  /** Paused slices whose tenant rules were removed (setPaused). */
  private rulesRemoved = new Set<string>();
  private readonly probeCounts: ProbeCounts = { sent: 0, received: 0, forged: 0 };
  private discoveryTimer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: SlicingProxyOptions = {}) {
    const [h, p] = splitHostPort(opts.ofListen ?? '127.0.0.1:6653');
    this.host = h;
    this.port = p;
    this.log = childLogger(opts.logger ?? silentLogger, { component: 'proxy' });
    this.opts = opts;
    this.limits = { ...DEFAULT_LISTENER_LIMITS, ...opts.limits };
    // Tenant links read their bounds process-wide (one node per process): the newest proxy's.
    setTenantLinkLimits(this.limits);
    // Bad PEM texts fail here, at start, not at the first connection.
    if (opts.ofTls) secureContextOf(opts.ofTls, 'OpenFlow listener TLS');
    this.tls = opts.ofTls
      ? new TlsAcceptor(opts.ofTls, this.limits.handshakeMs, this.log, (sock) => {
          this.tlsPending.delete(remoteOf(sock));
          if (!this.server) sock.destroy();
          else this.serve(sock, remoteOf(sock));
        })
      : null;
    setTenantTls(opts.tenantTls ? secureContextOf(opts.tenantTls, 'tenant controller TLS') : null);
  }
  private readonly opts: SlicingProxyOptions;
  private readonly limits: ListenerLimits;

  async start(): Promise<{ host: string; port: number }> {
    const tls = this.tls;
    const main = await this.listen(this.host, this.port, tls ? (s) => this.acceptTls(s, tls) : (s) => this.accept(s));
    this.server = main.server;
    this.bound = main.bound;
    this.log.info({ ...this.bound, tls: tls !== null }, 'OpenFlow listener up');
    if (tls && this.opts.ofPlainListen) {
      const [h, p] = splitHostPort(this.opts.ofPlainListen);
      const plain = await this.listen(h, p, (s) => this.accept(s)).catch(async (e) => {
        await this.stop();
        throw e;
      });
      this.plainServer = plain.server;
      this.plainBound = plain.bound;
      this.log.info({ ...this.plainBound, tls: false }, 'plain OpenFlow listener up');
    }
    this.startDiscovery();
    return this.bound;
  }

  private listen(
    host: string,
    port: number,
    onSocket: (s: Socket) => void,
  ): Promise<{ server: Server; bound: { host: string; port: number } }> {
    return new Promise((resolve, reject) => {
      const server = createServer(onSocket);
      server.once('error', reject);
      server.listen(port, host, () => {
        const a = server.address();
        resolve({ server, bound: { host, port: typeof a === 'object' && a ? a.port : port } });
      });
    });
  }

  private startDiscovery(): void {
    const d = this.opts.discovery;
    if (!d || d.intervalMs <= 0 || this.discoveryTimer) return;
    this.discoveryTimer = setInterval(() => this.probeLinks(), d.intervalMs);
    this.discoveryTimer.unref?.();
  }

  /** One discovery round on every switch this node masters; the probes sent. */
  probeLinks(): number {
    this.checkLostLinks();
    let n = 0;
    for (const s of this.sessions) n += s.probeLinks();
    return n;
  }

  /**
   * Pauses exactly these slices: their controller connections close and stay closed (packet-ins
   * for them are dropped and counted, tenant messages cannot arrive); their ids and bindings
   * stay, and their tenant rules too unless named in `removeRules` (then deleted from the
   * switches once, when the slice enters that set; base rules stay). Slices no longer named reconnect.
   */
  setPaused(slices: Iterable<string>, removeRules: Iterable<string> = []): void {
    const next = new Set(slices);
    const removing = new Set([...removeRules].filter((n) => next.has(n)));
    for (const s of this.sessions)
      for (const b of s.bindings.values()) {
        const name = b.view.slice;
        if (next.has(name) && !this.paused.has(name)) b.link.stop();
        else if (!next.has(name) && this.paused.has(name)) b.link.start();
        // After the connection closed: a rule the controller sent meanwhile cannot come back.
        if (removing.has(name) && !this.rulesRemoved.has(name)) {
          const n = s.removeTenantRules(name);
          this.log.info({ slice: name, dpid: s.dpid, rules: n }, 'paused slice: tenant rules removed');
        }
      }
    this.paused = next;
    this.rulesRemoved = removing;
  }

  /** A slice's tenant rules and the switch rules they became, on the switches this proxy programs. */
  sliceFlows(slice: string): SliceSwitchFlows[] {
    return [...this.sessions]
      .filter((s) => s.ready && s.mayProgram)
      .flatMap((s) => {
        const b = s.bindings.get(slice);
        return b ? [sliceSwitchFlows(s.dpid, b.table, s.lastStats)] : [];
      })
      .sort((a, b) => (a.dpid < b.dpid ? -1 : 1));
  }

  probeCountsNow(): ProbeCounts {
    return { ...this.probeCounts };
  }

  address(): { host: string; port: number } | null {
    return this.bound;
  }

  /** The plain TCP listener beside a TLS one (`ofPlainListen`), once started. */
  plainAddress(): { host: string; port: number } | null {
    return this.plainBound;
  }

  /** A switch on the TLS listener: counted against the cap during its TLS handshake, then served like any other. */
  private acceptTls(raw: Socket, tls: TlsAcceptor): void {
    if (!this.server || this.overCap(raw)) return;
    const key = remoteOf(raw);
    this.tlsPending.set(key, raw);
    raw.once('close', () => {
      if (this.tlsPending.get(key) === raw) this.tlsPending.delete(key);
    });
    tls.accept(raw);
  }

  /** Over the connection cap: counted, and the socket closed before a byte is read or sent. */
  private overCap(sock: Socket): boolean {
    if (this.sessions.size + this.tlsPending.size < this.limits.maxSwitchConnections) return false;
    countLimit(this.log, 'switch', 'over_cap', {
      remote: `${sock.remoteAddress}:${sock.remotePort}`,
      cap: this.limits.maxSwitchConnections,
    });
    sock.on('error', () => {});
    sock.destroy();
    return true;
  }

  private accept(sock: Socket): void {
    // A switch that reconnects while the proxy stops must not keep server.close() waiting.
    if (!this.server) {
      sock.destroy();
      return;
    }
    if (this.overCap(sock)) return;
    this.serve(sock, `${sock.remoteAddress}:${sock.remotePort}`);
  }

  private serve(sock: Socket, address: string): void {
    // The handshake (hello, features, port descriptions) must end within the bound; then idle/echo.
    this.attach(new OfChannel(sock, this.log, undefined, 'switch', this.limits), address);
  }

  /** Serves one switch connection (`address`: its remote end, for the refused list). */
  attach(ch: SwitchChannel, address: string): SwitchSession {
    const session: SwitchSession = new SwitchSession(
      ch,
      {
        log: this.log,
        counters: (slice) => this.countersOf(slice),
        totalEntries: (slice) => this.opts.sliceEntries?.(slice) ?? this.countersOf(slice).flowEntries,
        sessionReady: () => {
          ch.established?.();
          this.opts.roles?.switchUp(session.dpid);
        },
        sessionClosed: () => {
          this.sessions.delete(session);
          if (session.ready && session.dpid) this.opts.roles?.switchDown(session.dpid);
          this.released(session);
        },
        admit: (dpid) => this.admit(session, dpid, address),
        arbitrated: this.opts.roles !== undefined,
        mayWrite: (dpid) => this.opts.roles?.mayWrite?.(dpid) ?? true,
        roleRefused: (dpid, generationId) => this.opts.roles?.refused?.(dpid, generationId),
        statsCacheMs: this.opts.statsCacheMs ?? null,
        statsRequestsSent: (n) => {
          this.statsCounts.requestsToSwitches += n;
        },
        flowRemoved: (e) => this.opts.onFlowRemoved?.(e),
        reconciled: (r) => this.opts.onReconciled?.(r),
        paused: (slice) => this.paused.has(slice),
        rulesRemoved: (slice) => this.rulesRemoved.has(slice),
        portState: (dpid, port, up) => this.portState(dpid, port, up),
        ...(this.opts.discovery ? { discovery: this.discoveryHost(this.opts.discovery) } : {}),
        tenantPoll: (a) => {
          if (a === 'cache') this.statsCounts.tenantPollsFromCache++;
          else this.statsCounts.tenantPollsForwarded++;
        },
      },
      () => this.views,
    );
    this.sessions.add(session);
    this.addresses.set(session, address);
    return session;
  }

  private discoveryHost(d: NonNullable<SlicingProxyOptions['discovery']>): DiscoveryHost {
    return {
      key: d.key,
      // A probe is trusted for three rounds (a slow switch or a busy event loop delays it).
      maxAgeMs: 3 * Math.max(d.intervalMs, 1000),
      now: () => Date.now(),
      seen: (o) => {
        this.sawLink(o);
        d.onLink(o);
      },
      counted: (what, n) => {
        this.probeCounts[what] += n;
      },
    };
  }

  /** The datapath ids the deployed network declares; null with no plan (every switch accepted). */
  private declared(): Set<string> | null {
    const plan = this.views?.plan;
    return plan ? new Set(plan.network.switches.map((s) => s.dpid)) : null;
  }

  private admit(session: SwitchSession, dpid: string, address: string): 'accept' | 'refuse' | 'wait' {
    const declared = this.declared();
    if (declared && !declared.has(dpid)) {
      this.refuse(dpid, address);
      return 'refuse';
    }
    const live = this.live.get(dpid);
    if (live && !live.channel.closed) {
      if ((this.waiting.get(dpid)?.length ?? 0) >= MAX_WAITING) return 'refuse';
      this.waiting.set(dpid, [...(this.waiting.get(dpid) ?? []), session]);
      this.log.warn({ dpid, address }, 'a second connection claims a connected switch: it waits until the live one fails an echo');
      this.probe(dpid);
      return 'wait';
    }
    this.live.set(dpid, session);
    return 'accept';
  }

  private refuse(dpid: string, address: string): void {
    const now = Date.now();
    const r = this.refused.get(dpid) ?? { dpid, address, count: 0, lastSeen: '', loggedAt: -Infinity };
    r.address = address;
    r.count++;
    r.lastSeen = new Date(now).toISOString();
    if (now - r.loggedAt >= (this.opts.refusedLogIntervalMs ?? 60_000)) {
      r.loggedAt = now;
      this.log.warn({ dpid, address, count: r.count }, 'switch refused: its datapath id is not declared in the deployed network');
    }
    // Newest last; past the bound the least recently refused dpid is forgotten (a peer cycling
    // through made-up dpids cannot grow this without bound).
    this.refused.delete(dpid);
    this.refused.set(dpid, r);
    if (this.refused.size > MAX_REFUSED) this.refused.delete(this.refused.keys().next().value!);
  }

  /** Echoes the dpid's live session while connections wait for it; one that fails is closed. */
  private probe(dpid: string, delayMs = 0): void {
    if (this.probes.has(dpid) || this.stopped) return;
    const bound = this.opts.echoTimeoutMs ?? 3000;
    const t = setTimeout(async () => {
      const live = this.live.get(dpid);
      const ok = live ? await live.echo(bound) : false;
      this.probes.delete(dpid);
      if (this.stopped) return;
      if (!ok && live && this.live.get(dpid) === live) {
        this.log.warn({ dpid }, 'switch failed an echo while another connection claims its dpid: closing it');
        live.channel.close('no echo reply while another connection claims the datapath id');
        return; // released() hands the dpid to the oldest waiting connection
      }
      if ((this.waiting.get(dpid) ?? []).length > 0) this.probe(dpid, bound);
    }, delayMs);
    t.unref?.();
    this.probes.set(dpid, t);
  }

  /** A connection closed: it leaves the waiting list, or, the live one, hands over to the oldest waiter. */
  private released(session: SwitchSession): void {
    const dpid = session.dpid;
    if (!dpid) return;
    const queue = (this.waiting.get(dpid) ?? []).filter((w) => w !== session && !w.channel.closed);
    if (this.live.get(dpid) === session) {
      this.live.delete(dpid);
      const next = queue.shift();
      if (next) {
        this.live.set(dpid, next);
        this.log.info({ dpid }, 'a waiting connection takes the switch over');
        next.proceed();
      }
    }
    if (queue.length > 0) this.waiting.set(dpid, queue);
    else {
      this.waiting.delete(dpid);
      clearTimeout(this.probes.get(dpid));
      this.probes.delete(dpid);
    }
  }

  /** After a deploy: connections of dpids the new network does not declare are refused and closed. */
  private refuseUndeclared(): void {
    const declared = this.declared();
    if (!declared) return;
    for (const s of [...this.sessions])
      if (s.dpid && !declared.has(s.dpid)) {
        this.refuse(s.dpid, this.addresses.get(s) ?? '');
        s.channel.close('datapath id not declared in the deployed network');
      }
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
    this.recordPathChanges(this.core.setPlan(plan));
    const views = plan ? buildPlanViews(plan, (s) => this.idOf(s), this.core) : null;
    this.views = views;
    this.refuseUndeclared();
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

  /**
   * A switch port went up or down: virtual links whose path crosses it move to the first admitted
   * path that is up (or go down), and every switch's core rules and groups follow (managed core).
   */
  portState(dpid: string, port: number, up: boolean): void {
    this.pathsChanged(this.core.portChanged(dpid, port, up), { dpid, port, up });
  }

  /** A discovery probe came back over a declared link: it is up for the managed core. */
  private sawLink(o: LinkObservation): void {
    const id = this.core.linkBetween(o.from, o.to);
    if (id === undefined) return;
    this.linkSeenAt.set(id, o.at);
    this.pathsChanged(this.core.linkSeen(id, true), { link: id, seen: true });
  }

  /**
   * Declared links discovery saw before and has not seen for three rounds are lost for the managed
   * core (their virtual links move); links never seen are not judged (no probes cross them).
   */
  private checkLostLinks(): void {
    const d = this.opts.discovery;
    if (!d) return;
    const now = Date.now();
    const maxAge = 3 * Math.max(d.intervalMs, 1000);
    for (const [id, at] of this.linkSeenAt)
      if (now - at > maxAge) this.pathsChanged(this.core.linkSeen(id, false), { link: id, seen: false });
  }

  private pathsChanged(changes: PathChange[], why: object): void {
    if (changes.length === 0) return;
    this.recordPathChanges(changes);
    this.log.warn({ ...why, changes }, 'virtual links changed path');
    for (const s of this.sessions) if (s.ready && !s.channel.closed) s.syncCore();
  }

  private recordPathChanges(changes: PathChange[]): void {
    const at = new Date().toISOString();
    for (const c of changes) {
      this.pathChanges.push({ ...c, at });
      if (c.from !== null || c.to !== null) this.pathChangeCounts.set(c.key, (this.pathChangeCounts.get(c.key) ?? 0) + 1);
    }
    if (this.pathChanges.length > 256) this.pathChanges.splice(0, this.pathChanges.length - 256);
  }

  /** A slice's virtual links: path in use, state, and counters from this node's statistics rounds. */
  virtualLinks(slice: string): VirtualLinkView[] {
    return virtualLinkViews(
      this.core,
      slice,
      this.views?.sliceIndex.get(slice),
      (dpid) => this.sessionsOf(dpid)[0]?.lastStats ?? undefined,
      (link) => this.pathChangeCounts.get(`${slice}/${link}`) ?? 0,
    );
  }

  /** The managed core's path state (virtual links, paths in use); the proxy's own instance. */
  coreState(): CoreState {
    return this.core;
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

  /** Tenant entries per slice on each switch this node masters (what it publishes for slice-wide limits). */
  entriesBySwitch(): Array<{ slice: string; dpid: string; entries: number }> {
    const out: Array<{ slice: string; dpid: string; entries: number }> = [];
    for (const s of this.sessions) {
      if (!s.ready || s.role !== 'master' || s.channel.closed) continue;
      for (const b of s.bindings.values()) out.push({ slice: b.view.slice, dpid: s.dpid, entries: b.table.entries });
    }
    return out;
  }

  sliceCounters(): Record<string, SliceControlCounters> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { ...v, refused: { ...v.refused } }]));
  }

  status(): ProxyStatus {
    return {
      listening: this.bound,
      listeners: [
        ...(this.bound ? [{ ...this.bound, tls: this.tls !== null }] : []),
        ...(this.plainBound ? [{ ...this.plainBound, tls: false }] : []),
      ],
      switches: [...this.sessions]
        .filter((s) => s.ready)
        .map((s) => ({
          dpid: s.dpid,
          version: s.version,
          role: s.role,
          generationId: String(s.generationId),
          ports: [...s.ports.keys()].filter((p) => p < OFPP13.MAX).sort((a, b) => a - b),
          portStates: [...s.ports.values()]
            .filter((p) => p.portNo < OFPP13.MAX)
            .sort((a, b) => a.portNo - b.portNo)
            .map((p) => ({
              number: p.portNo,
              name: p.name,
              linkDown: (p.state & OFPPS_LINK_DOWN) !== 0,
              adminDown: (p.config & OFPPC_PORT_DOWN) !== 0,
            })),
          slices: [...s.bindings.values()].map((b) => ({
            slice: b.view.slice,
            controller: b.link.connectedTo ? `${b.link.connectedTo.host}:${b.link.connectedTo.port}` : null,
            connected: b.link.connected,
            connects: b.link.connects,
            flowEntries: b.table.entries,
            trackedRules: b.table.size,
          })),
          table: s.table,
        }))
        .sort((a, b) => (a.dpid < b.dpid ? -1 : 1)),
      slices: this.sliceCounters(),
      refused: [...this.refused.values()].map(({ loggedAt: _, ...r }) => r).sort((a, b) => (a.dpid < b.dpid ? -1 : 1)),
    };
  }

  async stop(): Promise<void> {
    const servers = [this.server, this.plainServer].filter((x): x is Server => x !== null);
    this.server = this.plainServer = null;
    this.stopped = true;
    if (this.discoveryTimer) clearInterval(this.discoveryTimer);
    this.discoveryTimer = null;
    for (const t of this.probes.values()) clearTimeout(t);
    this.probes.clear();
    const closed = Promise.all(servers.map((server) => new Promise<void>((r) => server.close(() => r()))));
    for (const s of this.sessions) s.close();
    for (const raw of this.tlsPending.values()) raw.destroy();
    this.tlsPending.clear();
    this.sessions.clear();
    await closed;
  }
}

function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  if (i < 0) return ['127.0.0.1', Number(s)];
  return [s.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1', Number(s.slice(i + 1))];
}
