import { describe, expect, it, onTestFinished } from 'vitest';
import { FunctionRuntime } from '../../src/functions/index.js';
import type { TaskResources, TaskResult } from '../../src/engine/index.js';
import { ServiceError } from '../../src/service/index.js';
import { closeAll, stepwright, tempDir } from '../scheduler/fixtures.js';

const FLAKY = 'arn:aws:lambda:us-east-1:123456789012:function:flaky';

/** Fails every call while `failing.now` is true. */
function flaky(): { resources: TaskResources; failing: { now: boolean }; calls: number[] } {
  const failing = { now: true };
  const calls: number[] = [];
  const resources: TaskResources = {
    invoke: (): Promise<TaskResult> => {
      calls.push(Date.now());
      return Promise.resolve(failing.now ? { ok: false, error: 'Down', cause: 'down' } : { ok: true, output: { ok: true } });
    },
  };
  return { resources, failing, calls };
}

const TASK = { StartAt: 'T', States: { T: { Type: 'Task', Resource: FLAKY, End: true } } };
const pass = (result: string) => ({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });

describe('the one start path of the service', () => {
  it('starts a version and an alias on the revision they name, not on the machine latest', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const s = sw.service;
    const { stateMachineArn, stateMachineVersionArn } = await s.createStateMachine({ name: 'm', definition: pass('one'), publish: true });
    expect(stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
    await s.updateStateMachine({ stateMachineArn, definition: pass('two') });
    await s.createStateMachineAlias({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 100 }] });
    const outputs: (string | undefined)[] = [];
    for (const arn of [stateMachineArn, `${stateMachineArn}:1`, `${stateMachineArn}:live`]) {
      const { executionArn } = await s.startExecution({ stateMachineArn: arn });
      outputs.push((await s.awaitExecution(executionArn)).output);
    }
    expect(outputs).toEqual(['"two"', '"one"', '"one"']);
    await expect(s.startExecution({ stateMachineArn: `${stateMachineArn}:7` })).rejects.toMatchObject({ code: 'StateMachineDoesNotExist' });
    await expect(s.startExecution({ stateMachineArn: `${stateMachineArn}:nope` })).rejects.toMatchObject({ code: 'ResourceNotFound' });
  });

  it('reads the machine once for a burst of starts, and a new revision after an update', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const s = sw.service;
    const { stateMachineArn } = await s.createStateMachine({ name: 'burst', definition: pass('one') });
    const read = sw.store.getStateMachine.bind(sw.store);
    let reads = 0;
    sw.store.getStateMachine = (arn) => (reads++, read(arn));
    const started = await Promise.all(Array.from({ length: 50 }, () => s.startExecution({ stateMachineArn })));
    expect(reads).toBe(1);
    await s.updateStateMachine({ stateMachineArn, definition: pass('two') });
    const outputs = await Promise.all([started[0], await s.startExecution({ stateMachineArn })].map(async (e) => (await s.awaitExecution(e.executionArn)).output));
    expect(outputs).toEqual(['"one"', '"two"']);
  });

  it('fails a task whose SendTaskFailure names neither error nor cause with neither, which only States.ALL catches, as null', async () => {
    // A function runtime (with no functions) makes the app route Task resources, callbacks among them.
    const runtime = new FunctionRuntime({ region: 'us-east-1', accountId: '123456789012' });
    onTestFinished(() => runtime.close());
    const sw = await stepwright({ dataDir: tempDir(), functions: runtime });
    const s = sw.service;
    const definition = {
      StartAt: 'Ask',
      States: {
        // A service nothing here calls: the message is taken as sent and the task waits for its token.
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::ecs:runTask.waitForTaskToken',
          Parameters: { 'Token.$': '$$.Task.Token' },
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.taskFailed', Next: 'Done' },
            { ErrorEquals: ['States.ALL'], ResultPath: '$.all', Next: 'Done' },
          ],
          End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    };
    const { stateMachineArn } = await s.createStateMachine({ name: 'unnamed-failure', definition });
    const { executionArn } = await s.startExecution({ stateMachineArn, input: '{"n":1}' });
    let token: string | undefined;
    for (let i = 0; i < 200 && token === undefined; i++) {
      const scheduled = (await sw.store.getHistory(executionArn)).events.find((e) => e.type === 'TaskScheduled');
      const parameters = (scheduled?.taskScheduledEventDetails as { parameters?: unknown } | undefined)?.parameters;
      token = parameters === undefined ? undefined : ((typeof parameters === 'string' ? JSON.parse(parameters) : parameters) as { Token: string }).Token;
      if (token === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    await s.sendTaskFailure({ taskToken: token! });
    const done = await s.awaitExecution(executionArn);
    expect(JSON.parse(done.output!)).toEqual({ n: 1, all: { Error: null, Cause: null } });
    const failed = (await sw.store.getHistory(executionArn)).events.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toEqual({ resourceType: 'ecs', resource: 'runTask.waitForTaskToken' });
  });

  it('checks the name, then the input, then the machine, with AWS error names', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:nowhere';
    await expect(sw.service.startExecution({ stateMachineArn: missing, name: 'a b', input: '{' })).rejects.toMatchObject({ code: 'InvalidName' });
    await expect(sw.service.startExecution({ stateMachineArn: missing, input: '{' })).rejects.toMatchObject({
      code: 'InvalidExecutionInput',
      message: expect.stringMatching(/at line 1, column/) as unknown,
    });
    await expect(sw.service.startExecution({ stateMachineArn: missing })).rejects.toBeInstanceOf(ServiceError);
  });

  it('runs an Express version on its own revision too', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const s = sw.service;
    const { stateMachineArn } = await s.createStateMachine({ name: 'x', type: 'EXPRESS', definition: pass('one'), publish: true });
    await s.updateStateMachine({ stateMachineArn, definition: pass('two') });
    expect((await s.startSyncExecution({ stateMachineArn: `${stateMachineArn}:1` })).output).toBe('"one"');
    expect((await s.startSyncExecution({ stateMachineArn })).output).toBe('"two"');
  });
});

describe('RedriveExecution client tokens', () => {
  it('answers a retried redrive with the first redrive date, also after a restart, and redrives once', async () => {
    const dir = tempDir();
    const { resources, failing, calls } = flaky();
    const first = await stepwright({ dataDir: dir, resources });
    const { stateMachineArn } = await first.service.createStateMachine({ name: 'm', definition: TASK });
    const { executionArn } = await first.service.startExecution({ stateMachineArn, name: 'e' });
    expect((await first.service.awaitExecution(executionArn)).status).toBe('FAILED');
    failing.now = false;
    const { redriveDate } = await first.service.redriveExecution({ executionArn, clientToken: 'tok' });
    await closeAll();

    const second = await stepwright({ dataDir: dir, resources });
    let done = await second.service.awaitExecution(executionArn);
    while (done.status === 'RUNNING') done = await second.service.awaitExecution(executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    const again = await second.service.redriveExecution({ executionArn, clientToken: 'tok' });
    expect(again.redriveDate.getTime()).toBe(redriveDate.getTime());
    expect(calls).toHaveLength(2);
    // Another token is another request: a SUCCEEDED execution cannot be redriven.
    await expect(second.service.redriveExecution({ executionArn, clientToken: 'other' })).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: 'Execution is SUCCEEDED and cannot be redriven',
    });
  });
});
