/** Typed calls to the shop's APIs, one method per route the web app uses. */

import type { HttpClient } from "./http";
import type {
  Cart,
  Category,
  Checkout,
  DaySales,
  DeadLetter,
  Delivery,
  Order,
  OrderSummary,
  Page,
  Product,
  ProductSales,
  Stock,
  Template,
} from "./types";

export interface ProductQuery {
  q?: string;
  category?: string;
  includeInactive?: boolean;
  sort?: string;
  limit: number;
  offset: number;
}

export interface NewProduct {
  name: string;
  description: string;
  category: string;
  price: string;
  currency: string;
  initial_stock: number;
  low_stock_threshold: number;
}

export interface TemplateBody {
  event_type: string;
  subject: string;
  body: string;
}

const enc = encodeURIComponent;

export class ShopApi {
  constructor(readonly http: HttpClient) {}

  // catalog
  products(query: ProductQuery): Promise<Page<Product>> {
    return this.http.get("catalog", "/products", {
      q: query.q,
      category: query.category,
      include_inactive: query.includeInactive ? "true" : undefined,
      sort: query.sort,
      limit: query.limit,
      offset: query.offset,
    });
  }

  product(id: string): Promise<Product> {
    return this.http.get("catalog", `/products/${enc(id)}`);
  }

  categories(): Promise<Category[]> {
    return this.http.get("catalog", "/categories");
  }

  createCategory(slug: string, name: string): Promise<Category> {
    return this.http.request("catalog", "/categories", { method: "POST", body: { slug, name } });
  }

  createProduct(product: NewProduct): Promise<Product> {
    return this.http.request("catalog", "/products", { method: "POST", body: product });
  }

  updateProduct(id: string, body: { name: string; description: string; category: string }): Promise<Product> {
    return this.http.request("catalog", `/products/${enc(id)}`, { method: "PUT", body });
  }

  setPrice(id: string, price: string, currency: string): Promise<Product> {
    return this.http.request("catalog", `/products/${enc(id)}/price`, { method: "PUT", body: { price, currency } });
  }

  deactivate(id: string): Promise<Product> {
    return this.http.request("catalog", `/products/${enc(id)}/deactivate`, { method: "POST" });
  }

  countStock(id: string, onHand: number): Promise<Stock> {
    return this.http.request("catalog", `/products/${enc(id)}/stock`, { method: "PUT", body: { on_hand: onHand } });
  }

  receiveStock(id: string, quantity: number): Promise<Stock> {
    return this.http.request("catalog", `/products/${enc(id)}/stock/receipts`, { method: "POST", body: { quantity } });
  }

  setThreshold(id: string, threshold: number): Promise<Stock> {
    return this.http.request("catalog", `/products/${enc(id)}/stock/threshold`, {
      method: "PUT",
      body: { low_stock_threshold: threshold },
    });
  }

  // basket
  cart(customer: string): Promise<Cart> {
    return this.http.get("basket", `/carts/${enc(customer)}`);
  }

  addLine(customer: string, productId: string, quantity: number): Promise<Cart> {
    return this.http.request("basket", `/carts/${enc(customer)}/lines`, {
      method: "POST",
      body: { product_id: productId, quantity },
    });
  }

  setQuantity(customer: string, productId: string, quantity: number): Promise<Cart> {
    return this.http.request("basket", `/carts/${enc(customer)}/lines/${enc(productId)}`, {
      method: "PUT",
      body: { quantity },
    });
  }

  removeLine(customer: string, productId: string): Promise<Cart> {
    return this.http.request("basket", `/carts/${enc(customer)}/lines/${enc(productId)}`, { method: "DELETE" });
  }

  checkout(customer: string, idempotencyKey: string, email: string | null): Promise<Checkout> {
    return this.http.request("basket", `/carts/${enc(customer)}/checkout`, {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey },
      body: email ? { email } : {},
    });
  }

  // ordering
  order(id: string): Promise<Order> {
    return this.http.get("ordering", `/orders/${enc(id)}`);
  }

  orders(customer: string, limit: number, offset: number): Promise<Page<OrderSummary>> {
    return this.http.get("ordering", "/orders", { customer_id: customer, limit, offset });
  }

  orderEventsUrl(id: string): string {
    return this.http.url("ordering", `/orders/${enc(id)}/events`);
  }

  // notification
  templates(): Promise<Template[]> {
    return this.http.get("notification", "/templates");
  }

  putTemplate(name: string, body: TemplateBody): Promise<Template> {
    return this.http.request("notification", `/templates/${enc(name)}`, { method: "PUT", body });
  }

  deleteTemplate(name: string): Promise<void> {
    return this.http.request("notification", `/templates/${enc(name)}`, { method: "DELETE" });
  }

  deliveries(status: string, limit: number): Promise<Delivery[]> {
    return this.http.get("notification", "/deliveries", { status, limit });
  }

  // reports
  sales(from: string, to: string): Promise<DaySales[]> {
    return this.http.get("reports", "/reports/sales", { from, to });
  }

  topProducts(limit: number): Promise<ProductSales[]> {
    return this.http.get("reports", "/reports/top-products", { limit });
  }

  ordersByStatus(): Promise<Record<string, number>> {
    return this.http.get("reports", "/reports/orders-by-status");
  }

  // dead letters, per consuming context
  deadLetters(context: string): Promise<DeadLetter[]> {
    return this.http.get(context, "/dead-letters");
  }
}
