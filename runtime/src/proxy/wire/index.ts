// Version dispatch and TCP stream framing for the proxy's wire layer.
import { decode13, encode13, WireError } from './codec13.js';
import { decode10, encode10 } from './codec10.js';
import type { OfMessage, OfVersion } from './model.js';
import { OFP10, OFP13 } from './model.js';

export { WireError };
export * from './model.js';

/** Decodes one complete framed message; throws WireError on malformed or unsupported input. */
export function decodeMessage(buf: Buffer): OfMessage {
  if (buf.length < 8) throw new WireError('short message');
  if (buf[1] === 0) {
    // Hello is decoded leniently for any version: negotiation needs it.
    const m = decode13(buf);
    return { ...m, version: buf[0] === OFP10 ? OFP10 : OFP13 } as OfMessage;
  }
  if (buf[0] === OFP13) return decode13(buf);
  if (buf[0] === OFP10) return decode10(buf);
  throw new WireError(`unsupported OpenFlow version 0x${buf[0].toString(16)}`);
}

export function encodeMessage(m: OfMessage): Buffer {
  return m.version === OFP13 ? encode13(m) : encode10(m);
}

/** Picks the highest version both sides speak, or null. */
export function negotiate(ours: OfVersion[], theirs: { version: number; versions: number[] }): OfVersion | null {
  const peer = theirs.versions.length > 1 || theirs.versions[0] !== theirs.version ? theirs.versions : null;
  const candidates = [...ours].sort((a, b) => b - a);
  for (const v of candidates) {
    if (peer ? peer.includes(v) : v <= theirs.version) return v;
  }
  return null;
}

/** Splits a TCP byte stream into OpenFlow messages (handles partial and coalesced reads). */
export class Framer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly maxLen = 65535) {}
  /** Returns complete messages; throws WireError on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    let off = 0;
    while (this.buf.length - off >= 8) {
      const len = this.buf.readUInt16BE(off + 2);
      if (len < 8 || len > this.maxLen) throw new WireError(`bad message length ${len}`);
      if (this.buf.length - off < len) break;
      out.push(this.buf.subarray(off, off + len));
      off += len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
    return out;
  }
}
