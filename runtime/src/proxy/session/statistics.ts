// Statistics over one switch connection: collection rounds (flow, port, queue and, on 1.3,
// meter statistics; the push collector and the tenant-poll cache use them) and the slices'
// multipart requests (port descriptions, description, flow/aggregate and port statistics),
// answered from a recent round when the host allows it, otherwise through the switch.
import type { Draft, FlowStats, MessageOf, MeterStats, OfMessage, PortStats, QueueStats } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFPG_ANY, OFPM, OFPP13 as OFPP, OFPQ_ALL, OFPTT_ALL } from '../../openflow/constants.js';
import { sliceCookie, SLICE_COOKIE_MASK } from '../../dataplane/cookies.js';
import type { Binding, SessionContext } from './context.js';
import { aggregateOf, sliceDesc, tenantFlowStats, tenantPortStats, type FlowSelector } from './stats-answers.js';

/** One statistics round's answers (flow, port, queue and, on 1.3, meter statistics). */
export interface SessionStats {
  at: number;
  flows: FlowStats[];
  ports: PortStats[];
  meters: MeterStats[];
  queues: QueueStats[];
  /** Whether the switch answered the meter statistics request (then `meters` lists every meter). */
  metersAnswered?: boolean;
}

type MultipartRequest = MessageOf<'multipart_request'>;

export class Statistics {
  /** The last statistics round (collector or tenant-triggered). */
  lastStats: SessionStats | null = null;
  private collecting: Promise<SessionStats | undefined> | null = null;

  constructor(private readonly s: SessionContext) {}

  /**
   * One statistics round: flow, port, queue and (1.3) meter statistics. Rounds do not overlap;
   * undefined when the switch did not answer in time (late answers are dropped).
   */
  collect(timeoutMs = 3000): Promise<SessionStats | undefined> {
    const s = this.s;
    if (!s.ready || s.channel.closed) return Promise.resolve(undefined);
    if (this.collecting) return this.collecting;
    const v13 = s.version === OFP13;
    const requests: Draft[] = [
      {
        type: 'multipart_request',
        mpType: 'flow',
        flags: 0,
        flow: { tableId: OFPTT_ALL, outPort: OFPP.ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: {} },
      },
      { type: 'multipart_request', mpType: 'port_stats', flags: 0, portNo: OFPP.ANY },
      { type: 'multipart_request', mpType: 'queue', flags: 0, portNo: v13 ? OFPP.ANY : OFPP.ALL, queueId: OFPQ_ALL },
    ];
    if (v13) requests.push({ type: 'multipart_request', mpType: 'meter', flags: 0, meterId: OFPM.ALL });
    const p = new Promise<SessionStats | undefined>((resolve) => {
      const acc: SessionStats = { at: Date.now(), flows: [], ports: [], meters: [], queues: [] };
      const xids: number[] = [];
      let outstanding = requests.length;
      let finished = false;
      // The slices' flow tables learn from the switch's whole flow statistics (reconcileTables).
      const rounds = new Map([...s.bindings.values()].map((b) => [b, b.table.startRound()] as const));
      let flowsAnswered = false;
      const done = (ok: boolean): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        for (const x of xids) s.requests.forget(x);
        this.collecting = null;
        if (ok) this.lastStats = acc;
        if (ok && flowsAnswered) this.reconcileTables(rounds, acc.flows);
        resolve(ok ? acc : undefined);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      for (const r of requests) {
        xids.push(
          s.request(r, null, 'multipart_reply', {
            reply: (parts) => {
              if (r.type === 'multipart_request' && r.mpType === 'flow') flowsAnswered = true;
              if (r.type === 'multipart_request' && r.mpType === 'meter') acc.metersAnswered = true;
              for (const m of parts) addReply(acc, m);
              if (--outstanding === 0) done(true);
            },
            // A refused kind (e.g. no queue statistics) still leaves a usable round.
            error: () => {
              if (--outstanding === 0) done(acc.flows.length > 0 || acc.ports.length > 0);
            },
            closed: () => done(false),
          }),
        );
      }
      s.host.statsRequestsSent(requests.length);
    });
    this.collecting = p;
    return p;
  }

  /**
   * A round's whole flow statistics: each slice's tenant rules added before the round and missing
   * from it left the switch without a flow-removed (idle timeouts of a switch that sends none); a
   * listed rule whose packet count stood still for its idle timeout is expired by the table.
   */
  private reconcileTables(rounds: ReadonlyMap<Binding, number>, flows: readonly FlowStats[]): void {
    const present = new Map<bigint, number>();
    const packets = new Map<bigint, bigint>();
    for (const f of flows) {
      present.set(f.cookie, (present.get(f.cookie) ?? 0) + 1);
      packets.set(f.cookie, (packets.get(f.cookie) ?? 0n) + f.packetCount);
    }
    for (const [b, round] of rounds) {
      if (this.s.bindings.get(b.view.slice) !== b) continue;
      const before = b.table.entries;
      b.table.reconcile(round, present, packets);
      this.s.counters(b).flowEntries -= before - b.table.entries;
    }
  }

