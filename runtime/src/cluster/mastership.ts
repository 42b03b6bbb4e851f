// Per-switch mastership across runtime nodes. For every switch connected to this node it contends
// for the lease `switch/<dpid>` in the global tier (a LeaseKeeper: TTL ttlMs, renewed every ttl/3).
// The holder is master: it records {master, generationId} in `ownership/<dpid>` (generation + 1,
// compare-and-set) and reports role 'master' with that generation id; the data path then sends
// OFPT_ROLE_REQUEST MASTER, pushes the plan's base rules and connects the tenant controllers.
// Every other node reports 'slave' with the latest generation it knows (re-reported when the
// ownership entry changes), so the data path sends ROLE_REQUEST SLAVE and keeps only the switch
// connection. When the master dies its lease expires (pushed `expire` event), a slave takes it,
// bumps the generation and becomes master.
//
// OpenFlow 1.0 switches have no roles: the lease alone decides which node programs the switch
// and connects tenants; the switch itself accepts writes from every connected node (no fencing).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { LeaseKeeper, type GlobalStore, type LeaseRecord, type LocalTier, type StoreError } from '../store/index.js';
import { claimOwnership, isOwnership } from './ownership.js';

export type Role = 'master' | 'slave';

export interface RoleChange {
  dpid: string;
  role: Role;
  /** OpenFlow 1.3 role generation id to send with the role request. */
  generationId: bigint;
  /** The master's node id (this node when role is 'master'; undefined when not yet known). */
  master: string | undefined;
}

export interface MastershipEvents {
  role: [change: RoleChange];
  error: [error: StoreError & { dpid: string }];
}

export interface MastershipOptions {
  store: GlobalStore;
  tier: LocalTier;
  nodeId: string;
  /** Lease time to live (≥ 1000 ms; the store's resolution is a second). */
  ttlMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export const DEFAULT_MASTERSHIP_TTL_MS = 2000;

interface SwitchEntry {
  connections: number;
  keeper: LeaseKeeper;
  role: Role | undefined;
  generationId: bigint;
  master: string | undefined;
  /** Bumped on every change, so a slow ownership claim does not report a stale role. */
  epoch: number;
}

export function leaseName(dpid: string): string {
  return `switch/${dpid}`;
}

export class Mastership extends EventEmitter<MastershipEvents> {
  private readonly switches = new Map<string, SwitchEntry>();
  private readonly ttlMs: number;
  private stopTier: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly o: MastershipOptions) {
    super();
    this.ttlMs = Math.max(1000, o.ttlMs ?? DEFAULT_MASTERSHIP_TTL_MS);
    this.stopTier = o.tier.on((e) => {
      if (e.map !== 'ownership' || e.type !== 'put') return;
      const s = this.switches.get(e.key);
      if (!s || s.role !== 'slave' || !isOwnership(e.value)) return;
      if (e.value.master === this.o.nodeId) return;
      const gen = BigInt(e.value.generationId);
      if (gen === s.generationId && e.value.master === s.master) return;
      s.generationId = gen;
      s.master = e.value.master;
      this.report(e.key, s);
    });
  }

  /** A switch connected to this node: start contending for its lease. */
  switchUp(dpid: string): void {
    if (this.stopped) return;
    const have = this.switches.get(dpid);
    if (have) {
      have.connections++;
      if (have.role) this.report(dpid, have);
      return;
    }
    const keeper = new LeaseKeeper(this.o.store, leaseName(dpid), this.o.nodeId, this.ttlMs);
    const s: SwitchEntry = { connections: 1, keeper, role: undefined, generationId: 0n, master: undefined, epoch: 0 };
    this.switches.set(dpid, s);
    keeper.on('acquired', () => void this.becomeMaster(dpid, s));
    keeper.on('lost', (err) => {
      this.o.logger?.warn({ dpid, error: err }, 'switch mastership lost');
      this.becomeSlave(dpid, s);
    });
    keeper.on('held', (holder) => {
      if (s.role !== 'slave') {
        const own = this.o.tier.value('ownership', dpid);
        if (isOwnership(own)) s.generationId = BigInt(own.generationId);
        s.master = isOwnership(own) && own.master === holder ? own.master : holder;
        this.becomeSlave(dpid, s);
      }
    });
    keeper.on('error', (error) => this.emit('error', { ...error, dpid }));
    void keeper.start();
  }

  /** A switch connection to this node closed. The lease is released when the last one goes. */
  async switchDown(dpid: string): Promise<void> {
    const s = this.switches.get(dpid);
    if (!s) return;
    if (--s.connections > 0) return;
    this.switches.delete(dpid);
    s.epoch++;
    await s.keeper.stop();
  }

