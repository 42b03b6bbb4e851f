// In-memory stand-ins for the switch session's unit tests: a switch channel that records what the
// session sends and lets the test inject the switch's messages, tenant connections that record
// what their controller gets and inject what it sends, and a host that records its calls.
import type { FlowMod, OfMessage, OfVersion, Port, Unversioned } from '../../../src/proxy/messages.js';
import { OFPFC, OFPG_ANY, OFP_NO_BUFFER, OFPP13 as OFPP } from '../../../src/openflow/constants.js';
import { OFP13 } from '../../../src/proxy/messages.js';
import type { RemovedFlow, SessionHost, SwitchChannel, TenantConnection, TenantEvents } from '../../../src/proxy/session/index.js';
import { SwitchSession } from '../../../src/proxy/session/index.js';
import { emptyCounters, type SliceControlCounters } from '../../../src/proxy/counters.js';
import { buildPlanViews, type PlanViews, type SliceOnSwitch } from '../../../src/proxy/slice-views.js';
import { silentLogger, type Logger } from '../../../src/proxy/channel.js';
import type { Plan } from '@dfvisor/grammar';

type Of<T extends OfMessage['type']> = Extract<OfMessage, { type: T }>;
/** A message as the switch or a controller would send it, without its version. */
export type Incoming = Unversioned;

export class FakeSwitchChannel implements SwitchChannel {
  onMessage: (m: OfMessage, raw: Buffer) => void = () => {};
  onReady: (v: OfVersion) => void = () => {};
  onClose: (why: string) => void = () => {};
  closed = false;
  hellos = 0;
  readonly sent: OfMessage[] = [];
  readonly raw: Buffer[] = [];
  version: OfVersion = OFP13;
  private nextXid = 100;

  hello(): void {
    this.hellos++;
  }
  xid(): number {
    return ++this.nextXid;
  }
  send(m: OfMessage): string | null {
    if (this.closed) return 'closed';
    this.sent.push(m);
    return null;
  }
  sendRaw(bytes: Buffer): void {
    if (!this.closed) this.raw.push(bytes);
  }
  close(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(why);
  }

  // ---- the test's side ----
  negotiate(v: OfVersion): void {
    this.version = v;
    this.onReady(v);
  }
  inject(m: Incoming): void {
    this.onMessage({ ...m, version: this.version } as OfMessage, Buffer.alloc(0));
  }
  /** What the session sent of one type (in order). */
  of<T extends OfMessage['type']>(type: T): Array<Of<T>> {
    return this.sent.filter((m): m is Of<T> => m.type === type);
  }
  last<T extends OfMessage['type']>(type: T): Of<T> {
    const all = this.of(type);
    if (!all.length) throw new Error(`the session sent no ${type}`);
    return all[all.length - 1]!;
  }
  /** Answers every barrier the session sent that has no reply yet. */
  answerBarriers(): void {
    for (const b of this.of('barrier_request')) {
      if (this.answered.has(b.xid)) continue;
      this.answered.add(b.xid);
      this.inject({ type: 'barrier_reply', xid: b.xid });
    }
  }
  private readonly answered = new Set<number>();
}

/** A slice's controller connection, connected at once. */
export class FakeTenant implements TenantConnection {
  connected = true;
  slow = false;
  connectedTo: { host: string; port: number } | null;
  connects = 1;
  started = false;
  stopped = false;
  readonly received: Unversioned[] = [];

  constructor(
    readonly view: SliceOnSwitch,
    readonly events: TenantEvents,
    public version: OfVersion = OFP13,
  ) {
    this.connectedTo = view.controllers[0] ? { host: view.controllers[0].host, port: view.controllers[0].port } : null;
  }
  start(): void {
    this.started = true;
  }
  stop(): void {
    this.stopped = true;
    this.connected = false;
  }
  send(m: Unversioned): string | null {
    if (!this.connected) return 'not connected';
    this.received.push(m);
    return null;
  }

  // ---- the controller's side ----
  /** The controller says hello in `version`. */
  ready(version: OfVersion = this.version): void {
    this.version = version;
    this.events.onReady(version);
  }
  /** Sends a message; `raw` defaults to a bare header with the message's xid and a marker byte. */
  sendToProxy(m: Incoming, raw?: Buffer): void {
    this.events.onMessage({ ...m, version: this.version } as OfMessage, raw ?? header(this.version, m.xid));
  }
  of<T extends OfMessage['type']>(type: T): Array<Extract<Unversioned, { type: T }>> {
    return this.received.filter((m): m is Extract<Unversioned, { type: T }> => m.type === type);
  }
}

/** A controller's flow-mod: ADD, priority 10, output to port 1, unless `over` says otherwise. */
export function flowMod(over: Partial<FlowMod> & { xid: number }): Extract<Incoming, { type: 'flow_mod' }> {
  return {
    type: 'flow_mod',
    cookie: 0x77n,
    cookieMask: 0n,
    tableId: 0,
    command: OFPFC.ADD,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 10,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    match: {},
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
    ...over,
  };
}

