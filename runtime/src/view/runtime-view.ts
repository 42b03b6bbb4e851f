// What the HTTP API reads from a running node, as plain data: the shared vocabulary of api/ and
// node/ (node/ implements it, api/ serves it), so neither imports the other's modules for types.

/** One slice's counters as a data path collects them (push aggregates, summed over nodes). */
export interface SliceCounters {
  packets: number;
  bytes: number;
  flows: number;
  packetIns: number;
  perSwitch: Array<{ dpid: string; packets: number; bytes: number; flows: number }>;
  /** The part of packets/bytes from flows the switches removed (expired or deleted). */
  removed?: { packets: number; bytes: number };
  /** The slice's queues (the plan's qos.queues) on the switches this node masters. */
  queues?: SliceQueueStats[];
  /** What the proxy held back from or refused to the slice's controllers (summed over nodes). */
  proxy?: SliceProxyCounters;
}

/** A slice's control traffic the proxy dropped or refused, since each node started. */
export interface SliceProxyCounters {
  /** Packet-ins not delivered: the controller was down or slow, or over the slice's packet_in_rate. */
  packetInsDropped: number;
  /** Tenant messages dropped over the slice's control rate limit. */
  controlRateDrops: number;
  flowModsRejected: number;
  packetOutsRejected: number;
  /** Refused messages by message type and reason (the OpenFlow error the tenant got). */
  refused: Array<{ message: string; reason: string; count: number }>;
}

/** One queue of a slice with the switch's counters for it. */
export interface SliceQueueStats {
  dpid: string;
  port: number;
  queueId: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
}

/** A slice's counters as the API serves them: the data path's, with the slice and their time. */
export type SliceStats = SliceCounters & { slice: string; updatedAt: string | null };

export interface StatusView {
  node: string;
  nodes: Array<{ id: string; api: string | null; alive: boolean }>;
  switches: Array<{ dpid: string; name: string | null; master: string | null; connected: boolean }>;
  slices: Array<{ name: string; controllers: Array<{ url: string; connected: boolean }> }>;
}

/** A switch refused because its datapath id is not declared in the deployed network. */
export interface RefusedSwitchView {
  dpid: string;
  /** The last refused connection's remote address. */
  address: string;
  count: number;
  /** ISO 8601. */
  lastSeen: string;
}

/** What the API reads from the running node. */
export interface RuntimeView {
  status(): Promise<StatusView> | StatusView;
  sliceStats(slice: string): SliceStats | undefined;
  connectedControllers(slice: string): Array<{ url: string; connected: boolean }>;
  connectedSwitches(): string[];
  /** Switches refused for an undeclared dpid (admin only: topology). Absent: none. */
  refusedSwitches?(): RefusedSwitchView[];
  /** Link discovery's sightings and port states (admin only: topology). Absent: no discovery. */
  discovery?(): DiscoveryView;
  /** The active revision's stored source blocks. Absent: not readable. */
  deployedSources?(): DeployedSourcesView | undefined;
  /** A slice's tenant rules and the switch rules they became, on the switches this node masters. */
  sliceFlows?(slice: string): SliceSwitchFlowsView[];
  /** A slice's virtual links across the managed core (path in use, state, counters). Absent: none. */
  virtualLinks?(slice: string): VirtualLinkView[];
  /** The paused slices (sorted). Absent: none. */
  pausedSlices?(): string[];
  /**
   * Pauses or resumes a slice (no new revision); a pause keeps the slice's tenant rules on its
   * switches or removes them (`rules`, default 'keep'). An error text when the store refuses.
   */
  setPaused?(slice: string, paused: boolean, by: string, rules?: 'keep' | 'remove'): Promise<string | null>;
}

/** The active revision's stored source blocks (deploy/types.ts Revision, without its plan). */
export interface DeployedSourcesView {
  revision: number;
  network: Array<{ path: string; text: string }>;
  slices: Record<string, { path: string; text: string }>;
  grants?: Array<{ path: string; text: string }>;
  /** The files the revision holds whole, verbatim (absent: a revision stored before they were kept). */
  files?: Array<{ path: string; text: string }>;
}

