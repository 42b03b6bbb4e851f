/**
 * Bounded big-endian reader and exact-size writer used by the codec, and address text ⇄ bytes.
 *
 * The reader throws `CodecFault` (an internal exception) when a read would cross its end; the public
 * decode functions catch it at their boundary and turn it into an error value, so callers never see a throw.
 * The writer fills a buffer allocated once at its final size (the encoder computes the size first);
 * it checks value ranges (RangeError) and never grows. MAC and IPv6 text are parsed by hand-written
 * char-code parsers straight into the output (the grammar's split/regex/bigint versions are slower);
 * IPv4 text uses the grammar's parser, which is as fast.
 */

/** An OpenFlow error (type, code) the caller can send back to the peer. */
export interface OfErrorSuggestion {
  readonly type: number;
  readonly code: number;
}

/** Internal: raised inside the decoder, converted to a `DecodeError` value by `decodeMessage`. */
export class CodecFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
    readonly ofError: OfErrorSuggestion,
  ) {
    super(message);
  }
}

import { parseIpv4 } from '@dfvisor/grammar';

/** OFPET_BAD_REQUEST / OFPBRC_BAD_LEN: same numbers in 1.0 and 1.3. */
export const BAD_LEN: OfErrorSuggestion = { type: 1, code: 6 };

