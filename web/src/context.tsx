/** What every page needs: the API client and the session, from one provider. */

import { createContext, useContext, type ReactNode } from "react";

import type { ShopApi } from "./api/shop";
import type { Authenticator, Session } from "./auth/session";
import type { WebConfig } from "./config";

export interface Shop {
  config: WebConfig;
  api: ShopApi;
  auth: Authenticator;
  session: Session | null;
  /** Read the session again (after a login or logout). */
  refresh: () => void;
}

const ShopContext = createContext<Shop | null>(null);

export function ShopProvider({ shop, children }: { shop: Shop; children: ReactNode }) {
  return <ShopContext.Provider value={shop}>{children}</ShopContext.Provider>;
}

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error("useShop outside ShopProvider");
  return shop;
}
