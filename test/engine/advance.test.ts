import { describe, expect, it } from 'vitest';
import { advance, createSnapshot, materializeEvents, prepareMachine } from '../../src/engine/index.js';
import type { Effect, ExecutionInfo, Ids, Snapshot } from '../../src/engine/index.js';
import type { Json } from '../../src/language/json.js';

const T0 = Date.UTC(2026, 0, 1);
const ids: Ids = { uuid: () => 'token-1', random: () => 0.5 };

function info(input: Json): ExecutionInfo {
  return {
    arn: 'arn:aws:states:us-east-1:123456789012:execution:M:e',
    name: 'e',
    input,
    startTime: T0,
    roleArn: 'arn:aws:iam::123456789012:role/R',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
    stateMachineName: 'M',
    redriveCount: 0,
  };
}

/** What a store would do between events: keep the snapshot only as JSON text. */
const roundTrip = (s: Snapshot): Snapshot => JSON.parse(JSON.stringify(s)) as Snapshot;

const timerOf = (effects: readonly Effect[]) => effects.find((e): e is Extract<Effect, { type: 'startTimer' }> => e.type === 'startTimer');
const invokeOf = (effects: readonly Effect[]) => effects.find((e): e is Extract<Effect, { type: 'invokeTask' }> => e.type === 'invokeTask');

