import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/engine/index.js';
import {
  findTestCase,
  MockConfigError,
  MockedExecutions,
  mockedResources,
  MockTestCaseNotFoundError,
  parseMockConfig,
  splitTestCaseArn,
} from '../../src/integrations/mock-config.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import type { TaskResources } from '../../src/engine/index.js';

/** The example of AWS's "Configuration file for mocked service integrations" page. */
const CONFIG = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        HybridPath: { LambdaState: 'MockedLambdaSuccess' },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: {
      '0': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
    MockedSQSSuccess: { '0': { Return: { MD5OfMessageBody: '3bcb6e8e', MessageId: '3bcb6e8e-8b51' } } },
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
  },
};

const DEFINITION = {
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'HelloFunction', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      ResultSelector: { 'body.$': '$.Payload.body' },
      Next: 'SQSState',
    },
    SQSState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', 'MessageBody.$': '$.body' },
      End: true,
    },
  },
};

const config = parseMockConfig(CONFIG);
const run = (definition: unknown, testCase: string, underlying?: TaskResources) =>
  runExecution(definition, {
    input: {},
    resources: mockedResources(findTestCase(config, 'LambdaSQSIntegration', testCase), underlying),
    clock: virtualClock(0),
  });

describe('parseMockConfig', () => {
  it('expands repeat ranges into one response per invocation', () => {
    const retry = config.stateMachines.get('LambdaSQSIntegration')?.get('RetryPath')?.states.get('LambdaState');
    expect(retry?.responses.map((r) => (r.kind === 'throw' ? r.error : 'return'))).toEqual([
      'Lambda.ResourceNotReadyException',
      'Lambda.TimeoutException',
      'Lambda.TimeoutException',
      'return',
    ]);
  });

  it.each([
    [{ StateMachines: [] }, '/StateMachines: must be an object'],
    [
      { MockedResponses: { R: { '0': { Return: 1, Throw: { Error: 'E' } } } } },
      '/MockedResponses/R/0: has both "Return" and "Throw"; give one',
    ],
    [{ MockedResponses: { R: { '0': {} } } }, '/MockedResponses/R/0: needs "Return" or "Throw"'],
    [
      { MockedResponses: { R: { '0': { Throw: { Error: 7 } } } } },
      '/MockedResponses/R/0/Throw/Error: must be a string',
    ],
    [
      { MockedResponses: { R: { first: { Return: 1 } } } },
      `/MockedResponses/R/first: 'first' is not an invocation number ("0") or range ("1-2")`,
    ],
    [
      { MockedResponses: { R: { '0': { Return: 1 }, '2': { Return: 2 } } } },
      '/MockedResponses/R/2: starts at invocation 2, but nothing answers invocation 1',
    ],
    [
      { MockedResponses: { R: { '0-1': { Return: 1 }, '1': { Return: 2 } } } },
      '/MockedResponses/R/1: overlaps invocation 1, which an earlier range answers',
    ],
    [{ MockedResponses: { R: { '3-1': { Return: 1 } } } }, `/MockedResponses/R/3-1: range '3-1' ends before it starts`],
    [
      { StateMachines: { M: { TestCases: { T: { S: 'Missing' } } } }, MockedResponses: {} },
      "/StateMachines/M/TestCases/T/S: names mocked response 'Missing', which /MockedResponses does not define",
    ],
    [{ StateMachines: { M: {} } }, '/StateMachines/M/TestCases: must be an object of test cases'],
    [{ StateMachine: {} }, '/StateMachine: is not a field of a mock configuration (StateMachines, MockedResponses)'],
  ])('refuses %j naming the place: %s', (value, message) => {
    const error = (() => {
      try {
        parseMockConfig(value);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MockConfigError);
    expect((error as MockConfigError).message).toBe(message);
  });

  it('treats __proto__ as a name like any other', () => {
    const c = parseMockConfig(
      JSON.parse(
        '{"StateMachines":{"__proto__":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1}}}}',
      ),
    );
    expect(findTestCase(c, '__proto__', 'T').states.get('S')?.responseName).toBe('R');
    expect(({} as Record<string, unknown>).TestCases).toBeUndefined();
  });
});

describe('findTestCase and splitTestCaseArn', () => {
  it('splits the #TestCase suffix off a state machine ARN', () => {
    expect(splitTestCaseArn('arn:aws:states:us-east-1:123456789012:stateMachine:M#HappyPath')).toEqual({
      arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
      testCase: 'HappyPath',
    });
    expect(splitTestCaseArn('arn:aws:states:us-east-1:123456789012:stateMachine:M')).toEqual({
      arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
    });
  });

  it("names what is missing in Step Functions Local's words", () => {
    expect(() => findTestCase(config, 'Other', 'HappyPath')).toThrow(
      new MockTestCaseNotFoundError("No definitions for state machine 'Other' in the mock configuration file"),
    );
    expect(() => findTestCase(config, 'LambdaSQSIntegration', 'Sad')).toThrow(MockTestCaseNotFoundError);
    expect(() => findTestCase(undefined, 'LambdaSQSIntegration', 'HappyPath')).toThrow(
      /no mock configuration is loaded/,
    );
  });
});

describe('mocked Task states', () => {
  it('answer from their mocked responses instead of calling the resource', async () => {
    const r = await run(DEFINITION, 'HappyPath');
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output!)).toEqual({ MD5OfMessageBody: '3bcb6e8e', MessageId: '3bcb6e8e-8b51' });
  });

  it('take the response of each attempt in turn, so Retry sees the mocked errors', async () => {
    const r = await run(DEFINITION, 'RetryPath');
    expect(r.status).toBe('SUCCEEDED');
    const failed = r.events
      .filter((e) => e.type === 'TaskFailed')
      .map((e) => (e.taskFailedEventDetails as { error: string }).error);
    expect(failed).toEqual(['Lambda.ResourceNotReadyException', 'Lambda.TimeoutException', 'Lambda.TimeoutException']);
  });

  it('leave the states a test case does not name to their integrations', async () => {
    const calls: string[] = [];
    const underlying: TaskResources = {
      invoke: (request) => {
        calls.push(request.stateName);
        return Promise.resolve({ ok: true, output: { sent: true } });
      },
    };
    const r = await run(DEFINITION, 'HybridPath', underlying);
    expect(calls).toEqual(['SQSState']);
    expect(JSON.parse(r.output!)).toEqual({ sent: true });
  });

  it('end the execution with States.Runtime when called more often than the ranges say', async () => {
    const loop = {
      StartAt: 'LambdaState',
      States: {
        LambdaState: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'f' },
          Next: 'Again',
        },
        Again: {
          Type: 'Choice',
          Choices: [{ Variable: '$.done', IsPresent: true, Next: 'Done' }],
          Default: 'LambdaState',
        },
        Done: { Type: 'Succeed' },
      },
    };
    const r = await run(loop, 'HappyPath');
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe(
      "No mocked response definition for state 'LambdaState' and invocation number '1': mocked response 'MockedLambdaSuccess' answers invocations 0 to 0",
    );
  });

  it("give the Payload for Lambda's function-ARN form (local_mocking test_lambda_invoke)", async () => {
    const definition = {
      StartAt: 'LambdaState',
      States: {
        LambdaState: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Hello', End: true },
      },
    };
    const r = await run(definition, 'HybridPath');
    expect(JSON.parse(r.output!)).toEqual({ StatusCode: 200, body: 'Hello from Lambda!' });
    expect(r.events.map((e) => e.type)).toContain('LambdaFunctionSucceeded');
  });

  it('answer .waitForTaskToken without a token, after a TaskSubmitted (local_mocking test_sqs_wait_for_task_token)', async () => {
    const definition = {
      StartAt: 'SQSState',
      States: {
        SQSState: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'q', MessageBody: { 'Token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    };
    const r = await run(definition, 'HappyPath');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('MockedExecutions', () => {
  it('answers a repeated dispatch of one attempt as the first time', () => {
    const mocks = new MockedExecutions();
    mocks.select('arn:e', findTestCase(config, 'LambdaSQSIntegration', 'RetryPath'));
    const request = {
      resource: 'arn:aws:states:::lambda:invoke',
      parameters: {},
      executionArn: 'arn:e',
      stateName: 'LambdaState',
    };
    const first = mocks.responseFor({ ...request, idempotencyKey: 'arn:e:1' });
    expect(mocks.responseFor({ ...request, idempotencyKey: 'arn:e:1' })).toBe(first);
    expect(mocks.responseFor({ ...request, idempotencyKey: 'arn:e:2' })).toMatchObject({
      kind: 'throw',
      error: 'Lambda.TimeoutException',
    });
    expect(mocks.responseFor({ ...request, executionArn: 'arn:other' })).toBeUndefined();
  });
});
