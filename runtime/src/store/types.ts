// The store contract: what the rest of the runtime uses to share state between nodes.
// Plain JSON values, versions for optimistic concurrency, errors as values (never thrown),
// pushed change events, leases and node membership. Two global tiers implement it
// (EmbeddedStore: in-process, persisted to a data directory; HazelcastStore: a real cluster);
// LocalTier keeps a node's synchronous in-memory copy in step with either.

/** JSON data as stored: what JSON.stringify/parse round-trips. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The named maps of the global tier.
 * - network: the deployed network section (key "current")
 * - revisions: deployed revisions (bodies by id, and the "current" pointer, see revisions.ts)
 * - slices: the active slices by name
 * - flowspace: flowspace entries (keyed as the deploy layer chooses)
 * - tokens: API tokens (hashed) by id
 * - ownership: per switch (key = dpid): master node and OpenFlow role generation id
 * - leases: ephemeral leases by name (e.g. "switch/0000000000000001"); see acquireLease
 * - stats: per-slice statistics aggregates pushed by nodes (key "<slice>/<nodeId>")
 * - nodes: node membership, ephemeral heartbeat entries by node id; see heartbeat
 * - meta: anything small the runtime needs to share (cluster-wide settings, audit counters)
 * - applied: per switch (key = dpid): its master's report of the last revision it applied or refused
 * - removed: final counters of removed flow entries, key "<slice>/<dpid>" (merged with compare-and-set)
 */
export const MAP_NAMES = [
  'network',
  'revisions',
  'slices',
  'flowspace',
  'tokens',
  'ownership',
  'leases',
  'stats',
  'nodes',
  'meta',
  'applied',
  'removed',
] as const;
export type MapName = (typeof MAP_NAMES)[number];

/** Maps whose entries live only as long as their holder keeps them alive (TTL); never persisted. */
export const EPHEMERAL_MAPS: readonly MapName[] = ['leases', 'nodes'];

export function isMapName(s: string): s is MapName {
  return (MAP_NAMES as readonly string[]).includes(s);
}

/** A stored value with its version. Versions start at 1 and grow by one with every write of the key. */
export interface Versioned<T extends Json = Json> {
  value: T;
  version: number;
}

export type StoreErrorCode =
  /** expectVersion did not match (someone else wrote first), or a lease is held by another owner. */
  | 'conflict'
  /** The key (or lease) does not exist. */
  | 'not-found'
  /** The global tier cannot be reached (whole cluster down, timeout). Retry later. */
  | 'unavailable'
  /** Bad arguments: unknown map, value that is not JSON, bad TTL. */
  | 'invalid'
  /** The store was closed. */
  | 'closed'
  /** The data directory could not be read or written. */
  | 'io'
  /** A lease this owner held has expired or was taken over. */
  | 'lease-lost'
  /**
   * This node's side of the global tier has fewer members than the majority of the declared
   * ones (a partition's minority, Hazelcast split-brain protection): writes are refused.
   */
  | 'no-quorum';

export interface StoreError {
  code: StoreErrorCode;
  message: string;
  map?: MapName;
  key?: string;
  /** For conflicts: the version the caller expected and the version found (0: absent). */
  expectedVersion?: number;
  actualVersion?: number;
  /** For lease conflicts: who holds the lease. */
  holder?: string;
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError };

export function ok<T>(value: T): StoreResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: StoreError): StoreResult<T> {
  return { ok: false, error };
}

export interface WriteOptions {
  /**
   * Optimistic concurrency: the write succeeds only if the key's current version is this one
   * (0: the key must not exist). Absent: write whatever is there (last writer wins).
   */
  expectVersion?: number;
}

/** A change pushed to subscribers. Events of one key arrive in the order the writes happened. */
export type ChangeEvent =
  | { type: 'put'; map: MapName; key: string; value: Json; version: number }
  /** An explicit delete; `version` is the version that was deleted. */
  | { type: 'delete'; map: MapName; key: string; version: number }
  /** A TTL entry (lease, node heartbeat) that was not renewed in time; `value` is its last value. */
  | { type: 'expire'; map: MapName; key: string; value: Json; version: number };

