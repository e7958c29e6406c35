import { afterAll, describe, expect, it } from 'vitest';
import type { TaskRequest, TaskResources, TaskResult } from '../../src/engine/index.js';
import type { TestStateInput } from '../../src/service/index.js';
import { closeAll, stepwright, tempDir } from '../scheduler/fixtures.js';

const ROLE = 'arn:aws:iam::123456789012:role/test';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:upper';

/** A real Task resource: upper-cases the `text` it is given, and records what it got. */
const calls: TaskRequest[] = [];
const resources: TaskResources = {
  invoke: (request): Promise<TaskResult> => {
    calls.push(request);
    const p = request.parameters as { text?: unknown };
    if (typeof p.text !== 'string') return Promise.resolve({ ok: false, error: 'BadInput', cause: 'no text' });
    return Promise.resolve({ ok: true, output: { upper: p.text.toUpperCase() } });
  },
};

const service = (async () => (await stepwright({ dataDir: tempDir(), resources })).service)();
afterAll(closeAll);

const test = async (definition: object, extra: Partial<TestStateInput> = {}) => (await service).testState({ definition: JSON.stringify(definition), roleArn: ROLE, ...extra });
const refused = async (definition: object, extra: Partial<TestStateInput> = {}) => {
  try {
    await test(definition, extra);
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  throw new Error('not refused');
};
const parsed = (data: unknown) => Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? (JSON.parse(v) as unknown) : v]));

describe('TestState: each state type, under its own name', () => {
  it('Pass: INFO answers without inspectionData, DEBUG and TRACE show the data flow AWS shows', async () => {
    const pass = { Type: 'Pass', InputPath: '$.a', Parameters: { 'v.$': '$.v' }, ResultPath: '$.r', End: true };
    const input = JSON.stringify({ a: { v: 1 }, b: 2 });
    const info = await test(pass, { input });
    expect(info).toEqual({ status: 'SUCCEEDED', output: '{"a":{"v":1},"b":2,"r":{"v":1}}' });
    for (const inspectionLevel of ['DEBUG', 'TRACE']) {
      const r = await test(pass, { input, inspectionLevel });
      expect(parsed(r.inspectionData)).toEqual({
        input: { a: { v: 1 }, b: 2 },
        afterInputPath: { v: 1 },
        afterParameters: { v: 1 },
        afterResultSelector: { v: 1 },
        afterResultPath: { a: { v: 1 }, b: 2, r: { v: 1 } },
      });
    }
    // A Pass with Result shows the result and not the input steps (recorded on AWS).
    const withResult = await test({ Type: 'Pass', Result: { k: 'v' }, End: true }, { input: '{"x":1}', inspectionLevel: 'DEBUG' });
    expect(parsed(withResult.inspectionData)).toEqual({ input: { x: 1 }, result: { k: 'v' }, afterResultSelector: { k: 'v' }, afterResultPath: { k: 'v' } });
  });

  it('names the real next state even when it is called TestState, and a Next to itself cannot loop', async () => {
    expect(await test({ Type: 'Pass', Next: 'TestState' })).toMatchObject({ status: 'SUCCEEDED', nextState: 'TestState' });
    const machine = {
      StartAt: 'Poll',
      States: { Poll: { Type: 'Choice', Choices: [{ Variable: '$.done', IsPresent: true, Next: 'Done' }], Default: 'Poll' }, Done: { Type: 'Succeed' } },
    };
    expect(await test(machine, { stateName: 'Poll' })).toEqual({ status: 'SUCCEEDED', output: '{}', nextState: 'Poll' });
    const ctx = { StartAt: 'Named', States: { Named: { Type: 'Pass', Parameters: { 'me.$': '$$.State.Name' }, End: true } } };
    expect((await test(ctx)).output).toBe('{"me":"Named"}');
  });

  it('Choice, Wait, Succeed and Fail', async () => {
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }], Default: 'Small' };
    expect(await test(choice, { input: '{"n":11}', inspectionLevel: 'DEBUG' })).toEqual({
      status: 'SUCCEEDED',
      output: '{"n":11}',
      nextState: 'Big',
      inspectionData: { input: '{"n":11}', afterInputPath: '{"n":11}' },
    });
    // A Wait of a day answers at once.
    expect(await test({ Type: 'Wait', Seconds: 86400, Next: 'After' }, { input: '{"w":1}' })).toEqual({ status: 'SUCCEEDED', output: '{"w":1}', nextState: 'After' });
    expect(await test({ Type: 'Succeed', OutputPath: '$.k' }, { input: '{"k":[1]}' })).toEqual({ status: 'SUCCEEDED', output: '[1]' });
    expect(await test({ Type: 'Fail', Error: 'E', Cause: 'C' }, { inspectionLevel: 'DEBUG' })).toEqual({ status: 'FAILED', error: 'E', cause: 'C', inspectionData: { input: '{}', afterInputPath: '{}' } });
  });

  it('Task calling a real resource: result and the effective Parameters, then RETRIABLE, CAUGHT_ERROR and FAILED', async () => {
    const task = {
      Type: 'Task',
      Resource: FN,
      Parameters: { 'text.$': '$.t' },
      ResultSelector: { 'u.$': '$.upper' },
      ResultPath: '$.out',
      Retry: [{ ErrorEquals: ['BadInput'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Handle' }],
      Next: 'Done',
    };
    const ok = await test(task, { input: '{"t":"abc"}', inspectionLevel: 'DEBUG' });
    expect(ok).toMatchObject({ status: 'SUCCEEDED', output: '{"t":"abc","out":{"u":"ABC"}}', nextState: 'Done' });
    expect(parsed(ok.inspectionData)).toEqual({
      input: { t: 'abc' },
      afterInputPath: { t: 'abc' },
      afterParameters: { text: 'abc' },
      result: { upper: 'ABC' },
      afterResultSelector: { u: 'ABC' },
      afterResultPath: { t: 'abc', out: { u: 'ABC' } },
    });
    expect(calls.at(-1)).toMatchObject({ resource: FN, stateName: 'TestState', parameters: { text: 'abc' } });

    const retriable = await test(task, { input: '{"t":1}', inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 1 } });
    expect(retriable).toMatchObject({ status: 'RETRIABLE', error: 'BadInput', cause: 'no text' });
    expect(retriable).not.toHaveProperty('output');
    expect((retriable.inspectionData as { errorDetails: unknown }).errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 6 });
    // The retrier has used its attempts: the catcher takes the error.
    const caught = await test(task, { input: '{"t":1}', inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 2 } });
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', error: 'BadInput', nextState: 'Handle', output: '{"t":1,"err":{"Error":"BadInput","Cause":"no text"}}' });
    expect((caught.inspectionData as { errorDetails: unknown }).errorDetails).toEqual({ retryIndex: 0, catchIndex: 0 });
    const bare = { Type: 'Task', Resource: FN, End: true };
    expect(await test(bare, { input: '{}' })).toEqual({ status: 'FAILED', error: 'BadInput', cause: 'no text' });
  });

  it('JSONata: the Task shows afterArguments, the machine language applies, variables go in and come out', async () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'Up',
      States: { Up: { Type: 'Task', Resource: FN, Arguments: { text: '{% $states.input.t & $suffix %}' }, Assign: { last: '{% $states.result.upper %}' }, Output: '{% $states.result %}', End: true } },
    };
    const r = await test(machine, { input: '{"t":"ab"}', variables: '{"suffix":"c"}', inspectionLevel: 'TRACE' });
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: '{"upper":"ABC"}' });
    expect(parsed(r.inspectionData)).toEqual({ input: { t: 'ab' }, afterArguments: { text: 'abc' }, result: { upper: 'ABC' }, variables: { suffix: 'c', last: 'ABC' } });
    const pass = { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $x * 2 %}', End: true };
    expect((await test(pass, { variables: '{"x":21}' })).output).toBe('42');
    // A variable whose value looks like an expression stays a string.
    expect((await test({ ...pass, Output: '{% $x %}' }, { variables: '{"x":"{% 1 %}"}' })).output).toBe('"{% 1 %}"');
  });
});

