// The managed core's rules (docs/dataplane.md, "Managed core"): on a core switch, per virtual link
// whose path in use crosses it, `in_port + tag → output` in both directions (hypervisor cookies,
// runtime/src/dataplane/cookies.ts `coreRuleCookie`); on an edge switch (OpenFlow 1.3), one
// indirect group per virtual port whose bucket outputs to the path's port (tenant rules output to
// the group, so a path change rewrites one bucket, not the tenant's rules). Pure functions over
// the plan views and the core state; the switch session sends the result.
import type { FlowMod, FlowMatch } from './messages.js';
import type { PlanViews, SliceOnSwitch } from './slice-views.js';
import { OFPFC as FC, OFPG_ANY, OFP_NO_BUFFER, OFPGC, OFPGT, OFPP13 as OFPP, OFPVID_PRESENT } from '../openflow/constants.js';
import { encodeMessage } from '../openflow/index.js';
import { coreRuleCookie } from '../dataplane/cookies.js';
import { CORE_PRIORITY } from '../dataplane/priorities.js';
import { virtualGroupId } from './virtual-ports.js';

function tagged(type: 'vlan' | 'mpls', inPort: number, tag: number): FlowMatch {
  const at = { in_port: { value: BigInt(inPort) } };
  if (type === 'vlan') return { ...at, vlan_vid: { value: BigInt(tag | OFPVID_PRESENT) } };
  return { ...at, eth_type: { value: 0x8847n }, mpls_label: { value: BigInt(tag) } };
}

function forward(cookie: bigint, match: FlowMatch, port: number): FlowMod {
  return {
    cookie,
    cookieMask: 0n,
    tableId: 0,
    command: FC.ADD,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: CORE_PRIORITY,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    match,
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port, maxLen: 0 }] }],
  };
}

/** The core forwarding rules a switch holds now: per virtual link whose path in use crosses it, both directions. */
export function coreFlowMods(views: PlanViews, dpid: string): FlowMod[] {
  const out: FlowMod[] = [];
  const byName = new Map(views.plan.slices.map((s) => [s.name, s]));
  for (const l of views.core.all()) {
    if (l.active === null) continue;
    const slice = byName.get(l.slice);
    const id = views.sliceIndex.get(l.slice);
    const path = l.link.paths[l.active];
    if (!slice || id === undefined || !path) continue;
    for (const hop of path.hops) {
      if (hop.dpid !== dpid) continue;
      const type = slice.overlay.type;
      out.push(forward(coreRuleCookie(id, l.index, l.active, 0), tagged(type, hop.inPort, l.link.tag), hop.outPort));
      out.push(forward(coreRuleCookie(id, l.index, l.active, 1), tagged(type, hop.outPort, l.link.tag), hop.inPort));
    }
  }
  return out;
}

/** One virtual port's group on an edge switch: its id and the physical port its bucket outputs to (null: none, drop). */
export interface EdgeGroup {
  groupId: number;
  port: number | null;
}

export function edgeGroups(v: SliceOnSwitch): EdgeGroup[] {
  return v.virtualPorts.map((vp) => ({ groupId: virtualGroupId(v.index, vp), port: v.virtualActive(vp) }));
}

/** An OpenFlow 1.3 group-mod for an edge group, encoded (the proxy's neutral messages carry no group-mods). */
export function groupModBytes(xid: number, command: 'add' | 'modify' | 'delete', g: EdgeGroup): Buffer {
  const cmd = command === 'add' ? OFPGC.ADD : command === 'modify' ? OFPGC.MODIFY : OFPGC.DELETE;
  return encodeMessage({
    version: 4,
    type: 'group_mod',
    xid,
    command: cmd,
    groupType: OFPGT.INDIRECT,
    groupId: g.groupId,
    buckets:
      command === 'delete'
        ? []
        : [
            {
              weight: 0,
              watchPort: OFPP.ANY,
              watchGroup: OFPG_ANY,
              actions: g.port === null ? [] : [{ type: 'output', port: g.port, maxLen: 0 }],
            },
          ],
  });
}
