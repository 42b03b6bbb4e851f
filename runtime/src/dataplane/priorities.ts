// The priority bands of DFVisor's flow entries on a switch (table 0): the hypervisor's base rules
// below and above the tenant band, tenant priorities moved into it. docs/dataplane.md, "Table,
// priorities and cookies". Imports nothing.

/** Priorities tenant rules are moved into (tenant priority p becomes min(16 + p, 65519)). */
export const TENANT_BAND = { min: 16, max: 65519 } as const;
/** The isolation default: drop everything no slice rule matches. */
export const BASE_DROP_PRIORITY = 0;
/** OpenFlow 1.0 tenants only: the table-miss emulation rule, just below the tenant band. */
export const MISS_EMULATION_PRIORITY = TENANT_BAND.min - 1;
/** MPLS slices: the second-label dispatch on link ports (table 0 → table 1; disjoint from tenant rules). */
export const DISPATCH_PRIORITY = 65529;
/** The managed core's forwarding by virtual link tag (core switches only): above the tenant band. */
export const CORE_PRIORITY = 65520;
/** LLDP carrying a slice's tag on its link ports, to the slice's controller. */
export const LLDP_PRIORITY = 65530;
/** The hypervisor's own LLDP probes (link discovery), to the controller: above every slice rule. */
export const PROBE_PRIORITY = 65531;

/** A tenant rule's priority on the switch. */
export function mapPriority(p: number): number {
  return Math.min(TENANT_BAND.min + p, TENANT_BAND.max);
}
