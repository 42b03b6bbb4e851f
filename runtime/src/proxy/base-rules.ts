// Push-based setup: the rules and meters the hypervisor installs on a switch for a plan, before
// any packet arrives, and the messages that remove a slice's state on undeploy. Pure functions
// over the slice views; the switch session sends the result. Cookies and priorities follow the
// data-plane layout (runtime/src/dataplane/).
import type { FlowMatch, FlowMod, MeterBand } from './messages.js';
import { OFPCML_NO_BUFFER, OFPFC as FC, OFPG_ANY, OFPMF, OFP_NO_BUFFER, OFPP13 as OFPP, OFPTT_ALL } from '../openflow/constants.js';
import type { SliceOnSwitch } from './slice-views.js';
import { tagMatch, type SliceContext } from './rewrite.js';
import {
  HV_DROP_COOKIE,
  HV_PROBE_COOKIE,
  HV_SLICE_COOKIE_MASK,
  hvSliceCookie,
  MISS_EMULATION_SEQ,
  SLICE_COOKIE_MASK,
  sliceCookie,
} from '../dataplane/cookies.js';
import { BASE_DROP_PRIORITY, LLDP_PRIORITY, MISS_EMULATION_PRIORITY, PROBE_PRIORITY } from '../dataplane/priorities.js';
import { LLDP_ETHERTYPE, PROBE_SRC } from './discovery/lldp.js';
import { mplsClassOf } from '../dataplane/mpls-ethertypes.js';
import { meterBurstKb, portMeterId, portMeterRateKbps } from '../dataplane/port-meters.js';
import { dispatchRules } from './second-table.js';

export interface MeterMod {
  command: 'add' | 'modify' | 'delete';
  meterId: number;
  flags: number;
  bands: MeterBand[];
}

export interface SwitchSetup {
  flowMods: FlowMod[];
  meterMods: MeterMod[];
  /** What could not be programmed through OpenFlow (reported back, not fatal). */
  notes: string[];
}

function flow(partial: Partial<FlowMod> & Pick<FlowMod, 'match' | 'priority' | 'cookie' | 'instructions'>): FlowMod {
  return {
    cookieMask: 0n,
    tableId: 0,
    command: FC.ADD,
    idleTimeout: 0,
    hardTimeout: 0,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    ...partial,
  };
}

/** The default isolation rule: anything no slice rule matches is dropped. */
export function baseDropRule(): FlowMod {
  return flow({ match: {}, priority: BASE_DROP_PRIORITY, cookie: HV_DROP_COOKIE, instructions: [] });
}

/** Link discovery: the hypervisor's own (untagged) LLDP probes come back to it, never to a slice. */
export function probeRule(): FlowMod {
  return flow({
    match: { eth_type: { value: BigInt(LLDP_ETHERTYPE) }, eth_src: { value: PROBE_SRC }, vlan_vid: { value: 0n } },
    priority: PROBE_PRIORITY,
    cookie: HV_PROBE_COOKIE,
    instructions: toController(),
  });
}

