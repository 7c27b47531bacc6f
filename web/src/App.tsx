/** The routes of the storefront and the admin, under one layout. */

import { useEffect, useState, type ReactNode } from "react";
import { BrowserRouter, NavLink, Route, Routes, useLocation, useNavigate } from "react-router";

import { AdminProduct } from "./admin/AdminProduct";
import { AdminProducts } from "./admin/AdminProducts";
import { DeadLetters } from "./admin/DeadLetters";
import { Deliveries } from "./admin/Deliveries";
import { Reports } from "./admin/Reports";
import { Templates } from "./admin/Templates";
import { ErrorNote } from "./components/common";
import { useShop } from "./context";
import { CartPage } from "./storefront/CartPage";
import { OrderHistory } from "./storefront/OrderHistory";
import { OrderPage } from "./storefront/OrderPage";
import { ProductList } from "./storefront/ProductList";
import { ProductPage } from "./storefront/ProductPage";

function Header() {
  const { auth, session, refresh } = useShop();
  const location = useLocation();
  return (
    <header>
      <h1>
        <NavLink to="/">Shopkeeper</NavLink>
      </h1>
      <nav>
        <NavLink to="/" end>
          Shop
        </NavLink>
        <NavLink to="/cart">Cart</NavLink>
        <NavLink to="/orders">Orders</NavLink>
        {session?.isAdmin ? <NavLink to="/admin/products">Admin</NavLink> : null}
      </nav>
      <div className="user">
        {session ? <span data-testid="user">{session.name}</span> : null}
        {auth.usesProvider ? (
          session ? (
            <button onClick={() => void auth.logout().then(refresh)}>Log out</button>
          ) : (
            <button onClick={() => void auth.login(location.pathname + location.search)}>Log in</button>
          )
        ) : (
          <span className="muted" title="No identity provider is configured">
            (guest)
          </span>
        )}
      </div>
    </header>
  );
}

function AdminArea({ children }: { children: ReactNode }) {
  const { session } = useShop();
  if (!session) return <p>Log in as an admin to see this page.</p>;
  if (!session.isAdmin) return <p className="error">This page is for admins.</p>;
  return (
    <div className="admin">
      <nav className="subnav">
        <NavLink to="/admin/products">Products</NavLink>
        <NavLink to="/admin/templates">Templates</NavLink>
        <NavLink to="/admin/deliveries">Delivery log</NavLink>
        <NavLink to="/admin/reports">Reports</NavLink>
        <NavLink to="/admin/dead-letters">Dead letters</NavLink>
      </nav>
      {children}
    </div>
  );
}

/** The redirect URI: finishes the login, then goes where the user was. */
function LoginCallback({ onLogin }: { onLogin: () => void }) {
  const { auth } = useShop();
  const navigate = useNavigate();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    auth.completeLogin(window.location.href).then(
      (returnTo) => {
        onLogin();
        navigate(returnTo, { replace: true });
      },
      (failure: unknown) => setError(failure instanceof Error ? failure : new Error(String(failure))),
    );
  }, [auth, navigate, onLogin]);
  return error ? <ErrorNote error={error} /> : <p className="muted">Logging in…</p>;
}

export function App({ onLogin }: { onLogin: () => void }) {
  const admin = (page: ReactNode) => <AdminArea>{page}</AdminArea>;
  return (
    <BrowserRouter>
      <Header />
      <main>
        <Routes>
          <Route path="/" element={<ProductList />} />
          <Route path="/products/:id" element={<ProductPage />} />
          <Route path="/cart" element={<CartPage />} />
          <Route path="/orders" element={<OrderHistory />} />
          <Route path="/orders/:id" element={<OrderPage />} />
          <Route path="/callback" element={<LoginCallback onLogin={onLogin} />} />
          <Route path="/admin" element={admin(<AdminProducts />)} />
          <Route path="/admin/products" element={admin(<AdminProducts />)} />
          <Route path="/admin/products/:id" element={admin(<AdminProduct />)} />
          <Route path="/admin/templates" element={admin(<Templates />)} />
          <Route path="/admin/deliveries" element={admin(<Deliveries />)} />
          <Route path="/admin/reports" element={admin(<Reports />)} />
          <Route path="/admin/dead-letters" element={admin(<DeadLetters />)} />
          <Route path="*" element={<p>No such page.</p>} />
        </Routes>
      </main>
    </BrowserRouter>
  );
}
