/**
 * OpenFlowFramer: cuts a TCP byte stream into whole OpenFlow messages (handles partial and coalesced
 * chunks). A header with length < 8 or an unknown version is a framing error: the stream cannot be
 * resynchronised, so the caller should close the connection. (Lengths > 65535 cannot be expressed in
 * the 16-bit field; the limit is enforced by construction.)
 */
import { KNOWN_WIRE_VERSIONS, OFP_HEADER_LEN } from './constants.js';

export interface FramingError {
  readonly code: 'bad_length' | 'bad_version';
  readonly message: string;
  /** Offset in the stream (bytes consumed before the bad header). */
  readonly streamOffset: number;
}

export interface FrameBatch {
  /** Whole messages, each exactly as long as its header says (views into the chunk when possible). */
  readonly frames: Buffer[];
  /** Set once the stream is broken; later pushes return no frames and the same error. */
  readonly error?: FramingError;
}

export class OpenFlowFramer {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private consumed = 0;
  private broken: FramingError | undefined;

  constructor(private readonly versions: readonly number[] = KNOWN_WIRE_VERSIONS) {}

  /** Bytes buffered waiting for the rest of a message. */
  get buffered(): number {
    return this.pendingLen;
  }

  get error(): FramingError | undefined {
    return this.broken;
  }

  push(chunk: Buffer): FrameBatch {
    if (this.broken) return { frames: [], error: this.broken };
    let buf: Buffer;
    if (this.pendingLen === 0) buf = chunk;
    else {
      this.pending.push(chunk);
      buf = Buffer.concat(this.pending, this.pendingLen + chunk.length);
      this.pending = [];
      this.pendingLen = 0;
    }
    const frames: Buffer[] = [];
    let at = 0;
    while (buf.length - at >= 4) {
      const version = buf[at]!;
      const length = buf.readUInt16BE(at + 2);
      if (!this.versions.includes(version)) {
        this.broken = { code: 'bad_version', message: `unknown OpenFlow version ${version}`, streamOffset: this.consumed + at };
        return { frames, error: this.broken };
      }
      if (length < OFP_HEADER_LEN) {
        this.broken = { code: 'bad_length', message: `message length ${length} < 8`, streamOffset: this.consumed + at };
        return { frames, error: this.broken };
      }
      if (buf.length - at < length) break;
      frames.push(buf.subarray(at, at + length));
      at += length;
    }
    this.consumed += at;
    if (at < buf.length) {
      // Copy the tail so that a large socket chunk is not kept alive by a few leftover bytes.
      const tail = Buffer.from(buf.subarray(at));
      this.pending.push(tail);
      this.pendingLen = tail.length;
    }
    return { frames };
  }
}
