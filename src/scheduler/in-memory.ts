import { randomUUID } from 'node:crypto';
import { advanceNow, createSnapshot } from '../engine/advance.js';
import { systemClock } from '../engine/clock.js';
import { historyRecords, materializeEvents, type HistoryLog } from '../engine/history.js';
import { EXPRESS_MAX_DURATION_MS, MAX_HISTORY_EVENTS } from '../engine/limits.js';
import { parseExecutionInput, prepareMachine } from '../engine/prepare.js';
import type { EngineEvent } from '../engine/effects.js';
import type { Snapshot } from '../engine/snapshot.js';
import type { Clock, ExecutionStatus, HistoryEvent, TaskResources } from '../engine/types.js';
import type { Json } from '../language/json.js';
import { scaledDueAt } from './time-scale.js';

// The scheduler without a store: the engine's loop in memory, timers on the clock, ids from
// randomUUID. `stepwright run`, TestState, Express executions and the tests drive it.

export interface RunExecutionOptions {
  readonly input?: Json;
  /** The input as text, parsed as StartExecution would (invalid JSON is refused). */
  readonly inputText?: string;
  readonly name?: string;
  readonly stateMachineName?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly resources?: TaskResources;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly uuid?: () => string;
  /** Aborting stops the execution (status ABORTED), even inside a runaway Choice loop. */
  readonly signal?: AbortSignal;
  /**
   * EXPRESS runs as AWS runs Express workflows: no history is kept (`events` is empty, so a long
   * loop holds no memory for it), no 25,000-event quota, and at most `maxDurationMs`.
   */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** The longest an execution may run before it ends TIMED_OUT (Express: 5 minutes, as AWS). */
  readonly maxDurationMs?: number;
  /**
   * The execution's ARN (`$$.Execution.Id`), when the caller named it already. Else built as AWS
   * does: `…:execution:MACHINE:NAME`, and for EXPRESS `…:express:MACHINE:NAME:UUID`.
   */
  readonly executionArn?: string;
  /** Wait states and Retry back-off take this times their time (time-scale.ts; default 1). */
  readonly timeScale?: number;
}

export interface ExecutionResult {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  /** JSON text, as DescribeExecution returns it. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: HistoryEvent[];
}

class InMemoryResult implements ExecutionResult {
  readonly status: ExecutionStatus;
  readonly error?: string;
  readonly cause?: string;
  private materialized?: HistoryEvent[];
  private outputText?: string;

  constructor(
    readonly executionArn: string,
    private readonly snapshot: Snapshot,
    private readonly log: HistoryLog,
  ) {
    this.status = snapshot.status;
    if (snapshot.error !== undefined) this.error = snapshot.error;
    if (snapshot.cause !== undefined) this.cause = snapshot.cause;
  }

  /** The output as JSON text, serialised on first read (a large output costs nothing until then). */
  get output(): string | undefined {
    if (this.status !== 'SUCCEEDED') return undefined;
    return (this.outputText ??= JSON.stringify(this.snapshot.output));
  }

  /** Plain-object views (spread, JSON) keep the output and history. */
  toJSON(): object {
    return { executionArn: this.executionArn, status: this.status, output: this.output, error: this.error, cause: this.cause, events: this.events };
  }

  /** Materialised on first read: producing JSON texts for every payload is most of a history's cost. */
  get events(): HistoryEvent[] {
    return (this.materialized ??= materializeEvents(historyRecords(this.log)));
  }
}

/** How many state transitions one advance may run before the runner checks for a stop request. */
const TRANSITIONS_PER_SLICE = 10_000;

interface Arns {
  readonly region: string;
  readonly account: string;
  readonly smName: string;
  readonly stateMachineArn: string;
  readonly executionPrefix: string;
  readonly roleArn: string;
}

let lastArns: Arns | undefined;

