/**
 * Reading and writing OVSDB datums (RFC 7047 §5.1): a set of 0 or 2+ elements is `["set", [...]]`
 * while a one-element set may be its bare atom; maps are `["map", [[k, v], ...]]`; uuids are
 * `["uuid", "..."]`. These helpers turn them into plain arrays, Maps and strings and back.
 */
import type { Atom, Datum, OvsMap, OvsSet, Uuid } from './types.js';

function isTagged(d: unknown, tag: string): d is [string, unknown] {
  return Array.isArray(d) && d.length === 2 && d[0] === tag;
}

/** The elements of a set-typed column (a bare atom is a one-element set). */
export function setElements(d: Datum | undefined): Atom[] {
  if (d === undefined) return [];
  if (isTagged(d, 'set')) return (d as OvsSet)[1];
  return [d as Atom];
}

/** A uuid atom's string, or undefined for anything else. */
export function uuidOf(a: Atom | Datum | undefined): string | undefined {
  return isTagged(a, 'uuid') ? (a as Uuid)[1] : undefined;
}

/** The uuids of a set-of-uuid column (empty set: []). */
export function uuidSet(d: Datum | undefined): string[] {
  return setElements(d)
    .map(uuidOf)
    .filter((u): u is string => u !== undefined);
}

/** The integer of an optional-integer column (empty set: undefined). */
export function optionalInteger(d: Datum | undefined): number | undefined {
  const [v] = setElements(d);
  return typeof v === 'number' ? v : undefined;
}

/** A map column as a Map of its atoms (keys and values kept as the server sent them). */
export function mapEntries(d: Datum | undefined): Map<Atom, Atom> {
  return isTagged(d, 'map') ? new Map((d as OvsMap)[1]) : new Map();
}

/** A string→string map column as a plain record. */
export function stringMap(d: Datum | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of mapEntries(d)) if (typeof k === 'string' && typeof v === 'string') out[k] = v;
  return out;
}

export function toStringMap(r: Record<string, string>): OvsMap {
  return [
    'map',
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]] as [Atom, Atom]),
  ];
}

export function uuidAtom(u: string): Uuid {
  return ['uuid', u];
}

export function ovsSet(atoms: Atom[]): OvsSet {
  return ['set', atoms];
}

export function sameStringMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a),
    kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => b[k] === a[k]);
}