export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    /** Error to suggest when this reader runs out of bytes. */
    readonly lenError: OfErrorSuggestion = BAD_LEN,
  ) {
    this.pos = start;
  }

  static of(buf: Buffer): Reader {
    return new Reader(buf, 0, buf.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(code: string, message: string, ofError: OfErrorSuggestion, offset = this.pos): never {
    throw new CodecFault(code, message, offset, ofError);
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) this.short(n, what);
  }

  private short(n: number, what: string | undefined): never {
    return this.fail('truncated', `${what ?? 'value'}: need ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`, this.lenError);
  }

  u8(what?: string): number {
    const p = this.pos;
    if (p + 1 > this.end) this.short(1, what ?? 'u8');
    this.pos = p + 1;
    return this.buf[p]!;
  }
  u16(what?: string): number {
    const p = this.pos;
    if (p + 2 > this.end) this.short(2, what ?? 'u16');
    this.pos = p + 2;
    const b = this.buf;
    return (b[p]! << 8) | b[p + 1]!;
  }
  u24(what?: string): number {
    const p = this.pos;
    if (p + 3 > this.end) this.short(3, what ?? 'u24');
    this.pos = p + 3;
    const b = this.buf;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }
  u32(what?: string): number {
    const p = this.pos;
    if (p + 4 > this.end) this.short(4, what ?? 'u32');
    this.pos = p + 4;
    const b = this.buf;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }
  u64(what?: string): bigint {
    const p = this.pos;
    if (p + 8 > this.end) this.short(8, what ?? 'u64');
    const b = this.buf;
    const hi = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    const lo = b[p + 4]! * 0x1000000 + ((b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!);
    this.pos = p + 8;
    if (hi === 0) return lo === 0 ? 0n : BigInt(lo);
    // Exact as a double up to 2^53: one BigInt instead of three.
    if (hi < 0x200000) return BigInt(hi * 0x100000000 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  skip(n: number, what = 'padding'): void {
    if (n < 0 || this.pos + n > this.end) this.short(n, what);
    this.pos += n;
  }
  /** A copy of the next n bytes (copies so decoded messages never alias a socket buffer). */
  bytes(n: number, what = 'bytes'): Buffer {
    const p = this.pos;
    if (n < 0 || p + n > this.end) this.short(n, what);
    const out = Buffer.allocUnsafe(n);
    if (n <= 16) for (let i = 0; i < n; i++) out[i] = this.buf[p + i]!;
    else this.buf.copy(out, 0, p, p + n);
    this.pos = p + n;
    return out;
  }
  rest(): Buffer {
    return this.bytes(this.end - this.pos, 'rest');
  }
  /** NUL-padded fixed-width string. */
  str(n: number, what = 'string'): string {
    const p = this.pos;
    if (n < 0 || p + n > this.end) this.short(n, what);
    this.pos = p + n;
    const b = this.buf;
    let e = p;
    while (e < p + n && b[e] !== 0) e++;
    return b.toString('latin1', p, e);
  }
  /** Lower-case colon-separated MAC text of the next 6 bytes. */
  mac(what = 'mac'): string {
    const p = this.pos;
    if (p + 6 > this.end) this.short(6, what);
    this.pos = p + 6;
    return macToString(this.buf, p);
  }
  /** Dotted-quad text of the next 4 bytes. */
  ipv4(what = 'ipv4'): string {
    const p = this.pos;
    if (p + 4 > this.end) this.short(4, what);
    this.pos = p + 4;
    return ipv4ToString(this.buf, p);
  }
  /** RFC 5952 text of the next 16 bytes. */
  ipv6(what = 'ipv6'): string {
    const p = this.pos;
    if (p + 16 > this.end) this.short(16, what);
    this.pos = p + 16;
    return ipv6ToString(this.buf, p);
  }
  /** A reader over the next n bytes; advances this reader past them. */
  sub(n: number, what: string, lenError: OfErrorSuggestion = this.lenError): Reader {
    if (n < 0 || this.pos + n > this.end) {
      this.fail('bad_length', `${what}: length ${n} at offset ${this.pos} exceeds the ${this.end - this.pos} bytes left`, lenError);
    }
    const r = new Reader(this.buf, this.pos, this.pos + n, lenError);
    this.pos += n;
    return r;
  }
}

function badValue(v: unknown, what: string): never {
  throw new RangeError(`value ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)} does not fit ${what}`);
}

const U64_MAX = (1n << 64n) - 1n;

/** Test hook: when set, new Writer buffers are pre-filled with this byte (proves every byte is written). */
let poison: number | undefined;
export function setWriterPoison(byte: number | undefined): void {
  poison = byte;
}

/**
 * Writes into a buffer of a size fixed at construction (the encoder sizes messages exactly).
 * Every byte of the written range is set (padding included), so an unzeroed buffer is safe.
 * Writing past the end is detected by `done()` (and by `bytes`, which throws at once).
 */
export class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
    if (poison !== undefined) this.buf.fill(poison);
  }
  u8(v: number): void {
    if ((v & 0xff) !== v) badValue(v, 'u8');
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    if ((v & 0xffff) !== v) badValue(v, 'u16');
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }
  u24(v: number): void {
    if ((v & 0xffffff) !== v) badValue(v, 'u24');
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 16;
    b[p + 1] = v >>> 8;
    b[p + 2] = v;
    this.pos = p + 3;
  }
  u32(v: number): void {
    if (v >>> 0 !== v) badValue(v, 'u32');
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }
  u64(v: bigint): void {
    if (typeof v !== 'bigint') throw new TypeError(`u64 needs a bigint, got ${typeof v}`);
    let hi: number;
    let lo: number;
    if (v === 0n) {
      hi = 0;
      lo = 0;
    } else if (v > 0n && v <= 0x1fffffffffffffn) {
      const n = Number(v);
      lo = n % 0x100000000;
      hi = (n - lo) / 0x100000000;
    } else {
      if (v < 0n || v > U64_MAX) badValue(v, 'u64');
      hi = Number(v >> 32n);
      lo = Number(v & 0xffffffffn);
    }
    const b = this.buf;
    const p = this.pos;
    b[p] = hi >>> 24; b[p + 1] = hi >>> 16; b[p + 2] = hi >>> 8; b[p + 3] = hi;
    b[p + 4] = lo >>> 24; b[p + 5] = lo >>> 16; b[p + 6] = lo >>> 8; b[p + 7] = lo;
    this.pos = p + 8;
  }
  zeros(n: number): void {
    const b = this.buf;
    const p = this.pos;
    if (n <= 16) for (let i = 0; i < n; i++) b[p + i] = 0;
    else b.fill(0, p, Math.min(p + n, b.length));
    this.pos = p + n;
  }
  bytes(src: Uint8Array): void {
    const n = src.length;
    const b = this.buf;
    const p = this.pos;
    if (p + n > b.length) throw new RangeError(`writer overflow: ${n} bytes at ${p} in a ${b.length}-byte buffer`);
    if (n <= 16) for (let i = 0; i < n; i++) b[p + i] = src[i]!;
    else b.set(src, p);
    this.pos = p + n;
  }
  /** Fixed-width NUL-padded string (latin1; longer strings are cut to n bytes). */
  str(s: string, n: number): void {
    const b = this.buf;
    const p = this.pos;
    const len = Math.min(s.length, n);
    for (let i = 0; i < len; i++) b[p + i] = s.charCodeAt(i);
    for (let i = len; i < n; i++) b[p + i] = 0;
    this.pos = p + n;
  }
  /** "aa:bb:cc:dd:ee:ff" (or with '-') as 6 bytes; RangeError on bad text. */
  mac(s: string): void {
    if (typeof s !== 'string' || !parseMacInto(s, this.buf, this.pos)) throw new RangeError(`bad MAC address ${JSON.stringify(s)}`);
    this.pos += 6;
  }
  /** Dotted quad as 4 bytes (parsed by the grammar's `parseIpv4`); RangeError on bad text. */
  ipv4(s: string): void {
    const v = typeof s === 'string' ? parseIpv4(s) : undefined;
    if (v === undefined) throw new RangeError(`bad IPv4 address ${JSON.stringify(s)}`);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24; b[p + 1] = v >>> 16; b[p + 2] = v >>> 8; b[p + 3] = v;
    this.pos = p + 4;
  }
  /** IPv6 text as 16 bytes; RangeError on bad text. */
  ipv6(s: string): void {
    if (typeof s !== 'string') throw new RangeError(`bad IPv6 address ${JSON.stringify(s)}`);
    const r = parseIpv6Into(s, this.buf, this.pos);
    if (r === SLOW) this.bytes(ipv6ToBytesSlow(s));
    else if (!r) throw new RangeError(`bad IPv6 address ${JSON.stringify(s)}`);
    else this.pos += 16;
  }
  /** Pad with zeros up to a multiple of `align` counted from `from`. */
  align(from: number, align = 8): void {
    const len = this.pos - from;
    const pad = (align - (len % align)) % align;
    this.zeros(pad);
  }
  /** Reserve a 16-bit length slot, returning its offset for `patchLen`. */
  lenSlot(): number {
    const at = this.pos;
    this.pos = at + 2;
    return at;
  }
  /** Write the length `pos - from` into the u16 at `at`. */
  patchLen(at: number, from: number): void {
    const len = this.pos - from;
    if (len > 0xffff) throw new RangeError(`OpenFlow structure too long: ${len} bytes`);
    this.buf[at] = len >>> 8;
    this.buf[at + 1] = len;
  }
  /** The written bytes (a view of the buffer); RangeError if more was written than fits. */
  done(): Buffer {
    if (this.pos > this.buf.length) throw new RangeError(`writer overflow: wrote ${this.pos} bytes into a ${this.buf.length}-byte buffer`);
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }
}

// ---------------------------------------------------------------- address text

const HEX = '0123456789abcdef';
/** Two lower-case hex digits per byte value. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, v) => HEX[v >> 4]! + HEX[v & 15]!);

export function macToString(b: Uint8Array, at = 0): string {
  return `${HEX2[b[at]!]}:${HEX2[b[at + 1]!]}:${HEX2[b[at + 2]!]}:${HEX2[b[at + 3]!]}:${HEX2[b[at + 4]!]}:${HEX2[b[at + 5]!]}`;
}

/** Value of a hex digit's char code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Parses "aa:bb:cc:dd:ee:ff" (1–2 hex digits per group, ':' or '-') into out[at..at+6); false if malformed. */
export function parseMacInto(s: string, out: Uint8Array, at: number): boolean {
  const n = s.length;
  let i = 0;
  for (let g = 0; g < 6; g++) {
    if (g > 0) {
      const c = s.charCodeAt(i);
      if (c !== 58 && c !== 45) return false;
      i++;
    }
    const h1 = hexDigit(s.charCodeAt(i));
    if (h1 < 0) return false;
    i++;
    let v = h1;
    const h2 = i < n ? hexDigit(s.charCodeAt(i)) : -1;
    if (h2 >= 0) {
      v = v * 16 + h2;
      i++;
    }
    out[at + g] = v;
  }
  return i === n;
}

/** Parse "aa:bb:cc:dd:ee:ff" (or with '-'); throws RangeError on bad input (encoder side). */
export function macToBytes(s: string): Buffer {
  const out = Buffer.allocUnsafe(6);
  if (typeof s !== 'string' || !parseMacInto(s, out, 0)) throw new RangeError(`bad MAC address ${JSON.stringify(s)}`);
  return out;
}

export function ipv4ToString(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** Dotted quad → 4 bytes (the grammar's parser); throws RangeError on bad input (encoder side). */
export function ipv4ToBytes(s: string): Buffer {
  const v = typeof s === 'string' ? parseIpv4(s) : undefined;
  if (v === undefined) throw new RangeError(`bad IPv4 address ${JSON.stringify(s)}`);
  const out = Buffer.allocUnsafe(4);
  out[0] = v >>> 24; out[1] = v >>> 16; out[2] = v >>> 8; out[3] = v;
  return out;
}

/** RFC 5952 canonical text (lower case, longest zero run of 2+ groups compressed, leftmost on ties). */
export function ipv6ToString(b: Uint8Array, at = 0): string {
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

const SLOW = 2;
const groups = new Uint16Array(8);

/**
 * Parses IPv6 text made of hex groups and at most one '::' into out[at..at+16). Returns 1 when
 * done, 0 when malformed, SLOW when the text has a dotted IPv4 tail (left to `ipv6ToBytesSlow`).
 */
function parseIpv6Into(s: string, out: Uint8Array, at: number): 0 | 1 | typeof SLOW {
  const n = s.length;
  if (n === 0) return 0;
  if (s.indexOf('.') >= 0) return SLOW;
  let i = 0;
  let count = 0;
  let gap = -1;
  if (s.charCodeAt(0) === 58) {
    if (n < 2 || s.charCodeAt(1) !== 58) return 0;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let v = 0;
    let digits = 0;
    while (i < n && digits < 5) {
      const h = hexDigit(s.charCodeAt(i));
      if (h < 0) break;
      v = v * 16 + h;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 4 || count === 8) return 0;
    groups[count++] = v;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return 0;
    i++;
    if (i === n) return 0; // a single trailing ':'
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return 0;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return 0;
  const fill = 8 - count;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    const v = gap >= 0 && k >= gap && k < gap + fill ? 0 : groups[g++]!;
    out[at + 2 * k] = v >>> 8;
    out[at + 2 * k + 1] = v & 0xff;
  }
  return 1;
}

/** The general parser (also handles a dotted IPv4 tail such as "::ffff:10.0.0.1"). */
function ipv6ToBytesSlow(s: string): Buffer {
  const bad = () => new RangeError(`bad IPv6 address ${JSON.stringify(s)}`);
  let text = s;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4ToBytes(v4[1]!);
    tail.push(b.readUInt16BE(0), b.readUInt16BE(2));
    text = text.slice(0, -v4[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const parse = (h: string) => (h === '' ? [] : h.split(':').map((p) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) throw bad();
    return parseInt(p, 16);
  }));
  const head = parse(halves[0]!);
  const back = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - back.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) throw bad();
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...back, ...tail];
  const out = Buffer.alloc(16);
  all.forEach((x, i) => out.writeUInt16BE(x, i * 2));
  return out;
}

export function ipv6ToBytes(s: string): Buffer {
  if (typeof s !== 'string') throw new RangeError(`bad IPv6 address ${JSON.stringify(s)}`);
  const out = Buffer.allocUnsafe(16);
  const r = parseIpv6Into(s, out, 0);
  if (r === SLOW) return ipv6ToBytesSlow(s);
  if (!r) throw new RangeError(`bad IPv6 address ${JSON.stringify(s)}`);
  return out;
}
