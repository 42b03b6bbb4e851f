// Statistics answers as a slice sees them, pure functions over plain data: a tenant's flow and
// aggregate statistics from the switch's physical flow statistics (the physical rules of each
// tenant rule summed, shown with the tenant's own cookie, match and priority), its port
// statistics (its own ports only), the description of its virtual switch, the identity of a
// physical flow entry, and the note on the plan's queues after a queue check.
import type { FlowMatch, FlowStats, PortStats } from '../messages.js';
import { OFPP13 as OFPP } from '../../openflow/constants.js';
import { cookieSlice } from '../../dataplane/cookies.js';
import { matchSubsumes } from '../match-algebra.js';
import type { SliceFlowTable, TenantRule } from '../flow-table.js';

/** What a tenant's flow/aggregate request selects. */
export interface FlowSelector {
  match: FlowMatch;
  cookie: bigint;
  cookieMask: bigint;
}

/** The identity of a physical flow entry: cookie, priority and match (field order ignored). */
export function flowKey(cookie: bigint, priority: number, match: FlowMatch): string {
  const fields = Object.keys(match)
    .sort()
    .map((k) => {
      const f = (match as Record<string, { value: unknown; mask?: unknown } | undefined>)[k];
      return `${k}=${String(f?.value)}/${f?.mask === undefined ? '' : String(f.mask)}`;
    });
  return `${cookie.toString(16)}|${priority}|${fields.join(',')}`;
}

const selected = (sel: FlowSelector, r: TenantRule): boolean =>
  matchSubsumes(sel.match, r.match) && (!sel.cookieMask || (r.tenantCookie & sel.cookieMask) === (sel.cookie & sel.cookieMask));

/**
 * A slice's flow statistics from the switch's: per tenant rule its physical rules summed.
 * `withUnseen`: rules the slice added after the snapshot are listed with zero counters.
 */
export function tenantFlowStats(
  slice: number,
  table: SliceFlowTable,
  sel: FlowSelector,
  physical: readonly FlowStats[],
  withUnseen: boolean,
): FlowStats[] {
  const byRule = new Map<bigint, FlowStats>();
  for (const f of physical) {
    if (cookieSlice(f.cookie) !== slice) continue;
    const r = table.byProxyCookie(f.cookie);
    if (!r || r.deleted || !selected(sel, r)) continue;
    const acc = byRule.get(r.cookie);
    if (acc) {
      acc.packetCount += f.packetCount;
      acc.byteCount += f.byteCount;
      continue;
    }
    byRule.set(r.cookie, {
      ...f,
      tableId: 0,
      cookie: r.tenantCookie,
      priority: r.priority,
      match: r.match,
      instructions: r.instructions,
      idleTimeout: r.idleTimeout,
      hardTimeout: r.hardTimeout,
      flags: r.flags,
    });
  }
  if (withUnseen) {
    for (const r of table.rules()) {
      if (r.deleted || byRule.has(r.cookie) || !selected(sel, r)) continue;
      byRule.set(r.cookie, {
        tableId: 0,
        durationSec: 0,
        durationNsec: 0,
        packetCount: 0n,
        byteCount: 0n,
        cookie: r.tenantCookie,
        priority: r.priority,
        match: r.match,
        instructions: r.instructions,
        idleTimeout: r.idleTimeout,
        hardTimeout: r.hardTimeout,
        flags: r.flags,
      });
    }
  }
  return [...byRule.values()];
}

export function aggregateOf(flows: readonly FlowStats[]): { packetCount: bigint; byteCount: bigint; flowCount: number } {
  return {
    packetCount: flows.reduce((a, f) => a + f.packetCount, 0n),
    byteCount: flows.reduce((a, f) => a + f.byteCount, 0n),
    flowCount: flows.length,
  };
}

/** A slice's port statistics: its own ports (`portNo` one of them, or ANY), by port number. */
export function tenantPortStats(slicePorts: ReadonlySet<number>, portNo: number, ports: readonly PortStats[]): PortStats[] {
  return ports.filter((p) => slicePorts.has(p.portNo) && (portNo === OFPP.ANY || portNo === p.portNo)).sort((x, y) => x.portNo - y.portNo);
}

/** The description a slice's controller gets for its virtual switch. */
export function sliceDesc(
  slice: string,
  dpid: string,
): { mfrDesc: string; hwDesc: string; swDesc: string; serialNum: string; dpDesc: string } {
  return {
    mfrDesc: 'DFVisor',
    hwDesc: `virtual switch of slice ${slice}`,
    swDesc: 'dfvisor 0.1',
    serialNum: dpid,
    dpDesc: `slice ${slice} on ${dpid}`,
  };
}

/** A queue the plan wants on a switch port. */
export interface PlannedQueue {
  port: number;
  queueId: number;
  slice: string;
}

/** The apply note after a queue check: all planned queues exist, or which are missing. */
export function queueCheckNote(dpid: string, wanted: readonly PlannedQueue[], seen: ReadonlySet<string>): string {
  const missing = wanted.filter((q) => !seen.has(`${q.port}/${q.queueId}`));
  if (missing.length === 0) return `all ${wanted.length} planned queues exist on ${dpid}`;
  return `${dpid}: ${missing.length} of ${wanted.length} planned queues missing (${missing
    .slice(0, 8)
    .map((q) => `port ${q.port} queue ${q.queueId} of ${q.slice}`)
    .join(', ')}${missing.length > 8 ? ', …' : ''}); create them on the switch (docs/dataplane.md)`;
}
