/** The storefront's front page: search, a category filter, and pages of products. */

import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { ErrorNote, Loading, Money, Pager } from "../components/common";
import { useShop } from "../context";
import { useLoad } from "../hooks";
import { offsetOf, pageFromParam } from "../lib/pagination";

export const PAGE_SIZE = 8;

export function ProductList() {
  const { api } = useShop();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const category = params.get("category") ?? "";
  const page = pageFromParam(params.get("page"));
  const [words, setWords] = useState(q);
  const categories = useLoad(() => api.categories(), [api]);
  const products = useLoad(
    () => api.products({ q, category, limit: PAGE_SIZE, offset: offsetOf(page, PAGE_SIZE), sort: q ? undefined : "name" }),
    [api, q, category, page],
  );

  const search = (event: FormEvent) => {
    event.preventDefault();
    setParams(words ? { q: words, ...(category ? { category } : {}) } : category ? { category } : {});
  };
  const href = (to: number) => `/?${new URLSearchParams({ ...(q ? { q } : {}), ...(category ? { category } : {}), page: String(to) })}`;

  return (
    <section>
      <form className="search" onSubmit={search} role="search">
        <input aria-label="Search products" placeholder="Search products" value={words} onChange={(e) => setWords(e.target.value)} />
        <select
          aria-label="Category"
          value={category}
          onChange={(e) => setParams({ ...(q ? { q } : {}), ...(e.target.value ? { category: e.target.value } : {}) })}
        >
          <option value="">All categories</option>
          {categories.value?.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={products.error} />
      {products.loading && !products.value ? <Loading what="products" /> : null}
      {products.value ? (
        <>
          {products.value.items.length === 0 ? <p>No product matches.</p> : null}
          <ul className="products">
            {products.value.items.map((product) => (
              <li key={product.id} className="card" data-testid="product-card">
                <Link to={`/products/${product.id}`}>
                  <h3>{product.name}</h3>
                </Link>
                <p className="muted">{product.category}</p>
                <p data-testid="product-price">
                  <Money amount={product.price} currency={product.currency} />
                </p>
                <p className={product.stock.available > 0 ? "in-stock" : "out-of-stock"}>
                  {product.stock.available > 0 ? `${product.stock.available} in stock` : "Out of stock"}
                </p>
              </li>
            ))}
          </ul>
          <Pager total={products.value.total} page={page} size={PAGE_SIZE} href={href} />
        </>
      ) : null}
    </section>
  );
}
