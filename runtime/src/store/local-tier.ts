// A node's local tier: an in-memory copy of the global-tier maps it needs, built at start and kept
// in step by the global tier's pushed change events (no polling). Reads are synchronous: the
// OpenFlow hot path reads only this. It re-publishes the changes it applies, so the runtime can
// react (program switches when a revision arrives), and offers waitFor() for tests.
//
// Start-up without gaps: subscribe first and buffer events, then read each map, then apply the
// buffered events over the snapshot, skipping those older than what the snapshot already has.
// After the global tier reports 'connected' following 'disconnected', or 'members-changed' (a
// member left or joined: events may have been missed) while this side holds a majority, the maps
// are read again and differences are published as events; a re-read that is evidently missing
// data (the revision pointer gone, older, or without its body) is not taken.
// Those re-reads come too early to be the last: a client learns of a member (or gets its first
// connection back) before it has connected to every member and registered its change listeners
// there (the Hazelcast client connects to new members in a background task, every second), and
// a change whose partition that member owns is pushed to nobody meanwhile. So the tier reads
// again `settleMs` after the last such status (a healed partition's first deploy, committed in
// that window, reached no master otherwise: docs/cluster.md, "Partitions").
//
// The readable head: pushed events of different keys are not ordered, and a store client that is
// reconnecting can miss one, so the revision pointer may name a body this copy does not hold (yet).
// The tier remembers the newest body the pointer named while it was here; readers of the current
// revision (revisions.ts) fall back to it, so a node's active revision never reads as 0 or goes back.
import { unavailable } from './errors.js';
import { CURRENT_KEY, isPointer, partialRevisionsRead } from './revision-chain.js';
import {
  fail,
  ok,
  type ChangeEvent,
  type GlobalStore,
  type Json,
  type MapName,
  type StoreResult,
  type Unsubscribe,
  type Versioned,
} from './types.js';

export type LocalListener = (event: ChangeEvent) => void;

/** One re-read of the global tier: why, and what came of it (for the node's log). */
export interface ResyncReport {
  /** 'settled': the follow-up read `settleMs` after a membership change or a reconnect. */
  cause: 'reconnected' | 'members-changed' | 'settled' | 'failed-commit' | 'requested';
  /** Entries changed (put or deleted) by taking the read; 0 when it was not taken. */
  changes: number;
  /** Why the read was not taken (the store's error, or the data it is evidently missing). */
  error?: string;
}

export interface LocalTierOptions {
  /** Told after every re-read. */
  onResync?: (report: ResyncReport) => void;
  /** The follow-up re-read's delays after a membership change or a reconnect (ms; default SETTLE_MS). */
  settleMs?: readonly number[];
}

/**
 * When the follow-up re-reads come, after the last membership change or reconnect (ms): the
 * client's member connections and listener registrations take one to two seconds (its task runs
 * every second), longer on a loaded machine; the second read is for that case.
 */
export const SETTLE_MS: readonly number[] = [2500, 6000];

export class LocalTier {
  private readonly data = new Map<MapName, Map<string, Versioned>>();
  private readonly listeners = new Set<LocalListener>();
  private readonly waiters = new Set<() => void>();
  private unsubscribes: Unsubscribe[] = [];
  private stopStatus: (() => void) | undefined;
  private buffering: ChangeEvent[] | undefined = [];
  private closed = false;
  private resyncing: Promise<void> | undefined;
  /** The pending follow-up re-reads (see SETTLE_MS). */
  private settleTimers: NodeJS.Timeout[] = [];
  /** During a resync: the keys (map NUL key) pushed events changed since its first read began. */
  private touched: Set<string> | undefined;
  /** Key of the newest revision body the pointer named while this copy held it (see revisionHead). */
  private head: string | undefined;

  private constructor(
    private readonly store: GlobalStore,
    readonly maps: readonly MapName[],
    private readonly options: LocalTierOptions,
  ) {
    for (const m of maps) this.data.set(m, new Map());
  }

