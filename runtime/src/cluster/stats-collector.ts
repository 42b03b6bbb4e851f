// Push-based statistics, the collecting part: every intervalMs, ask each switch this node masters
// for its flow, port and meter statistics over the switch connection the node already has, and
// keep the per-slice sums. The runtime node pushes sliceCounters() to the global tier; nothing
// polls the switches on a tenant's behalf.
import { sumFlowsBySlice, type FlowCounter, type MeterCounters, type PortCounters, type SliceSwitchCounters } from './switch-stats.js';

export interface SwitchStatsSnapshot {
  dpid: string;
  at: number;
  flows: FlowCounter[];
  ports: PortCounters[];
  meters: MeterCounters[];
}

export interface StatsSource {
  /** Switches whose counters this node collects (the ones it masters). */
  mastered(): string[];
  /** One round of statistics requests to a switch; undefined when it did not answer. */
  collect(dpid: string): Promise<SwitchStatsSnapshot | undefined>;
  /** The slice name of a cookie's slice index (the proxy's numbering). */
  sliceName(index: number): string | undefined;
}

export interface CollectedSliceCounters {
  packets: number;
  bytes: number;
  flows: number;
  perSwitch: Array<{ dpid: string; packets: number; bytes: number; flows: number }>;
}

export class StatsCollector {
  private readonly latest = new Map<string, { at: number; bySlice: Map<string, SliceSwitchCounters>; snapshot: SwitchStatsSnapshot }>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  rounds = 0;

  constructor(
    private readonly source: StatsSource,
    readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.round(), this.intervalMs);
    this.timer.unref();
  }

  /** One collection round over every mastered switch (skipped when the previous one still runs). */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const mastered = new Set(this.source.mastered());
      for (const dpid of [...this.latest.keys()]) if (!mastered.has(dpid)) this.latest.delete(dpid);
      await Promise.all([...mastered].map(async (dpid) => {
        const snap = await this.source.collect(dpid);
        if (!snap) return;
        const bySlice = new Map<string, SliceSwitchCounters>();
        for (const [index, c] of sumFlowsBySlice(snap.flows)) {
          const name = this.source.sliceName(index);
          if (name) bySlice.set(name, c);
        }
        this.latest.set(dpid, { at: snap.at, bySlice, snapshot: snap });
      }));
      this.rounds++;
    } finally {
      this.running = false;
    }
  }

  /** The last snapshot of a switch (for answering tenant polls from the cache). */
  snapshot(dpid: string): SwitchStatsSnapshot | undefined {
    return this.latest.get(dpid)?.snapshot;
  }

  /** Sums over the switches this node masters; undefined when no switch reported the slice. */
  sliceCounters(slice: string): CollectedSliceCounters | undefined {
    const out: CollectedSliceCounters = { packets: 0, bytes: 0, flows: 0, perSwitch: [] };
    for (const [dpid, l] of [...this.latest].sort(([a], [b]) => a.localeCompare(b))) {
      const c = l.bySlice.get(slice);
      if (!c) continue;
      out.packets += c.packets;
      out.bytes += c.bytes;
      out.flows += c.flows;
      out.perSwitch.push({ dpid, ...c });
    }
    return out.perSwitch.length > 0 ? out : undefined;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
