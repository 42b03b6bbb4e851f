// One OpenFlow TCP connection: framing, decoding, version negotiation and sending.
// Never throws into the caller: malformed input closes the connection with a log line.
import type { Socket } from 'node:net';
import { decodeMessage, encodeMessage, Framer, negotiate, WireError } from './wire/index.js';
import type { OfMessage, OfVersion } from './wire/model.js';
import { OFP10, OFP13 } from './wire/model.js';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function childLogger(l: Logger, bindings: Record<string, unknown>): Logger {
  return l.child ? l.child(bindings) : l;
}

/** Bytes queued on a socket above which it counts as slow (packet-ins are dropped, not queued). */
export const SLOW_PEER_BYTES = 4 << 20;

export class OfChannel {
  version: OfVersion | null = null;
  private framer = new Framer();
  private nextXid = 1;
  closed = false;
  onMessage: (m: OfMessage) => void = () => {};
  onReady: (v: OfVersion) => void = () => {};
  onClose: (why: string) => void = () => {};

  constructor(readonly socket: Socket, private readonly log: Logger, private readonly versions: OfVersion[] = [OFP13, OFP10]) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.close(`socket error: ${e.message}`));
    socket.on('close', () => this.close('closed by peer'));
  }

  /** Sends our hello (call once the socket is connected). */
  hello(): void {
    const top = Math.max(...this.versions) as OfVersion;
    this.sendRaw(encodeMessage({ version: top, xid: this.xid(), type: 'hello', versions: this.versions }));
  }

  xid(): number {
    this.nextXid = (this.nextXid + 1) >>> 0 || 1;
    return this.nextXid;
  }

  get slow(): boolean { return this.socket.writableLength > SLOW_PEER_BYTES; }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try { frames = this.framer.push(chunk); } catch (e) { this.close(`framing: ${(e as Error).message}`); return; }
    for (const f of frames) {
      if (this.closed) return;
      let m: OfMessage;
      try {
        m = decodeMessage(f);
      } catch (e) {
        if (e instanceof WireError && this.version !== null) {
          this.log.warn({ err: e.message, type: f[1] }, 'undecodable message refused');
          // OFPET_BAD_REQUEST / OFPBRC_BAD_TYPE (1/1) with the offending bytes, same code in 1.0 and 1.3.
          this.send({ version: this.version, xid: f.readUInt32BE(4), type: 'error', errType: 1, code: 1, data: Buffer.from(f.subarray(0, Math.min(64, f.length))) });
          continue;
        }
        this.close(`decode: ${(e as Error).message}`);
        return;
      }
      if (m.type === 'hello' && this.version === null) {
        const v = negotiate(this.versions, { version: f[0], versions: m.versions });
        if (v === null) {
          this.send({ version: OFP10, xid: m.xid, type: 'error', errType: 0, code: 0, data: Buffer.from('no common OpenFlow version') });
          this.close('no common version');
          return;
        }
        this.version = v;
        this.onReady(v);
        continue;
      }
      if (this.version === null) { this.close('message before hello'); return; }
      if (m.type === 'echo_request') { this.send({ version: this.version, xid: m.xid, type: 'echo_reply', data: m.data }); continue; }
      this.onMessage(m);
    }
  }

  /** Encodes and sends; returns an error message when the peer's version cannot express it. */
  send(m: OfMessage): string | null {
    if (this.closed) return 'closed';
    let bytes: Buffer;
    try { bytes = encodeMessage(m); } catch (e) { return (e as Error).message; }
    this.sendRaw(bytes);
    return null;
  }

  sendRaw(bytes: Buffer): void {
    if (this.closed) return;
    this.socket.write(bytes);
  }

  close(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(why);
  }
}
