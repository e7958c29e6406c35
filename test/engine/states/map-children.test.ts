import { describe, expect, it } from 'vitest';
import { advance, createSnapshot, prepareMachine } from '../../../src/engine/index.js';
import type { Effect, ExecutionInfo, Ids, Snapshot } from '../../../src/engine/index.js';
import { childExecutionArnOf, childExecutionNameOf } from '../../../src/engine/states/map-children.js';
import type { Json } from '../../../src/language/json.js';

const T0 = Date.UTC(2026, 0, 1);
let n = 0;
const ids: Ids = { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, random: () => 0.5 };
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:M';

function info(input: Json): ExecutionInfo {
  return { arn: 'arn:aws:states:us-east-1:123456789012:execution:M:e', name: 'e', input, startTime: T0, roleArn: 'arn:aws:iam::123456789012:role/R', stateMachineArn: MACHINE, stateMachineName: 'M', redriveCount: 0 };
}

const roundTrip = (s: Snapshot): Snapshot => JSON.parse(JSON.stringify(s)) as Snapshot;
const invokes = (effects: readonly Effect[]) => effects.filter((e): e is Extract<Effect, { type: 'invokeTask' }> => e.type === 'invokeTask');

function distributedMap(processor: Record<string, unknown>, extra: Record<string, unknown> = {}, executionType = 'STANDARD') {
  return prepareMachine({
    StartAt: 'M',
    States: { M: { Type: 'Map', Label: 'L', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType }, ...processor }, End: true, ...extra } },
  });
}

describe('distributed Map child executions', () => {
  it('gives each iteration an execution of its own, with a history from ExecutionStarted to ExecutionSucceeded', async () => {
    const machine = distributedMap({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'done', ResultPath: '$.r', End: true } } });
    const r = await advance(machine, createSnapshot(machine, info({ items: [{ a: 1 }, { a: 2 }] })), { type: 'start' }, T0, ids);
    expect(r.snapshot.status).toBe('SUCCEEDED');
    expect(r.historyRecords.map((e) => e.type)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
    const runArn = String((r.historyRecords[3].details as { mapRunArn: string }).mapRunArn);
    expect(r.childExecutions.map((c) => c.arn)).toEqual([childExecutionArnOf(runArn, 0), childExecutionArnOf(runArn, 1)]);
    const [first] = r.childExecutions;
    expect(first.arn).toBe(`arn:aws:states:us-east-1:123456789012:execution:M/L:${childExecutionNameOf(runArn, 0)}`);
    expect(first.start).toEqual({ mapRunArn: runArn, stateMachineArn: `${MACHINE}/L`, name: childExecutionNameOf(runArn, 0), input: { a: 1 } });
    expect(first.end).toEqual({ status: 'SUCCEEDED', output: { a: 1, r: 'done' } });
    expect(first.records.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'ExecutionSucceeded'],
    ]);
    expect(r.snapshot.childExecutions).toBeUndefined();
  });

  it('numbers a child history on across advances and fails the child with its iteration', async () => {
    const machine = distributedMap({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({ items: ['a'] })), { type: 'start' }, T0, ids);
    expect(first.childExecutions[0].records.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled']);
    const task = invokes(first.effects)[0];
    const second = await advance(machine, roundTrip(first.snapshot), { type: 'taskFailed', frameId: task.frameId, attempt: task.attempt, error: 'Boom', cause: 'bad' }, T0 + 1, ids);
    const child = second.childExecutions[0];
    expect(child.start).toBeUndefined();
    expect(child.end).toEqual({ status: 'FAILED', error: 'Boom', cause: 'bad' });
    expect(child.records.map((e) => [e.id, e.type])).toEqual([
      [4, 'LambdaFunctionStarted'],
      [5, 'LambdaFunctionFailed'],
      [6, 'ExecutionFailed'],
    ]);
    expect(second.historyRecords.map((e) => e.type)).toEqual(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
  });

  it('aborts the running children when the parent is stopped', async () => {
    const machine = distributedMap({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const first = await advance(machine, createSnapshot(machine, info({ items: [1, 2] })), { type: 'start' }, T0, ids);
    expect(Object.keys(first.snapshot.childExecutions ?? {})).toHaveLength(2);
    const stopped = await advance(machine, roundTrip(first.snapshot), { type: 'stop' }, T0 + 5, ids);
    expect(stopped.childExecutions.map((c) => [c.end?.status, c.records.map((e) => [e.id, e.previousEventId, e.type])])).toEqual([
      ['ABORTED', [[3, 2, 'ExecutionAborted']]],
      ['ABORTED', [[3, 2, 'ExecutionAborted']]],
    ]);
    expect(stopped.snapshot.childExecutions).toBeUndefined();
  });

  it('keeps no child records for Express child executions', async () => {
    const machine = distributedMap({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}, 'EXPRESS');
    const r = await advance(machine, createSnapshot(machine, info({ items: [1, 2] })), { type: 'start' }, T0, ids);
    expect(r.snapshot.status).toBe('SUCCEEDED');
    expect(r.childExecutions).toEqual([]);
  });

  it('numbers the task attempts of concurrent children apart, though each child numbers its events alike', async () => {
    const machine = distributedMap({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } });
    const r = await advance(machine, createSnapshot(machine, info({ items: [1, 2, 3] })), { type: 'start' }, T0, ids);
    const attempts = invokes(r.effects).map((e) => e.attempt);
    expect(new Set(attempts).size).toBe(3);
    expect(r.childExecutions.map((c) => c.records.find((e) => e.type === 'LambdaFunctionScheduled')?.id)).toEqual([3, 3, 3]);
    let snapshot = r.snapshot;
    for (const e of invokes(r.effects)) snapshot = (await advance(machine, roundTrip(snapshot), { type: 'taskSucceeded', frameId: e.frameId, attempt: e.attempt, output: { done: e.request.parameters } }, T0 + 1, ids)).snapshot;
    expect(snapshot.status).toBe('SUCCEEDED');
    expect(snapshot.output).toEqual([{ done: 1 }, { done: 2 }, { done: 3 }]);
  });

  it('shows the child execution as $$.Execution and the Map Run\'s machine as $$.StateMachine inside an iteration', async () => {
    const machine = distributedMap({
      StartAt: 'Wait',
      States: {
        Wait: { Type: 'Wait', Seconds: 5, Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'input.$': '$$.Execution.Input', 'start.$': '$$.Execution.StartTime', 'machine.$': '$$.StateMachine.Id', 'machineName.$': '$$.StateMachine.Name' }, End: true },
      },
    });
    const first = await advance(machine, createSnapshot(machine, info({ items: [{ a: 1 }] })), { type: 'start' }, T0, ids);
    const timer = first.effects.find((e): e is Extract<Effect, { type: 'startTimer' }> => e.type === 'startTimer')!;
    const r = await advance(machine, roundTrip(first.snapshot), { type: 'timerFired', frameId: timer.frameId, key: timer.key }, T0 + 5000, ids);
    const child = first.childExecutions[0];
    expect(r.snapshot.output).toEqual([
      { id: child.arn, name: child.start!.name, input: { a: 1 }, start: new Date(T0).toISOString(), machine: `${MACHINE}/L`, machineName: 'M/L' },
    ]);
  });
});
