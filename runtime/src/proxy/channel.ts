// One OpenFlow TCP connection of the proxy, on the project's codec (OpenFlowConnection: framing,
// hellos, echo replies). Adds the hello exchange and version negotiation, the one translation
// between frames and the proxy's neutral messages (wire.ts: every message after the hello, errors
// answered as OpenFlow errors), and write batching: every write made while handling one round of
// input goes out in one flush.
// With limits: a peer that does not complete the handshake in time is closed, and an established
// peer silent for the idle interval is sent an echo request and closed if it does not answer.
// Backpressure: a channel whose queued output passes HIGH_WATER_BYTES is congested until its
// socket drains (onCongestion tells the owner, which pauses the inputs that feed it); input can be
// paused for several reasons at once (pauseInput/resumeInput), and the idle bound waits meanwhile.
// Never throws into the caller: malformed input gets an OpenFlow error or closes the connection
// with a log line.
import type { Socket } from 'node:net';
import {
  encodeMessage,
  errorReplyFor,
  negotiateVersion,
  OpenFlowConnection,
  versionBitmap,
  type OfMessage as WireMessage,
} from '../openflow/index.js';
import type { OfMessage, OfVersion } from './messages.js';
import { errorCode, OFP10, OFP13 } from './messages.js';
import { DecodeFailure, decodeFrame, EncodeFailure, encodeNeutral } from './wire.js';
import type { WirePeer } from './wire-counts.js';
import { type ChannelLimits, countLimit } from './channel-limits.js';
import { coarseNow } from './coarse-clock.js';

const OFPT_HELLO = 0;
const OFPT_ECHO_REQUEST = 2;

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

/**
 * Bytes queued for a peer (socket buffer + this round's writes) above which its channel is
 * congested: the inputs feeding it are paused, and packet-ins for it are dropped (counted), until
 * the socket has drained.
 */
export const HIGH_WATER_BYTES = 1 << 20;
/** A congested channel's peer is slow (packet-ins are dropped, not queued). */
export const SLOW_PEER_BYTES = HIGH_WATER_BYTES;

/** Why a channel's input is paused (bits; input resumes when none is left). */
export const PAUSE_SELF = 1; // this channel's own output is congested (the peer does not read)
export const PAUSE_DOWNSTREAM = 2; // the channel its input feeds (the switch) is congested

export class OfChannel {
  version: OfVersion | null = null;
  private readonly conn: OpenFlowConnection;
  private nextXid = 1;
  /** Bytes written in this round of input, flushed together as one buffer. */
  private outQueue: Buffer[] = [];
  /** The other queue (the two take turns: no array per flush). */
  private spareQueue: Buffer[] = [];
  private outBytes = 0;
  private flushScheduled = false;
  closed = false;
  onMessage: (m: OfMessage, raw: Buffer) => void = () => {};
  onReady: (v: OfVersion) => void = () => {};
  onClose: (why: string) => void = () => {};
  /** Output passed the high-water mark (true) or drained (false). */
  onCongestion: (congested: boolean) => void = () => {};
  /** Output over the high-water mark, until the socket drains. */
  congested = false;
  /** PAUSE_* bits: the socket is paused while any is set. */
  private pausedBy = 0;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** When input was last heard (coarse clock, ms). */
  private heardAt = 0;
  private echoTimer: NodeJS.Timeout | null = null;

  /**
   * `peer`: which side of the proxy this channel talks to (labels the translation counters).
   * `limits`: the handshake must end (the owner calls established()) within handshakeMs; after
   * that, silence for idleMs brings an echo request that must be answered within echoTimeoutMs.
   */
  constructor(
    readonly socket: Socket,
    private readonly log: Logger,
    private readonly versions: OfVersion[] = [OFP13, OFP10],
    readonly peer: WirePeer = 'switch',
    private readonly limits?: ChannelLimits,
  ) {
    this.conn = new OpenFlowConnection(socket, {
      logger: log,
      autoEchoReply: true,
      replyToInvalid: true,
      intercept: (raw) => this.frame(raw),
      ...(limits ? { onInput: this.heard } : {}),
    });
    this.conn.on('message', (m, raw) => this.onWire(m, raw));
    this.conn.on('close', (why) => this.finish(why));
    socket.on('drain', this.drained);
    if (limits) {
      this.handshakeTimer = setTimeout(() => this.overLimit('handshake_timeout', 'handshake timeout'), limits.handshakeMs);
      this.handshakeTimer.unref();
    }
  }

