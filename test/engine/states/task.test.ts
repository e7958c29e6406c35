import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/engine/index.js';
import { describeResource } from '../../../src/engine/states/task.js';
import type { TaskResources, TaskResult } from '../../../src/engine/types.js';
import { parseResourceArn } from '../../../src/language/resource-arn.js';
import { detailsOf, echo, neverAnswers, output, plainHistory, RecordingResources, run, single } from '../fixtures.js';

const START = Date.UTC(2026, 0, 1);
const LAMBDA = 'arn:aws:states:::lambda:invoke';

describe('Task state', () => {
  it('sends the evaluated Parameters, the state name and the execution ARN to the resource', async () => {
    const clock = virtualClock(START);
    const resources = new RecordingResources(clock, echo);
    await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: { FunctionName: 'fn', 'Payload.$': '$.p' } }), {
      input: { p: { x: 1 } },
      clock,
      resources,
      stateMachineName: 'M',
    });
    expect(resources.requests).toHaveLength(1);
    expect(resources.requests[0]).toMatchObject({
      resource: LAMBDA,
      parameters: { FunctionName: 'fn', Payload: { x: 1 } },
      stateName: 'S',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:M:exec',
    });
    expect(resources.requests[0].taskToken).toBeUndefined();
  });

  it('sends the effective input as parameters when there are no Parameters', async () => {
    const resources = new RecordingResources(virtualClock(), echo);
    await run(single({ Type: 'Task', Resource: LAMBDA, InputPath: '$.in' }), { input: { in: [1, 2] }, resources });
    expect(resources.requests[0].parameters).toEqual([1, 2]);
  });

  it('passes TimeoutSeconds to the resource', async () => {
    const resources = new RecordingResources(virtualClock(), echo);
    await run(single({ Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 12, Parameters: {} }), { resources });
    expect(resources.requests[0].timeoutSeconds).toBe(12);
  });

  it('gives a .waitForTaskToken resource a task token that $$.Task.Token also reads', async () => {
    const resources = new RecordingResources(virtualClock(), (req) => ({ ok: true, output: { token: req.taskToken ?? null } }));
    const r = await run(
      single({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token' } } }),
      { resources },
    );
    const token = resources.requests[0].taskToken;
    expect(token).toEqual(expect.any(String));
    expect(resources.requests[0].parameters).toEqual({ QueueUrl: 'q', MessageBody: { TaskToken: token } });
    expect(output(r)).toEqual({ token });
  });

  it('gives JSONata Arguments the token as $states.context.Task.Token', async () => {
    const resources = new RecordingResources(virtualClock(), () => ({ ok: true, output: {} }));
    await run(
      single(
        { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Arguments: { QueueUrl: 'q', MessageBody: '{% $states.context.Task.Token %}' } },
        { QueryLanguage: 'JSONata' },
      ),
      { resources },
    );
    const token = resources.requests[0].taskToken;
    expect(token).toEqual(expect.any(String));
    expect(resources.requests[0].parameters).toEqual({ QueueUrl: 'q', MessageBody: token });
  });

  it('gives an activity task a token of its own (for its worker), which $$.Task.Token does not show', async () => {
    const resources = new RecordingResources(virtualClock(), () => ({ ok: true, output: {} }));
    const r = await run(
      single({ Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:approve', Parameters: { 'ctx.$': '$$' } }),
      { resources },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(resources.requests[0].taskToken).toEqual(expect.any(String));
    expect(resources.requests[0].parameters).not.toHaveProperty('ctx.Task');
  });

  it('records TaskScheduled, TaskStarted and TaskSucceeded with the resource type and name', async () => {
    const resources = new RecordingResources(virtualClock(), () => ({ ok: true, output: { Payload: 'done' } }));
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: { FunctionName: 'fn' } }), { input: { a: 1 }, resources });
    expect(plainHistory(r.events)).toEqual([
      expect.objectContaining({ type: 'ExecutionStarted', id: 1, previousEventId: 0 }),
      { type: 'TaskStateEntered', id: 2, previousEventId: 0, stateEnteredEventDetails: { name: 'S', inputDetails: { truncated: false }, input: '{"a":1}' } },
      {
        type: 'TaskScheduled',
        id: 3,
        previousEventId: 2,
        taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{"FunctionName":"fn"}' },
      },
      { type: 'TaskStarted', id: 4, previousEventId: 3, taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      {
        type: 'TaskSucceeded',
        id: 5,
        previousEventId: 4,
        taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', outputDetails: { truncated: false }, output: '{"Payload":"done"}' },
      },
      { type: 'TaskStateExited', id: 6, previousEventId: 5, stateExitedEventDetails: { name: 'S', outputDetails: { truncated: false }, output: '{"Payload":"done"}' } },
      { type: 'ExecutionSucceeded', id: 7, previousEventId: 6, executionSucceededEventDetails: { outputDetails: { truncated: false }, output: '{"Payload":"done"}' } },
    ]);
  });

  it('records TaskSubmitted between TaskStarted and TaskSucceeded when a .sync resource submits its job, once', async () => {
    const resources = {
      invoke: async (_request: unknown, progress?: { submitted(output: unknown): void }) => {
        progress?.submitted({ JobId: 'j-1' });
        progress?.submitted({ JobId: 'j-1' }); // a dispatch repeated after a restart reports it again
        await Promise.resolve(); // the result comes later than the submission
        return { ok: true as const, output: { Status: 'DONE' } };
      },
    };
    const r = await run(single({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: 'arn:x' } }), { resources });
    expect([r.status, r.error, r.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const events = plainHistory(r.events);
    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskSubmitted'],
      [6, 5, 'TaskSucceeded'],
      [7, 6, 'TaskStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    expect(events[4].taskSubmittedEventDetails).toEqual({
      resourceType: 'states',
      resource: 'startExecution.sync',
      output: '{"JobId":"j-1"}',
      outputDetails: { truncated: false },
    });
  });

  it('shows timeoutInSeconds in TaskScheduled when TimeoutSeconds is set', async () => {
    const resources = new RecordingResources(virtualClock(), echo);
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 5, Parameters: {} }), { resources });
    expect(plainHistory(r.events)[2]).toMatchObject({ type: 'TaskScheduled', taskScheduledEventDetails: { timeoutInSeconds: 5 } });
  });

  it('names a service integration resource as AWS does: sqs / sendMessage.waitForTaskToken', async () => {
    const resources = new RecordingResources(virtualClock(), echo);
    const r = await run(single({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: {} }), { resources });
    expect(plainHistory(r.events)[3]).toEqual({
      type: 'TaskStarted',
      id: 4,
      previousEventId: 3,
      taskStartedEventDetails: { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' },
    });
  });

  it('names every form of resource as the history shows it', () => {
    const named = (resource: string) => describeResource(parseResourceArn(resource));
    expect(named('arn:aws:states:::aws-sdk:s3:getObject')).toEqual({ resourceType: 'aws-sdk:s3', resource: 'getObject' });
    expect(named('arn:aws:states:::states:startExecution.sync:2')).toEqual({ resourceType: 'states', resource: 'startExecution.sync:2' });
    expect(named('arn:aws:states:us-east-1:123456789012:activity:work')).toEqual({ resourceType: 'activity', resource: 'work' });
    expect(named('arn:aws:lambda:us-east-1:123456789012:function:f')).toEqual({ resourceType: 'lambda', resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' });
    expect(named('arn:aws:sqs:us-east-1:123456789012:q')).toEqual({ resourceType: 'unknown', resource: 'arn:aws:sqs:us-east-1:123456789012:q' });
  });

  it('shapes the result with ResultSelector before ResultPath', async () => {
    const resources = new RecordingResources(virtualClock(), () => ({ ok: true, output: { Payload: { v: 1, noise: true }, StatusCode: 200 } }));
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: {}, ResultSelector: { 'value.$': '$.Payload.v', 'code.$': '$.StatusCode' }, ResultPath: '$.res' }), {
      input: { keep: 1 },
      resources,
    });
    expect(output(r)).toEqual({ keep: 1, res: { value: 1, code: 200 } });
    // TaskSucceeded shows the raw result, before ResultSelector.
    expect(JSON.parse(detailsOf(r.events, 'TaskSucceeded').output as string)).toEqual({ Payload: { v: 1, noise: true }, StatusCode: 200 });
  });

  it('fails the execution with the error and cause the resource reports, after a TaskFailed event', async () => {
    const resources = new RecordingResources(virtualClock(), () => ({ ok: false, error: 'Lambda.Unknown', cause: 'boom' }));
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: {} }), { resources });
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'Lambda.Unknown', 'boom']);
    expect(plainHistory(r.events).slice(4)).toEqual([
      { type: 'TaskFailed', id: 5, previousEventId: 4, taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.Unknown', cause: 'boom' } },
      { type: 'ExecutionFailed', id: 6, previousEventId: 5, executionFailedEventDetails: { error: 'Lambda.Unknown', cause: 'boom' } },
    ]);
  });

  it('turns a resource that throws into States.TaskFailed with the exception message', async () => {
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, Parameters: {} }), {
      resources: { invoke: () => Promise.reject(new Error('connection refused')) },
    });
    expect([r.error, r.cause]).toEqual(['States.TaskFailed', 'connection refused']);
  });

  it('times out with States.Timeout after TimeoutSeconds when the resource never answers', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 5, Parameters: {} }), { clock, resources: { invoke: neverAnswers } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Timeout');
    expect(r.cause).toBeUndefined();
    expect(clock.now()).toBe(START + 5000);
    expect(plainHistory(r.events).slice(3)).toEqual([
      { type: 'TaskStarted', id: 4, previousEventId: 3, taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      { type: 'TaskTimedOut', id: 5, previousEventId: 4, taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'States.Timeout' } },
      { type: 'ExecutionFailed', id: 6, previousEventId: 5, executionFailedEventDetails: { error: 'States.Timeout' } },
    ]);
  });

  it('gives a Catch of its timeout the error output {Error: States.Timeout, Cause: ""}, as AWS does', async () => {
    const def = { StartAt: 'S', States: { S: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 5, Parameters: {}, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }], End: true }, Done: { Type: 'Pass', End: true } } };
    const r = await run(def, { clock: virtualClock(START), resources: { invoke: neverAnswers } });
    expect(r.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual({ Error: 'States.Timeout', Cause: '' });
  });

  it('catches a heartbeat timeout by States.HeartbeatTimeout, which names it in Catch and Retry only (the error is States.Timeout, cause "")', async () => {
    const def = { StartAt: 'S', States: { S: { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: 2, Parameters: {}, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.err', Next: 'Done' }], End: true }, Done: { Type: 'Pass', End: true } } };
    const r = await run(def, { input: { a: 1 }, clock: virtualClock(START), resources: { invoke: neverAnswers } });
    expect(output(r)).toEqual({ a: 1, err: { Error: 'States.Timeout', Cause: '' } });
  });

  it('does not catch a TimeoutSeconds timeout by States.HeartbeatTimeout', async () => {
    const def = { StartAt: 'S', States: { S: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 2, Parameters: {}, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.err', Next: 'Done' }], End: true }, Done: { Type: 'Pass', End: true } } };
    const r = await run(def, { input: { a: 1 }, clock: virtualClock(START), resources: { invoke: neverAnswers } });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Timeout']);
  });

  it('reads the timeout from the input with TimeoutSecondsPath', async () => {
    const clock = virtualClock(START);
    const r = await run(single({ Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t', Parameters: {} }), {
      input: { t: 8 },
      clock,
      resources: { invoke: neverAnswers },
    });
    expect(r.error).toBe('States.Timeout');
    expect(clock.now()).toBe(START + 8000);
  });

  it('evaluates JSONata Arguments and Output with $states.input and $states.result', async () => {
    const resources = new RecordingResources(virtualClock(), (req) => ({ ok: true, output: { got: req.parameters } }));
    const r = await run(
      single({
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: LAMBDA,
        Arguments: { FunctionName: 'fn', Payload: '{% $states.input.n + 1 %}' },
        Output: { before: '{% $states.input.n %}', after: '{% $states.result.got.Payload %}' },
      }),
      { input: { n: 1 }, resources },
    );
    expect(resources.requests[0].parameters).toEqual({ FunctionName: 'fn', Payload: 2 });
    expect(output(r)).toEqual({ before: 1, after: 2 });
  });
});

describe('Task states on an activity', () => {
  const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:review';
  /** A worker named `workerName` takes each task at once and answers it with `answer`. */
  const worker = (answer: TaskResult, workerName?: string): TaskResources => ({
    invoke: (_r, progress) => {
      progress?.started?.(workerName);
      return Promise.resolve(answer);
    },
  });

  it('records ActivityScheduled, ActivityStarted with the workerName, ActivitySucceeded, not Task* events (activities test_activity_task)', async () => {
    const r = await run(single({ Type: 'Task', Resource: ACTIVITY, TimeoutSeconds: 60, HeartbeatSeconds: 10 }), {
      input: { Value1: 'HelloWorld' },
      resources: worker({ ok: true, output: { Value1: 'HelloWorld' } }, 'BASE_ID_ACTIVITY_CONSUMER'),
    });
    expect(r.status).toBe('SUCCEEDED');
    const payload = '{"Value1":"HelloWorld"}';
    expect(plainHistory(r.events).slice(2, 5)).toEqual([
      { type: 'ActivityScheduled', id: 3, previousEventId: 2, activityScheduledEventDetails: { resource: ACTIVITY, input: payload, inputDetails: { truncated: false }, timeoutInSeconds: 60, heartbeatInSeconds: 10 } },
      { type: 'ActivityStarted', id: 4, previousEventId: 3, activityStartedEventDetails: { workerName: 'BASE_ID_ACTIVITY_CONSUMER' } },
      { type: 'ActivitySucceeded', id: 5, previousEventId: 4, activitySucceededEventDetails: { output: payload, outputDetails: { truncated: false } } },
    ]);
  });

  it('records ActivityStarted with empty details for a worker without a name, and ActivityFailed', async () => {
    const r = await run(single({ Type: 'Task', Resource: ACTIVITY }), { resources: worker({ ok: false, error: 'Rejected', cause: 'no' }) });
    expect([r.error, r.cause]).toEqual(['Rejected', 'no']);
    expect(plainHistory(r.events).slice(3, 5)).toEqual([
      { type: 'ActivityStarted', id: 4, previousEventId: 3, activityStartedEventDetails: {} },
      { type: 'ActivityFailed', id: 5, previousEventId: 4, activityFailedEventDetails: { error: 'Rejected', cause: 'no' } },
    ]);
  });

  it('times out with ActivityTimedOut and no ActivityStarted when no worker took the task', async () => {
    const r = await run(single({ Type: 'Task', Resource: ACTIVITY, TimeoutSeconds: 5 }), { clock: virtualClock(START), resources: { invoke: neverAnswers } });
    expect(r.error).toBe('States.Timeout');
    expect(plainHistory(r.events).slice(2).map((e) => e.type)).toEqual(['ActivityScheduled', 'ActivityTimedOut', 'ExecutionFailed']);
    expect(plainHistory(r.events)[3]).toEqual({ type: 'ActivityTimedOut', id: 4, previousEventId: 3, activityTimedOutEventDetails: { error: 'States.Timeout' } });
  });

  it('times out after the worker took it with ActivityStarted, then ActivityTimedOut (activities test_activity_task_start_timeout)', async () => {
    const taken: TaskResources = { invoke: (_r, progress) => (progress?.started?.('w'), neverAnswers()) };
    const r = await run(single({ Type: 'Task', Resource: ACTIVITY, TimeoutSeconds: 5 }), { clock: virtualClock(START), resources: taken });
    expect(plainHistory(r.events).slice(2).map((e) => [e.type, e.previousEventId])).toEqual([
      ['ActivityScheduled', 2],
      ['ActivityStarted', 3],
      ['ActivityTimedOut', 4],
      ['ExecutionFailed', 5],
    ]);
  });
});
