// Box difference and union cover: what part of a header space lies outside a union of boxes.
// Exact (interval arithmetic per field); the pieces of `a − b` are disjoint boxes, at most two
// per field. Used by the grant check: a rule fits a grant when nothing of it is outside.
import { type Bound, type HeaderBox, boxesOverlap } from './space.js';

function minus1(v: Bound): Bound {
  return typeof v === 'bigint' ? v - 1n : v - 1;
}

function plus1(v: Bound): Bound {
  return typeof v === 'bigint' ? v + 1n : v + 1;
}

/** The packets of `a` not in `b`, as disjoint boxes (empty: `b` covers `a`). */
export function subtractBox(a: HeaderBox, b: HeaderBox): HeaderBox[] {
  if (!boxesOverlap(a, b)) return [a];
  const out: HeaderBox[] = [];
  const cur: HeaderBox = { lo: a.lo.slice(), hi: a.hi.slice() };
  for (let i = 0; i < a.lo.length; i++) {
    if (cur.lo[i] < b.lo[i]) {
      const piece = { lo: cur.lo.slice(), hi: cur.hi.slice() };
      piece.hi[i] = minus1(b.lo[i]);
      out.push(piece);
      cur.lo[i] = b.lo[i];
    }
    if (cur.hi[i] > b.hi[i]) {
      const piece = { lo: cur.lo.slice(), hi: cur.hi.slice() };
      piece.lo[i] = plus1(b.hi[i]);
      out.push(piece);
      cur.hi[i] = b.hi[i];
    }
  }
  return out;
}

/**
 * A box of the packets of `a` outside every box of `union`, or undefined when the union covers
 * `a`. Exact; the work grows with the number of pieces, which stays small for the few `match`
 * lines of a grant (a box covered by one of them costs one comparison per field).
 */
export function uncoveredPart(a: HeaderBox, union: readonly HeaderBox[]): HeaderBox | undefined {
  let pieces: HeaderBox[] = [a];
  for (const b of union) {
    const next: HeaderBox[] = [];
    for (const p of pieces) for (const q of subtractBox(p, b)) next.push(q);
    pieces = next;
    if (pieces.length === 0) return undefined;
  }
  return pieces[0];
}
