import { describe, expect, it } from "vitest";

import { claimAt, jwtPayload, rolesOf } from "./claims";

function jwt(payload: object): string {
  const utf8 = String.fromCharCode(...new TextEncoder().encode(JSON.stringify(payload)));
  const part = btoa(utf8).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `e30.${part}.sig`;
}

describe("claims", () => {
  it("reads a JWT's payload, and nothing from a token that is not one", () => {
    expect(jwtPayload(jwt({ sub: "alice", n: "ü" }))).toEqual({ sub: "alice", n: "ü" });
    expect(jwtPayload("opaque")).toEqual({});
    expect(jwtPayload(null)).toEqual({});
  });

  it("finds a claim at a dotted path", () => {
    expect(claimAt({ realm_access: { roles: ["admin"] } }, "realm_access.roles")).toEqual(["admin"]);
    expect(claimAt({ realm_access: null }, "realm_access.roles")).toBeUndefined();
  });

  it("collects roles from lists and space-separated strings in every claim set", () => {
    const roles = rolesOf("roles", { roles: ["customer"] }, { roles: "admin auditor" }, {});
    expect([...roles].sort()).toEqual(["admin", "auditor", "customer"]);
  });
});
