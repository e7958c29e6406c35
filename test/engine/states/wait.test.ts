import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/engine/index.js';
import type { HistoryEvent } from '../../../src/engine/index.js';
import { output, plainHistory, run, single } from '../fixtures.js';

const START = Date.UTC(2026, 0, 1);

const at = (events: readonly HistoryEvent[], type: string): number => events.find((e) => e.type === type)!.timestamp.getTime();

describe('Wait state', () => {
  it('waits Seconds on the clock, then passes its input through', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Wait', Seconds: 30 }), { input: { a: 1 }, clock });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ a: 1 });
    expect(clock.now()).toBe(START + 30_000);
    expect(at(r.events, 'WaitStateEntered')).toBe(START);
    expect(at(r.events, 'WaitStateExited')).toBe(START + 30_000);
  });

  it('records only WaitStateEntered and WaitStateExited, linked to each other', async () => {
    const r = await run(single({ Type: 'Wait', Seconds: 1 }));
    expect(plainHistory(r.events).map((e) => [e.type, e.id, e.previousEventId])).toEqual([
      ['ExecutionStarted', 1, 0],
      ['WaitStateEntered', 2, 0],
      ['WaitStateExited', 3, 2],
      ['ExecutionSucceeded', 4, 3],
    ]);
  });

  it('reads the number of seconds from the input with SecondsPath', async () => {
    const clock = virtualClock(START);
    await run(single({ Type: 'Wait', SecondsPath: '$.delay' }), { input: { delay: 90 }, clock });
    expect(clock.now()).toBe(START + 90_000);
  });

  it('fails with States.Runtime when SecondsPath does not hold an integer', async () => {
    const r = await run(single({ Type: 'Wait', SecondsPath: '$.delay' }), { input: { delay: 'soon' } });
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe(
      "An error occurred while executing the state 'S' (entered at the event id #2). The SecondsPath parameter cannot be parsed as a long value: $.delay == \"soon\"",
    );
  });

  it('fails with States.Runtime when SecondsPath holds a negative integer, instead of not waiting', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Wait', SecondsPath: '$.delay' }), { input: { delay: -1 }, clock });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe("An error occurred while executing the state 'S' (entered at the event id #2). The SecondsPath parameter references a negative value: $.delay == -1");
    expect(clock.now()).toBe(START);
  });

  it('waits no time for a SecondsPath of 0 (wait_seconds_path[0])', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Wait', SecondsPath: '$.delay' }), { input: { delay: 0 }, clock });
    expect(r.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(START);
  });

  it('waits until an absolute Timestamp', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Wait', Timestamp: '2026-01-01T01:00:00Z' }), { clock });
    expect(r.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(START + 3_600_000);
  });

  it('waits until the timestamp read with TimestampPath, honouring its offset', async () => {
    const clock = virtualClock(START);
    await run(single({ Type: 'Wait', TimestampPath: '$.until' }), { input: { until: '2026-01-01T02:30:00+02:00' }, clock });
    expect(clock.now()).toBe(START + 30 * 60_000);
  });

  it('goes on at once when the timestamp is in the past', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Wait', Timestamp: '2016-03-14T01:59:00Z' }), { clock });
    expect(r.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(START);
  });

  it('fails with States.Runtime when TimestampPath holds a timestamp without an offset', async () => {
    const r = await run(single({ Type: 'Wait', TimestampPath: '$.t' }), { input: { t: '2016-12-05T21:29:29' } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe(
      "An error occurred while executing the state 'S' (entered at the event id #2). The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2016-12-05T21:29:29",
    );
    expect(plainHistory(r.events).map((e) => [e.type, e.previousEventId])).toEqual([
      ['ExecutionStarted', 0],
      ['WaitStateEntered', 0],
      ['ExecutionFailed', 2],
    ]);
  });

  it('waits the seconds a JSONata Seconds expression computes', async () => {
    const clock = virtualClock(START);
    await run(single({ Type: 'Wait', QueryLanguage: 'JSONata', Seconds: '{% $states.input.d * 2 %}' }), { input: { d: 5 }, clock });
    expect(clock.now()).toBe(START + 10_000);
  });

  it('runs consecutive waits one after the other', async () => {
    const clock = virtualClock(START);
    const r = await run(
      { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 5, Next: 'B' }, B: { Type: 'Wait', Seconds: 7, End: true } } },
      { clock },
    );
    expect(r.events.filter((e) => e.type.startsWith('Wait')).map((e) => [e.type, e.timestamp.getTime() - START])).toEqual([
      ['WaitStateEntered', 0],
      ['WaitStateExited', 5000],
      ['WaitStateEntered', 5000],
      ['WaitStateExited', 12_000],
    ]);
  });
});
