/** What the web app reads from tokens: who the user is and whether they are an admin. */

/** The payload of a JWT, unverified (the APIs verify tokens; this only shapes the UI). */
export function jwtPayload(token: string | undefined | null): Record<string, unknown> {
  const part = token?.split(".")[1];
  if (!part) return {};
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The value at a dotted path (`realm_access.roles`) of a claims object. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Roles named at `path` in any of the claim sets (a list, or a space-separated string). */
export function rolesOf(path: string, ...claimSets: Record<string, unknown>[]): Set<string> {
  const roles = new Set<string>();
  for (const claims of claimSets) {
    const value = claimAt(claims, path);
    const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(" ") : [];
    for (const role of list) if (typeof role === "string" && role) roles.add(role);
  }
  return roles;
}
