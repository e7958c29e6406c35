import { describe, expect, it } from 'vitest';
import { output, plainHistory, run, single, skeleton } from '../fixtures.js';

describe('Pass state', () => {
  it('passes its input through unchanged when it has no Result or Parameters', async () => {
    const r = await run(single({ Type: 'Pass' }), { input: { a: 1 } });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ a: 1 });
  });

  it('records ExecutionStarted, PassStateEntered, PassStateExited and ExecutionSucceeded with linked ids', async () => {
    const r = await run(single({ Type: 'Pass', Result: { x: 1 } }), { input: { a: 1 } });
    expect(plainHistory(r.events)).toEqual([
      {
        type: 'ExecutionStarted',
        id: 1,
        previousEventId: 0,
        executionStartedEventDetails: { roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole', inputDetails: { truncated: false }, input: '{"a":1}' },
      },
      { type: 'PassStateEntered', id: 2, previousEventId: 0, stateEnteredEventDetails: { name: 'S', inputDetails: { truncated: false }, input: '{"a":1}' } },
      { type: 'PassStateExited', id: 3, previousEventId: 2, stateExitedEventDetails: { name: 'S', outputDetails: { truncated: false }, output: '{"x":1}' } },
      { type: 'ExecutionSucceeded', id: 4, previousEventId: 3, executionSucceededEventDetails: { outputDetails: { truncated: false }, output: '{"x":1}' } },
    ]);
  });

  it('replaces its input with Result when ResultPath is absent', async () => {
    const r = await run(single({ Type: 'Pass', Result: 'hello' }), { input: { a: 1 } });
    expect(output(r)).toBe('hello');
  });

  it('applies ResultPath "$" by replacing the whole input', async () => {
    const r = await run(single({ Type: 'Pass', Result: { b: 2 }, ResultPath: '$' }), { input: { a: 1 } });
    expect(output(r)).toEqual({ b: 2 });
  });

  it('discards the result and keeps the input with ResultPath null', async () => {
    const r = await run(single({ Type: 'Pass', Result: { b: 2 }, ResultPath: null }), { input: { a: 1 } });
    expect(output(r)).toEqual({ a: 1 });
  });

  it('creates missing parent objects for a nested ResultPath', async () => {
    const r = await run(single({ Type: 'Pass', Result: 42, ResultPath: '$.x.y.z' }), { input: { a: 1 } });
    expect(output(r)).toEqual({ a: 1, x: { y: { z: 42 } } });
  });

  it('overwrites an existing field at ResultPath', async () => {
    const r = await run(single({ Type: 'Pass', Result: 'new', ResultPath: '$.a' }), { input: { a: 'old', b: 1 } });
    expect(output(r)).toEqual({ a: 'new', b: 1 });
  });

  it('evaluates Parameters against the input, with .$ fields as paths and intrinsics', async () => {
    const r = await run(
      single({ Type: 'Pass', Parameters: { constant: 'c', 'copied.$': '$.a', 'greeting.$': "States.Format('hi {}', $.name)", nested: { 'n.$': '$.a' } } }),
      { input: { a: 7, name: 'Ann' } },
    );
    expect(output(r)).toEqual({ constant: 'c', copied: 7, greeting: 'hi Ann', nested: { n: 7 } });
  });

  it('selects the effective input with InputPath before Parameters', async () => {
    const r = await run(single({ Type: 'Pass', InputPath: '$.inner', Parameters: { 'v.$': '$.v' } }), { input: { inner: { v: 3 }, v: 99 } });
    expect(output(r)).toEqual({ v: 3 });
  });

  it('uses {} as the effective input when InputPath is null', async () => {
    const r = await run(single({ Type: 'Pass', InputPath: null }), { input: { a: 1 } });
    expect(output(r)).toEqual({});
  });

  it('merges the result into the raw input (not the InputPath selection) at ResultPath', async () => {
    const r = await run(single({ Type: 'Pass', InputPath: '$.inner', ResultPath: '$.copy' }), { input: { inner: { v: 3 }, other: true } });
    expect(output(r)).toEqual({ inner: { v: 3 }, other: true, copy: { v: 3 } });
  });

  it('selects the state output with OutputPath after ResultPath', async () => {
    const r = await run(single({ Type: 'Pass', Result: { b: 2 }, ResultPath: '$.res', OutputPath: '$.res.b' }), { input: { a: 1 } });
    expect(output(r)).toBe(2);
  });

  it('outputs {} when OutputPath is null', async () => {
    const r = await run(single({ Type: 'Pass', OutputPath: null }), { input: { a: 1 } });
    expect(output(r)).toEqual({});
  });

  it('chains states through Next, each receiving the previous output', async () => {
    const r = await run(
      {
        StartAt: 'One',
        States: {
          One: { Type: 'Pass', Result: 1, ResultPath: '$.one', Next: 'Two' },
          Two: { Type: 'Pass', Result: 2, ResultPath: '$.two', End: true },
        },
      },
      { input: {} },
    );
    expect(output(r)).toEqual({ one: 1, two: 2 });
    expect(r.events.map((e) => [e.type, e.previousEventId])).toEqual([
      ['ExecutionStarted', 0],
      ['PassStateEntered', 0],
      ['PassStateExited', 2],
      ['PassStateEntered', 3],
      ['PassStateExited', 4],
      ['ExecutionSucceeded', 5],
    ]);
  });

  it('fails with States.ReferencePathConflict when ResultPath cannot be applied to a string input', async () => {
    const r = await run(single({ Type: 'Pass', Result: 1, ResultPath: '$.x' }), { input: 'text' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.ReferencePathConflict');
    expect(r.cause).toMatch(/^An error occurred while executing the state 'S' \(entered at the event id #2\)\. /);
  });

  it('fails a Parallel branch mid-chain, and the Parallel\'s Catch takes over with the rest of the run', async () => {
    const r = await run({
      StartAt: 'Par',
      States: {
        Par: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'A',
              States: {
                A: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, Next: 'B' },
                B: { Type: 'Pass', Result: 1, ResultPath: '$.v.x', Next: 'C' },
                C: { Type: 'Pass', End: true },
              },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'After' }],
          Next: 'After',
        },
        After: { Type: 'Pass', Parameters: { 'caught.$': '$.error.Error' }, End: true },
      },
    }, { input: { v: 1 } });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ caught: 'States.ReferencePathConflict' });
    expect(skeleton(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 5, 'PassStateEntered'],
      [7, 6, 'ParallelStateFailed'],
      [8, 7, 'ParallelStateExited'],
      [9, 8, 'PassStateEntered'],
      [10, 9, 'PassStateExited'],
      [11, 10, 'ExecutionSucceeded'],
    ]);
  });

  it('runs a long chain in slices: a stop request ends it between slices', async () => {
    const states: Record<string, unknown> = {
      Loop: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1e12, Next: 'Done' }], Default: 'Loop' },
      Done: { Type: 'Succeed' },
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    // Express: a Standard loop ends at the history quota (25,000 events) before the signal comes.
    const r = await run({ StartAt: 'Loop', States: states }, { input: { n: 0 }, signal: controller.signal, type: 'EXPRESS' });
    expect(r.status).toBe('ABORTED');
    expect(r.error).toBe('States.Aborted');
  });

  it('fails with States.Runtime when InputPath selects nothing', async () => {
    const r = await run(single({ Type: 'Pass', InputPath: '$.missing' }), { input: { a: 1 } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toContain("Invalid path '$.missing'");
  });
});
