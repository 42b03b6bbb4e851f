// The managed core's topology for one slice (docs/language.md, "Managed core"): its edge switches
// (the switches of its view outside the core), the virtual links between every two of them that
// no declared link joins but a path through core switches only does, each with its candidate
// paths (fewest links first, then lowest link ids), and which edge switches are connected at all.
// Shared by the core check and the compiler so both agree; admission is check/core-admission.ts.
import type { LinkInfo, Program, SliceInfo, SwitchInfo } from './program.js';
import { linksBySwitch, sliceViewPorts } from './view.js';

/** One core switch a path crosses: frames from the virtual link's `a` end enter at inPort, leave at outPort. */
export interface CoreHopInfo {
  switch: string;
  inPort: number;
  outPort: number;
}

/** A physical path from a virtual link's `a` switch to its `b` switch through core switches only. */
export interface CorePathInfo {
  links: LinkInfo[];
  /** a's port toward the path, b's port toward the path. */
  aPort: number;
  bPort: number;
  hops: CoreHopInfo[];
}

export interface VirtualLinkInfo {
  /** "e1<->e2": `a` is the switch with the lower dpid. */
  id: string;
  a: string;
  b: string;
  /** Candidate paths, preferred first (at most CANDIDATE_LIMIT; admission keeps those that fit). */
  paths: CorePathInfo[];
}

export interface SliceCoreView {
  /** The slice's switches outside the core, by dpid. */
  edges: string[];
  /** Sorted by id. */
  virtualLinks: VirtualLinkInfo[];
  /** The edge switches grouped by what joins them (declared links and virtual links); one group: connected. */
  groups: string[][];
}

/** Candidate paths kept per virtual link (admission picks the fitting ones among them, up to MAX_PATHS). */
export const CANDIDATE_LIMIT = 16;
/** Paths listed per virtual link in the plan: the preferred one and its alternatives. */
export const MAX_PATHS = 4;
/** Search steps per virtual link: a very meshed core is searched this far (deterministically), not exhaustively. */
const STEP_BUDGET = 20_000;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders switches by dpid (then name): `a` of a virtual link is the lower. */
export function bySwitchDpid(a: SwitchInfo, b: SwitchInfo): number {
  const x = a.dpid ?? -1n;
  const y = b.dpid ?? -1n;
  return x < y ? -1 : x > y ? 1 : cmp(a.name, b.name);
}

/** The end of a link at a switch (the first end for a link from a switch to itself). */
function endAt(l: LinkInfo, sw: string): { port: number; other: string; otherPort: number } {
  return l.a.switch === sw
    ? { port: l.a.port, other: l.b.switch, otherPort: l.b.port }
    : { port: l.b.port, other: l.a.switch, otherPort: l.a.port };
}

function pathOf(a: string, links: LinkInfo[]): CorePathInfo {
  const hops: CoreHopInfo[] = [];
  let at = a;
  let aPort = 0;
  let inPort = 0;
  for (let i = 0; i < links.length; i++) {
    const e = endAt(links[i]!, at);
    if (i === 0) aPort = e.port;
    else hops.push({ switch: at, inPort, outPort: e.port });
    at = e.other;
    inPort = e.otherPort;
  }
  return { links, aPort, bPort: inPort, hops };
}

function compareLinkLists(x: LinkInfo[], y: LinkInfo[]): number {
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) {
    const c = cmp(x[i]!.id, y[i]!.id);
    if (c !== 0) return c;
  }
  return 0;
}

const pathCache = new WeakMap<Program, Map<string, CorePathInfo[]>>();

/** Paths from a to b whose inner switches are all core switches (at least one), fewest links first, then lowest link ids. */
export function corePaths(program: Program, a: string, b: string): CorePathInfo[] {
  let cache = pathCache.get(program);
  if (!cache) pathCache.set(program, (cache = new Map()));
  const key = `${a} ${b}`;
  let paths = cache.get(key);
  if (!paths) cache.set(key, (paths = searchCorePaths(program, a, b)));
  return paths;
}

function searchCorePaths(program: Program, a: string, b: string): CorePathInfo[] {
  const bySwitch = linksBySwitch(program);
  const core = program.core;
  const found: LinkInfo[][] = [];
  let steps = 0;
  // Iterative deepening on the number of links, so that the order is by length and the bound cuts longest paths.
  for (let length = 2; length <= core.size + 1 && found.length < CANDIDATE_LIMIT && steps < STEP_BUDGET; length++) {
    const level: LinkInfo[][] = [];
    const visited = new Set<string>([a]);
    const stack: LinkInfo[] = [];
    const walk = (at: string): void => {
      for (const l of bySwitch.get(at) ?? []) {
        if (++steps > STEP_BUDGET) return;
        if (l.a.switch === l.b.switch) continue;
        const next = endAt(l, at).other;
        const last = stack.length + 1 === length;
        if (last ? next !== b : !core.has(next) || visited.has(next)) continue;
        stack.push(l);
        if (last) level.push([...stack]);
        else {
          visited.add(next);
          walk(next);
          visited.delete(next);
        }
        stack.pop();
      }
    };
    walk(a);
    level.sort(compareLinkLists);
    found.push(...level);
  }
  return found.slice(0, CANDIDATE_LIMIT).map((links) => pathOf(a, links));
}

const coreViewCache = new WeakMap<Program, Map<SliceInfo, SliceCoreView | undefined>>();

/** The slice's edge switches and virtual links; undefined when the network declares no core. */
export function sliceCoreView(program: Program, slice: SliceInfo): SliceCoreView | undefined {
  if (program.core.size === 0) return undefined;
  let perSlice = coreViewCache.get(program);
  if (!perSlice) coreViewCache.set(program, (perSlice = new Map()));
  if (perSlice.has(slice)) return perSlice.get(slice);
  const view = computeCoreView(program, slice);
  perSlice.set(slice, view);
  return view;
}

function computeCoreView(program: Program, slice: SliceInfo): SliceCoreView {
  const { edge } = sliceViewPorts(program, slice);
  const switches = [...edge.keys()]
    .filter((n) => !program.core.has(n))
    .map((n) => program.switches.get(n)!)
    .sort(bySwitchDpid);
  const edges = switches.map((s) => s.name);
  const bySwitch = linksBySwitch(program);
  const parent = new Map(edges.map((e) => [e, e]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const join = (x: string, y: string): void => {
    const rx = find(x);
    const ry = find(y);
    if (rx !== ry) parent.set(ry, rx);
  };
  const virtualLinks: VirtualLinkInfo[] = [];
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) {
      const a = edges[i]!;
      const b = edges[j]!;
      const direct = (bySwitch.get(a) ?? []).some((l) => endAt(l, a).other === b);
      if (direct) {
        join(a, b);
        continue;
      }
      const paths = corePaths(program, a, b);
      if (paths.length === 0) continue;
      join(a, b);
      virtualLinks.push({ id: `${a}<->${b}`, a, b, paths });
    }
  }
  virtualLinks.sort((x, y) => cmp(x.id, y.id));
  const groups = new Map<string, string[]>();
  for (const e of edges) {
    const r = find(e);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(e);
  }
  return { edges, virtualLinks, groups: [...groups.values()] };
}

/** The virtual link of a view joining two switches (either order), if any. */
export function virtualLinkBetween(view: SliceCoreView, x: string, y: string): VirtualLinkInfo | undefined {
  return view.virtualLinks.find((v) => (v.a === x && v.b === y) || (v.a === y && v.b === x));
}
