// Ties mastership to the data path: switches that connect to this node contend for their lease;
// role changes become OpenFlow role requests and (re)programming through the SwitchControl the
// data path implements; the statistics collector asks only the switches this node masters.
//
// What the data path does on setRole (the contract for the proxy):
//   master: ROLE_REQUEST MASTER with the generation id (1.3), push the active plan's base rules,
//           connect the tenant controllers of the switch's slices;
//   slave:  ROLE_REQUEST SLAVE with the generation id (1.3), close this node's tenant connections
//           for the switch (no tenant talks to a slave: a tenant has one path, through the master)
//           and keep the switch connection so the node can take over at once.
//   OpenFlow 1.0: no role request; the same programming rule applies (single writer by lease).
// applyPlan on the data path programs only switches for which mayProgram(dpid) holds.
import type { Logger } from 'pino';
import type { GlobalStore, LocalTier } from '../store/index.js';
import { Mastership, type Role } from './mastership.js';
import { StatsCollector, type SwitchStatsSnapshot } from './stats-collector.js';

export interface SwitchControl {
  setRole(dpid: string, role: Role, generationId: bigint): Promise<void> | void;
  collectStats(dpid: string): Promise<SwitchStatsSnapshot | undefined>;
  sliceName(index: number): string | undefined;
  /** The slice a queue belongs to (the plan's qos.queues). */
  queueSlice?(dpid: string, port: number, queueId: number): string | undefined;
}

export interface SwitchArbiterOptions {
  store: GlobalStore;
  tier: LocalTier;
  nodeId: string;
  control: SwitchControl;
  leaseTtlMs?: number;
  statsIntervalMs: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export class SwitchArbiter {
  readonly mastership: Mastership;
  readonly stats: StatsCollector;

  constructor(private readonly o: SwitchArbiterOptions) {
    this.mastership = new Mastership({ store: o.store, tier: o.tier, nodeId: o.nodeId, ttlMs: o.leaseTtlMs, logger: o.logger });
    this.mastership.on('role', (c) => {
      Promise.resolve(o.control.setRole(c.dpid, c.role, c.generationId)).catch((e) =>
        o.logger?.warn({ err: e, dpid: c.dpid }, 'role change failed'),
      );
    });
    this.mastership.on('error', (e) => o.logger?.warn({ error: e }, 'mastership store error'));
    this.stats = new StatsCollector(
      {
        mastered: () => this.mastership.mastered(),
        collect: (dpid) => o.control.collectStats(dpid),
        sliceName: (i) => o.control.sliceName(i),
        queueSlice: (dpid, port, queueId) => o.control.queueSlice?.(dpid, port, queueId),
      },
      o.statsIntervalMs,
    );
  }

  start(): void {
    this.stats.start();
  }

  switchUp(dpid: string): void {
    this.mastership.switchUp(dpid);
  }

  switchDown(dpid: string): Promise<void> {
    return this.mastership.switchDown(dpid);
  }

  /** Whether this node may write to the switch (push rules, connect tenants). */
  mayProgram(dpid: string): boolean {
    return this.mastership.isMaster(dpid);
  }

  async stop(): Promise<void> {
    this.stats.stop();
    await this.mastership.stop();
  }
}
