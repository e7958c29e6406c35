import { useCallback, useEffect, useState } from 'react';
import { useLiveEvents } from '../api/live-events.js';
import { consoleApi, machineNameOf, type ActivityTask, type ExecutionListItem, type WaitingTask } from '../api/sfn-client.js';
import { dateText, ErrorNote } from '../components/format.js';
import { href } from '../router.js';
import { ActivityWaitingCard, WaitingTaskCard } from './waiting-tasks.js';

interface InboxExecution extends ExecutionListItem {
  readonly tasks: readonly WaitingTask[];
  readonly activities: readonly ActivityTask[];
}

/** Every task waiting for a person (a callback token) or an activity worker, across running executions. */
export function ApprovalsPage() {
  const [inbox, setInbox] = useState<{ executions: InboxExecution[]; scanned: number; scanLimit?: number } | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(async () => {
    try {
      setInbox(await consoleApi<{ executions: InboxExecution[]; scanned: number; scanLimit?: number }>('inbox'));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);
  // Live events say an execution changed; a worker taking an activity task writes no event, so look again now and then.
  const [pending, setPending] = useState(false);
  useLiveEvents(() => setPending(true));
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => (setPending(false), void load()), 300);
    return () => clearTimeout(t);
  }, [pending, load]);
  useEffect(() => {
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [load]);

  const count = inbox?.executions.reduce((n, e) => n + e.tasks.length + e.activities.length, 0) ?? 0;
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          Approvals <span className="muted" data-testid="inbox-count">({count})</span>
        </h1>
      </div>
      <p className="muted small-text">
        Tasks waiting for a callback (<code>.waitForTaskToken</code>) or for an activity worker, in every running execution, newest execution first.
        {inbox?.scanLimit !== undefined && ` Only the newest ${inbox.scanLimit.toLocaleString('en-US')} running executions are looked through.`}
      </p>
      <ErrorNote error={error} />
      {inbox === undefined ? (
        <p className="muted">Loading…</p>
      ) : inbox.executions.length === 0 ? (
        <p className="muted" data-testid="inbox-empty">
          Nothing waits for a person or a worker.
        </p>
      ) : (
        inbox.executions.map((e) => (
          <section key={e.executionArn} className="panel waiting" aria-label={`Execution ${e.name}`} data-testid="inbox-execution">
            <h2>
              <a href={href.execution(e.executionArn)}>{e.name}</a> <span className="muted">· {machineNameOf(e.stateMachineArn)} · started {dateText(e.startDate)}</span>
            </h2>
            {e.tasks.map((t) => (
              <WaitingTaskCard key={t.taskToken} task={t} payload={t.input === undefined ? undefined : JSON.stringify(t.input)} payloadLabel="State input" onDone={() => void load()} />
            ))}
            {e.activities.map((a, i) =>
              a.taskToken === undefined ? (
                <ActivityWaitingCard key={`${a.stateName}-${a.scheduledAt}-${i}`} task={a} />
              ) : (
                <WaitingTaskCard key={a.taskToken} task={{ stateName: a.stateName, taskToken: a.taskToken, path: [] }} payload={a.input} payloadLabel="Input for the worker" onDone={() => void load()} activityArn={a.activityArn} />
              ),
            )}
          </section>
        ))
      )}
    </div>
  );
}
