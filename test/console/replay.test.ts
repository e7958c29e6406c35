import { describe, expect, it } from 'vitest';
import { replayHistory, type ReplayEvent } from '../../console/src/history/replay.js';

let id = 0;
const ev = (type: string, previousEventId: number, details?: Record<string, unknown>, key = 'stateEnteredEventDetails'): ReplayEvent => ({
  id: ++id,
  previousEventId,
  timestamp: 1000 + id,
  type,
  ...(details === undefined ? {} : { [key]: details }),
});

function history(): ReplayEvent[] {
  id = 0;
  return [
    ev('ExecutionStarted', 0, { input: '{"a":1}' }, 'executionStartedEventDetails'), // 1
    ev('TaskStateEntered', 1, { name: 'Charge', input: '{"a":1}' }), // 2
    ev('TaskScheduled', 2, { resourceType: 'lambda', resource: 'invoke', parameters: '{"x":1}' }, 'taskScheduledEventDetails'), // 3
    ev('TaskStarted', 3, { resourceType: 'lambda', resource: 'invoke' }, 'taskStartedEventDetails'), // 4
    ev('TaskFailed', 4, { error: 'Busy', cause: 'try later' }, 'taskFailedEventDetails'), // 5
    ev('TaskScheduled', 5, { resourceType: 'lambda', resource: 'invoke', parameters: '{"x":1}' }, 'taskScheduledEventDetails'), // 6
    ev('TaskStarted', 6, { resourceType: 'lambda', resource: 'invoke' }, 'taskStartedEventDetails'), // 7
    ev('TaskFailed', 7, { error: 'Declined', cause: 'card' }, 'taskFailedEventDetails'), // 8
    ev('TaskStateExited', 8, { name: 'Charge', output: '{"error":"Declined"}' }, 'stateExitedEventDetails'), // 9
    ev('TaskStateEntered', 9, { name: 'Approve', input: '{}' }), // 10
    ev('TaskScheduled', 10, { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', parameters: '{"token":"t"}' }, 'taskScheduledEventDetails'), // 11
    ev('TaskStarted', 11, { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' }, 'taskStartedEventDetails'), // 12
  ];
}

describe('replaying an execution history', () => {
  it('counts retries and marks a state whose failure was caught', () => {
    const view = replayHistory(history());
    const charge = view.states.get('Charge')!;
    expect(charge.status).toBe('caught');
    expect(charge.retries).toBe(1);
    expect(charge.failures.map((f) => f.error)).toEqual(['Busy', 'Declined']);
    expect(charge.output).toBe('{"error":"Declined"}');
  });

  it('shows a task waiting for its callback with the payload it sent', () => {
    const approve = replayHistory(history()).states.get('Approve')!;
    expect(approve.status).toBe('waiting');
    expect(approve.parameters).toBe('{"token":"t"}');
  });

  it('shows a service task\'s request and its response before ResultSelector, as a Lambda task\'s', () => {
    id = 0;
    const response = '{"Headers":{},"ResponseBody":{"id":7},"StatusCode":200,"StatusText":"OK"}';
    const view = replayHistory([
      ev('ExecutionStarted', 0, { input: '{}' }, 'executionStartedEventDetails'), // 1
      ev('TaskStateEntered', 1, { name: 'Call', input: '{}' }), // 2
      ev('TaskScheduled', 2, { resourceType: 'http', resource: 'invoke', parameters: '{"ApiEndpoint":"https://api.example.com","Method":"GET"}' }, 'taskScheduledEventDetails'), // 3
      ev('TaskStarted', 3, { resourceType: 'http', resource: 'invoke' }, 'taskStartedEventDetails'), // 4
      ev('TaskSucceeded', 4, { resourceType: 'http', resource: 'invoke', output: response }, 'taskSucceededEventDetails'), // 5
      ev('TaskStateExited', 5, { name: 'Call', output: '{"id":7}' }, 'stateExitedEventDetails'), // 6
    ]);
    const call = view.states.get('Call')!;
    expect(call.parameters).toBe('{"ApiEndpoint":"https://api.example.com","Method":"GET"}');
    expect(call.resource).toBe('http:invoke');
    expect(call.result).toBe(response);
    expect(call.output).toBe('{"id":7}');
  });

  it('shows the states as they were after an earlier event (time travel)', () => {
    const view = replayHistory(history(), 4); // after the first TaskFailed
    expect(view.states.get('Charge')!.status).toBe('retrying');
    expect(view.states.get('Charge')!.output).toBeUndefined();
    expect(view.states.has('Approve')).toBe(false);
  });

  it('attributes events to their state through previousEventId', () => {
    const view = replayHistory(history());
    expect(view.stateOfEvent.get(5)).toBe('Charge');
    expect(view.stateOfEvent.get(12)).toBe('Approve');
  });

  it('marks the state open when the execution failed as failed', () => {
    const h = history();
    h.push(ev('ExecutionFailed', 12, { error: 'States.Timeout' }, 'executionFailedEventDetails'));
    const view = replayHistory(h);
    expect(view.status).toBe('FAILED');
    expect(view.states.get('Approve')!.status).toBe('failed');
  });
});
