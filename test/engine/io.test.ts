import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/engine/index.js';
import { detailsOf, output, RecordingResources, run, single } from './fixtures.js';

describe('JSONata states', () => {
  it('shapes the output with Output from $states.input', async () => {
    const r = await run(single({ Type: 'Pass', QueryLanguage: 'JSONata', Output: { sum: '{% $states.input.a + $states.input.b %}', fixed: 'text' } }), { input: { a: 1, b: 2 } });
    expect(output(r)).toEqual({ sum: 3, fixed: 'text' });
  });

  it('passes the input through when Output is absent', async () => {
    const r = await run(single({ Type: 'Pass', QueryLanguage: 'JSONata' }), { input: { a: 1 } });
    expect(output(r)).toEqual({ a: 1 });
  });

  it('takes the query language from the top of the machine', async () => {
    const r = await run({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% $states.input.v * 2 %}', End: true } } }, { input: { v: 4 } });
    expect(output(r)).toBe(8);
  });

  it('assigns variables that later states read as $name', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { total: '{% $states.input.n * 10 %}', label: 'L' }, Next: 'Use' },
          Use: { Type: 'Pass', Output: { total: '{% $total %}', label: '{% $label %}' }, End: true },
        },
      },
      { input: { n: 3 } },
    );
    expect(output(r)).toEqual({ total: 30, label: 'L' });
  });

  it('evaluates Assign and Output with the variables from before the state', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'First',
        States: {
          First: { Type: 'Pass', Assign: { x: 1 }, Next: 'Second' },
          Second: { Type: 'Pass', Assign: { x: '{% $x + 1 %}' }, Output: { seen: '{% $x %}' }, Next: 'Third' },
          Third: { Type: 'Pass', Output: { seen: '{% $states.input.seen %}', now: '{% $x %}' }, End: true },
        },
      },
      {},
    );
    expect(output(r)).toEqual({ seen: 1, now: 2 });
  });

  it('shows assigned variables as JSON texts in the StateExited event', async () => {
    const r = await run(single({ Type: 'Pass', QueryLanguage: 'JSONata', Assign: { n: 42, o: { a: [1] } } }));
    expect(detailsOf(r.events, 'PassStateExited')).toEqual({
      name: 'S',
      output: '{}',
      outputDetails: { truncated: false },
      assignedVariables: { n: '42', o: '{"a":[1]}' },
      assignedVariablesDetails: { truncated: false },
    });
  });

  it('gives a Task result to Output and Assign as $states.result', async () => {
    const resources = new RecordingResources(virtualClock(), () => ({ ok: true, output: { v: 7 } }));
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: {}, Assign: { kept: '{% $states.result.v %}' }, Output: '{% $states.result %}', Next: 'P' },
          P: { Type: 'Pass', Output: { out: '{% $states.input %}', kept: '{% $kept %}' }, End: true },
        },
      },
      { resources },
    );
    expect(output(r)).toEqual({ out: { v: 7 }, kept: 7 });
  });

  it('fails with States.QueryEvaluationError when an expression fails', async () => {
    const r = await run(single({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $number("x") + $undefinedFn() %}' }));
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.QueryEvaluationError');
    expect(r.cause).toMatch(/^An error occurred while executing the state 'S' \(entered at the event id #2\)\. /);
  });
});

describe('JSONPath variables', () => {
  it('assigns variables with Assign and reads them as $name in a later state', async () => {
    const r = await run(
      {
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { 'fromInput.$': '$.a', literal: 'L', 'computed.$': 'States.MathAdd($.a, 1)' }, Next: 'Use' },
          Use: { Type: 'Pass', Parameters: { 'a.$': '$fromInput', 'l.$': '$literal', 'c.$': '$computed' }, End: true },
        },
      },
      { input: { a: 5 } },
    );
    expect(output(r)).toEqual({ a: 5, l: 'L', c: 6 });
  });

  it("evaluates a Pass state's Assign against its result", async () => {
    const r = await run(
      {
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Result: { r: 'result' }, ResultPath: '$.res', Assign: { 'v.$': '$.r' }, Next: 'Use' },
          Use: { Type: 'Pass', Parameters: { 'v.$': '$v' }, End: true },
        },
      },
      { input: { r: 'input' } },
    );
    expect(output(r)).toEqual({ v: 'result' });
  });

  it('makes outer variables visible inside Map iterations', async () => {
    const r = await run(
      {
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { factor: 'f' }, Next: 'M' },
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', Parameters: { 'item.$': '$', 'factor.$': '$factor' }, End: true } } },
            End: true,
          },
        },
      },
      { input: [1, 2] },
    );
    expect(output(r)).toEqual([
      { item: 1, factor: 'f' },
      { item: 2, factor: 'f' },
    ]);
  });

  it('makes outer variables visible inside JSONata Map iterations and Parallel branches', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { k: 3 }, Next: 'P' },
          P: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'M',
                States: {
                  M: { Type: 'Map', Items: [1, 2], ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', Output: '{% $states.input * $k %}', End: true } } }, End: true },
                },
              },
              { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $k %}', End: true } } },
            ],
            End: true,
          },
        },
      },
      {},
    );
    expect(output(r)).toEqual([[3, 6], 3]);
  });

  it('keeps variables assigned inside an iteration out of the outer scope', async () => {
    const r = await run(
      {
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { x: 'outer' }, Next: 'M' },
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Assign: { x: 'inner' }, End: true } } },
            Next: 'Read',
          },
          Read: { Type: 'Pass', Parameters: { 'x.$': '$x' }, End: true },
        },
      },
      { input: [1] },
    );
    expect(output(r)).toEqual({ x: 'outer' });
  });
});
