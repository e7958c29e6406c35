import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  paginateListFunctions,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandOutput,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip, nodeZip, pythonZip, ROLE, startLambdaApi, startLambdaApiWith, tempDir, type LambdaApiUnderTest } from './lambda-server.js';

let api: LambdaApiUnderTest;
let lambda: LambdaClient;

beforeAll(async () => {
  api = await startLambdaApi();
  lambda = api.client();
});
afterAll(async () => {
  lambda.destroy();
  await api.close();
});

const echoSource = `
export const handler = async (event, context) => {
  console.log('event', JSON.stringify(event));
  if (event.fail) throw new TypeError('asked to fail');
  if (event.noisy) for (let i = 0; i < 200; i++) console.log('line ' + i + ' ' + 'x'.repeat(60));
  if (event.touch) (await import('node:fs')).writeFileSync(event.touch, context.awsRequestId);
  return { echo: event, name: context.functionName, greeting: process.env.GREETING ?? null };
};`;

async function create(name: string, zip: Buffer, extra: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}): Promise<CreateFunctionCommandOutput> {
  return lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip }, ...extra }));
}

async function invokeJson(name: string, event: unknown, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), ...extra }));
  const text = out.Payload == null ? '' : Buffer.from(out.Payload).toString('utf8');
  return { out, text, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('CreateFunction with @aws-sdk/client-lambda', () => {
  it('creates a function from a base64 zip and answers 201 with the configuration AWS returns', async () => {
    const zip = nodeZip(echoSource);
    const config = await create('echo', zip, { Description: 'echoes', Environment: { Variables: { GREETING: 'hello' } } });
    expect(config.$metadata.httpStatusCode).toBe(201);
    expect(config).toMatchObject({
      FunctionName: 'echo',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      CodeSize: zip.length,
      CodeSha256: createHash('sha256').update(zip).digest('base64'),
      Description: 'echoes',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      Environment: { Variables: { GREETING: 'hello' } },
      TracingConfig: { Mode: 'PassThrough' },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/echo' },
    });
    expect(config.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(config.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a second function of the same name with ResourceConflictException 409', async () => {
    await expect(create('echo', nodeZip(echoSource))).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: 'Function already exist: echo',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('refuses an unknown runtime with InvalidParameterValueException naming the runtime', async () => {
    await expect(create('badruntime', nodeZip(echoSource), { Runtime: 'cobol9' as 'nodejs20.x' })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringMatching(/^Value cobol9 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs22\.x.*\] or be a valid ARN$/),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a retired runtime with the upgrade AWS recommends', async () => {
    await expect(create('oldruntime', nodeZip(echoSource), { Runtime: 'nodejs14.x' })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('We recommend you use the new runtime (nodejs20.x)'),
    });
  });

  it('refuses a malformed name and a handler with spaces with ValidationException listing both', async () => {
    await expect(create('bad name!', nodeZip(echoSource), { Handler: 'index handler' })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^2 validation errors detected: Value 'bad name!' at 'functionName' .*; Value 'index handler' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\^\\s\]\+$/),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a name longer than 64 characters', async () => {
    await expect(create('n'.repeat(65), nodeZip(echoSource))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('refuses reserved environment variables as Lambda does', async () => {
    await expect(create('reserved', nodeZip(echoSource), { Environment: { Variables: { AWS_REGION: 'x' } } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringMatching(/Reserved keys used in this request: AWS_REGION$/),
    });
  });

  it('refuses bytes that are not a zip', async () => {
    await expect(create('notzip', Buffer.from('definitely not a zip'))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    expect(existsSync(path.join(api.dataDir, 'functions', 'notzip'))).toBe(false);
  });

  it.each([
    ['a ../ traversal entry', '../../escaped-traversal.js'],
    ['an absolute path', '/tmp/stepwright-escaped-absolute.js'],
    ['a Windows traversal', '..\\..\\escaped-backslash.js'],
  ])('refuses a zip with %s and writes nothing outside the function folder', async (_label, entryName) => {
    const zip = buildZip([
      { name: 'index.mjs', content: echoSource },
      { name: entryName, content: 'pwned' },
    ]);
    await expect(create('hostile', zip)).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringMatching(/^Could not unzip uploaded file: (invalid relative path|absolute path)/),
      $metadata: { httpStatusCode: 400 },
    });
    const base = path.basename(entryName.replace(/\\/g, '/'));
    for (const dir of [api.dataDir, path.join(api.dataDir, 'functions'), path.dirname(api.dataDir), '/tmp']) {
      expect(existsSync(path.join(dir, base))).toBe(false);
    }
    expect(existsSync(path.join(api.dataDir, 'functions', 'hostile'))).toBe(false);
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'hostile' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses a zip holding a symbolic link', async () => {
    const zip = buildZip([
      { name: 'index.mjs', content: echoSource },
      { name: 'passwd', content: '/etc/passwd', mode: 0o120777 },
    ]);
    await expect(create('linked', zip)).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('symbolic link'),
    });
  });
});

describe('Invoke with @aws-sdk/client-lambda', () => {
  it('returns the handler result with status 200 and X-Amz-Executed-Version $LATEST', async () => {
    const { out, json } = await invokeJson('echo', { a: 1 });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(json).toEqual({ echo: { a: 1 }, name: 'echo', greeting: 'hello' });
  });

  it('accepts the function ARN as FunctionName', async () => {
    const { json } = await invokeJson('arn:aws:lambda:us-east-1:123456789012:function:echo', { b: 2 });
    expect(json).toMatchObject({ echo: { b: 2 } });
  });

  it('passes {} when the request has no payload', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
    expect(JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString())).toMatchObject({ echo: {} });
  });

  it('returns the log tail base64 in X-Amz-Log-Result with LogType Tail', async () => {
    const { out } = await invokeJson('echo', { tail: true }, { LogType: 'Tail' });
    const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toContain('INFO\tevent {"tail":true}');
    expect(log).toMatch(/END RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms/);
  });

  it('keeps only the last 4 KB of a long log', async () => {
    const { out } = await invokeJson('echo', { noisy: true }, { LogType: 'Tail' });
    const log = Buffer.from(out.LogResult ?? '', 'base64');
    expect(log.length).toBe(4096);
    expect(log.toString('utf8')).toContain('REPORT RequestId:');
    expect(log.toString('utf8')).not.toContain('START RequestId:');
  });

  it('answers a function error with 200, X-Amz-Function-Error Unhandled and the error body', async () => {
    const { out, json } = await invokeJson('echo', { fail: true });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(json).toMatchObject({ errorType: 'TypeError', errorMessage: 'asked to fail' });
    expect(Array.isArray(json?.trace)).toBe(true);
  });

  it('reports a timeout as a function error and the next invocation still works', async () => {
    await create('sleepy', nodeZip('export const handler = async (e) => { if (e.hang) await new Promise(() => setInterval(() => {}, 1000)); return "awake"; };'), { Timeout: 1 });
    const { out, json } = await invokeJson('sleepy', { hang: true });
    expect(out.FunctionError).toBe('Unhandled');
    expect(json).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/) });
    expect((await invokeJson('sleepy', {})).json).toBe('awake');
  });

  it('answers an Event invocation with 202 at once and runs it in the background', async () => {
    const markerDir = tempDir('stepwright-event-');
    chmodSync(markerDir, 0o777); // the worker runs as nobody when the tests run as root
    const marker = path.join(markerDir, 'ran');
    const { out, text } = await invokeJson('echo', { touch: marker }, { InvocationType: 'Event' });
    expect(out.StatusCode).toBe(202);
    expect(text).toBe('');
    const deadline = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(marker, 'utf8')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a DryRun with 204 without running the function', async () => {
    const marker = path.join(tempDir('stepwright-dryrun-'), 'ran');
    const { out } = await invokeJson('echo', { touch: marker }, { InvocationType: 'DryRun' });
    expect(out.StatusCode).toBe(204);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
  });

  it('answers an unknown function with ResourceNotFoundException 404 and the function ARN', async () => {
    await expect(invokeJson('missing', {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers a qualifier other than $LATEST with ResourceNotFoundException for the qualified ARN', async () => {
    await expect(invokeJson('echo', {}, { Qualifier: '7' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:echo:7',
    });
  });

  it('refuses a payload over 6 MB with 413', async () => {
    const big = Buffer.from(JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }));
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: big }))).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      $metadata: { httpStatusCode: 413 },
    });
  });

  it('refuses a payload that is not JSON with InvalidRequestContentException', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{nope') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      message: expect.stringMatching(/^Could not parse request body into json: Could not parse payload into json: /),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('runs a Python handler with its environment', async () => {
    await create('py', pythonZip(`
import os
def lambda_handler(event, context):
    print("python got", event)
    return {"statusCode": 200, "body": event["x"] * 2, "fn": context.function_name, "env": os.environ.get("COLOR")}
`), { Runtime: 'python3.12', Handler: 'lambda_function.lambda_handler', Environment: { Variables: { COLOR: 'blue' } } });
    const { out, json } = await invokeJson('py', { x: 21 }, { LogType: 'Tail' });
    expect(json).toEqual({ statusCode: 200, body: 42, fn: 'py', env: 'blue' });
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toContain("python got {'x': 21}");
  });
});

