import { afterAll, describe, expect, it } from 'vitest';
import { FunctionRuntime, type FunctionConfig } from '../../src/functions/index.js';
import { failed, functionDir, ok, removeFunctionDirs } from './fixtures.js';

const runtime = new FunctionRuntime({ region: 'eu-west-1', accountId: '123456789012' });
afterAll(async () => {
  await runtime.close();
  removeFunctionDirs();
});

let counter = 0;
function nodeFunction(files: Record<string, string>, config: Partial<FunctionConfig> = {}): string {
  const name = `node-fn-${++counter}`;
  runtime.register({
    name,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    codeDir: functionDir(files),
    timeoutSeconds: 5,
    ...config,
  });
  return name;
}


describe("the AWS SDK Lambda's Node runtime provides", () => {
  // Function folders are under the temp dir, with no node_modules above them: only the runtime's SDK can answer.
  it('is required by a CommonJS handler that does not bundle it, after its layers on NODE_PATH', async () => {
    const fn = nodeFunction({
      'index.js':
        'const { SQSClient, ListQueuesCommand } = require("@aws-sdk/client-sqs"); exports.handler = async () => ({ client: typeof SQSClient, command: new ListQueuesCommand({}).constructor.name, paths: process.env.NODE_PATH.split(":").length });',
    }, { environment: { NODE_PATH: '/opt/nodejs/node_modules' } });
    expect(ok(await runtime.invoke(fn, '{}'))).toEqual({ client: 'function', command: 'ListQueuesCommand', paths: 2 });
  });

  it('is imported by an ES module handler', async () => {
    const fn = nodeFunction({
      'index.mjs': 'import { DynamoDBClient } from "@aws-sdk/client-dynamodb"; import { NodeHttpHandler } from "@smithy/node-http-handler"; export const handler = async () => [typeof DynamoDBClient, typeof NodeHttpHandler];',
    });
    expect(ok(await runtime.invoke(fn, '{}'))).toEqual(['function', 'function']);
  });

  it('is the only package it provides: the rest of Stepwright\'s dependencies are not visible', async () => {
    const cjs = nodeFunction({ 'index.js': 'exports.handler = async () => require("fastify");' });
    expect(JSON.parse(failed(await runtime.invoke(cjs, '{}')).payload)).toMatchObject({ errorMessage: expect.stringContaining("Cannot find module 'fastify'") });
    const esm = nodeFunction({ 'index.mjs': 'import "yaml"; export const handler = async () => 1;' });
    expect(JSON.parse(failed(await runtime.invoke(esm, '{}')).payload)).toMatchObject({ errorMessage: expect.stringContaining("'yaml'") });
  });
});

describe('Node handlers in every module style', () => {
  it('runs an async ESM handler (.mjs) and returns its JSON result', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async (event) => ({ got: event.x * 2 });' });
    expect(ok(await runtime.invoke(fn, '{"x":21}'))).toEqual({ got: 42 });
  });

  it('loads a .js handler as ESM when package.json says "type": "module"', async () => {
    const fn = nodeFunction({
      'package.json': '{"type":"module"}',
      'index.js': 'export async function handler() { return import.meta.url.startsWith("file:"); }',
    });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(true);
  });

  it('loads a CommonJS handler with require of a sibling module', async () => {
    const fn = nodeFunction({
      'index.js': 'const lib = require("./lib"); exports.handler = async (e) => lib.twice(e.n);',
      'lib.js': 'module.exports = { twice: (n) => n * 2 };',
    });
    expect(ok(await runtime.invoke(fn, '{"n":4}'))).toBe(8);
  });

  it('transforms a TypeScript handler with esbuild, imports of other .ts files included', async () => {
    const fn = nodeFunction({
      'index.ts':
        'import { greet } from "./greet";\ninterface E { name: string }\nexport const handler = async (e: E): Promise<string> => greet(e.name);',
      'greet.ts': 'export function greet(n: string): string { return `hello ${n}`; }',
    });
    expect(ok(await runtime.invoke(fn, '{"name":"ada"}'))).toBe('hello ada');
  });

  it('answers through the callback of a callback-style handler', async () => {
    const fn = nodeFunction({
      'index.js':
        'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { cb: event.v }), 5); };',
    });
    expect(ok(await runtime.invoke(fn, '{"v":"yes"}'))).toEqual({ cb: 'yes' });
  });

  it('reports a callback error as the function error', async () => {
    const fn = nodeFunction({
      'index.js': 'exports.handler = (event, context, callback) => callback(new TypeError("nope"));',
    });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('TypeError');
    expect(r.errorMessage).toBe('nope');
  });

  it('finds a handler in a sub-folder (handler "src/app.main")', async () => {
    const fn = nodeFunction(
      { 'src/app.mjs': 'export const main = async () => "nested";' },
      { handler: 'src/app.main' },
    );
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('nested');
  });

  it('answers null for a handler that returns nothing', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => {};' });
    const r = await runtime.invoke(fn, '{}');
    expect(r.ok && r.payload).toBe('null');
  });
});

