import { StatesError } from '../language/errors.js';
import type { Json } from '../language/json.js';
import { applyResultPath } from '../language/jsonpath/index.js';
import type { CompiledMachine, CompiledState } from './compile.js';
import { taskTimeoutKey, type EngineEvent, type Effect } from './effects.js';
import { errorDetails, historyRecords, HistoryWriter, type ChildExecutionChange, inputDetails, materializeEvents, outputDetails, type HistoryLog, type HistoryRecord } from './history.js';
import { newFrame } from './frames.js';
import { MAX_HISTORY_EVENTS } from './limits.js';
import { findCatcher, findRetrier, retryDelaySeconds } from './retry.js';
import type { ExecutionInfo, Frame, Snapshot } from './snapshot.js';
import type { HistoryEvent } from './types.js';
import { runChoice } from './states/choice.js';
import { runFail } from './states/fail.js';
import { abortOrphanedChildren } from './states/map-children.js';
import { mapChildFinished, resumeMap, runMap, updateMapRun } from './states/map.js';
import { parallelChildFinished, resumeParallel, runParallel } from './states/parallel.js';
import { isPlainPass, passOutput, runPass } from './states/pass.js';
import { runSucceed } from './states/succeed.js';
import { isActivity, runTask, taskFailed, taskStarted, taskSubmitted, taskSucceeded, taskTimedOut, type ActivityWorker } from './states/task.js';
import { resumeWait, runWait } from './states/wait.js';
import { assignFromJsonata, assignFromTemplate, jsonataEnv, JsonPathScope, type Assignment, type Ids, type Outcome, type StepContext } from './step.js';

export interface AdvanceResult {
  readonly snapshot: Snapshot;
  /** The new events, payloads still as values (cheap to keep). */
  readonly historyRecords: readonly HistoryRecord[];
  /** The same events in AWS's shape (payloads as JSON text), built on first read. */
  readonly historyEvents: readonly HistoryEvent[];
  readonly effects: readonly Effect[];
  /** The child executions (distributed Map iterations) whose records or histories the advance changed. */
  readonly childExecutions: readonly ChildExecutionChange[];
}

class AdvanceOutcome implements AdvanceResult {
  private materialized?: HistoryEvent[];
  private readonly end: number;
  constructor(
    readonly snapshot: Snapshot,
    private readonly history: HistoryWriter,
    readonly effects: readonly Effect[],
  ) {
    this.end = history.log.length;
  }
  get historyRecords(): readonly HistoryRecord[] {
    return historyRecords(this.history.log, this.history.start, this.end);
  }
  get historyEvents(): readonly HistoryEvent[] {
    return (this.materialized ??= materializeEvents(this.historyRecords));
  }
  get childExecutions(): readonly ChildExecutionChange[] {
    return this.history.children.size === 0 ? NO_CHILDREN : [...this.history.children.values()];
  }
}

const NO_CHILDREN: readonly ChildExecutionChange[] = [];

const ROOT = 'root';
/** The execution's TimeoutSeconds timer; each redrive arms a new one, so an old one fires stale. */
const executionTimeoutKey = (snapshot: Snapshot): string =>
  snapshot.redriveCount ? `execution-timeout:${snapshot.redriveCount}` : 'execution-timeout';

function armExecutionTimeout(ctx: StepContext): void {
  if (ctx.machine.timeoutSeconds === undefined) return;
  const { snapshot } = ctx;
  ctx.effects.push({ type: 'startTimer', frameId: snapshot.rootFrameId, key: executionTimeoutKey(snapshot), dueAt: ctx.now + ctx.machine.timeoutSeconds * 1000 });
}

/** The snapshot of an execution that has not started yet; `advance` it with `{ type: 'start' }`. */
export function createSnapshot(machine: CompiledMachine, execution: ExecutionInfo): Snapshot {
  const root = newFrame({ id: ROOT, parentId: null, scope: '', index: 0, prevId: 0, input: execution.input, pendingEnter: false, startAt: machine.scopes.get('')!.startAt });
  return { version: 0, status: 'RUNNING', execution, lastEventId: 0, frameSeq: 0, frames: { [ROOT]: root }, rootFrameId: ROOT };
}

/**
 * Applies one event to an execution and runs every state that needs nothing from outside, until
 * each frame waits for a task, a timer or its children, or the execution ends. The snapshot is
 * consumed: it is updated in place and returned. No I/O, clock or randomness besides the arguments.
 */
