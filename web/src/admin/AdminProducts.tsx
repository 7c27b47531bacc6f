/** Admin: every product (inactive ones too), and a form for a new one. */

import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { ErrorNote, Loading, Money, Pager, TableHead } from "../components/common";
import { useShop } from "../context";
import { useAction, useLoad } from "../hooks";
import { parsePrice } from "../lib/money";
import { offsetOf, pageFromParam } from "../lib/pagination";

const PAGE_SIZE = 20;

function NewProductForm({ onCreated }: { onCreated: () => void }) {
  const { api } = useShop();
  const categories = useLoad(() => api.categories(), [api]);
  const creating = useAction();
  const [form, setForm] = useState({ name: "", description: "", category: "", price: "", currency: "EUR", stock: "0" });
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const price = parsePrice(form.price);
    const created = await creating.run(async () => {
      if (!price) throw new Error("The price must be a number with at most two decimals");
      await api.createProduct({
        name: form.name,
        description: form.description,
        category: form.category,
        price,
        currency: form.currency,
        initial_stock: Number(form.stock),
        low_stock_threshold: 0,
      });
    });
    if (created) {
      setForm({ ...form, name: "", description: "", price: "", stock: "0" });
      onCreated();
    }
  };
  return (
    <form className="panel" onSubmit={submit}>
      <h3>New product</h3>
      <input aria-label="Name" placeholder="Name" value={form.name} onChange={set("name")} required />
      <input aria-label="Description" placeholder="Description" value={form.description} onChange={set("description")} />
      <select aria-label="Category" value={form.category} onChange={set("category")} required>
        <option value="">Category…</option>
        {categories.value?.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.name}
          </option>
        ))}
      </select>
      <input aria-label="Price" placeholder="9.50" value={form.price} onChange={set("price")} required />
      <input aria-label="Currency" value={form.currency} onChange={set("currency")} maxLength={3} required />
      <input aria-label="Initial stock" type="number" min={0} value={form.stock} onChange={set("stock")} />
      <button type="submit" disabled={creating.busy}>
        Create
      </button>
      <ErrorNote error={creating.error} />
    </form>
  );
}

export function AdminProducts() {
  const { api } = useShop();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const page = pageFromParam(params.get("page"));
  const [words, setWords] = useState(q);
  const products = useLoad(
    () => api.products({ q, includeInactive: true, sort: q ? undefined : "name", limit: PAGE_SIZE, offset: offsetOf(page, PAGE_SIZE) }),
    [api, q, page],
  );
  return (
    <section>
      <h2>Products</h2>
      <form
        className="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(words ? { q: words } : {});
        }}
      >
        <input aria-label="Search products" placeholder="Search products" value={words} onChange={(e) => setWords(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={products.error} />
      {!products.value ? (
        <Loading what="products" />
      ) : (
        <>
          <table>
            <TableHead columns={["Name", "Category", "Price", "Available", "On hand", "Active"]} />
            <tbody>
              {products.value.items.map((p) => (
                <tr key={p.id} className={p.active ? "" : "inactive"} data-testid="admin-product-row">
                  <td>
                    <Link to={`/admin/products/${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{p.category}</td>
                  <td>
                    <Money amount={p.price} currency={p.currency} />
                  </td>
                  <td className={p.stock.available <= p.stock.low_stock_threshold ? "error" : ""}>{p.stock.available}</td>
                  <td>{p.stock.on_hand}</td>
                  <td>{p.active ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            total={products.value.total}
            page={page}
            size={PAGE_SIZE}
            href={(to) => `/admin/products?${new URLSearchParams({ ...(q ? { q } : {}), page: String(to) })}`}
          />
        </>
      )}
      <NewProductForm onCreated={products.reload} />
    </section>
  );
}
