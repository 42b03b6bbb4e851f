// Keeps one named lease for an owner: takes it when it is free, renews it every ttl/3, and tries
// again as soon as the holder's lease is released or expires (pushed `leases` events, plus a retry
// every ttl/3 in case an event was missed). Used to elect one master node per switch.
import { EventEmitter } from 'node:events';
import type { GlobalStore, Lease, StoreError, Unsubscribe } from './types.js';

export interface LeaseKeeperEvents {
  acquired: [lease: Lease];
  lost: [reason: StoreError];
  /** The lease is held by someone else (reported on every failed try). */
  held: [holder: string];
  error: [error: StoreError];
}

export class LeaseKeeper extends EventEmitter<LeaseKeeperEvents> {
  private lease: Lease | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private stopped = false;
  private busy = false;

  constructor(
    private readonly store: GlobalStore,
    readonly name: string,
    readonly owner: string,
    readonly ttlMs: number,
  ) {
    super();
  }

  get held(): Lease | undefined {
    return this.lease;
  }

  async start(): Promise<void> {
    const sub = await this.store.subscribe('leases', (e) => {
      if (e.key === this.name && (e.type === 'delete' || e.type === 'expire') && !this.lease) void this.tick();
    });
    if (sub.ok) this.unsubscribe = sub.value;
    else this.emit('error', sub.error);
    await this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    try {
      if (this.lease) {
        const r = await this.store.renewLease(this.lease);
        if (r.ok) this.lease = r.value;
        else if (r.error.code !== 'unavailable' || Date.now() >= this.lease.expiresAt) {
          this.lease = undefined;
          this.emit('lost', r.error);
        }
      } else {
        const r = await this.store.acquireLease(this.name, this.owner, this.ttlMs);
        if (r.ok) {
          this.lease = r.value;
          this.emit('acquired', r.value);
        } else if (r.error.code === 'conflict') this.emit('held', r.error.holder ?? 'unknown');
        else this.emit('error', r.error);
      }
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  /** Stops renewing; releases the lease unless `abandon` (then it expires as if this node died). */
  async stop(abandon = false): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.unsubscribe?.();
    if (this.lease && !abandon) await this.store.releaseLease(this.lease);
    this.lease = undefined;
  }
}
