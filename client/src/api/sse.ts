// A text/event-stream reader over fetch: parses events per the HTML spec (event, data, id; blank line ends
// an event; lines starting with ':' are comments). No VS Code imports.

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Incremental parser: feed chunks of text, get whole events back. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone trailing "\r" might be the first half of "\r\n": wait for more.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return undefined;
      }
      const ev: SseEvent = { event: this.event || 'message', data: this.data.join('\n') };
      if (this.id !== undefined) ev.id = this.id;
      this.event = '';
      this.data = [];
      return ev;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    return undefined;
  }
}

export interface SseSubscription {
  /** Resolves when the stream ends (closed by the server, aborted, or failed: then with the error). */
  done: Promise<Error | undefined>;
  close(): void;
}

/** Opens `url` as an event stream and calls `onEvent` for each event until closed. */
export function subscribe(url: string, headers: Record<string, string>, onEvent: (e: SseEvent) => void): SseSubscription {
  const ctl = new AbortController();
  const done = (async (): Promise<Error | undefined> => {
    try {
      const res = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: ctl.signal });
      if (!res.ok || !res.body) return new Error(`event stream answered ${res.status}`);
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        for (const ev of parser.push(decoder.decode(value, { stream: true }))) onEvent(ev);
      }
    } catch (e) {
      if (ctl.signal.aborted) return undefined;
      return e instanceof Error ? e : new Error(String(e));
    }
  })();
  return { done, close: () => ctl.abort() };
}
