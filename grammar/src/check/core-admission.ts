// Admission of virtual links across the managed core (docs/language.md, "Managed core"): a slice's
// guarantee on a virtual link (`guarantee RATE on e1 <-> e2`) must fit on every link of a path.
// Links start with the physical guarantees of all slices; then, in slice-name order and virtual
// link id order, each virtual link keeps the candidate paths on which its guarantee still fits
// (at most MAX_PATHS, preferred first) and reserves it on the first of them (the primary) only.
// A virtual link with a guarantee and no fitting path is SL803 (check/core.ts).
import type { LinkInfo, Program, SliceInfo } from '../bind/program.js';
import { MAX_PATHS, sliceCoreView, type CorePathInfo, type VirtualLinkInfo } from '../bind/core-paths.js';
import type { Range } from '../syntax/ast.js';
import { reservationsByLink } from './admission.js';

/** A `guarantee RATE on A <-> B` naming two switches (a virtual link, when it is one). */
export interface VirtualGuarantee {
  slice: SliceInfo;
  a: string;
  b: string;
  bps: number;
  file: string;
  range: Range;
}

/** A link of a path that has no room for a guarantee: what is left on it. */
export interface FullLink {
  link: LinkInfo;
  remainingBps: number;
}

export interface AdmittedVirtualLink {
  slice: SliceInfo;
  link: VirtualLinkInfo;
  /** The slice's guarantee on it (0: none). */
  bps: number;
  guarantees: VirtualGuarantee[];
  /** The candidate paths on which the guarantee fits, preferred first (at most MAX_PATHS). */
  paths: CorePathInfo[];
  /** When no path fits: the full links of each candidate path, and the largest guarantee some path would admit. */
  refused?: { paths: Array<{ path: CorePathInfo; full: FullLink[] }>; fitsBps: number };
}

export interface CoreAdmission {
  /** Per slice (every declaration, duplicates included), its virtual links in id order. */
  bySlice: Map<SliceInfo, AdmittedVirtualLink[]>;
  /** Link key → bit/s reserved by virtual links' primary paths. */
  virtualReservedBps: Map<string, number>;
}

/** The two-switch guarantees of a slice (valid rates only). */
export function virtualGuarantees(slice: SliceInfo): VirtualGuarantee[] {
  const out: VirtualGuarantee[] = [];
  for (const st of slice.decl.statements) {
    if (st.kind !== 'Qos') continue;
    for (const q of st.items) {
      if (q.kind !== 'Guarantee' || q.rate?.bps === undefined) continue;
      for (const l of q.links) {
        if (l.a.ports.form !== 'switch' || l.b?.ports.form !== 'switch') continue;
        out.push({ slice, a: l.a.switch.name, b: l.b.switch.name, bps: q.rate.bps, file: slice.file, range: l.range });
      }
    }
  }
  return out;
}

/** Every VLAN id a slice matches as a customer tag (`vlan_vid N`): virtual links never take them as tags. */
export function customerVlanIds(program: Program): Set<number> {
  const out = new Set<number>();
  for (const s of program.slices)
    for (const r of s.rules)
      for (const fm of r.decl.match)
        if (fm.field.name === 'vlan_vid' && fm.value?.kind === 'Number' && fm.value.value !== undefined) out.add(fm.value.value);
  return out;
}

const cache = new WeakMap<Program, CoreAdmission>();

export function admitCore(program: Program): CoreAdmission {
  const hit = cache.get(program);
  if (hit) return hit;
  const result = computeAdmission(program);
  cache.set(program, result);
  return result;
}

function computeAdmission(program: Program): CoreAdmission {
  const reserved = new Map<string, number>();
  for (const [key, list] of reservationsByLink(program))
    reserved.set(
      key,
      list.reduce((a, r) => a + r.bps, 0),
    );
  const virtualReservedBps = new Map<string, number>();
  const bySlice = new Map<SliceInfo, AdmittedVirtualLink[]>();
  const slices = [...program.slices].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const slice of slices) {
    const view = sliceCoreView(program, slice);
    if (!view) continue;
    const guarantees = virtualGuarantees(slice);
    const admitted: AdmittedVirtualLink[] = [];
    for (const vl of view.virtualLinks) {
      const mine = guarantees.filter((g) => (g.a === vl.a && g.b === vl.b) || (g.a === vl.b && g.b === vl.a));
      const bps = mine.reduce((a, g) => a + g.bps, 0);
      const room = (l: LinkInfo): number =>
        l.capacityBps === null ? Number.POSITIVE_INFINITY : l.capacityBps - (reserved.get(l.key) ?? 0);
      const fits = (p: CorePathInfo): boolean => bps === 0 || p.links.every((l) => room(l) >= bps);
      const paths = vl.paths.filter(fits).slice(0, MAX_PATHS);
      const entry: AdmittedVirtualLink = { slice, link: vl, bps, guarantees: mine, paths };
      if (paths.length > 0 && bps > 0) {
        for (const l of paths[0]!.links) {
          reserved.set(l.key, (reserved.get(l.key) ?? 0) + bps);
          virtualReservedBps.set(l.key, (virtualReservedBps.get(l.key) ?? 0) + bps);
        }
      } else if (paths.length === 0) {
        const refused = vl.paths.slice(0, MAX_PATHS).map((path) => ({
          path,
          full: path.links.filter((l) => room(l) < bps).map((link) => ({ link, remainingBps: Math.max(0, room(link)) })),
        }));
        const fitsBps = Math.max(0, ...vl.paths.map((p) => Math.min(...p.links.map(room))));
        entry.refused = { paths: refused, fitsBps };
      }
      admitted.push(entry);
    }
    bySlice.set(slice, admitted);
  }
  return { bySlice, virtualReservedBps };
}
