/**
 * JsonStreamFramer: cuts a byte stream of concatenated JSON texts (what OVSDB's JSON-RPC sends: one
 * object after another, no delimiter, whitespace allowed between them) into whole texts, each then
 * given to JSON.parse. It tracks only nesting depth and string/escape state, incrementally across
 * chunks (each byte is looked at once). UTF-8 continuation bytes are >= 0x80 and so never mistaken
 * for the ASCII structure characters. Anything at the top level other than whitespace or the start
 * of an object/array, a text that JSON.parse rejects, or a text longer than `maxFrameBytes` breaks
 * the stream for good: the caller must close the connection.
 */

export interface JsonFramingError {
  readonly code: 'garbage' | 'bad_json' | 'too_large';
  readonly message: string;
  /** Offset in the stream of the byte or text that broke it. */
  readonly streamOffset: number;
}

export interface JsonFrameBatch {
  /** Whole, parsed JSON texts, in stream order. */
  readonly values: unknown[];
  /** Set once the stream is broken; later pushes return no values and the same error. */
  readonly error?: JsonFramingError;
}

const OPEN_BRACE = 0x7b,
  CLOSE_BRACE = 0x7d,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22,
  BACKSLASH = 0x5c;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** 64 MiB: far above any OVSDB reply a switch sends (the vswitch schema is ~100 KiB). */
export const DEFAULT_MAX_FRAME_BYTES = 64 << 20;

export class JsonStreamFramer {
  /** Bytes of the text being assembled (chunks, the last one possibly partial). */
  private parts: Buffer[] = [];
  private partsLen = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Stream offset of the first byte not yet consumed into a completed text. */
  private consumed = 0;
  private broken: JsonFramingError | undefined;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  get error(): JsonFramingError | undefined {
    return this.broken;
  }

  /** Bytes held waiting for the rest of a text. */
  get buffered(): number {
    return this.partsLen;
  }

  push(chunk: Buffer): JsonFrameBatch {
    if (this.broken) return { values: [], error: this.broken };
    const values: unknown[] = [];
    let start = 0; // start in `chunk` of the part of the current text that lies in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.depth === 0) {
        if (WHITESPACE.has(b)) {
          start = i + 1;
          this.consumed++;
          continue;
        }
        if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
          return this.fail(values, 'garbage', `unexpected byte 0x${b.toString(16).padStart(2, '0')} between JSON texts`, this.consumed);
        }
        start = i;
        this.depth = 1;
        continue;
      }
      if (this.partsLen + (i + 1 - start) > this.maxFrameBytes) {
        return this.fail(values, 'too_large', `JSON text longer than ${this.maxFrameBytes} bytes`, this.consumed);
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          const text = this.take(chunk.subarray(start, i + 1));
          const at = this.consumed;
          this.consumed += text.length;
          start = i + 1;
          try {
            values.push(JSON.parse(text.toString('utf8')));
          } catch (e) {
            return this.fail(values, 'bad_json', `invalid JSON text: ${(e as Error).message}`, at);
          }
        }
      }
    }
    if (this.depth > 0 && start < chunk.length) {
      // Copy: the caller may reuse its buffer.
      const rest = Buffer.from(chunk.subarray(start));
      this.parts.push(rest);
      this.partsLen += rest.length;
    }
    return { values };
  }

  /** The buffered parts plus `tail`, as one buffer; clears the buffer. */
  private take(tail: Buffer): Buffer {
    if (this.parts.length === 0) return tail;
    const whole = Buffer.concat([...this.parts, tail], this.partsLen + tail.length);
    this.parts = [];
    this.partsLen = 0;
    return whole;
  }

  private fail(values: unknown[], code: JsonFramingError['code'], message: string, streamOffset: number): JsonFrameBatch {
    this.broken = { code, message, streamOffset };
    this.parts = [];
    this.partsLen = 0;
    return { values, error: this.broken };
  }
}
