// What a slice sees (language page, "What a slice sees"): the switches named in its
// flowspace locations with the ports named there ('*' for all ports), plus, on each, the
// ports of every declared link between two switches of that view. Those link ports carry
// the slice's overlay tag. Shared by the overlap check and the compiler so both agree.
import { resolveLocations } from './locations.js';
import type { LinkInfo, Program, SliceInfo } from './program.js';

export interface SliceViewPorts {
  /** Switch name → the edge ports named in the flowspace, or '*' (all ports). */
  edge: Map<string, Set<number> | '*'>;
  /** Switch name → ports of declared links between two switches of the view. */
  link: Map<string, Set<number>>;
}

const linksBySwitchCache = new WeakMap<Program, Map<string, LinkInfo[]>>();

/** The declared links touching each switch (cached per program; programs are not mutated after binding). */
export function linksBySwitch(program: Program): Map<string, LinkInfo[]> {
  let index = linksBySwitchCache.get(program);
  if (index) return index;
  index = new Map();
  for (const l of program.links) {
    for (const sw of l.a.switch === l.b.switch ? [l.a.switch] : [l.a.switch, l.b.switch]) {
      let list = index.get(sw);
      if (!list) index.set(sw, (list = []));
      list.push(l);
    }
  }
  linksBySwitchCache.set(program, index);
  return index;
}

export function sliceViewPorts(program: Program, slice: SliceInfo): SliceViewPorts {
  const edge = new Map<string, Set<number> | '*'>();
  for (const r of slice.rules) {
    for (const loc of resolveLocations(program, r.decl.locations)) {
      const cur = edge.get(loc.switch.name);
      if (loc.ports === 'all' || cur === '*') {
        edge.set(loc.switch.name, '*');
        continue;
      }
      const set = cur ?? new Set<number>();
      for (let p = loc.ports.lo; p <= loc.ports.hi; p++) set.add(p);
      edge.set(loc.switch.name, set);
    }
  }
  const link = new Map<string, Set<number>>();
  const byswitch = linksBySwitch(program);
  for (const sw of edge.keys()) {
    for (const l of byswitch.get(sw) ?? []) {
      if (!edge.has(l.a.switch) || !edge.has(l.b.switch)) continue;
      for (const e of [l.a, l.b]) {
        if (e.switch !== sw) continue;
        let set = link.get(sw);
        if (!set) link.set(sw, (set = new Set()));
        set.add(e.port);
      }
    }
  }
  return { edge, link };
}
