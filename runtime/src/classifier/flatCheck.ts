// A compiled match flattened into one array of numbers, so checking a candidate reads one
// contiguous block instead of chasing constraint objects: records of 4 numbers
// [op, slot, a, b]: EQ (v === a), PREFIX (((v ^ a) >>> b) === 0, b = 32 - bits) and
// RANGE (a <= v <= b). IPv6 prefixes become one PREFIX record per covered word.
import { wordBits } from './fields.js';
import type { CompiledMatch } from './match.js';

const EQ = 0;
const PREFIX = 1;
const RANGE = 2;
/** The record operations, for readers of copied records (packetIndex.ts). */
export const CHECK_EQ = EQ;
export const CHECK_PREFIX = PREFIX;

export function flattenMatch(m: CompiledMatch): number[] {
  const out: number[] = [];
  for (const c of m.constraints) {
    switch (c.kind) {
      case 'exact':
        out.push(EQ, c.slot, c.value, 0);
        break;
      case 'prefix32':
        out.push(PREFIX, c.slot, c.addr, 32 - c.len);
        break;
      case 'prefix128':
        for (let w = 0; w < 4; w++) {
          const bits = wordBits(c.len, w);
          if (bits > 0) out.push(PREFIX, c.slot + w, c.words[w], 32 - bits);
        }
        break;
      case 'range':
        out.push(RANGE, c.slot, c.min, c.max);
        break;
    }
  }
  return out.slice(); // exact length: arrays grown by push keep spare capacity
}

/** Does the packet's value vector pass every record? (Presence is checked by the caller.) */
export function passes(check: readonly number[], values: readonly number[]): boolean {
  for (let i = 0; i < check.length; i += 4) {
    const v = values[check[i + 1]];
    const op = check[i];
    if (op === EQ) {
      if (v !== check[i + 2]) return false;
    } else if (op === PREFIX) {
      if ((v ^ check[i + 2]) >>> check[i + 3] !== 0) return false;
    } else if (v < check[i + 2] || v > check[i + 3]) {
      return false;
    }
  }
  return true;
}

/**
 * Writes the exact values and masked prefix words of check records at their slots (what a tuple
 * hashes; other slots are left as they were, and a tuple never reads them); returns `into`.
 */
export function vectorInto(check: readonly number[], into: number[]): number[] {
  for (let r = 0; r < check.length; r += 4) if (check[r] === EQ || check[r] === PREFIX) into[check[r + 1]!] = check[r + 2]!;
  return into;
}
