// Push-based statistics, the collecting part: every intervalMs, ask each switch this node masters
// for its flow, port, meter and queue statistics over the switch connection the node already has,
// and keep the per-slice sums. The runtime node pushes sliceCounters() to the global tier; nothing
// polls the switches on a tenant's behalf.
//
// Totals never drop when flows go: a flow-removed message carries the entry's final counters,
// which go to a per-slice, per-switch "removed" accumulator; a slice's packets/bytes are the live
// flow statistics plus that accumulator. The removed entry is taken out of the last snapshot at
// once (and out of a round that was already under way), so it is never counted twice.
import { sliceOfCookie } from '../dataplane/cookies.js';
import {
  attributeQueues,
  sumFlowsBySlice,
  type FlowCounter,
  type MeterCounters,
  type PortCounters,
  type QueueCounters,
  type RemovedFlowCounters,
  type SliceQueueCounters,
  type SliceSwitchCounters,
} from './switch-stats.js';

export interface SwitchStatsSnapshot {
  dpid: string;
  /** When the round's requests were sent (ms since the epoch). */
  at: number;
  flows: FlowCounter[];
  ports: PortCounters[];
  meters: MeterCounters[];
  queues?: QueueCounters[];
}

export interface StatsSource {
  /** Switches whose counters this node collects (the ones it masters). */
  mastered(): string[];
  /** One round of statistics requests to a switch; undefined when it did not answer. */
  collect(dpid: string): Promise<SwitchStatsSnapshot | undefined>;
  /** The slice name of a cookie's slice index (the proxy's numbering). */
  sliceName(index: number): string | undefined;
  /** The slice a queue belongs to (the plan's qos.queues); without it queues are not attributed. */
  queueSlice?(dpid: string, port: number, queueId: number): string | undefined;
}

export interface CollectedSliceCounters {
  /** Live flow statistics plus the counters of the slice's removed flows. */
  packets: number;
  bytes: number;
  flows: number;
  perSwitch: Array<{ dpid: string; packets: number; bytes: number; flows: number }>;
  /** The part of packets/bytes that comes from flows the switches removed. */
  removed: { packets: number; bytes: number };
  queues: SliceQueueCounters[];
}

interface SwitchState {
  at: number;
  snapshot: SwitchStatsSnapshot;
  bySlice: Map<string, SliceSwitchCounters>;
  queues: Map<string, SliceQueueCounters[]>;
}

export class StatsCollector {
  private readonly latest = new Map<string, SwitchState>();
  /** slice → dpid → final counters of removed flows. */
  private readonly removed = new Map<string, Map<string, { packets: number; bytes: number }>>();
  /** dpid → keys of removed entries → when removed (filtered out of rounds that may still list them). */
  private readonly removedKeys = new Map<string, Map<string, number>>();
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
      await Promise.all(
        [...mastered].map(async (dpid) => {
          const snap = await this.source.collect(dpid);
          if (snap) this.take(dpid, snap);
        }),
      );
      this.rounds++;
    } finally {
      this.running = false;
    }
  }

  /** Takes a switch's round: flows removed meanwhile are left out; queues attributed to slices. */
  private take(dpid: string, snap: SwitchStatsSnapshot): void {
    const keys = this.removedKeys.get(dpid);
    let flows = snap.flows;
    if (keys) {
      flows = flows.filter((f) => f.key === undefined || !keys.has(f.key));
      // A request sent after the flow-removed arrived cannot list the entry any more.
      for (const [k, at] of keys) if (at < snap.at) keys.delete(k);
    }
    const owner = this.source.queueSlice?.bind(this.source);
    this.latest.set(dpid, {
      at: snap.at,
      snapshot: flows === snap.flows ? snap : { ...snap, flows },
      bySlice: this.bySlice(flows),
      queues: owner ? attributeQueues(dpid, snap.queues ?? [], owner) : new Map(),
    });
  }

  private bySlice(flows: readonly FlowCounter[]): Map<string, SliceSwitchCounters> {
    const out = new Map<string, SliceSwitchCounters>();
    for (const [index, c] of sumFlowsBySlice(flows)) {
      const name = this.source.sliceName(index);
      if (name) out.set(name, c);
    }
    return out;
  }

  /**
   * A switch removed a flow entry: its final counters go to the slice's removed accumulator,
   * and the entry leaves the last snapshot. Entries of no slice are ignored.
   */
  flowRemoved(e: RemovedFlowCounters): void {
    const s = sliceOfCookie(e.cookie);
    const slice = s ? this.source.sliceName(s.index) : undefined;
    if (!slice) return;
    let perSwitch = this.removed.get(slice);
    if (!perSwitch) this.removed.set(slice, (perSwitch = new Map()));
    const acc = perSwitch.get(e.dpid) ?? { packets: 0, bytes: 0 };
    acc.packets += Number(e.packetCount);
    acc.bytes += Number(e.byteCount);
    perSwitch.set(e.dpid, acc);
    if (e.key === undefined) return;
    let keys = this.removedKeys.get(e.dpid);
    if (!keys) this.removedKeys.set(e.dpid, (keys = new Map()));
    keys.set(e.key, e.at);
    const l = this.latest.get(e.dpid);
    if (l && l.snapshot.flows.some((f) => f.key === e.key)) {
      const flows = l.snapshot.flows.filter((f) => f.key !== e.key);
      l.snapshot = { ...l.snapshot, flows };
      l.bySlice = this.bySlice(flows);
    }
  }

  /** The last snapshot of a switch (for answering tenant polls from the cache). */
  snapshot(dpid: string): SwitchStatsSnapshot | undefined {
    return this.latest.get(dpid)?.snapshot;
  }

  /**
   * Sums over the switches this node masters (and flows removed on them); undefined when nothing
   * reported the slice. `withRemoved` false: live flow statistics only (the removed part is kept
   * in the global tier, see removed-counters.ts).
   */
  sliceCounters(slice: string, withRemoved = true): CollectedSliceCounters | undefined {
    const out: CollectedSliceCounters = { packets: 0, bytes: 0, flows: 0, perSwitch: [], removed: { packets: 0, bytes: 0 }, queues: [] };
    const removed = withRemoved ? this.removed.get(slice) : undefined;
    const dpids = new Set([...this.latest.keys(), ...(removed?.keys() ?? [])]);
    let reported = false;
    for (const dpid of [...dpids].sort((a, b) => a.localeCompare(b))) {
      const l = this.latest.get(dpid);
      const c = l?.bySlice.get(slice);
      const r = removed?.get(dpid);
      const q = l?.queues.get(slice);
      if (q) {
        out.queues.push(...q);
        reported = true;
      }
      if (!c && !r) continue;
      reported = true;
      const sw = { dpid, packets: (c?.packets ?? 0) + (r?.packets ?? 0), bytes: (c?.bytes ?? 0) + (r?.bytes ?? 0), flows: c?.flows ?? 0 };
      out.packets += sw.packets;
      out.bytes += sw.bytes;
      out.flows += sw.flows;
      out.removed.packets += r?.packets ?? 0;
      out.removed.bytes += r?.bytes ?? 0;
      out.perSwitch.push(sw);
    }
    return reported ? out : undefined;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
