// A minimal LSP client over a child's stdio (Content-Length framing), for the bundle test.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface LspMessage {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export class StdioLsp {
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiters: { accept: (m: LspMessage) => boolean; resolve: (m: LspMessage) => void }[] = [];
  readonly received: LspMessage[] = [];

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString('ascii'));
      if (!m) throw new Error('bad LSP header');
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8')) as LspMessage;
      this.buf = this.buf.subarray(sep + 4 + len);
      this.received.push(msg);
      // Answer server-to-client requests (configuration, registration) so the server is not left waiting.
      if (msg.id !== undefined && msg.method) this.write({ id: msg.id, result: msg.method === 'workspace/configuration' ? [] : null });
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].accept(msg)) this.waiters.splice(i, 1)[0].resolve(msg);
      }
    }
  }

  private write(msg: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  /** Resolves with the first message (already received or future) that `accept` takes. */
  waitFor(accept: (m: LspMessage) => boolean): Promise<LspMessage> {
    const seen = this.received.find(accept);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ accept, resolve }));
  }

  request(method: string, params: unknown): Promise<LspMessage> {
    const id = this.nextId++;
    this.write({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  notify(method: string, params: unknown): void {
    this.write({ method, params });
  }
}
