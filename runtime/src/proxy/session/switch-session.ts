// One physical switch connected to the proxy: the handshake (features, 1.3 port descriptions,
// config), the session's lifecycle, and the dispatch of the switch's messages to the parts that
// handle them: the request tracker (answers to requests), the switch direction (packet-ins,
// port changes, flow removals, tenants' errors), plan application, mastership and statistics.
// The parts share one SessionContext; this class is what the slicing proxy sees.
import { childLogger } from '../channel.js';
import type { OfMessage, OfVersion, Port } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFPCML_NO_BUFFER, OFPP13 as OFPP } from '../../openflow/constants.js';
import { dpidHex } from '@dfvisor/grammar';
import type { PlanViews } from '../slice-views.js';
import { SessionContext, type Binding, type SessionHost, type SessionRole, type SwitchChannel } from './context.js';
import { Mastership } from './mastership.js';
import { PlanApplication, type SwitchApplyResult } from './plan-apply.js';
import { Statistics, type SessionStats } from './statistics.js';
import { Reconciliation } from './reconcile.js';
import { SwitchDirection } from './switch-direction.js';
import { LinkProbes } from './link-probes.js';
import { TenantDirection } from './tenant-direction.js';
import { CoreSync } from './core-sync.js';
import type { TableCapacityView } from './table-capacity.js';
import { portIsUp } from '../virtual-ports.js';

/** OFPET_HELLO_FAILED / OFPHFC_EPERM (the same numbers in 1.0 and 1.3): a switch refused. */
const REFUSED = { errType: 0, code: 1 } as const;

export class SwitchSession {
  readonly connectedAt = Date.now();
  private readonly s: SessionContext;
  private readonly mastership: Mastership;
  private readonly stats: Statistics;
  private readonly plan: PlanApplication;
  private readonly tenants: TenantDirection;
  private readonly fromSwitchSide: SwitchDirection;
  private readonly reconciliation: Reconciliation;
  private round: { inner: Promise<SessionStats | undefined>; outer: Promise<SessionStats | undefined> } | null = null;
  private readonly probes: LinkProbes;
  private readonly core: CoreSync;
  /** A features reply held while the session waits for the dpid's live session to fail an echo. */
  private held: Extract<OfMessage, { type: 'features_reply' }> | null = null;
  private readonly echoes = new Map<number, (ok: boolean) => void>();

  /** `currentViews`: the plan the proxy carries now (a new master programs it). */
  constructor(
    readonly channel: SwitchChannel,
    host: SessionHost,
    private readonly currentViews: () => PlanViews | null,
  ) {
    const s = (this.s = new SessionContext(channel, host));
    this.mastership = new Mastership(s);
    this.stats = new Statistics(s);
    this.tenants = new TenantDirection(s, this.mastership, this.stats);
    this.core = new CoreSync(s, (b, port) => this.tenants.rewriteVirtualOutputs(b, port));
    this.plan = new PlanApplication(s, this.mastership, this.tenants, this.core);
    this.probes = new LinkProbes(s);
    this.fromSwitchSide = new SwitchDirection(s, (m) => this.probes.intercept(m));
    this.reconciliation = new Reconciliation(s, currentViews, this.plan.knownMeters, () => this.core.expected());
    channel.onCongestion = (congested) => s.setSwitchCongested(congested);
    channel.onReady = (v) => {
      s.version = v;
      s.send({ type: 'features_request' });
    };
    channel.onMessage = (m) => {
      try {
        this.fromSwitch(m);
      } catch (e) {
        s.log.error({ err: (e as Error).stack }, 'switch message handling failed');
      }
    };
    channel.onClose = (why) => {
      s.log.info({ dpid: s.dpid, why }, 'switch disconnected');
      for (const b of s.bindings.values()) b.link.stop();
      s.bindings.clear();
      s.requests.closeAll();
      for (const done of this.echoes.values()) done(false);
      this.echoes.clear();
      host.sessionClosed();
    };
    channel.hello();
  }

