// A small HTTP client for the runtime's API (fetch). No VS Code imports: unit-testable under node.
import { ApiError, errorFromResponse, unreachableMessage } from './errors.js';
import type {
  DeployResult,
  Problem,
  RevisionInfo,
  RuntimeStatus,
  SliceDetail,
  SliceFile,
  SliceStats,
  SliceSummary,
  Topology,
  VirtualLink,
} from './types.js';

export interface ApiConnection {
  /** Base URL, e.g. http://127.0.0.1:8181 (a trailing slash is fine). */
  url: string;
  token?: string;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class RuntimeApi {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(conn: ApiConnection) {
    this.base = conn.url.replace(/\/+$/, '');
    this.token = conn.token || undefined;
  }

  healthz(opts?: RequestOptions): Promise<{ ok: boolean }> {
    return this.request('GET', '/healthz', undefined, opts);
  }

  deploy(files: SliceFile[], dryRun = false, opts?: RequestOptions): Promise<DeployResult> {
    return this.request('POST', `/v1/deploy${dryRun ? '?dryRun=true' : ''}`, { files }, opts);
  }

  async listSlices(opts?: RequestOptions): Promise<SliceSummary[]> {
    const body = await this.request<{ slices?: SliceSummary[] }>('GET', '/v1/slices', undefined, opts);
    if (!body || !Array.isArray(body.slices)) throw this.badResponse('/v1/slices', 'no "slices" array');
    return body.slices;
  }

  getSlice(name: string, opts?: RequestOptions): Promise<SliceDetail> {
    return this.request('GET', `/v1/slices/${encodeURIComponent(name)}`, undefined, opts);
  }

  deleteSlice(name: string, opts?: RequestOptions): Promise<{ revision: number }> {
    return this.request('DELETE', `/v1/slices/${encodeURIComponent(name)}`, undefined, opts);
  }

  sliceStats(name: string, opts?: RequestOptions): Promise<SliceStats> {
    return this.request('GET', `/v1/slices/${encodeURIComponent(name)}/stats`, undefined, opts);
  }

  /** The slice's virtual links across the managed core (path in use, state, counters). */
  sliceVirtualLinks(name: string, opts?: RequestOptions): Promise<{ slice: string; node: string; virtualLinks: VirtualLink[] }> {
    return this.request('GET', `/v1/slices/${encodeURIComponent(name)}/virtual-links`, undefined, opts);
  }

  status(opts?: RequestOptions): Promise<RuntimeStatus> {
    return this.request('GET', '/v1/status', undefined, opts);
  }

  /** Deployed switches and links; for the admin also `discovery` (declared vs discovered). */
  topology(opts?: RequestOptions): Promise<Topology> {
    return this.request('GET', '/v1/topology', undefined, opts);
  }

  revisions(opts?: RequestOptions): Promise<{ revisions: RevisionInfo[]; active: number | null }> {
    return this.request('GET', '/v1/revisions', undefined, opts);
  }

  rollback(revision: number, opts?: RequestOptions): Promise<{ revision: number }> {
    return this.request('POST', `/v1/rollback/${revision}`, undefined, opts);
  }

  /** Headers for a request, e.g. for the event stream. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  async request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const url = this.base + path;
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = opts.signal ? anySignal([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (timeout.aborted) {
        throw new ApiError('TIMEOUT', `The DFVisor runtime at ${this.base} did not answer ${method} ${path} in time.`, url);
      }
      throw new ApiError('UNREACHABLE', unreachableMessage(this.base, causeOf(e)), url);
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok) throw this.badResponse(path, `not JSON: ${text.slice(0, 80)}`, res.status);
      }
    }
    if (!res.ok) {
      const problem = json && typeof json === 'object' ? (json as Problem) : text ? { detail: text.slice(0, 200) } : undefined;
      throw errorFromResponse(url, res.status, problem);
    }
    return json as T;
  }

  private badResponse(path: string, why: string, status?: number): ApiError {
    return new ApiError('BAD_RESPONSE', `Unexpected answer from the runtime for ${path}: ${why}.`, this.base + path, status);
  }
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const ctl = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      ctl.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => ctl.abort(s.reason), { once: true });
  }
  return ctl.signal;
}

/** The innermost cause of a fetch failure, e.g. "ECONNREFUSED". */
export function causeOf(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; cause?: unknown; message?: unknown };
    if (typeof c.code === 'string') return c.code;
    if (!c.cause) return typeof c.message === 'string' ? c.message : String(cur);
    cur = c.cause;
  }
  return String(cur);
}