describe('the Lambda environment', () => {
  it("gives the handler Lambda's context object", async () => {
    const fn = nodeFunction(
      {
        'index.mjs': `export const handler = async (e, c) => ({
          functionName: c.functionName, functionVersion: c.functionVersion, arn: c.invokedFunctionArn,
          memory: c.memoryLimitInMB, requestId: c.awsRequestId, group: c.logGroupName, stream: c.logStreamName,
          remaining: c.getRemainingTimeInMillis(), waits: c.callbackWaitsForEmptyEventLoop });`,
      },
      { memoryMB: 256, timeoutSeconds: 2 },
    );
    const r = await runtime.invoke(fn, '{}', { requestId: 'req-1' });
    const c = ok(r) as Record<string, unknown>;
    expect(c).toMatchObject({
      functionName: fn,
      functionVersion: '$LATEST',
      arn: `arn:aws:lambda:eu-west-1:123456789012:function:${fn}`,
      memory: '256',
      requestId: 'req-1',
      group: `/aws/lambda/${fn}`,
      waits: true,
    });
    expect(c.stream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(c.remaining).toBeGreaterThan(1000);
    expect(c.remaining).toBeLessThanOrEqual(2000);
  });

  it("sets Lambda's environment variables beside the function's own", async () => {
    const fn = nodeFunction(
      {
        'index.mjs':
          'export const handler = async () => { const e = process.env; return [e.AWS_LAMBDA_FUNCTION_NAME, e._HANDLER, e.LAMBDA_TASK_ROOT === process.cwd(), e.AWS_REGION, e.AWS_EXECUTION_ENV, e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, e.TZ, e.GREETING]; };',
      },
      { environment: { GREETING: 'hi', AWS_REGION: 'ignored' } },
    );
    expect(ok(await runtime.invoke(fn, '{}'))).toEqual([
      fn,
      'index.handler',
      true,
      'eu-west-1',
      'AWS_Lambda_nodejs20.x',
      '128',
      ':UTC',
      'hi',
    ]);
  });

  it('keeps module state in a warm worker between invocations', async () => {
    const fn = nodeFunction({ 'index.mjs': 'let n = 0; export const handler = async () => ++n;' });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(1);
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(2);
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(3);
    expect(runtime.workerCount(fn)).toBe(1);
  });

  it('runs new code in new workers when a function is registered again', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => "v1";' });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('v1');
    runtime.register({
      name: fn,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      codeDir: functionDir({ 'index.mjs': 'export const handler = async () => "v2";' }),
    });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('v2');
  });
});

describe('logs', () => {
  it("writes START, the handler's console lines with the request id, END and REPORT", async () => {
    const fn = nodeFunction({
      'index.mjs':
        'console.log("loading"); export const handler = async (e) => { console.log("got", e.a); console.error("oops"); process.stdout.write("raw\\n"); return 1; };',
    });
    const r = await runtime.invoke(fn, '{"a":7}', { requestId: 'log-req' });
    const lines = r.logs.split('\n');
    expect(lines[0]).toBe('START RequestId: log-req Version: $LATEST');
    expect(r.logs).toMatch(/\tundefined\tINFO\tloading\n/);
    expect(r.logs).toMatch(/\tlog-req\tINFO\tgot 7\n/);
    expect(r.logs).toMatch(/\tlog-req\tERROR\toops\n/);
    expect(r.logs).toContain('\nraw\n');
    expect(r.logs).toContain('END RequestId: log-req\n');
    expect(r.logs).toMatch(
      /REPORT RequestId: log-req\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms/,
    );
    const warm = await runtime.invoke(fn, '{"a":8}');
    expect(warm.logs).not.toContain('loading');
    expect(warm.logs).not.toContain('Init Duration');
  });
});

