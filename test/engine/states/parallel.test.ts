import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/engine/index.js';
import { echo, flow, output, plainHistory, RecordingResources, run, single, skeleton } from '../fixtures.js';

let branches = 0;
/** A one-state branch with a fresh state name (names are unique across a machine). */
const branch = (state: Record<string, unknown>) => flow(`B${++branches}`, state);

describe('Parallel state', () => {
  it('outputs the branch results in branch order, even when a later branch finishes first', async () => {
    const r = await run(
      single({
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 10, Next: 'One' }, One: { Type: 'Pass', Result: 1, End: true } } },
          branch({ Type: 'Pass', Result: 2 }),
          branch({ Type: 'Pass', InputPath: '$.x' }),
        ],
      }),
      { input: { x: 3 } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual([1, 2, 3]);
  });

  it('gives every branch the same input (after InputPath and Parameters)', async () => {
    const r = await run(
      single({ Type: 'Parallel', InputPath: '$.in', Parameters: { 'v.$': '$.v', fixed: true }, Branches: [branch({ Type: 'Pass' }), branch({ Type: 'Pass' })] }),
      { input: { in: { v: 9 } } },
    );
    expect(output(r)).toEqual([
      { v: 9, fixed: true },
      { v: 9, fixed: true },
    ]);
  });

  it('applies ResultSelector and ResultPath to the array of branch results', async () => {
    const r = await run(
      single({ Type: 'Parallel', Branches: [branch({ Type: 'Pass', Result: 'a' }), branch({ Type: 'Pass', Result: 'b' })], ResultSelector: { 'first.$': '$[0]' }, ResultPath: '$.res' }),
      { input: { keep: true } },
    );
    expect(output(r)).toEqual({ keep: true, res: { first: 'a' } });
  });

  it('records ParallelStateStarted, the branch events, then ParallelStateSucceeded and ParallelStateExited both after the last branch event', async () => {
    const r = await run(single({ Type: 'Parallel', Branches: [branch({ Type: 'Pass', Result: 1 })] }));
    expect(skeleton(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 5, 'ParallelStateSucceeded'],
      // As for Map, AWS links ParallelStateExited to the last branch event, not to ParallelStateSucceeded
      // (recorded: assign/test_base_parallel_cases BASE_SCOPE_PARALLEL, event #13 → #11).
      [7, 5, 'ParallelStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    expect(plainHistory(r.events)[6].stateExitedEventDetails).toEqual({ name: 'S', outputDetails: { truncated: false }, output: '[1]' });
  });

  it("fails with a failing branch's error and cause, recording ParallelStateFailed", async () => {
    const r = await run(single({ Type: 'Parallel', Branches: [branch({ Type: 'Fail', Error: 'BranchError', Cause: 'branch broke' })] }));
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'BranchError', 'branch broke']);
    expect(skeleton(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'FailStateEntered'],
      [5, 4, 'ParallelStateFailed'],
      [6, 5, 'ExecutionFailed'],
    ]);
  });

  it('stops the other branches when one fails', async () => {
    const resources = new RecordingResources(virtualClock(), echo);
    const r = await run(
      single({
        Type: 'Parallel',
        Branches: [
          { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, Next: 'T' }, T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {}, End: true } } },
          branch({ Type: 'Fail', Error: 'E' }),
        ],
      }),
      { resources },
    );
    expect(r.error).toBe('E');
    expect(resources.requests).toHaveLength(0);
  });

  it('catches a branch failure with Catch on the Parallel state', async () => {
    const r = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [branch({ Type: 'Pass' }), branch({ Type: 'Fail', Error: 'BranchError', Cause: 'why' })],
            Catch: [{ ErrorEquals: ['BranchError'], ResultPath: '$.caught', Next: 'H' }],
            End: true,
          },
          H: { Type: 'Pass', End: true },
        },
      },
      { input: { a: 1 } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ a: 1, caught: { Error: 'BranchError', Cause: 'why' } });
    const types = r.events.map((e) => e.type);
    expect(types.slice(types.indexOf('ParallelStateFailed'))).toEqual(['ParallelStateFailed', 'ParallelStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('retries the whole Parallel state when Retry matches a branch error', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, (_r, call) => (call === 1 ? { ok: false, error: 'Flaky', cause: 'c' } : { ok: true, output: call }));
    const r = await run(
      single({
        Type: 'Parallel',
        Branches: [branch({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {} })],
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 3 }],
      }),
      { clock, resources },
    );
    expect(output(r)).toEqual([2]);
    expect(resources.times[1] - resources.times[0]).toBe(3000);
    expect(r.events.filter((e) => e.type === 'ParallelStateStarted')).toHaveLength(2);
  });
});
