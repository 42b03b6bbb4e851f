// The managed core on one switch (session part; docs/dataplane.md, "Managed core"): keeps the
// switch's core forwarding rules (core switch) or virtual-port groups (edge switch, OpenFlow 1.3)
// equal to the paths in use, make-before-break (new rules first, then the old path's deleted by
// their exact cookies), and tells each bound slice's controller when one of its virtual ports goes
// down (no path up) or comes back (PORT_STATUS). Runs on every plan apply and every path change.
import type { FlowMod } from '../messages.js';
import { OFP13 } from '../messages.js';
import { OFPFC as FC, OFPPR, OFPTT_ALL } from '../../openflow/constants.js';
import { baseDropRule } from '../base-rules.js';
import { coreFlowMods, edgeGroups, groupModBytes, type EdgeGroup } from '../core-rules.js';
import { tenantVirtualPort } from '../virtual-ports.js';
import type { Binding, SessionContext } from './context.js';
import type { RequestHandlers } from './request-tracker.js';

/** OFPET_GROUP_MOD_FAILED / OFPGMFC_GROUP_EXISTS. */
const GROUP_MOD_FAILED = 6;
const GROUP_EXISTS = 0;

const ALL_ONES = 0xffffffffffffffffn;

export class CoreSync {
  /** Core rules this session installed: cookie → the rule's match and output (as a key). */
  private rules = new Map<bigint, string>();
  /** Edge groups this session wrote: group id → bucket port. */
  private groups = new Map<number, number | null>();
  /** Virtual port up-state as last shown to each slice: "slice/port" → up. */
  private shown = new Map<string, boolean>();
  /** OpenFlow 1.0 edges: each virtual port's physical port as its tenant rules were last written ("slice/port" → port). */
  private written = new Map<string, number | null>();

  /** `rewriteOutputs`: writes a slice's rules that output to a virtual port again (1.0 edges, no groups). */
  constructor(
    private readonly s: SessionContext,
    private readonly rewriteOutputs?: (b: Binding, port: number) => void,
  ) {}

  /** Brings the switch's core rules or groups to the paths in use; `handlers`: the apply round's (errors go there). */
  sync(handlers?: RequestHandlers<never>, xids?: number[]): void {
    const s = this.s;
    const views = s.views;
    // No plan (undeploy): what this session installed goes.
    if (!s.ready || s.channel.closed) return;
    const send = (fm: FlowMod) => {
      if (handlers) xids?.push(s.request({ type: 'flow_mod', ...fm }, null, null, handlers));
      else s.send({ type: 'flow_mod', ...fm });
    };
    const wanted = views ? coreFlowMods(views, s.dpid) : [];
    const next = new Map(wanted.map((fm) => [fm.cookie, ruleKey(fm)]));
    for (const fm of wanted) if (this.rules.get(fm.cookie) !== ruleKey(fm)) send(fm);
    for (const cookie of this.rules.keys())
      if (!next.has(cookie)) send({ ...baseDropRule(), command: FC.DELETE, tableId: OFPTT_ALL, cookie, cookieMask: ALL_ONES });
    this.rules = next;
    if (s.version === OFP13) {
      const seen = new Set<number>();
      for (const b of s.bindings.values())
        for (const g of edgeGroups(b.view)) {
          seen.add(g.groupId);
          if (!this.groups.has(g.groupId)) this.group('add', g);
          else if (this.groups.get(g.groupId) !== g.port) this.group('modify', g);
          this.groups.set(g.groupId, g.port);
        }
      for (const [id, port] of [...this.groups])
        if (!seen.has(id)) {
          this.group('delete', { groupId: id, port });
          this.groups.delete(id);
        }
    } else this.followPorts();
    this.showPorts();
  }

  /** OpenFlow 1.0 edges: a virtual port whose path now leaves by another port gets its tenant rules written again. */
  private followPorts(): void {
    for (const b of this.s.bindings.values())
      for (const vp of b.view.virtualPorts) {
        const key = `${b.view.slice}/${vp.number}`;
        const port = b.view.virtualActive(vp);
        const before = this.written.get(key);
        this.written.set(key, port);
        if (before !== undefined && before !== port && port !== null) this.rewriteOutputs?.(b, vp.number);
      }
  }

  /** Rules the switch should hold for the core (reconciliation's expectation). */
  expected(): FlowMod[] {
    return this.s.views ? coreFlowMods(this.s.views, this.s.dpid) : [];
  }

  /** The switch's table is unknown again (it reconnected): everything is written anew. */
  forget(): void {
    this.rules.clear();
    this.groups.clear();
  }

  private group(command: 'add' | 'modify' | 'delete', g: EdgeGroup): void {
    const s = this.s;
    const xid = s.channel.xid();
    s.requests.expect(xid, null, null, {
      // A group left by an earlier session (or master): take it over.
      error: (e) => {
        if (command === 'add' && e.errType === GROUP_MOD_FAILED && e.code === GROUP_EXISTS) this.group('modify', g);
        else s.log.warn({ groupId: g.groupId, errType: e.errType, code: e.code }, 'virtual port group refused');
      },
      timeout: () => {},
      timeoutMs: 5000,
    });
    s.channel.sendRaw(groupModBytes(xid, command, g));
  }

  /** Each slice's controller hears when one of its virtual ports goes down or comes back up. */
  private showPorts(): void {
    const s = this.s;
    for (const b of s.bindings.values())
      for (const vp of b.view.virtualPorts) {
        const key = `${b.view.slice}/${vp.number}`;
        const up = b.view.virtualActive(vp) !== null;
        const before = this.shown.get(key);
        this.shown.set(key, up);
        if (before === undefined || before === up) continue;
        s.toTenant(b, { type: 'port_status', xid: 0, reason: OFPPR.MODIFY, port: tenantVirtualPort(b.view.index, vp, up) });
      }
  }
}

function ruleKey(fm: FlowMod): string {
  return JSON.stringify([fm.match, fm.instructions], (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v));
}
