import { describe, expect, it } from "vitest";

import { DEFAULT_CONFIG } from "../config";
import { ApiError, HttpClient, queryString } from "./http";

type Call = { url: string; init: RequestInit };

function client(response: Response, token: string | null = "tok") {
  const calls: Call[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return response;
  }) as typeof fetch;
  return { http: new HttpClient(DEFAULT_CONFIG, async () => token, fetcher), calls };
}

describe("HttpClient", () => {
  it("sends the bearer token and a JSON body", async () => {
    const { http, calls } = client(Response.json({ ok: true }));
    await http.request("basket", "/carts/alice/lines", { method: "POST", body: { quantity: 2 } });
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(calls[0]!.url).toBe("/api/basket/carts/alice/lines");
    expect(headers.authorization).toBe("Bearer tok");
    expect(headers["content-type"]).toBe("application/json");
    expect(calls[0]!.init.body).toBe('{"quantity":2}');
  });

  it("sends no authorization header without a token", async () => {
    const { http, calls } = client(Response.json([]), null);
    await http.get("catalog", "/categories");
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it("turns a problem+json answer into an ApiError", async () => {
    const problem = { type: "about:blank", title: "Forbidden", status: 403, detail: "admins only" };
    const response = new Response(JSON.stringify(problem), {
      status: 403,
      headers: { "content-type": "application/problem+json" },
    });
    const { http } = client(response);
    const error = await http.get("catalog", "/products").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect((error as ApiError).message).toBe("Forbidden: admins only");
  });

  it("returns undefined for 204", async () => {
    const { http } = client(new Response(null, { status: 204 }));
    expect(await http.request("notification", "/templates/x", { method: "DELETE" })).toBeUndefined();
  });
});

describe("queryString", () => {
  it("leaves out empty values", () => {
    expect(queryString({ q: "mug", category: "", limit: 8, offset: 0, x: undefined })).toBe("?q=mug&limit=8&offset=0");
    expect(queryString({})).toBe("");
  });
});
