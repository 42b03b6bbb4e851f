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
}
