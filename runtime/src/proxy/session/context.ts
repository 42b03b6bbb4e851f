// What the parts of one switch session share: the switch connection and what the handshake
// learnt (dpid, version, ports), the slices bound to the switch (one tenant connection each),
// the plan last applied here, this node's role, the request tracker, and the few operations
// every part uses (send to the switch, answer or refuse a tenant). The host is the slicing proxy.
import type { Logger } from '../channel.js';
import type { Draft, ErrorKind, OfMessage, OfVersion, Port, Unversioned } from '../messages.js';
import { errorCode } from '../messages.js';
import type { SliceControlCounters } from '../counters.js';
import type { PlanViews, SliceOnSwitch } from '../slice-views.js';
import { slicePortsOf } from '../slice-views.js';
import { tenantVirtualPort } from '../virtual-ports.js';
import type { SliceContext } from '../rewrite.js';
import type { SliceFlowTable } from '../flow-table.js';
import type { TokenBucket } from '../rate.js';
import { RequestTracker, type ReplyType, type RequestHandlers } from './request-tracker.js';
import { BufferOwners } from './buffer-owners.js';
import { TableCapacity } from './table-capacity.js';
import { coarseNow } from '../coarse-clock.js';

/** The switch connection as the session uses it (OfChannel; a fake one in unit tests). */
export interface SwitchChannel {
  onMessage: (m: OfMessage, raw: Buffer) => void;
  onReady: (v: OfVersion) => void;
  onClose: (why: string) => void;
  readonly closed: boolean;
  hello(): void;
  xid(): number;
  /** Sends a message; an error text when the switch's version cannot express it. */
  send(m: OfMessage): string | null;
  sendRaw(bytes: Buffer): void;
  close(why: string): void;
  /** The handshake is over: from now on the idle/echo bound applies (OfChannel; absent in fakes). */
  established?(): void;
  /** Set by the session: the switch's output passed the high-water mark (true) or drained (false). */
  onCongestion?: (congested: boolean) => void;
}

/** One slice's controller connection as the session uses it (TenantLink; a fake one in unit tests). */
export interface TenantConnection {
  readonly connected: boolean;
  /** The tenant reads too slowly: packet-ins are dropped, not queued. */
  readonly slow: boolean;
  readonly connectedTo: { host: string; port: number } | null;
  readonly connects: number;
  start(): void;
  stop(): void;
  /** Stops/resumes reading the controller (the switch is congested); absent in fakes that need no backpressure. */
  pauseInput?(): void;
  resumeInput?(): void;
  /** Sends in the tenant's version; an error text when not connected or not expressible. */
  send(m: Unversioned): string | null;
}

export interface TenantEvents {
  onMessage(m: OfMessage, raw: Buffer): void;
  onReady(v: OfVersion): void;
}

/** A removed flow entry's final counters; `key` pairs it with its line in the flow statistics. */
export interface RemovedFlow {
  dpid: string;
  cookie: bigint;
  key: string;
  packetCount: bigint;
  byteCount: bigint;
  at: number;
}

/** What one reconciliation changed on a switch (reconcile.ts). */
export interface ReconcileResult {
  dpid: string;
  /** Rules removed (stale slices count each rule seen in the round). */
  removed: number;
  /** Base rules (and the isolation rule) installed again. */
  restored: number;
  /** Slice ids whose rules were removed. */
  staleSlices: number[];
  /** Meters removed (hypervisor meter ids no bound slice accounts for) and installed again. */
  metersRemoved: number;
  metersRestored: number;
  /** The removed meters' ids. */
  staleMeters?: number[];
}

/** A link seen by discovery: a probe sent out of `from` came back in at `to`. */
export interface LinkObservation {
  from: { dpid: string; port: number };
  to: { dpid: string; port: number };
  at: number;
}

/** Link discovery as the sessions use it (link-probes.ts); absent: no discovery. */
export interface DiscoveryHost {
  /** The cluster's key the probes are signed with. */
  key: Buffer;
  /** A probe older than this (or as far in the future) is not trusted (ms). */
  maxAgeMs: number;
  now(): number;
  seen(o: LinkObservation): void;
  counted(what: 'sent' | 'received' | 'forged', n: number): void;
}