export async function advance(
  machine: CompiledMachine,
  snapshot: Snapshot,
  event: EngineEvent | readonly EngineEvent[],
  now: number,
  ids: Ids,
  maxTransitions = Infinity,
): Promise<AdvanceResult> {
  return advanceNow(machine, snapshot, event, now, ids, maxTransitions);
}

/**
 * `advance`, answering synchronously when no state needed to wait for a promise (JSONata, Map
 * inputs): the in-memory runner's hot path then makes no promise at all.
 */
export function advanceNow(
  machine: CompiledMachine,
  snapshot: Snapshot,
  event: EngineEvent | readonly EngineEvent[],
  now: number,
  ids: Ids,
  maxTransitions = Infinity,
  /** The runner's whole history so far: this advance's entries are appended to it. */
  history?: HistoryLog,
  /** The history quota (AWS: 25,000 events for Standard; Express has none). */
  maxHistoryEvents = MAX_HISTORY_EVENTS,
): AdvanceResult | Promise<AdvanceResult> {
  const ctx: StepContext = {
    machine,
    snapshot,
    history: new HistoryWriter(snapshot, now, history, maxHistoryEvents),
    effects: [],
    now,
    ids,
    ready: [],
    budget: { transitions: maxTransitions },
    scope: new JsonPathScope({ snapshot, ids }),
  };
  if (Array.isArray(event)) for (const e of event as readonly EngineEvent[]) take(ctx, e);
  else take(ctx, event as EngineEvent);
  if (ctx.ready.length > 1) return settleSimultaneous(ctx).then((settled) => driveAll(ctx, settled));
  return driveAll(ctx, NOTHING_SETTLED);
}

/** Drives the ready frames in turn; synchronous until a frame has to wait for a promise. */
function driveAll(ctx: StepContext, settled: Map<Frame, Outcome>): AdvanceResult | Promise<AdvanceResult> {
  const { snapshot } = ctx;
  while (ctx.ready.length > 0 && snapshot.status === 'RUNNING' && ctx.budget.transitions > 0) {
    const pending = drive(ctx, ctx.ready.shift()!, settled);
    if (pending !== undefined) return pending.then(() => driveAll(ctx, settled));
  }
  // Out of budget with work left: the caller sends `continue` (after checking for a stop request).
  if (snapshot.status === 'RUNNING' && ctx.budget.transitions <= 0) ctx.effects.push({ type: 'yield' });
  if (ctx.history.limitReached) endOnHistoryLimit(ctx);
  if (snapshot.childExecutions !== undefined) abortOrphanedChildren(ctx);
  snapshot.version++;
  return new AdvanceOutcome(snapshot, ctx.history, ctx.effects);
}

function take(ctx: StepContext, event: EngineEvent): void {
  if (event.type === 'redrive') redrive(ctx);
  else if (ctx.snapshot.status === 'RUNNING') applyEvent(ctx, event);
}

/**
 * RedriveExecution: the execution continues from the state that did not succeed, with the input it
 * had, after an ExecutionRedriven event; states that succeeded are not run again; the machine's
 * TimeoutSeconds counts again from the redrive (our choice: AWS does not document it). A Map or
 * Parallel runs again only its iterations and branches that did not succeed, as AWS's redrive does;
 * one level deep (an iteration that failed inside runs again from its start).
 */
function redrive(ctx: StepContext): void {
  const { snapshot } = ctx;
  const root = snapshot.frames[snapshot.rootFrameId];
  if (snapshot.status !== 'FAILED' && snapshot.status !== 'TIMED_OUT' && snapshot.status !== 'ABORTED') return;
  if (root === undefined || root.enteredEventId === 0) return;
  snapshot.status = 'RUNNING';
  snapshot.error = undefined;
  snapshot.cause = undefined;
  snapshot.redriveCount = (snapshot.redriveCount ?? snapshot.execution.redriveCount) + 1;
  root.prevId = snapshot.lastEventId;
  ctx.history.emit(root, 'ExecutionRedriven', 'executionRedrivenEventDetails', { redriveCount: snapshot.redriveCount });
  root.result = undefined;
  root.resume = undefined;
  if (root.children !== undefined) root.redriveFrom = { done: root.children.done, results: root.children.results };
  root.children = undefined;
  root.wait = null;
  root.pendingEnter = true;
  // A redriven execution gets its whole TimeoutSeconds again, counted from the redrive.
  armExecutionTimeout(ctx);
  ctx.ready.push(root);
}

