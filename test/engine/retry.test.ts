import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/engine/index.js';
import type { TaskResult } from '../../src/engine/index.js';
import { echo, failThenSucceed, neverAnswers, output, plainHistory, RecordingResources, run, single, skeleton } from './fixtures.js';

const START = Date.UTC(2026, 0, 1);
const LAMBDA = 'arn:aws:states:::lambda:invoke';

/** Milliseconds between consecutive invocations. */
const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - times[i]);

async function retried(retry: Record<string, unknown>[], answer: ConstructorParameters<typeof RecordingResources>[1], random = () => 0.5) {
  const clock = virtualClock(START);
  const resources = new RecordingResources(clock, answer);
  const result = await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: {}, Retry: retry }), { clock, resources, random });
  return { result, resources };
}

describe('Retry', () => {
  it('retries a failing task until it succeeds, waiting IntervalSeconds × BackoffRate^n between attempts', async () => {
    const { result, resources } = await retried(
      [{ ErrorEquals: ['Custom.Error'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
      failThenSucceed(2, 'Custom.Error', 'not yet', 'ok'),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(output(result)).toBe('ok');
    expect(gaps(resources.times)).toEqual([1000, 2000]);
  });

  it('records each attempt as TaskScheduled/TaskStarted/TaskFailed, the next TaskScheduled following the failure', async () => {
    const { result } = await retried([{ ErrorEquals: ['E'], IntervalSeconds: 1 }], failThenSucceed(1, 'E', 'c', 'ok'));
    expect(skeleton(result.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskFailed'],
      [6, 5, 'TaskScheduled'],
      [7, 6, 'TaskStarted'],
      [8, 7, 'TaskSucceeded'],
      [9, 8, 'TaskStateExited'],
      [10, 9, 'ExecutionSucceeded'],
    ]);
  });

  it('uses AWS defaults: IntervalSeconds 1, BackoffRate 2, MaxAttempts 3', async () => {
    const { result, resources } = await retried([{ ErrorEquals: ['E'] }], () => ({ ok: false, error: 'E', cause: 'c' }));
    expect(result.status).toBe('FAILED');
    expect(resources.requests).toHaveLength(4);
    expect(gaps(resources.times)).toEqual([1000, 2000, 4000]);
  });

  it('caps the back-off at MaxDelaySeconds', async () => {
    const { resources } = await retried(
      [{ ErrorEquals: ['E'], IntervalSeconds: 1, BackoffRate: 10, MaxDelaySeconds: 5, MaxAttempts: 3 }],
      failThenSucceed(3, 'E', 'c', 'ok'),
    );
    expect(gaps(resources.times)).toEqual([1000, 5000, 5000]);
  });

  it('waits a random fraction of the back-off with JitterStrategy FULL', async () => {
    const { resources } = await retried(
      [{ ErrorEquals: ['E'], IntervalSeconds: 4, BackoffRate: 2, MaxAttempts: 2, JitterStrategy: 'FULL' }],
      failThenSucceed(2, 'E', 'c', 'ok'),
      () => 0.25,
    );
    expect(gaps(resources.times)).toEqual([1000, 2000]);
  });

  it('fails with the last error once MaxAttempts retries are used up', async () => {
    const { result, resources } = await retried([{ ErrorEquals: ['E'], MaxAttempts: 2 }], (_r, call) => ({ ok: false, error: 'E', cause: `attempt ${call}` }));
    expect(resources.requests).toHaveLength(3);
    expect([result.status, result.error, result.cause]).toEqual(['FAILED', 'E', 'attempt 3']);
  });

  it('does not retry when MaxAttempts is 0', async () => {
    const { result, resources } = await retried([{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }], () => ({ ok: false, error: 'E', cause: 'c' }));
    expect(resources.requests).toHaveLength(1);
    expect(result.error).toBe('E');
  });

  it('does not retry an error no retrier names', async () => {
    const { result, resources } = await retried([{ ErrorEquals: ['Other'] }], () => ({ ok: false, error: 'E', cause: 'c' }));
    expect(resources.requests).toHaveLength(1);
    expect(result.error).toBe('E');
  });

  it('matches any error with States.ALL', async () => {
    const { resources } = await retried([{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }], failThenSucceed(1, 'Anything.AtAll', 'c', 'ok'));
    expect(resources.requests).toHaveLength(2);
  });

  it('matches any error but States.Timeout with States.TaskFailed', async () => {
    const custom = await retried([{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }], failThenSucceed(1, 'My.Error', 'c', 'ok'));
    expect(custom.resources.requests).toHaveLength(2);

    const clock = virtualClock(START);
    const resources = new RecordingResources(clock, neverAnswers);
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: {}, TimeoutSeconds: 1, Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }] }), {
      clock,
      resources,
    });
    expect(resources.requests).toHaveLength(1);
    expect(r.error).toBe('States.Timeout');
  });

  it('retries a timed-out task when States.Timeout is named', async () => {
    const clock = virtualClock(START);
    const resources = new RecordingResources(clock, (_r, call): TaskResult | Promise<TaskResult> => (call === 1 ? neverAnswers() : { ok: true, output: 'second' }));
    const r = await run(
      single({ Type: 'Task', Resource: LAMBDA, Parameters: {}, TimeoutSeconds: 3, Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 2 }] }),
      { clock, resources },
    );
    expect(output(r)).toBe('second');
    expect(gaps(resources.times)).toEqual([5000]);
    expect(r.events.map((e) => e.type)).toContain('TaskTimedOut');
  });

  it('uses the first retrier that matches and counts attempts per retrier', async () => {
    const errors = ['A', 'B', 'A', 'B'];
    const { result, resources } = await retried(
      [
        { ErrorEquals: ['A'], IntervalSeconds: 1, MaxAttempts: 2 },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 2 },
      ],
      (_r, call) => (call <= errors.length ? { ok: false, error: errors[call - 1], cause: 'c' } : { ok: true, output: 'done' }),
    );
    expect(output(result)).toBe('done');
    // A: 1 s; B: 10 s; A again: 1 × 2 s; B again: 10 × 2 s.
    expect(gaps(resources.times)).toEqual([1000, 10_000, 2000, 20_000]);
  });

  it('exposes the retry number as $$.State.RetryCount', async () => {
    const clock = virtualClock(START);
    const resources = new RecordingResources(clock, failThenSucceed(2, 'E', 'c', 'ok'));
    await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: { 'n.$': '$$.State.RetryCount' }, Retry: [{ ErrorEquals: ['E'] }] }), { clock, resources });
    expect(resources.requests.map((q) => q.parameters)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });
});

