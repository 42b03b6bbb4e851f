// The embedded global tier: all maps in this process, zero setup, the default for one node,
// demos and tests. With a data directory, every acknowledged write of a persistent map is on
// disk (see journal.ts); leases and node entries are ephemeral and live only in memory.
// Single-threaded JavaScript makes each operation atomic: the version check and the write
// happen in one synchronous step.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Journal, type MapState } from './journal.js';
import { cloneJson } from './record.js';
import { closed, describeError, invalid, leaseHeld, leaseLost, staleWrite } from './errors.js';
import {
  EPHEMERAL_MAPS,
  MAP_NAMES,
  fail,
  isMapName,
  ok,
  type ChangeEvent,
  type ChangeListener,
  type GlobalStore,
  type Json,
  type Lease,
  type LeaseRecord,
  type MapName,
  type MessageListener,
  type NodeInfo,
  type StoreResult,
  type StoreStatus,
  type Unsubscribe,
  type Versioned,
  type WriteOptions,
} from './types.js';

export interface EmbeddedStoreOptions {
  /** Where to persist; absent: memory only. */
  dataDir?: string;
  /** Snapshot once the write log reaches this many bytes. */
  compactBytes?: number;
}

export class EmbeddedStore implements GlobalStore {
  readonly kind = 'embedded';
  private readonly maps: MapState = new Map();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Map<MapName, Set<ChangeListener>>();
  private readonly channels = new EventEmitter();
  private seq = 0;
  private isClosed = false;

  private constructor(private readonly journal: Journal | undefined) {
    for (const m of MAP_NAMES) this.maps.set(m, new Map());
    this.channels.setMaxListeners(0);
  }

  /** Opens the store; with a data directory, loads what was persisted there. */
  static async open(options: EmbeddedStoreOptions = {}): Promise<StoreResult<EmbeddedStore>> {
    if (!options.dataDir) return ok(new EmbeddedStore(undefined));
    let store: EmbeddedStore | undefined;
    try {
      const { journal, state } = await Journal.open(options.dataDir, () => ({ seq: store!.seq, maps: store!.persistentMaps() }), {
        compactBytes: options.compactBytes,
      });
      store = new EmbeddedStore(journal);
      store.seq = state.seq;
      for (const [name, entries] of state.maps) if (isMapName(name)) store.maps.set(name, entries);
      return ok(store);
    } catch (e) {
      return fail({ code: 'io', message: `cannot open the store in ${options.dataDir}: ${describeError(e)}` });
    }
  }

  private persistentMaps(): MapState {
    const out: MapState = new Map();
    for (const [name, entries] of this.maps) if (!EPHEMERAL_MAPS.includes(name as MapName)) out.set(name, entries);
    return out;
  }

  private entriesOf(map: MapName): Map<string, Versioned> {
    return this.maps.get(map)!;
  }

  async get(map: MapName, key: string): Promise<StoreResult<Versioned | undefined>> {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    const v = this.entriesOf(map).get(key);
    return ok(v ? { version: v.version, value: cloneJson(v.value)! } : undefined);
  }

  async entries(map: MapName): Promise<StoreResult<Array<[string, Versioned]>>> {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    return ok([...this.entriesOf(map)].map(([k, v]) => [k, { version: v.version, value: cloneJson(v.value)! }]));
  }

  async put(map: MapName, key: string, value: Json, options: WriteOptions = {}): Promise<StoreResult<{ version: number }>> {
    const bad = this.checkArgs<{ version: number }>(map, key);
    if (bad) return bad;
    const copy = cloneJson(value);
    if (copy === undefined) return invalid(`${map}/${key}: the value is not JSON data`);
    const entries = this.entriesOf(map);
    const current = entries.get(key)?.version ?? 0;
    const stale = staleWrite(map, key, options, current);
    if (stale) return stale;
    const version = current + 1;
    entries.set(key, { version, value: copy });
    this.clearTimer(map, key);
    return this.commit({ type: 'put', map, key, value: copy, version }, version);
  }

  async delete(map: MapName, key: string, options: WriteOptions = {}): Promise<StoreResult<{ version: number }>> {
    const bad = this.checkArgs<{ version: number }>(map, key);
    if (bad) return bad;
    const entries = this.entriesOf(map);
    const current = entries.get(key)?.version ?? 0;
    const stale = staleWrite(map, key, options, current);
    if (stale) return stale;
    if (current === 0) return ok({ version: 0 });
    entries.delete(key);
    this.clearTimer(map, key);
    return this.commit({ type: 'delete', map, key, version: current }, current);
  }

  /** Makes a change durable (persistent maps), then tells subscribers and the caller. */
  private async commit(event: ChangeEvent, version: number): Promise<StoreResult<{ version: number }>> {
    const seq = ++this.seq;
    if (this.journal && !EPHEMERAL_MAPS.includes(event.map)) {
      const record =
        event.type === 'put'
          ? { s: seq, m: event.map, k: event.key, v: event.version, d: event.value }
          : { s: seq, m: event.map, k: event.key, x: 1 as const };
      try {
        await this.journal.append(record);
      } catch (e) {
        return fail({
          code: 'io',
          message: `cannot persist ${event.map}/${event.key}: ${describeError(e)}`,
          map: event.map,
          key: event.key,
        });
      }
    }
    this.emit(event);
    return ok({ version });
  }

