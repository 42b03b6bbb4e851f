/**
 * OpenFlowConnection: a thin wrapper over a net.Socket that frames, decodes and encodes OpenFlow
 * messages. It answers echo requests (optional), replies to undecodable messages with the suggested
 * OpenFlow error (optional), allocates xids, and closes with a logged reason on framing errors.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { type DecodeError, decodeMessage, encodeMessage, errorReplyFor } from './codec.js';
import { OpenFlowFramer } from './framer.js';
import type { OfMessage } from './types.js';

/** The subset of a pino logger this uses. */
export interface OfLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface OpenFlowConnectionOptions {
  /** Reply to echo_request automatically (default true). */
  readonly autoEchoReply?: boolean;
  /** Send an OpenFlow error back for messages that frame but do not decode (default true). */
  readonly replyToInvalid?: boolean;
  readonly logger?: OfLogger;
  /** Context added to every log line (e.g. { dpid, slice }). */
  readonly logContext?: object;
  /** First xid handed out by nextXid() (default 1). */
  readonly firstXid?: number;
  /**
   * Sees every frame before it is decoded; true means it took the frame (no decode, no event).
   * For owners with a faster reader of some message types; what it declines is decoded as usual.
   */
  readonly intercept?: (raw: Buffer) => boolean;
  /**
   * Called for every chunk the socket delivers, before it is framed (a sign of life, whole
   * messages or not). An option rather than a second 'data' listener: an emitter with two
   * listeners copies its listener array on every event.
   */
  readonly onInput?: () => void;
}

export interface OpenFlowConnectionEvents {
  /** A decoded message and its raw bytes (a view; copy it to keep it beyond the handler). */
  message: [msg: OfMessage, raw: Buffer];
  /** A message that framed but did not decode (an error reply was sent if replyToInvalid). */
  invalid: [error: DecodeError, raw: Buffer];
  close: [reason: string];
}

export class OpenFlowConnection extends EventEmitter<OpenFlowConnectionEvents> {
  private readonly framer = new OpenFlowFramer();
  private xid: number;
  private closedReason: string | undefined;
  /** Negotiated version, set by the owner after the hello exchange (used by sendError). */
  version: 1 | 4 | undefined;
  private readonly waiters = new Map<number, (msg: OfMessage) => void>();

  constructor(
    readonly socket: Socket,
    private readonly options: OpenFlowConnectionOptions = {},
  ) {
    super();
    this.xid = options.firstXid ?? 1;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.finish(`socket error: ${err.message}`));
    socket.on('close', () => this.finish('peer closed'));
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Next transaction id (32-bit, wraps, never 0). */
  nextXid(): number {
    const x = this.xid;
    this.xid = this.xid >= 0xffffffff ? 1 : this.xid + 1;
    return x;
  }

  send(msg: OfMessage): boolean {
    return this.sendRaw(encodeMessage(msg));
  }

  sendRaw(buf: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false;
    return this.socket.write(buf);
  }

  /**
   * Send `msg` and resolve with the first message that comes back with the same xid (reply or
   * error), or reject after `timeoutMs`. Replies are still emitted as 'message' events.
   */
  request(msg: OfMessage, timeoutMs = 5000): Promise<OfMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(msg.xid);
        reject(new Error(`no reply to ${msg.type} xid ${msg.xid} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(msg.xid, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      if (!this.send(msg) && this.closed) {
        clearTimeout(timer);
        this.waiters.delete(msg.xid);
        reject(new Error(`connection closed: ${this.closedReason}`));
      }
    });
  }

  /** Close with a reason that is logged and emitted once. */
  close(reason: string): void {
    if (this.closed) return;
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 1000);
    t.unref();
    this.finish(reason);
  }

  private onData(chunk: Buffer): void {
    this.options.onInput?.();
    const { frames, error } = this.framer.push(chunk);
    for (const raw of frames) {
      if (this.closed) return;
      this.onFrame(raw);
    }
    if (error) {
      this.options.logger?.warn({ ...this.options.logContext, err: error }, 'OpenFlow framing error');
      this.close(`framing error: ${error.message}`);
    }
  }

  private onFrame(raw: Buffer): void {
    if (this.options.intercept?.(raw)) return;
    const result = decodeMessage(raw);
    if (!result.ok) {
      this.options.logger?.warn({ ...this.options.logContext, err: result.error }, 'undecodable OpenFlow message');
      if (this.options.replyToInvalid !== false) this.send(errorReplyFor(raw, result.error, this.version));
      this.emit('invalid', result.error, raw);
      return;
    }
    const msg = result.msg;
    if (msg.type === 'echo_request' && this.options.autoEchoReply !== false && (msg.version === 1 || msg.version === 4)) {
      this.send({ version: msg.version, type: 'echo_reply', xid: msg.xid, data: msg.data });
    }
    const waiter = this.waiters.get(msg.xid);
    if (waiter && msg.type !== 'echo_request' && msg.type !== 'hello') {
      this.waiters.delete(msg.xid);
      waiter(msg);
    }
    this.emit('message', msg, raw);
  }

  private finish(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    this.options.logger?.info({ ...this.options.logContext, reason }, 'OpenFlow connection closed');
    this.emit('close', reason);
  }
}