describe('reading, updating, listing and deleting with @aws-sdk/client-lambda', () => {
  it('GetFunction returns the configuration, a code location serving the zip, and the tags', async () => {
    const zip = nodeZip('export const handler = async () => "tagged";');
    await create('tagged', zip, { Tags: { team: 'ops' } });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }));
    expect(got.Configuration).toMatchObject({ FunctionName: 'tagged', State: 'Active', CodeSha256: createHash('sha256').update(zip).digest('base64') });
    expect(got.Tags).toEqual({ team: 'ops' });
    expect(got.Code?.RepositoryType).toBe('S3');
    const served = Buffer.from(await (await fetch(got.Code?.Location ?? '')).arrayBuffer());
    expect(served.equals(zip)).toBe(true);
  });

  it('GetFunctionConfiguration with Qualifier $LATEST answers with the qualified ARN', async () => {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'tagged', Qualifier: '$LATEST' }));
    expect(config.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:tagged:$LATEST');
  });

  it('UpdateFunctionCode replaces the code, the hash and the revision, and removes the old code folder', async () => {
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'tagged' }));
    const zip = nodeZip('export const handler = async () => "version two";');
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'tagged', ZipFile: zip }));
    expect(updated.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    expect((await invokeJson('tagged', {})).json).toBe('version two');
    const folders = readdirSync(path.join(api.dataDir, 'functions', 'tagged')).filter((f) => /^[0-9a-f]{16}$/.test(f));
    expect(folders).toEqual([createHash('sha256').update(zip).digest('hex').slice(0, 16)]);
  });

  it('UpdateFunctionCode with DryRun validates without changing the function', async () => {
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'tagged' }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'tagged', ZipFile: nodeZip('export const handler = async () => 3;'), DryRun: true }));
    expect((await invokeJson('tagged', {})).json).toBe('version two');
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'tagged' }))).CodeSha256).toBe(before.CodeSha256);
  });

  it('UpdateFunctionCode refuses a traversal zip and keeps the old code', async () => {
    const zip = buildZip([{ name: 'index.mjs', content: 'export const handler = async () => "evil";' }, { name: '../../x.js', content: 'x' }]);
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'tagged', ZipFile: zip }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    expect((await invokeJson('tagged', {})).json).toBe('version two');
  });

  it('UpdateFunctionConfiguration changes environment and timeout for the next invocation', async () => {
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'echo', Environment: { Variables: { GREETING: 'bonjour' } }, Timeout: 10, MemorySize: 256 }));
    expect(updated).toMatchObject({ Timeout: 10, MemorySize: 256, Environment: { Variables: { GREETING: 'bonjour' } }, LastUpdateStatus: 'Successful' });
    expect((await invokeJson('echo', {})).json).toMatchObject({ greeting: 'bonjour' });
  });

  it('UpdateFunctionConfiguration refuses a stale RevisionId with PreconditionFailedException 412', async () => {
    await expect(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'echo', Timeout: 5, RevisionId: 'stale' }))).rejects.toMatchObject({
      name: 'PreconditionFailedException',
      $metadata: { httpStatusCode: 412 },
    });
  });

  it('UpdateFunctionConfiguration of an unknown function is ResourceNotFoundException', async () => {
    await expect(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ghost', Timeout: 5 }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:ghost',
    });
  });

  it('PutFunctionConcurrency 0 throttles invocations with TooManyRequestsException until DeleteFunctionConcurrency', async () => {
    const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'tagged', ReservedConcurrentExecutions: 0 }));
    expect(put.ReservedConcurrentExecutions).toBe(0);
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'tagged' }))).ReservedConcurrentExecutions).toBe(0);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Concurrency).toEqual({ ReservedConcurrentExecutions: 0 });
    await expect(invokeJson('tagged', {})).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      $metadata: { httpStatusCode: 429 },
    });
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'tagged' }));
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'tagged' }))).ReservedConcurrentExecutions).toBeUndefined();
    expect((await invokeJson('tagged', {})).json).toBe('version two');
  });

  it('PutFunctionConcurrency keeps 100 of the account concurrency unreserved', async () => {
    await expect(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'tagged', ReservedConcurrentExecutions: 901 }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    });
  });

  it('ListFunctions pages with MaxItems and NextMarker, and the paginator walks every page', async () => {
    for (const n of ['list-a', 'list-b', 'list-c']) await create(n, nodeZip('export const handler = async () => 1;'));
    const first = await lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
    expect(first.Functions).toHaveLength(2);
    expect(first.NextMarker).toBeTruthy();
    expect(first.Functions?.[0]).not.toHaveProperty('State');
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 2 }, {})) {
      names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    }
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['echo', 'list-a', 'list-b', 'list-c', 'py', 'tagged']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('DeleteFunction answers 204, removes the code, and the function is gone', async () => {
    const out = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'list-c' }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(existsSync(path.join(api.dataDir, 'functions', 'list-c'))).toBe(false);
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'list-c' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(lambda.send(new DeleteFunctionCommand({ FunctionName: 'list-c' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('persistence', () => {
  it('registers the functions kept under dataDir again after a restart', async () => {
    // The same data dir and store (one process owns an SQLite data dir: the first API still holds it).
    const restarted = await startLambdaApiWith({ dataDir: api.dataDir, catalog: api.catalog });
    const client = restarted.client();
    try {
      const out = await client.send(new InvokeCommand({ FunctionName: 'tagged', Payload: Buffer.from('{}') }));
      expect(Buffer.from(out.Payload ?? new Uint8Array()).toString()).toBe('"version two"');
      const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
      expect(config).toMatchObject({ Timeout: 10, Environment: { Variables: { GREETING: 'bonjour' } } });
      expect(restarted.warnings).toEqual([]);
    } finally {
      client.destroy();
      await restarted.close();
    }
  });
});

describe('the wire format of errors', () => {
  it('sends x-amzn-ErrorType, Type and the model-cased message member', async () => {
    const notFound = await fetch(`${api.url}/2015-03-31/functions/missing/configuration`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(notFound.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await notFound.json()).toEqual({
      Type: 'User',
      Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing',
      __type: 'ResourceNotFoundException',
    });
    const conflict = await fetch(`${api.url}/2015-03-31/functions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ FunctionName: 'echo', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip(echoSource).toString('base64') } }),
    });
    expect(await conflict.json()).toEqual({ Type: 'User', message: 'Function already exist: echo', __type: 'ResourceConflictException' });
  });

  it('leaves paths that do not start with an API version to the rest of the server', async () => {
    for (const path of ['/other', '/2015-03-31x/functions', '/console/2015-03-31/functions']) {
      const res = await fetch(`${api.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBeNull();
    }
  });
});
