// Server-Sent Event streams (GET /v1/events), bounded: at most `perToken` open streams per token
// and `total` in all; a client that does not read (the socket's buffer is full) gets at most
// `maxQueued` events queued, then its stream is closed; a stream closes when its token is
// revoked (at once when revoked here, at the next event or ping when revoked elsewhere).
import type { ServerResponse } from 'node:http';
import type { Principal } from '../deploy/types.js';
import type { EventHub, RuntimeEvent } from './events.js';

export interface SseLimits {
  perToken: number;
  total: number;
  /** Events held for a client whose socket is not draining before the stream is closed. */
  maxQueued?: number;
  pingMs?: number;
}

export interface StreamOptions {
  principal: Principal;
  /** Whether the event may reach this principal. */
  visible: (e: RuntimeEvent) => boolean;
  /** Whether the principal's token is still valid. */
  stillValid: () => boolean;
}

interface Stream {
  tokenId: string;
  close(reason: string): void;
  check(): void;
}

export class SseStreams {
  private readonly streams = new Set<Stream>();
  private readonly maxQueued: number;
  private readonly pingMs: number;

  constructor(
    private readonly hub: EventHub,
    private readonly limits: SseLimits,
  ) {
    this.maxQueued = limits.maxQueued ?? 256;
    this.pingMs = limits.pingMs ?? 15_000;
  }

  get size(): number {
    return this.streams.size;
  }

  /** Why a new stream for this principal would exceed a cap, or undefined. */
  refusal(p: Principal): string | undefined {
    if (this.streams.size >= this.limits.total) return `the runtime serves at most ${this.limits.total} event streams`;
    const mine = [...this.streams].filter((s) => s.tokenId === p.tokenId).length;
    if (mine >= this.limits.perToken) return `at most ${this.limits.perToken} event streams per token`;
    return undefined;
  }

  /** Streams events to `res` (already hijacked from Fastify) until the client or the runtime ends it. */
  open(res: ServerResponse, o: StreamOptions): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const queue: string[] = [];
    let draining = false;
    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      if (draining) {
        if (queue.length >= this.maxQueued) return stream.close('client not reading');
        queue.push(chunk);
        return;
      }
      if (!res.write(chunk)) draining = true;
    };
    res.on('drain', () => {
      draining = false;
      while (queue.length > 0 && !draining) if (!res.write(queue.shift()!)) draining = true;
    });
    const stream: Stream = {
      tokenId: o.principal.tokenId,
      close: (reason) => {
        if (closed) return;
        closed = true;
        this.streams.delete(stream);
        clearInterval(ping);
        unsubscribe();
        queue.length = 0;
        if (!res.destroyed) res.end(`event: closed\ndata: ${JSON.stringify({ type: 'closed', reason })}\n\n`);
      },
      check: () => {
        if (!o.stillValid()) stream.close('token revoked');
      },
    };
    this.streams.add(stream);
    const unsubscribe = this.hub.subscribe((e) => {
      stream.check();
      if (!closed && o.visible(e)) write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    });
    const ping = setInterval(() => {
      stream.check();
      write(': ping\n\n');
    }, this.pingMs);
    ping.unref();
    res.on('close', () => stream.close('client gone'));
    write(': connected\n\n');
  }

  /** Closes the streams of a revoked token now. */
  closeToken(tokenId: string): void {
    for (const s of [...this.streams]) if (s.tokenId === tokenId) s.close('token revoked');
  }

  /** Re-checks every stream's token (after token records changed, e.g. on another node). */
  revalidate(): void {
    for (const s of [...this.streams]) s.check();
  }

  closeAll(): void {
    for (const s of [...this.streams]) s.close('runtime stopping');
  }
}
