import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/language/json.js';
import { ExecutionRefusedError, lateExecutionsPort, type ExecutionDescription, type ExecutionsPort } from '../../src/integrations/contract.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import { createStartExecutionIntegration } from '../../src/integrations/start-execution.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:child';

/** Executions in memory: each started one ends at once with `status`. */
function fakeExecutions(status: string): ExecutionsPort & { started: { name?: string; input: string }[] } {
  const byArn = new Map<string, ExecutionDescription>();
  const started: { name?: string; input: string }[] = [];
  return {
    started,
    startExecution({ stateMachineArn, input, name }) {
      if (stateMachineArn !== MACHINE) return Promise.reject(new ExecutionRefusedError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`));
      const executionArn = `arn:aws:states:us-east-1:123456789012:execution:child:${name ?? `n${started.length}`}`;
      if (byArn.has(executionArn)) return Promise.reject(new ExecutionRefusedError('ExecutionAlreadyExists', 'Execution Already Exists', executionArn));
      started.push({ name, input });
      const d: ExecutionDescription = { executionArn, stateMachineArn, name: name ?? '', status, startDate: new Date(1000), stopDate: new Date(2000), input, ...(status === 'SUCCEEDED' ? { output: '{"done":true}' } : { error: 'E', cause: 'C' }) };
      byArn.set(executionArn, d);
      return Promise.resolve({ executionArn, startDate: d.startDate });
    },
    describeExecution: (arn) => Promise.resolve(byArn.get(arn)!),
    awaitExecution: (arn) => Promise.resolve(byArn.get(arn)!),
  };
}

const request = (resource: string, parameters: Json, idempotencyKey?: string) => ({
  resource,
  parameters,
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:parent:p',
  stateName: 'Start',
  ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
});

describe('the start-execution integration on an ExecutionsPort', () => {
  it('answers the plain form with StartExecution\'s response', async () => {
    const executions = fakeExecutions('SUCCEEDED');
    const router = createTaskRouter([createStartExecutionIntegration(executions)]);
    const r = await router.invoke(request('arn:aws:states:::states:startExecution', { StateMachineArn: MACHINE, Input: { a: 1 }, Name: 'one' }));
    expect(r).toMatchObject({ ok: true, output: { ExecutionArn: `${MACHINE.replace('stateMachine', 'execution')}:one`, StartDate: 1000 } });
    expect(executions.started).toEqual([{ name: 'one', input: '{"a":1}' }]);
  });

  it('waits for the child with .sync (reporting the submission) and parses its JSON with .sync:2', async () => {
    const router = createTaskRouter([createStartExecutionIntegration(fakeExecutions('SUCCEEDED'))]);
    const submitted: Json[] = [];
    const sync = await router.invoke(request('arn:aws:states:::states:startExecution.sync', { StateMachineArn: MACHINE }), { submitted: (o) => submitted.push(o) });
    expect(sync).toMatchObject({ ok: true, output: { Status: 'SUCCEEDED', Output: '{"done":true}', Input: '{}' } });
    expect(submitted).toHaveLength(1);
    const sync2 = await router.invoke(request('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: MACHINE }));
    expect(sync2).toMatchObject({ ok: true, output: { Status: 'SUCCEEDED', Output: { done: true }, Input: {} } });
  });

  it('starts the child with {} when Input is null, as AWS does', async () => {
    const executions = fakeExecutions('SUCCEEDED');
    const router = createTaskRouter([createStartExecutionIntegration(executions)]);
    await router.invoke(request('arn:aws:states:::states:startExecution', { StateMachineArn: MACHINE, Input: null, Name: 'null-input' }));
    expect(executions.started).toEqual([{ name: 'null-input', input: '{}' }]);
  });

  it('fails the task when the child does not succeed, with its description as the cause', async () => {
    const router = createTaskRouter([createStartExecutionIntegration(fakeExecutions('FAILED'))]);
    const r = await router.invoke(request('arn:aws:states:::states:startExecution.sync', { StateMachineArn: MACHINE }));
    expect(r).toMatchObject({ ok: false, error: 'States.TaskFailed' });
    expect(JSON.parse((r as { cause: string }).cause)).toMatchObject({ Status: 'FAILED', Error: 'E', Cause: 'C' });
  });

  it('reports a refusal as the Java SDK does, with Step Functions\' error code (no Exception ending)', async () => {
    const router = createTaskRouter([createStartExecutionIntegration(fakeExecutions('SUCCEEDED'))]);
    const r = await router.invoke(request('arn:aws:states:::states:startExecution', { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:none' }));
    expect(r).toMatchObject({ ok: false, error: 'StepFunctions.StateMachineDoesNotExist' });
    expect((r as { cause: string }).cause).toMatch(/^State Machine Does Not Exist: '.*' \(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [0-9a-f-]+; Proxy: null\)$/);
  });

  it('names the child after the idempotency key, so a repeated dispatch finds the child it started', async () => {
    const executions = fakeExecutions('SUCCEEDED');
    const router = createTaskRouter([createStartExecutionIntegration(executions)]);
    const first = await router.invoke(request('arn:aws:states:::states:startExecution.sync', { StateMachineArn: MACHINE }, 'parent:7'));
    const again = await router.invoke(request('arn:aws:states:::states:startExecution.sync', { StateMachineArn: MACHINE }, 'parent:7'));
    expect(executions.started).toHaveLength(1);
    expect(executions.started[0].name).toMatch(/^[0-9a-f]{32}$/);
    expect(again).toEqual(first);
  });

  it('serves only the startExecution forms AWS has', async () => {
    const executions = fakeExecutions('SUCCEEDED');
    const router = createTaskRouter([createStartExecutionIntegration(executions)]);
    for (const resource of ['arn:aws:states:::states:startExecution.sync:3', 'arn:aws:states:us-east-1:123456789012:states:startExecution', 'arn:aws:states:::states:startExecution.waitForTaskToken', 'arn:aws:states:::states:stopExecution']) {
      expect(await router.invoke(request(resource, { StateMachineArn: MACHINE }))).toEqual({ ok: false, error: 'States.Runtime', cause: `The resource '${resource}' is not a Lambda resource.` });
    }
    expect(executions.started).toHaveLength(0);
  });
});

describe('lateExecutionsPort', () => {
  it('answers "not available" until connected, then goes to what it was connected to', async () => {
    const port = lateExecutionsPort();
    const router = createTaskRouter([createStartExecutionIntegration(port)]);
    const task = request('arn:aws:states:::states:startExecution', { StateMachineArn: MACHINE, Name: 'x' });
    expect(await router.invoke(task)).toEqual({ ok: false, error: 'States.Runtime', cause: 'Nested executions are not available' });
    port.connect(fakeExecutions('SUCCEEDED'));
    expect(await router.invoke(task)).toMatchObject({ ok: true, output: { StartDate: 1000 } });
  });
});
