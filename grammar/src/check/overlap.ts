// SL301/SL303: flowspace overlap between slices, exact over locations × header space.
//
// Not quadratic: rule locations are bucketed by (switch, port); rules on all ports of
// a switch join every port bucket of that switch and one switch-wide bucket. Inside a
// bucket a sweep over the most selective field's intervals only compares rules whose
// intervals on that field intersect; the full box test then decides. Each pair of
// rules is tested and reported once.
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from './diagnostic.js';
import { FIELDS } from '../headerspace/fields.js';
import { type HeaderBox, boxesOverlap, formatPacket, intersectBoxes, isWildcard, toBox, witnessInBox } from '../headerspace/space.js';
import { resolveLocations, sortedSwitches } from '../bind/locations.js';
import type { Program, RuleInfo } from '../bind/program.js';
import { lowerMatch } from '../compile/match.js';
import type { Range } from '../syntax/ast.js';

interface RuleEntry {
  rule: RuleInfo;
  index: number;
  sliceIndex: number;
  box: HeaderBox;
  write: boolean;
}

interface LocEntry {
  r: RuleEntry;
  lo: number;
  hi: number;
  /** On every port of the switch (or a wide range). */
  wide: boolean;
}

export interface Overlap {
  a: RuleInfo;
  b: RuleInfo;
  aWrites: boolean;
  bWrites: boolean;
  witness: string;
  location: string;
}

const MAX_PORT = 0xffffffff;
/** Port ranges wider than this are treated as switch-wide entries. */
const NARROW_SPAN = 64;

/** Finds overlapping rule pairs of different slices (each pair once). */
export function findOverlaps(program: Program): Overlap[] {
  const rules: RuleEntry[] = [];
  const perSwitch = new Map<string, LocEntry[]>();
  program.slices.forEach((slice, sliceIndex) => {
    for (const rule of slice.rules) {
      const box = toBox(lowerMatch(rule.decl.match).match);
      if (!box) continue; // matches nothing
      const perms = rule.decl.permissions;
      const write = perms === undefined || perms.some((p) => p.value === 'write');
      const r: RuleEntry = { rule, index: rules.length, sliceIndex, box, write };
      rules.push(r);
      for (const loc of resolveLocations(program, rule.decl.locations)) {
        let list = perSwitch.get(loc.switch.name);
        if (!list) perSwitch.set(loc.switch.name, (list = []));
        if (loc.ports === 'all') list.push({ r, lo: 0, hi: MAX_PORT, wide: true });
        else list.push({ r, lo: loc.ports.lo, hi: loc.ports.hi, wide: loc.ports.hi - loc.ports.lo >= NARROW_SPAN });
      }
    }
  });

  const tested = new Set<number>();
  const found: Overlap[] = [];
  const n = rules.length;

  const test = (x: LocEntry, y: LocEntry, where: string): void => {
    const a = x.r.index < y.r.index ? x.r : y.r;
    const b = a === x.r ? y.r : x.r;
    const key = a.index * n + b.index;
    if (tested.has(key)) return;
    if (!boxesOverlap(a.box, b.box)) return; // not cached: cheap to redo, and keeps the set small
    tested.add(key);
    const inter = intersectBoxes(a.box, b.box)!;
    found.push({ a: a.rule, b: b.rule, aWrites: a.write, bWrites: b.write, witness: formatPacket(witnessInBox(inter)), location: where });
  };

  for (const sw of sortedSwitches(program)) {
    const entries = perSwitch.get(sw.name);
    if (!entries) continue;
    const wide = entries.filter((e) => e.wide);
    const buckets = new Map<number, LocEntry[]>();
    for (const e of entries) {
      if (e.wide) continue;
      for (let p = e.lo; p <= e.hi; p++) {
        let b = buckets.get(p);
        if (!b) buckets.set(p, (b = []));
        b.push(e);
      }
    }
    const ports = [...buckets.keys()].sort((a, b) => a - b);
    for (const p of ports) {
      const bucket = buckets.get(p)!;
      const withWide = wide.filter((w) => w.lo <= p && p <= w.hi);
      sweep(bucket.concat(withWide), (x, y) => !(x.wide && y.wide), (x, y) => test(x, y, `${sw.name}:${p}`));
    }
    if (wide.length > 1) {
      sweep(wide, (x, y) => x.lo <= y.hi && y.lo <= x.hi, (x, y) => {
        const lo = Math.max(x.lo, y.lo);
        const hi = Math.min(x.hi, y.hi);
        test(x, y, lo === 0 && hi === MAX_PORT ? sw.name : `${sw.name}:${lo}`);
      });
    }
  }
  return found;
}

/** The sweep's axis: the field with the most distinct interval starts (the most selective). */
function pickAxis(items: LocEntry[]): number {
  let best = 0;
  let bestCount = -1;
  const seen = new Set<number | bigint>();
  for (let i = 0; i < FIELDS.length; i++) {
    seen.clear();
    for (const it of items) if (!isWildcard(it.r.box, i)) seen.add(it.r.box.lo[i]);
    if (seen.size > bestCount) { best = i; bestCount = seen.size; }
  }
  return best;
}

/** Calls `visit` for every pair of entries of different slices whose axis intervals intersect. */
function sweep(items: LocEntry[], allow: (x: LocEntry, y: LocEntry) => boolean, visit: (x: LocEntry, y: LocEntry) => void): void {
  if (items.length < 2) return;
  const axis = pickAxis(items);
  const sorted = items.slice().sort((x, y) => {
    const a = x.r.box.lo[axis];
    const b = y.r.box.lo[axis];
    return a < b ? -1 : a > b ? 1 : x.r.index - y.r.index;
  });
  let active: LocEntry[] = [];
  for (const x of sorted) {
    const lo = x.r.box.lo[axis];
    const next: LocEntry[] = [];
    for (const a of active) {
      if (a.r.box.hi[axis] < lo) continue;
      next.push(a);
      if (a.r.sliceIndex !== x.r.sliceIndex && allow(a, x)) visit(a, x);
    }
    next.push(x);
    active = next;
  }
}

function ruleRange(r: RuleInfo): Range {
  return r.decl.name?.range ?? r.decl.range;
}

/** Diagnostics for overlaps: one on each of the two rules, linked to the other. */
export function checkOverlaps(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const o of findOverlaps(program)) {
    const both = o.aWrites && o.bWrites;
    const code = both ? 'SL301' : 'SL303';
    const severity = both ? 'error' : 'warning';
    for (const [self, other, selfW, otherW] of [[o.a, o.b, o.aWrites, o.bWrites], [o.b, o.a, o.bWrites, o.aWrites]] as const) {
      const message = both
        ? `slices ${self.slice} and ${other.slice} both write packets like ${o.witness} at ${o.location} (rules ${self.slice}.${self.name} and ${other.slice}.${other.name})`
        : `slices ${self.slice} and ${other.slice} overlap on packets like ${o.witness} at ${o.location}; ${readOnly(self, selfW, other, otherW)} (rules ${self.slice}.${self.name} and ${other.slice}.${other.name})`;
      out.push(diagnostic(self.file, ruleRange(self), severity, code, message,
        [related(other.file, ruleRange(other), `slice ${other.slice}, rule ${other.name}`)],
        { otherSlice: other.slice, otherRule: other.name, witness: o.witness, location: o.location }));
    }
  }
  return out;
}

function readOnly(self: RuleInfo, selfW: boolean, other: RuleInfo, otherW: boolean): string {
  if (!selfW && !otherW) return 'both only read';
  return `${selfW ? other.slice : self.slice} only reads`;
}
