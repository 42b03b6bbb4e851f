// Per-slice counters the proxy keeps (status(), metrics).
export interface SliceCounters {
  packetInsDelivered: number;
  packetInsDropped: number;
  flowModsAccepted: number;
  flowModsRejected: number;
  packetOuts: number;
  packetOutsRejected: number;
  controlRateDrops: number;
  errorsSent: number;
  flowEntries: number;
}

export function emptyCounters(): SliceCounters {
  return { packetInsDelivered: 0, packetInsDropped: 0, flowModsAccepted: 0, flowModsRejected: 0, packetOuts: 0, packetOutsRejected: 0, controlRateDrops: 0, errorsSent: 0, flowEntries: 0 };
}
