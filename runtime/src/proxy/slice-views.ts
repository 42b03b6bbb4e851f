// The plan as each switch sees it (slice views): per switch, the slices that see it, with their
// edge and link ports, overlay tag, write/read flowspace (as FlowMatches), meter, class queues and
// limits, and the plan's classifier for packet-ins. Plain data, built once per applied plan.
import type { DpidHex, Plan, PlanSlice } from '@dfvisor/grammar';
import type { FlowMatch } from './messages.js';
import { planMatchToFlowMatches } from './plan-match-to-flow.js';
import { Classifier } from '../classifier/index.js';
import { OFPP13 } from '../openflow/constants.js';
import { guaranteeLimitsKbps } from '../dataplane/port-meters.js';
import { CoreState } from '../dataplane/core-paths.js';
import { activeEdgePort, virtualPortsOf, type VirtualPortView } from './virtual-ports.js';

export interface FlowspaceRule {
  id: number;
  rule: string;
  inPort: number | null;
  priority: number;
  alternatives: FlowMatch[];
  read: boolean;
  write: boolean;
}

export interface ClassQueue {
  name: string;
  queueId: number;
  alternatives: FlowMatch[];
}

export interface SliceOnSwitch {
  slice: string;
  /** The slice's stable id in this proxy (0-based). Cookie prefix is index + 1. */
  index: number;
  dpid: DpidHex;
  /** Edge ports named by the slice; '*' = every port of the switch that is not a link port of the network. */
  edgePorts: Set<number> | '*';
  linkPorts: Set<number>;
  overlay: { type: 'vlan' | 'mpls'; tag: number };
  rules: FlowspaceRule[];
  /** The plan's meter record of the slice's cap on this switch (its rate is the cap; see portLimitsKbps). */
  meterId: number | null;
  meterRateKbps: number | null;
  meterBurstKb: number | null;
  /**
   * port → the most (kbit/s) the slice may send into that guaranteed link port: the link's
   * capacity minus the other slices' guarantees there. With the cap, this makes the slice's meter
   * per output port (runtime/src/dataplane/port-meters.ts).
   */
  portLimitsKbps: Record<number, number>;
  classes: ClassQueue[];
  /**
   * port → the slice's guarantee queue there (plan `qos.queues` with class null): every output of
   * the slice to that port is steered into it (set_queue), unless a class queue applies.
   */
  guaranteeQueues: Record<number, number>;
  limits: { flowEntriesSwitch: number | null; flowEntriesTotal: number | null; controlRate: number | null; packetInRate: number | null };
  controllers: Array<{ host: string; port: number; url: string }>;
  /** The slice's virtual ports on this edge switch (managed core; empty when none). */
  virtualPorts: VirtualPortView[];
  /** The physical port toward a virtual port's path in use, or null when no path is up (a function: not part of the view's identity). */
  virtualActive: (vp: VirtualPortView) => number | null;
}

export interface PlanViews {
  plan: Plan;
  /** dpid → slices that see the switch. */
  bySwitch: Map<DpidHex, SliceOnSwitch[]>;
  /** dpid → every port of the network that is an end of a declared link. */
  networkLinkPorts: Map<DpidHex, Set<number>>;
  sliceNames: string[];
  /** The project's indexed flowspace classifier over the plan (packet-in lookups). */
  classifier: Classifier;
  /** The managed core's path state (one per proxy, kept across plans). */
  core: CoreState;
  /** Slice name → its id (cookie prefix) in this proxy. */
  sliceIndex: Map<string, number>;
}