describe("broken handlers get Lambda's answer and leave the runtime healthy", () => {
  it('reports a thrown error as {errorType, errorMessage, trace}', async () => {
    const fn = nodeFunction({
      'index.mjs': 'export const handler = async () => { throw new RangeError("too far"); };',
    });
    const r = failed(await runtime.invoke(fn, '{}'));
    const body = JSON.parse(r.payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('RangeError');
    expect(body.errorMessage).toBe('too far');
    expect(body.trace[0]).toBe('RangeError: too far');
    expect(ok(await runtime.invoke(nodeFunction({ 'index.mjs': 'export const handler = async () => 1;' }), '{}'))).toBe(
      1,
    );
  });

  it('shows the code folder as /var/task in stack traces, as Lambda does (ESM file URLs and CommonJS paths)', async () => {
    const esm = nodeFunction({ 'index.mjs': 'export const handler = async () => {\n  throw new Error("esm");\n};' });
    const esmTrace = (JSON.parse(failed(await runtime.invoke(esm, '{}')).payload) as { trace: string[] }).trace;
    expect(esmTrace[1]).toMatch(/^ {4}at .*\(file:\/\/\/var\/task\/index\.mjs:2:9\)$/);
    const cjs = nodeFunction({ 'index.js': 'exports.handler = async () => {\n  throw new Error("cjs");\n};' });
    const cjsTrace = (JSON.parse(failed(await runtime.invoke(cjs, '{}')).payload) as { trace: string[] }).trace;
    expect(cjsTrace[1]).toMatch(/^ {4}at .*\(\/var\/task\/index\.js:2:9\)$/);
    expect([...esmTrace, ...cjsTrace].some((l) => l.includes('stepwright-fn-'))).toBe(false);
  });

  it('shows the host path in stack traces with taskRootAlias: false', async () => {
    const host = new FunctionRuntime({ taskRootAlias: false });
    try {
      const codeDir = functionDir({ 'index.js': 'exports.handler = async () => {\n  throw new Error("here");\n};' });
      host.register({ name: 'h', runtime: 'nodejs20.x', handler: 'index.handler', codeDir });
      const trace = (JSON.parse(failed(await host.invoke('h', '{}')).payload) as { trace: string[] }).trace;
      expect(trace[1]).toContain('/index.js:2:9');
      expect(trace[1]).not.toContain('/var/task/');
    } finally {
      await host.close();
    }
  });

  it('reports a thrown non-Error with its type as errorType', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => { throw "plain"; };' });
    expect(JSON.parse(failed(await runtime.invoke(fn, '{}')).payload)).toEqual({
      errorType: 'string',
      errorMessage: 'plain',
      trace: [],
    });
  });

  it('kills a handler that runs past its timeout and reports Sandbox.Timedout', async () => {
    const fn = nodeFunction(
      { 'index.mjs': 'let n = 0; export const handler = async (e) => { n++; if (e.spin) for (;;) {} return n; };' },
      { timeoutSeconds: 0.3 },
    );
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(1);
    const r = failed(await runtime.invoke(fn, '{"spin":true}', { requestId: 'slow-1' }));
    expect(JSON.parse(r.payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: slow-1 Error: Task timed out after 0.30 seconds',
    });
    expect(r.logs).toContain('slow-1 Task timed out after 0.30 seconds');
    // The next invocation gets a fresh worker (module state starts again).
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(1);
  });

  it('kills a handler over its memory size and reports Runtime.OutOfMemory', async () => {
    const fn = nodeFunction(
      {
        'index.mjs':
          'export const handler = async (e) => { if (!e.grow) return "fine"; const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); };',
      },
      { memoryMB: 64 },
    );
    const r = failed(await runtime.invoke(fn, '{"grow":true}', { requestId: 'mem-1' }));
    expect(r.errorType).toBe('Runtime.OutOfMemory');
    expect(r.errorMessage).toBe('RequestId: mem-1 Error: Runtime exited with error: signal: killed');
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('fine');
  });

  it('kills a handler whose Buffers (outside the V8 heap) exceed its memory size', async () => {
    const fn = nodeFunction(
      {
        'index.mjs':
          'export const handler = async () => { const keep = []; for (;;) { keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); await new Promise((r) => setTimeout(r, 5)); } };',
      },
      { memoryMB: 64 },
    );
    expect(failed(await runtime.invoke(fn, '{}')).errorType).toBe('Runtime.OutOfMemory');
  });

  it('reports process.exit as Runtime.ExitError with the exit status', async () => {
    const fn = nodeFunction({
      'index.mjs': 'export const handler = async (e) => { if (e.exit) process.exit(3); return "alive"; };',
    });
    const r = failed(await runtime.invoke(fn, '{"exit":true}', { requestId: 'exit-1' }));
    expect(JSON.parse(r.payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: exit-1 Error: Runtime exited with error: exit status 3',
    });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('alive');
  });

  it("reports an exception thrown outside the handler's promise (a timer) as Runtime.ExitError", async () => {
    const fn = nodeFunction({
      'index.mjs': 'export const handler = (e, c, cb) => { setTimeout(() => { throw new Error("late"); }, 1); };',
    });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.ExitError');
    expect(r.logs).toContain('Uncaught Exception');
  });

  it('reports a syntax error as Runtime.UserCodeSyntaxError', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => { return ; ;; }}' });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(r.errorMessage).toMatch(/^SyntaxError: /);
  });

  it('reports a TypeScript syntax error as Runtime.UserCodeSyntaxError, naming the place', async () => {
    const fn = nodeFunction({ 'index.ts': 'export const handler = async (e: { n: number }) => {\n  return e.n +;\n};\n' });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(r.errorMessage).toBe('SyntaxError: Unexpected ";"');
    expect(JSON.parse(r.payload)).toMatchObject({ trace: ['Runtime.UserCodeSyntaxError: SyntaxError: Unexpected ";"', '    at /var/task/index.ts:2:15'] });
  });

  it('reports a missing module as Runtime.ImportModuleError', async () => {
    const fn = nodeFunction({ 'other.mjs': '' });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.ImportModuleError');
    expect(r.errorMessage).toBe("Error: Cannot find module 'index'");
  });

  it('reports a module without the named export as Runtime.HandlerNotFound', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const other = async () => 1;' });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.HandlerNotFound');
    expect(r.errorMessage).toBe('index.handler is undefined or not exported');
  });

  it('refuses a response over 6 MB with Function.ResponseSizeTooLarge', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => "x".repeat(7 * 1024 * 1024);' });
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(JSON.parse(r.payload)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
  });

  it('returns a response just under 6 MB whole', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => "x".repeat(6 * 1024 * 1024 - 100);' });
    const r = await runtime.invoke(fn, '{}');
    expect(r.ok && r.payload.length).toBe(6 * 1024 * 1024 - 98);
  });
});

