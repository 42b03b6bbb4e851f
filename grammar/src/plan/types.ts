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
}

export interface PlanSlice {
  name: string;
  owner: string | null;
  controllers: PlanController[];
  overlay: { type: 'vlan' | 'mpls'; tag: number; auto: boolean };
  view: PlanSliceSwitchView[];
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