/** The plan's slice views; `idOf` gives each slice a stable small id (cookie prefix); default: position by name. */
export function buildPlanViews(plan: Plan, idOf?: (slice: string) => number, core?: CoreState): PlanViews {
  if (!core) {
    core = new CoreState();
    core.setPlan(plan);
  }
  const coreState = core;
  const sliceNames = plan.slices.map((s) => s.name).sort();
  const networkLinkPorts = new Map<DpidHex, Set<number>>();
  for (const l of plan.network.links) {
    for (const end of [l.a, l.b]) {
      if (!networkLinkPorts.has(end.dpid)) networkLinkPorts.set(end.dpid, new Set());
      networkLinkPorts.get(end.dpid)!.add(end.port);
    }
  }
  const bySwitch = new Map<DpidHex, SliceOnSwitch[]>();
  const sliceIndex = new Map<string, number>();
  for (const s of plan.slices) {
    const index = idOf ? idOf(s.name) : sliceNames.indexOf(s.name);
    sliceIndex.set(s.name, index);
    for (const view of s.view) {
      const entry = sliceOnSwitch(plan, s, index, view.dpid, view.ports, view.linkPorts);
      entry.virtualPorts = virtualPortsOf(s, view);
      entry.virtualActive = (vp) => activeEdgePort(coreState, s.name, vp);
      if (!bySwitch.has(view.dpid)) bySwitch.set(view.dpid, []);
      bySwitch.get(view.dpid)!.push(entry);
    }
  }
  for (const list of bySwitch.values()) list.sort((a, b) => a.index - b.index);
  const { classifier } = Classifier.build(plan.flowspace);
  return { plan, bySwitch, networkLinkPorts, sliceNames, classifier, core: coreState, sliceIndex };
}

function sliceOnSwitch(plan: Plan, s: PlanSlice, index: number, dpid: DpidHex, ports: number[] | '*', linkPorts: number[]): SliceOnSwitch {
  const link = new Set(linkPorts);
  // Equal alternatives share one object (per view): the tenant-message checks recognise an
  // output port's flowspace holding the rule's own alternative by identity (confine.ts).
  const interned = new Map<string, FlowMatch>();
  const intern = (m: FlowMatch) => {
    const key = JSON.stringify(m, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v));
    const known = interned.get(key);
    if (known) return known;
    interned.set(key, m);
    return m;
  };
  const rules: FlowspaceRule[] = plan.flowspace
    .filter((e) => e.slice === s.name && e.dpid === dpid)
    .map((e) => ({
      id: e.id,
      rule: e.rule,
      inPort: e.inPort,
      priority: e.priority,
      alternatives: planMatchToFlowMatches(e.match).map(intern),
      read: e.permissions.includes('read'),
      write: e.permissions.includes('write'),
    }));
  const meter = plan.qos.meters.find((m) => m.dpid === dpid && m.slice === s.name) ?? null;
  return {
    slice: s.name,
    index,
    dpid,
    edgePorts: ports === '*' ? '*' : new Set(ports.filter((p) => !link.has(p))),
    linkPorts: link,
    overlay: { type: s.overlay.type, tag: s.overlay.tag },
    rules,
    meterId: meter?.meterId ?? null,
    meterRateKbps: meter?.rateKbps ?? null,
    meterBurstKb: meter?.burstKb ?? null,
    portLimitsKbps: guaranteeLimitsKbps(plan, s.name, dpid),
    classes: s.qos.classes.map((c) => ({ name: c.name, queueId: c.queueId, alternatives: planMatchToFlowMatches(c.match) })),
    guaranteeQueues: Object.fromEntries(
      plan.qos.queues.filter((q) => q.dpid === dpid && q.slice === s.name && q.class === null).map((q) => [q.port, q.queueId]),
    ),
    limits: {
      flowEntriesSwitch: s.limits.flowEntriesPerSwitch[dpid] ?? null,
      flowEntriesTotal: s.limits.flowEntries,
      controlRate: s.limits.controlRate,
      packetInRate: s.limits.packetInRate,
    },
    controllers: s.controllers.map((c) => ({ host: c.host, port: c.port, url: c.url })),
    virtualPorts: [],
    virtualActive: () => null,
  };
}

/** The slice's edge ports on a switch given the switch's actual ports ('*' resolved). */
export function edgePortsOf(v: SliceOnSwitch, switchPorts: number[], networkLinkPorts: Set<number> | undefined): number[] {
  if (v.edgePorts !== '*') return [...v.edgePorts].sort((a, b) => a - b);
  return switchPorts.filter((p) => p < OFPP13.MAX && !v.linkPorts.has(p) && !networkLinkPorts?.has(p)).sort((a, b) => a - b);
}

/** All ports the slice's controller sees on the switch (its virtual ports included). */
export function slicePortsOf(v: SliceOnSwitch, switchPorts: number[], networkLinkPorts: Set<number> | undefined): number[] {
  return [...new Set([...edgePortsOf(v, switchPorts, networkLinkPorts), ...v.linkPorts, ...v.virtualPorts.map((p) => p.number)])].sort(
    (a, b) => a - b,
  );
}