describe('advance', () => {
  it('runs a Wait across a JSON round trip of the snapshot and finishes it when the timer fires', async () => {
    const machine = prepareMachine({
      StartAt: 'Before',
      States: {
        Before: { Type: 'Pass', Result: 'set', ResultPath: '$.before', Next: 'W' },
        W: { Type: 'Wait', Seconds: 10, Next: 'After' },
        After: { Type: 'Pass', Result: 'set', ResultPath: '$.after', End: true },
      },
    });
    const first = await advance(machine, createSnapshot(machine, info({ a: 1 })), { type: 'start' }, T0, ids);
    expect(first.historyRecords.map((e) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered']);
    expect(first.snapshot.status).toBe('RUNNING');
    const timer = timerOf(first.effects)!;
    expect(timer.dueAt).toBe(T0 + 10_000);

    const stored = JSON.stringify(first.snapshot);
    const second = await advance(machine, JSON.parse(stored) as Snapshot, { type: 'timerFired', frameId: timer.frameId, key: timer.key }, timer.dueAt, ids);
    expect(second.snapshot.status).toBe('SUCCEEDED');
    expect(second.snapshot.output).toEqual({ a: 1, before: 'set', after: 'set' });
    expect(second.historyRecords.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [5, 4, 'WaitStateExited'],
      [6, 5, 'PassStateEntered'],
      [7, 6, 'PassStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    expect(second.historyRecords[0].timestamp).toBe(T0 + 10_000);
    expect(second.effects).toEqual([{ type: 'executionCompleted' }]);
  });

  it('does nothing with a timer that is not the one the frame waits for', async () => {
    const machine = prepareMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const timer = timerOf(first.effects)!;
    const stray = await advance(machine, roundTrip(first.snapshot), { type: 'timerFired', frameId: timer.frameId, key: 'other' }, T0 + 1, ids);
    expect(stray.historyRecords).toEqual([]);
    expect(stray.snapshot.status).toBe('RUNNING');
  });

  it('asks for a task with an invokeTask effect and a timeout timer, and takes its result as an event', async () => {
    const machine = prepareMachine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'x.$': '$.x' }, TimeoutSeconds: 30, End: true } },
    });
    const first = await advance(machine, createSnapshot(machine, info({ x: 5 })), { type: 'start' }, T0, ids);
    const invoke = invokeOf(first.effects)!;
    expect(invoke.request).toMatchObject({ resource: 'arn:aws:states:::lambda:invoke', parameters: { x: 5 }, timeoutSeconds: 30, stateName: 'T' });
    expect(invoke.attempt).toBe(3); // the id of its TaskScheduled event
    expect(timerOf(first.effects)).toEqual({ type: 'startTimer', frameId: invoke.frameId, key: `timeout:${invoke.attempt}`, dueAt: T0 + 30_000 });

    const started = await advance(machine, roundTrip(first.snapshot), { type: 'taskStarted', frameId: invoke.frameId, attempt: invoke.attempt }, T0 + 1, ids);
    expect(started.historyRecords.map((e) => e.type)).toEqual(['TaskStarted']);
    const done = await advance(machine, roundTrip(started.snapshot), { type: 'taskSucceeded', frameId: invoke.frameId, attempt: invoke.attempt, output: 'r' }, T0 + 2, ids);
    expect(done.historyRecords.map((e) => e.type)).toEqual(['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(done.snapshot.output).toBe('r');
  });

  it('records TaskStarted itself when a result arrives without a taskStarted event', async () => {
    const machine = prepareMachine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const invoke = invokeOf(first.effects)!;
    const done = await advance(machine, first.snapshot, { type: 'taskFailed', frameId: invoke.frameId, attempt: invoke.attempt, error: 'E', cause: 'c' }, T0, ids);
    expect(done.historyRecords.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskFailed'],
      [6, 5, 'ExecutionFailed'],
    ]);
  });

  it('drops a result for an earlier attempt and a result that arrives after the timeout', async () => {
    const machine = prepareMachine({
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 1, Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1 }], End: true },
      },
    });
    const s1 = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const first = invokeOf(s1.effects)!;
    const timedOut = await advance(machine, roundTrip(s1.snapshot), { type: 'timerFired', frameId: first.frameId, key: `timeout:${first.attempt}` }, T0 + 1000, ids);
    expect(timedOut.historyRecords.map((e) => e.type)).toEqual(['TaskStarted', 'TaskTimedOut']);
    const late = await advance(machine, roundTrip(timedOut.snapshot), { type: 'taskSucceeded', frameId: first.frameId, attempt: first.attempt, output: 'late' }, T0 + 1500, ids);
    expect(late.historyRecords).toEqual([]);

    const retryTimer = timerOf(timedOut.effects)!;
    expect(retryTimer.dueAt).toBe(T0 + 1000 + 1000);
    const s2 = await advance(machine, roundTrip(late.snapshot), { type: 'timerFired', frameId: retryTimer.frameId, key: retryTimer.key }, retryTimer.dueAt, ids);
    const second = invokeOf(s2.effects)!;
    expect(second.attempt).not.toBe(first.attempt);
    const stale = await advance(machine, roundTrip(s2.snapshot), { type: 'taskSucceeded', frameId: first.frameId, attempt: first.attempt, output: 'stale' }, T0 + 2100, ids);
    expect(stale.historyRecords).toEqual([]);
    const done = await advance(machine, roundTrip(stale.snapshot), { type: 'taskSucceeded', frameId: second.frameId, attempt: second.attempt, output: 'fresh' }, T0 + 2200, ids);
    expect(done.snapshot.output).toBe('fresh');
  });

  it('aborts a running execution on a stop event', async () => {
    const machine = prepareMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const stopped = await advance(machine, roundTrip(first.snapshot), { type: 'stop', error: 'Reason', cause: 'user asked' }, T0 + 5, ids);
    expect(stopped.snapshot.status).toBe('ABORTED');
    expect(JSON.parse(JSON.stringify(materializeEvents(stopped.historyRecords).map(({ timestamp: _t, ...e }) => e)))).toEqual([
      { type: 'ExecutionAborted', id: 3, previousEventId: 2, executionAbortedEventDetails: { error: 'Reason', cause: 'user asked' } },
    ]);
    const after = await advance(machine, roundTrip(stopped.snapshot), { type: 'timerFired', frameId: 'root', key: timerOf(first.effects)!.key }, T0 + 100_000, ids);
    expect(after.historyRecords).toEqual([]);
    expect(after.snapshot.status).toBe('ABORTED');
  });

  it('yields after maxTransitions state entries and goes on with a continue event', async () => {
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 5; i++) states[`S${i}`] = i === 4 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` };
    const machine = prepareMachine({ StartAt: 'S0', States: states });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids, 2);
    expect(first.historyRecords.map((e) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited']);
    expect(first.effects).toEqual([{ type: 'yield' }]);
    const second = await advance(machine, roundTrip(first.snapshot), { type: 'continue' }, T0, ids);
    expect(second.snapshot.status).toBe('SUCCEEDED');
    expect(second.historyRecords.map((e) => e.id)).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('increments the snapshot version on every advance', async () => {
    const machine = prepareMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    expect(first.snapshot.version).toBe(1);
    const timer = timerOf(first.effects)!;
    const second = await advance(machine, roundTrip(first.snapshot), { type: 'timerFired', frameId: timer.frameId, key: timer.key }, timer.dueAt, ids);
    expect(second.snapshot.version).toBe(2);
  });

  it('starts the execution timeout timer with the start event', async () => {
    const machine = prepareMachine({ TimeoutSeconds: 60, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const timers = first.effects.filter((e) => e.type === 'startTimer');
    expect(timers.map((t) => t.dueAt).sort()).toEqual([T0 + 60_000, T0 + 100_000]);
  });
});

describe('variable size limits', () => {
  it('fails with States.Runtime when one assigned variable is over 256 KiB', async () => {
    const machine = prepareMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'big.$': '$.blob' }, End: true } } });
    const r = await advance(machine, createSnapshot(machine, info({ blob: 'x'.repeat(256 * 1024) })), { type: 'start' }, T0, ids);
    expect(r.snapshot.status).toBe('FAILED');
    expect(r.snapshot.error).toBe('States.Runtime');
    expect(r.snapshot.cause).toBe(
      "An error occurred while executing the state 'A' (entered at the event id #2). The variable 'big' exceeds the maximum size of 262144 bytes.",
    );
  });

  it('fails when the values of one Assign together are over 256 KiB, each under it', async () => {
    const half = 'y'.repeat(140 * 1024);
    const machine = prepareMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'a.$': '$.h', 'b.$': '$.h' }, End: true } } });
    const r = await advance(machine, createSnapshot(machine, info({ h: half })), { type: 'start' }, T0, ids);
    expect(r.snapshot.error).toBe('States.Runtime');
    expect(r.snapshot.cause).toMatch(/The variables assigned by the state exceed the maximum size of 262144 bytes\.$/);
  });

  it('assigns a variable just under the limit', async () => {
    const machine = prepareMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'big.$': '$.blob' }, End: true } } });
    const r = await advance(machine, createSnapshot(machine, info({ blob: 'x'.repeat(256 * 1024 - 2) })), { type: 'start' }, T0, ids);
    expect(r.snapshot.status).toBe('SUCCEEDED');
  });
});

describe('HeartbeatSeconds', () => {
  const machine = prepareMachine({
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 60, HeartbeatSeconds: 5, End: true } },
  });

  it('times the task out when no heartbeat arrives in time (States.Timeout, as AWS records it), and a heartbeat re-arms the clock', async () => {
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const invoke = invokeOf(first.effects)!;
    const timers = first.effects.filter((e): e is Extract<Effect, { type: 'startTimer' }> => e.type === 'startTimer');
    const heartbeat = timers.find((t) => t.key.startsWith('heartbeat:'))!;
    expect(heartbeat.dueAt).toBe(T0 + 5_000);
    expect(invoke.request.heartbeatSeconds).toBe(5);

    const beat = await advance(machine, roundTrip(first.snapshot), { type: 'taskHeartbeat', frameId: invoke.frameId, attempt: invoke.attempt }, T0 + 3_000, ids);
    const rearmed = timerOf(beat.effects)!;
    expect(rearmed.dueAt).toBe(T0 + 8_000);

    const stale = await advance(machine, roundTrip(beat.snapshot), { type: 'timerFired', frameId: heartbeat.frameId, key: heartbeat.key }, T0 + 5_000, ids);
    expect(stale.snapshot.status).toBe('RUNNING');
    expect(stale.historyEvents).toEqual([]);

    const due = await advance(machine, roundTrip(stale.snapshot), { type: 'timerFired', frameId: rearmed.frameId, key: rearmed.key }, T0 + 8_000, ids);
    expect(due.historyEvents.map((e) => e.type)).toEqual(['TaskStarted', 'TaskTimedOut', 'ExecutionFailed']);
    expect(due.historyEvents[1].taskTimedOutEventDetails).toEqual({ error: 'States.Timeout', resourceType: 'lambda', resource: 'invoke' });
    expect([due.snapshot.status, due.snapshot.error]).toEqual(['FAILED', 'States.Timeout']);
  });
});

describe('redrive', () => {
  it('continues a failed execution from the failed state with its input, after ExecutionRedriven, counting redrives', async () => {
    const machine = prepareMachine({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: 'done', ResultPath: '$.prepared', Next: 'Charge' },
        Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'redrives.$': '$$.Execution.RedriveCount' }, End: true },
      },
    });
    const first = await advance(machine, createSnapshot(machine, info({ order: 1 })), { type: 'start' }, T0, ids);
    const call = invokeOf(first.effects)!;
    expect(call.request.parameters).toEqual({ redrives: 0 });
    const failed = await advance(machine, roundTrip(first.snapshot), { type: 'taskFailed', frameId: call.frameId, attempt: call.attempt, error: 'Boom', cause: 'down' }, T0 + 1, ids);
    expect([failed.snapshot.status, failed.snapshot.error]).toEqual(['FAILED', 'Boom']);

    const again = await advance(machine, roundTrip(failed.snapshot), { type: 'redrive' }, T0 + 2, ids);
    expect(again.snapshot.status).toBe('RUNNING');
    expect(again.historyEvents.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [9, 8, 'ExecutionRedriven'],
      [10, 9, 'TaskStateEntered'],
      [11, 10, 'TaskScheduled'],
    ]);
    expect(again.historyEvents[0].executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(JSON.parse(again.historyEvents[1].stateEnteredEventDetails!.input as string)).toEqual({ order: 1, prepared: 'done' });
    const retry = invokeOf(again.effects)!;
    expect(retry.request.parameters).toEqual({ redrives: 1 });

    const done = await advance(machine, roundTrip(again.snapshot), { type: 'taskSucceeded', frameId: retry.frameId, attempt: retry.attempt, output: 'ok' }, T0 + 3, ids);
    expect([done.snapshot.status, done.snapshot.output]).toEqual(['SUCCEEDED', 'ok']);
  });

  it('leaves a running or succeeded execution alone', async () => {
    const machine = prepareMachine({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const ok = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const r = await advance(machine, roundTrip(ok.snapshot), { type: 'redrive' }, T0 + 1, ids);
    expect(r.snapshot.status).toBe('SUCCEEDED');
    expect(r.historyEvents).toEqual([]);
  });
});

describe('redrive and TimeoutSeconds', () => {
  it('arms a new execution timeout on redrive; the old timer fires stale', async () => {
    const machine = prepareMachine({ TimeoutSeconds: 10, StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const timeout = first.effects.find((e): e is Extract<Effect, { type: 'startTimer' }> => e.type === 'startTimer' && e.frameId === 'root' && !e.key.startsWith('timeout:'))!;
    const timedOut = await advance(machine, roundTrip(first.snapshot), { type: 'timerFired', frameId: timeout.frameId, key: timeout.key }, T0 + 10_000, ids);
    expect(timedOut.snapshot.status).toBe('TIMED_OUT');

    const again = await advance(machine, roundTrip(timedOut.snapshot), { type: 'redrive' }, T0 + 20_000, ids);
    const rearmed = again.effects.find((e): e is Extract<Effect, { type: 'startTimer' }> => e.type === 'startTimer' && e.frameId === 'root' && !e.key.startsWith('timeout:'))!;
    expect(rearmed.dueAt).toBe(T0 + 30_000);
    expect(rearmed.key).not.toBe(timeout.key);

    const stale = await advance(machine, roundTrip(again.snapshot), { type: 'timerFired', frameId: timeout.frameId, key: timeout.key }, T0 + 21_000, ids);
    expect(stale.snapshot.status).toBe('RUNNING');
    const due = await advance(machine, roundTrip(stale.snapshot), { type: 'timerFired', frameId: rearmed.frameId, key: rearmed.key }, T0 + 30_000, ids);
    expect(due.snapshot.status).toBe('TIMED_OUT');
  });
});

describe('redrive of a Map or Parallel', () => {
  const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };

  async function answerAll(
    machine: ReturnType<typeof prepareMachine>,
    start: Awaited<ReturnType<typeof advance>>,
    answer: (request: Json) => { ok: true; output: Json } | { ok: false; error: string; cause: string },
    now: number,
  ): Promise<{ last: Awaited<ReturnType<typeof advance>>; asked: Json[] }> {
    let last = start;
    const asked: Json[] = [];
    for (const call of start.effects.filter((e): e is Extract<Effect, { type: 'invokeTask' }> => e.type === 'invokeTask')) {
      asked.push(call.request.parameters);
      const r = answer(call.request.parameters);
      const event = r.ok
        ? ({ type: 'taskSucceeded', frameId: call.frameId, attempt: call.attempt, output: r.output } as const)
        : ({ type: 'taskFailed', frameId: call.frameId, attempt: call.attempt, error: r.error, cause: r.cause } as const);
      last = await advance(machine, roundTrip(last.snapshot), event, now, ids);
    }
    return { last, asked };
  }

  it('runs again only the Map iterations that did not succeed, keeping the others\u2019 results', async () => {
    const machine = prepareMachine({ StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Work', States: { Work: task } }, End: true } } });
    const first = await advance(machine, createSnapshot(machine, info([1, 2, 3])), { type: 'start' }, T0, ids);
    // Items 1 and 2 succeed before item 3 fails (an iteration still running when another fails is aborted, and runs again too).
    const failing = await answerAll(machine, first, (p) => (p === 3 ? { ok: false, error: 'Flaky', cause: 'try again' } : { ok: true, output: { did: p } }), T0 + 1);
    expect(failing.last.snapshot.status).toBe('FAILED');

    const again = await advance(machine, roundTrip(failing.last.snapshot), { type: 'redrive' }, T0 + 2, ids);
    expect(again.historyEvents.filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails!.index)).toEqual([2]);
    const fixed = await answerAll(machine, again, (p) => ({ ok: true, output: { did: p, second: true } }), T0 + 3);
    expect(fixed.asked).toEqual([3]);
    expect(fixed.last.snapshot.status).toBe('SUCCEEDED');
    expect(fixed.last.snapshot.output).toEqual([{ did: 1 }, { did: 2 }, { did: 3, second: true }]);
  });

  it('runs again only the Parallel branches that did not succeed', async () => {
    const branch = (n: number) => ({ StartAt: `B${n}`, States: { [`B${n}`]: { ...task, Parameters: { branch: n } } } });
    const machine = prepareMachine({ StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch(0), branch(1)], End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    const failing = await answerAll(machine, first, (p) => ((p as { branch: number }).branch === 1 ? { ok: false, error: 'Down', cause: 'x' } : { ok: true, output: 'zero' }), T0 + 1);
    expect(failing.last.snapshot.status).toBe('FAILED');
    const again = await advance(machine, roundTrip(failing.last.snapshot), { type: 'redrive' }, T0 + 2, ids);
    const fixed = await answerAll(machine, again, () => ({ ok: true, output: 'one' }), T0 + 3);
    expect(fixed.asked).toEqual([{ branch: 1 }]);
    expect(fixed.last.snapshot.output).toEqual(['zero', 'one']);
  });
  it('fails a task on an activity the caller says does not exist, at once and before scheduling it (activities test_activity_task_on_deleted)', async () => {
    const activity = 'arn:aws:states:us-east-1:123456789012:activity:gone';
    const machine = prepareMachine({ StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: activity, End: true } } });
    const deleted: Ids = { ...ids, activityExists: (arn) => arn !== activity };
    const r = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, deleted);
    const cause = `An error occurred while executing the state 'ActivityTask' (entered at the event id #2). The activity ${activity} does not exist.`;
    expect([r.snapshot.status, r.snapshot.error, r.snapshot.cause]).toEqual(['FAILED', 'States.Runtime', cause]);
    expect(r.historyEvents.map((e) => [e.type, e.previousEventId])).toEqual([['ExecutionStarted', 0], ['TaskStateEntered', 0], ['ExecutionFailed', 2]]);
    expect(invokeOf(r.effects)).toBeUndefined();
    // The same machine with the activity present schedules it.
    const present = await advance(machine, createSnapshot(machine, info({})), { type: 'start' }, T0, ids);
    expect(present.historyEvents.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled']);
  });
});
