import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
  LambdaServiceException,
  ListTagsCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepwrightServer, type StepwrightServer } from '../../../src/app/server.js';
import { nodeZip, ROLE } from './lambda-server.js';

/**
 * The whole server as an infrastructure tool or a script meets it: the SDK clients with only an
 * endpoint, a region and credentials (the sync- host prefix is the one setting, see docs/api.md).
 */
let dataDir: string;
let server: StepwrightServer;
let lambda: LambdaClient;
let sfn: SFNClient;

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:greeter';
const source = (label: string): string => `export const handler = async (event, context) => ({ code: '${label}', version: context.functionVersion, got: event });`;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-clients-'));
  server = await startStepwrightServer({ port: 0, dataDir, logLevel: false });
  const settings = { endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  lambda = new LambdaClient(settings);
  sfn = new SFNClient({ ...settings, disableHostPrefix: true });
});
afterAll(async () => {
  lambda.destroy();
  sfn.destroy();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the AWS clients out of the box', () => {
  it('sets up a function as an IaC tool does: create with tags and Publish, an alias, a permission', async () => {
    const created = await lambda.send(new CreateFunctionCommand({ FunctionName: 'greeter', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip(source('one')) }, Publish: true, Tags: { app: 'demo' } }));
    expect(created).toMatchObject({ Version: '1', FunctionArn: `${FN}:1` });
    await lambda.send(new CreateAliasCommand({ FunctionName: 'greeter', Name: 'live', FunctionVersion: '1' }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'greeter', ZipFile: nodeZip(source('two')) }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'greeter', Qualifier: 'live', StatementId: 'states', Action: 'lambda:InvokeFunction', Principal: 'states.amazonaws.com' }));
    expect(JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: `${FN}:live` }))).Policy ?? '').Statement[0]).toMatchObject({ Resource: `${FN}:live` });
    expect((await lambda.send(new ListTagsCommand({ Resource: FN }))).Tags).toEqual({ app: 'demo' });
  });

  it('runs the aliased version from Task states that name the alias, and $LATEST from one that does not', async () => {
    const definition = {
      StartAt: 'ByArn',
      States: {
        ByArn: { Type: 'Task', Resource: `${FN}:live`, ResultPath: '$.byArn', Next: 'ByInvoke' },
        ByInvoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'greeter:live', Payload: { n: 2 } }, ResultSelector: { 'code.$': '$.Payload.code', 'executed.$': '$.ExecutedVersion' }, ResultPath: '$.byInvoke', Next: 'Latest' },
        Latest: { Type: 'Task', Resource: FN, ResultSelector: { 'code.$': '$.code', 'version.$': '$.version' }, ResultPath: '$.latest', End: true },
      },
    };
    const machine = await sfn.send(new CreateStateMachineCommand({ name: 'aliased', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' }));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{"n":1}' }));
    const done = await server.service.awaitExecution(started.executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({
      n: 1,
      byArn: { code: 'one', version: '1', got: { n: 1 } },
      byInvoke: { code: 'one', executed: '1' },
      latest: { code: 'two', version: '$LATEST' },
    });
  });

  it('fails a Task on an alias that does not exist with Lambda.ResourceNotFoundException naming it', async () => {
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: `${FN}:nope`, End: true } } };
    const machine = await sfn.send(new CreateStateMachineCommand({ name: 'missing-alias', type: 'EXPRESS', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' }));
    const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{}' }));
    expect(out).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
    expect(out.cause).toContain(`Function not found: ${FN}:nope`);
  });

  it('answers a path nothing serves with AWS error shape, for the SDK and for plain HTTP', async () => {
    for (const [method, url] of [['GET', '/no/such/path'], ['POST', '/2015-03-31/functions/greeter/nothing'], ['DELETE', '/console/api/nothing']]) {
      const res = await fetch(`${server.url}${url}`, { method });
      expect(res.status, `${method} ${url}`).toBe(404);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.__type).toBe('UnknownOperationException');
      expect(String(body.message ?? body.Message)).toContain(url);
    }
    const error = await lambda.send(new ListTagsCommand({ Resource: `${FN}:live` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaServiceException);
    expect(error).toMatchObject({ name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } });
  });
});
