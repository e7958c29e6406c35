import { describe, expect, it } from 'vitest';
import type { TaskRequest } from '../../src/engine/types.js';
import { ActivityQueue } from '../../src/integrations/activity-queue.js';
import { createActivityIntegration } from '../../src/integrations/activity.js';
import { createCallbackIntegration } from '../../src/integrations/callback.js';
import type { Integration, TaskInvocation } from '../../src/integrations/contract.js';
import { createMockIntegration, InvalidMockResultError } from '../../src/integrations/mock.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import type { ResourceArn } from '../../src/language/resource-arn.js';

const request = (resource: string, extra: Partial<TaskRequest & { idempotencyKey: string }> = {}): TaskRequest => ({
  resource,
  parameters: { p: 1 },
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
  stateName: 'S',
  ...extra,
});

/** An integration that serves what `serves` says and answers with the invocation it got. */
function recording(name: string, serves: (arn: ResourceArn) => boolean, answer: 'ok' | 'fail' = 'ok'): Integration & { calls: TaskInvocation[] } {
  const calls: TaskInvocation[] = [];
  return {
    calls,
    serves,
    invoke(invocation) {
      calls.push(invocation);
      return Promise.resolve(answer === 'ok' ? { ok: true, output: { by: name, resource: invocation.resource } } : { ok: false, error: `${name}.Failed`, cause: invocation.resource });
    },
  };
}

const lambdaLike = (arn: ResourceArn): boolean => arn.kind === 'lambdaFunction' || (arn.kind === 'service' && arn.service === 'lambda' && arn.action === 'invoke' && arn.pattern === 'requestResponse');

describe('createTaskRouter', () => {
  it('hands an invocation to the first integration that serves its parsed resource, with key and token', async () => {
    const first = recording('first', (arn) => arn.kind === 'service' && arn.service === 'sns');
    const second = recording('second', (arn) => arn.kind === 'service');
    const router = createTaskRouter([first, second]);
    const progress = { submitted: () => undefined };
    expect(await router.invoke(request('arn:aws:states:::sns:publish', { taskToken: 't', idempotencyKey: 'k' } as Partial<TaskRequest>), progress)).toEqual({
      ok: true,
      output: { by: 'first', resource: 'arn:aws:states:::sns:publish' },
    });
    expect(await router.invoke(request('arn:aws:states:::sqs:sendMessage'))).toMatchObject({ ok: true, output: { by: 'second' } });
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]).toMatchObject({ taskToken: 't', idempotencyKey: 'k', parameters: { p: 1 }, arn: { kind: 'service', service: 'sns', action: 'publish' } });
    expect(second.calls.map((c) => c.resource)).toEqual(['arn:aws:states:::sqs:sendMessage']);
  });

  it('fails a resource nothing serves with the words it always had', async () => {
    const router = createTaskRouter([recording('lambda', lambdaLike)]);
    expect(await router.invoke(request('arn:aws:states:::sqs:sendMessage'))).toEqual({
      ok: false,
      error: 'States.Runtime',
      cause: "The resource 'arn:aws:states:::sqs:sendMessage' is not a Lambda resource.",
    });
    expect(await createTaskRouter([]).invoke(request('not an arn'))).toMatchObject({ ok: false, error: 'States.Runtime' });
  });

  it('serves an activity ARN from the activity queue, whatever its ending', async () => {
    const activities = new ActivityQueue();
    const other = recording('other', () => true);
    const router = createTaskRouter([createActivityIntegration(activities), other]);
    // No store connected (an in-memory run): the queue has nowhere to keep the task.
    expect(await router.invoke(request('arn:aws:states:us-east-1:123456789012:activity:work', { taskToken: 'tok' }))).toEqual({
      ok: false,
      error: 'States.Runtime',
      cause: 'Activity tasks run only in Standard executions kept in the store.',
    });
    expect(other.calls).toEqual([]);
    // An activity ARN no worker could poll (no region) is not the queue's.
    expect(await router.invoke(request('arn:aws:states:::activity:work'))).toMatchObject({ ok: true, output: { by: 'other' } });
  });
});