function applyEvent(ctx: StepContext, event: EngineEvent): void {
  const { snapshot } = ctx;
  if (event.type === 'continue') {
    for (const f of Object.values(snapshot.frames)) if (f.wait === null && (f.pendingEnter || f.resume !== undefined)) ctx.ready.push(f);
    return;
  }
  if (event.type === 'start') {
    const root = snapshot.frames[snapshot.rootFrameId];
    const e = snapshot.execution;
    ctx.history.emit(root, 'ExecutionStarted', 'executionStartedEventDetails', inputDetails(e.input, e.roleArn), false);
    armExecutionTimeout(ctx);
    root.pendingEnter = true;
    ctx.ready.push(root);
    return;
  }
  if (event.type === 'stop') {
    finishExecution(ctx, 'ABORTED', 'ExecutionAborted', 'executionAbortedEventDetails', errorDetails(event.error, event.cause));
    snapshot.error = event.error;
    snapshot.cause = event.cause;
    return;
  }
  if (event.type === 'fail') {
    // Failed before its start was applied (the start itself was the poison): AWS's histories always begin with ExecutionStarted.
    if (snapshot.lastEventId === 0) {
      const e = snapshot.execution;
      ctx.history.emit(snapshot.frames[snapshot.rootFrameId], 'ExecutionStarted', 'executionStartedEventDetails', inputDetails(e.input, e.roleArn), false);
    }
    finishExecution(ctx, 'FAILED', 'ExecutionFailed', 'executionFailedEventDetails', errorDetails(event.error, event.cause));
    snapshot.error = event.error;
    snapshot.cause = event.cause;
    return;
  }
  if (event.type === 'redrive') return; // handled before: it applies to executions that ended
  if (event.type === 'updateMapRun') return updateMapRun(ctx, event);
  const frame = snapshot.frames[event.frameId];
  if (frame === undefined) return; // a result for a frame that ended (stale): AWS drops it too
  if (event.type === 'timerFired') {
    if (event.key === executionTimeoutKey(snapshot)) {
      finishExecution(ctx, 'TIMED_OUT', 'ExecutionTimedOut', 'executionTimedOutEventDetails', errorDetails('States.Timeout', undefined));
      snapshot.error = 'States.Timeout';
      return;
    }
    const wait = frame.wait;
    if (wait?.kind === 'timer' && wait.key === event.key) return wakeFrame(ctx, frame, { kind: 'timer', purpose: wait.purpose });
    if (wait?.kind === 'task' && event.key === taskTimeoutKey(wait.attempt)) {
      ensureStarted(ctx, frame);
      return wakeFrame(ctx, frame, { kind: 'taskTimedOut' });
    }
    if (wait?.kind === 'task' && wait.heartbeatKey !== undefined && event.key === wait.heartbeatKey) {
      ensureStarted(ctx, frame);
      return wakeFrame(ctx, frame, { kind: 'taskTimedOut', error: 'States.HeartbeatTimeout' });
    }
    return;
  }
  const wait = frame.wait;
  if (wait?.kind !== 'task' || wait.attempt !== event.attempt) return; // stale result of an earlier attempt
  if (event.type === 'taskStarted') return ensureStarted(ctx, frame);
  if (event.type === 'activityStarted') return ensureStarted(ctx, frame, event.workerName === undefined ? {} : { workerName: event.workerName });
  if (event.type === 'taskSubmitted') {
    ensureStarted(ctx, frame);
    const waiting = frame.wait;
    if (waiting?.kind !== 'task' || waiting.submitted === true) return;
    frame.wait = { ...waiting, submitted: true };
    taskSubmitted(ctx, frame, stateOf(ctx, frame) as Extract<CompiledState, { type: 'Task' }>, event.output);
    return;
  }
  if (event.type === 'taskHeartbeat') {
    if (wait.heartbeatSeconds === undefined) return;
    // A heartbeat re-arms the timer under a new key, so the earlier one fires stale.
    const heartbeatKey = `heartbeat:${wait.attempt}:${ctx.now}`;
    frame.wait = { ...wait, heartbeatKey };
    ctx.effects.push({ type: 'startTimer', frameId: frame.id, key: heartbeatKey, dueAt: ctx.now + wait.heartbeatSeconds * 1000 });
    return;
  }
  // A result means a worker took the task, even if its ActivityStarted report was lost.
  ensureStarted(ctx, frame, ANSWERED);
  if (event.type === 'taskSucceeded') wakeFrame(ctx, frame, { kind: 'taskSucceeded', output: event.output });
  else if (event.type === 'taskFailed') wakeFrame(ctx, frame, { kind: 'taskFailed', error: event.error, cause: event.cause });
  else wakeFrame(ctx, frame, { kind: 'taskTimedOut' });
}

