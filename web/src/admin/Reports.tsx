/** Admin: sales per day (a chart), the best-selling products and orders by status. */

import { useState } from "react";

import { ErrorNote, Loading, Money } from "../components/common";
import { useShop } from "../context";
import { useLoad } from "../hooks";
import { lastDays, salesSeries } from "../lib/sales_chart";
import { SalesChart } from "./SalesChart";

export function Reports() {
  const { api } = useShop();
  const [days, setDays] = useState(14);
  const range = lastDays(days);
  const sales = useLoad(() => api.sales(range.from, range.to), [api, range.from, range.to]);
  const top = useLoad(() => api.topProducts(10), [api]);
  const statuses = useLoad(() => api.ordersByStatus(), [api]);
  return (
    <section>
      <h2>Reports</h2>
      <label>
        Days{" "}
        <select aria-label="Days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 14, 30, 90].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={sales.error ?? top.error ?? statuses.error} />
      {!sales.value ? <Loading what="sales" /> : null}
      {sales.value && sales.value.length === 0 ? <p>No confirmed orders in these days.</p> : null}
      {sales.value ? salesSeries(sales.value, range.from, range.to).map((s) => <SalesChart key={s.currency} series={s} />) : null}
      <div className="panels">
        <div className="panel">
          <h3>Top products</h3>
          <table>
            <tbody>
              {top.value?.map((p) => (
                <tr key={`${p.product_id}-${p.currency}`}>
                  <td>{p.name}</td>
                  <td>{p.quantity} sold</td>
                  <td>
                    <Money amount={p.revenue} currency={p.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="panel">
          <h3>Orders by status</h3>
          <table>
            <tbody>
              {Object.entries(statuses.value ?? {}).map(([status, count]) => (
                <tr key={status}>
                  <td>{status}</td>
                  <td>{count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