  /** The switch's datapath id (16 hex digits; '' before the handshake). */
  get dpid(): string {
    return this.s.dpid;
  }
  get version(): OfVersion | null {
    return this.s.version;
  }
  get ports(): ReadonlyMap<number, Port> {
    return this.s.ports;
  }
  get ready(): boolean {
    return this.s.ready;
  }
  get role(): SessionRole {
    return this.s.role;
  }
  get generationId(): bigint {
    return this.s.generationId;
  }
  /** The slices bound to this switch, by name. */
  get bindings(): ReadonlyMap<string, Binding> {
    return this.s.bindings;
  }
  /** The last statistics round (collector or tenant-triggered). */
  get lastStats(): SessionStats | null {
    return this.stats.lastStats;
  }
  /** Waiting for the dpid's live session to fail an echo (unserved until then). */
  get waiting(): boolean {
    return this.held !== null;
  }
  /** Whether this node writes to the switch: pushes rules and connects the tenant controllers. */
  get mayProgram(): boolean {
    return this.mastership.mayProgram;
  }

  /** Applies the plan's views to this switch: removes changed/removed slices, installs new ones. */
  apply(views: PlanViews | null): Promise<SwitchApplyResult> {
    return this.plan.apply(views);
  }

  /** A virtual link changed path (managed core): the master brings this switch's core rules and groups along. */
  syncCore(): void {
    if (this.mastership.mayProgram && this.s.views === this.currentViews()) {
      this.core.sync();
      this.s.capacity.measure();
    }
  }

  /** Table 0's capacity as the switch reported it, and how much of it rules take (see table-capacity.ts). */
  get table(): TableCapacityView {
    return this.s.capacity.view();
  }

  /** Removes a bound slice's tenant rules from this switch (a pause with rules removed); the count. */
  removeTenantRules(slice: string): number {
    const b = this.s.bindings.get(slice);
    return b ? this.tenants.removeAll(b) : 0;
  }

  /**
   * Takes a role decided by the arbiter (see Mastership.take). A new master learns the switch's
   * meters and programs the current plan; its result is returned.
   */
  async setRole(role: 'master' | 'slave', generationId: bigint): Promise<SwitchApplyResult | undefined> {
    if (!this.s.ready || this.channel.closed) return undefined;
    const became = this.mastership.take(role, generationId);
    // Until this master has programmed the plan, its bindings say nothing about the table.
    if (became || this.s.role !== 'master') this.reconciliation.armed = false;
    if (!became) return undefined;
    await this.plan.learnMeters(this.currentViews());
    if (this.s.role !== 'master') return undefined;
    const r = await this.plan.apply(this.currentViews());
    // From the next statistics round on (≤ one interval), the table is compared with the plan.
    this.reconciliation.armed = this.s.role === 'master';
    return r;
  }

  /**
   * One statistics round over this switch connection (see Statistics.collect); as master, the
   * switch's table is reconciled with the plan from the round's flows (see reconcile.ts).
   */
  collectStats(timeoutMs = 3000): Promise<SessionStats | undefined> {
    const inner = this.stats.collect(timeoutMs);
    // Rounds do not overlap: a caller during a round gets that round (and one reconciliation).
    if (this.round?.inner === inner) return this.round.outer;
    const basis = this.reconciliation.basis();
    const outer = inner.then((round) => {
      if (round) {
        const meterIds = round.metersAnswered ? round.meters.map((m) => m.meterId) : undefined;
        const r = this.reconciliation.run(
          round.flows.map((f) => f.cookie),
          meterIds,
          basis,
        );
        if (r && (r.removed > 0 || r.restored > 0 || r.metersRemoved > 0 || r.metersRestored > 0)) this.s.host.reconciled?.(r);
        // The rules that are not tenant rules, measured again after the round's reconciliation.
        this.s.capacity.measure();
      }
      return round;
    });
    this.round = { inner, outer };
    return outer;
  }

