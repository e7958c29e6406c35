import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { HISTORY_LIMIT_CAUSE, MAX_HISTORY_EVENTS } from '../../src/engine/limits.js';
import { run } from './fixtures.js';

/**
 * Counts `$.n` up to `bound` in a Pass + Choice loop, then succeeds: 4 events per turn, and
 * ExecutionStarted + Done's two events + ExecutionSucceeded, so 4·bound + 4 events in all.
 */
function countTo(bound: number, p = ''): object {
  return {
    StartAt: `${p}Inc`,
    States: {
      [`${p}Inc`]: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: `${p}Check` },
      [`${p}Check`]: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: bound, Next: `${p}Inc` }], Default: `${p}Done` },
      [`${p}Done`]: { Type: 'Succeed' },
    },
  };
}

const FOREVER = {
  StartAt: 'Loop',
  States: { Loop: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Loop' }], Default: 'End' }, End: { Type: 'Succeed' } },
};

describe('the history quota (25,000 events, as AWS)', () => {
  it('fails a runaway loop with States.Runtime at event 25,000, which is ExecutionFailed', async () => {
    const r = await run(countTo(1_000_000), { input: { n: 0 } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe('The execution reached the maximum number of history events (25000).');
    expect(r.events).toHaveLength(MAX_HISTORY_EVENTS);
    const last = r.events[r.events.length - 1];
    expect(last).toMatchObject({ type: 'ExecutionFailed', id: 25_000, previousEventId: 24_999 });
    expect(last.executionFailedEventDetails).toEqual({ error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE });
    expect(r.events[24_998]).toMatchObject({ id: 24_999 });
    expect(r.events[24_998].type).not.toMatch(/^Execution/);
  });

  it('lets event 25,000 be ExecutionSucceeded', async () => {
    const r = await run(countTo(6249), { input: { n: 0 } });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events).toHaveLength(25_000);
    expect(r.events[24_999]).toMatchObject({ type: 'ExecutionSucceeded', id: 25_000 });
  });

  it('fails the execution one turn later, when event 25,000 would be a state event', async () => {
    const r = await run(countTo(6250), { input: { n: 0 } });
    expect(r.status).toBe('FAILED');
    expect(r.cause).toBe(HISTORY_LIMIT_CAUSE);
    expect(r.events).toHaveLength(25_000);
    expect(r.output).toBeUndefined();
  });

  it('counts Map iterations in the history and stops starting them once it is full', async () => {
    const def = {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Items: '{% [1..30000].(0) %}',
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };
    const r = await run(def);
    expect(r.status).toBe('FAILED');
    expect(r.cause).toBe(HISTORY_LIMIT_CAUSE);
    expect(r.events).toHaveLength(25_000);
    const started = r.events.filter((e) => e.type === 'MapIterationStarted').length;
    expect(started).toBeGreaterThan(5000);
    expect(started).toBeLessThan(30_000);
  });

  it('counts Parallel branches in the history', async () => {
    const def = { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [countTo(3000, 'a'), countTo(3500, 'b')], End: true } } };
    const r = await run(def, { input: { n: 0 } });
    // Each branch alone stays under the quota (12,004 and 14,004 events); together they do not.
    expect(r.status).toBe('FAILED');
    expect(r.cause).toBe(HISTORY_LIMIT_CAUSE);
    expect(r.events).toHaveLength(25_000);
  });
});

describe('inline Map items', () => {
  it('refuses items over 256 KiB with States.DataLimitExceeded before starting any iteration', async () => {
    const def = {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Items: '{% [1..1000000] %}',
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };
    const r = await run(def);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.DataLimitExceeded');
    expect(r.cause).toContain("'Each'");
    expect(r.events.some((e) => e.type === 'MapIterationStarted')).toBe(false);
  });

  it('applies the bound to the items after ItemSelector too', async () => {
    const big = 'x'.repeat(1000);
    const def = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'i.$': '$$.Map.Item.Index', pad: big },
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };
    const r = await run(def, { input: { items: new Array(300).fill(0) } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.DataLimitExceeded');
  });
});

describe('Express executions', () => {
  it('end TIMED_OUT with States.Timeout after their maximum duration, even in a busy loop', async () => {
    const r = await runExecution(FOREVER, { input: { go: true }, type: 'EXPRESS', maxDurationMs: 200, clock: systemClock });
    expect(r.status).toBe('TIMED_OUT');
    expect(r.error).toBe('States.Timeout');
  });

  it('keep no history (nothing grows with the loop) and have no 25,000-event quota', async () => {
    const r = await runExecution(countTo(10_000), { input: { n: 0 }, type: 'EXPRESS' });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toBe('{"n":10000}');
    expect(r.events).toEqual([]);
  });

  it('stop when their signal aborts (ABORTED)', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const r = await runExecution(FOREVER, { input: { go: true }, type: 'EXPRESS', signal: stop.signal, clock: systemClock });
    expect(r.status).toBe('ABORTED');
  });
});
