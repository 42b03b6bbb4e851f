// How many flow entries the switch's table 0 holds, and how many of them the slices' tenant rules
// may take. Learnt at the handshake, alongside the other requests (the session does not wait for
// it): OpenFlow 1.0 table statistics (`max_entries`), OpenFlow 1.3 table features (`max_entries`
// of table 0). A switch that does not answer, refuses, or reports 0 or 0xffffffff has no capacity
// here (logged once): only the slices' own flow_entries bound their rules.
// The rules that are not tenant rules (the hypervisor's base, isolation, core and probe rules, and
// anything else on the switch) are measured with table statistics (active entries of table 0 minus
// the tenant rules the slices' tables count when the request left: the switch answers in order)
// after every apply, a 1.0 tenant's miss-emulation rule, a statistics round and a core change.
// The slices on the switch share what is left: the sum of their rules never passes it
// (docs/dataplane.md, "Bounded memory").
import type { Draft, MessageOf, OfVersion } from '../messages.js';
import { OFP13 } from '../messages.js';
import type { ReplyType, RequestHandlers } from './request-tracker.js';

/** A bound slice as the capacity sees it: its table's live physical entries and tracked rules. */
interface SliceTableCount {
  readonly table: { readonly entries: number; readonly size: number };
}

/**
 * What the capacity needs of its session (SessionContext has it; declared here so that the
 * context, which holds a TableCapacity, is not imported back).
 */
export interface CapacityHost<B extends SliceTableCount = SliceTableCount> {
  readonly version: OfVersion | null;
  readonly ready: boolean;
  readonly channel: { readonly closed: boolean };
  readonly log: { info(o: object, msg: string): void };
  readonly bindings: { values(): Iterable<B> };
  readonly requests: { forget(xid: number): unknown };
  request<T extends ReplyType>(m: Draft, owner: B | null, expects: T | null, handlers: RequestHandlers<T>): number;
}

/** How long the handshake's capacity request may stay unanswered (the session is ready long before). */
export const CAPACITY_TIMEOUT_MS = 5000;
/** max_entries values that say nothing about a bound. */
const UNBOUNDED = new Set([0, 0xffffffff]);

/** What the proxy knows of table 0's capacity (the switch status shows it). */
export interface TableCapacityView {
  /** Table 0's max_entries as the switch reported it; null: not learnt, refused, or unbounded. */
  capacity: number | null;
  /** Entries of table 0 that are not tenant rules, as last measured; null: not measured yet. */
  otherRules: number | null;
  /** Tenant rules of the slices bound here (physical entries). */
  tenantRules: number;
}

export class TableCapacity<B extends SliceTableCount = SliceTableCount> {
  /** Table 0's max_entries; null: no capacity known. */
  capacity: number | null = null;
  /** Rules on the switch the slices' tables do not count (last measurement). */
  otherRules: number | null = null;
  /** Whether the handshake's request was answered (or given up): the outcome is logged once. */
  private settled = false;

  constructor(private readonly s: CapacityHost<B>) {}

  /** At the handshake: asks the switch for table 0's capacity; the session does not wait for it. */
  learn(): void {
    const s = this.s;
    const v13 = s.version === OFP13;
    const xid = s.request({ type: 'multipart_request', mpType: v13 ? 'table_features' : 'table', flags: 0 }, null, 'multipart_reply', {
      reply: (parts) => this.learnt(parts),
      error: (e) => this.none(`the switch refused the request (error type ${e.errType} code ${e.code})`),
      closed: () => {
        this.settled = true;
      },
    });
    // The tracker's own timeout would keep a process alive; this one does not.
    const timer = setTimeout(() => {
      if (this.settled) return;
      s.requests.forget(xid);
      this.none(`no answer in ${CAPACITY_TIMEOUT_MS} ms`);
    }, CAPACITY_TIMEOUT_MS);
    timer.unref?.();
  }

  private learnt(parts: ReadonlyArray<MessageOf<'multipart_reply'>>): void {
    const t0 = parts.flatMap((p) => p.tables ?? []).find((t) => t.tableId === 0);
    const max = t0?.maxEntries;
    if (max === undefined) return this.none('the reply does not describe table 0');
    if (UNBOUNDED.has(max)) return this.none(`table 0 reports max_entries ${max}`);
    this.settled = true;
    this.capacity = max;
    this.s.log.info({ capacity: max }, 'switch table 0 capacity learnt');
    this.measure();
  }

  private none(why: string): void {
    if (this.settled) return;
    this.settled = true;
    this.s.log.info({ why }, 'switch table capacity unknown: tenant rules bounded by flow_entries only');
  }

  /**
   * Measures the entries of table 0 that are not tenant rules (when a capacity is known): table
   * statistics, against the tenant rules counted as the request leaves (the switch answers in order).
   */
  measure(): void {
    const s = this.s;
    if (this.capacity === null || !s.ready || s.channel.closed) return;
    const tenants = this.tenantRules();
    s.request({ type: 'multipart_request', mpType: 'table', flags: 0 }, null, 'multipart_reply', {
      reply: (parts) => {
        const active = parts.flatMap((p) => p.tables ?? []).find((t) => t.tableId === 0)?.activeCount;
        if (active !== undefined) this.otherRules = Math.max(0, active - tenants);
      },
    });
  }

  /** Physical entries of every bound slice's live tenant rules. */
  tenantRules(): number {
    let n = 0;
    for (const b of this.s.bindings.values()) n += b.table.entries;
    return n;
  }

  /** What the slices' tenant rules may take of table 0 together; null: no bound from the switch. */
  room(): number | null {
    return this.capacity === null ? null : Math.max(0, this.capacity - (this.otherRules ?? 0));
  }

  /** Whether `delta` more tenant entries would pass what the switch holds (false without a capacity). */
  full(delta: number): boolean {
    const room = this.room();
    return room !== null && delta > 0 && this.tenantRules() + delta > room;
  }

  /**
   * The most rules slice `b`'s table may track here: the room less what the other slices track
   * (their live and deleted rules); null: no bound from the switch.
   */
  trackedRoom(b: B): number | null {
    const room = this.room();
    if (room === null) return null;
    let others = 0;
    for (const o of this.s.bindings.values()) if (o !== b) others += o.table.size;
    return Math.max(0, room - others);
  }

  view(): TableCapacityView {
    return { capacity: this.capacity, otherRules: this.otherRules, tenantRules: this.tenantRules() };
  }
}