const ANSWERED: ActivityWorker = {};

/**
 * Records the task's start once. An activity task starts when a worker takes it (`worker`), not
 * when it is dispatched: one that times out before that has no ActivityStarted, as on AWS.
 */
function ensureStarted(ctx: StepContext, frame: Frame, worker?: ActivityWorker): void {
  const wait = frame.wait;
  if (wait?.kind !== 'task' || wait.started) return;
  const state = stateOf(ctx, frame) as Extract<CompiledState, { type: 'Task' }>;
  if (worker === undefined && isActivity(state)) return;
  frame.wait = { ...wait, started: true };
  taskStarted(ctx, frame, state, worker);
}

function wakeFrame(ctx: StepContext, frame: Frame, resume: NonNullable<Frame['resume']>): void {
  frame.wait = null;
  frame.resume = resume;
  ctx.ready.push(frame);
}

/**
 * The frame's state after `previous` when that is not the one its Next names: the one it jumped
 * to last time (a Choice's usual branch), else from the table (two lookups), remembered.
 */
function jumpTarget(ctx: StepContext, frame: Frame, previous: CompiledState | undefined): CompiledState {
  if (previous === undefined) return stateOf(ctx, frame);
  if (previous.lastJump?.name === frame.state) return previous.lastJump;
  return (previous.lastJump = stateOf(ctx, frame));
}

function stateOf(ctx: StepContext, frame: Frame): CompiledState {
  const state = ctx.machine.scopes.get(frame.scope)?.states.get(frame.state);
  if (state === undefined) throw new Error(`no state ${frame.state} in scope '${frame.scope}'`);
  return state;
}

const NOTHING_SETTLED: Map<Frame, Outcome> = new Map();

/**
 * Events that happen at the same instant to several frames (e.g. the timeouts of Map iterations
 * that started together) are each taken up before any of their consequences: AWS records every
 * TaskTimedOut before the MapIterationFailed and the aborts that follow.
 */
async function settleSimultaneous(ctx: StepContext): Promise<Map<Frame, Outcome>> {
  const settled = new Map<Frame, Outcome>();
  const resumed = ctx.ready.filter((f) => f.resume !== undefined);
  if (resumed.length < 2) return settled;
  for (const frame of resumed) {
    const outcome = await step(ctx, frame, stateOf(ctx, frame));
    if (outcome !== undefined) settled.set(frame, outcome);
  }
  return settled;
}

/**
 * Runs the frame's next step: resumes its state with an event, or enters its next state. Stays
 * synchronous unless the state itself is (JSONata, Map): the hot path makes no promise.
 */
function step(ctx: StepContext, frame: Frame, state: CompiledState): Outcome | Promise<Outcome> | undefined {
  let outcome: Outcome | Promise<Outcome>;
  try {
    if (frame.resume !== undefined) {
      outcome = resumeState(ctx, frame, state);
      frame.resume = undefined;
    } else if (frame.pendingEnter) {
      if (!beginEntry(ctx, frame, state)) return undefined;
      outcome = runState(ctx, frame, state);
    } else {
      return undefined;
    }
    return outcome instanceof Promise ? outcome.catch((e: unknown) => stepFailed(frame, e)) : outcome;
  } catch (e) {
    return stepFailed(frame, e);
  }
}

/** A step threw: the state fails with the error as AWS reports evaluation failures. */
function stepFailed(frame: Frame, e: unknown): Extract<Outcome, { kind: 'fail' }> {
  frame.resume = undefined;
  return evaluationFailure(frame, e);
}

/**
 * Runs one frame until it waits or ends. Synchronous (answers undefined) while every step is; when a
 * step or a failure handler has to wait for a promise, answers a promise of the rest of the run.
 */
