/**
 * Bounded big-endian reader and growable writer used by the codec.
 *
 * The reader throws `CodecFault` (an internal exception) when a read would cross its end; the public
 * decode functions catch it at their boundary and turn it into an error value, so callers never see a throw.
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
    if (n < 0 || this.pos + n > this.end) {
      this.fail('truncated', `${what}: need ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`, this.lenError);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(what = 'u24'): number {
    this.need(3, what);
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  skip(n: number, what = 'padding'): void {
    this.need(n, what);
    this.pos += n;
  }
  /** A copy of the next n bytes (copies so decoded messages never alias a socket buffer). */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }
  rest(): Buffer {
    return this.bytes(this.remaining, 'rest');
  }
  /** NUL-padded fixed-width string. */
  str(n: number, what = 'string'): string {
    this.need(n, what);
    const raw = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    const nul = raw.indexOf(0);
    return raw.subarray(0, nul < 0 ? n : nul).toString('latin1');
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

export class Writer {
  buf: Buffer;
  pos = 0;
  constructor(initial = 256) {
    this.buf = Buffer.alloc(initial);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v, this.pos);
    this.pos += 1;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  u24(v: number): void {
    this.ensure(3);
    this.buf.writeUIntBE(v, this.pos, 3);
    this.pos += 3;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64BE(v, this.pos);
    this.pos += 8;
  }
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Fixed-width NUL-padded string (truncated to n-1 bytes so it stays NUL-terminated when full). */
  str(s: string, n: number): void {
    this.ensure(n);
    const raw = Buffer.from(s, 'latin1');
    const len = Math.min(raw.length, n);
    raw.copy(this.buf, this.pos, 0, len);
    this.buf.fill(0, this.pos + len, this.pos + n);
    this.pos += n;
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
    this.u16(0);
    return at;
  }
  /** Write the length `pos - from` into the u16 at `at`. */
  patchLen(at: number, from: number): void {
    const len = this.pos - from;
    if (len > 0xffff) throw new RangeError(`OpenFlow structure too long: ${len} bytes`);
    this.buf.writeUInt16BE(len, at);
  }
  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const HEX = '0123456789abcdef';

export function macToString(b: Buffer, at = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[at + i]!;
    if (i) s += ':';
    s += HEX[v >> 4]! + HEX[v & 15]!;
  }
  return s;
}

/** Parse "aa:bb:cc:dd:ee:ff" (or with '-'); throws RangeError on bad input (encoder side). */
export function macToBytes(s: string): Buffer {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6) throw new RangeError(`bad MAC address ${JSON.stringify(s)}`);
  return Buffer.from(parts.map((p) => {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) throw new RangeError(`bad MAC address ${JSON.stringify(s)}`);
    return parseInt(p, 16);
  }));
}

export function ipv4ToString(b: Buffer, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

export function ipv4ToBytes(s: string): Buffer {
  const parts = s.split('.');
  if (parts.length !== 4) throw new RangeError(`bad IPv4 address ${JSON.stringify(s)}`);
  return Buffer.from(parts.map((p) => {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new RangeError(`bad IPv4 address ${JSON.stringify(s)}`);
    return n;
  }));
}

/** RFC 5952 canonical text (lower case, longest zero run of 2+ groups compressed, leftmost on ties). */
export function ipv6ToString(b: Buffer, at = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(at + i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function ipv6ToBytes(s: string): Buffer {
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
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...back, ...tail];
  const out = Buffer.alloc(16);
  groups.forEach((x, i) => out.writeUInt16BE(x, i * 2));
  return out;
}
