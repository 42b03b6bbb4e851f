// The tuple shapes of every packet index in the process, each once: per tuple its presence bits,
// fixed eth_type and ip_proto and hash terms, in two typed arrays. A location's packet index then
// holds only the ids of its tuples, and every lookup reads the same few cache lines for the tuples'
// descriptions instead of a copy per location (cold on most packet-ins). Keys are seeded with the
// tuple id, so a key means the same at every location. Shapes are few (fields × prefix levels ×
// eth_type/ip_proto values) and are never dropped.
import { FIELD_ID, FIELDS, wordBits } from './fields.js';

/** A tuple as the packet index sees it (see tupleSpace.ts). */
export interface IndexTuple {
  required: number;
  ethType: number;
  ipProto: number;
  parts: ReadonlyArray<{ kind: number; slot: number; len: number }>;
}

/** Hash term operations: the low 32 bits, the high 16 bits of a MAC, the top bits of a word. */
export const LOW = 0;
export const HIGH = 1;
export const TOP = 2;
/** Part kinds, as tupleSpace.ts numbers them. */
const SCALAR = 0;
const V4 = 1;
const MAC_SLOTS = new Set([FIELDS[FIELD_ID.eth_src]!.slot, FIELDS[FIELD_ID.eth_dst]!.slot]);

/** Per tuple id: required, ethType, ipProto, first term, end of terms (offsets into `terms`). */
export const TUPLE_STRIDE = 5;

export function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x5bd1e995);
  return h ^ (h >>> 15);
}

class TupleCatalog {
  meta: Int32Array = new Int32Array(64 * TUPLE_STRIDE);
  /** Records of 3: operation, slot, shift. */
  terms: Int32Array = new Int32Array(256);
  private termsEnd = 0;
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** The id of a tuple shape (a new one the first time it is seen). */
  intern(t: IndexTuple): number {
    const name = `${t.required}|${t.ethType}|${t.ipProto}|${t.parts.map((p) => `${p.kind}:${p.slot}:${p.len}`).join(',')}`;
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    const terms: number[] = [];
    for (const p of t.parts) {
      if (p.kind === SCALAR) {
        terms.push(LOW, p.slot, 0);
        if (MAC_SLOTS.has(p.slot)) terms.push(HIGH, p.slot, 0);
      } else if (p.kind === V4) {
        terms.push(TOP, p.slot, 32 - p.len);
      } else {
        for (let w = 0; w < 4; w++) {
          const bits = wordBits(p.len, w);
          if (bits > 0) terms.push(TOP, p.slot + w, 32 - bits);
        }
      }
    }
    const id = this.ids.size;
    if ((id + 1) * TUPLE_STRIDE > this.meta.length) this.meta = grown(this.meta, (id + 1) * TUPLE_STRIDE);
    if (this.termsEnd + terms.length > this.terms.length) this.terms = grown(this.terms, this.termsEnd + terms.length);
    this.terms.set(terms, this.termsEnd);
    this.meta.set([t.required, t.ethType, t.ipProto, this.termsEnd, this.termsEnd + terms.length], id * TUPLE_STRIDE);
    this.termsEnd += terms.length;
    this.ids.set(name, id);
    return id;
  }

  /** Does tuple `id` hash nothing (one key for all its entries)? */
  hashesNothing(id: number): boolean {
    return this.meta[id * TUPLE_STRIDE + 3] === this.meta[id * TUPLE_STRIDE + 4];
  }

  /** The key of tuple `id` for a value vector holding every hashed field (30 bits, id-seeded). */
  keyOf(id: number, values: readonly number[]): number {
    const meta = this.meta;
    const terms = this.terms;
    let h = Math.imul(id + 1, 0x9e3779b1);
    for (let k = meta[id * TUPLE_STRIDE + 3]!, end = meta[id * TUPLE_STRIDE + 4]!; k < end; k += 3) {
      const v = values[terms[k + 1]!]!;
      const op = terms[k]!;
      h = mix(h, op === LOW ? v >>> 0 : op === HIGH ? (v / 4294967296) >>> 0 : v >>> terms[k + 2]!);
    }
    return h & 0x3fffffff;
  }
}

function grown(a: Int32Array, need: number): Int32Array {
  let size = a.length;
  while (size < need) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** The one catalog of the process. */
export const CATALOG = new TupleCatalog();