function drive(ctx: StepContext, frame: Frame, settled: Map<Frame, Outcome>): Promise<void> | undefined {
  const { snapshot } = ctx;
  // Dropped while it waited to run (a sibling failed its Map or Parallel). Once it runs, only its
  // own end removes it, and that sets its result (or ends the execution).
  if (snapshot.frames[frame.id] !== frame) return undefined;
  let state: CompiledState | undefined;
  while (snapshot.status === 'RUNNING' && frame.result === undefined) {
    // The state just run usually names the next one: follow its link instead of two table lookups.
    if (state === undefined || state.name !== frame.state) state = state?.following?.name === frame.state ? state.following : jumpTarget(ctx, frame, state);
    const current = state;
    if (frame.pendingEnter && settled.size === 0 && frame.resume === undefined && isPlainPass(current)) {
      // The bulk of most workflows, run in a straight line: enter, compute the output, exit. What
      // `step` and `applyOutcome` below do, without the outcome they pass around.
      if (!beginEntry(ctx, frame, current)) return undefined;
      let output: Json;
      try {
        output = passOutput(ctx, frame, current);
      } catch (e) {
        return handleFailure(ctx, frame, current, stepFailed(frame, e)).then(() => drive(ctx, frame, settled));
      }
      exitState(ctx, frame, current, output, undefined, undefined);
      continue;
    }
    const early = settled.size === 0 ? undefined : settled.get(frame);
    if (early !== undefined) settled.delete(frame);
    const outcome = early ?? step(ctx, frame, current);
    const go = outcome instanceof Promise ? outcome.then((o) => applyOutcome(ctx, frame, current, o)) : applyOutcome(ctx, frame, current, outcome);
    if (go instanceof Promise) return go.then((more) => (more ? drive(ctx, frame, settled) : undefined));
    if (!go) return undefined;
  }
  return undefined;
}

/** Applies a step's outcome: true when the frame may run on, false when it waits. */
function applyOutcome(ctx: StepContext, frame: Frame, state: CompiledState, outcome: Outcome | undefined): boolean | Promise<boolean> {
  if (outcome === undefined || outcome.kind === 'wait') return false;
  if (outcome.kind === 'fail') return handleFailure(ctx, frame, state, outcome).then(() => true);
  const tooLarge = outcome.assign === undefined ? undefined : assignSizeProblem(outcome.assign);
  if (tooLarge !== undefined) return handleFailure(ctx, frame, state, evaluationFailure(frame, new StatesError('States.Runtime', tooLarge))).then(() => true);
  exitState(ctx, frame, state, outcome.output, outcome.assign, outcome.next);
  return true;
}

/** AWS limits each variable, and all the values one Assign sets, to 256 KiB of UTF-8. */
const MAX_VARIABLE_BYTES = 256 * 1024;

function assignSizeProblem(assign: { [name: string]: Json }): string | undefined {
  let total = 0;
  for (const name of Object.keys(assign)) {
    const bytes = Buffer.byteLength(JSON.stringify(assign[name]), 'utf8');
    if (bytes > MAX_VARIABLE_BYTES) return `The variable '${name}' exceeds the maximum size of ${MAX_VARIABLE_BYTES} bytes.`;
    total += bytes;
  }
  if (total > MAX_VARIABLE_BYTES) return `The variables assigned by the state exceed the maximum size of ${MAX_VARIABLE_BYTES} bytes.`;
  return undefined;
}

/** Enters the frame's pending state, if the advance has a transition left (else it yields). */
function beginEntry(ctx: StepContext, frame: Frame, state: CompiledState): boolean {
  if (ctx.budget.transitions <= 0) return false;
  ctx.budget.transitions--;
  frame.pendingEnter = false;
  enterState(ctx, frame, state);
  return true;
}

function enterState(ctx: StepContext, frame: Frame, state: CompiledState): void {
  frame.children = undefined; // a failed Map/Parallel's progress lives on only into a redrive
  frame.enteredPrevId = frame.prevId;
  frame.enteredTime = ctx.now;
  if (frame.retryCounts.length > 0) frame.retryCounts = [];
  frame.retryCount = 0;
  frame.enteredEventId = ctx.history.emitEntered(frame, state.enteredType, state.name, frame.input);
}

type StateRunner = (ctx: StepContext, frame: Frame, state: never) => Outcome | Promise<Outcome>;