export function header(version: number, xid: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = version;
  b[1] = 13;
  b.writeUInt16BE(9, 2);
  b.writeUInt32BE(xid >>> 0, 4);
  b[8] = 0xab;
  return b;
}

export interface HostOptions {
  arbitrated?: boolean;
  statsCacheMs?: number | null;
  tenantVersion?: OfVersion;
  log?: Logger;
  /** The clock buffer ids expire by (default Date.now). */
  now?: () => number;
  /** Paused slices, and those of them whose tenant rules are removed. */
  paused?: string[];
  rulesRemoved?: string[];
}

/** A logger that keeps `level message` lines. */
export function recordingLogger(lines: string[]): Logger {
  const rec = (level: string) => (obj: object | string, msg?: string) => {
    lines.push(`${level} ${msg ?? (typeof obj === 'string' ? obj : '')}`);
  };
  const l: Logger = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error'), child: () => l };
  return l;
}

export interface FakeHost extends SessionHost {
  readonly tenants: Map<string, FakeTenant>;
  readonly sliceCounters: Map<string, SliceControlCounters>;
  readonly removed: RemovedFlow[];
  readyCalls: number;
  closedCalls: number;
  statsSent: number;
  polls: Array<'cache' | 'switch'>;
}

export function fakeHost(o: HostOptions = {}): FakeHost {
  const sliceCounters = new Map<string, SliceControlCounters>();
  const tenants = new Map<string, FakeTenant>();
  const counters = (slice: string) => {
    let c = sliceCounters.get(slice);
    if (!c) sliceCounters.set(slice, (c = emptyCounters()));
    return c;
  };
  const host: FakeHost = {
    log: o.log ?? silentLogger,
    tenants,
    sliceCounters,
    removed: [],
    readyCalls: 0,
    closedCalls: 0,
    statsSent: 0,
    polls: [],
    counters,
    totalEntries: (slice) => counters(slice).flowEntries,
    sessionReady: () => {
      host.readyCalls++;
    },
    sessionClosed: () => {
      host.closedCalls++;
    },
    arbitrated: o.arbitrated ?? false,
    statsCacheMs: o.statsCacheMs ?? null,
    statsRequestsSent: (n) => {
      host.statsSent += n;
    },
    tenantPoll: (a) => {
      host.polls.push(a);
    },
    flowRemoved: (e) => {
      host.removed.push(e);
    },
    ...(o.now ? { now: o.now } : {}),
    ...(o.paused ? { paused: (slice: string) => o.paused!.includes(slice) } : {}),
    ...(o.rulesRemoved ? { rulesRemoved: (slice: string) => o.rulesRemoved!.includes(slice) } : {}),
    connectTenant: (view, _log, events) => {
      const t = new FakeTenant(view, events, o.tenantVersion ?? OFP13);
      tenants.set(view.slice, t);
      return t;
    },
  };
  return host;
}

export function port(no: number): Port {
  return {
    portNo: no,
    hwAddr: `02:00:00:00:00:${no.toString(16).padStart(2, '0')}`,
    name: `p${no}`,
    config: 0,
    state: 0,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeed: 0,
    maxSpeed: 0,
  };
}

export interface Rig {
  session: SwitchSession;
  channel: FakeSwitchChannel;
  host: FakeHost;
  views: PlanViews | null;
  /** Changes the plan the proxy carries (what a new master programs). */
  setViews(v: PlanViews | null): void;
}

/**
 * A session through its handshake: hello, features (dpid `dpid`), 1.3 port descriptions of
 * `ports` (or the 1.0 features' ports). Not master-arbitrated: the plan is applied at once.
 */
export function connectSession(plan: Plan | null, o: HostOptions & { dpid?: bigint; ports?: number[]; version?: OfVersion } = {}): Rig {
  const channel = new FakeSwitchChannel();
  const host = fakeHost(o);
  let views = plan ? buildPlanViews(plan) : null;
  const session = new SwitchSession(channel, host, () => views);
  const version = o.version ?? OFP13;
  const ports = (o.ports ?? [1, 2, 3, 4]).map(port);
  channel.negotiate(version);
  channel.inject({
    type: 'features_reply',
    xid: channel.last('features_request').xid,
    dpid: o.dpid ?? 1n,
    nBuffers: 0,
    nTables: 254,
    auxiliaryId: 0,
    capabilities: 0x4f,
    actions: 0,
    ports: version === OFP13 ? [] : ports,
  });
  if (version === OFP13) {
    const pd = channel.of('multipart_request').find((m) => m.mpType === 'port_desc')!;
    channel.inject({ type: 'multipart_reply', xid: pd.xid, mpType: 'port_desc', flags: 0, ports });
  }
  return {
    session,
    channel,
    host,
    get views() {
      return views;
    },
    setViews: (v) => {
      views = v;
    },
  };
}