describe('Catch', () => {
  const withCatch = (catcher: Record<string, unknown>) => ({
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: LAMBDA, Parameters: {}, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler', ...catcher }], End: true },
      Handler: { Type: 'Pass', End: true },
    },
  });
  const failing = () => new RecordingResources(virtualClock(), () => ({ ok: false, error: 'Boom', cause: 'it blew up' }));

  it('replaces the input with {Error, Cause} and goes to Next when ResultPath is absent', async () => {
    const r = await run(withCatch({}), { input: { a: 1 }, resources: failing() });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ Error: 'Boom', Cause: 'it blew up' });
  });

  it('puts {Error, Cause} at the catcher ResultPath inside the state input', async () => {
    const r = await run(withCatch({ ResultPath: '$.error' }), { input: { a: 1 }, resources: failing() });
    expect(output(r)).toEqual({ a: 1, error: { Error: 'Boom', Cause: 'it blew up' } });
  });

  it('records TaskFailed, then TaskStateExited with the error output, then the handler', async () => {
    const r = await run(withCatch({ ResultPath: '$.error' }), { input: { a: 1 }, resources: failing() });
    const h = plainHistory(r.events);
    expect(h.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskFailed'],
      [6, 5, 'TaskStateExited'],
      [7, 6, 'PassStateEntered'],
      [8, 7, 'PassStateExited'],
      [9, 8, 'ExecutionSucceeded'],
    ]);
    expect(h[5].stateExitedEventDetails).toEqual({ name: 'T', outputDetails: { truncated: false }, output: '{"a":1,"error":{"Error":"Boom","Cause":"it blew up"}}' });
  });

  it('catches only the errors it names, leaving others to fail the execution', async () => {
    const r = await run(withCatch({ ErrorEquals: ['Other'] }), { resources: failing() });
    expect([r.status, r.error]).toEqual(['FAILED', 'Boom']);
  });

  it('catches after the retries are used up', async () => {
    const clock = virtualClock(START);
    const resources = new RecordingResources(clock, () => ({ ok: false, error: 'Boom', cause: 'c' }));
    const def = withCatch({});
    (def.States.T as Record<string, unknown>).Retry = [{ ErrorEquals: ['Boom'], MaxAttempts: 2 }];
    const r = await run(def, { clock, resources });
    expect(resources.requests).toHaveLength(3);
    expect(output(r)).toEqual({ Error: 'Boom', Cause: 'c' });
  });

  it('catches a task timeout as States.Timeout', async () => {
    const def = withCatch({ ErrorEquals: ['States.Timeout'], ResultPath: '$.err' });
    (def.States.T as Record<string, unknown>).TimeoutSeconds = 2;
    const r = await run(def, { input: {}, resources: { invoke: neverAnswers } });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toMatchObject({ err: { Error: 'States.Timeout' } });
  });

  it('builds the catcher output with JSONata from $states.errorOutput and $states.input', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: LAMBDA,
            Catch: [{ ErrorEquals: ['States.ALL'], Output: { in: '{% $states.input %}', err: '{% $states.errorOutput %}' }, Next: 'H' }],
            End: true,
          },
          H: { Type: 'Pass', End: true },
        },
      },
      { input: { x: 1 }, resources: failing() },
    );
    expect(output(r)).toEqual({ in: { x: 1 }, err: { Error: 'Boom', Cause: 'it blew up' } });
  });

  it('does not catch with an echoing resource (no failure, no handler)', async () => {
    const r = await run(withCatch({}), { input: { a: 1 }, resources: new RecordingResources(virtualClock(), echo) });
    expect(output(r)).toEqual({});
    expect(r.events.some((e) => e.type === 'PassStateEntered')).toBe(false);
  });
});
