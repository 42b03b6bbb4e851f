// One runtime node: store (global + local tier), forwarding plane (slicing proxy), deploy service, API,
// membership heartbeat and the push of statistics aggregates. `dfvisor run` starts one.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { findSliceFiles, type Plan } from '@dfvisor/grammar';
import {
  openStore,
  completesCurrentRevision,
  CountingStore,
  LocalTier,
  localCurrentRevision,
  type GlobalStore,
  type Json,
  type MapName,
} from '../store/index.js';
import { DeployService, type ApplyResult } from '../deploy/service.js';
import { APPLY_MAP, PeerLiveness, REMOVED_MAP, awaitApplyReports, removedTotals } from '../cluster/index.js';
import { StoreRevisionRepository } from '../deploy/store-repository.js';
import type { Revision, SwitchApplyOutcome } from '../deploy/types.js';
import { TokenService, adminTokenWeakness, generateAdminToken, sha256 } from '../auth/tokens.js';
import { StoreTokenRepository } from '../auth/store-token-repository.js';
import { buildApi } from '../api/server.js';
import type { SliceStats, StatusView } from '../view/runtime-view.js';
import { EventHub, type RuntimeEvent } from '../api/events.js';
import { FileAuditLog } from '../api/audit-log.js';
import { buildMetrics } from './metrics.js';
import { pausedSlices, setSlicePaused, type PausedRules } from './paused-slices.js';
import { checkTopology, topologyProblems } from '../api/topology-check.js';
import type { SliceProxyCounters, TopologyCheckView } from '../view/runtime-view.js';
import type { ForwardingPlane, SliceCounters } from './forwarding-plane.js';
import type { NodeConfig } from './config.js';

export interface ForwardingPlaneContext {
  config: NodeConfig;
  store: GlobalStore;
  tier: LocalTier;
  logger: Logger;
  /** Publishes a runtime event (GET /v1/events). */
  publish?: (e: RuntimeEvent) => void;
}

export interface RuntimeNodeOptions {
  logger: Logger;
  createForwardingPlane: (ctx: ForwardingPlaneContext) => ForwardingPlane;
  /** Called once when the node generated a fresh admin token, with the 0600 file that holds it. */
  onAdminTokenGenerated?: (file: string) => void;
}

const TIER_MAPS: MapName[] = ['revisions', 'tokens', 'meta', 'nodes', 'stats', 'ownership', APPLY_MAP, REMOVED_MAP];
const HEARTBEAT_TTL_MS = 5000;

export class RuntimeNode {
  private timers: NodeJS.Timeout[] = [];
  private appliedRevision = -1;
  private applying: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** The crash-detection channel to the other nodes (a shared global tier only). */
  private liveness: PeerLiveness | undefined;

  private constructor(
    readonly config: NodeConfig,
    readonly store: GlobalStore,
    readonly tier: LocalTier,
    readonly forwardingPlane: ForwardingPlane,
    readonly deploy: DeployService,
    readonly events: EventHub,
    readonly api: FastifyInstance,
    private readonly logger: Logger,
  ) {}

  /** Where the API listens (the real port when 0 was asked for). */
  apiUrl(): string {
    return `${this.config.tls ? 'https' : 'http'}://${this.config.api.host}:${boundApi(this.config, this.api).port}`;
  }