export interface SessionHost {
  log: Logger;
  counters(slice: string): SliceControlCounters;
  /** Entries of the slice over every switch (for the slice-wide flow_entries limit). */
  totalEntries(slice: string): number;
  /** The handshake is done (dpid, version and ports known). */
  sessionReady(): void;
  /** The switch connection closed. */
  sessionClosed(): void;
  /**
   * The switch named its datapath id (features reply): 'accept' goes on with the handshake,
   * 'refuse' answers an OpenFlow error (HELLO_FAILED/EPERM) and closes, 'wait' keeps the
   * connection unserved until `SwitchSession.proceed()`. Absent: every switch is accepted.
   */
  admit?(dpid: string): 'accept' | 'refuse' | 'wait';
  /**
   * Whether sessions wait for setRole before programming (several runtime nodes share the
   * switch). false: every session is master at once and programs the switch on connect.
   */
  arbitrated: boolean;
  /**
   * The fence a master checks before it writes to the switch (plan, reconciliation): its lease
   * is still valid by its own clock. A node that was paused past its lease's time to live writes
   * nothing until it renews (the switch's generation id check fences what gets through anyway).
   */
  mayWrite?(dpid: string): boolean;
  /**
   * The switch refused this node as master (IS_SLAVE on a write, or a MASTER role request refused
   * as stale) while it believed it was master with `generationId`.
   */
  roleRefused?(dpid: string, generationId: bigint): void;
  /** Tenant stats polls are answered from a statistics snapshot younger than this; null: no cache. */
  statsCacheMs: number | null;
  /** Statistics requests this proxy sent to a switch (collection rounds and forwarded tenant polls). */
  statsRequestsSent(n: number): void;
  /** A tenant's flow/aggregate/port stats poll, answered from the cache or sent on to the switch. */
  tenantPoll(answered: 'cache' | 'switch'): void;
  /** A flow entry of a slice (tenant rule or base rule) left the switch, with its final counters. */
  flowRemoved?(e: RemovedFlow): void;
  /** The master removed stale rules from the switch or installed missing base rules (reconcile.ts). */
  reconciled?(r: ReconcileResult): void;
  /** Opens a slice's controller connection; default: a TenantLink (TCP, failover, backoff). */
  connectTenant?(view: SliceOnSwitch, log: Logger, events: TenantEvents): TenantConnection;
  /** Whether a slice is paused (its controller connection held off); absent: none is. */
  paused?(slice: string): boolean;
  /** Whether a paused slice's tenant rules are removed (a switch that connects meanwhile is cleaned too); absent: none. */
  rulesRemoved?(slice: string): boolean;
  /** Link discovery (the hypervisor's LLDP probes); absent: probes are neither sent nor intercepted. */
  discovery?: DiscoveryHost;
  /** A port of the switch went up or down (managed core: virtual links may change path); absent: ignored. */
  portState?(dpid: string, port: number, up: boolean): void;
  /** The clock buffer ids and the tenant flow tables' timeouts go by (ms); default the coarse clock (coarse-clock.ts). */
  now?(): number;
}

/** This node's role for a switch: 'pending' until the arbiter decides (arbitrated proxies only). */
export type SessionRole = 'master' | 'slave' | 'pending';

/** One slice bound to the switch: its view, its controller connection and its rules here. */
export interface Binding {
  view: SliceOnSwitch;
  /** The slice's number (classifier sliceNumber), taken once: packet-ins ask the classifier's answer by it. */
  readonly sliceNo: number;
  ctx: SliceContext;
  link: TenantConnection;
  table: SliceFlowTable;
  control: TokenBucket | null;
  packetIn: TokenBucket | null;
  missSendLen: number;
  /** The slice's control counters: the host's object, taken once at binding (no lookup per message). */
  readonly counters: SliceControlCounters;
}

export class SessionContext {
  /** The switch's datapath id as 16 hex digits (how every layer names a switch). */
  dpid = '';
  /** The same id as a number (features replies to tenants). */
  dpidValue = 0n;
  version: OfVersion | null = null;
  readonly ports = new Map<number, Port>();
  capabilities = 0;
  ready = false;
  readonly bindings = new Map<string, Binding>();
  readonly requests = new RequestTracker<Binding>();
  /** The session's clock (ms): the host's, else the coarse clock (no system call per read). */
  readonly now: () => number;
  /** The slice each kept buffer id was delivered to (see buffer-owners.ts). */
  readonly buffers: BufferOwners;
  /** Table 0's capacity and what of it the slices' tenant rules may take (see table-capacity.ts). */
  readonly capacity: TableCapacity<Binding> = new TableCapacity<Binding>(this);
  /** The plan last applied to this switch (null before the first apply). */
  views: PlanViews | null = null;
  role: SessionRole;
  generationId = 0n;
  log: Logger;
  /** The switch's output is over the high-water mark: every tenant link's input is paused until it drains. */
  switchCongested = false;

