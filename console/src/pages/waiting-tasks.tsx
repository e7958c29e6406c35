import { useState } from 'react';
import { sfn, type ActivityTask, type WaitingTask } from '../api/sfn-client.js';
import { ErrorNote, prettyJson } from '../components/format.js';

/** A task waiting for a callback or an activity worker: its payload, approve with an edited JSON output, or reject. */
export function WaitingTaskCard({
  task,
  payload,
  payloadLabel = 'Payload sent',
  onDone,
  activityArn,
}: {
  readonly task: Pick<WaitingTask, 'stateName' | 'taskToken' | 'path'>;
  readonly payload: string | undefined;
  readonly payloadLabel?: string;
  readonly onDone: () => void;
  readonly activityArn?: string;
}) {
  const [output, setOutput] = useState('{\n  "approved": true\n}');
  const [errorName, setErrorName] = useState('Rejected');
  const [cause, setCause] = useState('Rejected from the Stepwright console');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  let outputError: string | undefined;
  try {
    JSON.parse(output);
  } catch (e) {
    outputError = e instanceof Error ? e.message : String(e);
  }
  const act = async (operation: 'SendTaskSuccess' | 'SendTaskFailure') => {
    setBusy(true);
    setError(undefined);
    try {
      await sfn(operation, operation === 'SendTaskSuccess' ? { taskToken: task.taskToken, output } : { taskToken: task.taskToken, error: errorName, cause });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="waiting-task" data-testid="waiting-task" aria-label={`Waiting task ${task.stateName}`}>
      <h3>
        Waiting: {task.stateName}
        {activityArn !== undefined && <span className="muted"> (activity, taken by a worker)</span>}
        {task.path.length > 0 && <span className="muted"> (branch/iteration {task.path.join('.')})</span>}
      </h3>
      <p className="muted mono small-text task-token" data-testid="task-token">Task token {task.taskToken}</p>
      <h4>{payloadLabel}</h4>
      <pre>{payload === undefined ? '—' : prettyJson(payload)}</pre>
      <div className="task-actions">
        <div>
          <label>
            Output (SendTaskSuccess)
            <textarea className="mono" rows={4} value={output} onChange={(e) => setOutput(e.target.value)} data-testid="task-output" spellCheck={false} />
          </label>
          {outputError !== undefined && <p className="field-error">Not JSON: {outputError}</p>}
          <button type="button" className="primary" disabled={busy || outputError !== undefined} onClick={() => void act('SendTaskSuccess')}>
            Approve
          </button>
        </div>
        <div>
          <label>
            Error
            <input value={errorName} onChange={(e) => setErrorName(e.target.value)} maxLength={256} />
          </label>
          <label>
            Cause
            <input value={cause} onChange={(e) => setCause(e.target.value)} maxLength={32768} />
          </label>
          <button type="button" className="danger" disabled={busy} onClick={() => void act('SendTaskFailure')}>
            Reject
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
    </article>
  );
}

/**
 * An activity task no worker took yet. Stepwright, as AWS, hands the task token only to the worker
 * whose GetActivityTask receives the task, so nobody can answer it before then.
 */
export function ActivityWaitingCard({ task }: { readonly task: ActivityTask }) {
  return (
    <article className="waiting-task" data-testid="waiting-activity" aria-label={`Activity task ${task.stateName}`}>
      <h3>
        Waiting for a worker: {task.stateName} <span className="muted">(activity)</span>
      </h3>
      <p className="muted small-text">
        No worker has taken this task yet. A worker takes it with <code>GetActivityTask</code> on <span className="mono">{task.activityArn}</span> and gets its task token; it can be approved or rejected here once a worker holds it.
      </p>
      <h4>Input for the worker</h4>
      <pre>{prettyJson(task.input)}</pre>
    </article>
  );
}

export function WaitingTasks({
  tasks,
  activities = [],
  payloadOf,
  onDone,
}: {
  readonly tasks: readonly WaitingTask[];
  readonly activities?: readonly ActivityTask[];
  readonly payloadOf: (stateName: string) => string | undefined;
  readonly onDone: () => void;
}) {
  if (tasks.length === 0 && activities.length === 0) return null;
  const count = tasks.length + activities.length;
  return (
    <section className="panel waiting" aria-label="Waiting for a callback">
      <h2>
        Waiting for {activities.length === 0 ? 'a callback' : tasks.length === 0 ? 'an activity' : 'a callback or an activity'} ({count})
      </h2>
      {tasks.map((t) => (
        <WaitingTaskCard key={t.taskToken} task={t} payload={payloadOf(t.stateName)} onDone={onDone} />
      ))}
      {activities.map((a, i) =>
        a.taskToken === undefined ? (
          <ActivityWaitingCard key={`${a.stateName}-${a.scheduledAt}-${i}`} task={a} />
        ) : (
          <WaitingTaskCard key={a.taskToken} task={{ stateName: a.stateName, taskToken: a.taskToken, path: [] }} payload={a.input} onDone={onDone} activityArn={a.activityArn} />
        ),
      )}
    </section>
  );
}
