// A small HTTP client for the runtime API, used by the CLI (and tests).
import { readEventStream, type StreamProblem } from './sse.js';
export interface ApiProblem {
  status: number;
  code: string;
  title: string;
  detail: string;
  diagnostics?: unknown[];
}

export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(`${problem.title} (${problem.status} ${problem.code}): ${problem.detail}`);
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : this.baseUrl + '/');
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new ApiError({
        status: 0,
        code: 'UNREACHABLE',
        title: 'Runtime unreachable',
        detail: `cannot reach ${this.baseUrl} (${cause}); is 'dfvisor run' running? set --api or DFVISOR_API`,
      });
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!res.ok) {
      const p = (data && typeof data === 'object' ? data : {}) as Partial<ApiProblem>;
      throw new ApiError({
        status: res.status,
        code: p.code ?? `HTTP_${res.status}`,
        title: p.title ?? res.statusText,
        detail: p.detail ?? String(text).slice(0, 200),
        diagnostics: p.diagnostics,
      });
    }
    return data as T;
  }

  /**
   * Follows the SSE stream until `signal` aborts; calls `onEvent` per event whose data is JSON and
   * `onProblem` for a malformed one (the stream goes on).
   */
  async events(
    onEvent: (type: string, data: unknown) => void,
    signal: AbortSignal,
    onProblem: (p: StreamProblem) => void = () => undefined,
  ): Promise<void> {
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    };
    const res = await fetch(new URL('/v1/events', this.baseUrl), { headers, signal });
    if (!res.ok || !res.body)
      throw new ApiError({ status: res.status, code: `HTTP_${res.status}`, title: 'Event stream refused', detail: await res.text() });
    await readEventStream(res.body as unknown as AsyncIterable<Uint8Array>, (e) => onEvent(e.type, e.data), onProblem);
  }
}
