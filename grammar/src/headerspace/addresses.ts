// Address text <-> values, the one implementation in the project (the checker, compiler,
// classifier and the OpenFlow codec all use it). Two forms of each address:
// - numbers: MAC (48-bit number), IPv4 (32-bit unsigned number), IPv6 (128-bit bigint);
// - bytes: parse straight into a given Uint8Array/Buffer at an offset (network order), print from one.
// Parsers are hand-written char-code loops (no split/regex/bigint per group); they return
// undefined/false on malformed text and never throw.

export interface Prefix<T> {
  value: T;
  length: number;
}

// ---------------------------------------------------------------- shared helpers

const HEX = '0123456789abcdef';
/** Two lower-case hex digits per byte value. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, v) => HEX[v >> 4]! + HEX[v & 15]!);

/** Value of a hex digit's char code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

// ---------------------------------------------------------------- MAC

/** Parses `aa:bb:cc:dd:ee:ff` (1–2 hex digits per group, `:` or `-`) into out[at..at+6); false if malformed (out may be partly written). */
export function parseMacInto(text: string, out: Uint8Array, at: number): boolean {
  const n = text.length;
  let i = 0;
  for (let g = 0; g < 6; g++) {
    if (g > 0) {
      const c = text.charCodeAt(i);
      if (c !== 58 && c !== 45) return false;
      i++;
    }
    const h1 = hexDigit(text.charCodeAt(i));
    if (h1 < 0) return false;
    i++;
    let v = h1;
    const h2 = i < n ? hexDigit(text.charCodeAt(i)) : -1;
    if (h2 >= 0) {
      v = v * 16 + h2;
      i++;
    }
    out[at + g] = v;
  }
  return i === n;
}

const macScratch = new Uint8Array(6);

/** `aa:bb:cc:dd:ee:ff` (also `-` separated) → 48-bit number. */
export function parseMac(text: string): number | undefined {
  const b = macScratch;
  if (!parseMacInto(text, b, 0)) return undefined;
  return (b[0]! * 256 + b[1]!) * 0x100000000 + (((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0);
}

function macText(a: number, b: number, c: number, d: number, e: number, f: number): string {
  return `${HEX2[a]}:${HEX2[b]}:${HEX2[c]}:${HEX2[d]}:${HEX2[e]}:${HEX2[f]}`;
}

/** Lower-case colon-separated text of the 6 bytes at b[at..at+6). */
export function formatMacBytes(b: Uint8Array, at = 0): string {
  return macText(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!);
}

/** A 48-bit number → `aa:bb:cc:dd:ee:ff`. */
export function formatMac(v: number): string {
  const hi = Math.floor(v / 0x100000000);
  const lo = v >>> 0;
  return macText((hi >>> 8) & 255, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255);
}

// ---------------------------------------------------------------- IPv4

/** Dotted quad in text[start..end) → 32-bit unsigned number, or -1 when malformed. */
function parseIpv4Range(text: string, start: number, end: number): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return v * 256 + part;
}

/** `10.1.2.3` → 32-bit unsigned number. */
export function parseIpv4(text: string): number | undefined {
  const v = parseIpv4Range(text, 0, text.length);
  return v < 0 ? undefined : v;
}

/** Dotted-quad text of the 4 bytes at b[at..at+4). */
export function formatIpv4Bytes(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

// ---------------------------------------------------------------- prefixes

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

// ---------------------------------------------------------------- IPv6

/** The eight 16-bit groups of the last parsed or printed address (one scratch, no allocation). */
const groups = new Uint16Array(8);

/**
 * Reads IPv6 text (RFC 4291 forms: hex groups, at most one `::`, an optional dotted IPv4 tail)
 * into `groups`; false when malformed.
 */
function parseIpv6Groups(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 45) return false;
  let i = 0;
  let count = 0;
  /** Index in `groups` where `::` stands, or -1. */
  let gap = -1;
  if (text.charCodeAt(0) === 58) {
    if (n < 2 || text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let v = 0;
    let digits = 0;
    while (i < n && digits < 5) {
      const h = hexDigit(text.charCodeAt(i));
      if (h < 0) break;
      v = v * 16 + h;
      digits++;
      i++;
    }
    if (i < n && text.charCodeAt(i) === 46) {
      // A dotted IPv4 tail: the rest of the text, two groups.
      const v4 = count <= 6 ? parseIpv4Range(text, start, n) : -1;
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break;
    }
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = v;
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i === n) return false; // a single trailing ':'
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0) return count === 8;
  if (count > 7) return false;
  // Move the groups after the gap to the end and zero the gap.
  const fill = 8 - count;
  for (let k = count - 1; k >= gap; k--) groups[k + fill] = groups[k]!;
  for (let k = gap; k < gap + fill; k++) groups[k] = 0;
  return true;
}

/** Parses IPv6 text into out[at..at+16) (network order); false if malformed (out is then untouched). */
export function parseIpv6Into(text: string, out: Uint8Array, at: number): boolean {
  if (!parseIpv6Groups(text)) return false;
  for (let k = 0; k < 8; k++) {
    const v = groups[k]!;
    out[at + 2 * k] = v >>> 8;
    out[at + 2 * k + 1] = v & 0xff;
  }
  return true;
}

/** An IPv6 address (RFC 4291 text forms, incl. `::` and an embedded IPv4 tail) → bigint. */
export function parseIpv6(text: string): bigint | undefined {
  if (!parseIpv6Groups(text)) return undefined;
  const g = groups;
  return (
    (BigInt(g[0]! * 0x10000 + g[1]!) << 96n) |
    (BigInt(g[2]! * 0x10000 + g[3]!) << 64n) |
    (BigInt(g[4]! * 0x10000 + g[5]!) << 32n) |
    BigInt(g[6]! * 0x10000 + g[7]!)
  );
}

/** RFC 5952 text of the 16 bytes at b[at..at+16): lower case, leftmost longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6Bytes(b: Uint8Array, at = 0): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (b[at + 2 * i] !== 0 || b[at + 2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && b[at + 2 * j] === 0 && b[at + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && i !== bestStart + bestLen) s += ':';
    const hi = b[at + 2 * i]!;
    const lo = b[at + 2 * i + 1]!;
    s += hi === 0 ? lo.toString(16) : hi < 16 ? HEX[hi]! + HEX2[lo]! : HEX2[hi]! + HEX2[lo]!;
  }
  return s;
}

const ipv6Scratch = new Uint8Array(16);

/** RFC 5952 canonical text: lower case, longest run (≥ 2) of zero groups compressed. */
export function formatIpv6(v: bigint): string {
  const b = ipv6Scratch;
  for (let k = 0; k < 4; k++) {
    const w = Number((v >> BigInt(96 - 32 * k)) & 0xffffffffn);
    b[4 * k] = w >>> 24;
    b[4 * k + 1] = w >>> 16;
    b[4 * k + 2] = w >>> 8;
    b[4 * k + 3] = w;
  }
  return formatIpv6Bytes(b, 0);
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
