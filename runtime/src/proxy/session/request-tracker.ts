// The switch requests one session waits on, by xid. A request has handlers for its answer (one
// reply, or every part of a multipart reply gathered in order: "more replies follow" is read
// here and nowhere else), for the switch's error about it, for the connection's close and for a
// timeout. Every request has an owner (a tenant's binding, or null: the hypervisor's own) and
// every owner a budget of outstanding requests: past it, that owner's oldest request is given up,
// so a tenant flooding barriers never pushes out another tenant's or a deploy's requests.
// Also the ring of tenant flow-mods and packet-outs sent on to the switch, whose only answer is
// an error: the last RING_SIZE of them by xid, no map entry per message.
import type { MessageOf } from '../messages.js';
import { OFPMPF_REPLY_MORE } from '../../openflow/constants.js';

/** The messages that answer a request. */
export type ReplyType = 'barrier_reply' | 'role_reply' | 'multipart_reply';
export type SwitchError = MessageOf<'error'>;

export interface RequestHandlers<T extends ReplyType> {
  /** The answer: one message, or every part of a multipart reply in order. */
  reply?(parts: Array<MessageOf<T>>): void;
  /** The switch refused the request. */
  error?(e: SwitchError): void;
  /** The connection closed before the answer. */
  closed?(): void;
  /** No answer within `timeoutMs`, or given up because its owner went over its budget. */
  timeout?(): void;
  timeoutMs?: number;
}

interface Entry<O> {
  owner: O | null;
  expects: ReplyType | null;
  handlers: RequestHandlers<ReplyType>;
  parts: Array<MessageOf<ReplyType>>;
  timer: NodeJS.Timeout | null;
}

/** Outstanding requests an owner may have before its oldest is given up. */
export const REQUEST_BUDGET = 8192;
/** Tenant requests remembered for the switch's errors (a power of two). */
export const RING_SIZE = 8192;

export class RequestTracker<O extends object> {
  private readonly entries = new Map<number, Entry<O>>();
  /** Per owner (null: the hypervisor), its outstanding xids, oldest first. */
  private readonly byOwner = new Map<O | null, Set<number>>();
  private readonly ringXid = new Uint32Array(RING_SIZE);
  private readonly ringTenantXid = new Uint32Array(RING_SIZE);
  private readonly ringOwner: Array<O | undefined> = new Array<O | undefined>(RING_SIZE);

  constructor(private readonly budget = REQUEST_BUDGET) {}

  /** Outstanding requests (all owners, or one). */
  size(owner?: O | null): number {
    return owner === undefined ? this.entries.size : (this.byOwner.get(owner)?.size ?? 0);
  }

  has(xid: number): boolean {
    return this.entries.has(xid);
  }

  /**
   * Waits for the answer of type `expects` to the request sent with `xid` (null: a message with
   * no reply, such as a flow-mod, whose only possible answer is an error).
   */
  expect<T extends ReplyType>(xid: number, owner: O | null, expects: T | null, handlers: RequestHandlers<T>): void {
    const h = handlers as unknown as RequestHandlers<ReplyType>;
    this.forget(xid); // xids wrap around after 2^32 requests
    const entry: Entry<O> = { owner, expects, handlers: h, parts: [], timer: null };
    if (h.timeoutMs !== undefined) entry.timer = setTimeout(() => this.giveUp(xid), h.timeoutMs);
    this.entries.set(xid, entry);
    let mine = this.byOwner.get(owner);
    if (!mine) this.byOwner.set(owner, (mine = new Set()));
    mine.add(xid);
    if (mine.size > this.budget) this.giveUp(mine.values().next().value as number);
  }

  /**
   * A reply from the switch: gathered when more parts follow, handed to the request's handler
   * when complete. False when no request of that reply type waits for the xid.
   */
  answer(m: MessageOf<ReplyType>): boolean {
    const e = this.entries.get(m.xid);
    if (!e || e.expects !== m.type) return false;
    e.parts.push(m);
    if (m.type === 'multipart_reply' && m.flags & OFPMPF_REPLY_MORE) return true;
    this.remove(m.xid, e);
    e.handlers.reply?.(e.parts);
    return true;
  }

  /** The switch's error for a request: false when no request waits for the xid (see `tenantOf`). */
  error(m: SwitchError): boolean {
    const e = this.entries.get(m.xid);
    if (!e) return false;
    this.remove(m.xid, e);
    e.handlers.error?.(m);
    return true;
  }

  /** Stops waiting for one request (no handler runs). */
  forget(xid: number): void {
    const e = this.entries.get(xid);
    if (e) this.remove(xid, e);
  }

  /** Stops waiting for every request of an owner (its tenant connection is gone). */
  forgetOwner(owner: O): void {
    for (const xid of [...(this.byOwner.get(owner) ?? [])]) this.forget(xid);
    this.byOwner.delete(owner);
  }

  /** The connection closed: every request's `closed` handler, then nothing is outstanding. */
  closeAll(): void {
    const all = [...this.entries.values()];
    for (const [xid, e] of [...this.entries]) this.remove(xid, e);
    for (const e of all) e.handlers.closed?.();
  }

  private giveUp(xid: number): void {
    const e = this.entries.get(xid);
    if (!e) return;
    this.remove(xid, e);
    e.handlers.timeout?.();
  }

  private remove(xid: number, e: Entry<O>): void {
    if (e.timer) clearTimeout(e.timer);
    this.entries.delete(xid);
    const mine = this.byOwner.get(e.owner);
    mine?.delete(xid);
    if (mine?.size === 0 && e.owner !== null) this.byOwner.delete(e.owner);
  }

  /** Remembers which tenant request a switch xid carries (for the switch's error about it). */
  rememberTenant(xid: number, owner: O, tenantXid: number): void {
    const i = xid & (RING_SIZE - 1);
    this.ringXid[i] = xid;
    this.ringTenantXid[i] = tenantXid;
    this.ringOwner[i] = owner;
  }

  /** The tenant request a switch xid carried, while the ring still holds it. */
  tenantOf(xid: number): { owner: O; tenantXid: number } | undefined {
    const i = xid & (RING_SIZE - 1);
    const owner = this.ringOwner[i];
    if (!owner || this.ringXid[i] !== xid) return undefined;
    return { owner, tenantXid: this.ringTenantXid[i]! };
  }
}
