// SL301/SL303: flowspace overlap between slices, exact over locations × header space.
//
// A location is a (switch, port) and, at a port that carries overlay tags, the tag: at a
// port of a declared link between two switches of a slice's view, that slice's traffic
// carries its overlay tag, so there two slices with different tags never overlap. At an
// edge port (and, for a slice, at any port that is not one of its link ports) the traffic
// is untagged as far as the slice is concerned: the tag is a wildcard there.
//
// Not quadratic: rule locations are bucketed by (switch, port); rules on all ports of
// a switch (or a wide range) join every port bucket of that switch and one switch-wide
// list. Inside a bucket a sweep over the most selective dimension (a header field or the
// overlay tag) only compares rules whose intervals on it intersect; the full box and tag
// test then decides. Each pair of rules is tested and reported once.
import type { Diagnostic } from '../api.js';
import { diagnostic, related } from '../diagnostics/diagnostic.js';
import { FIELDS } from '../headerspace/fields.js';
import {
  type Bound,
  type HeaderBox,
  boxesOverlap,
  formatPacket,
  intersectBoxes,
  isWildcard,
  toBox,
  witnessInBox,
} from '../headerspace/space.js';
import { resolveLocations, sortedSwitches } from '../bind/locations.js';
import type { Program, RuleInfo, SliceInfo, SwitchInfo } from '../bind/program.js';
import { switchHasPort } from '../bind/program.js';
import { sliceViewPorts } from '../bind/view.js';
import { lowerMatch } from '../lower/field-match.js';
import { explicitOverlay } from '../lower/overlay.js';
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
  /** The whole switch (bare name, `s:*` or `all`). */
  whole: boolean;
  /** The overlay tag (an id per distinct tag) the slice's traffic carries here; null: any (edge port). */
  tag: number | null;
  /** Ports of lo..hi this entry leaves out: the slice's link ports, which have tagged entries of their own. */
  except: Set<number> | undefined;
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
/** The sweep's extra dimension after the header fields: the overlay tag (wildcard = 0..TAG_ANY). */
const TAG_AXIS = FIELDS.length;
const TAG_ANY = Number.MAX_SAFE_INTEGER;

/**
 * A key per distinct overlay tag. An explicit tag is its type and number; a slice without one
 * gets a compiler-chosen tag, which never equals another slice's (see compile/overlay.ts), so its
 * key is its own.
 */
function tagKey(slice: SliceInfo, sliceIndex: number): string {
  const e = explicitOverlay(slice.decl);
  return e ? `${e.type} ${e.tag}` : `auto #${sliceIndex}`;
}

/** Finds overlapping rule pairs of different slices (each pair once). */
export function findOverlaps(program: Program): Overlap[] {
  const rules: RuleEntry[] = [];
  const perSwitch = new Map<string, LocEntry[]>();
  const tagIds = new Map<string, number>();
  program.slices.forEach((slice, sliceIndex) => {
    const key = tagKey(slice, sliceIndex);
    let tag = tagIds.get(key);
    if (tag === undefined) tagIds.set(key, (tag = tagIds.size + 1));
    let linkPorts: Map<string, Set<number>> | undefined;
    for (const rule of slice.rules) {
      const box = toBox(lowerMatch(rule.decl.match).match);
      if (!box) continue; // matches nothing
      linkPorts ??= sliceViewPorts(program, slice).link;
      const perms = rule.decl.permissions;
      const write = perms === undefined || perms.some((p) => p.value === 'write');
      const r: RuleEntry = { rule, index: rules.length, sliceIndex, box, write };
      rules.push(r);
      for (const loc of resolveLocations(program, rule.decl.locations)) {
        let list = perSwitch.get(loc.switch.name);
        if (!list) perSwitch.set(loc.switch.name, (list = []));
        const whole = loc.ports === 'all';
        const lo = whole ? 0 : (loc.ports as { lo: number }).lo;
        const hi = whole ? MAX_PORT : (loc.ports as { hi: number }).hi;
        let except: Set<number> | undefined;
        for (const p of linkPorts.get(loc.switch.name) ?? []) {
          if (p < lo || p > hi) continue;
          (except ??= new Set()).add(p);
          list.push({ r, lo: p, hi: p, wide: false, whole: false, tag, except: undefined });
        }
        list.push({ r, lo, hi, wide: whole || hi - lo >= NARROW_SPAN, whole, tag: null, except });
      }
    }
  });

  const tested = new Set<number>();
  const found: Overlap[] = [];
  const n = rules.length;

  const test = (x: LocEntry, y: LocEntry, where: string): void => {
    if (x.tag !== null && y.tag !== null && x.tag !== y.tag) return; // different overlay tags on a link port
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
        if (e.except?.has(p)) continue;
        let b = buckets.get(p);
        if (!b) buckets.set(p, (b = []));
        b.push(e);
      }
    }
    const ports = [...buckets.keys()].filter((p) => switchHasPort(sw, p)).sort((a, b) => a - b);
    for (const p of ports) {
      const bucket = buckets.get(p)!;
      const withWide = wide.filter((w) => w.lo <= p && p <= w.hi && !w.except?.has(p));
      sweep(
        bucket.concat(withWide),
        (x, y) => !(x.wide && y.wide),
        (x, y) => test(x, y, `${sw.name}:${p}`),
      );
    }
    if (wide.length > 1) {
      sweep(
        wide,
        (x, y) => wideMeet(sw, x, y) !== undefined,
        (x, y) => test(x, y, wideMeet(sw, x, y)!),
      );
    }
  }
  return found;
}

