// Meters per (slice, output port): how a slice's `cap` and the guarantees on a link port become
// OpenFlow 1.3 meters on a switch (docs/dataplane.md, "Meters"). A slice's traffic into port p is
// limited to min(cap, L − the other slices' guarantees on p's link) where L is the link's declared
// capacity; each (slice, port) with a limit has its own meter, id (slice id + 1) << 16 | port, so
// the ids of one slice never move when another slice comes or goes. A flow gets one meter
// (OpenFlow 1.3 allows one per flow): that of the tightest port it outputs to. Pure; imports
// only the plan's types.
import type { DpidHex, Plan } from '@dfvisor/grammar';

/** Highest port number with a meter slot (ports above it get no per-port meter). */
export const MAX_METERED_PORT = 0xffff;

/** The meter id of a slice's traffic into a port, or null when the port has no slot. */
export function portMeterId(sliceId: number, port: number): number | null {
  if (!Number.isInteger(port) || port < 1 || port > MAX_METERED_PORT) return null;
  if (!Number.isInteger(sliceId) || sliceId < 0 || sliceId > 0xfffd) return null;
  return (((sliceId + 1) << 16) >>> 0) + port;
}

/**
 * The limits (kbit/s) guarantees put on a slice's traffic into the guaranteed link ports of one
 * switch: at each end of a link with a declared capacity L on which any slice holds a guarantee,
 * L minus the guarantees of every other slice on that link (at least 1). Links without a
 * guarantee or without a capacity put no limit.
 */
export function guaranteeLimitsKbps(plan: Pick<Plan, 'network' | 'slices'>, slice: string, dpid: DpidHex): Record<number, number> {
  const out: Record<number, number> = {};
  for (const l of plan.network.links) {
    if (l.capacityBps === null) continue;
    const ends = [l.a, l.b].filter((e) => e.dpid === dpid);
    if (!ends.length) continue;
    let any = false;
    let others = 0;
    for (const s of plan.slices)
      for (const g of s.qos.guarantees) {
        if (g.link !== l.id) continue;
        any = true;
        if (s.name !== slice) others += g.bps;
      }
    if (!any) continue;
    const kbps = Math.max(1, Math.floor((l.capacityBps - others) / 1000));
    for (const e of ends) out[e.port] = Math.min(out[e.port] ?? Infinity, kbps);
  }
  return out;
}

/** A slice's meter rate into a port (kbit/s): the tighter of its cap and the port's guarantee limit; null: unmetered. */
export function portMeterRateKbps(capKbps: number | null, limits: Record<number, number>, port: number): number | null {
  const limit = limits[port];
  if (capKbps === null) return limit ?? null;
  return limit === undefined ? capKbps : Math.min(capKbps, limit);
}

/** A meter's burst: a tenth of its rate (100 ms at the rate), at least 1 kbit. */
export function meterBurstKb(rateKbps: number): number {
  return Math.max(1, Math.round(rateKbps / 10));
}

/**
 * The one meter for a flow that outputs to `ports`: the (slice, port) meter with the lowest rate
 * among them, or null when none of them is metered.
 */
export function tightestPortMeter(
  sliceId: number,
  ports: Iterable<number>,
  rateOf: (port: number) => number | null,
): { meterId: number; rateKbps: number } | null {
  let best: { meterId: number; rateKbps: number } | null = null;
  for (const p of ports) {
    const rate = rateOf(p);
    if (rate === null) continue;
    const id = portMeterId(sliceId, p);
    if (id === null) continue;
    if (!best || rate < best.rateKbps || (rate === best.rateKbps && id < best.meterId)) best = { meterId: id, rateKbps: rate };
  }
  return best;
}
