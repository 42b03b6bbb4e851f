// Switch → tenant: what the switch sends that is not an answer to the hypervisor's own requests.
// Packet-ins are classified by location, overlay tag, headers and the rule's cookie and
// delivered untagged to the slices that may read them (one caused by a tenant's rule, by its
// cookie, only to that tenant) (a buffered one keeps its buffer id when it
// reaches one slice untagged, remembered in the session's BufferOwners); port changes go to the slices that see
// the port; flow removals are counted and shown to the tenant in its own terms; errors about a
// tenant's flow-mod or packet-out go back to that tenant.
import { countFallback } from '../wire-counts.js';
import type { MessageOf } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFP_NO_BUFFER as NO_BUFFER, OFPFF13, OFPPR } from '../../openflow/constants.js';
import { cookieSlice, isHypervisorCookie, isMissEmulationCookie, NO_COOKIE } from '../../dataplane/cookies.js';
import { edgePortsOf } from '../slice-views.js';
import { PacketSummaryScratch, parsePacket, stripVlan } from '../packet.js';
import { inPortMatch, packetMatches } from '../match-algebra.js';
import type { SliceFlowTable } from '../flow-table.js';
import { SliceNumbers, type PacketHeaders } from '../../classifier/index.js';
import type { Binding, SessionContext } from './context.js';
import { flowKey } from './stats-answers.js';
import { mplsLabelOf, stripMplsLabel } from '../../dataplane/mpls-ethertypes.js';
import { portIsUp, virtualArrival } from '../virtual-ports.js';

const MPLS_ETHERTYPE = 0x8847;
/** A target column's port while its binding waits for the classifier (see packetIn). */
const PENDING = -2;

const grownInts = (a: Int32Array): Int32Array<ArrayBuffer> => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};

export class SwitchDirection {
  /** The slices (numbers) that may read the packet-in being classified, in ids[0, n) (reused: nothing allocated per packet-in). */
  private readonly readers = new SliceNumbers();
  /** The numbers of the bound slices the packet-in being classified is asked about (reused). */
  private wanted: Int32Array<ArrayBuffer> = new Int32Array(8);
  /** The packet-in being classified, summarized (reused). */
  private readonly summary = new PacketSummaryScratch();
  /** Target columns of the packet-in being delivered (reused; see packetIn). */
  private readonly targetBinding: Array<Binding | null> = [];
  private readonly targetTagged: boolean[] = [];
  private readonly targetPort: number[] = [];

  /** `intercept`: takes the hypervisor's own packet-ins (link discovery probes) before classification. */
  constructor(
    private readonly s: SessionContext,
    private readonly intercept?: (m: MessageOf<'packet_in'>) => boolean,
  ) {}

  /** A switch error no request of the hypervisor waits for: back to the tenant whose message it was. */
  error(m: MessageOf<'error'>): void {
    const s = this.s;
    const t = s.requests.tenantOf(m.xid);
    if (!t) {
      s.log.warn({ errType: m.errType, code: m.code }, 'switch error for an unknown request');
      return;
    }
    s.toTenant(t.owner, { type: 'error', xid: t.tenantXid, errType: m.errType, code: m.code, data: m.data });
    s.counters(t.owner).errorsSent++;
  }

  portStatus(m: MessageOf<'port_status'>): void {
    const s = this.s;
    const deleted = m.reason === OFPPR.DELETE;
    if (deleted) s.ports.delete(m.port.portNo);
    else s.ports.set(m.port.portNo, m.port);
    s.host.portState?.(s.dpid, m.port.portNo, !deleted && portIsUp(m.port));
    for (const b of s.bindings.values()) {
      b.ctx.edgePorts = edgePortsOf(b.view, s.portNumbers(), s.networkLinkPorts());
      if (b.view.linkPorts.has(m.port.portNo) || b.ctx.edgePorts.includes(m.port.portNo) || (deleted && b.view.edgePorts === '*')) {
        s.toTenant(b, { type: 'port_status', xid: 0, reason: m.reason, port: m.port });
      }
    }
  }

