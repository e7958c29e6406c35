import { describe, expect, it } from 'vitest';
import { output, plainHistory, run } from '../fixtures.js';

const router = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' },
        { And: [{ Variable: '$.n', NumericGreaterThanEquals: 0 }, { Variable: '$.kind', StringEquals: 'small' }], Next: 'Small' },
      ],
      Default: 'Other',
    },
    Big: { Type: 'Pass', Result: 'big', End: true },
    Small: { Type: 'Pass', Result: 'small', End: true },
    Other: { Type: 'Pass', Result: 'other', End: true },
  },
};

describe('Choice state', () => {
  it('follows the first rule that matches', async () => {
    expect(output(await run(router, { input: { n: 11, kind: 'small' } }))).toBe('big');
    expect(output(await run(router, { input: { n: 3, kind: 'small' } }))).toBe('small');
  });

  it('follows Default when no rule matches', async () => {
    expect(output(await run(router, { input: { n: 3, kind: 'large' } }))).toBe('other');
  });

  it('passes its input through to the next state and records Entered/Exited without a result', async () => {
    const r = await run(router, { input: { n: 11 } });
    const h = plainHistory(r.events);
    expect(h.map((e) => e.type)).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(h[2]).toEqual({
      type: 'ChoiceStateExited',
      id: 3,
      previousEventId: 2,
      stateExitedEventDetails: { name: 'Route', outputDetails: { truncated: false }, output: '{"n":11}' },
    });
    expect(h[3]).toMatchObject({ previousEventId: 3, stateEnteredEventDetails: { name: 'Big', input: '{"n":11}' } });
  });

  it('fails with States.NoChoiceMatched when nothing matches and there is no Default', async () => {
    const r = await run(
      { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', BooleanEquals: true, Next: 'T' }] }, T: { Type: 'Succeed' } } },
      { input: { a: false } },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.NoChoiceMatched');
    expect(plainHistory(r.events).map((e) => e.type)).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ExecutionFailed']);
  });

  it('evaluates its rules against the InputPath selection and applies OutputPath to what it passes on', async () => {
    const r = await run(
      {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', InputPath: '$.inner', OutputPath: '$.v', Choices: [{ Variable: '$.v', StringEquals: 'x', Next: 'T' }] },
          T: { Type: 'Succeed' },
        },
      },
      { input: { inner: { v: 'x' } } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toBe('x');
  });

  it('chooses by a JSONata Condition in a JSONata machine', async () => {
    const def = {
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n > 1 %}', Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Pass', Output: 'yes', End: true },
        No: { Type: 'Pass', Output: 'no', End: true },
      },
    };
    expect(output(await run(def, { input: { n: 2 } }))).toBe('yes');
    expect(output(await run(def, { input: { n: 0 } }))).toBe('no');
  });
});