  role(dpid: string): Role | undefined {
    return this.switches.get(dpid)?.role;
  }

  isMaster(dpid: string): boolean {
    return this.switches.get(dpid)?.role === 'master';
  }

  /**
   * Whether this node may write to the switch now: master, and its lease still valid by this
   * process's clock (a node paused past its lease's time to live must renew first).
   */
  holdsLease(dpid: string): boolean {
    const s = this.switches.get(dpid);
    const l = s?.keeper.held;
    return s?.role === 'master' && l !== undefined && l.expiresAt > Date.now();
  }

  generation(dpid: string): bigint {
    return this.switches.get(dpid)?.generationId ?? 0n;
  }

  /** Switches this node currently masters. */
  mastered(): string[] {
    return [...this.switches]
      .filter(([, s]) => s.role === 'master')
      .map(([d]) => d)
      .sort();
  }

  /**
   * The switch refused this node as master with `generationId` (IS_SLAVE on a write, or a MASTER
   * role request refused as stale): it has seen a newer generation id than the global tier holds,
   * e.g. one a node on a partition's minority side wrote before its member dropped the others,
   * which the merge then dropped. While this node's lease is valid it is the master the global
   * tier elected: it claims ownership again (the next generation id) and takes the role again.
   * Each refusal bumps the generation once, so a switch that saw several newer ids accepts after
   * as many. Without a valid lease nothing happens (its loss makes this node a slave).
   */
  switchRefused(dpid: string, generationId: bigint): void {
    const s = this.switches.get(dpid);
    if (!s || s.role !== 'master' || s.generationId !== generationId || !this.holdsLease(dpid)) return;
    this.o.logger?.warn(
      { dpid, generationId: String(generationId) },
      'the switch refused this node as master: claiming it again with a newer generation id',
    );
    s.role = undefined;
    void this.becomeMaster(dpid, s);
  }

  private async becomeMaster(dpid: string, s: SwitchEntry): Promise<void> {
    const epoch = ++s.epoch;
    const claimed = await claimOwnership(this.o.store, dpid, this.o.nodeId);
    if (epoch !== s.epoch || this.stopped || this.switches.get(dpid) !== s || !s.keeper.held) return;
    if (!claimed.ok) {
      // Without an ownership record the switch cannot be fenced: give the lease up and retry.
      this.emit('error', { ...claimed.error, dpid });
      const retry = setTimeout(() => {
        if (s.keeper.held && s.role !== 'master') void this.becomeMaster(dpid, s);
      }, 500);
      retry.unref();
      return;
    }
    s.role = 'master';
    s.master = this.o.nodeId;
    s.generationId = BigInt(claimed.value.generationId);
    this.o.logger?.info({ dpid, generationId: claimed.value.generationId }, 'became master of switch');
    this.report(dpid, s);
  }

  private becomeSlave(dpid: string, s: SwitchEntry): void {
    s.epoch++;
    if (s.role === 'slave') return;
    s.role = 'slave';
    if (s.master === this.o.nodeId) s.master = undefined;
    this.report(dpid, s);
  }

  private report(dpid: string, s: SwitchEntry): void {
    if (!s.role) return;
    this.emit('role', { dpid, role: s.role, generationId: s.generationId, master: s.master });
  }

  /**
   * Another node is known to have died (its liveness connection closed and a reconnect was
   * refused): the leases it holds on switches this node is connected to are freed (checked by
   * the lease's token), so a slave takes each over at once instead of after the lease's time to
   * live; the new master bumps the generation id as always. Returns the switches freed.
   */
  async peerDown(nodeId: string): Promise<string[]> {
    if (nodeId === this.o.nodeId || this.stopped) return [];
    const freed: string[] = [];
    await Promise.all(
      [...this.switches.keys()].map(async (dpid) => {
        const got = await this.o.store.get('leases', leaseName(dpid));
        const held = got.ok ? (got.value?.value as unknown as LeaseRecord | undefined) : undefined;
        if (!held || held.owner !== nodeId) return;
        const r = await this.o.store.releaseLease({ name: leaseName(dpid), ...held, expiresAt: 0 });
        if (r.ok) freed.push(dpid);
      }),
    );
    if (freed.length) this.o.logger?.info({ peer: nodeId, switches: freed.sort() }, 'freed the switch leases of a node that died');
    return freed;
  }

  /** Stops contending. `abandon`: leases are left to expire (as if this node died). */
  async stop(abandon = false): Promise<void> {
    this.stopped = true;
    this.stopTier?.();
    const all = [...this.switches.values()];
    this.switches.clear();
    await Promise.all(all.map((s) => s.keeper.stop(abandon)));
  }
}