/** What entering each type of state runs. */
const RUNNERS: { readonly [T in CompiledState['type']]: StateRunner } = {
  Pass: runPass,
  Choice: runChoice,
  Succeed: runSucceed,
  Fail: runFail,
  Wait: runWait,
  Task: runTask,
  Parallel: runParallel,
  Map: runMap,
};

function runState(ctx: StepContext, frame: Frame, state: CompiledState): Outcome | Promise<Outcome> {
  return (RUNNERS[state.type] as (ctx: StepContext, frame: Frame, state: CompiledState) => Outcome | Promise<Outcome>)(ctx, frame, state);
}

function resumeState(ctx: StepContext, frame: Frame, state: CompiledState): Outcome | Promise<Outcome> {
  const resume = frame.resume!;
  if (resume.kind === 'timer' && resume.purpose === 'retry') return runState(ctx, frame, state);
  switch (state.type) {
    case 'Wait':
      return resumeWait(ctx, frame, state);
    case 'Task':
      if (resume.kind === 'taskSucceeded') return taskSucceeded(ctx, frame, state, resume.output);
      if (resume.kind === 'taskFailed') return taskFailed(ctx, frame, state, resume.error, resume.cause);
      return taskTimedOut(ctx, frame, state, resume.kind === 'taskTimedOut' && resume.error === 'States.HeartbeatTimeout');
    case 'Parallel':
      return resumeParallel(ctx, frame, state);
    case 'Map':
      return resumeMap(ctx, frame, state);
    default:
      throw new Error(`state type ${state.type} cannot resume`);
  }
}

/** An expression failed: AWS prefixes the cause with the state and the id of its entered event. */
function evaluationFailure(frame: Frame, e: unknown): Extract<Outcome, { kind: 'fail' }> {
  const prefix = `An error occurred while executing the state '${frame.state}' (entered at the event id #${frame.enteredEventId}). `;
  if (e instanceof StatesError) {
    if (e.error !== 'States.QueryEvaluationError') return { kind: 'fail', error: e.error, cause: prefix + e.cause };
    const location = e.location ?? /specified for the field '([^']+)'/.exec(e.cause)?.[1];
    return { kind: 'fail', error: e.error, cause: prefix + e.cause, location, evaluation: true };
  }
  return { kind: 'fail', error: 'States.Runtime', cause: prefix + (e instanceof Error ? e.message : String(e)) };
}

/** The state ends with `output` (and `assign`): the frame goes on to `next` (else the state's Next) or ends. */
function exitState(ctx: StepContext, frame: Frame, state: CompiledState, output: Json, assign: Assignment | undefined, next: string | undefined): void {
  if (assign !== undefined) Object.assign(frame.variables, assign);
  ctx.history.emitExited(frame, state.exitedType, state.name, output, assign);
  const to = next ?? state.next;
  if (state.type === 'Succeed' || to === undefined) {
    endFrame(ctx, frame, { ok: true, output });
    return;
  }
  frame.state = to;
  frame.input = output;
  frame.pendingEnter = true;
}

