// Issue #19, item 1: the server's Task states call AWS services where the configuration says
// (moto_server here) and Step Functions itself by default.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepwrightServer, type StepwrightServer } from '../../src/app/server.js';
import { resolveAwsConfig } from '../../src/integrations/aws/config.js';
import { hasMotoServer, MOTO_CREDENTIALS, startMotoServer, type MotoServer } from '../moto-server.js';

const available = await hasMotoServer();
if (!available && process.env.CI === 'true') throw new Error('moto_server is not on PATH (CI=true)');
if (!available) console.warn('skipping the AWS server integration tests: moto_server is not on PATH');

const ROLE = 'arn:aws:iam::123456789012:role/test';
let moto: MotoServer;
let server: StepwrightServer;
let sfn: SFNClient;
let dir: string;

beforeAll(async () => {
  if (!available) return;
  moto = await startMotoServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-aws-server-'));
  server = await startStepwrightServer({ port: 0, dataDir: dir, logLevel: false, aws: resolveAwsConfig({ flags: [`sqs=${moto.endpoint}`], standardCredentials: false }) });
  sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await moto?.stop();
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

async function run(name: string, definition: unknown, input: unknown): Promise<{ status?: ExecutionStatus; output?: string; error?: string; cause?: string }> {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!available)('AWS service integrations on the server', () => {
  it('sends to the SQS endpoint given with --aws-endpoint', async () => {
    const sqs = new SQSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'server-queue' }));
    const d = await run('SendToQueue', { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { 'QueueUrl.$': '$.q', MessageBody: 'hello' }, End: true } } }, { q: QueueUrl });
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output ?? '{}')).toMatchObject({ MessageId: expect.any(String), SdkHttpMetadata: { HttpStatusCode: 200 } });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('hello');
  });

  it('starts an execution of this server with aws-sdk:sfn:startExecution, serialising a JSON Input', async () => {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'Target', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), roleArn: ROLE }));
    const d = await run(
      'Starter',
      { StartAt: 'Start', States: { Start: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution', Parameters: { StateMachineArn: stateMachineArn, Input: { key: 'value' } }, End: true } } },
      {},
    );
    expect(d, d.cause).toMatchObject({ status: 'SUCCEEDED' });
    const output = JSON.parse(d.output ?? '{}') as { ExecutionArn: string; StartDate: string };
    expect(output.ExecutionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:Target:/);
    expect(output.StartDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    const started = await sfn.send(new DescribeExecutionCommand({ executionArn: output.ExecutionArn }));
    expect(started.input).toBe('{"key":"value"}');
  });

  it('fails sendTaskFailure with an unknown token as Sfn.InvalidTokenException, as services/test_aws_sdk_task_service.py records', async () => {
    const d = await run('BadToken', { StartAt: 'Fail', States: { Fail: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskFailure', Parameters: { TaskToken: 'NoSuchTaskToken' }, End: true } } }, {});
    expect(d, d.cause).toMatchObject({ status: 'FAILED', error: 'Sfn.InvalidTokenException' });
    expect(d.cause).toMatch(/ \(Service: Sfn, Status Code: 400, Request ID: [^)]+\) \(SDK Attempt Count: 1\)$/);
  });
});
