/** The API bodies the web app reads (services/shop/<context>/entrypoints/schemas.py). */

export interface Stock {
  on_hand: number;
  reserved: number;
  available: number;
  low_stock_threshold: number;
}

export interface Product {
  id: string;
  name: string;
  description: string;
  category: string;
  price: string;
  currency: string;
  active: boolean;
  version: number;
  stock: Stock;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Category {
  slug: string;
  name: string;
}

export interface CartLine {
  product_id: string;
  name: string;
  quantity: number;
  unit_price: string;
  currency: string;
  line_total: string;
  available: boolean;
}

export interface Cart {
  customer_id: string;
  lines: CartLine[];
  totals: Record<string, string>;
}

export interface Checkout {
  order_id: string;
  order_url: string;
}

export interface OrderLine {
  product_id: string;
  name: string;
  quantity: number;
  unit_price: string;
}

export interface HistoryEntry {
  sequence: number;
  kind: string;
  status: string;
  detail: string | null;
  cause_event_id: string;
  at: string;
}

export interface OrderSummary {
  id: string;
  customer_id: string;
  email: string | null;
  lines: OrderLine[];
  total: string;
  currency: string;
  status: string;
  cancel_reason: string | null;
  awaiting: string[];
  placed_at: string;
  updated_at: string;
}

export interface Order extends OrderSummary {
  history: HistoryEntry[];
}

export interface Template {
  name: string;
  event_type: string;
  subject: string;
  body: string;
  placeholders: string[];
}

export interface Delivery {
  id: string;
  cause_event_id: string;
  template: string;
  channel: string;
  recipient: string | null;
  subject: string;
  status: string;
  attempts: number;
  error: string | null;
  created_at: string;
}

export interface DaySales {
  day: string;
  currency: string;
  orders: number;
  revenue: string;
}

export interface ProductSales {
  product_id: string;
  name: string;
  currency: string;
  quantity: number;
  revenue: string;
}

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  event_id: string | null;
  event_type: string | null;
  error_type: string | null;
  error_message: string | null;
  original_topic: string | null;
  attempts: string | null;
  consumer_group: string | null;
}
