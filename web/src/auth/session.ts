/**
 * Who is shopping. With an identity provider configured, the user logs in through it
 * (authorization code + PKCE, by oidc-client-ts) and the APIs get the access token; the
 * customer id is the token's subject. Without one (`oidc: null`), the APIs take calls without
 * tokens, and a guest id kept in this browser stands in for the customer.
 */

import { UserManager, WebStorageStateStore, type User } from "oidc-client-ts";

import type { OidcSettings, WebConfig } from "../config";
import { jwtPayload, rolesOf } from "./claims";

export interface Session {
  customerId: string;
  name: string;
  isAdmin: boolean;
}

export interface Authenticator {
  /** True when an identity provider is configured (login and logout mean something). */
  readonly usesProvider: boolean;
  current(): Promise<Session | null>;
  accessToken(): Promise<string | null>;
  login(returnTo: string): Promise<void>;
  /** Finish a login on the redirect URI; where the user was going. */
  completeLogin(url: string): Promise<string>;
  logout(): Promise<void>;
}

export function sessionOf(user: User, oidc: OidcSettings): Session {
  const roles = rolesOf(oidc.roleClaim, user.profile as Record<string, unknown>, jwtPayload(user.access_token));
  const profile = user.profile;
  const name = profile.preferred_username ?? profile.name ?? profile.email ?? profile.sub;
  return { customerId: profile.sub, name: String(name), isAdmin: roles.has(oidc.adminRole) };
}

export class OidcAuthenticator implements Authenticator {
  readonly usesProvider = true;
  private readonly manager: UserManager;

  constructor(
    private readonly oidc: OidcSettings,
    origin: string,
  ) {
    this.manager = new UserManager({
      authority: oidc.authority,
      client_id: oidc.clientId,
      redirect_uri: `${origin}/callback`,
      post_logout_redirect_uri: `${origin}/`,
      response_type: "code",
      scope: oidc.scope,
      // No silent renewal (it needs an iframe the provider may refuse): an expired login asks again.
      automaticSilentRenew: false,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    });
  }

  private async user(): Promise<User | null> {
    const user = await this.manager.getUser();
    return user && !user.expired ? user : null;
  }

  async current(): Promise<Session | null> {
    const user = await this.user();
    return user ? sessionOf(user, this.oidc) : null;
  }

  async accessToken(): Promise<string | null> {
    return (await this.user())?.access_token ?? null;
  }

  login(returnTo: string): Promise<void> {
    return this.manager.signinRedirect({ state: { returnTo } });
  }

  async completeLogin(url: string): Promise<string> {
    const user = await this.manager.signinRedirectCallback(url);
    const state = user.state as { returnTo?: unknown } | undefined;
    return typeof state?.returnTo === "string" ? state.returnTo : "/";
  }

  /** Forget the login here, then end it at the provider if it offers that. */
  async logout(): Promise<void> {
    const user = await this.manager.getUser();
    await this.manager.removeUser();
    const metadata = await this.manager.metadataService.getMetadata().catch(() => null);
    if (metadata?.end_session_endpoint) {
      await this.manager.signoutRedirect({ id_token_hint: user?.id_token });
    }
  }
}

const GUEST_SLOT = "shopkeeper.guest-id";

export class GuestAuthenticator implements Authenticator {
  readonly usesProvider = false;

  constructor(private readonly store: Storage) {}

  async current(): Promise<Session> {
    let id = this.store.getItem(GUEST_SLOT);
    if (!id) {
      id = `guest-${crypto.randomUUID().slice(0, 8)}`;
      this.store.setItem(GUEST_SLOT, id);
    }
    return { customerId: id, name: id, isAdmin: true };
  }

  async accessToken(): Promise<null> {
    return null;
  }

  async login(): Promise<void> {}

  async completeLogin(): Promise<string> {
    return "/";
  }

  async logout(): Promise<void> {
    this.store.removeItem(GUEST_SLOT);
  }
}

export function authenticatorFor(config: WebConfig): Authenticator {
  return config.oidc
    ? new OidcAuthenticator(config.oidc, window.location.origin)
    : new GuestAuthenticator(window.localStorage);
}
