import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import type { TaskRequest, TaskResult } from '../../src/engine/types.js';
import { FunctionRuntime } from '../../src/functions/index.js';
import { createLambdaIntegration, isLambdaResource, parseFunctionName } from '../../src/integrations/lambda.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import type { Json } from '../../src/language/json.js';
import { parseResourceArn } from '../../src/language/resource-arn.js';
import { functionDir, removeFunctionDirs } from '../functions/fixtures.js';

// The runtime's defaults, as the server uses them: stack traces show /var/task, as on Lambda.
const runtime = new FunctionRuntime({ region: 'us-east-1', accountId: '111111111111' });
const resources = createTaskRouter([createLambdaIntegration(runtime)]);

beforeAll(() => {
  runtime.register({
    name: 'echo',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    codeDir: functionDir({ 'index.mjs': 'export const handler = async (e) => { console.log("echo"); return e; };' }),
  });
  runtime.register({
    name: 'fails',
    runtime: 'python3.12',
    handler: 'handler.handler',
    codeDir: functionDir({
      'handler.py': 'def handler(event, context):\n    raise Exception("Some exception was raised.")\n',
    }),
  });
  runtime.register({
    name: 'node-fails',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    codeDir: functionDir({ 'index.mjs': 'export const handler = async () => {\n  throw new TypeError("no order");\n};' }),
  });
  runtime.register({
    name: 'limited',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    reservedConcurrency: 0,
    codeDir: functionDir({ 'index.mjs': 'export const handler = async () => 1;' }),
  });
});
afterAll(async () => {
  await runtime.close();
  removeFunctionDirs();
});

function task(resource: string, parameters: Json): TaskRequest {
  return {
    resource,
    parameters,
    executionArn: 'arn:aws:states:us-east-1:111111111111:execution:m:e',
    stateName: 'Call',
  };
}

function output(r: TaskResult): Json {
  if (!r.ok) throw new Error(`expected success, got ${r.error}: ${r.cause}`);
  return r.output;
}

describe('arn:aws:lambda:…:function:NAME (the legacy resource)', () => {
  it('sends the effective parameters as the event and answers the payload', async () => {
    const r = await resources.invoke(task('arn:aws:lambda:us-east-1:111111111111:function:echo', { a: [1, 2] }));
    expect(output(r)).toEqual({ a: [1, 2] });
  });

  it('turns a function error into the state error: Error = errorType, Cause = the body text', async () => {
    const r = await resources.invoke(task('arn:aws:lambda:us-east-1:111111111111:function:fails', {}));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBe('Exception');
    const cause = JSON.parse(r.cause) as Record<string, unknown>;
    expect(cause).toMatchObject({
      errorMessage: 'Some exception was raised.',
      errorType: 'Exception',
      stackTrace: [
        '  File "/var/task/handler.py", line 2, in handler\n    raise Exception("Some exception was raised.")\n',
      ],
    });
  });

  it("shows a Node function's code as /var/task in the cause's trace, as Lambda does", async () => {
    const r = await resources.invoke(task('arn:aws:lambda:us-east-1:111111111111:function:node-fails', {}));
    if (r.ok) throw new Error('expected a failure');
    const cause = JSON.parse(r.cause) as { errorType: string; trace: string[] };
    expect(cause.errorType).toBe('TypeError');
    expect(cause.trace[0]).toBe('TypeError: no order');
    expect(cause.trace[1]).toMatch(/\(file:\/\/\/var\/task\/index\.mjs:2:9\)$/);
  });

  it('accepts the $LATEST qualifier and refuses others as not found', async () => {
    expect(output(await resources.invoke(task('arn:aws:lambda:us-east-1:111111111111:function:echo:$LATEST', 1)))).toBe(
      1,
    );
    expect(await resources.invoke(task('arn:aws:lambda:us-east-1:111111111111:function:echo:prod', 1))).toMatchObject({
      ok: false,
      error: 'Lambda.ResourceNotFoundException',
    });
  });
});

