// The Hazelcast global tier: one IMap per store map (named `<prefix><map>`), values stored as
// strings {"v":version,"d":value} (record.ts). Versioned writes are compare-and-set on the whole
// stored string: putIfAbsent for "must not exist", replaceIfSame(old, new) otherwise, remove(key,
// old) for deletes; a stale version never overwrites. Change events come from entry listeners.
// Leases and node entries use IMap TTLs: putIfAbsent(..., ttl) to take a lease, setTtl to renew
// it (replaceIfSame would reset the TTL to infinite), remove(key, exactValue) to release it; an
// entry that is not renewed expires on the members and listeners get an `expire` event.
// Every call catches the client's exceptions and answers `unavailable` instead, or `no-quorum`
// when the members refused it by split-brain protection (.ci/hazelcast/member.xml). A write is
// acknowledged only once its backup is (operation.fail.on.indeterminate.state): one that the
// backup's member never confirms is `unavailable`, though it may have been applied. `quorum()`
// compares the client's view of the cluster's members with the majority of the declared ones.
// A member leaving or joining is reported as status 'members-changed' (the local tier re-reads).
import { randomUUID } from 'node:crypto';
import hazelcast from 'hazelcast-client';
import type { Client as HzClient, IMap, ITopic } from 'hazelcast-client';
import { conflict, describeError, invalid, leaseHeld, leaseLost, noQuorum, staleWrite, unavailable, closed } from './errors.js';
import { cloneJson, decodeRecord, encodeRecord } from './record.js';
import {
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

const { Client, SplitBrainProtectionError } = hazelcast;

export interface HazelcastStoreOptions {
  /** Member addresses, "host:port". */
  members: string[];
  clusterName?: string;
  /** Give up connecting after this long (default 10 s); also bounds reconnect attempts. */
  connectTimeoutMs?: number;
  /** A call that gets no answer in this long fails as `unavailable` (default 10 s). */
  invocationTimeoutMs?: number;
  /** Prefix of the IMap and topic names (default "dfv."); lets several stores share one cluster. */
  prefix?: string;
  /** Receives the client's warnings and errors (default: dropped). */
  log?: (level: 'warn' | 'error', message: string) => void;
  /**
   * The fewest members this node's side of the cluster must see to take writes that need a
   * majority (deploys). Default: the majority of `members` when 3 or more are declared, else none
   * (with 1 or 2 members no side can lose one and keep a majority).
   */
  quorum?: number;
}

/** The majority of the declared members, or 0 (no check) for fewer than 3. */
export function defaultQuorum(declared: number): number {
  return declared >= 3 ? Math.floor(declared / 2) + 1 : 0;
}

const MAX_CAS_ATTEMPTS = 50;

/** Hazelcast keeps TTLs in whole seconds; round up so an entry never lives shorter than asked. */
function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

/** The version of a stored record string; 0 when there is no entry. */
function versionOf(raw: string | null | undefined): number {
  return raw === null || raw === undefined ? 0 : (decodeRecord(raw)?.version ?? 0);
}

export class HazelcastStore implements GlobalStore {
  readonly kind = 'hazelcast';
  private readonly maps = new Map<MapName, Promise<IMap<string, string>>>();
  private readonly statusListeners = new Set<(s: StoreStatus) => void>();
  private isClosed = false;
  private heartbeats = new Map<string, number>();

  private constructor(
    private readonly client: HzClient,
    private readonly prefix: string,
    private readonly quorumSize: number,
  ) {}

  /** Connects to the cluster; `unavailable` (never a throw) when no member answers in time. */
  static async open(options: HazelcastStoreOptions): Promise<StoreResult<HazelcastStore>> {
    if (options.members.length === 0) return invalid('no Hazelcast member addresses given');
    const statusRelay: { store?: HazelcastStore } = {};
    const log = options.log ?? (() => undefined);
    const logger = {
      log: (level: number, _name: string, message: string, furtherInfo?: unknown) => {
        if (level <= 1) log(level === 0 ? 'error' : 'warn', furtherInfo ? `${message} ${String(furtherInfo)}` : message);
      },
      error: (_n: string, m: string, f?: unknown) => log('error', f ? `${m} ${String(f)}` : m),
      warn: (_n: string, m: string, f?: unknown) => log('warn', f ? `${m} ${String(f)}` : m),
      info: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
    };
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    try {
      const client = await Client.newHazelcastClient({
        clusterName: options.clusterName ?? 'dfvisor',
        network: { clusterMembers: options.members, smartRouting: true, redoOperation: true, connectionTimeout: 3000 },
        connectionStrategy: {
          asyncStart: false,
          reconnectMode: 'ON' as never,
          connectionRetry: { initialBackoffMillis: 200, maxBackoffMillis: 2000, clusterConnectTimeoutMillis: connectTimeoutMs },
        },
        lifecycleListeners: [
          (state: string) => {
            if (state === 'CONNECTED') statusRelay.store?.emitStatus('connected');
            else if (state === 'DISCONNECTED') statusRelay.store?.emitStatus('disconnected');
          },
        ],
        properties: {
          'hazelcast.client.invocation.timeout.millis': options.invocationTimeoutMs ?? 10_000,
          'hazelcast.client.heartbeat.interval': 1000,
          'hazelcast.client.heartbeat.timeout': 10_000,
          'hazelcast.client.invocation.retry.pause.millis': 200,
          // A write whose backup copy is not confirmed in time (the backup's member is cut off or
          // dead) fails as `unavailable` instead of succeeding after the backup timeout: on a
          // partition's minority side, before its member has dropped the others, a write there
          // would otherwise be acknowledged and then lost when the sides merge.
          'hazelcast.client.operation.fail.on.indeterminate.state': true,
        },
        customLogger: logger,
      });
      const store = new HazelcastStore(client, options.prefix ?? 'dfv.', options.quorum ?? defaultQuorum(options.members.length));
      statusRelay.store = store;
      // A member that dies or is cut off takes the change events it owed with it (the entries
      // survive in the backups, promoted without new events): listeners re-read.
      client.getCluster().addMembershipListener({
        memberAdded: () => store.emitStatus('members-changed'),
        memberRemoved: () => store.emitStatus('members-changed'),
      });
      return ok(store);
    } catch (e) {
      return unavailable(
        `cannot reach the Hazelcast cluster '${options.clusterName ?? 'dfvisor'}' at ${options.members.join(',')}: ${describeError(e)}`,
      );
    }
  }

  private emitStatus(s: StoreStatus): void {
    for (const l of [...this.statusListeners]) {
      try {
        l(s);
      } catch {
        /* the listener's own failure */
      }
    }
  }

  private imap(map: MapName): Promise<IMap<string, string>> {
    let m = this.maps.get(map);
    if (!m) {
      m = this.client.getMap<string, string>(this.prefix + map);
      m.catch(() => this.maps.delete(map));
      this.maps.set(map, m);
    }
    return m;
  }

  /** Runs one cluster call; exceptions become `unavailable`. */
  private async call<T>(what: string, f: () => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
    if (this.isClosed) return closed(this.kind);
    try {
      return await f();
    } catch (e) {
      if (e instanceof SplitBrainProtectionError)
        return noQuorum(`${what}: refused by the Hazelcast members, which are not a majority of the cluster: ${describeError(e)}`);
      return unavailable(`${what}: the Hazelcast cluster did not answer: ${describeError(e)}`);
    }
  }

  quorum(): StoreResult<void> {
    if (this.isClosed) return closed(this.kind);
    if (this.quorumSize === 0) return ok(undefined);
    const seen = this.client.getCluster().getMembers().length;
    return seen >= this.quorumSize
      ? ok(undefined)
      : noQuorum(`this node's side of the Hazelcast cluster has ${seen} member(s); a majority is ${this.quorumSize}`);
  }

  private checkArgs<T>(map: MapName, key: string): StoreResult<T> | undefined {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    if (typeof key !== 'string' || key === '') return invalid(`${map}: keys are non-empty strings`);
    return undefined;
  }

  async get(map: MapName, key: string): Promise<StoreResult<Versioned | undefined>> {
    const bad = this.checkArgs<Versioned | undefined>(map, key);
    if (bad) return bad;
    return this.call(`get ${map}/${key}`, async () => ok(decodeRecord(await (await this.imap(map)).get(key))));
  }

  async entries(map: MapName): Promise<StoreResult<Array<[string, Versioned]>>> {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    return this.call(`entries of ${map}`, async () => {
      const out: Array<[string, Versioned]> = [];
      for (const [k, raw] of await (await this.imap(map)).entrySet()) {
        const v = decodeRecord(raw);
        if (v) out.push([k, v]);
      }
      return ok(out);
    });
  }

  async put(map: MapName, key: string, value: Json, options: WriteOptions = {}): Promise<StoreResult<{ version: number }>> {
    const bad = this.checkArgs<{ version: number }>(map, key);
    if (bad) return bad;
    const copy = cloneJson(value);
    if (copy === undefined) return invalid(`${map}/${key}: the value is not JSON data`);
    return this.call(`put ${map}/${key}`, async () => {
      const m = await this.imap(map);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const raw = await m.get(key);
        const current = versionOf(raw);
        const stale = staleWrite(map, key, options, current);
        if (stale) return stale;
        const next = encodeRecord(current + 1, copy);
        const done = raw === null || raw === undefined ? (await m.putIfAbsent(key, next)) === null : await m.replaceIfSame(key, raw, next);
        if (done) return ok({ version: current + 1 });
        // Someone wrote in between: a versioned write has lost; a blind write tries again.
        if (options.expectVersion !== undefined) return conflict(map, key, options.expectVersion, versionOf(await m.get(key)));
      }
      return conflict(map, key, -1, decodeRecord(await m.get(key))?.version ?? 0);
    });
  }

  async delete(map: MapName, key: string, options: WriteOptions = {}): Promise<StoreResult<{ version: number }>> {
    const bad = this.checkArgs<{ version: number }>(map, key);
    if (bad) return bad;
    return this.call(`delete ${map}/${key}`, async () => {
      const m = await this.imap(map);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const raw = await m.get(key);
        const current = versionOf(raw);
        const stale = staleWrite(map, key, options, current);
        if (stale) return stale;
        if (raw === null || raw === undefined) return ok({ version: 0 });
        if ((await m.remove(key, raw)) === true) return ok({ version: current });
        if (options.expectVersion !== undefined) return conflict(map, key, options.expectVersion, versionOf(await m.get(key)));
      }
      return conflict(map, key, -1, decodeRecord(await m.get(key))?.version ?? 0);
    });
  }

  async subscribe(map: MapName, listener: ChangeListener): Promise<StoreResult<Unsubscribe>> {
    if (this.isClosed) return closed(this.kind);
    if (!isMapName(map)) return invalid(`unknown map ${String(map)}`);
    const deliver = (e: ChangeEvent): void => {
      try {
        listener(e);
      } catch {
        /* the listener's own failure */
      }
    };
    const onPut = (ev: { key: string; value: string }): void => {
      const r = decodeRecord(ev.value);
      if (r) deliver({ type: 'put', map, key: ev.key, value: r.value, version: r.version });
    };
    const onGone = (type: 'delete' | 'expire') => (ev: { key: string; oldValue: string }) => {
      const r = decodeRecord(ev.oldValue);
      if (type === 'delete') deliver({ type, map, key: ev.key, version: r?.version ?? 0 });
      else deliver({ type, map, key: ev.key, value: r?.value ?? null, version: r?.version ?? 0 });
    };
    return this.call(`subscribe to ${map}`, async () => {
      const m = await this.imap(map);
      const id = await m.addEntryListener(
        { added: onPut, updated: onPut, merged: onPut, removed: onGone('delete'), expired: onGone('expire'), evicted: onGone('expire') },
        undefined,
        true,
      );
      return ok(async () => {
        if (this.isClosed) return;
        await m.removeEntryListener(id).catch(() => undefined);
      });
    });
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<StoreResult<Lease>> {
    const bad = this.checkArgs<Lease>('leases', name);
    if (bad) return bad;
    if (!(ttlMs >= 1000)) return invalid(`lease ${name}: ttlMs must be at least 1000`);
    return this.call(`acquire lease ${name}`, async () => {
      const m = await this.imap('leases');
      const now = Date.now();
      const rec: LeaseRecord = { owner, token: randomUUID(), ttlMs, acquiredAt: now };
      const prev = await m.putIfAbsent(name, encodeRecord(1, rec as unknown as Json), ttlSeconds(ttlMs));
      if (prev === null || prev === undefined) return ok({ name, owner, token: rec.token, ttlMs, acquiredAt: now, expiresAt: now + ttlMs });
      const held = decodeRecord(prev)?.value as unknown as LeaseRecord | undefined;
      if (!held || held.owner !== owner) return leaseHeld(name, held?.owner ?? 'unknown');
      // Already ours (e.g. after a restart with the same owner id): renew and keep it.
      return this.renewHeld(m, { name, owner, token: held.token, ttlMs, acquiredAt: held.acquiredAt, expiresAt: 0 });
    });
  }

  async renewLease(lease: Lease): Promise<StoreResult<Lease>> {
    if (this.isClosed) return closed(this.kind);
    return this.call(`renew lease ${lease.name}`, async () => this.renewHeld(await this.imap('leases'), lease));
  }

  /**
   * setTtl extends whatever entry is there, so check the token before and after: if it is still
   * this acquisition's token afterwards, the entry that got the new TTL is ours.
   */
  private async renewHeld(m: IMap<string, string>, lease: Lease): Promise<StoreResult<Lease>> {
    const tokenNow = async (): Promise<string | undefined> =>
      (decodeRecord(await m.get(lease.name))?.value as unknown as LeaseRecord | undefined)?.token;
    if ((await tokenNow()) !== lease.token) return leaseLost(lease.name, lease.owner);
    const at = Date.now();
    if (!(await m.setTtl(lease.name, ttlSeconds(lease.ttlMs)))) return leaseLost(lease.name, lease.owner);
    if ((await tokenNow()) !== lease.token) return leaseLost(lease.name, lease.owner);
    return ok({ ...lease, expiresAt: at + lease.ttlMs });
  }

  async releaseLease(lease: Lease): Promise<StoreResult<void>> {
    if (this.isClosed) return closed(this.kind);
    return this.call(`release lease ${lease.name}`, async () => {
      const m = await this.imap('leases');
      const raw = await m.get(lease.name);
      const held = decodeRecord(raw)?.value as unknown as LeaseRecord | undefined;
      if (held && held.token === lease.token) await m.remove(lease.name, raw);
      return ok(undefined);
    });
  }

  async heartbeat(node: NodeInfo, ttlMs: number): Promise<StoreResult<void>> {
    if (!(ttlMs >= 1000)) return invalid(`heartbeat of ${node.id}: ttlMs must be at least 1000`);
    const copy = cloneJson(node);
    if (copy === undefined) return invalid(`heartbeat of ${node.id}: the node info is not JSON data`);
    return this.call(`heartbeat of ${node.id}`, async () => {
      // One writer per node entry (the node itself), so its own counter is the version.
      const version = (this.heartbeats.get(node.id) ?? 0) + 1;
      this.heartbeats.set(node.id, version);
      await (await this.imap('nodes')).set(node.id, encodeRecord(version, copy), ttlSeconds(ttlMs));
      return ok(undefined);
    });
  }

  async leave(nodeId: string): Promise<StoreResult<void>> {
    return this.call(`leave of ${nodeId}`, async () => {
      await (await this.imap('nodes')).delete(nodeId);
      this.heartbeats.delete(nodeId);
      return ok(undefined);
    });
  }

  private topic(channel: string): Promise<ITopic<string>> {
    return this.client.getReliableTopic<string>(`${this.prefix}ch.${channel}`);
  }

  async publish(channel: string, message: Json): Promise<StoreResult<void>> {
    if (this.isClosed) return closed(this.kind);
    const s = JSON.stringify(cloneJson(message) ?? null);
    return this.call(`publish on ${channel}`, async () => {
      await (await this.topic(channel)).publish(s);
      return ok(undefined);
    });
  }

  async onMessage(channel: string, listener: MessageListener): Promise<StoreResult<Unsubscribe>> {
    if (this.isClosed) return closed(this.kind);
    return this.call(`listen on ${channel}`, async () => {
      const t = await this.topic(channel);
      const id = t.addMessageListener((m) => {
        try {
          listener(JSON.parse(m.messageObject) as Json);
        } catch {
          /* a bad message or the listener's own failure */
        }
      });
      return ok(async () => {
        t.removeMessageListener(id);
      });
    });
  }

  onStatus(listener: (status: StoreStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.emitStatus('closed');
    this.statusListeners.clear();
    await this.client.shutdown().catch(() => undefined);
  }
}
