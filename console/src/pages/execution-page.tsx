import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLiveEvents } from '../api/live-events.js';
import { consoleApi, fullHistory, historyAfter, machineNameOf, sfn, type ActivityTask, type ExecutionDescription, type HistoryEvent, type WaitingTask } from '../api/sfn-client.js';
import { ErrorCause } from '../components/error-cause.js';
import { dateText, ErrorNote, JsonBlock, StatusBadge } from '../components/format.js';
import { StateMachineGraph, type StateMark } from '../graph/state-machine-graph.js';
import { durationText, replayHistory, type StateView } from '../history/replay.js';
import { href } from '../router.js';
import { EventHistory } from './event-history.js';
import { isLambdaTask, StateFunctionLogs } from './function-logs.js';
import { MapRuns } from './map-runs.js';
import { WaitingTasks } from './waiting-tasks.js';
import { childWorkflowOf } from './map-run-workflow.js';

function StateDetails({ state, onClose, logs }: { readonly state: StateView | undefined; readonly onClose: () => void; readonly logs?: { readonly executionArn: string; readonly version: number; readonly until?: number } }) {
  if (state === undefined) return <p className="muted">Choose a state in the graph to see its input, output, variables and errors.</p>;
  return (
    <div className="state-details" data-testid="state-details">
      <header className="panel-head">
        <h3>
          {state.name} <span className="muted">({state.type})</span> <span className={`badge status-${state.status}`}>{state.status}</span>
        </h3>
        <button type="button" className="small" onClick={onClose} aria-label="Close state details">
          ✕
        </button>
      </header>
      <p className="muted small-text">
        {state.entries > 1 ? `Entered ${state.entries} times. ` : ''}
        {state.enteredAt !== undefined && state.exitedAt !== undefined && state.exitedAt >= state.enteredAt ? `Took ${durationText(state.enteredAt, state.exitedAt)}. ` : ''}
        {state.retries > 0 ? `Retried ${state.retries} time${state.retries > 1 ? 's' : ''}.` : ''}
      </p>
      <JsonBlock label="Input" text={state.input} />
      <JsonBlock label="Output" text={state.output} empty={state.active > 0 ? 'Not yet: the state is running.' : '—'} />
      {state.resource !== undefined && <p className="muted small-text mono task-resource" data-testid="task-resource">{state.resource}</p>}
      {state.parameters !== undefined && <JsonBlock label={state.resource !== undefined ? 'Request' : 'Parameters'} text={state.parameters} />}
      {state.result !== undefined && <JsonBlock label={state.resource !== undefined ? 'Response' : 'Task result'} text={state.result} />}
      {state.variables !== undefined && <JsonBlock label="Variables" text={JSON.stringify(Object.fromEntries(Object.entries(state.variables).map(([k, v]) => [k, parseMaybe(v)])))} />}
      {state.failures.length > 0 && (
        <section aria-label="Errors and retries">
          <h4>Errors{state.retries > 0 ? ' and retries' : ''}</h4>
          <ol className="failures">
            {state.failures.map((f) => (
              <li key={f.eventId}>
                <ErrorCause error={f.error ?? f.type} cause={f.cause} /> <span className="muted small-text">(event {f.eventId})</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {logs !== undefined && isLambdaTask(state.resource) && <StateFunctionLogs executionArn={logs.executionArn} stateName={state.name} version={logs.version} until={logs.until} />}
    </div>
  );
}

function parseMaybe(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** One execution: the graph with each state's status live, state details, time travel, waiting tasks, history. */
export function ExecutionPage({ arn }: { readonly arn: string; readonly dark: boolean }) {
  const [execution, setExecution] = useState<ExecutionDescription | undefined>();
  const [definition, setDefinition] = useState<unknown>();
  const [events, setEvents] = useState<HistoryEvent[]>([]);
  const [tasks, setTasks] = useState<WaitingTask[]>([]);
  const [activities, setActivities] = useState<ActivityTask[]>([]);
  const [error, setError] = useState<unknown>();
  const [selected, setSelected] = useState<string | undefined>();
  // undefined: follow the latest event; a number: time travel to that event index.
  const [position, setPosition] = useState<number | undefined>();
  const loading = useRef(false);
  const again = useRef(false);
  // The history loaded so far, and whose: events are only ever appended, so a live update fetches the tail.
  const known = useRef<{ arn: string; events: HistoryEvent[] }>({ arn, events: [] });

  const load = useCallback(async () => {
    if (loading.current) return void (again.current = true);
    loading.current = true;
    try {
      const ex = await sfn<ExecutionDescription>('DescribeExecution', { executionArn: arn });
      const have = known.current.arn === arn ? known.current.events : [];
      const tail = have.length === 0 ? fullHistory(arn) : historyAfter(arn, have[have.length - 1].id).then((more) => (more.length === 0 ? have : [...have, ...more]));
      const [history, waiting] = await Promise.all([tail, ex.status === 'RUNNING' ? consoleApi<{ tasks: WaitingTask[]; activities?: ActivityTask[] }>('waiting-tasks', { executionArn: arn }) : { tasks: [], activities: [] }]);
      known.current = { arn, events: history };
      setExecution(ex);
      setEvents(history);
      setTasks(waiting.tasks);
      setActivities(waiting.activities ?? []);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      loading.current = false;
      if (again.current) {
        again.current = false;
        void load();
      }
    }
  }, [arn]);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (execution === undefined || definition !== undefined) return;
    sfn<{ definition: string; label?: string }>('DescribeStateMachineForExecution', { executionArn: arn })
      .catch(() => sfn<{ definition: string; label?: string }>('DescribeStateMachine', { stateMachineArn: execution.stateMachineArn }))
      // A Map Run's child runs its Map's ItemProcessor: that is the graph its history walks.
      .then((m) => setDefinition(childWorkflowOf(JSON.parse(m.definition) as unknown, m.label)))
      .catch(setError);
  }, [execution, definition, arn]);
  // A worker taking an activity task writes no history event, so look again while one waits for a worker.
  const untaken = activities.some((a) => a.taskToken === undefined);
  useEffect(() => {
    if (!untaken) return;
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [untaken, load]);
  useLiveEvents((e) => {
    if (e.kind === 'reconnected' || (e.kind === 'execution' && e.change.executionArn === arn)) void load();
  });

  const at = position ?? events.length - 1;
  const view = useMemo(() => replayHistory(events, at), [events, at]);
  const marks = useMemo(() => {
    const m = new Map<string, StateMark>();
    for (const s of view.states.values()) m.set(s.name, { status: s.status, retries: s.retries });
    return m;
  }, [view]);
  const latest = useMemo(() => replayHistory(events), [events]);
  const running = execution?.status === 'RUNNING';

  const stop = async () => {
    if (!window.confirm('Stop this execution?')) return;
    try {
      await sfn('StopExecution', { executionArn: arn, error: 'Stopped', cause: 'Stopped from the Stepwright console' });
      await load();
    } catch (e) {
      setError(e);
    }
  };

  // RedriveExecution (AWS): a failed, timed-out or aborted Standard execution continues from where it stopped.
  const redrivable = execution !== undefined && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status);
  const redrive = async () => {
    try {
      await sfn('RedriveExecution', { executionArn: arn });
      await load();
    } catch (e) {
      setError(e);
    }
  };

  const atEvent = events[at];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <a href={href.executions()}>Executions</a> / {execution !== undefined && <a href={href.machine(execution.stateMachineArn)}>{machineNameOf(execution.stateMachineArn)}</a>} /
          </p>
          <h1>
            <span data-testid="execution-name">{execution?.name ?? '…'}</span> {execution !== undefined && <StatusBadge status={execution.status} />}
          </h1>
          {execution !== undefined && (
            <p className="muted small-text">
              Started {dateText(execution.startDate)}
              {execution.stopDate !== undefined && ` · ended ${dateText(execution.stopDate)} · took ${durationText(execution.startDate, execution.stopDate)}`}
            </p>
          )}
        </div>
        <div className="actions">
          {execution !== undefined && (
            <a className="button" href={href.machine(execution.stateMachineArn, 'start') + '&start=1'}>
              New execution
            </a>
          )}
          {redrivable && (
            <button type="button" onClick={() => void redrive()} title="Continue from the state that failed (RedriveExecution)">
              Redrive
            </button>
          )}
          {running && (
            <button type="button" className="danger" onClick={() => void stop()}>
              Stop execution
            </button>
          )}
        </div>
      </div>
      <ErrorNote error={error} />
      {execution?.error !== undefined && (
        <div className="error-note" data-testid="execution-error">
          <ErrorCause error={execution.error} cause={execution.cause} />
        </div>
      )}
      <WaitingTasks tasks={tasks} activities={activities} payloadOf={(name) => latest.states.get(name)?.parameters} onDone={() => void load()} />
      <MapRuns events={events} />
      <section className="panel timetravel" aria-label="Time travel">
        <label htmlFor="time-travel">
          Time travel: {events.length === 0 ? '—' : `after event ${atEvent?.id ?? ''} of ${events.length}`}
          {atEvent !== undefined && <span className="muted"> · {atEvent.type}</span>}
        </label>
        <div className="slider-row">
          <input
            id="time-travel"
            type="range"
            min={0}
            max={Math.max(0, events.length - 1)}
            value={at}
            onChange={(e) => {
              const v = Number(e.target.value);
              setPosition(v >= events.length - 1 ? undefined : v);
            }}
            data-testid="time-travel"
          />
          <button type="button" className="small" disabled={position === undefined} onClick={() => setPosition(undefined)}>
            {running ? 'Live' : 'Latest'}
          </button>
        </div>
      </section>
      <div className="split execution-split">
        <section className="panel graph-panel" aria-label="Graph">
          <StateMachineGraph definition={definition} marks={marks} selected={selected} onSelect={setSelected} height="min(70vh, 620px)" />
          <p className="legend small-text">
            <span className="badge status-running">running</span> <span className="badge status-waiting">waiting</span> <span className="badge status-succeeded">succeeded</span>{' '}
            <span className="badge status-failed">failed</span> <span className="badge status-caught">caught</span> <span className="badge status-retrying">retrying</span>
          </p>
        </section>
        <section className="panel details-panel" aria-label="State details">
          <StateDetails
            state={selected === undefined ? undefined : view.states.get(selected)}
            onClose={() => setSelected(undefined)}
            logs={{ executionArn: arn, version: events.length, until: position === undefined || atEvent === undefined ? undefined : atEvent.timestamp * 1000 }}
          />
          {selected !== undefined && !view.states.has(selected) && <p className="muted">{selected} has not run {position === undefined ? 'yet' : 'at this point'}.</p>}
          <details open={selected === undefined}>
            <summary>Execution input and output</summary>
            <JsonBlock label="Execution input" text={view.input ?? execution?.input} />
            <JsonBlock label="Execution output" text={view.output} />
          </details>
        </section>
      </div>
      <section className="panel" aria-label="Event history">
        <h2>Event history</h2>
        <EventHistory events={events} stateOf={(id) => view.stateOfEvent.get(id) ?? latest.stateOfEvent.get(id)} position={at} onPosition={(i) => setPosition(i >= events.length - 1 ? undefined : i)} />
      </section>
    </div>
  );
}
