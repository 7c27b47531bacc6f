/** Admin: one product's details, price, stock and deactivation. */

import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useParams } from "react-router";

import type { Product } from "../api/types";
import { ErrorNote, Loading, Money } from "../components/common";
import { useShop } from "../context";
import { useAction, useLoad } from "../hooks";
import { parsePrice } from "../lib/money";

/** A small form whose submit runs `action` and reloads the product. */
function ActionForm({ title, onSubmit, children, label }: { title: string; onSubmit: () => Promise<unknown>; children: ReactNode; label: string }) {
  const action = useAction();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(await action.run(onSubmit));
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      {children}
      <button type="submit" disabled={action.busy}>
        {label}
      </button>
      {done ? <span role="status"> Saved.</span> : null}
      <ErrorNote error={action.error} />
    </form>
  );
}

function Editor({ product, reload }: { product: Product; reload: () => void }) {
  const { api } = useShop();
  const [details, setDetails] = useState({ name: product.name, description: product.description, category: product.category });
  const [price, setPrice] = useState(product.price);
  const [onHand, setOnHand] = useState(String(product.stock.on_hand));
  const [receipt, setReceipt] = useState("10");
  const [threshold, setThreshold] = useState(String(product.stock.low_stock_threshold));
  useEffect(() => {
    setPrice(product.price);
    setOnHand(String(product.stock.on_hand));
  }, [product]);
  const then = async (change: Promise<unknown>) => {
    await change;
    reload();
  };
  return (
    <>
      <ActionForm title="Details" label="Save details" onSubmit={() => then(api.updateProduct(product.id, details))}>
        <input aria-label="Name" value={details.name} onChange={(e) => setDetails({ ...details, name: e.target.value })} />
        <textarea aria-label="Description" value={details.description} onChange={(e) => setDetails({ ...details, description: e.target.value })} />
        <input aria-label="Category" value={details.category} onChange={(e) => setDetails({ ...details, category: e.target.value })} />
      </ActionForm>
      <ActionForm
        title="Price"
        label="Change price"
        onSubmit={() => {
          const parsed = parsePrice(price);
          if (!parsed) return Promise.reject(new Error("The price must be a number with at most two decimals"));
          return then(api.setPrice(product.id, parsed, product.currency));
        }}
      >
        <input aria-label="New price" value={price} onChange={(e) => setPrice(e.target.value)} /> {product.currency}
      </ActionForm>
      <ActionForm title="Stock count" label="Set on hand" onSubmit={() => then(api.countStock(product.id, Number(onHand)))}>
        <input aria-label="On hand" type="number" min={0} value={onHand} onChange={(e) => setOnHand(e.target.value)} />
      </ActionForm>
      <ActionForm title="Delivery received" label="Add to stock" onSubmit={() => then(api.receiveStock(product.id, Number(receipt)))}>
        <input aria-label="Quantity received" type="number" min={1} value={receipt} onChange={(e) => setReceipt(e.target.value)} />
      </ActionForm>
      <ActionForm title="Low-stock threshold" label="Set threshold" onSubmit={() => then(api.setThreshold(product.id, Number(threshold)))}>
        <input aria-label="Threshold" type="number" min={0} value={threshold} onChange={(e) => setThreshold(e.target.value)} />
      </ActionForm>
      {product.active ? (
        <ActionForm title="Take off sale" label="Deactivate" onSubmit={() => then(api.deactivate(product.id))}>
          <p className="muted">Carts holding it can no longer check it out. This cannot be undone.</p>
        </ActionForm>
      ) : null}
    </>
  );
}

export function AdminProduct() {
  const { id = "" } = useParams();
  const { api } = useShop();
  const product = useLoad(() => api.product(id), [api, id]);
  if (product.error) return <ErrorNote error={product.error} />;
  if (!product.value) return <Loading what="the product" />;
  const p = product.value;
  return (
    <section>
      <h2>{p.name}</h2>
      <p>
        <Money amount={p.price} currency={p.currency} /> · available {p.stock.available} (on hand {p.stock.on_hand}, reserved{" "}
        {p.stock.reserved}) · {p.active ? "on sale" : "deactivated"} · version {p.version}
      </p>
      <div className="panels">
        <Editor product={p} reload={product.reload} />
      </div>
    </section>
  );
}
