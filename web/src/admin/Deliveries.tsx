/** Admin: the notification delivery log, newest first. */

import { useState } from "react";

import { ErrorNote, Loading, TableHead } from "../components/common";
import { useShop } from "../context";
import { useLoad } from "../hooks";

export function Deliveries() {
  const { api } = useShop();
  const [status, setStatus] = useState("");
  const [limit, setLimit] = useState(50);
  const deliveries = useLoad(() => api.deliveries(status, limit), [api, status, limit]);
  return (
    <section>
      <h2>Delivery log</h2>
      <div className="search">
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          <option value="sent">Sent</option>
          <option value="failed">Failed</option>
        </select>
        <select aria-label="How many" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {[20, 50, 200].map((n) => (
            <option key={n} value={n}>
              last {n}
            </option>
          ))}
        </select>
        <button onClick={deliveries.reload}>Refresh</button>
      </div>
      <ErrorNote error={deliveries.error} />
      {!deliveries.value ? (
        <Loading what="deliveries" />
      ) : (
        <table>
          <TableHead columns={["When", "Template", "Recipient", "Subject", "Channel", "Status", "Attempts"]} />
          <tbody>
            {deliveries.value.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <td>{new Date(d.created_at).toLocaleString()}</td>
                <td>{d.template}</td>
                <td>{d.recipient ?? "—"}</td>
                <td>{d.subject}</td>
                <td>{d.channel}</td>
                <td className={d.status === "failed" ? "error" : ""} title={d.error ?? undefined}>
                  {d.status}
                </td>
                <td>{d.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
