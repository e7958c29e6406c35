import { Fragment, useState } from 'react';
import type { HistoryEvent } from '../api/sfn-client.js';
import { prettyJson } from '../components/format.js';
import { detailsOf, durationText } from '../history/replay.js';

const PAGE = 500;

/** Details with embedded JSON texts (input, output, parameters) shown as JSON. */
function detailText(e: HistoryEvent): string {
  const d = detailsOf(e);
  if (d === undefined) return '{}';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'string' && /^(input|output|parameters|result|cause)$/.test(k) && /^[[{]/.test(v.trim())) {
      try {
        out[k] = JSON.parse(v) as unknown;
        continue;
      } catch {
        // keep the text
      }
    }
    out[k] = v;
  }
  return prettyJson(JSON.stringify(out));
}

/** The history as AWS's console shows it: id, type, state, elapsed time, duration; rows expand to details. */
export function EventHistory({
  events,
  stateOf,
  position,
  onPosition,
}: {
  readonly events: readonly HistoryEvent[];
  readonly stateOf: (id: number) => string | undefined;
  readonly position: number;
  readonly onPosition: (index: number) => void;
}) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const [shown, setShown] = useState(PAGE);
  const start = events[0]?.timestamp ?? 0;
  const enteredAt = new Map<string, number>();
  const rows = events.slice(0, shown);
  return (
    <div className="table-wrap">
      <table className="list history" data-testid="history">
        <thead>
          <tr>
            <th>ID</th>
            <th>Type</th>
            <th>State</th>
            <th>Elapsed</th>
            <th>Duration</th>
            <th>Time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e, i) => {
            const state = stateOf(e.id);
            let duration = '';
            if (state !== undefined && e.type.endsWith('StateEntered')) enteredAt.set(state, e.timestamp);
            if (state !== undefined && e.type.endsWith('StateExited') && enteredAt.has(state)) duration = durationText(enteredAt.get(state)!, e.timestamp);
            const isOpen = open.has(e.id);
            const failed = /Failed|TimedOut|Aborted/.test(e.type);
            return (
              <Fragment key={e.id}>
                <tr className={`${i > position ? 'future' : ''} ${i === position ? 'at' : ''} ${failed ? 'failed-row' : ''}`}>
                  <td>{e.id}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-expanded={isOpen}
                      onClick={() => setOpen((s) => (s.has(e.id) ? new Set([...s].filter((x) => x !== e.id)) : new Set([...s, e.id])))}
                    >
                      {isOpen ? '▾' : '▸'} {e.type}
                    </button>
                  </td>
                  <td>{state ?? ''}</td>
                  <td>{durationText(start, e.timestamp)}</td>
                  <td>{duration}</td>
                  <td>
                    <button type="button" className="link small-text" onClick={() => onPosition(i)} title="Time travel to this event">
                      {new Date(e.timestamp * 1000).toLocaleTimeString()}
                    </button>
                  </td>
                </tr>
                {isOpen && (
                  <tr className="details-row">
                    <td colSpan={6}>
                      <pre>{detailText(e)}</pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {events.length > shown && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, events.length - shown)} more of {events.length - shown}
        </button>
      )}
    </div>
  );
}
