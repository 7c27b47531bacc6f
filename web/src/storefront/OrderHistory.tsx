/** The customer's orders, newest first. */

import { Link, useSearchParams } from "react-router";

import { ErrorNote, Loading, Money, Pager, StatusBadge, TableHead } from "../components/common";
import { useShop } from "../context";
import { useLoad } from "../hooks";
import { offsetOf, pageFromParam } from "../lib/pagination";

const PAGE_SIZE = 10;

export function OrderHistory() {
  const { api, session } = useShop();
  const [params] = useSearchParams();
  const page = pageFromParam(params.get("page"));
  const customer = session?.customerId ?? "";
  const orders = useLoad(() => api.orders(customer, PAGE_SIZE, offsetOf(page, PAGE_SIZE)), [api, customer, page]);
  if (!session) return <p>Log in to see your orders.</p>;
  return (
    <section>
      <h2>Your orders</h2>
      <ErrorNote error={orders.error} />
      {!orders.value ? (
        <Loading what="your orders" />
      ) : orders.value.items.length === 0 ? (
        <p>No orders yet.</p>
      ) : (
        <>
          <table>
            <TableHead columns={["Placed", "Order", "Items", "Total", "Status"]} />
            <tbody>
              {orders.value.items.map((order) => (
                <tr key={order.id} data-testid="order-row">
                  <td>{new Date(order.placed_at).toLocaleString()}</td>
                  <td>
                    <Link to={`/orders/${order.id}`}>{order.id.slice(0, 8)}</Link>
                  </td>
                  <td>{order.lines.reduce((n, line) => n + line.quantity, 0)}</td>
                  <td>
                    <Money amount={order.total} currency={order.currency} />
                  </td>
                  <td>
                    <StatusBadge status={order.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager total={orders.value.total} page={page} size={PAGE_SIZE} href={(to) => `/orders?page=${to}`} />
        </>
      )}
    </section>
  );
}
