import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { TestStateCommand, type TestStateCommandInput } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { nodeZip } from '../lambda/lambda-server.js';
import { client, role, server, serveForTests } from './fixtures.js';

serveForTests();

const test = (definition: object, extra: Partial<TestStateCommandInput> = {}) => client.send(new TestStateCommand({ definition: JSON.stringify(definition), roleArn: role, ...extra }));
const errorOf = async (p: Promise<unknown>): Promise<{ name: string; message: string }> => {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('no error');
};
const parsed = (data: object | undefined) => Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, typeof v === 'string' ? (JSON.parse(v) as unknown) : v]));

describe('TestState through the SDK', () => {
  it('runs a Task on a real Lambda function and shows its data flow at DEBUG', async () => {
    const lambda = new LambdaClient({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      await lambda.send(
        new CreateFunctionCommand({ FunctionName: 'double', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: nodeZip('export const handler = async (e) => ({ twice: e.n * 2 });') } }),
      );
    } finally {
      lambda.destroy();
    }
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'double', 'Payload.$': '$.in' },
      ResultSelector: { 'twice.$': '$.Payload.twice' },
      ResultPath: '$.out',
      Next: 'Report',
    };
    const r = await test(task, { input: '{"in":{"n":21}}', inspectionLevel: 'DEBUG' });
    expect(r).toMatchObject({ status: 'SUCCEEDED', nextState: 'Report', output: '{"in":{"n":21},"out":{"twice":42}}' });
    const data = parsed(r.inspectionData);
    expect(data).toMatchObject({ input: { in: { n: 21 } }, afterInputPath: { in: { n: 21 } }, afterParameters: { FunctionName: 'double', Payload: { n: 21 } }, afterResultSelector: { twice: 42 } });
    expect((data.result as { Payload: unknown }).Payload).toEqual({ twice: 42 });
    // INFO shows no inspectionData; without a mock a Task needs a role.
    expect((await test(task, { input: '{"in":{"n":1}}' })).inspectionData).toBeUndefined();
    expect((await errorOf(client.send(new TestStateCommand({ definition: JSON.stringify(task), input: '{}' })))).name).toBe('ValidationException');
  });

  it('mocks a Map and a Parallel, honours stateConfiguration, and runs JSONata with variables', async () => {
    const map = {
      Type: 'Map',
      QueryLanguage: 'JSONata',
      Items: '{% $states.input.values %}',
      ToleratedFailureCount: 0,
      ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } },
      Retry: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], MaxAttempts: 2 }],
      Output: '{% $count($states.result) %}',
      End: true,
    };
    const input = '{"values":[1,2]}';
    expect(await test(map, { input, mock: { result: '[1,2]' }, inspectionLevel: 'DEBUG' })).toMatchObject({
      status: 'SUCCEEDED',
      output: '2',
      inspectionData: { input, maxConcurrency: 0, toleratedFailureCount: 0 },
    });
    const retriable = await test(map, { input, mock: { result: '[1,2]' }, inspectionLevel: 'TRACE', stateConfiguration: { mapIterationFailureCount: 1 } });
    expect(retriable).toMatchObject({ status: 'RETRIABLE', error: 'States.ExceedToleratedFailureThreshold', inspectionData: { errorDetails: { retryIndex: 0, retryBackoffIntervalSeconds: 1 } } });
    const exhausted = await test(map, { input, mock: { result: '[1,2]' }, stateConfiguration: { mapIterationFailureCount: 1, retrierRetryCount: 2 } });
    expect(exhausted).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });

    const branch = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Pass', End: true } } });
    const parallel = { Type: 'Parallel', Branches: [branch('A'), branch('B')], ResultPath: '$.both', End: true };
    expect(await test(parallel, { input: '{"k":1}', mock: { result: '[{"a":1},{"b":2}]' } })).toEqual(expect.objectContaining({ status: 'SUCCEEDED', output: '{"k":1,"both":[{"a":1},{"b":2}]}' }));

    const choice = { Type: 'Choice', QueryLanguage: 'JSONata', Choices: [{ Condition: '{% $limit < $states.input.n %}', Next: 'Over' }], Default: 'Under' };
    expect((await test(choice, { input: '{"n":5}', variables: '{"limit":3}' })).nextState).toBe('Over');
    expect((await test(choice, { input: '{"n":5}', variables: '{"limit":9}', inspectionLevel: 'DEBUG' })).inspectionData).toEqual({ input: '{"n":5}', variables: '{"limit":9}' });
  });

  it('answers AWS validation errors on the wire', async () => {
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true };
    expect(await errorOf(test(task, { mock: { result: '{}', errorOutput: { error: 'E' } } }))).toEqual({
      name: 'ValidationException',
      message: 'A test mock should have only one of the following fields: [result, errorOutput].',
    });
    expect(await errorOf(test({ Type: 'Fail', Error: 'E' }, { mock: { errorOutput: { error: 'E' } } }))).toEqual({
      name: 'ValidationException',
      message: "State type 'Fail' is not supported when a mock is specified",
    });
    expect((await errorOf(test({ Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], End: true }))).name).toBe('InvalidDefinition');
    expect((await errorOf(test({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, { stateName: 'Z' }))).message).toBe('State not found in definition');
  });
});
