/** The bars of the sales-per-day chart: one per UTC day of the range, per currency. */

import type { DaySales } from "../api/types";

export interface Bar {
  day: string;
  revenue: number;
  orders: number;
  /** 0..1 of the tallest bar. */
  height: number;
}

export interface SalesSeries {
  currency: string;
  bars: Bar[];
  max: number;
  total: number;
}

/** Every day from `from` to `to` (ISO dates, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** The report's rows as one series per currency, days without sales at zero. */
export function salesSeries(rows: DaySales[], from: string, to: string): SalesSeries[] {
  const days = daysBetween(from, to);
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  return currencies.map((currency) => {
    const byDay = new Map(rows.filter((r) => r.currency === currency).map((r) => [r.day, r]));
    const values = days.map((day) => ({
      day,
      revenue: Number(byDay.get(day)?.revenue ?? 0),
      orders: byDay.get(day)?.orders ?? 0,
    }));
    const max = Math.max(0, ...values.map((v) => v.revenue));
    return {
      currency,
      max,
      total: values.reduce((sum, v) => sum + v.revenue, 0),
      bars: values.map((v) => ({ ...v, height: max > 0 ? v.revenue / max : 0 })),
    };
  });
}

/** The ISO dates `days` days back to today (UTC). */
export function lastDays(days: number, now: Date = new Date()): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}
