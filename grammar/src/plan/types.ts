// The compiled plan: what the runtime deploys. Plain JSON data; the JSON Schema
// is grammar/plan.schema.json and docs/plan.md explains every field.
// Deterministic: the same workspace compiles to the same bytes.

import type { Permission } from '../syntax/ast.js';

export interface Plan {
  format: 'dfvisor-plan';
  version: 1;
  network: PlanNetwork;
  slices: PlanSlice[];
  /** FlowVisor-style flowspace: one entry per (rule, switch, in-port), sorted by dpid, priority desc, id. */
  flowspace: FlowspaceEntry[];
  qos: PlanQos;
}

/** A datapath id as 16 lower-case hex digits, e.g. "0000000000000001". */
export type DpidHex = string;

export interface PlanNetwork {
  name: string;
  switches: PlanSwitch[];
  links: PlanLink[];
  /**
   * Switches the hypervisor manages as the core (the network's `core` declaration), by dpid, sorted.
   * Absent when the network declares no core. Core switches are in no slice's view: slices cross them
   * over virtual links (PlanSlice.virtualLinks) whose forwarding the hypervisor installs.
   */
  core?: DpidHex[];
}

export interface PlanSwitch {
  name: string;
  dpid: DpidHex;
  /** null: the switch declares no ports and accepts any port number. */
  ports: PlanPort[] | null;
  /** The switch's ovsdb-server (`unix:PATH` or `tcp:HOST:PORT`), when the network declares it. */
  ovsdb?: string;
}

export interface PlanPort {
  number: number;
  name?: string;
  speedBps?: number;
}

export interface PlanLinkEnd {
  switch: string;
  dpid: DpidHex;
  port: number;
}

export interface PlanLink {
  /** "s1:3<->s2:3" as declared. */
  id: string;
  a: PlanLinkEnd;
  b: PlanLinkEnd;
  /** bit/s; null when unbounded. */
  capacityBps: number | null;
}

export interface PlanController {
  url: string;
  host: string;
  port: number;
}

export interface PlanSliceSwitchView {
  dpid: DpidHex;
  switch: string;
  /** Edge ports the slice names; '*' for every port of the switch. */
  ports: number[] | '*';
  /** Ports of declared links between two switches of the view (carry the overlay tag). */
  linkPorts: number[];
  /** The slice's virtual ports on this edge switch, one per virtual link end, sorted by number. Absent when none. */
  virtualPorts?: PlanVirtualPort[];
}

/** A port the slice's controller sees on an edge switch that stands for a virtual link across the core. */
export interface PlanVirtualPort {
  /** The port number the tenant sees (from VIRTUAL_PORT_BASE up; never a physical port of the switch). */
  number: number;
  /** The virtual link's id (PlanVirtualLink.id). */
  link: string;
}

/** First virtual port number: below OpenFlow 1.0's reserved range (0xff00), above any port a switch declares here. */
export const VIRTUAL_PORT_BASE = 0xfe00;

/**
 * A virtual link of a slice between two of its edge switches, backed by a physical path through the
 * managed core that the compiler chose and admitted.
 */
export interface PlanVirtualLink {
  /** "s1<->s3": the two edge switches' names, `a` the lower dpid. */
  id: string;
  /** Each end: the edge switch and the virtual port number the tenant sees there. */
  a: PlanLinkEnd;
  b: PlanLinkEnd;
  /** The overlay tag (of the slice's overlay type) this virtual link's frames carry in the core. */
  tag: number;
  /** bit/s reserved for the slice on every link of the path in use (0 when the slice has no guarantee there). */
  bps: number;
  /** Admissible paths, preferred first (fewest links, then lowest link ids). The runtime uses the first whose links are all up. */
  paths: PlanCorePath[];
}

/** One physical path between a virtual link's ends, through core switches only. */
export interface PlanCorePath {
  /** Physical link ids (PlanLink.id) along the path, from a to b. */
  links: string[];
  /** The physical port on a's switch toward the path, and on b's. */
  aPort: number;
  bPort: number;
  /** One entry per core switch crossed, from a to b: frames from a enter at inPort and leave at outPort (b→a swaps them). */
  hops: Array<{ dpid: DpidHex; switch: string; inPort: number; outPort: number }>;
}

export interface PlanSlice {
  name: string;
  owner: string | null;
  controllers: PlanController[];
  overlay: { type: 'vlan' | 'mpls'; tag: number; auto: boolean };
  view: PlanSliceSwitchView[];
  /** Virtual links across the managed core, sorted by id. Absent when the network declares no core. */
  virtualLinks?: PlanVirtualLink[];
  qos: {
    capBps: number | null;
    guarantees: Array<{ link: string; bps: number }>;
    classes: Array<{
      name: string;
      match: Match;
      minBps: number | null;
      maxBps: number | null;
      priority: number | null;
      /** Queue id used for this class on every port of the slice's view. */
      queueId: number;
    }>;
  };
  limits: {
    flowEntries: number | null;
    /** dpid → limit */
    flowEntriesPerSwitch: Record<DpidHex, number>;
    controlRate: number | null;
    packetInRate: number | null;
  };
}

/** A port range in a match: a single port or an inclusive range. */
export type PortMatch = number | { min: number; max: number };

/** An OXM-style match; an absent field is a wildcard. Implied prerequisites are filled in. */
export interface Match {
  eth_src?: string;
  eth_dst?: string;
  eth_type?: number;
  vlan_vid?: number;
  vlan_pcp?: number;
  ip_proto?: number;
  ip_dscp?: number;
  /** "10.1.0.0/16" (always with a prefix length). */
  ipv4_src?: string;
  ipv4_dst?: string;
  /** "2001:db8::/32" (canonical, always with a prefix length). */
  ipv6_src?: string;
  ipv6_dst?: string;
  tcp_src?: PortMatch;
  tcp_dst?: PortMatch;
  udp_src?: PortMatch;
  udp_dst?: PortMatch;
}

export interface FlowspaceEntry {
  /** Stable within a plan: 1, 2, 3… in the sorted order. */
  id: number;
  slice: string;
  rule: string;
  dpid: DpidHex;
  /** null: any port of the switch. */
  inPort: number | null;
  priority: number;
  match: Match;
  permissions: Permission[];
}

export interface PlanQos {
  /** One meter per (switch, slice with a cap), enforcing the cap. */
  meters: Array<{ dpid: DpidHex; meterId: number; slice: string; rateKbps: number; burstKb: number }>;
  /** Queues: guarantees on link ports (min = guarantee) and class queues (min/max of the class). */
  queues: Array<{
    dpid: DpidHex;
    port: number;
    queueId: number;
    slice: string;
    class: string | null;
    minBps: number | null;
    maxBps: number | null;
  }>;
  /** Admission per link: reserved = sum of guarantees. */
  links: Array<{ id: string; capacityBps: number | null; reservedBps: number; remainingBps: number | null }>;
}
