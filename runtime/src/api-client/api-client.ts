// A small HTTP client for the runtime API, used by the CLI (and tests).
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
  constructor(readonly baseUrl: string, private readonly token: string | undefined) {}

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
      throw new ApiError({ status: 0, code: 'UNREACHABLE', title: 'Runtime unreachable', detail: `cannot reach ${this.baseUrl} (${cause}); is 'dfvisor run' running? set --api or DFVISOR_API` });
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
      throw new ApiError({ status: res.status, code: p.code ?? `HTTP_${res.status}`, title: p.title ?? res.statusText, detail: p.detail ?? String(text).slice(0, 200), diagnostics: p.diagnostics });
    }
    return data as T;
  }

  /** Follows the SSE stream until `signal` aborts; calls `onEvent` per event. */
  async events(onEvent: (type: string, data: unknown) => void, signal: AbortSignal): Promise<void> {
    const res = await fetch(new URL('/v1/events', this.baseUrl), { headers: this.token ? { authorization: `Bearer ${this.token}` } : {}, signal });
    if (!res.ok || !res.body) throw new ApiError({ status: res.status, code: `HTTP_${res.status}`, title: 'Event stream refused', detail: await res.text() });
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let type = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) type = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent(type, JSON.parse(data.join('\n')));
      }
    }
  }
}
