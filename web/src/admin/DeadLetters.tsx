/** Admin: messages the consumers gave up on, per consuming context. */

import { useState } from "react";

import { ErrorNote, Loading, TableHead } from "../components/common";
import { useShop } from "../context";
import { useLoad } from "../hooks";

/** The contexts whose workers consume events (shop.topology.CONSUMES). */
export const CONSUMING_CONTEXTS = ["catalog", "basket", "ordering", "payment", "notification", "reports"];

export function DeadLetters() {
  const { api } = useShop();
  const [context, setContext] = useState(CONSUMING_CONTEXTS[0]!);
  const letters = useLoad(() => api.deadLetters(context), [api, context]);
  return (
    <section>
      <h2>Dead letters</h2>
      <p className="muted">
        Messages a worker could not handle after its retries. Replay them with <code>shop dlq replay</code>.
      </p>
      <div className="search">
        <select aria-label="Context" value={context} onChange={(e) => setContext(e.target.value)}>
          {CONSUMING_CONTEXTS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <button onClick={letters.reload}>Refresh</button>
      </div>
      <ErrorNote error={letters.error} />
      {!letters.value ? (
        <Loading what="dead letters" />
      ) : letters.value.length === 0 ? (
        <p data-testid="no-dead-letters">No dead letters for {context}.</p>
      ) : (
        <table>
          <TableHead columns={["Topic", "At", "Event", "Error", "Attempts"]} />
          <tbody>
            {letters.value.map((letter) => (
              <tr key={`${letter.topic}-${letter.partition}-${letter.offset}`} data-testid="dead-letter">
                <td>{letter.topic}</td>
                <td>
                  {letter.partition}:{letter.offset}
                </td>
                <td>
                  {letter.event_type} <span className="muted">{letter.event_id}</span>
                </td>
                <td>
                  {letter.error_type}: {letter.error_message}
                </td>
                <td>{letter.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