  /** Builds the local copy of `maps` from the global tier and keeps it in step. */
  static async open(store: GlobalStore, maps: readonly MapName[], options: LocalTierOptions = {}): Promise<StoreResult<LocalTier>> {
    const tier = new LocalTier(store, [...new Set(maps)], options);
    for (const m of tier.maps) {
      const sub = await store.subscribe(m, (e) => tier.onEvent(e));
      if (!sub.ok) {
        await tier.close();
        return sub;
      }
      tier.unsubscribes.push(sub.value);
    }
    for (const m of tier.maps) {
      const snap = await store.entries(m);
      if (!snap.ok) {
        await tier.close();
        return fail(snap.error);
      }
      const local = tier.data.get(m)!;
      for (const [k, v] of snap.value) local.set(k, v);
    }
    const buffered = tier.buffering ?? [];
    tier.buffering = undefined;
    for (const e of buffered) tier.apply(e, true);
    tier.noteRevisionHead();
    let wasDown = false;
    tier.stopStatus = store.onStatus((s) => {
      if (s === 'disconnected') wasDown = true;
      else if (s === 'members-changed') {
        void tier.resyncRetrying();
        tier.settleLater();
      } else if (s === 'connected' && wasDown) {
        wasDown = false;
        void tier.resync('reconnected');
        tier.settleLater();
      }
    });
    return ok(tier);
  }

  private onEvent(e: ChangeEvent): void {
    if (this.closed) return;
    if (this.buffering) this.buffering.push(e);
    else this.apply(e, false);
  }

  /**
   * Applies one pushed change. During start-up (`catchingUp`) an event may be older than the
   * snapshot: a put is applied only if newer than the local version, a delete only if it deletes
   * the local version or an older one.
   */
  private apply(e: ChangeEvent, catchingUp: boolean): void {
    const local = this.data.get(e.map);
    if (!local) return;
    this.touched?.add(`${e.map}\u0000${e.key}`);
    const have = local.get(e.key);
    if (e.type === 'put') {
      if (catchingUp && have && have.version >= e.version) return;
      local.set(e.key, { value: e.value, version: e.version });
    } else {
      if (!have) return;
      if (catchingUp && have.version > e.version) return;
      local.delete(e.key);
    }
    this.publish(e);
  }

