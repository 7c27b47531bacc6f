import { describe, expect, it } from "vitest";

import type { HistoryEntry } from "../api/types";
import { checkoutKey, forgetCheckoutKey, type KeyStore } from "./idempotency";
import { formatMoney, parsePrice } from "./money";
import { historyEntry, isFinal, withEntry, type LiveOrder } from "./order_status";
import { offsetOf, pageFromParam, pageWindow } from "./pagination";
import { daysBetween, lastDays, salesSeries } from "./sales_chart";

function memoryStore(): KeyStore {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

describe("money", () => {
  it("formats decimal strings in their currency", () => {
    expect(formatMoney("12.5", "EUR")).toBe("€12.50");
  });

  it("reads an admin's price as two decimals, refusing anything else", () => {
    expect(parsePrice(" 9,5 ")).toBe("9.50");
    expect(parsePrice("10")).toBe("10.00");
    expect(parsePrice("1.234")).toBeNull();
    expect(parsePrice("-1")).toBeNull();
  });
});

describe("pagination", () => {
  it("maps pages to offsets and clamps them to the items there are", () => {
    expect(offsetOf(3, 8)).toBe(16);
    expect(pageFromParam("x")).toBe(1);
    expect(pageWindow(17, 3, 8)).toEqual({ page: 3, pages: 3, offset: 16, first: 17, last: 17 });
    expect(pageWindow(0, 2, 8)).toEqual({ page: 1, pages: 1, offset: 0, first: 0, last: 0 });
  });
});

describe("checkout keys", () => {
  it("reuses the key of an unfinished checkout and makes a new one after it", () => {
    const store = memoryStore();
    let n = 0;
    const next = () => `key-${++n}`;
    expect(checkoutKey(store, "alice", next)).toBe("key-1");
    expect(checkoutKey(store, "alice", next)).toBe("key-1");
    expect(checkoutKey(store, "bob", next)).toBe("key-2");
    forgetCheckoutKey(store, "alice");
    expect(checkoutKey(store, "alice", next)).toBe("key-3");
  });
});

describe("live order status", () => {
  const entry = (sequence: number, status: string): HistoryEntry => ({
    sequence,
    status,
    kind: "k",
    detail: null,
    cause_event_id: "e",
    at: "2026-01-01T00:00:00Z",
  });

  it("follows the latest entry and ignores one seen before a reconnect", () => {
    let order: LiveOrder = { status: null, history: [] };
    order = withEntry(order, entry(1, "PENDING"));
    order = withEntry(order, entry(2, "STOCK_RESERVED"));
    order = withEntry(order, entry(2, "STOCK_RESERVED"));
    order = withEntry(order, entry(3, "CONFIRMED"));
    expect(order.history.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(order.status).toBe("CONFIRMED");
    expect(isFinal(order.status)).toBe(true);
    expect(isFinal("STOCK_RESERVED")).toBe(false);
  });

  it("parses only history entries from event data", () => {
    expect(historyEntry(JSON.stringify(entry(1, "PENDING")))?.status).toBe("PENDING");
    expect(historyEntry("not json")).toBeNull();
    expect(historyEntry('{"status": "X"}')).toBeNull();
  });
});

describe("sales chart", () => {
  it("has a bar per day, zero where nothing sold, scaled to the best day", () => {
    const rows = [
      { day: "2026-01-02", currency: "EUR", orders: 2, revenue: "50.00" },
      { day: "2026-01-03", currency: "EUR", orders: 1, revenue: "25.00" },
      { day: "2026-01-03", currency: "USD", orders: 1, revenue: "10.00" },
    ];
    const [eur, usd] = salesSeries(rows, "2026-01-01", "2026-01-03");
    expect(eur!.bars.map((b) => [b.day, b.revenue, b.height])).toEqual([
      ["2026-01-01", 0, 0],
      ["2026-01-02", 50, 1],
      ["2026-01-03", 25, 0.5],
    ]);
    expect(eur!.total).toBe(75);
    expect(usd!.currency).toBe("USD");
  });

  it("counts days inclusively, across a month's end", () => {
    expect(daysBetween("2026-01-30", "2026-02-01")).toEqual(["2026-01-30", "2026-01-31", "2026-02-01"]);
    expect(lastDays(3, new Date("2026-03-01T12:00:00Z"))).toEqual({ from: "2026-02-27", to: "2026-03-01" });
  });
});
