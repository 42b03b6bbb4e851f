// A GlobalStore that counts the calls a node makes on its global tier, by operation and map, and
// passes each one on unchanged: what leases, ownership, statistics and the other shared state cost
// the global tier (`dfvisor_store_ops_total` on /metrics; the cluster benchmark reads it). Keys of
// the `meta` map are counted by their first segment (`flow-entries/<slice>/<dpid>` → area
// "flow-entries"), the other maps without their keys (slice and node names stay out of the labels).
import type { GlobalStore, Json, Lease, MapName, NodeInfo, StoreStatus, WriteOptions } from './types.js';

/** One counted kind of call: how many since the node started. */
export interface StoreOpCount {
  op: string;
  map: string;
  /** The first key segment for `meta` keys, else ''. */
  area: string;
  count: number;
}

/** The `area` of a key: its first segment in `meta`, '' elsewhere. */
function areaOf(map: string, key: string): string {
  if (map !== 'meta') return '';
  const i = key.indexOf('/');
  return i < 0 ? key : key.slice(0, i);
}

export class CountingStore implements GlobalStore {
  private readonly counts = new Map<string, StoreOpCount>();

  constructor(private readonly inner: GlobalStore) {
    if (inner.quorum) this.quorum = () => inner.quorum!();
  }

  get kind(): string {
    return this.inner.kind;
  }

  quorum?: GlobalStore['quorum'];

  /** Every counted kind of call so far (a copy). */
  opCounts(): StoreOpCount[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }

  private count(op: string, map: string, key = ''): void {
    const area = areaOf(map, key);
    const id = `${op}\u0000${map}\u0000${area}`;
    const c = this.counts.get(id);
    if (c) c.count++;
    else this.counts.set(id, { op, map, area, count: 1 });
  }

  get(map: MapName, key: string) {
    this.count('get', map, key);
    return this.inner.get(map, key);
  }
  entries(map: MapName) {
    this.count('entries', map);
    return this.inner.entries(map);
  }
  put(map: MapName, key: string, value: Json, options?: WriteOptions) {
    this.count('put', map, key);
    return this.inner.put(map, key, value, options);
  }
  delete(map: MapName, key: string, options?: WriteOptions) {
    this.count('delete', map, key);
    return this.inner.delete(map, key, options);
  }
  subscribe(map: MapName, listener: Parameters<GlobalStore['subscribe']>[1]) {
    this.count('subscribe', map);
    return this.inner.subscribe(map, listener);
  }
  acquireLease(name: string, owner: string, ttlMs: number) {
    this.count('acquire_lease', 'leases');
    return this.inner.acquireLease(name, owner, ttlMs);
  }
  renewLease(lease: Lease) {
    this.count('renew_lease', 'leases');
    return this.inner.renewLease(lease);
  }
  releaseLease(lease: Lease) {
    this.count('release_lease', 'leases');
    return this.inner.releaseLease(lease);
  }
  heartbeat(node: NodeInfo, ttlMs: number) {
    this.count('heartbeat', 'nodes');
    return this.inner.heartbeat(node, ttlMs);
  }
  leave(nodeId: string) {
    this.count('leave', 'nodes');
    return this.inner.leave(nodeId);
  }
  publish(channel: string, message: Json) {
    this.count('publish', 'channels');
    return this.inner.publish(channel, message);
  }
  onMessage(channel: string, listener: Parameters<GlobalStore['onMessage']>[1]) {
    this.count('on_message', 'channels');
    return this.inner.onMessage(channel, listener);
  }
  onStatus(listener: (status: StoreStatus) => void): () => void {
    return this.inner.onStatus(listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
