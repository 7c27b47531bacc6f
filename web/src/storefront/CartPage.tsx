/** The cart: quantities, totals, and checkout with an idempotency key. */

import { useState } from "react";
import { Link, useNavigate } from "react-router";

import type { Cart } from "../api/types";
import { ErrorNote, Loading, Money, TableHead } from "../components/common";
import { useShop } from "../context";
import { useAction, useLoad } from "../hooks";
import { checkoutKey, forgetCheckoutKey } from "../lib/idempotency";

export function CartPage() {
  const { api, session } = useShop();
  const navigate = useNavigate();
  const customer = session?.customerId ?? "";
  const loaded = useLoad(() => api.cart(customer), [api, customer]);
  const [changed, setChanged] = useState<Cart>();
  const [email, setEmail] = useState("");
  const editing = useAction();
  const ordering = useAction();
  const cart = changed ?? loaded.value;

  if (!session) return <p>Log in to see your cart.</p>;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!cart) return <Loading what="your cart" />;

  const edit = (change: () => Promise<Cart>) =>
    editing.run(async () => {
      setChanged(await change());
      forgetCheckoutKey(sessionStorage, customer); // another cart: another order
    });
  const checkout = () =>
    ordering.run(async () => {
      const placed = await api.checkout(customer, checkoutKey(sessionStorage, customer), email || null);
      forgetCheckoutKey(sessionStorage, customer);
      navigate(`/orders/${placed.order_id}`);
    });

  if (cart.lines.length === 0) {
    return (
      <section>
        <h2>Your cart</h2>
        <p>
          Your cart is empty. <Link to="/">Browse the shop</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h2>Your cart</h2>
      <table className="cart">
        <TableHead columns={["Product", "Unit price", "Quantity", "Total", ""]} />
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.product_id} className={line.available ? "" : "unavailable"} data-testid="cart-line">
              <td>
                <Link to={`/products/${line.product_id}`}>{line.name}</Link>
                {line.available ? null : <span className="error"> (no longer on sale)</span>}
              </td>
              <td>
                <Money amount={line.unit_price} currency={line.currency} />
              </td>
              <td>
                <input
                  type="number"
                  aria-label={`Quantity of ${line.name}`}
                  min={1}
                  defaultValue={line.quantity}
                  onBlur={(e) => {
                    const quantity = Number(e.target.value);
                    if (quantity >= 1 && quantity !== line.quantity) void edit(() => api.setQuantity(customer, line.product_id, quantity));
                  }}
                />
              </td>
              <td>
                <Money amount={line.line_total} currency={line.currency} />
              </td>
              <td>
                <button className="link" onClick={() => void edit(() => api.removeLine(customer, line.product_id))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {Object.entries(cart.totals).map(([currency, total]) => (
            <tr key={currency}>
              <td colSpan={3}>Total</td>
              <td data-testid="cart-total">
                <Money amount={total} currency={currency} />
              </td>
              <td />
            </tr>
          ))}
        </tfoot>
      </table>
      <ErrorNote error={editing.error} />
      <div className="checkout">
        <label>
          E-mail for order notices{" "}
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@example.com" />
        </label>
        <button onClick={() => void checkout()} disabled={ordering.busy || editing.busy}>
          Place order
        </button>
      </div>
      <ErrorNote error={ordering.error} />
    </section>
  );
}