  /**
   * Sends an echo request; true when the switch answers within `timeoutMs`, false when it does
   * not or the connection closes first.
   */
  echo(timeoutMs: number): Promise<boolean> {
    if (this.channel.closed || !this.s.version) return Promise.resolve(false);
    return new Promise((resolve) => {
      const { xid, err } = this.s.send({ type: 'echo_request', data: Buffer.alloc(0) });
      if (err) return resolve(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref?.();
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.echoes.delete(xid);
        resolve(ok);
      };
      this.echoes.set(xid, done);
    });
  }

  /** One link discovery round (the master only): the probe rule and a probe per port; the probes sent. */
  probeLinks(): number {
    return this.probes.probe();
  }

  /** Ends the wait of a session the host answered 'wait': the handshake goes on. */
  proceed(): void {
    const m = this.held;
    this.held = null;
    if (m && !this.channel.closed) this.handshake(m);
  }

  close(): void {
    for (const b of this.s.bindings.values()) b.link.stop();
    this.channel.close('proxy stopping');
  }

  private fromSwitch(m: OfMessage): void {
    const s = this.s;
    // A connection waiting for the dpid's live session gets no service: what it sends is dropped.
    if (this.held) return;
    switch (m.type) {
      case 'features_reply': {
        if (s.dpid) return; // one identity per connection
        s.dpidValue = m.dpid;
        s.dpid = dpidHex(m.dpid);
        s.capabilities = m.capabilities;
        s.log = childLogger(s.host.log, { dpid: s.dpid });
        const admission = s.host.admit?.(s.dpid) ?? 'accept';
        if (admission === 'refuse') {
          s.send({
            type: 'error',
            ...REFUSED,
            data: Buffer.from(`datapath id ${s.dpid} refused: not declared in the deployed network, or too many connections claim it`),
          });
          this.channel.close('datapath id not declared');
        } else if (admission === 'wait') this.held = m;
        else this.handshake(m);
        return;
      }
      case 'echo_reply':
        this.echoes.get(m.xid)?.(true);
        return;
      case 'multipart_reply':
      case 'barrier_reply':
      case 'role_reply':
        s.requests.answer(m);
        return;
      case 'error':
        if (!s.requests.error(m)) this.fromSwitchSide.error(m);
        return;
      case 'packet_in':
        this.fromSwitchSide.packetIn(m);
        return;
      case 'port_status':
        this.fromSwitchSide.portStatus(m);
        return;
      case 'flow_removed':
        this.fromSwitchSide.flowRemoved(m);
        return;
      default:
        return;
    }
  }

  /** After the switch is admitted: its ports (1.3: a port description request), then ready. */
  private handshake(m: Extract<OfMessage, { type: 'features_reply' }>): void {
    const s = this.s;
    // Table 0's capacity is asked right after the port descriptions (a switch answers in order: Open
    // vSwitch's 1.3 table features are about 1.2 MB, so asked first they delay the ports by ~8 ms);
    // the handshake does not wait for it.
    if (m.version === OFP13) {
      s.request({ type: 'multipart_request', mpType: 'port_desc', flags: 0 }, null, 'multipart_reply', {
        reply: (parts) => {
          for (const part of parts) for (const p of part.ports ?? []) s.ports.set(p.portNo, p);
          this.becomeReady();
        },
      });
      s.capacity.learn();
    } else {
      for (const p of m.ports) s.ports.set(p.portNo, p);
      s.capacity.learn();
      this.becomeReady();
    }
  }

  private becomeReady(): void {
    const s = this.s;
    if (s.ready) return;
    s.ready = true;
    s.send({ type: 'set_config', flags: 0, missSendLen: OFPCML_NO_BUFFER });
    s.log.info({ version: s.version, ports: s.portNumbers().filter((p) => p < OFPP.MAX) }, 'switch connected');
    s.host.sessionReady();
    // The managed core learns which of this switch's ports are down (virtual links may move).
    for (const p of s.ports.values()) if (p.portNo < OFPP.MAX) s.host.portState?.(s.dpid, p.portNo, portIsUp(p));
    if (s.role === 'master')
      void this.plan.apply(this.currentViews()).then(() => {
        this.reconciliation.armed = s.role === 'master';
      });
  }
}
