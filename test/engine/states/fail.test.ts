import { describe, expect, it } from 'vitest';
import { plainHistory, run, single } from '../fixtures.js';

describe('Fail state', () => {
  it('fails the execution with its Error and Cause, recorded in ExecutionFailed', async () => {
    const r = await run(single({ Type: 'Fail', Error: 'Oops', Cause: 'it broke' }));
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('Oops');
    expect(r.cause).toBe('it broke');
    expect(r.output).toBeUndefined();
    expect(plainHistory(r.events).slice(1)).toEqual([
      { type: 'FailStateEntered', id: 2, previousEventId: 0, stateEnteredEventDetails: { name: 'S', inputDetails: { truncated: false }, input: '{}' } },
      { type: 'ExecutionFailed', id: 3, previousEventId: 2, executionFailedEventDetails: { error: 'Oops', cause: 'it broke' } },
    ]);
  });

  it('omits the cause when the state has none', async () => {
    const r = await run(single({ Type: 'Fail', Error: 'Oops' }));
    expect(r.cause).toBeUndefined();
    expect(plainHistory(r.events)[2]).toEqual({ type: 'ExecutionFailed', id: 3, previousEventId: 2, executionFailedEventDetails: { error: 'Oops' } });
  });

  it('reads Error and Cause from the input with ErrorPath and CausePath', async () => {
    const r = await run(single({ Type: 'Fail', ErrorPath: '$.e', CausePath: '$.detail.c' }), { input: { e: 'Custom', detail: { c: 'why' } } });
    expect([r.error, r.cause]).toEqual(['Custom', 'why']);
  });

  it('builds the cause with an intrinsic function in CausePath', async () => {
    const r = await run(single({ Type: 'Fail', Error: 'E', CausePath: "States.Format('bad {}', $.id)" }), { input: { id: 7 } });
    expect(r.cause).toBe('bad 7');
  });

  it('fails with States.Runtime when ErrorPath finds nothing', async () => {
    const r = await run(single({ Type: 'Fail', ErrorPath: '$.missing' }), { input: { a: 1 } });
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe(
      "An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'ErrorPath' could not be found in the input '{\"a\":1}'",
    );
  });

  it('evaluates JSONata Error and Cause', async () => {
    const r = await run(single({ Type: 'Fail', QueryLanguage: 'JSONata', Error: '{% $states.input.code %}', Cause: "{% 'n=' & $string($states.input.n) %}" }), {
      input: { code: 'E42', n: 3 },
    });
    expect([r.error, r.cause]).toEqual(['E42', 'n=3']);
  });
});