describe('the activity queue', () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:activity:work';

  it('knows an activity deleted while it runs, until it is created again', () => {
    const activities = new ActivityQueue();
    expect(activities.activityExists(arn)).toBe(true);
    activities.dropActivity(arn);
    expect(activities.activityExists(arn)).toBe(false);
    activities.addActivity(arn);
    expect(activities.activityExists(arn)).toBe(true);
  });
});

describe('.waitForTaskToken around the underlying integrations', () => {
  const setup = () => {
    const lambda = recording('lambda', lambdaLike);
    const failing = recording('failing', (arn) => arn.kind === 'service' && arn.service === 'states' && arn.pattern !== 'waitForTaskToken', 'fail');
    const router = createTaskRouter([failing, createCallbackIntegration([failing, lambda]), lambda]);
    return { lambda, failing, router };
  };

  it('makes the underlying call without the ending and then waits: the result comes with the token', async () => {
    const { lambda, router } = setup();
    expect(await router.invoke(request('arn:aws:states:::lambda:invoke.waitForTaskToken', { taskToken: 'tok' }))).toEqual({ ok: true, output: null });
    expect(lambda.calls).toHaveLength(1);
    expect(lambda.calls[0]).toMatchObject({ resource: 'arn:aws:states:::lambda:invoke', taskToken: 'tok', arn: { kind: 'service', action: 'invoke', pattern: 'requestResponse' } });
  });

  it('passes a failure of the underlying call on', async () => {
    const { failing, router } = setup();
    expect(await router.invoke(request('arn:aws:states:::states:startExecution.waitForTaskToken'))).toEqual({
      ok: false,
      error: 'failing.Failed',
      cause: 'arn:aws:states:::states:startExecution',
    });
    expect(failing.calls).toHaveLength(1);
  });

  it('takes the message of a service it does not run as sent', async () => {
    const { lambda, failing, router } = setup();
    expect(await router.invoke(request('arn:aws:states:::sqs:sendMessage.waitForTaskToken'))).toEqual({ ok: true, output: null });
    expect(await router.invoke(request('arn:aws:states:::aws-sdk:sns:publish.waitForTaskToken'))).toEqual({ ok: true, output: null });
    expect(lambda.calls).toHaveLength(0);
    expect(failing.calls).toHaveLength(0);
  });

  it('fails a Lambda resource nothing serves as an unknown resource, naming it without the ending', async () => {
    const { router } = setup();
    expect(await router.invoke(request('arn:aws:states:::lambda:list.waitForTaskToken'))).toEqual({
      ok: false,
      error: 'States.Runtime',
      cause: "The resource 'arn:aws:states:::lambda:list' is not a Lambda resource.",
    });
  });

  it('is not served without the callback integration (the in-memory run cannot take a token back)', async () => {
    const lambda = recording('lambda', lambdaLike);
    expect(await createTaskRouter([lambda]).invoke(request('arn:aws:states:::lambda:invoke.waitForTaskToken'))).toMatchObject({ ok: false, error: 'States.Runtime' });
    expect(lambda.calls).toHaveLength(0);
  });
});

describe('createMockIntegration', () => {
  it('answers every Task with the mocked result or error', async () => {
    const ok = createTaskRouter([createMockIntegration({ result: '{"a":1}' })]);
    expect(await ok.invoke(request('arn:aws:states:::lambda:invoke.waitForTaskToken'))).toEqual({ ok: true, output: { a: 1 } });
    expect(await createTaskRouter([createMockIntegration({})]).invoke(request('x'))).toEqual({ ok: true, output: null });
    const failed = createTaskRouter([createMockIntegration({ errorOutput: { error: 'E' } })]);
    expect(await failed.invoke(request('arn:aws:states:us-east-1:123456789012:activity:a'))).toEqual({ ok: false, error: 'E', cause: '' });
  });

  it('throws at once for a result that is not JSON', () => {
    const router = createTaskRouter([createMockIntegration({ result: '{nope' })]);
    expect(() => router.invoke(request('x'))).toThrow(InvalidMockResultError);
  });
});
