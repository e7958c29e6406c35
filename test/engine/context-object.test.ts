import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/engine/index.js';
import { failThenSucceed, output, RecordingResources, run, single } from './fixtures.js';

const START = Date.UTC(2026, 0, 1);
const options = { clock: virtualClock(START), stateMachineName: 'M', name: 'run-1', input: { in: 1 } };

describe('context object ($$)', () => {
  it('describes the execution, the state machine and the current state, with AWS key order', async () => {
    const r = await run(single({ Type: 'Pass', Parameters: { 'ctx.$': '$$' } }), options);
    const ctx = (output(r) as { ctx: unknown }).ctx;
    expect(ctx).toEqual({
      Execution: {
        Id: 'arn:aws:states:us-east-1:123456789012:execution:M:run-1',
        Input: { in: 1 },
        StartTime: '2026-01-01T00:00:00.000Z',
        Name: 'run-1',
        RoleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
        RedriveCount: 0,
      },
      StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:M', Name: 'M' },
      State: { Name: 'S', EnteredTime: '2026-01-01T00:00:00.000Z' },
    });
    expect(Object.keys(ctx as object)).toEqual(['Execution', 'StateMachine', 'State']);
  });

  it('of an Express execution: Id is the express ARN (…:express:MACHINE:NAME:UUID) and there is no RedriveCount', async () => {
    const r = await run(single({ Type: 'Pass', Parameters: { 'execution.$': '$$.Execution' } }), { ...options, type: 'EXPRESS', uuid: () => 'u-1' });
    const execution = (output(r) as { execution: Record<string, unknown> }).execution;
    expect(execution.Id).toBe('arn:aws:states:us-east-1:123456789012:express:M:run-1:u-1');
    expect(r.executionArn).toBe(execution.Id);
    expect(Object.keys(execution)).toEqual(['Id', 'Input', 'StartTime', 'Name', 'RoleArn']);
  });

  it('takes the execution ARN the caller gives', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:express:M:run-1:given';
    const r = await run(single({ Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id' } }), { ...options, type: 'EXPRESS', executionArn: arn });
    expect(output(r)).toEqual({ id: arn });
  });

  it('can be the whole output with OutputPath "$$"', async () => {
    const r = await run(single({ Type: 'Pass', OutputPath: '$$.Execution.Input' }), options);
    expect(output(r)).toEqual({ in: 1 });
  });

  it('gives the entered time of the current state, not of the execution', async () => {
    const r = await run(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, Next: 'P' }, P: { Type: 'Pass', Parameters: { 'entered.$': '$$.State.EnteredTime', 'started.$': '$$.Execution.StartTime' }, End: true } } },
      { ...options, clock: virtualClock(START) },
    );
    expect(output(r)).toEqual({ entered: '2026-01-01T00:01:00.000Z', started: '2026-01-01T00:00:00.000Z' });
  });

  it('adds State.RetryCount for a Task, counting its retries', async () => {
    const clock = virtualClock(START);
    const resources = new RecordingResources(clock, failThenSucceed(1, 'E', 'c', null));
    await run(single({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'state.$': '$$.State' }, Retry: [{ ErrorEquals: ['E'] }] }), {
      ...options,
      clock,
      resources,
    });
    expect(resources.requests.map((q) => q.parameters)).toEqual([
      { state: { Name: 'S', EnteredTime: '2026-01-01T00:00:00.000Z', RetryCount: 0 } },
      { state: { Name: 'S', EnteredTime: '2026-01-01T00:00:00.000Z', RetryCount: 1 } },
    ]);
  });

  it('exposes the same object as $states.context in JSONata', async () => {
    const r = await run(single({ Type: 'Pass', QueryLanguage: 'JSONata', Output: { name: '{% $states.context.Execution.Name %}', state: '{% $states.context.State.Name %}' } }), options);
    expect(output(r)).toEqual({ name: 'run-1', state: 'S' });
  });

  it('reads ErrorPath and CausePath from the context object', async () => {
    const r = await run(single({ Type: 'Fail', ErrorPath: '$$.State.Name', CausePath: '$$.StateMachine.Name' }), options);
    expect([r.error, r.cause]).toEqual(['S', 'M']);
  });
});
