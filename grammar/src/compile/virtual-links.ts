// The managed core in the plan (docs/plan.md): the core switches' dpids, each slice's virtual
// ports on its edge switches and its virtual links with their admitted paths. Admission and the
// candidate paths come from check/core-admission.ts and bind/core-paths.ts; numbering from lower/.
import { bySwitchDpid } from '../bind/core-paths.js';
import { findPort, type Program } from '../bind/program.js';
import type { AdmittedVirtualLink } from '../check/core-admission.js';
import { allocateVirtualPorts } from '../lower/virtual-ports.js';
import { dpidHex } from '../notation/dpid.js';
import type { DpidHex, PlanVirtualLink, PlanVirtualPort } from '../plan/types.js';
import type { PreviousIds } from './previous.js';

/** The core switches' dpids, sorted. */
export function planCore(program: Program): DpidHex[] {
  return [...program.core.keys()]
    .map((n) => program.switches.get(n)!)
    .sort(bySwitchDpid)
    .map((sw) => dpidHex(sw.dpid));
}

/** Switch → the slice's virtual ports there, sorted by number (docs/plan.md, virtual ports). */
export function numberVirtualPorts(
  program: Program,
  slice: string,
  admitted: AdmittedVirtualLink[],
  previous: PreviousIds,
): Map<string, PlanVirtualPort[]> {
  const out = new Map<string, PlanVirtualPort[]>();
  const ends = new Map<string, string[]>();
  for (const v of admitted) {
    for (const e of [v.link.a, v.link.b]) {
      let ids = ends.get(e);
      if (!ids) ends.set(e, (ids = []));
      ids.push(v.link.id);
    }
  }
  for (const [name, ids] of ends) {
    const sw = program.switches.get(name)!;
    const numbers = allocateVirtualPorts(ids, (n) => findPort(sw, n) !== undefined, previous.virtualPorts.get(`${slice} ${name}`));
    out.set(
      name,
      ids.map((link) => ({ number: numbers.get(link)!, link })).sort((a, b) => a.number - b.number),
    );
  }
  return out;
}

/** A slice's virtual links across the managed core, by id, with their admitted paths. */
export function planVirtualLinks(
  program: Program,
  slice: string,
  admitted: AdmittedVirtualLink[],
  virtualPorts: Map<string, PlanVirtualPort[]>,
  tags: Map<string, number | undefined>,
): PlanVirtualLink[] {
  const dpidOf = (name: string): DpidHex => dpidHex(program.switches.get(name)!.dpid);
  const portOf = (sw: string, id: string): number => virtualPorts.get(sw)!.find((p) => p.link === id)!.number;
  return admitted.map(({ link, bps, paths }) => ({
    id: link.id,
    a: { switch: link.a, dpid: dpidOf(link.a), port: portOf(link.a, link.id) },
    b: { switch: link.b, dpid: dpidOf(link.b), port: portOf(link.b, link.id) },
    tag: tags.get(`${slice} ${link.id}`)!,
    bps,
    paths: paths.map((p) => ({
      links: p.links.map((l) => l.id),
      aPort: p.aPort,
      bPort: p.bPort,
      hops: p.hops.map((h) => ({ dpid: dpidOf(h.switch), switch: h.switch, inPort: h.inPort, outPort: h.outPort })),
    })),
  }));
}
