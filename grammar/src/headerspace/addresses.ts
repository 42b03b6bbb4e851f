// Address text <-> integers: MAC (48-bit number), IPv4 (32-bit number), IPv6 (128-bit bigint).
// Parsers return undefined on malformed text; they never throw.

export interface Prefix<T> {
  value: T;
  length: number;
}

const HEX_PAIR = /^[0-9a-fA-F]{1,2}$/;

/** `aa:bb:cc:dd:ee:ff` (also `-` separated) → 48-bit number. */
export function parseMac(text: string): number | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!HEX_PAIR.test(p)) return undefined;
    v = v * 256 + parseInt(p, 16);
  }
  return v;
}

export function formatMac(v: number): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push((Math.floor(v / 2 ** (8 * i)) % 256).toString(16).padStart(2, '0'));
  return out.join(':');
}

/** `10.1.2.3` → 32-bit unsigned number. */
export function parseIpv4(text: string): number | undefined {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      v = v * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return v * 256 + part;
}

export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** `ADDR/LEN` or a bare `ADDR` (→ /bits), the address read by `parseAddr`. */
function parsePrefix<T>(text: string, parseAddr: (t: string) => T | undefined, bits: number): Prefix<T> | undefined {
  const slash = text.indexOf('/');
  const addr = parseAddr(slash < 0 ? text : text.slice(0, slash));
  if (addr === undefined) return undefined;
  let length = bits;
  if (slash >= 0) {
    const l = text.slice(slash + 1);
    if (!/^[0-9]+$/.test(l) || l.length > String(bits).length || Number(l) > bits) return undefined;
    length = Number(l);
  }
  return { value: addr, length };
}

/** `10.1.0.0/16` or `10.1.0.1` (→ /32). Host bits are allowed here; use ipv4PrefixRange to mask. */
export function parseIpv4Prefix(text: string): Prefix<number> | undefined {
  return parsePrefix(text, parseIpv4, 32);
}

/** The inclusive interval of addresses of an IPv4 prefix (host bits masked off). */
export function ipv4PrefixRange(p: Prefix<number>): [number, number] {
  const size = 2 ** (32 - p.length);
  const lo = p.value - (p.value % size);
  return [lo, lo + size - 1];
}

/** Canonical `a.b.c.d/len` with host bits cleared. */
export function canonicalIpv4Prefix(p: Prefix<number>): string {
  return `${formatIpv4(ipv4PrefixRange(p)[0])}/${p.length}`;
}

/** An IPv6 address (RFC 4291 text forms, incl. `::` and an embedded IPv4 tail) → bigint. */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  let head = text;
  let tailGroups: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tailGroups = [v4 >>> 16, v4 & 0xffff];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right) return undefined;
    const missing = 8 - left.length - right.length - tailGroups.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right, ...tailGroups];
  } else {
    const g = parseGroups(head);
    if (!g) return undefined;
    groups = [...g, ...tailGroups];
  }
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** RFC 5952 canonical text: lower case, longest run (≥ 2) of zero groups compressed. */
export function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** `2001:db8::/32` or a bare address (→ /128). */
export function parseIpv6Prefix(text: string): Prefix<bigint> | undefined {
  return parsePrefix(text, parseIpv6, 128);
}

export function ipv6PrefixRange(p: Prefix<bigint>): [bigint, bigint] {
  const size = 1n << BigInt(128 - p.length);
  const lo = p.value - (p.value % size);
  return [lo, lo + size - 1n];
}

export function canonicalIpv6Prefix(p: Prefix<bigint>): string {
  return `${formatIpv6(ipv6PrefixRange(p)[0])}/${p.length}`;
}
