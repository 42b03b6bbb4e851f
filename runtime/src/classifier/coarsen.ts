// Fewer tuples per location for packet lookups: tuples that differ only in the levels at which
// their prefixes are hashed (say ipv4_src at /16, /24 and /32) are merged into one hashed at the
// shorter levels, as long as a bucket then holds few entries on average. A packet then probes
// one tuple where it probed three; the prefix bits below the level are checked on the
// candidates, as every entry's full match is. Merging is greedy, shortest levels first.
import { wordBits } from './fields.js';
import { mix, type IndexTuple } from './tupleCatalog.js';
import { vectorInto } from './flatCheck.js';

/** A merged tuple may hold at most this many entries per bucket, weighted by bucket size. */
export const MAX_AVERAGE_BUCKET = 6;

const V4 = 1;
const V6 = 2;

interface Group<G> {
  tuple: IndexTuple;
  members: G[];
}

/** A hash of the bits an entry's value vector has at the given part levels (for bucket statistics). */
function bucketKey(parts: IndexTuple['parts'], vector: readonly number[]): number {
  let h = 0x2f1b;
  for (const p of parts) {
    if (p.kind === V4) h = mix(h, p.len ? vector[p.slot]! >>> (32 - p.len) : 0);
    else if (p.kind === V6) {
      for (let w = 0; w < 4; w++) {
        const bits = wordBits(p.len, w);
        h = mix(h, bits ? vector[p.slot + w]! >>> (32 - bits) : 0);
      }
    } else h = mix(mix(h, vector[p.slot]! >>> 0), (vector[p.slot]! / 4294967296) >>> 0);
  }
  return h;
}

const scratch: number[] = [];

function averageBucket(parts: IndexTuple['parts'], groups: ReadonlyArray<ReadonlyArray<{ check: readonly number[] }>>): number {
  const sizes = new Map<number, number>();
  let total = 0;
  for (const g of groups)
    for (const { check } of g) {
      const k = bucketKey(parts, vectorInto(check, scratch));
      sizes.set(k, (sizes.get(k) ?? 0) + 1);
      total++;
    }
  let sq = 0;
  for (const s of sizes.values()) sq += s * s;
  return total === 0 ? 0 : sq / total;
}

/** The family of a tuple: everything but its prefix levels. */
function familyOf(t: IndexTuple): string {
  return `${t.required}|${t.ethType}|${t.ipProto}|${t.parts.map((p) => `${p.kind}:${p.slot}`).join(',')}`;
}

const levelSum = (t: IndexTuple): number => t.parts.reduce((a, p) => a + (p.kind === V4 || p.kind === V6 ? p.len : 0), 0);

/**
 * Merges tuples of one family while the average bucket stays at most MAX_AVERAGE_BUCKET;
 * returns the tuples and their entry groups (merged groups concatenated).
 */
export function coarsen<G extends { check: readonly number[] }>(
  tuples: readonly IndexTuple[],
  groups: ReadonlyArray<readonly G[]>,
): { tuples: IndexTuple[]; groups: G[][] } {
  const families = new Map<string, number[]>();
  tuples.forEach((t, i) => {
    const f = familyOf(t);
    const list = families.get(f);
    if (list) list.push(i);
    else families.set(f, [i]);
  });
  const out: Array<Group<G>> = [];
  for (const members of families.values()) {
    if (members.length === 1 || !tuples[members[0]!]!.parts.some((p) => p.kind === V4 || p.kind === V6)) {
      for (const i of members) out.push({ tuple: tuples[i]!, members: [...groups[i]!] });
      continue;
    }
    members.sort((a, b) => levelSum(tuples[a]!) - levelSum(tuples[b]!));
    let tuple: IndexTuple | null = null;
    let merged: Array<readonly G[]> = [];
    for (const i of members) {
      const t = tuples[i]!;
      if (tuple) {
        const base: IndexTuple = tuple;
        const parts: IndexTuple['parts'] = base.parts.map((p, k) => ({ ...p, len: Math.min(p.len, t.parts[k]!.len) }));
        if (averageBucket(parts, [...merged, groups[i]!]) <= MAX_AVERAGE_BUCKET) {
          tuple = { ...base, parts };
          merged.push(groups[i]!);
          continue;
        }
        out.push({ tuple, members: merged.flat() });
      }
      tuple = t;
      merged = [groups[i]!];
    }
    if (tuple) out.push({ tuple, members: merged.flat() });
  }
  // Two groups of one family may end at the same levels (with two prefix fields): one tuple.
  const byLevels = new Map<string, Group<G>>();
  for (const g of out) {
    const name = `${familyOf(g.tuple)}|${g.tuple.parts.map((p) => p.len).join(',')}`;
    const same = byLevels.get(name);
    if (same) same.members.push(...g.members);
    else byLevels.set(name, g);
  }
  const merged = [...byLevels.values()];
  return { tuples: merged.map((g) => g.tuple), groups: merged.map((g) => g.members) };
}