const toController = (): FlowMod['instructions'] => [
  { type: 'apply_actions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: OFPCML_NO_BUFFER }] },
];

/** OpenFlow 1.0 sends table misses to the controller: a slice's emulation rule for one of its read matches. */
export function missEmulationRule(sliceId: number, match: FlowMatch): FlowMod {
  return flow({
    match,
    priority: MISS_EMULATION_PRIORITY,
    cookie: hvSliceCookie(sliceId, MISS_EMULATION_SEQ),
    instructions: toController(),
  });
}

/**
 * The slice's meters on a switch: one per port of `ports` (the slice's ports there) into which
 * its traffic is limited (its cap, a guaranteed link port's limit, the tighter of both).
 */
export function sliceMeters(v: SliceOnSwitch, ports: readonly number[]): Array<{ meterId: number; port: number; rateKbps: number }> {
  const out: Array<{ meterId: number; port: number; rateKbps: number }> = [];
  for (const port of ports) {
    const rateKbps = portMeterRateKbps(v.meterRateKbps, v.portLimitsKbps, port);
    const meterId = portMeterId(v.index, port);
    if (rateKbps !== null && meterId !== null) out.push({ meterId, port, rateKbps });
  }
  return out;
}

/**
 * Base rules and meters for one slice on one switch; `ports`: the slice's ports on the switch
 * (edge ports resolved), `meterExists`: whether a meter id is already on the switch.
 */
export function sliceSetup(
  v: SliceOnSwitch,
  meters: boolean,
  meterExists: (meterId: number) => boolean,
  ports: readonly number[],
): SwitchSetup {
  const ctx: SliceContext = { view: v, edgePorts: [], meters };
  const flowMods: FlowMod[] = [];
  const notes: string[] = [];
  // LLDP a slice sends over its links comes back tagged: hand it to the slice's controller.
  let seq = 1;
  for (const p of [...v.linkPorts].sort((a, b) => a - b)) {
    // Under an MPLS label the inner ethertype is the label's traffic class (LLDP's).
    const m =
      v.overlay.type === 'vlan'
        ? { in_port: { value: BigInt(p) }, ...tagMatch(ctx), eth_type: { value: 0x88ccn } }
        : { in_port: { value: BigInt(p) }, ...tagMatch(ctx), mpls_tc: { value: BigInt(mplsClassOf(0x88cc)!) } };
    flowMods.push(flow({ match: m, priority: LLDP_PRIORITY, cookie: hvSliceCookie(v.index, seq++), instructions: toController() }));
  }
  // The same on the physical ports toward the slice's virtual links, under each link's tag.
  for (const vp of v.virtualPorts)
    for (const p of vp.ingress) {
      const m =
        v.overlay.type === 'vlan'
          ? { in_port: { value: BigInt(p) }, ...tagMatch(ctx, vp.tag), eth_type: { value: 0x88ccn } }
          : { in_port: { value: BigInt(p) }, ...tagMatch(ctx, vp.tag), mpls_tc: { value: BigInt(mplsClassOf(0x88cc)!) } };
      flowMods.push(flow({ match: m, priority: LLDP_PRIORITY, cookie: hvSliceCookie(v.index, seq++), instructions: toController() }));
    }
  // MPLS slices: the second-label dispatch to table 1 per link port (OpenFlow 1.3; 1.0 has no MPLS).
  if (meters) flowMods.push(...dispatchRules(v));
  else if (v.overlay.type === 'mpls' && v.linkPorts.size > 0)
    notes.push(`slice ${v.slice}: OpenFlow 1.0 switch ${v.dpid} has no MPLS; the slice's rules that cross a link are refused there`);
  const meterMods: MeterMod[] = [];
  const wanted = sliceMeters(v, ports);
  if (wanted.length && !meters)
    notes.push(`slice ${v.slice}: OpenFlow 1.0 switch ${v.dpid} has no meters; cap and guarantee limits not enforced there`);
  if (meters)
    for (const m of wanted)
      meterMods.push({
        command: meterExists(m.meterId) ? 'modify' : 'add',
        meterId: m.meterId,
        flags: OFPMF.KBPS | OFPMF.BURST | OFPMF.STATS,
        bands: [{ type: 'drop', rate: m.rateKbps, burst: meterBurstKb(m.rateKbps) }],
      });
  if (v.classes.length)
    notes.push(
      `slice ${v.slice}: class queues are selected per flow (set_queue); the queues themselves are configured on the switch (docs/dataplane.md)`,
    );
  return { flowMods, meterMods, notes };
}

/** Removes everything of a slice from a switch: its tenant flows, its base rules, its meters (`meterIds`, from sliceMeters). */
export function sliceTeardown(sliceId: number, meterIds: readonly number[], meters: boolean): SwitchSetup {
  const del = (cookie: bigint, mask: bigint) =>
    flow({ command: FC.DELETE, tableId: OFPTT_ALL, match: {}, priority: 0, cookie, cookieMask: mask, instructions: [] });
  return {
    flowMods: [del(sliceCookie(sliceId, 0), SLICE_COOKIE_MASK), del(hvSliceCookie(sliceId, 0), HV_SLICE_COOKIE_MASK)],
    meterMods: meters ? meterIds.map((meterId) => ({ command: 'delete' as const, meterId, flags: 0, bands: [] })) : [],
    notes: [],
  };
}