  static async start(config: NodeConfig, o: RuntimeNodeOptions): Promise<RuntimeNode> {
    const log = o.logger;
    const storeConfig =
      config.store.kind === 'embedded' ? { ...config.store, dataDir: config.store.dataDir ?? join(config.dataDir, 'store') } : config.store;
    const opened = await openStore(storeConfig);
    if (!opened.ok) throw new Error(`cannot open the ${config.store.kind} store: ${opened.error.message}`);
    // Every call on the global tier is counted (dfvisor_store_ops_total).
    const store = new CountingStore(opened.value);
    const tierR = await LocalTier.open(store, TIER_MAPS, {
      onResync: (r) =>
        r.error
          ? log.warn({ cause: r.cause, error: r.error }, 'local tier re-read of the global tier not taken')
          : log.info({ cause: r.cause, changes: r.changes }, 'local tier re-read the global tier'),
    });
    if (!tierR.ok) {
      await store.close();
      throw new Error(`cannot build the local tier: ${tierR.error.message}`);
    }
    const tier = tierR.value;

    let adminHash: string;
    try {
      adminHash = await resolveAdminHash(store, tier, config, o.onAdminTokenGenerated);
    } catch (e) {
      await tier.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      throw e;
    }
    const tokens = new TokenService(adminHash, new StoreTokenRepository(store, tier));
    const events = new EventHub();
    const audit = new FileAuditLog(config.dataDir, 10_000, (e) => log.warn({ err: e }, 'audit log write failed'));
    let forwardingPlane: ForwardingPlane;
    try {
      // Unreadable or unusable TLS material fails here, with the store closed again.
      forwardingPlane = o.createForwardingPlane({ config, store, tier, logger: log, publish: (e) => events.publish(e) });
    } catch (e) {
      await tier.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      throw e;
    }
    const repository = new StoreRevisionRepository(store, tier, config.revisionsKept);
    const deploy = new DeployService({
      repository,
      applier: { apply: (plan, revision, progress) => node!.applyAcrossCluster(plan, revision, progress) },
      controllers: {
        listeners: () => [config.ofListen, ...(config.ofPlainListen ? [config.ofPlainListen] : []), boundApi(config, node?.api)],
        allow: config.controllerAllow,
        tenantTls: config.tenantTls !== undefined,
      },
      emit: (e) => events.publish(e),
      audit: (e) => {
        audit.record(e);
        log.info({ audit: e }, `audit: ${e.who} ${e.action} ${e.target} ${e.outcome}`);
      },
    });

    let node: RuntimeNode | undefined;
    const runtimeView = {
      status: (): StatusView => node!.statusView(),
      sliceStats: (slice: string) => node!.sliceStats(slice),
      connectedControllers: (slice: string) => forwardingPlane.status().slices.find((s) => s.name === slice)?.controllers ?? [],
      connectedSwitches: () =>
        forwardingPlane
          .status()
          .switches.filter((s) => s.connected)
          .map((s) => s.dpid),
      refusedSwitches: () => forwardingPlane.status().refused ?? [],
      ...(forwardingPlane.discovery ? { discovery: () => forwardingPlane.discovery!() } : {}),
      deployedSources: () => {
        const current = localCurrentRevision(tier);
        const body = current?.body as unknown as Revision | undefined;
        return body
          ? { revision: current!.revision, network: body.network, slices: body.slices, grants: body.grants, files: body.files }
          : undefined;
      },
      pausedSlices: () => pausedSlices(tier),
      ...(forwardingPlane.sliceFlows ? { sliceFlows: (slice: string) => forwardingPlane.sliceFlows!(slice) } : {}),
      ...(forwardingPlane.virtualLinks ? { virtualLinks: (slice: string) => forwardingPlane.virtualLinks!(slice) } : {}),
      setPaused: (slice: string, paused: boolean, by: string, rules?: PausedRules) => setSlicePaused(store, slice, paused, by, rules),
    };
    const topology = () =>
      forwardingPlane.discovery
        ? checkTopology(deploy.activePlan()?.network, forwardingPlane.discovery(), forwardingPlane.status().refused ?? [])
        : undefined;
    const metrics = buildMetrics({
      revision: () => localCurrentRevision(tier)?.revision ?? 0,
      sliceTotals: () => (deploy.activePlan()?.slices ?? []).map((s) => node!.sliceStats(s.name)),
      switches: () => forwardingPlane.status().switches,
      refusedSwitches: () => forwardingPlane.status().refused ?? [],
      controllers: () => forwardingPlane.status().slices.flatMap((s) => s.controllers.map((c) => ({ slice: s.name, ...c }))),
      statsMessages: () => forwardingPlane.statsMessages?.(),
      reconciled: () => forwardingPlane.reconciled?.(),
      storeOps: () => store.opCounts(),
      topology,
      virtualLinks: () =>
        (deploy.activePlan()?.slices ?? []).flatMap((s) =>
          (forwardingPlane.virtualLinks?.(s.name) ?? []).map((link) => ({ slice: s.name, link })),
        ),
    });
    let https: { cert: Buffer; key: Buffer } | undefined;
    if (config.tls) https = { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) };
    const api = await buildApi({
      deploy,
      tokens,
      runtime: runtimeView,
      events,
      audit,
      metrics,
      https,
      logger: log,
      bodyLimit: config.bodyLimitBytes,
      authFailuresPerMinute: config.authFailuresPerMinute,
      sse: { perToken: config.eventStreamsPerToken, total: config.eventStreamsTotal },
      onTokensChanged: (listener) => tier.on((e) => e.map === 'tokens' && listener()),
    });
    node = new RuntimeNode(config, store, tier, forwardingPlane, deploy, events, api, log);

