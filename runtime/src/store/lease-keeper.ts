// Keeps one named lease for an owner: takes it when it is free, renews it every ttl/3, and tries
// again as soon as the holder's lease is released or expires (pushed `leases` events, plus a retry
// every ttl/3 in case an event was missed). Used to elect one master node per switch.
// A lease counts as held only until its expiry by this process's clock: a renewal that has not
// come back by then (a store call held up, e.g. waiting for a cut-off member's backup ack) loses
// it at that moment (`lost`), and one that comes back successful afterwards is a new `acquired`.
import { EventEmitter } from 'node:events';
import { leaseLost } from './errors.js';
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
  private expiry: NodeJS.Timeout | undefined;
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

  /** Holds `lease` until its expiry by this clock unless a renewal replaces it first. */
  private hold(lease: Lease | undefined): void {
    this.lease = lease;
    clearTimeout(this.expiry);
    if (!lease || this.stopped) return;
    this.expiry = setTimeout(
      () => {
        if (this.lease !== lease || this.stopped) return;
        this.lease = undefined;
        const lost = leaseLost(this.name, this.owner);
        if (!lost.ok) this.emit('lost', lost.error);
      },
      Math.max(0, lease.expiresAt - Date.now()),
    );
    this.expiry.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    try {
      const held = this.lease;
      if (held) {
        const r = await this.store.renewLease(held);
        if (this.stopped) return;
        if (this.lease !== held) {
          // It ran out while the renewal was under way (already reported lost).
          if (r.ok && r.value.expiresAt > Date.now()) {
            this.hold(r.value);
            this.emit('acquired', r.value);
          }
        } else if (r.ok) this.hold(r.value);
        else if (r.error.code !== 'unavailable' || Date.now() >= held.expiresAt) {
          this.hold(undefined);
          this.emit('lost', r.error);
        }
      } else {
        const r = await this.store.acquireLease(this.name, this.owner, this.ttlMs);
        if (this.stopped) return;
        if (r.ok && r.value.expiresAt > Date.now()) {
          this.hold(r.value);
          this.emit('acquired', r.value);
        } else if (r.ok) {
          // Taken, but the answer came after the lease's time to live: it may be someone else's by now.
          this.emit('error', { code: 'unavailable', message: `lease ${this.name}: taken but answered after its expiry; trying again` });
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
    clearTimeout(this.expiry);
    await this.unsubscribe?.();
    if (this.lease && !abandon) await this.store.releaseLease(this.lease);
    this.lease = undefined;
  }
}
