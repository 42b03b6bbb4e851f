// A plan Match compiled to numeric constraints on a packet's value vector, the packet-side
// test, and rendering constraints back to a plan Match.
import type { Match, PortMatch } from '@dfvisor/grammar';
import type { ClassifierError } from './errors.js';
import {
  FIELDS,
  formatIpv4,
  formatIpv6,
  formatMac,
  parseIpv4Prefix,
  parseIpv6Prefix,
  parseMac,
  wordBits,
  type Words128,
} from './fields.js';

export type Constraint =
  | { kind: 'exact'; field: number; slot: number; value: number }
  | { kind: 'prefix32'; field: number; slot: number; len: number; addr: number }
  | { kind: 'prefix128'; field: number; slot: number; len: number; words: Words128 }
  | { kind: 'range'; field: number; slot: number; min: number; max: number };

export interface CompiledMatch {
  /** One constraint per constrained field, in field order. /0 prefixes and full port ranges are wildcards and left out. */
  constraints: Constraint[];
  /** Presence bits (1 << field id) of the fields a packet must carry to match. */
  required: number;
}

/** Compiles a plan Match; a malformed field yields an error value. */
export function compileMatch(match: Match): CompiledMatch | ClassifierError {
  const constraints: Constraint[] = [];
  let required = 0;
  for (let field = 0; field < FIELDS.length; field++) {
    const info = FIELDS[field];
    const raw = (match as Record<string, unknown>)[info.key];
    if (raw === undefined) continue;
    const bad = (why: string): ClassifierError => ({
      code: 'CLS_BAD_FIELD',
      field: info.key,
      message: `${info.key}: ${why} (${JSON.stringify(raw)})`,
    });
    let c: Constraint | undefined;
    switch (info.kind) {
      case 'exact': {
        let v: number | undefined;
        const mac = info.key === 'eth_src' || info.key === 'eth_dst';
        if (mac) v = typeof raw === 'string' ? parseMac(raw) : undefined;
        else v = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= info.max ? raw : undefined;
        if (v === undefined) return bad(mac ? 'not a MAC address' : `not an integer in 0..${info.max}`);
        c = { kind: 'exact', field, slot: info.slot, value: v };
        break;
      }
      case 'prefix32': {
        const p = typeof raw === 'string' ? parseIpv4Prefix(raw) : undefined;
        if (!p) return bad('not an IPv4 prefix');
        if (p.len > 0) c = { kind: 'prefix32', field, slot: info.slot, len: p.len, addr: p.addr };
        break;
      }
      case 'prefix128': {
        const p = typeof raw === 'string' ? parseIpv6Prefix(raw) : undefined;
        if (!p) return bad('not an IPv6 prefix');
        if (p.len > 0) c = { kind: 'prefix128', field, slot: info.slot, len: p.len, words: p.addr };
        break;
      }
      case 'port': {
        const r = portRange(raw as PortMatch);
        if (!r) return bad('not a port (0..65535) or a range min..max');
        // The full range 0..65535 is a wildcard, like a /0 prefix (as in the grammar's header space).
        if (r.min === 0 && r.max === 0xffff) break;
        c =
          r.min === r.max
            ? { kind: 'exact', field, slot: info.slot, value: r.min }
            : { kind: 'range', field, slot: info.slot, min: r.min, max: r.max };
        break;
      }
    }
    if (c) {
      constraints.push(c);
      required |= 1 << field;
    }
  }
  return { constraints: constraints.slice(), required }; // slice: no spare capacity kept
}

function portRange(raw: PortMatch): { min: number; max: number } | undefined {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffff;
  if (ok(raw)) return { min: raw, max: raw };
  if (raw && typeof raw === 'object' && ok(raw.min) && ok(raw.max) && raw.min <= raw.max) return { min: raw.min, max: raw.max };
  return undefined;
}

export function isCompileError(x: CompiledMatch | ClassifierError): x is ClassifierError {
  return (x as ClassifierError).code !== undefined;
}

/** Does a packet (value vector + presence bits) satisfy every constraint? */
export function matchesPacket(m: CompiledMatch, values: readonly number[], present: number): boolean {
  if ((m.required & ~present) !== 0) return false;
  const cs = m.constraints;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    switch (c.kind) {
      case 'exact':
        if (values[c.slot] !== c.value) return false;
        break;
      case 'prefix32':
        if ((values[c.slot] ^ c.addr) >>> (32 - c.len) !== 0) return false;
        break;
      case 'prefix128':
        for (let w = 0; w < 4; w++) {
          const bits = wordBits(c.len, w);
          if (bits === 0) break;
          if ((values[c.slot + w] ^ c.words[w]) >>> (32 - bits) !== 0) return false;
        }
        break;
      case 'range': {
        const v = values[c.slot];
        if (v < c.min || v > c.max) return false;
        break;
      }
    }
  }
  return true;
}

/** Renders constraints back to a plan Match in canonical text (masked prefixes, lower-case MACs). */
export function renderMatch(constraints: readonly Constraint[]): Match {
  const out: Record<string, unknown> = {};
  for (const c of constraints) {
    const key = FIELDS[c.field].key;
    switch (c.kind) {
      case 'exact':
        out[key] = key === 'eth_src' || key === 'eth_dst' ? formatMac(c.value) : c.value;
        break;
      case 'prefix32':
        out[key] = `${formatIpv4(c.addr)}/${c.len}`;
        break;
      case 'prefix128':
        out[key] = `${formatIpv6(c.words)}/${c.len}`;
        break;
      case 'range':
        out[key] = { min: c.min, max: c.max };
        break;
    }
  }
  return out as Match;
}