  private emit(event: ChangeEvent): void {
    const set = this.listeners.get(event.map);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(structuredClone(event));
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  private checkArgs<T>(map: MapName, key: string): StoreResult<T> | undefined {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    if (typeof key !== 'string' || key === '') return invalid(`${map}: keys are non-empty strings`);
    return undefined;
  }

  async subscribe(map: MapName, listener: ChangeListener): Promise<StoreResult<Unsubscribe>> {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    let set = this.listeners.get(map);
    if (!set) this.listeners.set(map, (set = new Set()));
    const entry: ChangeListener = (e) => listener(e);
    set.add(entry);
    return ok(async () => {
      set!.delete(entry);
    });
  }

  // --- TTL entries (leases, nodes) ---

  private timerKey(map: MapName, key: string): string {
    return `${map}\u0000${key}`;
  }

  private clearTimer(map: MapName, key: string): void {
    const k = this.timerKey(map, key);
    const t = this.timers.get(k);
    if (t) {
      clearTimeout(t);
      this.timers.delete(k);
    }
  }

  private armTimer(map: MapName, key: string, ttlMs: number): void {
    this.clearTimer(map, key);
    const t = setTimeout(() => {
      this.timers.delete(this.timerKey(map, key));
      const v = this.entriesOf(map).get(key);
      if (!v) return;
      this.entriesOf(map).delete(key);
      this.seq++;
      this.emit({ type: 'expire', map, key, value: v.value, version: v.version });
    }, ttlMs);
    t.unref();
    this.timers.set(this.timerKey(map, key), t);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<StoreResult<Lease>> {
    const bad = this.checkArgs<Lease>('leases', name);
    if (bad) return bad;
    if (!(ttlMs >= 1000)) return invalid(`lease ${name}: ttlMs must be at least 1000`);
    const held = this.entriesOf('leases').get(name);
    if (held) {
      const rec = held.value as unknown as LeaseRecord;
      if (rec.owner !== owner) return leaseHeld(name, rec.owner);
      this.armTimer('leases', name, ttlMs);
      const now = Date.now();
      return ok({ name, owner, token: rec.token, ttlMs, acquiredAt: rec.acquiredAt, expiresAt: now + ttlMs });
    }
    const now = Date.now();
    const rec: LeaseRecord = { owner, token: randomUUID(), ttlMs, acquiredAt: now };
    const put = await this.put('leases', name, rec as unknown as Json, { expectVersion: 0 });
    if (!put.ok) return put;
    this.armTimer('leases', name, ttlMs);
    return ok({ name, owner, token: rec.token, ttlMs, acquiredAt: now, expiresAt: now + ttlMs });
  }

  async renewLease(lease: Lease): Promise<StoreResult<Lease>> {
    if (this.isClosed) return closed(this.kind);
    const held = this.entriesOf('leases').get(lease.name);
    if (!held || (held.value as unknown as LeaseRecord).token !== lease.token) return leaseLost(lease.name, lease.owner);
    this.armTimer('leases', lease.name, lease.ttlMs);
    return ok({ ...lease, expiresAt: Date.now() + lease.ttlMs });
  }

  async releaseLease(lease: Lease): Promise<StoreResult<void>> {
    if (this.isClosed) return closed(this.kind);
    const held = this.entriesOf('leases').get(lease.name);
    if (!held || (held.value as unknown as LeaseRecord).token !== lease.token) return ok(undefined);
    const del = await this.delete('leases', lease.name, { expectVersion: held.version });
    return del.ok ? ok(undefined) : del;
  }

  async heartbeat(node: NodeInfo, ttlMs: number): Promise<StoreResult<void>> {
    if (!(ttlMs >= 1000)) return invalid(`heartbeat of ${node.id}: ttlMs must be at least 1000`);
    const put = await this.put('nodes', node.id, node as unknown as Json);
    if (!put.ok) return put;
    this.armTimer('nodes', node.id, ttlMs);
    return ok(undefined);
  }

  async leave(nodeId: string): Promise<StoreResult<void>> {
    const del = await this.delete('nodes', nodeId);
    return del.ok ? ok(undefined) : del;
  }

  // --- channels ---

  async publish(channel: string, message: Json): Promise<StoreResult<void>> {
    if (this.isClosed) return closed(this.kind);
    const copy = cloneJson(message);
    if (copy === undefined) return invalid(`channel ${channel}: the message is not JSON data`);
    queueMicrotask(() => this.channels.emit(channel, copy));
    return ok(undefined);
  }

  async onMessage(channel: string, listener: MessageListener): Promise<StoreResult<Unsubscribe>> {
    if (this.isClosed) return closed(this.kind);
    const l = (m: Json): void => {
      try {
        listener(structuredClone(m));
      } catch {
        /* a listener's failure is its own */
      }
    };
    this.channels.on(channel, l);
    return ok(async () => {
      this.channels.off(channel, l);
    });
  }

  onStatus(_listener: (status: StoreStatus) => void): () => void {
    return () => undefined; // always reachable
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
    this.channels.removeAllListeners();
    await this.journal?.close();
  }
}
