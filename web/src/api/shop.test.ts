import { describe, expect, it } from "vitest";

import { DEFAULT_CONFIG } from "../config";
import { HttpClient } from "./http";
import { ShopApi } from "./shop";

function recording() {
  const calls: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push({ url, method: init.method ?? "GET", headers: init.headers as Record<string, string>, body });
    return Response.json({});
  }) as typeof fetch;
  return { api: new ShopApi(new HttpClient(DEFAULT_CONFIG, async () => "tok", fetcher)), calls };
}

describe("ShopApi", () => {
  it("checks out with the idempotency key in its header and the e-mail in the body", async () => {
    const { api, calls } = recording();
    await api.checkout("cust/1", "key-1", "a@example.com");
    expect(calls[0]).toMatchObject({
      url: "/api/basket/carts/cust%2F1/checkout",
      method: "POST",
      headers: { "idempotency-key": "key-1" },
      body: { email: "a@example.com" },
    });
  });

  it("searches products with the catalog's query names", async () => {
    const { api, calls } = recording();
    await api.products({ q: "mug", includeInactive: true, limit: 8, offset: 16 });
    expect(calls[0]!.url).toBe("/api/catalog/products?q=mug&include_inactive=true&limit=8&offset=16");
  });

  it("finds a context's dead letters and the order stream on that context's API", async () => {
    const { api, calls } = recording();
    await api.deadLetters("reports");
    expect(calls[0]!.url).toBe("/api/reports/dead-letters");
    expect(api.orderEventsUrl("o-1")).toBe("/api/ordering/orders/o-1/events");
  });
});
