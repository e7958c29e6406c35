import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/engine/index.js';
import { flow, neverAnswers, output, plainHistory, RecordingResources, run, single, skeleton } from '../fixtures.js';

let processors = 0;
/** A one-state processor with a fresh state name (names are unique across a machine). */
const processor = (state: Record<string, unknown>) => flow(`P${++processors}`, state);

describe('Map state', () => {
  it('runs the processor once per item and outputs the results in item order', async () => {
    const r = await run(single({ Type: 'Map', ItemProcessor: processor({ Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' } }) }), {
      input: [{ n: 1 }, { n: 2 }, { n: 3 }],
    });
    expect(output(r)).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
  });

  it('iterates over the array that ItemsPath selects', async () => {
    const r = await run(single({ Type: 'Map', ItemsPath: '$.list', ItemProcessor: processor({ Type: 'Pass' }), ResultPath: '$.out' }), {
      input: { list: ['a', 'b'] },
    });
    expect(output(r)).toEqual({ list: ['a', 'b'], out: ['a', 'b'] });
  });

  it('builds each iteration input with ItemSelector from $$.Map.Item.Index, $$.Map.Item.Value and the state input', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'tag.$': '$.tag' },
        ItemProcessor: processor({ Type: 'Pass' }),
      }),
      { input: { items: ['x', 'y'], tag: 't' } },
    );
    expect(output(r)).toEqual([
      { index: 0, value: 'x', tag: 't' },
      { index: 1, value: 'y', tag: 't' },
    ]);
  });

  it('accepts the legacy Iterator and Parameters fields', async () => {
    const r = await run(single({ Type: 'Map', Parameters: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' }, Iterator: processor({ Type: 'Pass' }) }), {
      input: [10, 20],
    });
    expect(output(r)).toEqual([
      { v: 10, i: 0 },
      { v: 20, i: 1 },
    ]);
  });

  it('with MaxConcurrency 1 runs iterations one after another, as AWS orders their events', async () => {
    const r = await run(single({ Type: 'Map', MaxConcurrency: 1, ItemProcessor: processor({ Type: 'Pass' }) }), { input: ['a', 'b'] });
    expect(skeleton(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'PassStateEntered'],
      [6, 5, 'PassStateExited'],
      [7, 6, 'MapIterationSucceeded'],
      [8, 6, 'MapIterationStarted'],
      [9, 8, 'PassStateEntered'],
      [10, 9, 'PassStateExited'],
      [11, 10, 'MapIterationSucceeded'],
      [12, 11, 'MapStateSucceeded'],
      [13, 11, 'MapStateExited'],
      [14, 13, 'ExecutionSucceeded'],
    ]);
    const h = plainHistory(r.events);
    expect(h[2].mapStateStartedEventDetails).toEqual({ length: 2 });
    expect(h[3].mapIterationStartedEventDetails).toEqual({ index: 0, name: 'S' });
    expect(h[10].mapIterationSucceededEventDetails).toEqual({ index: 1, name: 'S' });
    expect(h[12].stateExitedEventDetails).toEqual({ name: 'S', outputDetails: { truncated: false }, output: '["a","b"]' });
  });

  it('reads MaxConcurrencyPath\'s value "1" (a string of digits) as the integer 1', async () => {
    const def = single({ Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.limit', ItemProcessor: processor({ Type: 'Pass' }) });
    const r = await run(def, { input: { items: ['a', 'b'], limit: '1' } });
    expect(r.status).toBe('SUCCEEDED');
    // One at a time: the second iteration starts after the first succeeded.
    expect(skeleton(r.events).map((e) => e[2]).slice(3, 8)).toEqual(['MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded', 'MapIterationStarted']);
  });

  it('still refuses a MaxConcurrencyPath string that is not an integer (max_concurrency_path[NoNumber])', async () => {
    const def = single({ Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.limit', ItemProcessor: processor({ Type: 'Pass' }) });
    const r = await run(def, { input: { items: ['a'], limit: '1.5' } });
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe("An error occurred while executing the state 'S' (entered at the event id #2). The MaxConcurrencyPath field refers to value \"1.5\" which is not a valid integer: $.limit");
  });

  it('with MaxConcurrency 1 invokes tasks strictly in item order', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, (req) => ({ ok: true, output: req.parameters }));
    await run(single({ Type: 'Map', MaxConcurrency: 1, ItemProcessor: processor({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke' }) }), {
      input: [1, 2, 3, 4],
      clock,
      resources,
    });
    expect(resources.requests.map((q) => q.parameters)).toEqual([1, 2, 3, 4]);
  });

  it('outputs [] for an empty array, after MapStateStarted with length 0', async () => {
    const r = await run(single({ Type: 'Map', ItemProcessor: processor({ Type: 'Pass' }) }), { input: [] });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual([]);
    expect(plainHistory(r.events)[2]).toMatchObject({ type: 'MapStateStarted', mapStateStartedEventDetails: { length: 0 } });
    expect(r.events.some((e) => e.type === 'MapIterationStarted')).toBe(false);
  });

  it('fails with States.Runtime when the items are not an array', async () => {
    const r = await run(single({ Type: 'Map', ItemsPath: '$.x', ItemProcessor: processor({ Type: 'Pass' }) }), { input: { x: 'nope' } });
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe("An error occurred while executing the state 'S' (entered at the event id #2). Map state input must be an array but was: \"nope\"");
  });

  it("fails with a failing iteration's error, recording MapIterationFailed and MapStateFailed", async () => {
    const r = await run(single({ Type: 'Map', MaxConcurrency: 1, ItemProcessor: processor({ Type: 'Fail', Error: 'ItemError', Cause: 'bad item' }) }), { input: [1] });
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'ItemError', 'bad item']);
    expect(skeleton(r.events)).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 4, 'FailStateEntered'],
      [6, 5, 'MapIterationFailed'],
      [7, 5, 'MapStateFailed'],
      [8, 7, 'ExecutionFailed'],
    ]);
  });

  const failOdd = {
    StartAt: 'IsOne',
    States: {
      IsOne: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 1, Next: 'Bad' }], Default: 'Good' },
      Bad: { Type: 'Fail', Error: 'Odd' },
      Good: { Type: 'Succeed' },
    },
  };

  it('succeeds while failures stay within ToleratedFailureCount', async () => {
    const r = await run(single({ Type: 'Map', ToleratedFailureCount: 2, ItemProcessor: failOdd }), { input: [0, 1, 0, 1] });
    expect(r.status).toBe('SUCCEEDED');
    const results = output(r) as unknown[];
    expect(results).toHaveLength(4);
    expect([results[0], results[2]]).toEqual([0, 0]);
  });

  it('fails with States.ExceedToleratedFailureThreshold once failures pass ToleratedFailureCount', async () => {
    const r = await run(single({ Type: 'Map', ToleratedFailureCount: 1, ItemProcessor: failOdd }), { input: [1, 1, 0] });
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'States.ExceedToleratedFailureThreshold', 'The specified tolerated failure threshold was exceeded']);
  });

  it('fails with States.ExceedToleratedFailureThreshold once failures pass ToleratedFailurePercentage', async () => {
    const within = await run(single({ Type: 'Map', ToleratedFailurePercentage: 50, ItemProcessor: failOdd }), { input: [1, 0, 1, 0] });
    expect(within.status).toBe('SUCCEEDED');
    const over = await run(single({ Type: 'Map', ToleratedFailurePercentage: 50, ItemProcessor: failOdd }), { input: [1, 1, 1, 0] });
    expect(over.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('catches an iteration failure with Catch on the Map state', async () => {
    const r = await run(
      {
        StartAt: 'M',
        States: {
          M: { Type: 'Map', ItemProcessor: processor({ Type: 'Fail', Error: 'ItemError' }), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }], End: true },
          H: { Type: 'Pass', End: true },
        },
      },
      { input: [1, 2] },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ Error: 'ItemError' });
  });

  it('runs a nested Map', async () => {
    const r = await run(single({ Type: 'Map', ItemProcessor: processor({ Type: 'Map', ItemProcessor: processor({ Type: 'Pass' }) }) }), { input: [[1, 2], [3]] });
    expect(output(r)).toEqual([[1, 2], [3]]);
  });

  it('evaluates JSONata Items and ItemSelector with $states.context.Map.Item', async () => {
    const r = await run(
      single({
        Type: 'Map',
        QueryLanguage: 'JSONata',
        Items: '{% $states.input.xs %}',
        ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value * 10 %}' },
        ItemProcessor: processor({ Type: 'Pass' }),
      }),
      { input: { xs: [1, 2] } },
    );
    expect(output(r)).toEqual([
      { i: 0, v: 10 },
      { i: 1, v: 20 },
    ]);
  });
});

describe('Map iterations that fail together', () => {
  it('records every simultaneous timeout, then the failed iteration and the aborts of the others, as AWS does', async () => {
    const clock = virtualClock();
    const resources = new RecordingResources(clock, neverAnswers);
    const r = await run(
      single({
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 5, End: true } },
        },
      }),
      { input: [1, 2, 3], clock, resources },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Timeout');
    // The shape of AWS's recording timeouts/test_service_lambda_map_timeout: the aborts and
    // MapStateFailed all link to the first TaskTimedOut.
    expect(skeleton(r.events).slice(-11)).toEqual([
      [16, 13, 'TaskTimedOut'],
      [17, 14, 'TaskTimedOut'],
      [18, 15, 'TaskTimedOut'],
      [19, 16, 'MapIterationFailed'],
      [20, 16, 'TaskStateAborted'],
      [21, 16, 'MapIterationAborted'],
      [22, 16, 'TaskStateAborted'],
      [23, 16, 'MapIterationAborted'],
      [24, 16, 'TaskStateAborted'],
      [25, 16, 'MapStateFailed'],
      [26, 25, 'ExecutionFailed'],
    ]);
  });
});
