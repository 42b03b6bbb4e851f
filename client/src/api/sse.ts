// A text/event-stream reader over fetch. Parsing (CRLF/CR/LF line ends, `data:` with or without a space,
// multi-line data, comments) is eventsource-parser's, the same parser the `dfvisor` CLI uses; this module
// keeps the last event id across events as the HTML spec does. No VS Code imports.
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Incremental parser: feed chunks of text, get whole events back. */
export class SseParser {
  private readonly parser: EventSourceParser;
  private ready: SseEvent[] = [];
  private lastId: string | undefined;

  constructor(onProblem: (message: string) => void = () => undefined) {
    this.parser = createParser({
      onEvent: (ev) => {
        if (ev.id !== undefined) this.lastId = ev.id;
        const out: SseEvent = { event: ev.event ?? 'message', data: ev.data };
        if (this.lastId !== undefined) out.id = this.lastId;
        this.ready.push(out);
      },
      onError: (e) => onProblem(`event stream: ${e.message}`),
    });
  }

  push(chunk: string): SseEvent[] {
    this.parser.feed(chunk);
    const out = this.ready;
    this.ready = [];
    return out;
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
