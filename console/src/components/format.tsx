import { useState } from 'react';

/** AWS timestamps are epoch seconds. */
export const dateText = (seconds: number | undefined): string => (seconds === undefined ? '—' : new Date(seconds * 1000).toLocaleString());

export function StatusBadge({ status }: { readonly status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status.replace('_', ' ')}</span>;
}

/** A JSON text pretty-printed (as text, never markup); falls back to the raw text. */
export function prettyJson(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function JsonBlock({ text, label, empty = '—' }: { readonly text: string | undefined; readonly label: string; readonly empty?: string }) {
  const [copied, setCopied] = useState(false);
  const pretty = prettyJson(text);
  return (
    <section className="json-block" aria-label={label}>
      <header>
        <h4>{label}</h4>
        {text !== undefined && (
          <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(pretty).then(() => setCopied(true))}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </header>
      <pre data-testid={`json-${label.toLowerCase().replace(/\s+/g, '-')}`}>{text === undefined ? empty : pretty}</pre>
    </section>
  );
}

export function ErrorNote({ error }: { readonly error: unknown }) {
  if (error === undefined || error === null) return null;
  const e = error as { name?: string; message?: string };
  return (
    <div className="error-note" role="alert">
      <strong>{e.name ?? 'Error'}</strong> {e.message ?? String(error)}
    </div>
  );
}
