/**
 * The queues one switch should have, as plain data (what the queue reconciler takes), and its
 * derivation from a plan: `qos.queues` entries of the switch grouped by port, each port's capacity
 * taken from the declared link on it (else the port's declared speed, else none). The plan's
 * queue ids are kept as they are: they are the keys of the port's QoS `queues` map, so a flow's
 * `set_queue:<queueId>` steers into exactly that queue.
 */
import type { DpidHex, Plan } from '@dfvisor/grammar';

export interface QueueSpec {
  /** The plan's queue id (QoS.queues key, what `set_queue` names). 0..2^32-1. */
  queueId: number;
  slice: string;
  /** null: the slice's guarantee queue; else the traffic class's name. */
  class: string | null;
  /** Guaranteed rate (bit/s): Queue other_config:min-rate; null: none. */
  minBps: number | null;
  /** Ceiling (bit/s) before the port capacity is applied; null: the port capacity. */
  maxBps: number | null;
}

export interface PortQueues {
  /** OpenFlow port number (the Interface's ofport). */
  port: number;
  /** The port's declared capacity (bit/s): QoS other_config:max-rate; null: not set (link speed). */
  capacityBps: number | null;
  queues: QueueSpec[];
}

export interface SwitchQueues {
  dpid: DpidHex;
  /** Ports that should have queues; a port the reconciler manages but that is absent here loses them. */
  ports: PortQueues[];
}

/** The queues `plan` asks of switch `dpid` (no ports: the switch should have none of ours). */
export function switchQueuesFromPlan(plan: Pick<Plan, 'network' | 'qos'>, dpid: DpidHex): SwitchQueues {
  const byPort = new Map<number, PortQueues>();
  for (const q of plan.qos.queues) {
    if (q.dpid !== dpid) continue;
    let p = byPort.get(q.port);
    if (!p) {
      p = { port: q.port, capacityBps: portCapacity(plan, dpid, q.port), queues: [] };
      byPort.set(q.port, p);
    }
    p.queues.push({ queueId: q.queueId, slice: q.slice, class: q.class, minBps: q.minBps, maxBps: q.maxBps });
  }
  const ports = [...byPort.values()].sort((a, b) => a.port - b.port);
  for (const p of ports) p.queues.sort((a, b) => a.queueId - b.queueId);
  return { dpid, ports };
}

function portCapacity(plan: Pick<Plan, 'network'>, dpid: DpidHex, port: number): number | null {
  for (const l of plan.network.links) {
    if (l.capacityBps === null) continue;
    if ((l.a.dpid === dpid && l.a.port === port) || (l.b.dpid === dpid && l.b.port === port)) return l.capacityBps;
  }
  const sw = plan.network.switches.find((s) => s.dpid === dpid);
  return sw?.ports?.find((p) => p.number === port)?.speedBps ?? null;
}
