// Overlay tag allocation.
// Policy: explicit tags are kept. Slices with `overlay auto` or no overlay line get,
// in slice-name order, the lowest VLAN id in 2..4094 that no other slice holds
// (VLAN 1 is left to the switches' default VLAN); when no VLAN id is free, the lowest
// free MPLS label from 16 up. Deterministic: depends only on the set of slices.
// With the tags of a previous plan, a slice that had a tag in those pools keeps it while
// no explicit tag and no earlier (by name) slice keeping its own holds it; the others are
// then allocated as above around the kept ones. So adding or removing a slice never
// renumbers another slice's tag.
import type { SliceDecl } from '../syntax/ast.js';

export type OverlayType = 'vlan' | 'mpls';

export interface OverlayAssignment {
  type: OverlayType;
  tag: number;
  auto: boolean;
}

export const VLAN_POOL = { first: 2, last: 4094 } as const;
export const MPLS_POOL = { first: 16, last: 1048575 } as const;

/** The explicit overlay of a slice (first `overlay` line), if it names a valid tag. */
export function explicitOverlay(decl: SliceDecl): { type: OverlayType; tag: number } | undefined {
  for (const st of decl.statements) {
    if (st.kind !== 'Overlay') continue;
    if ((st.mode === 'vlan' || st.mode === 'mpls') && st.tag?.value !== undefined) return { type: st.mode, tag: st.tag.value };
    return undefined;
  }
  return undefined;
}

function lowestFree(used: Set<number>, first: number, last: number): number | undefined {
  for (let t = first; t <= last; t++) if (!used.has(t)) return t;
  return undefined;
}

function inPool(type: OverlayType, tag: number): boolean {
  const pool = type === 'vlan' ? VLAN_POOL : MPLS_POOL;
  return Number.isInteger(tag) && tag >= pool.first && tag <= pool.last;
}

/**
 * Assigns a tag to every slice (by name). `previous`: slice name → the tag it had in the
 * previous plan (auto or explicit); kept for auto slices when it is in the pools and free.
 * `reserved`: tags a slice that gets a fresh tag does not take (the tags of virtual links that
 * keep theirs from the previous plan), so that a new slice does not re-tag a virtual link.
 */
export function allocateOverlays(
  slices: Array<{ name: string; decl: SliceDecl }>,
  previous?: ReadonlyMap<string, { type: OverlayType; tag: number }>,
  reserved?: Iterable<{ type: OverlayType; tag: number }>,
): Map<string, OverlayAssignment> {
  const out = new Map<string, OverlayAssignment>();
  const used: Record<OverlayType, Set<number>> = { vlan: new Set(), mpls: new Set() };
  const auto: string[] = [];
  for (const s of slices) {
    const e = explicitOverlay(s.decl);
    if (e) {
      out.set(s.name, { ...e, auto: false });
      used[e.type].add(e.tag);
    } else {
      auto.push(s.name);
    }
  }
  auto.sort();
  const fresh: string[] = [];
  for (const name of auto) {
    const p = previous?.get(name);
    if (p && (p.type === 'vlan' || p.type === 'mpls') && inPool(p.type, p.tag) && !used[p.type].has(p.tag) && !out.has(name)) {
      used[p.type].add(p.tag);
      out.set(name, { type: p.type, tag: p.tag, auto: true });
    } else {
      fresh.push(name);
    }
  }
  for (const r of reserved ?? []) used[r.type].add(r.tag);
  let vlanFrom: number = VLAN_POOL.first;
  let mplsFrom: number = MPLS_POOL.first;
  for (const name of fresh) {
    let t = vlanFrom <= VLAN_POOL.last ? lowestFree(used.vlan, vlanFrom, VLAN_POOL.last) : undefined;
    if (t !== undefined) {
      used.vlan.add(t);
      vlanFrom = t + 1;
      out.set(name, { type: 'vlan', tag: t, auto: true });
      continue;
    }
    vlanFrom = VLAN_POOL.last + 1;
    t = lowestFree(used.mpls, mplsFrom, MPLS_POOL.last) ?? MPLS_POOL.last;
    used.mpls.add(t);
    mplsFrom = t + 1;
    out.set(name, { type: 'mpls', tag: t, auto: true });
  }
  return out;
}

/** The lowest tag of a type held by no slice in an allocation. */
export function freeTag(alloc: Map<string, OverlayAssignment>, type: OverlayType): number | undefined {
  const used = new Set<number>();
  for (const a of alloc.values()) if (a.type === type) used.add(a.tag);
  const pool = type === 'vlan' ? VLAN_POOL : MPLS_POOL;
  return lowestFree(used, pool.first, pool.last);
}

/** A virtual link asking for an overlay tag of its slice's type (key: `slice id`, see docs/plan.md). */
export interface VirtualTagRequest {
  key: string;
  type: OverlayType;
}

/**
 * Tags for virtual links across the managed core, after the slices' own: each takes a tag of its
 * slice's overlay type that no slice and no other virtual link holds. In request order, a virtual
 * link first keeps its `previous` tag when it is in the pool, of its type and still free; the rest
 * then take the lowest free tags in order. Undefined for one when its pool is exhausted.
 * `customerVlans`: VLAN ids that slices match as customer tags (`vlan_vid`): never given to a virtual
 * link, so that a customer-tagged frame crossing the core is never taken for a virtual link's.
 */
export function allocateVirtualLinkTags(
  requests: VirtualTagRequest[],
  slices: Map<string, OverlayAssignment>,
  previous?: ReadonlyMap<string, { type: OverlayType; tag: number }>,
  customerVlans: Iterable<number> = [],
): Map<string, number | undefined> {
  const used: Record<OverlayType, Set<number>> = { vlan: new Set(customerVlans), mpls: new Set() };
  for (const a of slices.values()) used[a.type].add(a.tag);
  const out = new Map<string, number | undefined>();
  for (const r of requests) {
    const p = previous?.get(r.key);
    if (p && p.type === r.type && inPool(r.type, p.tag) && !used[r.type].has(p.tag) && !out.has(r.key)) {
      used[r.type].add(p.tag);
      out.set(r.key, p.tag);
    }
  }
  const from: Record<OverlayType, number> = { vlan: VLAN_POOL.first, mpls: MPLS_POOL.first };
  for (const r of requests) {
    if (out.has(r.key)) continue;
    const pool = r.type === 'vlan' ? VLAN_POOL : MPLS_POOL;
    const t = lowestFree(used[r.type], from[r.type], pool.last);
    out.set(r.key, t);
    if (t === undefined) continue;
    used[r.type].add(t);
    from[r.type] = t + 1;
  }
  return out;
}
