/**
 * Replays an execution's history (AWS's GetExecutionHistory events) into what each state looked like
 * after a given event: its status, input, output, variables, error and retries. Pure; the execution
 * page calls it for "now" and for the time-travel slider.
 */

export interface ReplayEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export type ReplayStatus = 'running' | 'succeeded' | 'failed' | 'caught' | 'retrying' | 'waiting';

export interface Failure {
  readonly eventId: number;
  readonly type: string;
  readonly error?: string;
  readonly cause?: string;
  readonly timestamp: number;
}

export interface StateView {
  readonly name: string;
  readonly type: string;
  status: ReplayStatus;
  /** Times the state was entered (Map iterations enter the same states many times). */
  entries: number;
  active: number;
  input?: string;
  output?: string;
  /** Variables assigned on exit (`assignedVariables`), parsed from their JSON texts. */
  variables?: Record<string, string>;
  /** The task's resolved parameters (TaskScheduled), e.g. the callback payload. */
  parameters?: string;
  /** What the task's resource answered (TaskSucceeded …), before ResultSelector, ResultPath and OutputPath: an HTTP Task's response, a Lambda's payload. */
  result?: string;
  resource?: string;
  error?: string;
  cause?: string;
  retries: number;
  failures: Failure[];
  enteredAt?: number;
  exitedAt?: number;
  eventIds: number[];
  /** The last failure was not followed by a retry or exit yet. */
  pendingFailure: boolean;
}

export interface ExecutionView {
  readonly states: Map<string, StateView>;
  /** The state each event belongs to (by event id), through previousEventId. */
  readonly stateOfEvent: Map<number, string>;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

type Details = { readonly [k: string]: unknown };

/** The `…EventDetails` object of an event (each event has at most one). */
export function detailsOf(e: ReplayEvent): Details | undefined {
  for (const [k, v] of Object.entries(e)) if (k.endsWith('EventDetails') && typeof v === 'object' && v !== null) return v as Details;
  return undefined;
}

const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const FAILURE = /(Failed|TimedOut|Aborted)$/;
const EXECUTION_END: Record<string, ExecutionView['status']> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

export function replayHistory(events: readonly ReplayEvent[], upToIndex = events.length - 1): ExecutionView {
  const states = new Map<string, StateView>();
  const stateOfEvent = new Map<number, string>();
  const view: ExecutionView = { states, stateOfEvent, status: 'RUNNING' };
  const last = Math.min(upToIndex, events.length - 1);
  for (let i = 0; i <= last; i++) {
    const e = events[i];
    const d = detailsOf(e) ?? {};
    const type = e.type;
    if (type === 'ExecutionStarted') {
      view.input = s(d.input);
      continue;
    }
    if (EXECUTION_END[type] !== undefined) {
      view.status = EXECUTION_END[type];
      view.output = s(d.output);
      view.error = s(d.error);
      view.cause = s(d.cause);
      // A state still open when the execution ends failed with it (or was aborted).
      for (const st of states.values()) if (st.active > 0 && st.status !== 'succeeded') st.status = type === 'ExecutionSucceeded' ? st.status : 'failed';
      continue;
    }
    let name: string | undefined;
    if (type.endsWith('StateEntered')) {
      name = s(d.name);
      if (name === undefined) continue;
      const st = states.get(name) ?? {
        name,
        type: type.slice(0, -'StateEntered'.length),
        status: 'running' as ReplayStatus,
        entries: 0,
        active: 0,
        retries: 0,
        failures: [],
        eventIds: [],
        pendingFailure: false,
      };
      states.set(name, st);
      st.entries++;
      st.active++;
      st.status = 'running';
      st.input = s(d.input);
      st.enteredAt = e.timestamp;
      st.pendingFailure = false;
    } else if (type.endsWith('StateExited')) {
      name = s(d.name);
    } else {
      name = stateOfEvent.get(e.previousEventId) ?? (typeof d.name === 'string' && states.has(d.name) ? d.name : undefined);
    }
    if (name === undefined) continue;
    stateOfEvent.set(e.id, name);
    const st = states.get(name);
    if (st === undefined) continue;
    st.eventIds.push(e.id);
    if (type.endsWith('StateExited')) {
      st.active = Math.max(0, st.active - 1);
      st.output = s(d.output);
      st.exitedAt = e.timestamp;
      const assigned = d.assignedVariables;
      if (typeof assigned === 'object' && assigned !== null) st.variables = { ...st.variables, ...(assigned as Record<string, string>) };
      st.status = st.pendingFailure ? 'caught' : 'succeeded';
      st.pendingFailure = false;
    } else if (type === 'TaskScheduled' || type === 'ActivityScheduled' || type === 'LambdaFunctionScheduled') {
      if (st.pendingFailure) {
        st.retries++;
        st.pendingFailure = false;
      }
      st.parameters = s(d.parameters) ?? s(d.input);
      st.result = undefined;
      st.resource = [s(d.resourceType), s(d.resource)].filter(Boolean).join(':') || undefined;
      st.status = 'running';
    } else if (type === 'TaskStarted' || type === 'ActivityStarted' || type === 'LambdaFunctionStarted') {
      st.status = s(d.resource)?.endsWith('.waitForTaskToken') || st.resource?.endsWith('.waitForTaskToken') ? 'waiting' : 'running';
    } else if (type === 'TaskSubmitted') {
      // `.sync` submitted its job and runs on; `.waitForTaskToken` sent its message and waits for the token.
      if (!(s(d.resource)?.endsWith('.waitForTaskToken') || st.resource?.endsWith('.waitForTaskToken'))) st.status = 'running';
    } else if (type === 'TaskSucceeded' || type === 'ActivitySucceeded' || type === 'LambdaFunctionSucceeded') {
      st.result = s(d.output);
      st.status = 'running';
    } else if (type.endsWith('IterationStarted') || type.endsWith('IterationSucceeded')) {
      // Map/Parallel children: the group stays running.
    } else if (FAILURE.test(type) && !type.endsWith('IterationFailed') && !type.endsWith('IterationAborted')) {
      st.failures.push({ eventId: e.id, type, error: s(d.error), cause: s(d.cause), timestamp: e.timestamp });
      st.error = s(d.error);
      st.cause = s(d.cause);
      st.status = 'failed';
      st.pendingFailure = true;
    }
  }
  // A failure followed by nothing yet: the state waits for a retry (Retry IntervalSeconds).
  for (const st of states.values()) if (view.status === 'RUNNING' && st.pendingFailure && st.active > 0) st.status = 'retrying';
  return view;
}

/** Seconds between two AWS timestamps (epoch seconds) as text. */
export function durationText(from: number, to: number): string {
  const ms = Math.max(0, Math.round((to - from) * 1000));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