/** One end of a link: the switch's declared name (null: the network does not declare the dpid), its dpid, the port. */
export interface LinkEndView {
  switch: string | null;
  dpid: string;
  port: number;
}

/** A probe sent out of `from` came back in at `to` (link discovery), first and last time (ISO 8601). */
export interface LinkSightingView {
  from: { dpid: string; port: number };
  to: { dpid: string; port: number };
  since: string;
  lastSeen: string;
}

/** A switch port as the switch reports it. */
export interface PortStateView {
  number: number;
  name: string;
  /** No physical link (OFPPS_LINK_DOWN). */
  linkDown: boolean;
  /** Administratively down (OFPPC_PORT_DOWN). */
  adminDown: boolean;
}

/** What link discovery knows now: fresh sightings (all nodes), connected switches' ports, this node's probe counts. */
export interface DiscoveryView {
  enabled: boolean;
  intervalMs: number;
  /** When this node's discovery started (ISO 8601): before two intervals have passed links may read missing. */
  startedAt: string | null;
  sightings: LinkSightingView[];
  ports: Array<{ dpid: string; ports: PortStateView[] }>;
  probes: { sent: number; received: number; forged: number };
}

/** Declared vs discovered, as /v1/topology serves it (`discovery`). */
export interface TopologyCheckView {
  /** The deployed network's name (null: nothing deployed). */
  network: string | null;
  enabled: boolean;
  intervalMs: number;
  /** false until two discovery intervals have passed since the node started: missing links may still appear. */
  settled: boolean;
  /** The network's links: seen as declared, missing (no probe crossed), or miswired (an end sees another peer: `seen`). */
  links: Array<{
    id: string;
    a: LinkEndView;
    b: LinkEndView;
    state: 'seen' | 'missing' | 'miswired';
    /** seen: since when (ISO 8601). */
    since?: string;
    /** miswired: the links discovered at this link's ends instead. */
    seen?: Array<{ a: LinkEndView; b: LinkEndView; since: string }>;
  }>;
  /** Discovered links between ports no declared link names. */
  extra: Array<{ a: LinkEndView; b: LinkEndView; since: string }>;
  /** Ports of connected declared switches that are down (no link, or administratively down). */
  portsDown: Array<{ switch: string | null; dpid: string; port: number; name: string; reason: 'link-down' | 'admin-down' }>;
  /** Connected switches the network does not declare (refused connections). */
  undeclared: Array<{ dpid: string; address: string; lastSeen: string }>;
  probes: { sent: number; received: number; forged: number };
}

/** One switch's part of GET /v1/slices/{name}/flows (proxy/slice-flows.ts builds it). */
export interface SliceSwitchFlowsView {
  dpid: string;
  statsAt: string | null;
  rules: Array<{
    tenant: { cookie: string; priority: number; match: Record<string, unknown>; instructions: unknown[]; deleted: boolean };
    switch: {
      cookie: string;
      expected: number;
      rules: Array<{ priority: number; match: Record<string, unknown>; instructions: unknown[]; packets: number; bytes: number }>;
    };
  }>;
}

/** One virtual link of a slice across the managed core (GET /v1/slices/{name}/virtual-links; proxy/virtual-link-stats.ts builds it). */
export interface VirtualLinkView {
  id: string;
  a: { switch: string; port: number };
  b: { switch: string; port: number };
  tag: number;
  /** up: a path carries the link; down: no admitted path is up (the tenant's virtual ports are down). */
  state: 'up' | 'down';
  /** The path in use: its position among the admitted paths, its physical links and the core switches it crosses. */
  path: { index: number; links: string[]; switches: string[] } | null;
  /** Admitted paths (the plan's, preferred first). */
  paths: number;
  /** Times the link changed path since this node started (plan changes included). */
  pathChanges: number;
  /**
   * Frames and bytes into the core from each end, on the path in use since it was taken (the core
   * rules' statistics at the path's first switch from that end); null when this node has no
   * statistics round of that switch.
   */
  counters: {
    aToB: { packets: number; bytes: number } | null;
    bToA: { packets: number; bytes: number } | null;
    statsAt: string | null;
  };
}