/** The ARNs of a state machine, kept from the last call: runs of one machine build them once. */
function arnsFor(region: string, account: string, smName: string): Arns {
  const hit = lastArns;
  if (hit !== undefined && hit.region === region && hit.account === account && hit.smName === smName) return hit;
  return (lastArns = {
    region,
    account,
    smName,
    stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:${smName}`,
    executionPrefix: `arn:aws:states:${region}:${account}:execution:${smName}:`,
    roleArn: `arn:aws:iam::${account}:role/StepwrightExecutionRole`,
  });
}

/** Runs one execution in memory to its end: the engine's loop without a store. */
export async function runExecution(definition: unknown, options: RunExecutionOptions = {}): Promise<ExecutionResult> {
  const machine = prepareMachine(definition);
  const input = options.inputText !== undefined ? parseExecutionInput(options.inputText) : (options.input ?? {});
  const clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  const uuid = options.uuid ?? randomUUID;
  const ids = { uuid, random: options.random ?? Math.random };
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '123456789012';
  const smName = options.stateMachineName ?? 'StateMachine';
  const name = options.name ?? uuid();
  const arns = arnsFor(region, account, smName);
  const express = options.type === 'EXPRESS';
  const executionArn = options.executionArn ?? (express ? `arn:aws:states:${region}:${account}:express:${smName}:${name}:${uuid()}` : arns.executionPrefix + name);
  const snapshot = createSnapshot(machine, {
    arn: executionArn,
    name,
    input,
    startTime: clock.now(),
    roleArn: options.roleArn ?? arns.roleArn,
    stateMachineArn: arns.stateMachineArn,
    stateMachineName: smName,
    redriveCount: 0,
    ...(express ? { type: 'EXPRESS' as const } : {}),
  });

  const log: HistoryLog = [];
  // Express keeps no history: each advance gets a log of its own, dropped once it is applied.
  const keptLog = express ? undefined : log;
  const maxHistoryEvents = express ? Infinity : MAX_HISTORY_EVENTS;
  const maxDurationMs = options.maxDurationMs ?? (express ? EXPRESS_MAX_DURATION_MS : undefined);
  const deadline = maxDurationMs === undefined ? Infinity : snapshot.execution.startTime + maxDurationMs;
  /** The engine's own TimeoutSeconds event: the execution ends TIMED_OUT with States.Timeout. */
  const timedOut: EngineEvent = { type: 'timerFired', frameId: snapshot.rootFrameId, key: 'execution-timeout' };
  // Each entry is applied by one advance; timers due at the same instant travel together.
  const queue: (EngineEvent | EngineEvent[])[] = [{ type: 'start' }];
  const timers: { dueAt: number; frameId: string; key: string }[] = [];
  const inFlight = new Set<Promise<void>>();

  const dispatchTask = (frameId: string, attempt: number, request: Parameters<TaskResources['invoke']>[0]): void => {
    queue.push({ type: 'taskStarted', frameId, attempt });
    const resources = options.resources;
    const call = resources
      ? resources.invoke(request, { submitted: (output) => queue.push({ type: 'taskSubmitted', frameId, attempt, output }), started: (workerName) => queue.push({ type: 'activityStarted', frameId, attempt, ...(workerName !== undefined ? { workerName } : {}) }) }).catch((e: unknown) => ({ ok: false as const, error: 'States.TaskFailed', cause: e instanceof Error ? e.message : String(e) }))
      : Promise.resolve({ ok: false as const, error: 'States.Runtime', cause: `No resource is configured to serve '${request.resource}'` });
    const p: Promise<void> = call.then((r) => {
      inFlight.delete(p);
      queue.push(r.ok ? { type: 'taskSucceeded', frameId, attempt, output: r.output } : { type: 'taskFailed', frameId, attempt, error: r.error, cause: r.cause });
    });
    inFlight.add(p);
  };

  while (snapshot.status === 'RUNNING') {
    if (options.signal?.aborted) queue.unshift({ type: 'stop', error: 'States.Aborted', cause: 'Execution was stopped' });
    else if (clock.now() >= deadline) queue.unshift(timedOut);
    const event = queue.shift();
    if (event !== undefined) {
      let r = advanceNow(machine, snapshot, event, clock.now(), ids, TRANSITIONS_PER_SLICE, keptLog, maxHistoryEvents);
      if (r instanceof Promise) r = await r;
      for (const effect of r.effects) {
        if (effect.type === 'invokeTask') dispatchTask(effect.frameId, effect.attempt, effect.request);
        else if (effect.type === 'startTimer') timers.push({ dueAt: scaledDueAt(effect.key, effect.dueAt, clock.now(), timeScale), frameId: effect.frameId, key: effect.key });
        else if (effect.type === 'yield') {
          // Let timers and I/O run between slices, so a stop request can arrive even in a busy loop.
          await new Promise<void>((resolve) => setImmediate(resolve));
          queue.push({ type: 'continue' });
        }
      }
      continue;
    }
    if (timers.length > 1) timers.sort((a, b) => a.dueAt - b.dueAt);
    const next = timers[0];
    if (next === undefined && inFlight.size === 0) break; // nothing can happen any more
    const wake = new AbortController();
    const waits: Promise<unknown>[] = [...inFlight];
    if (next !== undefined) waits.push(clock.sleepUntil(Math.min(next.dueAt, deadline), wake.signal));
    else if (deadline !== Infinity) waits.push(clock.sleepUntil(deadline, wake.signal));
    if (options.signal !== undefined) waits.push(new Promise((r) => options.signal!.addEventListener('abort', r, { once: true })));
    await Promise.race(waits);
    wake.abort();
    if (queue.length === 0 && next !== undefined && clock.now() >= next.dueAt) {
      const due = timers.filter((t) => t.dueAt === next.dueAt);
      timers.splice(0, due.length);
      queue.push(due.map((t): EngineEvent => ({ type: 'timerFired', frameId: t.frameId, key: t.key })));
    }
  }
  return new InMemoryResult(executionArn, snapshot, log);
}