  constructor(
    readonly channel: SwitchChannel,
    readonly host: SessionHost,
  ) {
    this.log = host.log;
    this.now = host.now ? () => host.now!() : coarseNow;
    this.buffers = new BufferOwners(this.now);
    this.role = host.arbitrated ? 'pending' : 'master';
  }

  portNumbers(): number[] {
    return [...this.ports.keys()];
  }

  /** Link ports of the network on this switch (never edge ports of a '*' slice). */
  networkLinkPorts(): Set<number> | undefined {
    return this.views?.networkLinkPorts.get(this.dpid);
  }

  counters(b: Binding): SliceControlCounters {
    return b.counters;
  }

  /** Sends a message of the hypervisor's own with this connection's version and a fresh xid. */
  send(m: Draft): { xid: number; err: string | null } {
    const xid = this.channel.xid();
    return { xid, err: this.channel.send({ ...m, version: this.version!, xid } as OfMessage) };
  }

  /** Sends a request and waits for its answer (owner null: the hypervisor's own request). */
  request<T extends ReplyType>(m: Draft, owner: Binding | null, expects: T | null, handlers: RequestHandlers<T>): number {
    const xid = this.channel.xid();
    this.requests.expect(xid, owner, expects, handlers);
    this.channel.send({ ...m, version: this.version!, xid } as OfMessage);
    return xid;
  }

  /** Backpressure from the switch socket to the tenants that feed it. */
  setSwitchCongested(congested: boolean): void {
    this.switchCongested = congested;
    for (const b of this.bindings.values()) {
      if (congested) b.link.pauseInput?.();
      else b.link.resumeInput?.();
    }
  }

  toTenant(b: Binding, m: Unversioned): void {
    const err = b.link.send(m);
    if (err && err !== 'not connected') this.log.warn({ slice: b.view.slice, err, type: m.type }, 'cannot send to tenant');
  }

  /** Answers a tenant's request with an OpenFlow error (counted) and logs why. */
  refuse(b: Binding, m: OfMessage, kind: ErrorKind, reason: string, raw?: Buffer): void {
    const { errType, code } = errorCode(m.version, kind);
    // The first 64 bytes of the offending request, as the specification asks.
    const data = raw ? Buffer.from(raw.subarray(0, 64)) : errorHeader(m);
    this.toTenant(b, { type: 'error', xid: m.xid, errType, code, data });
    const c = this.counters(b);
    c.errorsSent++;
    const why = `${m.type}/${kind}`;
    c.refused[why] = (c.refused[why] ?? 0) + 1;
    this.log.info({ slice: b.view.slice, kind, reason, type: m.type }, 'tenant message refused');
  }

  /** The switch's ports a slice's controller sees, its virtual ports (managed core) last. */
  slicePorts(b: Binding): Port[] {
    const nums = new Set(slicePortsOf(b.view, this.portNumbers(), this.networkLinkPorts()));
    const physical = [...this.ports.values()].filter((p) => nums.has(p.portNo));
    if (b.view.virtualPorts.length === 0) return physical;
    return [...physical, ...b.view.virtualPorts.map((vp) => tenantVirtualPort(b.view.index, vp, b.view.virtualActive(vp) !== null))];
  }

  /** Ends a slice's tenant connection here and forgets its requests (its flows stay on the switch). */
  unbind(b: Binding): void {
    b.link.stop();
    this.bindings.delete(b.view.slice);
    this.requests.forgetOwner(b);
    this.buffers.forgetSlice(b.view.index);
  }
}

function errorHeader(m: OfMessage): Buffer {
  // Without the raw request: a bare header with its version and xid.
  const hdr = Buffer.alloc(8);
  hdr[0] = m.version;
  hdr[1] = 0;
  hdr.writeUInt16BE(8, 2);
  hdr.writeUInt32BE(m.xid >>> 0, 4);
  return hdr;
}
