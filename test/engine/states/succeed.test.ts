import { describe, expect, it } from 'vitest';
import { output, plainHistory, run, single } from '../fixtures.js';

describe('Succeed state', () => {
  it('ends the execution successfully with its input as output', async () => {
    const r = await run(single({ Type: 'Succeed' }), { input: { done: true } });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ done: true });
    expect(plainHistory(r.events).map((e) => [e.type, e.id, e.previousEventId])).toEqual([
      ['ExecutionStarted', 1, 0],
      ['SucceedStateEntered', 2, 0],
      ['SucceedStateExited', 3, 2],
      ['ExecutionSucceeded', 4, 3],
    ]);
  });

  it('applies InputPath and OutputPath', async () => {
    const r = await run(single({ Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' }), { input: { a: { b: 5 } } });
    expect(output(r)).toBe(5);
  });

  it('ends the execution with the output of the state before it', async () => {
    const r = await run({
      StartAt: 'Set',
      States: { Set: { Type: 'Pass', Result: 'x', ResultPath: '$.set', Next: 'Done' }, Done: { Type: 'Succeed' } },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ set: 'x' });
  });
});
