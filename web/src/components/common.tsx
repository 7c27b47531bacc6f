/** Small pieces every page uses: errors, loading, money, pagination. */

import { Link } from "react-router";

import { formatMoney } from "../lib/money";
import { pageWindow } from "../lib/pagination";

export function ErrorNote({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="muted">Loading {what}…</p>;
}

export function Money({ amount, currency }: { amount: string | number; currency: string }) {
  return <span className="money">{formatMoney(amount, currency)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`} data-testid="order-status">{status}</span>;
}

/** Previous/next links over `total` items; `href(page)` builds each page's link. */
export function Pager({ total, page, size, href }: { total: number; page: number; size: number; href: (page: number) => string }) {
  const window = pageWindow(total, page, size);
  return (
    <nav className="pager" aria-label="pages">
      {window.page > 1 ? <Link to={href(window.page - 1)}>← Previous</Link> : <span className="muted">← Previous</span>}
      <span>
        {window.first}–{window.last} of {total} (page {window.page} of {window.pages})
      </span>
      {window.page < window.pages ? <Link to={href(window.page + 1)}>Next →</Link> : <span className="muted">Next →</span>}
    </nav>
  );
}

/** A table's header row. */
export function TableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => (
          <th key={i}>{column}</th>
        ))}
      </tr>
    </thead>
  );
}
