/** Admin: the notification templates, edited in place. */

import { useState } from "react";

import type { Template } from "../api/types";
import { ErrorNote, Loading } from "../components/common";
import { useShop } from "../context";
import { useAction, useLoad } from "../hooks";

function TemplateEditor({ template, onSaved }: { template: Template | null; onSaved: () => void }) {
  const { api } = useShop();
  const [draft, setDraft] = useState({
    name: template?.name ?? "",
    event_type: template?.event_type ?? "",
    subject: template?.subject ?? "",
    body: template?.body ?? "",
  });
  const saving = useAction();
  const save = async () => {
    const { name, ...body } = draft;
    if (await saving.run(() => api.putTemplate(name, body))) onSaved();
  };
  const remove = async () => {
    if (template && (await saving.run(() => api.deleteTemplate(template.name)))) onSaved();
  };
  return (
    <div className="panel" data-testid="template">
      {template ? (
        <h3>{template.name}</h3>
      ) : (
        <input aria-label="Template name" placeholder="name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
      )}
      <input aria-label="Event type" placeholder="order.confirmed" value={draft.event_type} onChange={(e) => setDraft({ ...draft, event_type: e.target.value })} />
      <input aria-label="Subject" value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} />
      <textarea aria-label="Body" rows={4} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
      {template ? <p className="muted">Placeholders: {template.placeholders.join(", ") || "none"}</p> : null}
      <button onClick={() => void save()} disabled={saving.busy}>
        Save
      </button>
      {template ? (
        <button className="link" onClick={() => void remove()} disabled={saving.busy}>
          Delete
        </button>
      ) : null}
      <ErrorNote error={saving.error} />
    </div>
  );
}

export function Templates() {
  const { api } = useShop();
  const templates = useLoad(() => api.templates(), [api]);
  const [round, setRound] = useState(0);
  const saved = () => {
    templates.reload();
    setRound((r) => r + 1);
  };
  return (
    <section>
      <h2>Notification templates</h2>
      <p className="muted">
        <code>{"{{ name }}"}</code> and <code>{"{{ name | default }}"}</code> are replaced by the event's values.
      </p>
      <ErrorNote error={templates.error} />
      {!templates.value ? <Loading what="templates" /> : null}
      <div className="panels">
        {templates.value?.map((template) => <TemplateEditor key={`${template.name}-${round}`} template={template} onSaved={saved} />)}
        <TemplateEditor key={`new-${round}`} template={null} onSaved={saved} />
      </div>
    </section>
  );
}
