import { useCallback, useEffect, useState } from 'react';
import { useLiveEvents } from '../api/live-events.js';
import { consoleApi, EXECUTION_STATUSES, sfn, type StateMachineListItem } from '../api/sfn-client.js';
import { dateText, ErrorNote, StatusBadge } from '../components/format.js';
import { href } from '../router.js';

export function MachinesPage() {
  const [machines, setMachines] = useState<StateMachineListItem[] | undefined>();
  const [counts, setCounts] = useState<Record<string, Record<string, number>>>({});
  const [error, setError] = useState<unknown>();
  const load = useCallback(async () => {
    try {
      const all: StateMachineListItem[] = [];
      let nextToken: string | undefined;
      do {
        const page: { stateMachines: StateMachineListItem[]; nextToken?: string } = await sfn('ListStateMachines', { maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
        all.push(...page.stateMachines);
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      setMachines(all);
      setCounts((await consoleApi<{ counts: Record<string, Record<string, number>> }>('machines/summary')).counts);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);
  // Counts change with every execution: refresh at most every second.
  const [pending, setPending] = useState(false);
  useLiveEvents(() => setPending(true));
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => {
      setPending(false);
      void load();
    }, 800);
    return () => clearTimeout(t);
  }, [pending, load]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>State machines</h1>
        <a className="button primary" href={href.newMachine()}>
          Create state machine
        </a>
      </div>
      <ErrorNote error={error} />
      {machines === undefined ? (
        <p className="muted">Loading…</p>
      ) : machines.length === 0 ? (
        <p className="muted">No state machines yet. Create one, or start the server with a project folder.</p>
      ) : (
        <div className="table-wrap">
          <table className="list" data-testid="machines">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Created</th>
                <th>Executions</th>
              </tr>
            </thead>
            <tbody>
              {machines.map((m) => (
                <tr key={m.stateMachineArn}>
                  <td>
                    <a href={href.machine(m.stateMachineArn)}>{m.name}</a>
                  </td>
                  <td>{m.type}</td>
                  <td>{dateText(m.creationDate)}</td>
                  <td className="counts">
                    {EXECUTION_STATUSES.filter((s) => (counts[m.stateMachineArn]?.[s] ?? 0) > 0).map((s) => (
                      <a key={s} href={href.executions({ machine: m.stateMachineArn, status: s })} className="count-link">
                        <StatusBadge status={s} /> {counts[m.stateMachineArn][s]}
                      </a>
                    ))}
                    {Object.keys(counts[m.stateMachineArn] ?? {}).length === 0 && <span className="muted">none</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
