// Which switch rules each tenant rule became, for GET /v1/slices/{name}/flows: per switch this
// proxy programs, the slice's tenant rules (the tenant's cookie, priority, match, instructions) with
// the physical rules that carry their proxy cookie in the switch's last statistics round (match,
// priority, instructions, counters). Plain JSON out: bigints become decimal strings when they do
// not fit a number, Buffers hex.
import type { FlowStats } from './messages.js';
import type { SliceFlowTable } from './flow-table.js';

export interface SwitchRuleView {
  /** The switch table (0; 1 for an MPLS slice's second-label rules on link in-ports). */
  table: number;
  priority: number;
  match: Record<string, unknown>;
  instructions: unknown[];
  packets: number;
  bytes: number;
}

export interface TenantRuleView {
  /** The tenant's cookie, priority, match and instructions (hex cookies). */
  tenant: { cookie: string; priority: number; match: Record<string, unknown>; instructions: unknown[]; deleted: boolean };
  /** The proxy's cookie on the switch and the rules that carry it (from the last statistics round). */
  switch: { cookie: string; expected: number; rules: SwitchRuleView[] };
}

export interface SliceSwitchFlows {
  dpid: string;
  /** When the switch's rules were read (ISO 8601); null before the first statistics round. */
  statsAt: string | null;
  rules: TenantRuleView[];
}

/** Plain JSON for matches and instructions. */
export function plain(x: unknown): unknown {
  if (typeof x === 'bigint')
    return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString();
  if (Buffer.isBuffer(x)) return x.toString('hex');
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

const hex = (c: bigint) => `0x${c.toString(16).padStart(16, '0')}`;

export function sliceSwitchFlows(dpid: string, table: SliceFlowTable, stats: { at: number; flows: FlowStats[] } | null): SliceSwitchFlows {
  const byCookie = new Map<bigint, FlowStats[]>();
  for (const f of stats?.flows ?? []) byCookie.set(f.cookie, [...(byCookie.get(f.cookie) ?? []), f]);
  return {
    dpid,
    statsAt: stats ? new Date(stats.at).toISOString() : null,
    rules: table.rules().map((r) => ({
      tenant: {
        cookie: hex(r.tenantCookie),
        priority: r.priority,
        match: plain(r.match) as Record<string, unknown>,
        instructions: plain(r.instructions) as unknown[],
        deleted: r.deleted,
      },
      switch: {
        cookie: hex(r.cookie),
        expected: r.physical,
        rules: (byCookie.get(r.cookie) ?? []).map((f) => ({
          table: f.tableId,
          priority: f.priority,
          match: plain(f.match) as Record<string, unknown>,
          instructions: plain(f.instructions) as unknown[],
          packets: Number(f.packetCount),
          bytes: Number(f.byteCount),
        })),
      },
    })),
  };
}
