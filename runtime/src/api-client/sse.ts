// Reads a text/event-stream body into events with eventsource-parser (CRLF/CR/LF line ends, `data:` with or
// without a space, multi-line data, comments), and decodes each event's data as JSON. A malformed event is
// reported through `onError` as a value and the stream goes on.
import { createParser } from 'eventsource-parser';

export interface StreamEvent {
  type: string;
  data: unknown;
}

export interface StreamProblem {
  code: 'SSE_BAD_JSON' | 'SSE_PARSE';
  message: string;
}

/** Feeds the chunks of `body` to the parser; resolves when the body ends. */
export async function readEventStream(
  body: AsyncIterable<Uint8Array>,
  onEvent: (e: StreamEvent) => void,
  onError: (p: StreamProblem) => void,
): Promise<void> {
  const parser = createParser({
    onEvent: (ev) => {
      const type = ev.event ?? 'message';
      let data: unknown;
      try {
        data = JSON.parse(ev.data);
      } catch (e) {
        onError({
          code: 'SSE_BAD_JSON',
          message: `event '${type}' carries data that is not JSON (${(e as Error).message}): ${ev.data.slice(0, 80)}`,
        });
        return;
      }
      onEvent({ type, data });
    },
    onError: (e) => onError({ code: 'SSE_PARSE', message: `event stream: ${e.message}` }),
  });
  const decoder = new TextDecoder();
  let last = '';
  const feed = (text: string) => {
    if (!text) return;
    parser.feed(text);
    last = text;
  };
  for await (const chunk of body) feed(decoder.decode(chunk, { stream: true }));
  feed(decoder.decode());
  // The parser holds back a final CR in case an LF follows; at the end of the stream it is a line end.
  if (last.endsWith('\r')) parser.feed('\n');
}