describe('service errors', () => {
  it('rejects an unknown function with ResourceNotFoundException', async () => {
    await expect(runtime.invoke('no-such-fn', '{}')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      statusCode: 404,
      message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:no-such-fn',
    });
  });

  it('rejects a request payload over 6 MB and one that is not JSON', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => 1;' });
    await expect(runtime.invoke(fn, JSON.stringify('y'.repeat(6_291_456)))).rejects.toMatchObject({
      name: 'RequestTooLargeException',
      statusCode: 413,
    });
    await expect(runtime.invoke(fn, '{oops')).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      statusCode: 400,
    });
  });
});

describe('pools and limits', () => {
  it('runs one invocation at a time per worker, up to maxWorkersPerFunction workers', async () => {
    const pooled = new FunctionRuntime({ maxWorkersPerFunction: 2 });
    try {
      pooled.register({
        name: 'sleepy',
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        codeDir: functionDir({
          'index.mjs':
            'export const handler = async () => { await new Promise((r) => setTimeout(r, 100)); return process.pid; };',
        }),
      });
      const results = await Promise.all([1, 2, 3, 4].map(() => pooled.invoke('sleepy', '{}')));
      const pids = new Set(results.map((r) => (r.ok ? r.payload : 'failed')));
      expect(pids.size).toBe(2);
      expect(pooled.workerCount('sleepy')).toBe(2);
    } finally {
      await pooled.close();
    }
  });

  it('throttles invocations beyond the reserved concurrency with TooManyRequestsException', async () => {
    const fn = nodeFunction(
      {
        'index.mjs': 'export const handler = async () => { await new Promise((r) => setTimeout(r, 100)); return 1; };',
      },
      { reservedConcurrency: 1 },
    );
    const first = runtime.invoke(fn, '{}');
    await expect(runtime.invoke(fn, '{}')).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      statusCode: 429,
      details: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
    });
    expect(ok(await first)).toBe(1);
  });

  it('reaps workers idle for longer than idleMs', async () => {
    const reaping = new FunctionRuntime({ idleMs: 50 });
    try {
      reaping.register({
        name: 'quick',
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        codeDir: functionDir({ 'index.mjs': 'export const handler = async () => 1;' }),
      });
      await reaping.invoke('quick', '{}');
      expect(reaping.workerCount('quick')).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(reaping.workerCount('quick')).toBe(0);
      expect(ok(await reaping.invoke('quick', '{}'))).toBe(1);
    } finally {
      await reaping.close();
    }
  });

  it('kills every worker on close and refuses invocations afterwards', async () => {
    const closing = new FunctionRuntime();
    closing.register({
      name: 'c',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      codeDir: functionDir({ 'index.mjs': 'export const handler = async () => 1;' }),
    });
    await closing.invoke('c', '{}');
    await closing.close();
    expect(closing.workerCount('c')).toBe(0);
    await expect(closing.invoke('c', '{}')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('unregisters a function', async () => {
    const fn = nodeFunction({ 'index.mjs': 'export const handler = async () => 1;' });
    await runtime.invoke(fn, '{}');
    await runtime.unregister(fn);
    expect(runtime.get(fn)).toBeUndefined();
    expect(runtime.list().some((c) => c.name === fn)).toBe(false);
    await expect(runtime.invoke(fn, '{}')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('callbackWaitsForEmptyEventLoop', () => {
  it("answers a callback only when the handler's timers have run, as Lambda does by default", async () => {
    const fn = nodeFunction({
      'index.js':
        'let done = false; exports.handler = (e, c, cb) => { if (e.check) return cb(null, done); setTimeout(() => { done = true; }, 50); cb(null, "early"); };',
    });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('early');
    expect(ok(await runtime.invoke(fn, '{"check":true}'))).toBe(true);
  });

  it('answers at once when the handler sets callbackWaitsForEmptyEventLoop to false', async () => {
    const fn = nodeFunction({
      'index.js':
        'let done = false; exports.handler = (e, c, cb) => { if (e.check) return cb(null, done); c.callbackWaitsForEmptyEventLoop = false; setTimeout(() => { done = true; }, 1000); cb(null, "early"); };',
    });
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('early');
    expect(ok(await runtime.invoke(fn, '{"check":true}'))).toBe(false);
  });
});

describe('kept logs', () => {
  it("keeps each invocation's log by function and request id, the last logsPerFunction of them", async () => {
    const keeping = new FunctionRuntime({ logsPerFunction: 2 });
    try {
      keeping.register({
        name: 'k',
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        codeDir: functionDir({
          'index.mjs': 'export const handler = async (e) => { console.log("n", e.n); return e.n; };',
        }),
      });
      for (const n of [1, 2, 3]) await keeping.invoke('k', JSON.stringify({ n }), { requestId: `k-${n}` });
      expect(keeping.logsOf('k').map((l) => l.requestId)).toEqual(['k-2', 'k-3']);
      const [one] = keeping.logsOf('k', 'k-3');
      expect(one).toMatchObject({ functionName: 'k', ok: true });
      expect(one.logs).toContain('\tk-3\tINFO\tn 3\n');
    } finally {
      await keeping.close();
    }
  });
});

describe('AWS SDK calls from a handler', () => {
  it('get AWS_ENDPOINT_URL and credentials for the Stepwright serving them; the function may name its own endpoint', async () => {
    const local = new FunctionRuntime();
    try {
      local.setAwsEndpoint('http://127.0.0.1:8083');
      const code = functionDir({
        'index.mjs': 'export const handler = async () => ({ url: process.env.AWS_ENDPOINT_URL, key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY });',
      });
      local.register({ name: 'env', runtime: 'nodejs20.x', handler: 'index.handler', codeDir: code });
      local.register({ name: 'own', runtime: 'nodejs20.x', handler: 'index.handler', codeDir: code, environment: { AWS_ENDPOINT_URL: 'http://elsewhere:4566', AWS_ACCESS_KEY_ID: 'mine' } });
      const env = ok(await local.invoke('env', '{}')) as Record<string, string>;
      expect(env.url).toBe('http://127.0.0.1:8083');
      expect(env.key).toMatch(/^AKIA/);
      expect(env.secret).not.toBe('');
      // As on Lambda, the credentials are the runtime's own; the endpoint is the function's to choose.
      expect(ok(await local.invoke('own', '{}'))).toMatchObject({ url: 'http://elsewhere:4566', key: env.key });
    } finally {
      await local.close();
    }
  });
});
