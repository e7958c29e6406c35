import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { SFNClient, ValidateStateMachineDefinitionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../../src/api/server.js';

const run = promisify(execFile);
const app = createServer();
let endpoint = '';
let client: SFNClient;

beforeAll(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = new SFNClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  client.destroy();
  await app.close();
});

const good = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
const bad = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Ship' } } });

describe('Step Functions API protocol (awsJson1_0)', () => {
  it('answers ValidateStateMachineDefinition to the AWS SDK v3 client', async () => {
    const ok = await client.send(new ValidateStateMachineDefinitionCommand({ definition: good }));
    expect(ok.result).toBe('OK');
    expect(ok.diagnostics).toEqual([]);
    const fail = await client.send(new ValidateStateMachineDefinitionCommand({ definition: bad }));
    expect(fail.result).toBe('FAIL');
    expect(fail.diagnostics?.[0]).toMatchObject({ severity: 'ERROR', location: '/States/A/Next' });
  });

  it('refuses a missing required member with AWS ValidationException text', async () => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ValidateStateMachineDefinition' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers an unknown target with UnknownOperationException and bad JSON with SerializationException', async () => {
    const post = (target: string, body: string) =>
      fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }, body });
    expect(((await (await post('AWSStepFunctions.Nope', '{}')).json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(((await (await post('AWSStepFunctions.ValidateStateMachineDefinition', '{nope')).json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('surfaces errors to the SDK as typed exceptions with AWS names', async () => {
    // DescribeExecution needs the store: until it is mounted the server says so in AWS's shape.
    await expect(client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:M:e' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });

  it('works with boto3 and the AWS CLI unchanged', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' };
    const py = await run(
      'python3',
      ['-c', `import boto3,json,sys; c=boto3.client('stepfunctions', endpoint_url='${endpoint}'); print(json.dumps(c.validate_state_machine_definition(definition=sys.argv[1])['result']))`, bad],
      { env },
    );
    expect(JSON.parse(py.stdout)).toBe('FAIL');
    const cli = await run('aws', ['stepfunctions', 'validate-state-machine-definition', '--definition', good, '--endpoint-url', endpoint, '--output', 'json'], { env });
    expect(JSON.parse(cli.stdout)).toMatchObject({ result: 'OK' });
  });
});
