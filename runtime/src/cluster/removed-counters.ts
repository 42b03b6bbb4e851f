// Durable flow-removed counters: the final packet/byte counts of every slice flow entry a switch
// removes are added to `removed/<slice>/<dpid>` in the global tier, so a slice's totals keep
// them when the node that received the flow-removed dies. Only a switch's master receives its
// flow-removed messages; its deltas are merged with compare-and-set (read, add, write with the
// version read; retried on conflict), so concurrent writers never lose or double an addition.
// Deltas are flushed within flushMs; those not yet written when a node dies are lost (at most
// flushMs of removals). Nodes' pushed aggregates carry live flow statistics only; a slice's
// total is their sum plus these entries (removedTotals).
import type { Logger } from 'pino';
import type { GlobalStore, Json, LocalTier } from '../store/index.js';

export const REMOVED_MAP = 'removed' as const;

interface Counts {
  packets: number;
  bytes: number;
}

function isCounts(v: unknown): v is Counts {
  return typeof v === 'object' && v !== null && typeof (v as Counts).packets === 'number' && typeof (v as Counts).bytes === 'number';
}

export const removedKey = (slice: string, dpid: string) => `${slice}/${dpid}`;

export class RemovedCounters {
  private readonly pending = new Map<string, Counts>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: GlobalStore,
    private readonly flushMs = 200,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {}

  /** A removed entry's final counters for a slice on a switch. */
  add(slice: string, dpid: string, packets: number, bytes: number): void {
    const key = removedKey(slice, dpid);
    const c = this.pending.get(key) ?? { packets: 0, bytes: 0 };
    c.packets += packets;
    c.bytes += bytes;
    this.pending.set(key, c);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushMs);
      this.timer.unref?.();
    }
  }

  /** Writes every pending delta (merged with compare-and-set); deltas that fail stay pending. */
  flush(): Promise<void> {
    this.flushing = (this.flushing ?? Promise.resolve()).then(async () => {
      const batch = [...this.pending];
      this.pending.clear();
      await Promise.all(
        batch.map(async ([key, delta]) => {
          if (!(await this.merge(key, delta))) {
            const c = this.pending.get(key) ?? { packets: 0, bytes: 0 };
            this.pending.set(key, { packets: c.packets + delta.packets, bytes: c.bytes + delta.bytes });
            if (!this.timer) {
              this.timer = setTimeout(() => {
                this.timer = undefined;
                void this.flush();
              }, this.flushMs * 5);
              this.timer.unref?.();
            }
          }
        }),
      );
    });
    return this.flushing;
  }

  private async merge(key: string, delta: Counts, attempts = 8): Promise<boolean> {
    for (let i = 0; i < attempts; i++) {
      const cur = await this.store.get(REMOVED_MAP, key);
      if (!cur.ok) break;
      const was = cur.value && isCounts(cur.value.value) ? cur.value.value : { packets: 0, bytes: 0 };
      const next = { packets: was.packets + delta.packets, bytes: was.bytes + delta.bytes, updatedAt: new Date().toISOString() };
      const put = await this.store.put(REMOVED_MAP, key, next as unknown as Json, { expectVersion: cur.value?.version ?? 0 });
      if (put.ok) return true;
      if (put.error.code !== 'conflict') {
        this.log?.warn({ error: put.error, key }, 'removed-flow counters not written (kept for the next flush)');
        return false;
      }
    }
    return false;
  }

  /** Flushes what is pending and stops (a node that stops cleanly loses nothing). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** A slice's removed-flow counters from the local tier: in total and per switch. */
export function removedTotals(tier: LocalTier, slice: string): { packets: number; bytes: number; perSwitch: Map<string, Counts> } {
  const out = { packets: 0, bytes: 0, perSwitch: new Map<string, Counts>() };
  const prefix = `${slice}/`;
  for (const [key, v] of tier.entries(REMOVED_MAP)) {
    if (!key.startsWith(prefix) || key.indexOf('/', prefix.length) >= 0 || !isCounts(v.value)) continue;
    out.packets += v.value.packets;
    out.bytes += v.value.bytes;
    out.perSwitch.set(key.slice(prefix.length), { packets: v.value.packets, bytes: v.value.bytes });
  }
  return out;
}
