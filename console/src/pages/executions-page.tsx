import { useCallback, useEffect, useState } from 'react';
import { useLiveEvents } from '../api/live-events.js';
import { consoleApi, EXECUTION_STATUSES, machineNameOf, sfn, type ExecutionListItem, type StateMachineListItem } from '../api/sfn-client.js';
import { dateText, ErrorNote, StatusBadge } from '../components/format.js';
import { durationText } from '../history/replay.js';
import { href, navigate } from '../router.js';

const PAGE = 50;
const SINCE: Record<string, number> = { '': 0, '1h': 3600, '24h': 86400, '7d': 7 * 86400 };

/** Executions across machines, newest first, filtered by status, machine and start time; paged. */
export function ExecutionsPage({ query }: { readonly query: URLSearchParams }) {
  const machine = query.get('machine') ?? '';
  const status = query.get('status') ?? '';
  const since = query.get('since') ?? '';
  const offset = Number(query.get('offset') ?? '0') || 0;
  const [machines, setMachines] = useState<StateMachineListItem[]>([]);
  const [rows, setRows] = useState<ExecutionListItem[] | undefined>();
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<unknown>();
  const set = (patch: Record<string, string>) => navigate(href.executions({ machine, status, since, offset: '', ...patch }));

  const load = useCallback(async () => {
    try {
      const startedAfter = SINCE[since] ? Math.floor(Date.now() - SINCE[since] * 1000) : undefined;
      const r = await consoleApi<{ executions: ExecutionListItem[]; hasMore: boolean }>('executions', { stateMachineArn: machine, status, offset, limit: PAGE, startedAfter });
      setRows(r.executions);
      setHasMore(r.hasMore);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [machine, status, since, offset]);
  useEffect(() => void load(), [load]);
  useEffect(() => void sfn<{ stateMachines: StateMachineListItem[] }>('ListStateMachines', { maxResults: 1000 }).then((r) => setMachines(r.stateMachines), setError), []);
  const [pending, setPending] = useState(false);
  useLiveEvents(() => setPending(true));
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => (setPending(false), void load()), 500);
    return () => clearTimeout(t);
  }, [pending, load]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Executions</h1>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          State machine
          <select value={machine} onChange={(e) => set({ machine: e.target.value })}>
            <option value="">All</option>
            {machines.map((m) => (
              <option key={m.stateMachineArn} value={m.stateMachineArn}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any</option>
            <option value="WAITING" title="Running and waiting for a callback or an activity worker">
              WAITING (on a person or worker)
            </option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started
          <select value={since} onChange={(e) => set({ since: e.target.value })}>
            <option value="">Any time</option>
            <option value="1h">Last hour</option>
            <option value="24h">Last 24 hours</option>
            <option value="7d">Last 7 days</option>
          </select>
        </label>
      </form>
      <ErrorNote error={error} />
      {rows === undefined ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No executions match.</p>
      ) : (
        <div className="table-wrap">
          <table className="list" data-testid="executions">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>State machine</th>
                <th>Started</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.executionArn}>
                  <td>
                    <a href={href.execution(e.executionArn)}>{e.name}</a>
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td>
                    <a href={href.machine(e.stateMachineArn)}>{machineNameOf(e.stateMachineArn)}</a>
                  </td>
                  <td>{dateText(e.startDate)}</td>
                  <td>{e.stopDate === undefined ? '—' : durationText(e.startDate, e.stopDate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={offset === 0} onClick={() => set({ offset: String(Math.max(0, offset - PAGE)) })}>
          ← Newer
        </button>
        <span className="muted">
          {rows !== undefined && rows.length > 0 ? `${offset + 1}–${offset + rows.length}` : ''}
        </span>
        <button type="button" disabled={!hasMore} onClick={() => set({ offset: String(offset + PAGE) })}>
          Older →
        </button>
      </nav>
    </div>
  );
}
