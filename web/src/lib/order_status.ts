/** An order's live status, folded from the history entries its event stream sends. */

import type { HistoryEntry } from "../api/types";

export const FINAL_STATUSES = ["CONFIRMED", "CANCELLED"] as const;

export interface LiveOrder {
  status: string | null;
  history: HistoryEntry[];
}

/** Add an entry (ignoring one already seen, as after a reconnect); entries stay in sequence order. */
export function withEntry(order: LiveOrder, entry: HistoryEntry): LiveOrder {
  if (order.history.some((seen) => seen.sequence === entry.sequence)) return order;
  const history = [...order.history, entry].sort((a, b) => a.sequence - b.sequence);
  return { status: history[history.length - 1]?.status ?? null, history };
}

export function isFinal(status: string | null): boolean {
  return status !== null && (FINAL_STATUSES as readonly string[]).includes(status);
}

/** Parse one `status` event's data; null when it is not a history entry. */
export function historyEntry(data: string): HistoryEntry | null {
  try {
    const entry = JSON.parse(data) as Partial<HistoryEntry>;
    return typeof entry.sequence === "number" && typeof entry.status === "string" ? (entry as HistoryEntry) : null;
  } catch {
    return null;
  }
}
