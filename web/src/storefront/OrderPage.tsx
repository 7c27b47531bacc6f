/** One order, its status arriving live over the ordering API's server-sent events. */

import { useEffect, useRef, useState } from "react";
import { useParams } from "react-router";

import { followEvents } from "../api/sse";
import { ErrorNote, Loading, Money, StatusBadge } from "../components/common";
import { useShop } from "../context";
import { useLoad } from "../hooks";
import { historyEntry, isFinal, withEntry, type LiveOrder } from "../lib/order_status";

function useLiveOrder(orderId: string): { live: LiveOrder; error: Error | undefined; streaming: boolean } {
  const { api } = useShop();
  const [live, setLive] = useState<LiveOrder>({ status: null, history: [] });
  const [error, setError] = useState<Error>();
  const [streaming, setStreaming] = useState(true);
  const latest = useRef(live);
  useEffect(() => {
    const abort = new AbortController();
    latest.current = { status: null, history: [] };
    setLive(latest.current);
    setStreaming(true);
    followEvents({
      url: api.orderEventsUrl(orderId),
      headers: () => api.http.headers(),
      onEvent: (event) => {
        const entry = event.event === "status" ? historyEntry(event.data) : null;
        if (!entry) return;
        latest.current = withEntry(latest.current, entry);
        setLive(latest.current);
      },
      done: () => isFinal(latest.current.status),
      signal: abort.signal,
    })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure : new Error(String(failure))))
      .finally(() => setStreaming(false));
    return () => abort.abort();
  }, [api, orderId]);
  return { live, error, streaming };
}

export function OrderPage() {
  const { id = "" } = useParams();
  const { api } = useShop();
  const order = useLoad(() => api.order(id), [api, id]);
  const { live, error, streaming } = useLiveOrder(id);
  const status = live.status ?? order.value?.status ?? null;

  return (
    <section>
      <h2>Order {id.slice(0, 8)}</h2>
      <p>
        Status: {status ? <StatusBadge status={status} /> : <span className="muted">waiting…</span>}{" "}
        {streaming && !isFinal(status) ? <span className="muted">(live)</span> : null}
      </p>
      <ErrorNote error={order.error ?? error} />
      {order.value ? (
        <>
          {order.value.cancel_reason ? <p className="error">Cancelled: {order.value.cancel_reason}</p> : null}
          <table>
            <tbody>
              {order.value.lines.map((line) => (
                <tr key={line.product_id}>
                  <td>{line.name}</td>
                  <td>× {line.quantity}</td>
                  <td>
                    <Money amount={line.unit_price} currency={order.value!.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td colSpan={2}>Total</td>
                <td>
                  <Money amount={order.value.total} currency={order.value.currency} />
                </td>
              </tr>
            </tfoot>
          </table>
        </>
      ) : (
        !order.error && <Loading what="the order" />
      )}
      <h3>History</h3>
      <ol className="history" data-testid="order-history">
        {live.history.map((entry) => (
          <li key={entry.sequence}>
            <time dateTime={entry.at}>{new Date(entry.at).toLocaleTimeString()}</time> {entry.kind} → <strong>{entry.status}</strong>
            {entry.detail ? <span className="muted"> ({entry.detail})</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
