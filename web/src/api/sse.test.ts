import { describe, expect, it } from "vitest";

import { followEvents, SseParser, type SseEvent } from "./sse";

describe("SseParser", () => {
  it("yields an event once its blank line arrives, across chunks", () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\nevent: status\ndata: {"status":')).toEqual([]);
    expect(parser.push('"PENDING"}\n\n')).toEqual([{ id: "1", event: "status", data: '{"status":"PENDING"}' }]);
    expect(parser.lastEventId).toBe("1");
  });

  it("skips comments such as keep-alives and joins multi-line data", () => {
    const parser = new SseParser();
    const events = parser.push(": keep-alive\n\ndata: a\ndata: b\r\n\r\n");
    expect(events).toEqual([{ id: null, event: "message", data: "a\nb" }]);
  });

  it("keeps the last event id for events that name none", () => {
    const parser = new SseParser();
    const events = parser.push("id: 7\ndata: x\n\ndata: y\n\n");
    expect(events.map((e) => e.id)).toEqual(["7", "7"]);
  });
});

function streamOf(text: string): Response {
  return new Response(new Blob([text]).stream(), { headers: { "content-type": "text/event-stream" } });
}

describe("followEvents", () => {
  it("reconnects with Last-Event-ID until the stream says it is done", async () => {
    const seen: SseEvent[] = [];
    const asked: (string | undefined)[] = [];
    const bodies = ["id: 1\nevent: status\ndata: PENDING\n\n", "id: 2\nevent: status\ndata: CONFIRMED\n\n"];
    const fetcher = (async (_url: string, init: RequestInit) => {
      asked.push((init.headers as Record<string, string>)["last-event-id"]);
      return streamOf(bodies.shift() ?? "");
    }) as typeof fetch;
    await followEvents({
      url: "/api/ordering/orders/x/events",
      headers: async () => ({ authorization: "Bearer t" }),
      onEvent: (event) => seen.push(event),
      done: () => seen.some((event) => event.data === "CONFIRMED"),
      signal: new AbortController().signal,
      retryMs: 1,
      fetcher,
    });
    expect(seen.map((event) => event.data)).toEqual(["PENDING", "CONFIRMED"]);
    expect(asked).toEqual([undefined, "1"]);
  });

  it("gives up on a refusal instead of retrying", async () => {
    const fetcher = (async () => new Response("", { status: 403 })) as unknown as typeof fetch;
    await expect(
      followEvents({
        url: "/x",
        headers: async () => ({}),
        onEvent: () => undefined,
        done: () => false,
        signal: new AbortController().signal,
        fetcher,
      }),
    ).rejects.toThrow("HTTP 403");
  });
});