describe('arn:aws:states:::lambda:invoke (the optimized integration)', () => {
  it("answers Invoke's response as the SDK reports it to Step Functions", async () => {
    const r = output(
      await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', Payload: { x: 1 } })),
    ) as Record<string, Json>;
    expect(Object.keys(r)).toEqual([
      'ExecutedVersion',
      'Payload',
      'SdkHttpMetadata',
      'SdkResponseMetadata',
      'StatusCode',
    ]);
    expect(r.ExecutedVersion).toBe('$LATEST');
    expect(r.Payload).toEqual({ x: 1 });
    expect(r.StatusCode).toBe(200);
    const meta = r.SdkHttpMetadata as Record<string, Record<string, Json>>;
    const requestId = (r.SdkResponseMetadata as Record<string, Json>).RequestId;
    expect(meta.HttpStatusCode).toBe(200);
    expect(meta.HttpHeaders).toMatchObject({
      'Content-Length': '7',
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'x-amzn-RequestId': requestId,
    });
    expect(meta.AllHttpHeaders).toMatchObject({
      'Content-Length': ['7'],
      'x-amzn-RequestId': [requestId],
      Connection: ['keep-alive'],
    });
  });

  it('takes a function name, NAME:$LATEST, a partial ARN or a full ARN', async () => {
    for (const FunctionName of [
      'echo',
      'echo:$LATEST',
      '111111111111:function:echo',
      'arn:aws:lambda:us-east-1:111111111111:function:echo',
    ]) {
      const r = output(
        await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName, Payload: { v: 'x' } })),
      ) as Record<string, Json>;
      expect(r.Payload).toEqual({ v: 'x' });
    }
  });

  it('sends a string Payload as the JSON text it holds and no Payload as {}', async () => {
    const asText = output(
      await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', Payload: '[1,2]' })),
    ) as Record<string, Json>;
    expect(asText.Payload).toEqual([1, 2]);
    const none = output(
      await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'echo' })),
    ) as Record<string, Json>;
    expect(none.Payload).toEqual({});
  });

  it('reports a string Payload that is not JSON as Lambda.InvalidRequestContentException', async () => {
    const r = await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', Payload: 'x' }));
    expect(r).toMatchObject({ ok: false, error: 'Lambda.InvalidRequestContentException' });
  });

  it('adds LogResult (the log tail, base64) for LogType Tail', async () => {
    const r = output(
      await resources.invoke(
        task('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', Payload: {}, LogType: 'Tail' }),
      ),
    ) as Record<string, Json>;
    const log = Buffer.from(String(r.LogResult), 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: /);
    expect(log).toContain('\tINFO\techo\n');
  });

  it('answers 202 at once for InvocationType Event', async () => {
    const r = output(
      await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', InvocationType: 'Event' })),
    ) as Record<string, Json>;
    expect(r.StatusCode).toBe(202);
    expect(r.Payload).toBe('');
  });

  it("reports a missing function as Lambda.ResourceNotFoundException with the SDK's message", async () => {
    const r = await resources.invoke(
      task('arn:aws:states:::lambda:invoke', { FunctionName: 'no_such_fn', Payload: null }),
    );
    expect(r).toMatchObject({ ok: false, error: 'Lambda.ResourceNotFoundException' });
    if (r.ok) return;
    expect(r.cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:111111111111:function:no_such_fn:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
  });

  it('reports throttling as Lambda.TooManyRequestsException', async () => {
    const r = await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'limited' }));
    expect(r).toMatchObject({ ok: false, error: 'Lambda.TooManyRequestsException' });
  });

  it('turns a function error into the state error with the body as cause', async () => {
    const r = await resources.invoke(task('arn:aws:states:::lambda:invoke', { FunctionName: 'fails', Payload: null }));
    expect(r).toMatchObject({ ok: false, error: 'Exception' });
  });
});

describe('resource names', () => {
  it('recognises the resources it serves', () => {
    expect(isLambdaResource(parseResourceArn('arn:aws:lambda:us-east-1:111111111111:function:f'))).toBe(true);
    expect(isLambdaResource(parseResourceArn('arn:aws:states:::lambda:invoke'))).toBe(true);
    expect(isLambdaResource(parseResourceArn('arn:aws:states:::lambda:invoke.waitForTaskToken'))).toBe(false);
    expect(isLambdaResource(parseResourceArn('arn:aws:states:::sqs:sendMessage'))).toBe(false);
  });

  it('parses every FunctionName form', () => {
    expect(parseFunctionName('f')).toEqual({ name: 'f' });
    expect(parseFunctionName('f:v1')).toEqual({ name: 'f', qualifier: 'v1' });
    expect(parseFunctionName('123456789012:function:f')).toEqual({ name: 'f' });
    expect(parseFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST')).toEqual({
      name: 'f',
      qualifier: '$LATEST',
    });
    expect(parseFunctionName('not a name')).toBeUndefined();
  });

  it('refuses a resource it does not serve', async () => {
    expect(await resources.invoke(task('arn:aws:states:::sqs:sendMessage', {}))).toMatchObject({
      ok: false,
      error: 'States.Runtime',
    });
  });
});

describe('Task states through the engine', () => {
  it('retries and catches a function error by its errorType, with the body as Cause', async () => {
    runtime.register({
      name: 'flaky',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      codeDir: functionDir({
        'index.mjs':
          'let n = 0; class OrderError extends Error { name = "OrderError"; } export const handler = async (e) => { n++; if (n < 3) throw new OrderError(`try ${n}`); return { saved: e.id, tries: n }; };',
      }),
    });
    const definition = {
      StartAt: 'Save',
      States: {
        Save: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'flaky', 'Payload.$': '$' },
          ResultSelector: { 'result.$': '$.Payload' },
          Retry: [{ ErrorEquals: ['OrderError'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['OrderError'], ResultPath: '$.error', Next: 'Again' }],
          End: true,
        },
        Again: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:111111111111:function:flaky',
          Parameters: { 'id.$': '$.id' },
          End: true,
        },
      },
    };
    const r = await runExecution(definition, { input: { id: 'A-1' }, resources, clock: systemClock });
    expect(r.status).toBe('SUCCEEDED');
    expect(JSON.parse(r.output ?? 'null')).toEqual({ saved: 'A-1', tries: 3 });
    const failures = r.events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
    expect(failures.map((d) => d?.error)).toEqual(['OrderError', 'OrderError']);
    expect(JSON.parse(String(failures[1]?.cause))).toMatchObject({ errorType: 'OrderError', errorMessage: 'try 2' });
    expect(r.events.some((e) => e.type === 'LambdaFunctionSucceeded')).toBe(true);
  });
});
