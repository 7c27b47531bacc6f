import { describe, expect, it } from "vitest";

import { apiUrl, DEFAULT_CONFIG, loadConfig, parseConfig } from "./config";

describe("parseConfig", () => {
  it("takes the gateway layout by default", () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it("fills the OIDC defaults and trims trailing slashes", () => {
    const config = parseConfig({ apiBase: "/api/", oidc: { authority: "http://127.0.0.1:5556/dex/", clientId: "web" } });
    expect(config.apiBase).toBe("/api");
    expect(config.oidc).toEqual({
      authority: "http://127.0.0.1:5556/dex",
      clientId: "web",
      scope: "openid profile email",
      roleClaim: "roles",
      adminRole: "admin",
    });
  });

  it("refuses an OIDC block without a client id", () => {
    expect(() => parseConfig({ oidc: { authority: "http://x" } })).toThrow("oidc.clientId");
  });
});

describe("apiUrl", () => {
  it("puts the context under the gateway's prefix", () => {
    expect(apiUrl(DEFAULT_CONFIG, "catalog", "/products")).toBe("/api/catalog/products");
  });

  it("uses a context's own API where one is given", () => {
    const config = parseConfig({ apis: { ordering: "http://127.0.0.1:8001/" } });
    expect(apiUrl(config, "ordering", "orders/1")).toBe("http://127.0.0.1:8001/ordering/orders/1");
    expect(apiUrl(config, "catalog", "/products")).toBe("/api/catalog/products");
  });
});

describe("loadConfig", () => {
  it("falls back to the defaults when nothing serves config.json", async () => {
    const fetcher = (async () => new Response("", { status: 404 })) as unknown as typeof fetch;
    expect(await loadConfig(fetcher)).toEqual(DEFAULT_CONFIG);
  });
});