describe('TestState: mocks', () => {
  it('answers a Task with the mocked result or error, without calling the resource', async () => {
    const before = calls.length;
    const task = { Type: 'Task', Resource: FN, End: true };
    expect(await test(task, { mock: { result: '{"mocked":true}' } })).toEqual({ status: 'SUCCEEDED', output: '{"mocked":true}' });
    expect(await test(task, { mock: { errorOutput: { error: 'Mocked', cause: 'because' } } })).toEqual({ status: 'FAILED', error: 'Mocked', cause: 'because' });
    // .waitForTaskToken and activities run only mocked; roleArn is not needed with a mock.
    const wait = { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true };
    expect(await (await service).testState({ definition: JSON.stringify(wait), mock: { result: '{"ok":1}' } })).toEqual({ status: 'SUCCEEDED', output: '{"ok":1}' });
    expect(calls.length).toBe(before);
  });

  it('answers a Map with its mocked result, its settings in inspectionData, and its failure threshold', async () => {
    const map = {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ToleratedFailureCount: 1,
      ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Task', Resource: FN, End: true } } },
      ResultPath: '$.results',
      Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], Next: 'TooMany' }],
      End: true,
    };
    const input = '{"items":[1,2,3]}';
    const ok = await test(map, { input, mock: { result: '[10,20,30]' }, inspectionLevel: 'DEBUG', stateConfiguration: { mapIterationFailureCount: 1 } });
    expect(ok).toMatchObject({ status: 'SUCCEEDED', output: '{"items":[1,2,3],"results":[10,20,30]}' });
    expect(parsed(ok.inspectionData)).toEqual({
      input: { items: [1, 2, 3] },
      afterInputPath: { items: [1, 2, 3] },
      afterItemsPath: [1, 2, 3],
      maxConcurrency: 2,
      toleratedFailureCount: 1,
      afterResultSelector: [10, 20, 30],
      afterResultPath: { items: [1, 2, 3], results: [10, 20, 30] },
    });
    const over = await test(map, { input, mock: { result: '[10,20,30]' }, inspectionLevel: 'DEBUG', stateConfiguration: { mapIterationFailureCount: 2 } });
    expect(over).toMatchObject({ status: 'CAUGHT_ERROR', error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded', nextState: 'TooMany' });
    expect((over.inspectionData as { errorDetails: unknown }).errorDetails).toEqual({ catchIndex: 0 });
    const failed = await test(map, { input, mock: { errorOutput: { error: 'Inner.Failed', cause: 'x' } }, stateConfiguration: { errorCausedByState: 'Inner' } });
    expect(failed).toEqual({ status: 'FAILED', error: 'Inner.Failed', cause: 'x' });
    expect(await refused(map, { mock: { errorOutput: { error: 'E' } }, stateConfiguration: { errorCausedByState: 'Nope' } })).toMatchObject({ code: 'ValidationException' });
  });

  it('answers a Parallel with one mocked result per branch (JSONata too)', async () => {
    const branch = (n: string) => ({ StartAt: n, States: { [n]: { Type: 'Pass', End: true } } });
    const parallel = { Type: 'Parallel', QueryLanguage: 'JSONata', Branches: [branch('A'), branch('B')], Output: '{% $states.result[1] %}', Next: 'After' };
    expect(await test(parallel, { mock: { result: '["a","b"]' }, inspectionLevel: 'DEBUG' })).toEqual({ status: 'SUCCEEDED', output: '"b"', nextState: 'After', inspectionData: { input: '{}' } });
    expect(await refused(parallel, { mock: { result: '["a"]' } })).toEqual({
      code: 'ValidationException',
      message: 'Mocked result must contain the same number of items as number of Parallel branches.',
    });
    expect(await refused(parallel, { mock: { result: '{"a":1}' } })).toEqual({ code: 'ValidationException', message: 'Mocked result must be an array.' });
  });
});

