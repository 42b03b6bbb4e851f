// Slice-wide flow_entries across runtime nodes. Each node publishes, for every switch it masters,
// its slices' tenant entry counts to the global tier (map `meta`, key
// `flow-entries/<slice>/<dpid>`, value {node, entries, at}); a slice's total is this node's live
// counts on the switches it serves plus the published counts of every other switch, read from the
// local tier (synchronous: the flow-mod path never waits on the network). A switch's count has
// one writer, its master; a new master overwrites it. docs/security.md, "Limits".
import type { GlobalStore, Json, LocalTier } from '../store/index.js';

export const ENTRIES_PREFIX = 'flow-entries/';

export const entriesKey = (slice: string, dpid: string): string => `${ENTRIES_PREFIX}${slice}/${dpid}`;

/** A slice's tenant entries on one switch this node serves. */
export interface SwitchEntries {
  slice: string;
  dpid: string;
  entries: number;
}

/** What a node publishes per slice and switch. */
export interface PublishedEntries {
  node: string;
  entries: number;
  at: number;
}

/** Parses `flow-entries/<slice>/<dpid>` (slice names may not contain '/', dpids are hex). */
export function parseEntriesKey(key: string): { slice: string; dpid: string } | null {
  if (!key.startsWith(ENTRIES_PREFIX)) return null;
  const rest = key.slice(ENTRIES_PREFIX.length);
  const cut = rest.lastIndexOf('/');
  if (cut <= 0 || cut === rest.length - 1) return null;
  return { slice: rest.slice(0, cut), dpid: rest.slice(cut + 1) };
}

function isPublished(v: unknown): v is PublishedEntries {
  return typeof v === 'object' && v !== null && typeof (v as PublishedEntries).entries === 'number';
}

/**
 * Pure: a slice's total over the cluster: `local` (switches served here, live counts) plus the
 * published count of every switch not served here.
 */
export function sliceTotal(local: ReadonlyMap<string, number>, published: ReadonlyMap<string, number> | undefined): number {
  let total = 0;
  for (const n of local.values()) total += n;
  if (published) for (const [dpid, n] of published) if (!local.has(dpid)) total += n;
  return total;
}

export interface SliceTotalsOptions {
  store: GlobalStore;
  tier: LocalTier;
  nodeId: string;
  /** This node's live counts: per slice, dpid → entries, for the switches it masters. */
  local: () => readonly SwitchEntries[];
  /** How often changed counts are published (ms); default 200. */
  intervalMs?: number;
  onError?: (message: string) => void;
}

export class SliceTotals {
  /** slice → dpid → published entries (from the local tier). */
  private readonly published = new Map<string, Map<string, number>>();
  /** What this node last wrote, by key. */
  private readonly written = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopListening: (() => void) | null = null;
  private publishing: Promise<void> | null = null;

  constructor(private readonly o: SliceTotalsOptions) {}

  start(): void {
    for (const [key, v] of this.o.tier.entries('meta')) this.seen(key, v.value);
    this.stopListening = this.o.tier.on((e) => {
      if (e.map !== 'meta') return;
      this.seen(e.key, e.type === 'put' ? e.value : null);
    });
    this.timer = setInterval(() => void this.publish(), this.o.intervalMs ?? 200);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopListening?.();
    this.stopListening = null;
  }

  private seen(key: string, value: Json | null): void {
    const k = parseEntriesKey(key);
    if (!k) return;
    let at = this.published.get(k.slice);
    if (value !== null && isPublished(value)) {
      if (!at) this.published.set(k.slice, (at = new Map()));
      at.set(k.dpid, value.entries);
    } else at?.delete(k.dpid);
  }

  /** The slice's entries over every switch of the cluster. */
  total(slice: string): number {
    const local = new Map<string, number>();
    for (const e of this.o.local()) if (e.slice === slice) local.set(e.dpid, (local.get(e.dpid) ?? 0) + e.entries);
    return sliceTotal(local, this.published.get(slice));
  }

  /** Writes the counts that changed since the last write (one write in flight at a time). */
  publish(): Promise<void> {
    if (this.publishing) return this.publishing;
    const run = async (): Promise<void> => {
      const now = Date.now();
      for (const e of this.o.local()) {
        const key = entriesKey(e.slice, e.dpid);
        if (this.written.get(key) === e.entries) continue;
        const value: PublishedEntries = { node: this.o.nodeId, entries: e.entries, at: now };
        const r = await this.o.store.put('meta', key, value as unknown as Json);
        if (r.ok) this.written.set(key, e.entries);
        else this.o.onError?.(`publishing ${key}: ${r.error.code} ${r.error.message}`);
      }
    };
    this.publishing = run().finally(() => {
      this.publishing = null;
    });
    return this.publishing;
  }
}
