import { describe, expect, it } from 'vitest';
import type { TaskResources } from '../../src/engine/index.js';
import { parseMockConfig } from '../../src/integrations/mock-config.js';
import { stepwright, tempDir } from '../scheduler/fixtures.js';

const DEFINITION = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge' },
      OutputPath: '$.Payload',
      Next: 'Notify',
    },
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'paid' },
      End: true,
    },
  },
};

const mockConfig = parseMockConfig({
  StateMachines: {
    orders: { TestCases: { Paid: { Charge: 'Charged', Notify: 'Published' }, Declined: { Charge: 'Declined' } } },
  },
  MockedResponses: {
    Charged: { '0': { Return: { StatusCode: 200, Payload: { paid: true } } } },
    Published: { '0': { Return: { MessageId: 'm-1' } } },
    Declined: { '0': { Throw: { Error: 'Card.Declined', Cause: 'insufficient funds' } } },
  },
});

/** What the real integrations would do here: record the call. */
function recording(): { resources: TaskResources; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    resources: {
      invoke: (r) => (
        calls.push(r.stateName),
        Promise.resolve({ ok: true, output: { Payload: { real: r.stateName } } })
      ),
    },
  };
}

describe('StartExecution with a #TestCase suffix', () => {
  it('runs a Standard execution on the test case mocks and calls nothing', async () => {
    const real = recording();
    const sw = await stepwright({ dataDir: tempDir(), resources: real.resources, mockConfig });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'orders', definition: DEFINITION });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn: `${stateMachineArn}#Paid` });
    expect(executionArn).toBe(
      `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionArn.split(':').pop()}`,
    );
    const d = await sw.service.awaitExecution(executionArn);
    expect(d.output).toBe('{"MessageId":"m-1"}');
    expect(real.calls).toEqual([]);
  });

  it('fails with the mocked error, and without the suffix calls the real integrations', async () => {
    const real = recording();
    const sw = await stepwright({ dataDir: tempDir(), resources: real.resources, mockConfig });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'orders', definition: DEFINITION });
    const declined = await sw.service.awaitExecution(
      (await sw.service.startExecution({ stateMachineArn: `${stateMachineArn}#Declined` })).executionArn,
    );
    expect(declined).toMatchObject({ status: 'FAILED', error: 'Card.Declined', cause: 'insufficient funds' });
    const plain = await sw.service.awaitExecution((await sw.service.startExecution({ stateMachineArn })).executionArn);
    expect(plain.status).toBe('SUCCEEDED');
    expect(real.calls).toEqual(['Charge', 'Notify']);
  });

  it('answers a .waitForTaskToken Task durably without waiting for a token (local_mocking test_sqs_wait_for_task_token)', async () => {
    const real = recording();
    const sw = await stepwright({ dataDir: tempDir(), resources: real.resources, mockConfig });
    const callback = {
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'q', MessageBody: { 'Token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    };
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'orders', definition: callback });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn: `${stateMachineArn}#Paid` });
    const d = await sw.service.awaitExecution(executionArn);
    expect(d.output).toBe('{"StatusCode":200,"Payload":{"paid":true}}');
    const types = (await sw.service.getExecutionHistory({ executionArn })).events.map((e) => e.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(real.calls).toEqual([]);
  });

  it('runs an Express machine synchronously on its mocks', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: recording().resources, mockConfig });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'orders',
      type: 'EXPRESS',
      definition: DEFINITION,
    });
    expect((await sw.service.startSyncExecution({ stateMachineArn: `${stateMachineArn}#Paid` })).output).toBe(
      '{"MessageId":"m-1"}',
    );
  });

  it('refuses a test case the configuration does not have, or any without a configuration', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: recording().resources, mockConfig });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'orders', definition: DEFINITION });
    await expect(sw.service.startExecution({ stateMachineArn: `${stateMachineArn}#Nope` })).rejects.toMatchObject({
      code: 'ValidationException',
      message: "No definitions for test case 'Nope' and state machine 'orders' in the mock configuration file",
    });
    const bare = await stepwright({ dataDir: tempDir(), resources: recording().resources });
    const other = await bare.service.createStateMachine({ name: 'orders', definition: DEFINITION });
    await expect(
      bare.service.startExecution({ stateMachineArn: `${other.stateMachineArn}#Paid` }),
    ).rejects.toMatchObject({ code: 'ValidationException' });
  });
});