describe('TestState: AWS refusals', () => {
  const task = { Type: 'Task', Resource: FN, End: true };
  it('refuses what AWS refuses, with its words', async () => {
    expect(await refused(task, { mock: { result: '{}', errorOutput: { error: 'E' } } })).toEqual({
      code: 'ValidationException',
      message: 'A test mock should have only one of the following fields: [result, errorOutput].',
    });
    for (const [state, type] of [
      [{ Type: 'Fail', Error: 'E' }, 'Fail'],
      [{ Type: 'Pass', End: true }, 'Pass'],
      [{ Type: 'Succeed' }, 'Succeed'],
    ] as const) {
      expect(await refused(state, { mock: { result: '{}' } })).toEqual({ code: 'ValidationException', message: `State type '${type}' is not supported when a mock is specified` });
    }
    expect(await refused(task, { mock: { result: 'not JSON' } })).toEqual({ code: 'ValidationException', message: 'Mocked result must be valid JSON' });
    expect(await refused(task, { mock: { result: '{}' }, revealSecrets: true })).toEqual({ code: 'ValidationException', message: 'TestState does not support RevealSecrets when a mock is specified.' });
    const map = { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true };
    expect(await refused(map)).toEqual({
      code: 'InvalidDefinition',
      message: 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    });
    expect(await refused(map, { mock: { result: '{"not":"array"}' } })).toEqual({ code: 'ValidationException', message: 'Mocked result must be an array.' });
    expect((await (await service).testState({ definition: JSON.stringify({ Type: 'Pass', End: true }) })).status).toBe('SUCCEEDED');
    await expect((await service).testState({ definition: JSON.stringify(task) })).rejects.toMatchObject({ code: 'ValidationException' });
    expect(await refused({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { stateName: 'B' })).toEqual({ code: 'ValidationException', message: 'State not found in definition' });
    expect((await refused({ StartAt: 'A', States: { A: { Type: 'Pass', End: true }, B: { Type: 'Nope' } } }, { stateName: 'A' })).code).toBe('InvalidDefinition');
    expect(await refused({ Type: 'Pass', End: true }, { context: '{}' })).toMatchObject({ code: 'ValidationException' });
    expect(await refused(task, { mock: { result: '{}' }, context: '{"Map":{}}' })).toEqual({
      code: 'ValidationException',
      message: "Invalid Context object provided: 'Map' field is not supported when mocking a Context object",
    });
    expect(await refused(task, { variables: '[1]' })).toMatchObject({ code: 'ValidationException' });
  });

  it('gives a mocked state the context object the request brings', async () => {
    const task = { Type: 'Task', Resource: FN, ResultSelector: { 'exec.$': '$$.Execution.Name', 'sm.$': '$$.StateMachine.Name' }, End: true };
    const r = await test(task, { mock: { result: '{}' }, context: JSON.stringify({ Execution: { Name: 'run-1' }, StateMachine: { Name: 'Machine' } }) });
    expect(r).toEqual({ status: 'SUCCEEDED', output: '{"exec":"run-1","sm":"Machine"}' });
  });
});