/** Where two switch-wide entries meet: the switch, or its first port both cover; undefined when none. */
function wideMeet(sw: SwitchInfo, x: LocEntry, y: LocEntry): string | undefined {
  const lo = Math.max(x.lo, y.lo, 1);
  const hi = Math.min(x.hi, y.hi);
  const ranges: Array<[number, number]> = sw.ports ? sw.ports.map((p) => [p.first, p.last]) : [[1, MAX_PORT]];
  let first: number | undefined;
  for (const [a, b] of ranges) {
    let p = Math.max(a, lo);
    const end = Math.min(b, hi);
    while (p <= end && (x.except?.has(p) || y.except?.has(p))) p++;
    if (p <= end && (first === undefined || p < first)) first = p;
  }
  if (first === undefined) return undefined;
  return x.whole && y.whole && !x.except && !y.except ? sw.name : `${sw.name}:${first}`;
}

function axisLo(e: LocEntry, axis: number): Bound {
  return axis === TAG_AXIS ? (e.tag ?? 0) : e.r.box.lo[axis];
}

function axisHi(e: LocEntry, axis: number): Bound {
  return axis === TAG_AXIS ? (e.tag ?? TAG_ANY) : e.r.box.hi[axis];
}

/** The sweep's axis: the dimension with the most distinct interval starts (the most selective). */
function pickAxis(items: LocEntry[]): number {
  let best = 0;
  let bestCount = -1;
  const seen = new Set<Bound>();
  for (let i = 0; i < FIELDS.length; i++) {
    seen.clear();
    for (const it of items) if (!isWildcard(it.r.box, i)) seen.add(it.r.box.lo[i]);
    if (seen.size > bestCount) {
      best = i;
      bestCount = seen.size;
    }
  }
  seen.clear();
  for (const it of items) if (it.tag !== null) seen.add(it.tag);
  return seen.size > bestCount ? TAG_AXIS : best;
}

/** Calls `visit` for every pair of entries of different slices whose axis intervals intersect. */
function sweep(items: LocEntry[], allow: (x: LocEntry, y: LocEntry) => boolean, visit: (x: LocEntry, y: LocEntry) => void): void {
  if (items.length < 2) return;
  const axis = pickAxis(items);
  const sorted = items.slice().sort((x, y) => {
    const a = axisLo(x, axis);
    const b = axisLo(y, axis);
    return a < b ? -1 : a > b ? 1 : x.r.index - y.r.index;
  });
  let active: LocEntry[] = [];
  for (const x of sorted) {
    const lo = axisLo(x, axis);
    const next: LocEntry[] = [];
    for (const a of active) {
      if (axisHi(a, axis) < lo) continue;
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
    for (const [self, other, selfW, otherW] of [
      [o.a, o.b, o.aWrites, o.bWrites],
      [o.b, o.a, o.bWrites, o.aWrites],
    ] as const) {
      const message = both
        ? `slices ${self.slice} and ${other.slice} both write packets like ${o.witness} at ${o.location} (rules ${self.slice}.${self.name} and ${other.slice}.${other.name})`
        : `slices ${self.slice} and ${other.slice} overlap on packets like ${o.witness} at ${o.location}; ${readOnly(self, selfW, other, otherW)} (rules ${self.slice}.${self.name} and ${other.slice}.${other.name})`;
      out.push(
        diagnostic(
          self.file,
          ruleRange(self),
          severity,
          code,
          message,
          [related(other.file, ruleRange(other), `slice ${other.slice}, rule ${other.name}`)],
          { otherSlice: other.slice, otherRule: other.name, witness: o.witness, location: o.location },
        ),
      );
    }
  }
  return out;
}

function readOnly(self: RuleInfo, selfW: boolean, other: RuleInfo, otherW: boolean): string {
  if (!selfW && !otherW) return 'both only read';
  return `${selfW ? other.slice : self.slice} only reads`;
}
