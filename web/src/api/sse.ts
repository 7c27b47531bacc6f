/**
 * Server-sent events over fetch, so the request can carry a bearer token (EventSource cannot).
 * `SseParser` turns chunks of the stream into events (the WHATWG event-stream format);
 * `followEvents` reads a stream, and reconnects with `Last-Event-ID` until told to stop.
 */

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  lastEventId: string | null = null;

  /** Feed one chunk of text; the events it completes. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? "";
    for (const line of lines) {
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
    return null;
  }

  private dispatch(): SseEvent | null {
    if (this.id !== null) this.lastEventId = this.id;
    const event =
      this.data.length > 0 ? { id: this.lastEventId, event: this.event || "message", data: this.data.join("\n") } : null;
    this.data = [];
    this.event = "";
    this.id = null;
    return event;
  }
}

export interface FollowOptions {
  url: string;
  headers: () => Promise<Record<string, string>>;
  onEvent: (event: SseEvent) => void;
  /** After each event: true when nothing more is expected, so the stream may end for good. */
  done: () => boolean;
  signal: AbortSignal;
  retryMs?: number;
  fetcher?: typeof fetch;
}

async function readStream(response: Response, parser: SseParser, options: FollowOptions): Promise<void> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const event of parser.push(value)) options.onEvent(event);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Follow an event stream until `done()` holds after it ends, or `signal` aborts. */
export async function followEvents(options: FollowOptions): Promise<void> {
  const fetcher = options.fetcher ?? ((...args) => fetch(...args));
  const parser = new SseParser();
  while (!options.signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: "text/event-stream", ...(await options.headers()) };
      if (parser.lastEventId !== null) headers["last-event-id"] = parser.lastEventId;
      const response = await fetcher(options.url, { headers, signal: options.signal, cache: "no-store" });
      if (response.status >= 400 && response.status < 500) {
        throw new Error(`event stream refused: HTTP ${response.status}`);
      }
      if (response.ok) await readStream(response, parser, options);
    } catch (error) {
      if (options.signal.aborted) return;
      if (error instanceof Error && error.message.startsWith("event stream refused")) throw error;
    }
    if (options.done()) return;
    await pause(options.retryMs ?? 1000, options.signal);
  }
}
