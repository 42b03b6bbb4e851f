/**
 * OvsdbClient: one JSON-RPC 1.0 connection to an OVSDB server (RFC 7047 §4), over a unix or tcp
 * socket. Requests (`list_dbs`, `get_schema`, `transact`, any other method) return promises of
 * results-as-values and never reject; each has a timeout. The server's `echo` requests are
 * answered; its notifications (e.g. monitor `update`) go to `onNotification`. A dead server, a
 * closed socket or garbage on the wire fails the pending requests with 'closed' or 'protocol' and
 * closes the client; nothing throws.
 */
import { connect, type Socket } from 'node:net';
import { connectOptions, parseOvsdbAddress } from './address.js';
import { JsonStreamFramer } from './framer.js';
import { ovsErr, ovsOk, type OperationResult, type Operation, type OvsdbError, type OvsdbResult } from './types.js';

export interface OvsdbClientOptions {
  /** Per-request timeout (ms); also the connect timeout. Default 5000. */
  timeoutMs?: number;
  /** Server notifications (requests with a null id), e.g. `update` after `monitor`. */
  onNotification?: (method: string, params: unknown) => void;
}

/** Just the parts of a database schema the client's users read. */
export interface DbSchema {
  name: string;
  version: string;
  tables: Record<string, { columns: Record<string, unknown> }>;
}

interface Pending {
  method: string;
  resolve: (r: OvsdbResult<unknown>) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;

export class OvsdbClient {
  private readonly framer = new JsonStreamFramer();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closeError: OvsdbError | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly opts: OvsdbClientOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown({ code: 'closed', message: `connection error: ${e.message}` }));
    socket.on('close', () => this.shutdown({ code: 'closed', message: 'connection closed by the server' }));
  }

  /** Opens a connection to `unix:PATH` or `tcp:HOST:PORT`. */
  static connect(address: string, opts: OvsdbClientOptions = {}): Promise<OvsdbResult<OvsdbClient>> {
    const parsed = parseOvsdbAddress(address);
    if (!parsed.ok) return Promise.resolve(ovsErr('bad_address', parsed.message));
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve) => {
      const socket = connect(connectOptions(parsed.address));
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(ovsErr('timeout', `connecting to ${address}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (e: Error) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(ovsErr('connect', `connecting to ${address}: ${e.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay?.(true);
        resolve(ovsOk(new OvsdbClient(socket, opts)));
      });
    });
  }

  /** Why the client is closed, or undefined while it is open. */
  get closed(): OvsdbError | undefined {
    return this.closeError;
  }

  close(): void {
    this.shutdown({ code: 'closed', message: 'connection closed by the client' });
  }

  /** Sends one JSON-RPC request and waits for its reply (`error` non-null becomes 'rpc'). */
  request(method: string, params: unknown[], timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS): Promise<OvsdbResult<unknown>> {
    if (this.closeError) return Promise.resolve(ovsErr('closed', `${method}: ${this.closeError.message}`));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(ovsErr('timeout', `${method}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, timer });
      this.send({ method, params, id });
    });
  }

  async listDbs(): Promise<OvsdbResult<string[]>> {
    const r = await this.request('list_dbs', []);
    if (!r.ok) return r;
    if (!Array.isArray(r.value) || !r.value.every((d) => typeof d === 'string'))
      return ovsErr('protocol', 'list_dbs: the reply is not a list of names');
    return ovsOk(r.value as string[]);
  }

  async getSchema(db: string): Promise<OvsdbResult<DbSchema>> {
    const r = await this.request('get_schema', [db]);
    if (!r.ok) return r;
    const s = r.value as Partial<DbSchema> | null;
    if (!s || typeof s !== 'object' || typeof s.name !== 'string' || !s.tables || typeof s.tables !== 'object') {
      return ovsErr('protocol', 'get_schema: the reply is not a schema');
    }
    return ovsOk(s as DbSchema);
  }

  /**
   * Runs `ops` as one transaction. Fails with 'transact' (the server's error, details and the
   * failing operation's index) when any operation or the commit fails: then nothing was changed.
   */
  async transact(db: string, ops: Operation[], timeoutMs?: number): Promise<OvsdbResult<OperationResult[]>> {
    const r = await this.request('transact', [db, ...ops], timeoutMs);
    if (!r.ok) return r;
    if (!Array.isArray(r.value)) return ovsErr('protocol', 'transact: the reply is not an array');
    const results = r.value as Array<(OperationResult & { error?: string; details?: string }) | null>;
    for (let i = 0; i < results.length; i++) {
      const res = results[i];
      if (res && typeof res === 'object' && typeof res.error === 'string') {
        const what =
          i < ops.length ? `operation ${i} (${ops[i].op}${'table' in ops[i] ? ` ${(ops[i] as { table: string }).table}` : ''})` : 'commit';
        return ovsErr('transact', `transact: ${what} failed: ${res.error}${res.details ? `: ${res.details}` : ''}`, {
          serverError: res.error,
          opIndex: i,
        });
      }
    }
    if (results.length < ops.length) return ovsErr('protocol', `transact: ${results.length} results for ${ops.length} operations`);
    return ovsOk(results.slice(0, ops.length).map((x) => x ?? {}));
  }

  private send(msg: unknown): void {
    if (this.socket.destroyed) return;
    this.socket.write(JSON.stringify(msg));
  }

  private onData(chunk: Buffer): void {
    const batch = this.framer.push(chunk);
    for (const v of batch.values) {
      if (this.closeError) return;
      this.onMessage(v);
    }
    if (batch.error)
      this.shutdown({
        code: 'protocol',
        message: `the server sent ${batch.error.code === 'garbage' ? 'non-JSON data' : 'bad JSON'}: ${batch.error.message}`,
      });
  }

  private onMessage(v: unknown): void {
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      this.shutdown({ code: 'protocol', message: 'the server sent a JSON text that is not a JSON-RPC object' });
      return;
    }
    const m = v as { method?: unknown; params?: unknown; id?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === 'string') {
      if (m.id === null || m.id === undefined) {
        try {
          this.opts.onNotification?.(m.method, m.params);
        } catch {
          /* a listener's bug must not break the connection */
        }
        return;
      }
      if (m.method === 'echo') this.send({ result: m.params ?? [], error: null, id: m.id });
      else this.send({ result: null, error: `unknown method ${m.method}`, id: m.id });
      return;
    }
    if (!('id' in m) || !('result' in m || 'error' in m)) {
      this.shutdown({ code: 'protocol', message: 'the server sent an object that is neither a request nor a reply' });
      return;
    }
    const p = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (!p) return; // a reply to a request that timed out (or to an echo we never sent)
    this.pending.delete(m.id as number);
    clearTimeout(p.timer);
    if (m.error !== null && m.error !== undefined) {
      const e = m.error as { error?: unknown; details?: unknown } | string;
      const serverError = typeof e === 'string' ? e : String(e.error ?? JSON.stringify(e));
      const details = typeof e === 'object' && e.details ? `: ${String(e.details)}` : '';
      p.resolve(ovsErr('rpc', `${p.method}: ${serverError}${details}`, { serverError }));
    } else {
      p.resolve(ovsOk(m.result));
    }
  }

  private shutdown(reason: OvsdbError): void {
    if (this.closeError) return;
    this.closeError = reason;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve(ovsErr(reason.code, `${p.method}: ${reason.message}`));
    }
    this.pending.clear();
    this.socket.destroy();
  }
}
