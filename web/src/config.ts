/** The web app's runtime settings, read from `/config.json` that whoever serves the app writes. */

export interface OidcSettings {
  /** The provider's issuer URL (its discovery document is `<authority>/.well-known/openid-configuration`). */
  authority: string;
  /** The public SPA client (authorization code + PKCE, no secret). */
  clientId: string;
  scope: string;
  /** Where a role claim sits in the tokens (a dotted path, e.g. `realm_access.roles` or `groups`). */
  roleClaim: string;
  /** The role value that makes a user an admin. */
  adminRole: string;
}

export interface WebConfig {
  /** Prefix of every API on this origin: `<apiBase>/<context>/...` (the gateway's layout). */
  apiBase: string;
  /** Per-context base URLs that replace `apiBase` (a context's own API, as ADR 0041 serves it). */
  apis: Record<string, string>;
  /** Null: no identity provider; the APIs are called without a token. */
  oidc: OidcSettings | null;
}

export const DEFAULT_CONFIG: WebConfig = { apiBase: "/api", apis: {}, oidc: null };

function text(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") {
    throw new Error(`config.json: ${name} must be a non-empty string`);
  }
  return value;
}

function parseOidc(raw: unknown): OidcSettings | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== "object") throw new Error("config.json: oidc must be an object or null");
  const oidc = raw as Record<string, unknown>;
  return {
    authority: text(oidc.authority, "oidc.authority").replace(/\/+$/, ""),
    clientId: text(oidc.clientId, "oidc.clientId"),
    scope: typeof oidc.scope === "string" && oidc.scope ? oidc.scope : "openid profile email",
    roleClaim: typeof oidc.roleClaim === "string" && oidc.roleClaim ? oidc.roleClaim : "roles",
    adminRole: typeof oidc.adminRole === "string" && oidc.adminRole ? oidc.adminRole : "admin",
  };
}

/** Validate a parsed `/config.json`; missing keys take the defaults. */
export function parseConfig(raw: unknown): WebConfig {
  if (raw === null || typeof raw !== "object") throw new Error("config.json must be an object");
  const body = raw as Record<string, unknown>;
  const apis: Record<string, string> = {};
  if (body.apis !== undefined) {
    if (body.apis === null || typeof body.apis !== "object") {
      throw new Error("config.json: apis must map contexts to URLs");
    }
    for (const [context, url] of Object.entries(body.apis as Record<string, unknown>)) {
      apis[context] = text(url, `apis.${context}`).replace(/\/+$/, "");
    }
  }
  const apiBase =
    body.apiBase === undefined ? DEFAULT_CONFIG.apiBase : text(body.apiBase, "apiBase");
  return { apiBase: apiBase.replace(/\/+$/, ""), apis, oidc: parseOidc(body.oidc) };
}

/** The URL of `path` on a context's API. */
export function apiUrl(config: WebConfig, context: string, path: string): string {
  const base = config.apis[context] ?? config.apiBase;
  return `${base}/${context}${path.startsWith("/") ? path : `/${path}`}`;
}

export async function loadConfig(fetcher: typeof fetch = fetch): Promise<WebConfig> {
  const response = await fetcher("/config.json", { cache: "no-store" });
  if (response.status === 404) return DEFAULT_CONFIG;
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return parseConfig(await response.json());
}
