// A rule's `on …` locations resolved to switches and port intervals.
import type { AllLocations, PortRef, Range } from '../syntax/ast.js';
import type { Program, SwitchInfo } from './program.js';

export interface ResolvedLocation {
  switch: SwitchInfo;
  /** Inclusive port interval, or 'all' (bare switch, `s:*`, or `all`). */
  ports: { lo: number; hi: number } | 'all';
  range: Range;
}

/** Switches sorted by name (deterministic iteration). */
export function sortedSwitches(program: Program): SwitchInfo[] {
  return [...program.switches.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Unknown switches and malformed ports are skipped (the binder/checker report them). */
export function resolveLocations(program: Program, locations: Array<PortRef | AllLocations> | undefined): ResolvedLocation[] {
  const out: ResolvedLocation[] = [];
  for (const loc of locations ?? []) {
    if (loc.kind === 'AllLocations') {
      // `all`: every port of every switch outside the managed core (a core switch holds no slice's ports).
      for (const sw of sortedSwitches(program)) if (!program.core.has(sw.name)) out.push({ switch: sw, ports: 'all', range: loc.range });
      continue;
    }
    const sw = program.switches.get(loc.switch.name);
    if (!sw) continue;
    const p = loc.ports;
    if (p.form === 'single') {
      if (p.port.value !== undefined) out.push({ switch: sw, ports: { lo: p.port.value, hi: p.port.value }, range: loc.range });
    } else if (p.form === 'range') {
      const a = p.first.value;
      const b = p.last.value;
      if (a !== undefined && b !== undefined && a <= b) out.push({ switch: sw, ports: { lo: a, hi: b }, range: loc.range });
    } else {
      out.push({ switch: sw, ports: 'all', range: loc.range });
    }
  }
  return out;
}
