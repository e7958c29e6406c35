import { describe, expect, it } from 'vitest';
import { createSnapshot, materializeEvent, prepareMachine } from '../../src/engine/index.js';
import { errorDetails, historyRecords, HistoryWriter, JsonPayload, payloadDetails, stateEnteredDetails, stateExitedDetails } from '../../src/engine/history.js';
import { newFrame } from '../../src/engine/frames.js';

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
    expect(historyRecords(writer.log).map((r) => [r.id, r.previousEventId, r.type, r.timestamp])).toEqual([
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
    expect(historyRecords(writer.log)[1]).toMatchObject({ id: 2, previousEventId: 0 });
    expect(frame.prevId).toBe(1);
  });
});

describe('HistoryWriter state visits', () => {
  const shape = (writer: HistoryWriter) =>
    historyRecords(writer.log).map((r) => [r.id, r.previousEventId, r.type, r.detailsKey, r.details?.name]);

  it('keeps a state exited right after it entered as one log entry, read back as two events', () => {
    const snapshot = freshSnapshot();
    const frame = snapshot.frames[snapshot.rootFrameId];
    const writer = new HistoryWriter(snapshot, 7);
    writer.emit(frame, 'ExecutionStarted', undefined, undefined, false);
    expect(writer.emitEntered(frame, 'PassStateEntered', 'P', { a: 1 })).toBe(2);
    expect(writer.emitExited(frame, 'PassStateExited', 'P', { b: 2 }, { v: 3 })).toBe(3);
    expect(writer.log).toHaveLength(2);
    expect(shape(writer)).toEqual([
      [1, 0, 'ExecutionStarted', undefined, undefined],
      [2, 0, 'PassStateEntered', 'stateEnteredEventDetails', 'P'],
      [3, 2, 'PassStateExited', 'stateExitedEventDetails', 'P'],
    ]);
    const exited = materializeEvent(historyRecords(writer.log)[2]);
    expect(exited.timestamp).toEqual(new Date(7));
    expect(exited.stateExitedEventDetails).toMatchObject({ output: '{"b":2}', assignedVariables: { v: '3' } });
    expect(frame.prevId).toBe(3);
  });

  it('records an exit separately when anything was recorded since the entry', () => {
    const snapshot = freshSnapshot();
    const frame = snapshot.frames[snapshot.rootFrameId];
    const writer = new HistoryWriter(snapshot, 0);
    writer.emitEntered(frame, 'TaskStateEntered', 'T', {});
    writer.emit(frame, 'TaskScheduled');
    writer.emitExited(frame, 'TaskStateExited', 'T', {});
    expect(writer.log).toHaveLength(3);
    expect(shape(writer).map((r) => r.slice(0, 3))).toEqual([
      [1, 0, 'TaskStateEntered'],
      [2, 1, 'TaskScheduled'],
      [3, 2, 'TaskStateExited'],
    ]);
  });

  it('never folds one frame\'s exit into another frame\'s entry of a state with the same name (Map iterations)', () => {
    const snapshot = freshSnapshot();
    const a = newFrame({ id: 'a', parentId: 'root', scope: '/M', index: 0, prevId: 4, input: {}, pendingEnter: true, startAt: 'T' });
    const b = newFrame({ id: 'b', parentId: 'root', scope: '/M', index: 1, prevId: 4, input: {}, pendingEnter: true, startAt: 'T' });
    snapshot.lastEventId = 9;
    b.prevId = 9;
    const writer = new HistoryWriter(snapshot, 0);
    expect(writer.emitEntered(a, 'TaskStateEntered', 'T', {})).toBe(10);
    expect(writer.emitExited(b, 'TaskStateExited', 'T', { from: 'b' })).toBe(11);
    expect(shape(writer).map((r) => r.slice(0, 3))).toEqual([
      [10, 4, 'TaskStateEntered'],
      [11, 9, 'TaskStateExited'],
    ]);
    expect(writer.log).toHaveLength(2);
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