async function handleFailure(ctx: StepContext, frame: Frame, state: CompiledState, f: Extract<Outcome, { kind: 'fail' }>): Promise<void> {
  const error = f.error;
  if (f.evaluation === true) {
    // AWS links EvaluationFailed to the event before the state was entered, except for Wait,
    // whose fields are evaluated after entering.
    const extra: Record<string, unknown> = { state: state.name };
    if (f.location !== undefined) extra.location = f.location;
    ctx.history.emit(frame, 'EvaluationFailed', 'evaluationFailedEventDetails', errorDetails(error, f.cause, extra), true, state.type === 'Wait' ? frame.prevId : frame.enteredPrevId);
  }
  // Only these retry and catch; a Task's failure may have no error name (SendTaskFailure without
  // one), which States.ALL still matches.
  const matchable = state.type === 'Task' || (error !== undefined && (state.type === 'Parallel' || state.type === 'Map'));
  if (matchable) {
    const i = findRetrier(state.retry, error, f.alsoMatches);
    if (i >= 0) {
      const retrier = state.retry[i];
      const attempts = frame.retryCounts[i] ?? 0;
      if (attempts < retrier.maxAttempts) {
        frame.retryCounts[i] = attempts + 1;
        frame.retryCount++;
        const key = `retry:${frame.enteredEventId}:${frame.retryCount}`;
        frame.wait = { kind: 'timer', key, purpose: 'retry' };
        ctx.effects.push({ type: 'startTimer', frameId: frame.id, key, dueAt: ctx.now + retryDelaySeconds(retrier, attempts, ctx.ids.random) * 1000 });
        return;
      }
    }
  }
  // A Map or Parallel that fails says so, except on States.Runtime, which ends the execution at once.
  if ((state.type === 'Parallel' || state.type === 'Map') && error !== 'States.Runtime') ctx.history.emit(frame, `${state.type}StateFailed`);
  const catcher = matchable ? findCatcher(state.catch, error, f.alsoMatches) : undefined;
  if (catcher !== undefined) {
    // No error name and no cause: AWS's error output holds both as null.
    const errorOutput: { [k: string]: Json } = { Error: error ?? null };
    if (f.cause !== undefined) errorOutput.Cause = f.cause;
    else if (f.caughtCause !== undefined) errorOutput.Cause = f.caughtCause;
    else if (error === undefined) errorOutput.Cause = null;
    try {
      let output: Json;
      let assign: { [k: string]: Json } | undefined;
      if (state.queryLanguage === 'JSONata') {
        const env = jsonataEnv(ctx, frame, state, { input: frame.input, errorOutput });
        output = catcher.output === undefined ? errorOutput : await catcher.output.evaluate(env);
        assign = await assignFromJsonata(catcher.assignJsonata, env);
      } else {
        output = catcher.resultPath === undefined ? errorOutput : applyResultPath(frame.input, errorOutput, catcher.resultPath);
        assign = assignFromTemplate(ctx, frame, state, catcher.assignPath, errorOutput);
      }
      exitState(ctx, frame, state, output, assign, catcher.next);
    } catch (e) {
      const failed = evaluationFailure(frame, e);
      endFrame(ctx, frame, { ok: false, error: failed.error, cause: failed.cause });
    }
    return;
  }
  endFrame(ctx, frame, { ok: false, error, cause: f.cause });
}

type FrameResult = { ok: true; output: Json } | { ok: false; error?: string; cause?: string };

/**
 * The history quota ended the execution in the middle of this advance (HistoryWriter recorded its
 * ExecutionFailed): whatever the states did after that point is dropped, as it never happened on
 * AWS. No task is dispatched and no timer armed; the frames go, as at any end.
 */
function endOnHistoryLimit(ctx: StepContext): void {
  const { snapshot } = ctx;
  for (const id of Object.keys(snapshot.frames)) if (id !== snapshot.rootFrameId) delete snapshot.frames[id];
  snapshot.output = undefined;
  ctx.effects.length = 0;
  ctx.effects.push({ type: 'executionCompleted' });
}

function endFrame(ctx: StepContext, frame: Frame, result: FrameResult): void {
  if (ctx.history.limitReached) return; // the execution has ended already
  frame.result = result as Frame['result'];
  frame.wait = { kind: 'done' };
  const { snapshot } = ctx;
  if (frame.parentId === null) {
    if (result.ok) {
      snapshot.output = result.output;
      finishExecution(ctx, 'SUCCEEDED', 'ExecutionSucceeded', 'executionSucceededEventDetails', outputDetails(result.output));
    } else {
      snapshot.error = result.error;
      snapshot.cause = result.cause;
      finishExecution(ctx, 'FAILED', 'ExecutionFailed', 'executionFailedEventDetails', errorDetails(result.error, result.cause));
    }
    return;
  }
  delete snapshot.frames[frame.id];
  const parent = snapshot.frames[frame.parentId];
  if (parent === undefined) return;
  const parentState = stateOf(ctx, parent);
  if (parentState.type === 'Map') mapChildFinished(ctx, parent, frame, parentState);
  else parallelChildFinished(ctx, parent, frame);
}

function finishExecution(ctx: StepContext, status: Snapshot['status'], type: string, key: string, details: { [k: string]: unknown }): void {
  const { snapshot } = ctx;
  const root = snapshot.frames[snapshot.rootFrameId];
  snapshot.status = status;
  ctx.history.emit(root ?? null, type, key, details);
  for (const id of Object.keys(snapshot.frames)) if (id !== snapshot.rootFrameId) delete snapshot.frames[id];
  ctx.effects.push({ type: 'executionCompleted' });
}
