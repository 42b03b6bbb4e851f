// A tenant workspace without the network's files: the network part and the grant come from the
// runtime the editor is connected to (`GET /v1/grants/mine` with the tenant's token, set in
// initializationOptions `runtime: {url, token}` or the `dfvisor.runtime` setting). The answer's
// `.slice` source is parsed (by the analysis) as one virtual file that the files with no network above them are
// checked with, against the tenant's grant. When the runtime does not answer the state says so
// (offline, with the reason) and it is asked again every `retryMs`.

export interface RuntimeConnection {
  url: string;
  token: string;
}

/** The virtual file's path (shown in related information of grant diagnostics). */
export const RUNTIME_GRANT_PATH = 'dfvisor-runtime:/grant.slice';

export type RuntimeGrantState =
  | { kind: 'off' }
  | { kind: 'loading'; url: string }
  /** `source`: the network part and the grant chain as `.slice` text. */
  | { kind: 'online'; url: string; owner: string; source: string }
  | { kind: 'offline'; url: string; reason: string };

/** `{url, token}` from settings or initialization options; undefined when absent or malformed. */
export function runtimeConnectionOf(v: unknown): RuntimeConnection | undefined {
  const o = v as { url?: unknown; token?: unknown } | null | undefined;
  if (!o || typeof o.url !== 'string' || typeof o.token !== 'string' || o.url === '' || o.token === '') return undefined;
  try {
    new URL(o.url);
  } catch {
    return undefined;
  }
  return { url: o.url.replace(/\/+$/, ''), token: o.token };
}

export class RuntimeGrant {
  state: RuntimeGrantState = { kind: 'off' };
  private conn: RuntimeConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(
    /** Called after every change of state (the server re-checks and tells the user). */
    private readonly onChange: (state: RuntimeGrantState, before: RuntimeGrantState) => void,
    private readonly retryMs = 10_000,
  ) {}

  /** Connects to a runtime (or to none); fetches at once. */
  configure(conn: RuntimeConnection | undefined): void {
    if (conn?.url === this.conn?.url && conn?.token === this.conn?.token) return;
    this.conn = conn;
    this.stopTimer();
    if (!conn) return this.set({ kind: 'off' });
    this.set({ kind: 'loading', url: conn.url });
    void this.refresh();
  }

  /** Asks the runtime again (also called by the retry timer). */
  async refresh(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    const seq = ++this.seq;
    const next = await fetchGrant(conn);
    if (seq !== this.seq || conn !== this.conn) return; // a newer configuration or refresh won
    this.set(next);
    this.stopTimer();
    if (next.kind === 'offline') {
      this.timer = setTimeout(() => void this.refresh(), this.retryMs);
      this.timer.unref();
    }
  }

  dispose(): void {
    this.stopTimer();
    this.conn = undefined;
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(next: RuntimeGrantState): void {
    const before = this.state;
    this.state = next;
    if (JSON.stringify(summary(before)) !== JSON.stringify(summary(next))) this.onChange(next, before);
  }
}

function summary(s: RuntimeGrantState): unknown {
  return s;
}

async function fetchGrant(conn: RuntimeConnection): Promise<RuntimeGrantState> {
  const offline = (reason: string): RuntimeGrantState => ({ kind: 'offline', url: conn.url, reason });
  let res: Response;
  try {
    res = await fetch(`${conn.url}/v1/grants/mine`, {
      headers: { authorization: `Bearer ${conn.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
    return offline(cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
  }
  let body: { owner?: unknown; source?: unknown; detail?: unknown };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    return offline(`HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) return offline(`HTTP ${res.status}${typeof body.detail === 'string' ? `: ${body.detail}` : ''}`);
  if (typeof body.owner !== 'string' || typeof body.source !== 'string') return offline('the answer has no owner or source');
  return { kind: 'online', url: conn.url, owner: body.owner, source: body.source };
}
