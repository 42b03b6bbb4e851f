// Link discovery on one switch (session part): the master sends the probe rule (LLDP from
// DFVisor's source MAC goes to the controller, above every slice rule) and one probe out of
// every port; a probe that comes back in a packet-in is intercepted here (never delivered to a
// tenant) and reported to the host as an observed link: from the probe's origin to this port.
// Frames that look like probes but fail the signature or are stale are counted and dropped.
import type { MessageOf } from '../messages.js';
import { OFP_NO_BUFFER, OFPP13 } from '../../openflow/constants.js';
import { probeRule } from '../base-rules.js';
import { buildProbe, looksLikeProbe, readProbe } from '../discovery/lldp.js';
import type { SessionContext } from './context.js';

export class LinkProbes {
  constructor(private readonly s: SessionContext) {}

  /** The ports probes go out of: the switch's physical ports (no LOCAL, CONTROLLER…; 1.0 numbers are kept as 1.3's). */
  private physicalPorts(): number[] {
    return this.s.portNumbers().filter((p) => p < OFPP13.MAX);
  }

  /** One discovery round (master only): the probe rule again, then a probe per port. Returns the probes sent. */
  probe(): number {
    const s = this.s;
    const d = s.host.discovery;
    if (!d || !s.ready || s.role !== 'master' || s.channel.closed) return 0;
    // Re-sent every round: an ADD of the same match and priority replaces it (a table cleared by
    // someone else gets it back within one interval).
    s.request({ type: 'flow_mod', ...probeRule() }, null, null, {
      error: (e) => s.log.warn({ errType: e.errType, code: e.code }, 'the switch refused the LLDP probe rule'),
    });
    const now = d.now();
    let sent = 0;
    for (const port of this.physicalPorts()) {
      const { err } = s.send({
        type: 'packet_out',
        bufferId: OFP_NO_BUFFER,
        inPort: OFPP13.CONTROLLER,
        actions: [{ type: 'output', port, maxLen: 0 }],
        data: buildProbe(d.key, s.dpid, port, now),
      } as Parameters<SessionContext['send']>[0]);
      if (!err) sent++;
    }
    d.counted('sent', sent);
    return sent;
  }

  /** A packet-in carrying a probe: reported (when trusted) and consumed. false: not a probe. */
  intercept(m: MessageOf<'packet_in'>): boolean {
    const d = this.s.host.discovery;
    if (!d || !looksLikeProbe(m.data)) return false;
    const inPort = Number(m.match.in_port?.value ?? -1);
    const r = readProbe(d.key, m.data);
    const now = d.now();
    if (r.kind !== 'probe' || now - r.origin.sentAt > d.maxAgeMs || r.origin.sentAt - now > d.maxAgeMs) {
      d.counted('forged', 1);
      this.s.log.warn({ port: inPort, why: r.kind === 'forged' ? r.reason : 'stale or replayed' }, 'untrusted LLDP probe dropped');
      return true;
    }
    d.counted('received', 1);
    d.seen({ from: { dpid: r.origin.dpid, port: r.origin.port }, to: { dpid: this.s.dpid, port: inPort }, at: now });
    return true;
  }
}