  private publish(e: ChangeEvent): void {
    if (e.map === 'revisions') this.noteRevisionHead();
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* the listener's own failure */
      }
    }
    for (const w of [...this.waiters]) w();
  }

  /**
   * Whether this node's side of the cluster holds a majority (always, for a store without
   * quorum()). A side without one holds only part of the data (the partitions its members had
   * replicas of): re-reading it would drop the rest, so the tier keeps what it has (the minority
   * keeps forwarding on its plan) until it rejoins and reconnects.
   */
  private majority(): boolean {
    return this.store.quorum?.().ok ?? true;
  }

  /**
   * resync(), tried again every second while the cluster cannot answer (its partitions are moving
   * to the remaining members), at most `tries` times.
   */
  private async resyncRetrying(tries = 10): Promise<void> {
    for (let i = 0; i < tries && !this.closed && this.majority(); i++) {
      if ((await this.resync('members-changed')).ok) return;
      await new Promise((r) => setTimeout(r, 1000).unref());
    }
  }

  /**
   * Schedules the follow-up re-reads (SETTLE_MS) anew: the changes pushed to nobody while the
   * client was connecting to the members and registering its listeners there are read then.
   */
  private settleLater(): void {
    for (const t of this.settleTimers) clearTimeout(t);
    this.settleTimers = (this.options.settleMs ?? SETTLE_MS).map((ms) => {
      const t = setTimeout(() => {
        if (!this.closed && this.majority()) void this.resync('settled');
      }, ms);
      t.unref();
      return t;
    });
  }

  /**
   * Reads every map again and publishes what changed (after the global tier was unreachable, or
   * after a member left). All maps are read before any is taken, and nothing is taken from a read
   * that is evidently missing data (`partialRevisionsRead`: the revision pointer gone, older, or
   * naming a body the read lacks): a side that lost members answers from the replicas it holds.
   */
  async resync(cause: ResyncReport['cause'] = 'requested'): Promise<StoreResult<void>> {
    if (this.resyncing) await this.resyncing;
    let result: StoreResult<void> = ok(undefined);
    let changes = 0;
    // Keys that pushed events change while the maps are being read are newer than the read: it
    // must not take them back (nor delete a key an event just added).
    const touched = new Set<string>();
    this.touched = touched;
    this.resyncing = (async () => {
      const reads = new Map<MapName, Map<string, Versioned>>();
      for (const m of this.maps) {
        const snap = await this.store.entries(m);
        if (!snap.ok) {
          result = fail(snap.error);
          return;
        }
        reads.set(m, new Map(snap.value));
      }
      // What each map would hold once the read is taken; judged against what the node holds now.
      const next = new Map([...reads].map(([m, read]) => [m, this.afterTaking(m, read, touched)] as const));
      const revisions = next.get('revisions');
      const partial = revisions && partialRevisionsRead(revisions, this.data.get('revisions')!);
      if (partial) {
        result = unavailable(`the re-read of the global tier is missing data (${partial}): kept what this node has`);
        return;
      }
      for (const [m, target] of next) changes += this.become(m, target);
    })();
    await this.resyncing;
    this.resyncing = undefined;
    if (this.touched === touched) this.touched = undefined;
    this.options.onResync?.({ cause, changes, ...(result.ok ? {} : { error: result.error.message }) });
    return result;
  }

  /** The local copy of `m` as `read` makes it, except keys an event changed meanwhile (kept as they are). */
  private afterTaking(m: MapName, read: ReadonlyMap<string, Versioned>, touched: ReadonlySet<string>): Map<string, Versioned> {
    const out = new Map(read);
    for (const [k, have] of this.data.get(m)!) {
      if (touched.has(`${m}\u0000${k}`)) out.set(k, have);
    }
    for (const k of out.keys()) {
      if (touched.has(`${m}\u0000${k}`) && !this.data.get(m)!.has(k)) out.delete(k);
    }
    return out;
  }

  /** Makes the local copy of `m` equal to `target`; publishes each change and returns how many there were. */
  private become(m: MapName, target: ReadonlyMap<string, Versioned>): number {
    const local = this.data.get(m)!;
    let changes = 0;
    for (const [k, v] of target) {
      const have = local.get(k);
      if (!have || have.version !== v.version || JSON.stringify(have.value) !== JSON.stringify(v.value)) {
        local.set(k, v);
        changes++;
        this.publish({ type: 'put', map: m, key: k, value: v.value, version: v.version });
      }
    }
    for (const [k, have] of [...local]) {
      if (!target.has(k)) {
        local.delete(k);
        changes++;
        this.publish({ type: 'delete', map: m, key: k, version: have.version });
      }
    }
    return changes;
  }

  /** The local copy of one entry (synchronous; never a round trip). Treat the value as read-only. */
  get(map: MapName, key: string): Versioned | undefined {
    return this.data.get(map)?.get(key);
  }

  value<T extends Json = Json>(map: MapName, key: string): T | undefined {
    return this.data.get(map)?.get(key)?.value as T | undefined;
  }

  /** The local copy of a whole map (read-only view). */
  entries(map: MapName): ReadonlyMap<string, Versioned> {
    return this.data.get(map) ?? new Map();
  }

  size(map: MapName): number {
    return this.data.get(map)?.size ?? 0;
  }

  /**
   * The key of the current revision's body as this copy can read it: the one the revision pointer
   * names when it is here, else the newest one the pointer named while it was here (the pointer
   * came before its body, or the body's event was missed); undefined when neither is held.
   */
  revisionHead(): string | undefined {
    const revisions = this.data.get('revisions');
    if (!revisions) return undefined;
    const p = revisions.get(CURRENT_KEY)?.value;
    if (isPointer(p) && revisions.has(p.key)) return p.key;
    return this.head !== undefined && revisions.has(this.head) ? this.head : undefined;
  }

  private noteRevisionHead(): void {
    const revisions = this.data.get('revisions');
    const p = revisions?.get(CURRENT_KEY)?.value;
    if (isPointer(p) && revisions!.has(p.key)) this.head = p.key;
  }

  /** Called after each change this tier applies. Returns a function that stops it. */
  on(listener: LocalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves true as soon as `predicate(this)` holds (checked now and after every change),
   * false after timeoutMs.
   */
  waitFor(predicate: (tier: LocalTier) => boolean, timeoutMs = 10_000): Promise<boolean> {
    if (predicate(this)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (result: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const check = (): void => {
        let holds = false;
        try {
          holds = predicate(this);
        } catch {
          holds = false;
        }
        if (holds) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopStatus?.();
    for (const t of this.settleTimers) clearTimeout(t);
    for (const u of this.unsubscribes) await u().catch(() => undefined);
    this.unsubscribes = [];
    this.listeners.clear();
  }
}