  /** The last round when it is young enough to answer a tenant's poll. */
  private cached(): SessionStats | null {
    const max = this.s.host.statsCacheMs;
    if (max === null || !this.lastStats || Date.now() - this.lastStats.at > max) return null;
    return this.lastStats;
  }

  /** A slice's multipart (1.3) or stats (1.0) request. */
  tenantRequest(b: Binding, m: MultipartRequest, raw: Buffer): void {
    const s = this.s;
    switch (m.mpType) {
      case 'port_desc':
        if (m.version !== OFP13) break;
        s.toTenant(b, { type: 'multipart_reply', xid: m.xid, mpType: 'port_desc', flags: 0, ports: s.slicePorts(b) });
        return;
      case 'desc':
        s.toTenant(b, { type: 'multipart_reply', xid: m.xid, mpType: 'desc', flags: 0, desc: sliceDesc(b.view.slice, s.dpid) });
        return;
      case 'flow':
      case 'aggregate':
        this.flowPoll(b, m);
        return;
      case 'port_stats':
        this.portPoll(b, m);
        return;
      default:
        break;
    }
    s.refuse(b, m, 'bad_multipart', `multipart type ${m.mpType} is not sliced`, raw);
  }

  private flowPoll(b: Binding, m: MultipartRequest): void {
    const s = this.s;
    const sel: FlowSelector = m.flow ?? { match: {}, cookie: 0n, cookieMask: 0n };
    const cached = this.cached();
    if (cached) {
      s.host.tenantPoll('cache');
      this.answerFlows(b, m.xid, m.mpType, tenantFlowStats(b.view.index, b.table, sel, cached.flows, true));
      return;
    }
    s.host.tenantPoll('switch');
    s.host.statsRequestsSent(1);
    // The slice's own rules only (1.0 has no cookie mask: every rule, filtered by cookie here).
    const physical = {
      tableId: OFPTT_ALL,
      outPort: OFPP.ANY,
      outGroup: OFPG_ANY,
      cookie: sliceCookie(b.view.index, 0),
      cookieMask: s.version === OFP13 ? SLICE_COOKIE_MASK : 0n,
      match: {},
    };
    s.request({ type: 'multipart_request', mpType: 'flow', flags: 0, flow: physical }, b, 'multipart_reply', {
      reply: (parts) =>
        this.answerFlows(
          b,
          m.xid,
          m.mpType,
          tenantFlowStats(
            b.view.index,
            b.table,
            sel,
            parts.flatMap((p) => p.flows ?? []),
            false,
          ),
        ),
      error: (e) => {
        s.toTenant(b, { type: 'error', xid: m.xid, errType: e.errType, code: e.code, data: e.data });
        s.counters(b).errorsSent++;
      },
    });
  }

  private answerFlows(b: Binding, xid: number, mpType: string, flows: FlowStats[]): void {
    if (mpType === 'aggregate')
      this.s.toTenant(b, { type: 'multipart_reply', xid, mpType: 'aggregate', flags: 0, aggregate: aggregateOf(flows) });
    else this.s.toTenant(b, { type: 'multipart_reply', xid, mpType: 'flow', flags: 0, flows });
  }

  private portPoll(b: Binding, m: MultipartRequest): void {
    const s = this.s;
    const portNo = m.portNo ?? OFPP.ANY;
    const answer = (ports: readonly PortStats[]) => {
      const mine = new Set(s.slicePorts(b).map((p) => p.portNo));
      s.toTenant(b, {
        type: 'multipart_reply',
        xid: m.xid,
        mpType: 'port_stats',
        flags: 0,
        portStats: tenantPortStats(mine, portNo, ports),
      });
    };
    const cached = this.cached();
    if (cached) {
      s.host.tenantPoll('cache');
      answer(cached.ports);
      return;
    }
    s.host.tenantPoll('switch');
    s.host.statsRequestsSent(1);
    s.request({ type: 'multipart_request', mpType: 'port_stats', flags: 0, portNo: OFPP.ANY }, b, 'multipart_reply', {
      reply: (parts) => answer(parts.flatMap((p) => p.portStats ?? [])),
      error: (e) => s.toTenant(b, { type: 'error', xid: m.xid, errType: e.errType, code: e.code, data: e.data }),
    });
  }
}

function addReply(acc: SessionStats, m: Extract<OfMessage, { type: 'multipart_reply' }>): void {
  if (m.flows) for (const f of m.flows) acc.flows.push(f);
  if (m.portStats) for (const p of m.portStats) acc.ports.push(p);
  if (m.meterStats) for (const x of m.meterStats) acc.meters.push(x);
  if (m.queues) for (const q of m.queues) acc.queues.push(q);
}
