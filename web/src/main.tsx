/** Start: read /config.json, find the session, render. */

import { StrictMode, useCallback, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { HttpClient } from "./api/http";
import { ShopApi } from "./api/shop";
import { authenticatorFor, type Authenticator, type Session } from "./auth/session";
import { loadConfig, type WebConfig } from "./config";
import { ShopProvider } from "./context";
import "./styles.css";

function Root({ config }: { config: WebConfig }) {
  const auth: Authenticator = useMemo(() => authenticatorFor(config), [config]);
  const api = useMemo(() => new ShopApi(new HttpClient(config, () => auth.accessToken())), [config, auth]);
  const [session, setSession] = useState<Session | null>(null);
  const refresh = useCallback(() => {
    void auth.current().then(setSession);
  }, [auth]);
  useEffect(refresh, [refresh]);
  return (
    <ShopProvider shop={{ config, api, auth, session, refresh }}>
      <App onLogin={refresh} />
    </ShopProvider>
  );
}

const root = createRoot(document.getElementById("root")!);
loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <Root config={config} />
      </StrictMode>,
    ),
  (error: unknown) => root.render(<p className="error">The shop could not start: {String(error)}</p>),
);
