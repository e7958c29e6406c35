import { describe, expect, it } from 'vitest';
import type { TaskResources } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { parseTimeScale, scaledDueAt } from '../../src/scheduler/time-scale.js';
import { stepwright, tempDir } from './fixtures.js';

/** An hour's Wait, then a Task that fails twice with an hour's back-off: hours at scale 1. */
const SLOW = {
  StartAt: 'Wait',
  States: {
    Wait: { Type: 'Wait', Seconds: 3600, Next: 'Flaky' },
    Flaky: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky',
      TimeoutSeconds: 3600,
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 3600, MaxAttempts: 2 }],
      End: true,
    },
  },
};

/** Fails the first two calls. */
function flaky(): TaskResources {
  let calls = 0;
  return {
    invoke: () =>
      Promise.resolve(++calls <= 2 ? { ok: false, error: 'Flaky', cause: 'not yet' } : { ok: true, output: { calls } }),
  };
}

describe('scaledDueAt', () => {
  it('scales Wait and Retry timers and leaves timeouts and heartbeats alone', () => {
    expect(scaledDueAt('wait:2', 10_000, 1_000, 0)).toBe(1_000);
    expect(scaledDueAt('retry:5:1', 11_000, 1_000, 0.1)).toBe(2_000);
    expect(scaledDueAt('timeout:1', 10_000, 1_000, 0)).toBe(10_000);
    expect(scaledDueAt('heartbeat:1:0', 10_000, 1_000, 0)).toBe(10_000);
    expect(scaledDueAt('wait:2', 10_000, 1_000, 1)).toBe(10_000);
  });
});

describe('parseTimeScale', () => {
  it('takes a number from 0 up and refuses anything else, naming its source', () => {
    expect(parseTimeScale('0')).toBe(0);
    expect(parseTimeScale('0.5')).toBe(0.5);
    expect(() => parseTimeScale('-1')).toThrow(
      "--time-scale must be a number from 0 up (0: Wait states and Retry back-off take no real time), not '-1'",
    );
    expect(() => parseTimeScale('', 'WAIT_TIME_SCALE')).toThrow(/^WAIT_TIME_SCALE must be/);
    expect(() => parseTimeScale('fast')).toThrow(RangeError);
  });
});

describe('time scale 0', () => {
  // On the real clock: at scale 1 these executions would take three hours.
  it('runs an hour Wait and hours of Retry back-off in memory at once', async () => {
    const r = await runExecution(SLOW, { input: {}, resources: flaky(), timeScale: 0 });
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toEqual({ calls: 3 });
    // The history keeps the times things happened: monotonic, ending when it ended.
    const times = r.events.map((e) => e.timestamp.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('runs them durably through the scheduler at once', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: flaky(), timeScale: 0 });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'slow', definition: SLOW });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn });
    const d = await sw.service.awaitExecution(executionArn);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output).toBe('{"calls":3}');
  });
});