export type ChangeListener = (event: ChangeEvent) => void;
export type Unsubscribe = () => Promise<void>;

/** A held lease. Pass it back to renew or release; `token` identifies this acquisition. */
export interface Lease {
  name: string;
  owner: string;
  token: string;
  ttlMs: number;
  acquiredAt: number;
  /** Local estimate (this process's clock) of when the lease expires unless renewed. */
  expiresAt: number;
}

/** What a lease entry in the `leases` map holds (JSON). */
export interface LeaseRecord {
  owner: string;
  token: string;
  ttlMs: number;
  acquiredAt: number;
}

/** A runtime node's membership entry in the `nodes` map. */
export interface NodeInfo {
  id: string;
  /** Where its API answers, e.g. "http://127.0.0.1:8181". */
  api?: string;
  /** Where switches reach it, e.g. "tcp:127.0.0.1:6653". */
  openflow?: string;
  startedAt: number;
  [extra: string]: Json | undefined;
}

export type MessageListener = (message: Json) => void;

/**
 * Reachability of the global tier, for the runtime's status and the LocalTier's resync.
 * 'members-changed': a member of the cluster left or joined while this client stayed connected
 * (a crash, a partition, a merge); change events the member owed may never come.
 */
export type StoreStatus = 'connected' | 'disconnected' | 'closed' | 'members-changed';

export interface GlobalStore {
  /** 'embedded' or 'hazelcast'. */
  readonly kind: string;

  get(map: MapName, key: string): Promise<StoreResult<Versioned | undefined>>;
  entries(map: MapName): Promise<StoreResult<Array<[string, Versioned]>>>;
  /** Returns the new version. A stale expectVersion gives a `conflict` error and writes nothing. */
  put(map: MapName, key: string, value: Json, options?: WriteOptions): Promise<StoreResult<{ version: number }>>;
  /** Deleting a missing key is ok (returns version 0) unless expectVersion asks for a version. */
  delete(map: MapName, key: string, options?: WriteOptions): Promise<StoreResult<{ version: number }>>;

  /** Pushes every later change of the map to the listener (no initial snapshot: read entries()). */
  subscribe(map: MapName, listener: ChangeListener): Promise<StoreResult<Unsubscribe>>;

  /**
   * Takes the named lease for `owner` for ttlMs (≥ 1000; Hazelcast's TTL resolution is a second).
   * Held by another owner: `conflict` with `holder`. Already held by this owner: renewed.
   * The entry lives in the `leases` map; when it is not renewed in time it expires and
   * subscribers of `leases` get an `expire` event.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<StoreResult<Lease>>;
  /** Extends a held lease by its ttl; `lease-lost` if it expired or another took it. */
  renewLease(lease: Lease): Promise<StoreResult<Lease>>;
  /** Gives a held lease up; releasing one that is already lost is ok. */
  releaseLease(lease: Lease): Promise<StoreResult<void>>;

  /** Puts (or refreshes) this node's membership entry in `nodes`, expiring after ttlMs without heartbeat. */
  heartbeat(node: NodeInfo, ttlMs: number): Promise<StoreResult<void>>;
  /** Removes this node's membership entry (clean shutdown). */
  leave(nodeId: string): Promise<StoreResult<void>>;

  /** Fire-and-forget messages on a named channel (e.g. "stats/<nodeId>"), delivered to current subscribers. */
  publish(channel: string, message: Json): Promise<StoreResult<void>>;
  onMessage(channel: string, listener: MessageListener): Promise<StoreResult<Unsubscribe>>;

  /**
   * Whether this node's side of the global tier holds a majority of the declared members, as far
   * as the node can tell now (no round trip): `no-quorum` when it does not. Absent (embedded
   * tier, one process): there is no minority to be on.
   */
  quorum?(): StoreResult<void>;

  /** Reachability changes (a LocalTier resyncs after 'connected' follows 'disconnected'). */
  onStatus(listener: (status: StoreStatus) => void): () => void;

  close(): Promise<void>;
}