  /** The handshake is complete: the handshake bound ends and the idle bound starts. */
  established(): void {
    if (!this.limits || this.closed || this.idleTimer) return;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.heardAt = coarseNow();
    this.armIdle(this.limits.idleMs);
  }

  /**
   * Any input is a sign of life: the idle interval starts again and a pending echo is answered.
   * Runs for every socket read, so it only stamps the time (coarse clock: no system call, no timer
   * touched); the idle timer compares the stamp when it fires.
   */
  private readonly heard = (): void => {
    this.heardAt = coarseNow();
    if (this.echoTimer) {
      clearTimeout(this.echoTimer);
      this.echoTimer = null;
    }
  };

  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(this.idle, ms);
    this.idleTimer.unref();
  }

  private readonly idle = (): void => {
    this.idleTimer = null;
    if (this.closed || !this.limits || this.version === null) return;
    const idleMs = this.limits.idleMs;
    const quiet = coarseNow() - this.heardAt;
    // Heard within the interval: wait for the rest of it. Input paused (the peer's answer could
    // not be heard; resumeInput starts the interval again) or an echo already out (its own timer
    // closes the connection): wait another interval.
    if (quiet < idleMs || this.pausedBy !== 0 || this.echoTimer) {
      this.armIdle(quiet < idleMs ? idleMs - quiet : idleMs);
      return;
    }
    this.sendWire({ version: this.version, type: 'echo_request', xid: this.xid(), data: Buffer.alloc(0) });
    this.echoTimer = setTimeout(() => this.overLimit('echo_timeout', 'echo timeout'), this.limits.echoTimeoutMs);
    this.echoTimer.unref();
    this.armIdle(idleMs);
  };

  private overLimit(cause: 'handshake_timeout' | 'echo_timeout', why: string): void {
    if (this.closed) return;
    countLimit(this.log, this.peer, cause, { remote: `${this.socket.remoteAddress}:${this.socket.remotePort}` });
    this.close(why);
  }

  /** Sends our hello with a version bitmap (call once the socket is connected). */
  hello(): void {
    const top = Math.max(...this.versions);
    this.sendWire({ version: top, type: 'hello', xid: this.xid(), elements: [versionBitmap(this.versions)] });
  }

  xid(): number {
    this.nextXid = (this.nextXid + 1) >>> 0 || 1;
    return this.nextXid;
  }

  get slow(): boolean {
    return this.congested || this.socket.writableLength + this.outBytes > SLOW_PEER_BYTES;
  }

  /** Stops reading from the peer for `reason` (a PAUSE_* bit). */
  pauseInput(reason: number): void {
    if (this.closed) return;
    if (this.pausedBy === 0) this.socket.pause();
    this.pausedBy |= reason;
  }

  /** Ends the pause for `reason`; reading resumes when no other reason holds it. */
  resumeInput(reason: number): void {
    if (this.pausedBy === 0 || this.closed) return;
    this.pausedBy &= ~reason;
    if (this.pausedBy !== 0) return;
    // The idle interval starts again (nothing could be heard while paused).
    this.heardAt = coarseNow();
    this.socket.resume();
  }

  get inputPaused(): boolean {
    return this.pausedBy !== 0;
  }

  private readonly drained = (): void => {
    if (!this.congested || this.closed) return;
    // The socket is empty. Writes still queued for this round's flush: above half the mark, that
    // flush fills the socket past its own high-water mark again and another 'drain' follows, so
    // the channel stays congested until then; below it, the channel is free now (no later
    // 'drain' is promised).
    if (this.outBytes > HIGH_WATER_BYTES / 2) return;
    this.congested = false;
    this.onCongestion(false);
  };

  private checkCongestion(): void {
    if (this.congested || this.socket.writableLength + this.outBytes <= HIGH_WATER_BYTES) return;
    this.congested = true;
    this.onCongestion(true);
  }

  private onWire(w: WireMessage, raw: Buffer): void {
    if (this.closed) return;
    if (w.type === 'hello') {
      if (this.version !== null) return;
      const v = negotiateVersion(this.versions, w);
      if (v !== OFP10 && v !== OFP13) {
        this.sendWire({
          version: OFP10,
          xid: w.xid,
          type: 'error',
          errType: 0,
          code: 0,
          data: Buffer.from('no common OpenFlow version'),
        });
        this.log.warn({ peerVersion: w.version }, 'no common OpenFlow version');
        this.close('no common version');
        return;
      }
      this.version = v;
      this.conn.version = v;
      this.onReady(v);
      return;
    }
    if (this.version === null) {
      this.log.warn({ type: w.type }, 'OpenFlow message before hello');
      this.close('message before hello');
      return;
    }
    if (w.version !== this.version) {
      this.log.warn({ got: w.version, negotiated: this.version, type: w.type }, 'message in another OpenFlow version refused');
      this.sendError(raw, 1, 0);
      return;
    }
    // Only hellos, echo requests (answered by the connection) and messages in another version
    // than the negotiated one come here: everything else is taken by frame().
    if (w.type === 'echo_request') return;
    this.log.warn({ type: w.type }, 'OpenFlow message outside the translation refused');
    this.sendError(raw, 1, 1);
  }

  /**
   * Every frame after the hello exchange in the negotiated version (but echo requests): through the
   * one translation (wire.ts); errors are answered here. false: the connection decodes it (hellos,
   * echo requests, other versions, anything before negotiation).
   */
  private frame(raw: Buffer): boolean {
    const v = this.version;
    if (this.closed || v === null || raw[0] !== v || raw[1] === OFPT_HELLO || raw[1] === OFPT_ECHO_REQUEST) return false;
    const d = decodeFrame(raw, this.peer);
    if (!(d instanceof DecodeFailure)) {
      this.onMessage(d, raw);
    } else if (d.kind === 'malformed') {
      this.log.warn({ err: d.error }, 'undecodable OpenFlow message');
      this.sendWire(errorReplyFor(raw, d.error!, v));
    } else {
      this.log.warn({ type: raw[1], err: d.message }, 'OpenFlow message the proxy cannot slice refused');
      const { errType, code } = errorCode(v, d.kind);
      this.sendError(raw, errType, code);
    }
    return true;
  }

  private sendError(raw: Buffer, errType: number, code: number): void {
    this.sendWire({
      version: this.version ?? OFP13,
      xid: raw.readUInt32BE(4),
      type: 'error',
      errType,
      code,
      data: Buffer.from(raw.subarray(0, 64)),
    });
  }

  /** Translates, encodes and sends; returns an error text when the peer's version cannot express it. */
  send(m: OfMessage): string | null {
    if (this.closed) return 'closed';
    const bytes = encodeNeutral(m, this.peer);
    if (bytes instanceof EncodeFailure) return bytes.message;
    this.sendRaw(bytes);
    return null;
  }

  sendWire(w: WireMessage): void {
    this.sendRaw(encodeMessage(w));
  }

  /** Writes bytes; writes made in the same tick are flushed together. */
  sendRaw(bytes: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.outQueue.push(bytes);
    this.outBytes += bytes.length;
    if (!this.congested && this.outBytes > HIGH_WATER_BYTES) this.checkCongestion();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Flush once the current round of socket reads has been handled: a burst of input becomes
      // one write (one buffer) per peer instead of one per message.
      process.nextTick(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const q = this.outQueue;
    if (q.length === 0) return;
    this.outQueue = this.spareQueue;
    this.spareQueue = q;
    this.outBytes = 0;
    if (!this.closed && !this.socket.destroyed) {
      this.socket.write(q.length === 1 ? q[0]! : joined(q));
      if (!this.congested && this.socket.writableLength > HIGH_WATER_BYTES) this.checkCongestion();
    }
    q.length = 0;
  };

  close(why: string): void {
    if (this.closed) return;
    // What was sent just before (e.g. the error that says why) goes out first.
    this.flush();
    this.conn.close(why);
    this.socket.destroy();
    this.finish(why);
  }

  private finish(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of [this.handshakeTimer, this.idleTimer, this.echoTimer]) if (t) clearTimeout(t);
    this.handshakeTimer = this.idleTimer = this.echoTimer = null;
    this.onClose(why);
  }
}

/**
 * The round's writes as one buffer: a view of their bytes when they lie end to end in one memory
 * block (hot messages are written that way, hot-messages.ts `outBytes`), else a copy.
 */
function joined(q: readonly Buffer[]): Buffer {
  const first = q[0]!;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < q.length; i++) {
    const b = q[i]!;
    if (b.buffer !== first.buffer || b.byteOffset !== end) return Buffer.concat(q);
    end += b.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}
