// Hover text for the managed core: a slice's virtual links with their paths (preferred first),
// and a core switch. The paths are the compiled ones (the same admission as the plan); virtual
// port numbers and tags come from the compiled plan when the caller has one, and the path each
// virtual link uses now from the connected runtime when it reports it.
import type { CorePathInfo } from '../bind/core-paths.js';
import type { SliceInfo } from '../bind/program.js';
import { admitCore, type AdmittedVirtualLink } from '../check/core-admission.js';
import { formatRate } from '../notation/rate.js';
import type { Plan } from '../plan/types.js';
import type { EditorProgram } from './editor-program.js';
import type { RuntimeTopology } from './runtime-topology.js';

/** `e1:2 → c1 (1→3) → c3 (3→1) → e2:2`: from the virtual link's `a` switch to its `b` switch. */
export function corePathText(a: string, b: string, p: CorePathInfo): string {
  return [`${a}:${p.aPort}`, ...p.hops.map((h) => `${h.switch} (${h.inPort}→${h.outPort})`), `${b}:${p.bPort}`].join(' → ');
}

/** The "Virtual links" lines of a slice's hover; empty when the network has no core. */
export function virtualLinkLines(model: EditorProgram, slice: SliceInfo, plan: Plan | undefined, runtime?: RuntimeTopology): string[] {
  if (model.program.core.size === 0) return [];
  const admitted = admitCore(model.program).bySlice.get(slice) ?? [];
  if (admitted.length === 0) return ['', 'Virtual links: none (the slice has no two edge switches joined only by the core)'];
  const planned = plan?.slices.find((s) => s.name === slice.name);
  const lines = ['', 'Virtual links (compiled paths, preferred first):'];
  for (const v of admitted) {
    const p = planned?.virtualLinks?.find((x) => x.id === v.link.id);
    const ports = p ? `, ports ${p.a.switch}:${hex(p.a.port)} and ${p.b.switch}:${hex(p.b.port)}, ${planned!.overlay.type} ${p.tag}` : '';
    const bps = v.bps > 0 ? `${formatRate(v.bps, 'spaced')} guaranteed` : 'no guarantee';
    lines.push(`- \`${v.link.id}\`: ${bps}${ports}`);
    if (v.paths.length === 0) lines.push('  - no path admits the guarantee (SL803)');
    for (const [i, path] of v.paths.entries()) {
      lines.push(`  - ${i === 0 ? 'preferred' : 'alternative'}: ${corePathText(v.link.a, v.link.b, path)}`);
    }
    const now = runtime?.virtualLinks?.find((x) => x.slice === slice.name && x.id === v.link.id);
    if (now) lines.push(`  - current (runtime): ${currentText(v, now.links)}`);
  }
  return lines;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The path the runtime uses now: one of the compiled paths by its links, else the link ids as reported. */
function currentText(v: AdmittedVirtualLink, links: string[] | null): string {
  if (links === null) return 'no path is up: the virtual port is down';
  const known = v.paths.find((p) => p.links.length === links.length && p.links.every((l, i) => l.id === links[i]));
  return known ? corePathText(v.link.a, v.link.b, known) : links.join(', ');
}

/** The line a core switch's hover adds. */
export function coreSwitchLine(model: EditorProgram, name: string): string | undefined {
  if (!model.program.core.has(name)) return undefined;
  let crossing = 0;
  for (const list of admitCore(model.program).bySlice.values())
    for (const v of list) if (v.paths[0]?.hops.some((h) => h.switch === name)) crossing++;
  return `Core switch: managed by the hypervisor, in no slice's view; ${crossing} virtual link${crossing === 1 ? '' : 's'} cross it on their preferred path.`;
}
