/** One product with its stock, and "Add to cart". */

import { useState } from "react";
import { Link, useParams } from "react-router";

import { ErrorNote, Loading, Money } from "../components/common";
import { useShop } from "../context";
import { useAction, useLoad } from "../hooks";

export function ProductPage() {
  const { id = "" } = useParams();
  const { api, session } = useShop();
  const product = useLoad(() => api.product(id), [api, id]);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const adding = useAction();

  if (product.error) return <ErrorNote error={product.error} />;
  if (!product.value) return <Loading what="the product" />;
  const p = product.value;
  const add = async () => {
    if (!session) return;
    setAdded(await adding.run(() => api.addLine(session.customerId, p.id, quantity)));
  };
  return (
    <article className="product">
      <h2>{p.name}</h2>
      <p className="muted">{p.category}</p>
      <p>{p.description}</p>
      <p className="price" data-testid="product-price">
        <Money amount={p.price} currency={p.currency} />
      </p>
      <dl className="stock" data-testid="stock">
        <dt>Available</dt>
        <dd>{p.stock.available}</dd>
        <dt>On hand</dt>
        <dd>{p.stock.on_hand}</dd>
        <dt>Reserved</dt>
        <dd>{p.stock.reserved}</dd>
      </dl>
      {!p.active ? <p className="error">No longer on sale.</p> : null}
      {p.active && session ? (
        <div className="buy">
          <label>
            Quantity{" "}
            <input
              type="number"
              min={1}
              max={Math.max(1, p.stock.available)}
              value={quantity}
              onChange={(e) => setQuantity(Math.max(1, Number(e.target.value)))}
            />
          </label>
          <button onClick={add} disabled={adding.busy || p.stock.available < 1}>
            Add to cart
          </button>
          {added ? (
            <span role="status">
              Added. <Link to="/cart">Go to the cart</Link>
            </span>
          ) : null}
        </div>
      ) : null}
      {!session ? <p>Log in to buy.</p> : null}
      <ErrorNote error={adding.error} />
    </article>
  );
}
