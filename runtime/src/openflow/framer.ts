/**
 * OpenFlowFramer: cuts a TCP byte stream into whole OpenFlow messages (handles partial and coalesced
 * chunks). A header with length < 8 or an unknown version is a framing error: the stream cannot be
 * resynchronised, so the caller should close the connection. (Lengths > 65535 cannot be expressed in
 * the 16-bit field; the limit is enforced by construction.)
 * Linear: whole messages inside a chunk are views into it; a message split over chunks is copied
 * once into a buffer of its own length, so a peer sending a byte at a time costs O(bytes).
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
  /** The first bytes (up to 4) of a message whose length is not known yet. */
  private readonly head = Buffer.alloc(4);
  private headLen = 0;
  /** A message whose length is known, allocated at that length and filled as bytes arrive. */
  private body: Buffer | null = null;
  private bodyLen = 0;
  /** Stream offset of the first byte of the message being assembled (or of the next one). */
  private consumed = 0;
  private broken: FramingError | undefined;
  /**
   * Bytes copied so far (for tests: every byte is copied at most once, plus a message's first 4
   * bytes once more when they arrived split, so a byte-at-a-time peer costs linear time).
   */
  copiedBytes = 0;

  constructor(private readonly versions: readonly number[] = KNOWN_WIRE_VERSIONS) {}

  /** Bytes buffered waiting for the rest of a message. */
  get buffered(): number {
    return this.body ? this.bodyLen : this.headLen;
  }

  get error(): FramingError | undefined {
    return this.broken;
  }

  push(chunk: Buffer): FrameBatch {
    if (this.broken) return { frames: [], error: this.broken };
    const frames: Buffer[] = [];
    let at = 0;
    if (this.headLen > 0 || this.body) {
      // Finish the message started in earlier chunks (bytes are copied once, into its own buffer).
      if (!this.body) {
        while (this.headLen < 4 && at < chunk.length) this.head[this.headLen++] = chunk[at++]!;
        this.copiedBytes += at;
        if (this.headLen < 4) return { frames };
        const length = this.checkHeader(this.head, 0);
        if (length < 0) return { frames, error: this.broken };
        this.body = Buffer.allocUnsafe(length);
        this.head.copy(this.body, 0, 0, 4);
        this.bodyLen = 4;
        this.headLen = 0;
        this.copiedBytes += 4;
      }
      const body = this.body;
      const n = Math.min(body.length - this.bodyLen, chunk.length - at);
      chunk.copy(body, this.bodyLen, at, at + n);
      this.copiedBytes += n;
      this.bodyLen += n;
      at += n;
      if (this.bodyLen < body.length) return { frames };
      frames.push(body);
      this.consumed += body.length;
      this.body = null;
      this.bodyLen = 0;
    }
    while (chunk.length - at >= 4) {
      const length = this.checkHeader(chunk, at);
      if (length < 0) return { frames, error: this.broken };
      if (chunk.length - at < length) {
        // Copy the start of the message into its own buffer, so that a large socket chunk is not
        // kept alive by a few leftover bytes.
        const body = Buffer.allocUnsafe(length);
        chunk.copy(body, 0, at);
        this.copiedBytes += chunk.length - at;
        this.body = body;
        this.bodyLen = chunk.length - at;
        return { frames };
      }
      frames.push(chunk.subarray(at, at + length));
      at += length;
      this.consumed += length;
    }
    for (; at < chunk.length; at++) this.head[this.headLen++] = chunk[at]!;
    this.copiedBytes += this.headLen;
    return { frames };
  }

  /** The message length from a header at `at`, or -1 after recording the framing error. */
  private checkHeader(buf: Buffer, at: number): number {
    const version = buf[at]!;
    const length = buf.readUInt16BE(at + 2);
    if (!this.versions.includes(version)) {
      this.broken = { code: 'bad_version', message: `unknown OpenFlow version ${version}`, streamOffset: this.consumed };
      return -1;
    }
    if (length < OFP_HEADER_LEN) {
      this.broken = { code: 'bad_length', message: `message length ${length} < 8`, streamOffset: this.consumed };
      return -1;
    }
    return length;
  }
}