  flowRemoved(m: MessageOf<'flow_removed'>): void {
    const s = this.s;
    // Every removal counts toward the slice's totals (the collector keeps the final counters),
    // also when the slice's binding is gone; what the tenant sees is decided below.
    s.host.flowRemoved?.({
      dpid: s.dpid,
      cookie: m.cookie,
      key: flowKey(m.cookie, m.priority, m.match),
      packetCount: m.packetCount,
      byteCount: m.byteCount,
      at: Date.now(),
    });
    if (isHypervisorCookie(m.cookie)) return;
    const idx = cookieSlice(m.cookie);
    const b = [...s.bindings.values()].find((x) => x.view.index === idx);
    if (!b) return;
    const before = b.table.entries;
    const r = b.table.removed(m.cookie, m.match);
    s.counters(b).flowEntries -= before - b.table.entries;
    if (r && r.flags & OFPFF13.SEND_FLOW_REM) {
      s.toTenant(b, {
        ...m,
        xid: 0,
        cookie: r.tenantCookie,
        priority: r.priority,
        match: r.match,
        tableId: 0,
        idleTimeout: r.idleTimeout,
        hardTimeout: r.hardTimeout,
      });
    }
  }

  /**
   * Writes to this.readers.ids[0, n) the numbers of the slices, among this.wanted[0, count), whose
   * read flowspace at `inPort` matches the packet; returns n.
   */
  private readersOf(inPort: number, headers: PacketHeaders, data: Buffer, frameLength: number, count: number): number {
    const s = this.s;
    const out = this.readers;
    const views = s.views;
    if (!views) return 0;
    try {
      return views.classifier.readerIdsAmong(s.dpid, inPort, headers, this.wanted, count, out);
    } catch (err) {
      countFallback('classifier', 'error');
      s.log.warn({ err: (err as Error).message }, 'classifier failed; falling back to a scan');
      const fields = parsePacket(data, frameLength).fields;
      let n = 0;
      const ids = out.reserve(s.bindings.size);
      for (const b of s.bindings.values()) {
        if (
          b.view.rules.some(
            (r) => r.read && (r.inPort === null || r.inPort === inPort) && r.alternatives.some((alt) => packetMatches(alt, fields)),
          )
        )
          ids[n++] = b.sliceNo;
      }
      return n;
    }
  }

  /** Whether binding `b`'s slice is among this.readers' [0, n). */
  private reads(b: Binding, n: number): boolean {
    return this.readers.has(b.sliceNo, n);
  }

