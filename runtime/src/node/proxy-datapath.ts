// Adapts the slicing proxy to what a runtime node needs (DataPath).
import type { Plan } from '@dfvisor/grammar';
import { SlicingProxy } from '../proxy/index.js';
import type { ApplyResult } from '../deploy/service.js';
import type { DataPath, DataPathStatus, SliceCounters } from './datapath.js';
import type { DataPathContext } from './runtime-node.js';

export class ProxyDataPath implements DataPath {
  readonly proxy: SlicingProxy;
  private plan: Plan | undefined;

  constructor(private readonly ctx: DataPathContext) {
    this.proxy = new SlicingProxy({ ofListen: `${ctx.config.ofListen.host}:${ctx.config.ofListen.port}`, logger: ctx.logger });
  }

  async start(): Promise<void> {
    const bound = await this.proxy.start();
    this.ctx.config.ofListen = { host: bound.host, port: bound.port };
  }

  stop(): Promise<void> {
    return this.proxy.stop();
  }

  async applyPlan(plan: Plan | undefined): Promise<ApplyResult> {
    this.plan = plan;
    const r = await this.proxy.applyPlan(plan ?? null);
    return { ok: r.ok, errors: r.switches.flatMap((s) => s.errors.map((e) => `${s.dpid}: ${e}`)) };
  }

  status(): DataPathStatus {
    const st = this.proxy.status();
    const switches = st.switches.map((s) => ({ dpid: s.dpid, connected: true, master: true }));
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
    return { switches, slices };
  }

  sliceCounters(slice: string): SliceCounters | undefined {
    const c = this.proxy.sliceCounters()[slice];
    if (!c) return undefined;
    const perSwitch = this.proxy.status().switches.map((sw) => ({
      dpid: sw.dpid,
      packets: 0,
      bytes: 0,
      flows: sw.slices.filter((b) => b.slice === slice).reduce((n, b) => n + b.flowEntries, 0),
    }));
    return { packets: 0, bytes: 0, flows: c.flowEntries, packetIns: c.packetInsDelivered, perSwitch };
  }
}

export function createProxyDataPath(ctx: DataPathContext): DataPath {
  return new ProxyDataPath(ctx);
}
