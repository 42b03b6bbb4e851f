/**
 * Bounded big-endian reader and exact-size writer used by the codec, and address text ⇄ bytes.
 *
 * The reader throws `CodecFault` (an internal exception) when a read would cross its end; the public
 * decode functions catch it at their boundary and turn it into an error value, so callers never see a throw.
 * The writer fills a buffer allocated once at its final size (the encoder computes the size first);
 * it checks value ranges (RangeError) and never grows. Address text is parsed and printed by the
 * grammar's char-code parsers (`parseMacInto`, `parseIpv6Into`, `formatIpv6Bytes`, …), straight into
 * and out of the message buffer.
 */

import { formatIpv4Bytes, formatIpv6Bytes, formatMacBytes, parseIpv4, parseIpv6Into, parseMacInto } from '@dfvisor/grammar';

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
    return this.fail(
      'truncated',
      `${what ?? 'value'}: need ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`,
      this.lenError,
    );
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
    return formatMacBytes(this.buf, p);
  }
  /** Dotted-quad text of the next 4 bytes. */
  ipv4(what = 'ipv4'): string {
    const p = this.pos;
    if (p + 4 > this.end) this.short(4, what);
    this.pos = p + 4;
    return formatIpv4Bytes(this.buf, p);
  }
  /** RFC 5952 text of the next 16 bytes. */
  ipv6(what = 'ipv6'): string {
    const p = this.pos;
    if (p + 16 > this.end) this.short(16, what);
    this.pos = p + 16;
    return formatIpv6Bytes(this.buf, p);
  }
  /** The next 6 bytes (a MAC address) as a 48-bit bigint: the codec's binary form of addresses. */
  macBin(what = 'mac'): bigint {
    const p = this.pos;
    if (p + 6 > this.end) this.short(6, what);
    this.pos = p + 6;
    return BigInt(this.buf.readUIntBE(p, 6));
  }
  /** The next 4 bytes (an IPv4 address) as an unsigned 32-bit number. */
  ipv4Bin(what = 'ipv4'): number {
    const p = this.pos;
    if (p + 4 > this.end) this.short(4, what);
    this.pos = p + 4;
    return this.buf.readUInt32BE(p);
  }
  /** The next 16 bytes (an IPv6 address) as a 128-bit bigint. */
  ipv6Bin(what = 'ipv6'): bigint {
    const p = this.pos;
    if (p + 16 > this.end) this.short(16, what);
    this.pos = p + 16;
    return (this.buf.readBigUInt64BE(p) << 64n) | this.buf.readBigUInt64BE(p + 8);
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

// 64-bit fields without bigint arithmetic (every tenant rule's cookie is one): a bigint stored
// in a BigUint64Array and read back as bytes allocates nothing.
const U64_CELL = new BigUint64Array(1);
const U64_CELL_BYTES = new Uint8Array(U64_CELL.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ZERO_U64 = 0n;
const ALL_ONES_U64 = U64_MAX;

/** Writes an unsigned 64-bit value big-endian at `o` (RangeError outside 0 .. 2^64-1). */
export function writeU64At(b: Uint8Array, o: number, v: bigint): void {
  if (typeof v !== 'bigint') throw new TypeError(`u64 needs a bigint, got ${typeof v}`);
  if (v < 0n || v > U64_MAX) badValue(v, 'u64');
  if (o < 0 || o + 8 > b.length) throw new RangeError(`writer overflow: 8 bytes at ${o} in a ${b.length}-byte buffer`);
  U64_CELL[0] = v;
  const c = U64_CELL_BYTES;
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) b[o + i] = c[7 - i]!;
  else for (let i = 0; i < 8; i++) b[o + i] = c[i]!;
}

/** Reads an unsigned 64-bit value big-endian at `o`; 0 and all ones (no cookie) come back shared. */
export function readU64At(b: Uint8Array, o: number): bigint {
  if (o < 0 || o + 8 > b.length) throw new RangeError(`reader overflow: 8 bytes at ${o} in a ${b.length}-byte buffer`);
  let or = 0,
    and = 0xff;
  for (let i = 0; i < 8; i++) {
    or |= b[o + i]!;
    and &= b[o + i]!;
  }
  if (or === 0) return ZERO_U64;
  if (and === 0xff) return ALL_ONES_U64;
  const c = U64_CELL_BYTES;
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) c[7 - i] = b[o + i]!;
  else for (let i = 0; i < 8; i++) c[i] = b[o + i]!;
  return U64_CELL[0]!;
}

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
  /** `buf`: the bytes to write into (`size` of them), else fresh ones. */
  constructor(size = 256, buf?: Buffer) {
    this.buf = buf ?? Buffer.allocUnsafe(size);
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
    writeU64At(this.buf, this.pos, v);
    this.pos += 8;
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
    if (typeof s !== 'string' || !parseMacInto(s, this.buf, this.pos)) badAddress('MAC', s);
    this.pos += 6;
  }
  /** Dotted quad as 4 bytes; RangeError on bad text. */
  ipv4(s: string): void {
    writeIpv4(s, this.buf, this.pos);
    this.pos += 4;
  }
  /** IPv6 text as 16 bytes; RangeError on bad text. */
  ipv6(s: string): void {
    if (typeof s !== 'string' || !parseIpv6Into(s, this.buf, this.pos)) badAddress('IPv6', s);
    this.pos += 16;
  }
  /** A MAC address in binary form (48-bit bigint) or as text. RangeError when out of range or bad text. */
  macAddr(v: bigint | string): void {
    if (typeof v !== 'bigint') return this.mac(v);
    if (v < 0n || v > 0xffffffffffffn) throw new RangeError(`MAC ${v} is out of range`);
    this.buf.writeUIntBE(Number(v), this.pos, 6);
    this.pos += 6;
  }
  /** An IPv4 address as an unsigned 32-bit number or as text. */
  ipv4Addr(v: number | string): void {
    if (typeof v !== 'number') return this.ipv4(v);
    this.u32(v);
  }
  /** An IPv6 address as a 128-bit bigint or as text. */
  ipv6Addr(v: bigint | string): void {
    if (typeof v !== 'bigint') return this.ipv6(v);
    if (v < 0n || v >> 128n) throw new RangeError(`IPv6 address ${v} is out of range`);
    this.buf.writeBigUInt64BE(v >> 64n, this.pos);
    this.buf.writeBigUInt64BE(v & 0xffffffffffffffffn, this.pos + 8);
    this.pos += 16;
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
// The parsers and printers are the grammar's (one implementation in the project); these wrappers
// give the codec its throwing encoder-side forms and its historical names.

export { formatMacBytes as macToString, formatIpv4Bytes as ipv4ToString, formatIpv6Bytes as ipv6ToString };

function badAddress(kind: string, s: unknown): never {
  throw new RangeError(`bad ${kind} address ${JSON.stringify(s)}`);
}

/** Parse "aa:bb:cc:dd:ee:ff" (or with '-'); throws RangeError on bad input (encoder side). */
export function macToBytes(s: string): Buffer {
  const out = Buffer.allocUnsafe(6);
  if (typeof s !== 'string' || !parseMacInto(s, out, 0)) badAddress('MAC', s);
  return out;
}

/** Dotted quad → 4 bytes; throws RangeError on bad input (encoder side). */
export function ipv4ToBytes(s: string): Buffer {
  const out = Buffer.allocUnsafe(4);
  writeIpv4(s, out, 0);
  return out;
}

/** IPv6 text (with `::` and an optional dotted IPv4 tail) → 16 bytes; throws RangeError on bad input. */
export function ipv6ToBytes(s: string): Buffer {
  const out = Buffer.allocUnsafe(16);
  if (typeof s !== 'string' || !parseIpv6Into(s, out, 0)) badAddress('IPv6', s);
  return out;
}

function writeIpv4(s: string, out: Uint8Array, at: number): void {
  const v = typeof s === 'string' ? parseIpv4(s) : undefined;
  if (v === undefined) badAddress('IPv4', s);
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

/** Text of a MAC address in binary form (or already text): "aa:bb:cc:dd:ee:ff". For printing and the API. */
export function macText(v: bigint | string): string {
  if (typeof v === 'string') return v;
  const b = Buffer.alloc(6);
  b.writeUIntBE(Number(v & 0xffffffffffffn), 0, 6);
  return formatMacBytes(b, 0);
}

/** Dotted-quad text of an IPv4 address in binary form (or already text). */
export function ipv4Text(v: number | string): string {
  if (typeof v === 'string') return v;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return formatIpv4Bytes(b, 0);
}

/** RFC 5952 text of an IPv6 address in binary form (or already text). */
export function ipv6Text(v: bigint | string): string {
  if (typeof v === 'string') return v;
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE((v >> 64n) & 0xffffffffffffffffn, 0);
  b.writeBigUInt64BE(v & 0xffffffffffffffffn, 8);
  return formatIpv6Bytes(b, 0);
}