  /** Classifies a packet-in by location, overlay tag and headers and delivers it untagged. */
  packetIn(m: MessageOf<'packet_in'>): void {
    if (this.intercept?.(m)) return;
    const s = this.s;
    const inPort = Number(m.match.in_port?.value ?? -1);
    const pkt = this.summary.read(m.data, m.totalLen);
    // Who may get it, in [0, n) of the reused target columns: its binding, whether the frame came
    // tagged (its overlay tag is stripped), and the virtual port it arrived at (-1: inPort).
    const tb = this.targetBinding,
      tt = this.targetTagged,
      tp = this.targetPort;
    let n = 0;
    // Bindings at an edge port wait in the columns (port PENDING) until the classifier has said
    // which of their slices may read the packet: it is asked once, about those slices only.
    let pending = 0;
    for (const b of s.bindings.values()) {
      // A virtual link's frame from the core (its tag on a port toward its paths): the virtual port's.
      const vp = b.view.virtualPorts.length
        ? virtualArrival(b.view, inPort, pkt.vlan, pkt.ethType === MPLS_ETHERTYPE ? mplsLabelOf(m.data) : null)
        : undefined;
      if (vp) {
        tb[n] = b;
        tt[n] = true;
        tp[n++] = vp.number;
        continue;
      }
      if (b.view.linkPorts.has(inPort)) {
        if (
          (b.view.overlay.type === 'vlan' && pkt.vlan === b.view.overlay.tag) ||
          (b.view.overlay.type === 'mpls' && pkt.ethType === MPLS_ETHERTYPE && mplsLabelOf(m.data) === b.view.overlay.tag)
        ) {
          tb[n] = b;
          tt[n] = true;
          tp[n++] = -1;
        }
        continue;
      }
      // Customer-tagged frames at edge ports belong to MPLS slices whose flowspace has the tag.
      if (!b.ctx.edgePorts.includes(inPort) || (pkt.vlan !== null && b.view.overlay.type === 'vlan')) continue;
      if (pending === this.wanted.length) this.wanted = grownInts(this.wanted);
      this.wanted[pending++] = b.sliceNo;
      tb[n] = b;
      tt[n] = false;
      tp[n++] = PENDING;
    }
    if (pending > 0) {
      // Location + headers through the indexed classifier (once per packet-in).
      const readers = this.readersOf(inPort, pkt.headers, m.data, m.totalLen, pending);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const b = tb[i]!;
        let port = tp[i]!;
        if (port === PENDING) {
          if (!this.reads(b, readers)) continue;
          port = -1;
        }
        tb[k] = b;
        tt[k] = tt[i]!;
        tp[k++] = port;
      }
      n = k;
    }
    // A rule's cookie names the slice that asked for the packet: it alone gets it.
    const hvRule = isHypervisorCookie(m.cookie);
    let tenantRule: ReturnType<SliceFlowTable['byProxyCookie']>;
    if (m.version === OFP13 && m.cookie !== NO_COOKIE && !hvRule) {
      // A tenant rule's packet-in goes to that tenant or to nobody, never to another slice by
      // its headers (its actions were confined to the slice: an empty hit is a stray, dropped).
      const idx = cookieSlice(m.cookie);
      const found = n;
      n = this.keep(found, (i) => tb[i]!.view.index === idx);
      if (n) tenantRule = tb[0]!.table.byProxyCookie(m.cookie);
      else if (found) s.log.warn({ cookie: m.cookie.toString(16), inPort }, "a tenant rule's packet-in outside its slice: dropped");
    }
    const isMissEmulation = hvRule && m.cookie !== NO_COOKIE && isMissEmulationCookie(m.cookie);
    // Who gets it (a slow tenant or one over its packet_in_rate loses it, counted).
    let receivers = 0;
    for (let i = 0; i < n; i++) {
      const b = tb[i]!;
      if (b.link.connected && !b.link.slow && (!b.packetIn || b.packetIn.take())) {
        tb[receivers] = b;
        tt[receivers] = tt[i]!;
        tp[receivers++] = tp[i]!;
      } else s.counters(b).packetInsDropped++;
    }
    // The buffer rule: the buffer id is kept only when one slice gets the packet and sees the
    // buffered frame itself (no overlay tag stripped); it alone may then use the id, once.
    // Every other delivery carries OFP_NO_BUFFER and the data.
    const keepBuffer = m.bufferId !== NO_BUFFER && receivers === 1;
    for (let i = 0; i < receivers; i++) {
      const b = tb[i]!,
        tagged = tt[i]!,
        port = tp[i]!;
      const c = s.counters(b);
      let data = m.data;
      if (tagged) data = b.view.overlay.type === 'vlan' ? stripVlan(data) : stripMplsLabel(data);
      // Learning controllers only act on table misses: report the tenant's table-miss rule (and
      // the 1.0 miss emulation) as NO_MATCH, like a real table miss.
      const tenantMiss = tenantRule ? tenantRule.priority === 0 && tenantRule.key === '' : false; // the empty match's key is ''
      const reason = tenantMiss || isMissEmulation || (m.version !== OFP13 && !hvRule) ? 0 : m.reason;
      const keep = keepBuffer && !tagged;
      if (keep) s.buffers.delivered(m.bufferId, b.view.index, inPort);
      c.packetInsDelivered++;
      s.toTenant(b, {
        type: 'packet_in',
        xid: 0,
        bufferId: keep ? m.bufferId : NO_BUFFER,
        totalLen: keep ? m.totalLen : data.length,
        reason,
        tableId: 0,
        cookie: tenantRule?.tenantCookie ?? NO_COOKIE,
        match: inPortMatch(port >= 0 ? port : inPort),
        data,
      });
    }
    // The columns hold no binding past the packet-in (an unbound slice's table is not kept alive).
    tb.fill(null);
  }

  /** Keeps the targets in [0, n) for which `pred` holds, in order, at the front; returns how many. */
  private keep(n: number, pred: (i: number) => boolean): number {
    const tb = this.targetBinding,
      tt = this.targetTagged,
      tp = this.targetPort;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (!pred(i)) continue;
      tb[k] = tb[i]!;
      tt[k] = tt[i]!;
      tp[k++] = tp[i]!;
    }
    return k;
  }
}
