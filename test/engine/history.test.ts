import { describe, expect, it } from 'vitest';
import { createSnapshot, materializeEvent, prepareMachine } from '../../src/engine/index.js';
import { errorDetails, HistoryWriter, JsonPayload, payloadDetails, stateEnteredDetails, stateExitedDetails } from '../../src/engine/history.js';

function freshSnapshot() {
  const machine = prepareMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  return createSnapshot(machine, {
    arn: 'arn:aws:states:us-east-1:123456789012:execution:M:e',
    name: 'e',
    input: {},
    startTime: Date.UTC(2026, 0, 1),
    roleArn: 'r',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
    stateMachineName: 'M',
    redriveCount: 0,
  });
}

describe('HistoryWriter', () => {
  it("numbers events from the snapshot's last id and links each to the frame's source event", () => {
    const snapshot = freshSnapshot();
    const frame = snapshot.frames[snapshot.rootFrameId];
    const writer = new HistoryWriter(snapshot, 5000);
    expect(writer.emit(frame, 'ExecutionStarted', undefined, undefined, false)).toBe(1);
    expect(writer.emit(frame, 'PassStateEntered')).toBe(2);
    expect(writer.emit(frame, 'PassStateExited')).toBe(3);
    expect(writer.records.map((r) => [r.id, r.previousEventId, r.type, r.timestamp])).toEqual([
      [1, 0, 'ExecutionStarted', 5000],
      [2, 0, 'PassStateEntered', 5000],
      [3, 2, 'PassStateExited', 5000],
    ]);
    expect(snapshot.lastEventId).toBe(3);
    expect(frame.prevId).toBe(3);
  });

  it('links to an explicit previous event when one is given, leaving the frame as it was', () => {
    const snapshot = freshSnapshot();
    const frame = snapshot.frames[snapshot.rootFrameId];
    const writer = new HistoryWriter(snapshot, 0);
    writer.emit(frame, 'A');
    writer.emit(frame, 'B', undefined, undefined, false, 0);
    expect(writer.records[1]).toMatchObject({ id: 2, previousEventId: 0 });
    expect(frame.prevId).toBe(1);
  });
});

describe('materializeEvent', () => {
  it('turns payloads into JSON texts and the timestamp into a Date, as GetExecutionHistory shows them', () => {
    const event = materializeEvent({
      timestamp: Date.UTC(2026, 0, 1),
      type: 'PassStateExited',
      id: 3,
      previousEventId: 2,
      detailsKey: 'stateExitedEventDetails',
      details: stateExitedDetails('P', { a: [1, 'x'] }, { v: { n: 1 }, s: 'text' }),
    });
    expect(event.timestamp).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(event.stateExitedEventDetails).toEqual({
      name: 'P',
      output: '{"a":[1,"x"]}',
      outputDetails: { truncated: false },
      assignedVariables: { v: '{"n":1}', s: '"text"' },
      assignedVariablesDetails: { truncated: false },
    });
  });

  it('leaves out assignedVariables when nothing was assigned', () => {
    const details = stateExitedDetails('P', null, {});
    expect(Object.keys(details)).not.toContain('assignedVariables');
  });

  it('shows state input as text and errors without absent fields', () => {
    expect(materializeEvent({ timestamp: 0, type: 'PassStateEntered', id: 2, previousEventId: 0, detailsKey: 'stateEnteredEventDetails', details: stateEnteredDetails('P', 'str') }).stateEnteredEventDetails).toEqual({
      name: 'P',
      input: '"str"',
      inputDetails: { truncated: false },
    });
    expect(errorDetails('E', undefined)).toEqual({ error: 'E' });
    expect(errorDetails(undefined, undefined, { resource: 'invoke' })).toEqual({ resource: 'invoke' });
  });

  it('shows TaskScheduled parameters as text without a parametersDetails field', () => {
    const details = payloadDetails('parameters', { x: 1 }, { resourceType: 'lambda', resource: 'invoke' });
    expect(details.parameters).toBeInstanceOf(JsonPayload);
    expect(materializeEvent({ timestamp: 0, type: 'TaskScheduled', id: 3, previousEventId: 2, detailsKey: 'taskScheduledEventDetails', details }).taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      parameters: '{"x":1}',
    });
  });

  it('leaves an event without details with just its type, ids and timestamp', () => {
    const e = materializeEvent({ timestamp: 0, type: 'MapStateSucceeded', id: 9, previousEventId: 8 });
    expect(JSON.parse(JSON.stringify(e))).toEqual({ timestamp: '1970-01-01T00:00:00.000Z', type: 'MapStateSucceeded', id: 9, previousEventId: 8 });
  });
});
