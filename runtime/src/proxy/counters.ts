// The counters the proxy keeps (status(), metrics): per slice, its control traffic through the
// proxy and its flow entries; per proxy, the statistics requests that reached the switches.

/** One slice's control traffic through the proxy (all switches) and its flow entries. */
export interface SliceControlCounters {
  packetInsDelivered: number;
  packetInsDropped: number;
  flowModsAccepted: number;
  flowModsRejected: number;
  packetOuts: number;
  packetOutsRejected: number;
  controlRateDrops: number;
  errorsSent: number;
  flowEntries: number;
  /** Tenant messages the proxy refused with an OpenFlow error, by "<message type>/<reason>" (e.g. "flow_mod/eperm_flow"). */
  refused: Record<string, number>;
}

export function emptyCounters(): SliceControlCounters {
  return {
    packetInsDelivered: 0,
    packetInsDropped: 0,
    flowModsAccepted: 0,
    flowModsRejected: 0,
    packetOuts: 0,
    packetOutsRejected: 0,
    controlRateDrops: 0,
    errorsSent: 0,
    flowEntries: 0,
    refused: {},
  };
}

/** Statistics messages, for the push-vs-pull comparison (counted since the proxy started). */
export interface StatsMessageCounts {
  /** Multipart/stats requests sent to switches (collection rounds and forwarded tenant polls). */
  requestsToSwitches: number;
  /** Tenant stats polls answered from the last collected snapshot (no switch round trip). */
  tenantPollsFromCache: number;
  /** Tenant stats polls sent on to the switch (no recent snapshot). */
  tenantPollsForwarded: number;
}

export function emptyStatsMessageCounts(): StatsMessageCounts {
  return { requestsToSwitches: 0, tenantPollsFromCache: 0, tenantPollsForwarded: 0 };
}