    try {
      await forwardingPlane.start();
      await node.applyActive();
      tier.on((e) => {
        if (e.map === 'revisions' && e.key === 'current') {
          // Pushed to this node's local tier: announce it (the cluster benchmark times propagation by it).
          const rev = (e.type === 'put' ? (e.value as { revision?: number } | null)?.revision : undefined) ?? 0;
          events.publish({ type: 'revision-arrived', revision: rev, node: config.nodeId, at: Date.now() });
        }
        // Also when the body arrives after its pointer (events of different keys are not ordered).
        if (completesCurrentRevision(tier, e)) node!.applyActive();
        if (e.map === 'stats' || e.map === REMOVED_MAP) events.publish({ type: 'stats', slice: e.key.split('/')[0] });
      });
      if (store.kind !== 'embedded') {
        const liveness = (node.liveness = new PeerLiveness({ nodeId: config.nodeId, host: config.ofListen.host, tier, logger: log }));
        liveness.on('down', (peer) => void forwardingPlane.peerDown?.(peer));
        await liveness.start();
      }
      await node.heartbeat();
      node.every(1500, () => node!.heartbeat());
      node.every(config.statsIntervalMs, () => node!.pushStats());
      if (config.discoveryIntervalMs > 0) node.every(config.discoveryIntervalMs, () => node!.announceTopology(topology()));
      await api.listen({ host: config.api.host, port: config.api.port });
      if (config.deploy.length > 0) await node.deployAtStart(config.deploy);
    } catch (e) {
      await node.stop();
      throw e;
    }
    log.info(
      { api: node.apiUrl(), openflow: `${config.ofListen.host}:${config.ofListen.port}`, store: store.kind, node: config.nodeId },
      'runtime node started',
    );
    return node;
  }

  private every(ms: number, fn: () => Promise<unknown> | unknown) {
    const t = setInterval(() => {
      Promise.resolve()
        .then(fn)
        .catch((e) => this.logger.warn({ err: e }, 'periodic task failed'));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  /** Puts the active revision on the switches, once per revision, in order. */
  applyActive(): Promise<unknown> {
    return this.applyRevision(() => {
      const current = localCurrentRevision(this.tier);
      return { revision: current?.revision ?? 0, plan: (current?.body as unknown as Revision | undefined)?.plan };
    });
  }

  /**
   * Puts a revision on the switches this node masters (each reported to the global tier), after
   * the applies queued before it; a revision older than the one applied is skipped.
   */
  private applyRevision(which: () => { revision: number; plan: Plan | undefined }): Promise<unknown> {
    this.applying = this.applying
      .then(async () => {
        const { revision: rev, plan } = which();
        if (rev <= this.appliedRevision || this.stopped) return;
        const r = await this.forwardingPlane.applyPlan(plan, rev);
        this.appliedRevision = rev;
        if (r.ok) this.logger.info({ revision: rev }, 'revision applied to the switches');
        else this.logger.error({ revision: rev, errors: r.errors }, 'revision not fully applied');
      })
      .catch((e) => this.logger.error({ err: e }, 'applying the active revision failed'));
    return this.applying;
  }

  /**
   * The deploy path's applier: this node applies the revision to the switches it masters, every
   * other master applies it from the pushed revision, and each reports per switch; this waits
   * (at most deployWaitMs) for the reports of every switch the plan declares.
   */
  async applyAcrossCluster(plan: Plan | undefined, revision?: number, progress?: (s: SwitchApplyOutcome) => void): Promise<ApplyResult> {
    if (revision === undefined) {
      // No revision of its own (a restore that could not be committed): carry what the tier says.
      await this.applyActive();
      return { ok: true, errors: [] };
    }
    await this.applyRevision(() => ({ revision, plan }));
    const switches = await awaitApplyReports({
      store: this.store,
      tier: this.tier,
      revision,
      dpids: plan?.network.switches.map((s) => s.dpid) ?? [],
      waitMs: this.config.deployWaitMs,
      progress,
    });
    const refused = switches.filter((s) => s.status === 'refused');
    return { ok: refused.length === 0, errors: refused.flatMap((s) => s.errors.map((e) => `${s.dpid}: ${e}`)), switches };
  }

  private lastProblems: string[] | null = null;

  /**
   * A `topology` event when the problems of declared vs discovered change (links missing,
   * miswired or extra, ports down, undeclared switches): admin streams only (no slice named).
   * Quiet until discovery has settled (two intervals after start).
   */
  private announceTopology(c: TopologyCheckView | undefined): void {
    if (!c?.settled) return;
    const now = topologyProblems(c);
    const before = this.lastProblems ?? [];
    this.lastProblems = now;
    const added = now.filter((p) => !before.includes(p));
    const resolved = before.filter((p) => !now.includes(p));
    if (added.length + resolved.length === 0) return;
    this.events.publish({ type: 'topology', at: new Date().toISOString(), problems: now, added, resolved });
    this.logger.info({ added, resolved }, 'topology changed (declared vs discovered)');
  }

  private async heartbeat() {
    const r = await this.store.heartbeat(
      {
        id: this.config.nodeId,
        api: this.apiUrlSafe(),
        openflow: `${this.config.ofTls ? 'ssl' : 'tcp'}:${this.config.ofListen.host}:${this.config.ofListen.port}`,
        ...(this.liveness?.address ? { liveness: this.liveness.address } : {}),
        startedAt: Date.now(),
      },
      HEARTBEAT_TTL_MS,
    );
    if (!r.ok) this.logger.warn({ error: r.error }, 'heartbeat failed');
  }

  private apiUrlSafe(): string {
    try {
      return this.apiUrl();
    } catch {
      return `http://${this.config.api.host}:${this.config.api.port}`;
    }
  }

  /** Push-based statistics: this node's per-slice aggregates go to the global tier. */
  private async pushStats() {
    const plan = this.deploy.activePlan();
    for (const s of plan?.slices ?? []) {
      const c = this.forwardingPlane.sliceCounters(s.name);
      if (!c) continue;
      const key = `${s.name}/${this.config.nodeId}`;
      const prev = this.tier.get('stats', key)?.value as unknown as (SliceCounters & { updatedAt: string }) | undefined;
      if (
        prev &&
        prev.packets === c.packets &&
        prev.bytes === c.bytes &&
        prev.flows === c.flows &&
        prev.packetIns === c.packetIns &&
        JSON.stringify(prev.queues ?? []) === JSON.stringify(c.queues ?? []) &&
        JSON.stringify(prev.proxy ?? null) === JSON.stringify(c.proxy ?? null)
      )
        continue;
      const r = await this.store.put('stats', key, { ...c, updatedAt: new Date().toISOString() } as unknown as Json);
      if (!r.ok) this.logger.warn({ error: r.error }, 'stats push failed');
    }
  }

  /** Per-slice statistics from the local tier: the sum of every node's pushed aggregate. */
  sliceStats(slice: string): SliceStats {
    const out: SliceStats = {
      slice,
      updatedAt: null,
      packets: 0,
      bytes: 0,
      flows: 0,
      packetIns: 0,
      perSwitch: [],
      removed: { packets: 0, bytes: 0 },
      queues: [],
      proxy: { packetInsDropped: 0, controlRateDrops: 0, flowModsRejected: 0, packetOutsRejected: 0, refused: [] },
    };
    // Aggregates of nodes that left (no heartbeat) are skipped: their switches have new masters.
    const alive = new Set([...this.tier.entries('nodes')].map(([id]) => id));
    for (const [key, v] of this.tier.entries('stats')) {
      if (key.slice(0, key.lastIndexOf('/')) !== slice) continue;
      if (!alive.has(key.slice(key.lastIndexOf('/') + 1))) continue;
      const c = v.value as unknown as SliceCounters & { updatedAt: string };
      out.packets += c.packets;
      out.bytes += c.bytes;
      out.flows += c.flows;
      out.packetIns += c.packetIns;
      out.perSwitch.push(...c.perSwitch);
      out.removed!.packets += c.removed?.packets ?? 0;
      out.removed!.bytes += c.removed?.bytes ?? 0;
      out.queues!.push(...(c.queues ?? []));
      if (c.proxy) addProxyCounters(out.proxy!, c.proxy);
      if (!out.updatedAt || c.updatedAt > out.updatedAt) out.updatedAt = c.updatedAt;
    }
    // Removed flows' final counters, from the global tier (they outlive the node that got them).
    const removed = removedTotals(this.tier, slice);
    out.packets += removed.packets;
    out.bytes += removed.bytes;
    out.removed!.packets += removed.packets;
    out.removed!.bytes += removed.bytes;
    for (const [dpid, r] of removed.perSwitch) {
      const sw = out.perSwitch.find((p) => p.dpid === dpid);
      if (sw) {
        sw.packets += r.packets;
        sw.bytes += r.bytes;
      } else out.perSwitch.push({ dpid, packets: r.packets, bytes: r.bytes, flows: 0 });
    }
    out.perSwitch.sort((a, b) => a.dpid.localeCompare(b.dpid));
    out.queues!.sort((a, b) => a.dpid.localeCompare(b.dpid) || a.port - b.port || a.queueId - b.queueId);
    return out;
  }

  statusView(): StatusView {
    const dp = this.forwardingPlane.status();
    const plan: Plan | undefined = this.deploy.activePlan();
    const nodes = [...this.tier.entries('nodes')].map(([id, v]) => ({
      id,
      api: ((v.value as { api?: string }).api ?? null) as string | null,
      alive: true,
    }));
    const local = new Map(dp.switches.map((s) => [s.dpid, s]));
    const known = new Set([...(plan?.network.switches.map((s) => s.dpid) ?? []), ...local.keys()]);
    const switches = [...known].sort().map((dpid) => {
      const owner = this.tier.get('ownership', dpid)?.value as { master?: string } | undefined;
      const mine = local.get(dpid);
      return {
        dpid,
        name: plan?.network.switches.find((s) => s.dpid === dpid)?.name ?? null,
        master: owner?.master ?? (mine?.master ? this.config.nodeId : null),
        connected: mine?.connected ?? false,
      };
    });
    return { node: this.config.nodeId, nodes, switches, slices: dp.slices };
  }

  private async deployAtStart(paths: string[]) {
    // The texts only: the deploy parses them (holding parsed copies here through two compiles
    // of a large workspace would grow the heap for good).
    const { paths: found, errors } = await findSliceFiles(paths);
    const files: Array<{ path: string; text: string }> = [];
    for (const path of found) {
      try {
        files.push({ path, text: await readFile(path, 'utf8') });
      } catch (e) {
        errors.push({ path, message: (e as Error).message });
      }
    }
    if (errors.length > 0) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    const admin = { kind: 'admin' as const, owner: 'admin', tokenId: 'startup' };
    const req = { files, prune: true };
    // With a revision active, a dry run first: an unchanged workspace is not deployed again.
    if (localCurrentRevision(this.tier)) {
      const dry = await this.deploy.deploy(admin, { ...req, dryRun: true });
      if (!dry.ok) throw new Error(`--deploy ${paths.join(' ')}: ${dry.problem.detail}`);
      if (dry.diff.added.length + dry.diff.changed.length + dry.diff.removed.length === 0) {
        this.logger.info({ revision: dry.revision }, '--deploy: already active, nothing to do');
        return;
      }
    }
    const r = await this.deploy.deploy(admin, req);
    if (!r.ok) throw new Error(`--deploy ${paths.join(' ')}: ${r.problem.detail}`);
    this.logger.info({ revision: r.revision, diff: r.diff }, '--deploy: deployed');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.api.close().catch(() => undefined);
    await this.forwardingPlane.stop().catch((e) => this.logger.warn({ err: e }, 'forwarding plane stop failed'));
    // After the leases are released: the others see this node's liveness connections end.
    await this.liveness?.stop().catch(() => undefined);
    await this.store.leave(this.config.nodeId).catch(() => undefined);
    await this.tier.close().catch(() => undefined);
    await this.store.close().catch(() => undefined);
  }
}

/**
 * The admin token's hash: from the config/env (a long random secret, else the node refuses to
 * start), else the stored one, else a new token written to a 0600 file in the data dir (never to
 * the log).
 */
async function resolveAdminHash(store: GlobalStore, tier: LocalTier, config: NodeConfig, shown?: (file: string) => void): Promise<string> {
  const given = config.adminToken;
  if (given !== undefined && given !== '') {
    const weak = adminTokenWeakness(given);
    if (weak) throw new Error(`refusing to start: ${weak}`);
    return sha256(given);
  }
  const stored = tier.get('meta', 'admin')?.value as { hash?: string } | undefined;
  if (stored?.hash) return stored.hash;
  const token = generateAdminToken();
  const r = await store.put('meta', 'admin', { hash: sha256(token) }, { expectVersion: 0 });
  if (r.ok) {
    const file = join(config.dataDir, 'admin-token');
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, token + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
    shown?.(file);
    return sha256(token);
  }
  const again = await store.get('meta', 'admin');
  const hash = again.ok ? (again.value?.value as { hash?: string } | undefined)?.hash : undefined;
  if (!hash) throw new Error(`cannot store the admin token: ${r.error.message}`);
  return hash;
}

/** Adds one node's proxy counters to the sum (refusals matched by message and reason). */
function addProxyCounters(sum: SliceProxyCounters, c: SliceProxyCounters): void {
  sum.packetInsDropped += c.packetInsDropped;
  sum.controlRateDrops += c.controlRateDrops;
  sum.flowModsRejected += c.flowModsRejected;
  sum.packetOutsRejected += c.packetOutsRejected;
  for (const r of c.refused) {
    const same = sum.refused.find((x) => x.message === r.message && x.reason === r.reason);
    if (same) same.count += r.count;
    else sum.refused.push({ ...r });
  }
}

/** The API's listener as bound (a port 0 in the config is the real port once listening). */
function boundApi(config: NodeConfig, api: FastifyInstance | undefined): { host: string; port: number } {
  const addr = api?.server.address();
  return { host: config.api.host, port: typeof addr === 'object' && addr ? addr.port : config.api.port };
}
