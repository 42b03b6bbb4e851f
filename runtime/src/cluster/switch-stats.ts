// Push-based statistics, the pure part: decoding the port and meter statistics bodies a switch
// returns, and summing a switch's flow statistics per slice by cookie. The collector in the data
// path asks the switches this node masters on an interval; the runtime node pushes the sums.
//
// Flows are attributed to slices by their cookies (the layout: runtime/src/dataplane/cookies.ts).
import { isDispatchCookie, sliceOfCookie } from '../dataplane/cookies.js';

export interface FlowCounter {
  cookie: bigint;
  packetCount: bigint;
  byteCount: bigint;
  /** Identity of the physical entry (cookie, priority, match); pairs it with its flow-removed. */
  key?: string;
}

/** One queue's counters from a switch's queue statistics. */
export interface QueueCounters {
  portNo: number;
  queueId: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
}

/** A slice's queue on one switch (from the plan's qos.queues) with its counters. */
export interface SliceQueueCounters {
  dpid: string;
  port: number;
  queueId: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
}

/** The final counters of a flow entry the switch removed (expiry, delete, eviction). */
export interface RemovedFlowCounters {
  dpid: string;
  cookie: bigint;
  key?: string;
  packetCount: bigint;
  byteCount: bigint;
  /** When this node received the flow-removed message (ms since the epoch). */
  at: number;
}

export interface PortCounters {
  portNo: number;
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxDropped: number;
  txDropped: number;
}

export interface MeterCounters {
  meterId: number;
  flowCount: number;
  packetsIn: number;
  bytesIn: number;
  /** Packets and bytes the meter's bands acted on (dropped over the cap). */
  bandPackets: number;
  bandBytes: number;
}

export interface SliceSwitchCounters {
  packets: number;
  bytes: number;
  /** Tenant flow entries of the slice on the switch (base rules not counted). */
  flows: number;
}

/**
 * Sums one switch's flow statistics per slice index. A packet crosses one rule per table; the
 * only packets that cross two are an MPLS slice's second-label packets (table 0's dispatch, then
 * a tenant rule in table 1), so the dispatch rules are left out and the sum over a slice's rules
 * is the slice's traffic on the switch.
 */
export function sumFlowsBySlice(flows: readonly FlowCounter[]): Map<number, SliceSwitchCounters> {
  const out = new Map<number, SliceSwitchCounters>();
  for (const f of flows) {
    const s = sliceOfCookie(f.cookie);
    if (!s || isDispatchCookie(f.cookie)) continue;
    let c = out.get(s.index);
    if (!c) out.set(s.index, (c = { packets: 0, bytes: 0, flows: 0 }));
    c.packets += Number(f.packetCount);
    c.bytes += Number(f.byteCount);
    if (s.tenant) c.flows++;
  }
  return out;
}

/** Who owns which queue: the plan's qos.queues as a lookup (dpid, port, queue id → slice). */
export type QueueOwners = ReadonlyMap<string, string>;

export const queueKey = (dpid: string, port: number, queueId: number): string => `${dpid}/${port}/${queueId}`;

/** Builds the queue lookup from the plan's qos.queues (the first slice named for a queue wins). */
export function queueOwners(queues: ReadonlyArray<{ dpid: string; port: number; queueId: number; slice: string }>): QueueOwners {
  const out = new Map<string, string>();
  for (const q of queues) {
    const k = queueKey(q.dpid, q.port, q.queueId);
    if (!out.has(k)) out.set(k, q.slice);
  }
  return out;
}

/** A switch's queue counters per slice; queues the plan gives to no slice are left out. */
export function attributeQueues(
  dpid: string,
  queues: readonly QueueCounters[],
  owner: (dpid: string, port: number, queueId: number) => string | undefined,
): Map<string, SliceQueueCounters[]> {
  const out = new Map<string, SliceQueueCounters[]>();
  for (const q of queues) {
    const slice = owner(dpid, q.portNo, q.queueId);
    if (!slice) continue;
    let list = out.get(slice);
    if (!list) out.set(slice, (list = []));
    list.push({ dpid, port: q.portNo, queueId: q.queueId, txPackets: q.txPackets, txBytes: q.txBytes, txErrors: q.txErrors });
  }
  for (const list of out.values()) list.sort((a, b) => a.port - b.port || a.queueId - b.queueId);
  return out;
}

/** OFPMP_PORT_STATS reply body: 112-byte entries (1.3) or 104-byte entries (1.0). Never throws. */
export function decodePortStats(body: Buffer, version: 1 | 4): PortCounters[] {
  const size = version === 4 ? 112 : 104;
  const first = 8; // port number and padding
  const out: PortCounters[] = [];
  for (let off = 0; off + size <= body.length; off += size) {
    const portNo = version === 4 ? body.readUInt32BE(off) : body.readUInt16BE(off);
    const u = (i: number) => Number(body.readBigUInt64BE(off + first + i * 8));
    out.push({ portNo, rxPackets: u(0), txPackets: u(1), rxBytes: u(2), txBytes: u(3), rxDropped: u(4), txDropped: u(5) });
  }
  return out;
}

/** OFPMP_METER reply body (1.3): 40-byte meter stats headers with 16-byte band stats. Never throws. */
export function decodeMeterStats(body: Buffer): MeterCounters[] {
  const out: MeterCounters[] = [];
  let off = 0;
  while (off + 40 <= body.length) {
    const len = body.readUInt16BE(off + 4);
    if (len < 40 || off + len > body.length) break;
    const m: MeterCounters = {
      meterId: body.readUInt32BE(off),
      flowCount: body.readUInt32BE(off + 12),
      packetsIn: Number(body.readBigUInt64BE(off + 16)),
      bytesIn: Number(body.readBigUInt64BE(off + 24)),
      bandPackets: 0,
      bandBytes: 0,
    };
    for (let b = off + 40; b + 16 <= off + len; b += 16) {
      m.bandPackets += Number(body.readBigUInt64BE(b));
      m.bandBytes += Number(body.readBigUInt64BE(b + 8));
    }
    out.push(m);
    off += len;
  }
  return out;
}
