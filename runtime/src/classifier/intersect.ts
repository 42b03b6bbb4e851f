// The intersection of two compiled matches, field by field (exact values, prefixes, port
// ranges), or null when no packet can match both.
import type { Match } from '@dfvisor/grammar';
import type { ClassifierError } from './errors.js';
import { ETH_TYPE_IPV4, ETH_TYPE_IPV6, FIELDS, FIELD_ID, IP_PROTO_TCP, IP_PROTO_UDP, wordBits } from './fields.js';
import { compileMatch, isCompileError, renderMatch, type CompiledMatch, type Constraint } from './match.js';

/** The constraints of the intersection, in field order, or null when it is empty. */
export function intersectConstraints(a: CompiledMatch, b: CompiledMatch): Constraint[] | null {
  const out: Constraint[] = [];
  const xs = a.constraints;
  const ys = b.constraints;
  let i = 0;
  let j = 0;
  while (i < xs.length || j < ys.length) {
    const x = xs[i];
    const y = ys[j];
    if (y === undefined || (x !== undefined && x.field < y.field)) {
      out.push(x);
      i++;
      continue;
    }
    if (x === undefined || y.field < x.field) {
      out.push(y);
      j++;
      continue;
    }
    const c = intersectField(x, y);
    if (c === null) return null;
    out.push(c);
    i++;
    j++;
  }
  return consistent(out) ? out : null;
}

function intersectField(x: Constraint, y: Constraint): Constraint | null {
  if (x.kind === 'prefix32' && y.kind === 'prefix32') {
    const len = Math.min(x.len, y.len);
    if ((x.addr ^ y.addr) >>> (32 - len) !== 0) return null;
    return x.len >= y.len ? x : y;
  }
  if (x.kind === 'prefix128' && y.kind === 'prefix128') {
    const len = Math.min(x.len, y.len);
    for (let w = 0; w < 4; w++) {
      const bits = wordBits(len, w);
      if (bits === 0) break;
      if ((x.words[w] ^ y.words[w]) >>> (32 - bits) !== 0) return null;
    }
    return x.len >= y.len ? x : y;
  }
  if (FIELDS[x.field].kind === 'port') {
    const min = Math.max(lo(x), lo(y));
    const max = Math.min(hi(x), hi(y));
    if (min > max) return null;
    return min === max
      ? { kind: 'exact', field: x.field, slot: x.slot, value: min }
      : { kind: 'range', field: x.field, slot: x.slot, min, max };
  }
  if (x.kind === 'exact' && y.kind === 'exact') return x.value === y.value ? x : null;
  return null;
}

function lo(c: Constraint): number {
  return c.kind === 'exact' ? c.value : c.kind === 'range' ? c.min : 0;
}
function hi(c: Constraint): number {
  return c.kind === 'exact' ? c.value : c.kind === 'range' ? c.max : 0xffff;
}

const F = FIELD_ID;
const V4 = (1 << F.ipv4_src) | (1 << F.ipv4_dst);
const V6 = (1 << F.ipv6_src) | (1 << F.ipv6_dst);
const TCP = (1 << F.tcp_src) | (1 << F.tcp_dst);
const UDP = (1 << F.udp_src) | (1 << F.udp_dst);
const IP = V4 | V6 | TCP | UDP | (1 << F.ip_proto) | (1 << F.ip_dscp);

/** False when the fields cannot coexist in one packet (IPv4 and IPv6, TCP and UDP, or a contradicting eth_type/ip_proto). */
function consistent(cs: readonly Constraint[]): boolean {
  let have = 0;
  let ethType = -1;
  let ipProto = -1;
  for (const c of cs) {
    have |= 1 << c.field;
    if (c.kind === 'exact' && c.field === F.eth_type) ethType = c.value;
    if (c.kind === 'exact' && c.field === F.ip_proto) ipProto = c.value;
  }
  if (have & V4 && have & V6) return false;
  if (have & TCP && have & UDP) return false;
  if (ethType >= 0) {
    if (have & IP && ethType !== ETH_TYPE_IPV4 && ethType !== ETH_TYPE_IPV6) return false;
    if (have & V4 && ethType !== ETH_TYPE_IPV4) return false;
    if (have & V6 && ethType !== ETH_TYPE_IPV6) return false;
  }
  if (ipProto >= 0) {
    if (have & TCP && ipProto !== IP_PROTO_TCP) return false;
    if (have & UDP && ipProto !== IP_PROTO_UDP) return false;
  }
  return true;
}

/** Intersects two compiled matches into a canonical plan Match, or null when empty. */
export function intersectCompiled(a: CompiledMatch, b: CompiledMatch): Match | null {
  const cs = intersectConstraints(a, b);
  return cs === null ? null : renderMatch(cs);
}

/** Intersects two plan matches; a malformed field in either yields an error value. */
export function intersectMatches(a: Match, b: Match): { ok: true; match: Match | null } | { ok: false; error: ClassifierError } {
  const ca = compileMatch(a);
  if (isCompileError(ca)) return { ok: false, error: ca };
  const cb = compileMatch(b);
  if (isCompileError(cb)) return { ok: false, error: cb };
  return { ok: true, match: intersectCompiled(ca, cb) };
}
