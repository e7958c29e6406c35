import { afterAll, describe, expect, it } from 'vitest';
import { FunctionRuntime, type FunctionConfig } from '../../src/functions/index.js';
import { failed, functionDir, ok, removeFunctionDirs } from './fixtures.js';

const runtime = new FunctionRuntime({ region: 'eu-west-1', accountId: '123456789012' });
afterAll(async () => {
  await runtime.close();
  removeFunctionDirs();
});

let counter = 0;
function pythonFunction(
  source: string,
  config: Partial<FunctionConfig> = {},
  extra: Record<string, string> = {},
): string {
  const name = `py-fn-${++counter}`;
  runtime.register({
    name,
    runtime: 'python3.12',
    handler: 'lambda_function.lambda_handler',
    codeDir: functionDir({ 'lambda_function.py': source, ...extra }),
    timeoutSeconds: 5,
    ...config,
  });
  return name;
}


describe('Python handlers', () => {
  it("returns the handler's result as JSON", async () => {
    const fn = pythonFunction(
      'def lambda_handler(event, context):\n    return {"statusCode": 200, "body": event["order"]}\n',
    );
    expect(ok(await runtime.invoke(fn, '{"order":"A-1"}'))).toEqual({ statusCode: 200, body: 'A-1' });
  });

  it("gives the handler Lambda's context object and environment", async () => {
    const fn = pythonFunction(
      [
        'import os',
        'def lambda_handler(event, context):',
        '    return [context.function_name, context.function_version, context.invoked_function_arn, context.memory_limit_in_mb,',
        '            context.aws_request_id, context.log_group_name, 0 < context.get_remaining_time_in_millis() <= 2000,',
        '            os.environ["AWS_LAMBDA_FUNCTION_NAME"], os.environ["_HANDLER"], os.environ["AWS_REGION"], os.environ["TABLE"]]',
      ].join('\n'),
      { timeoutSeconds: 2, environment: { TABLE: 'orders' } },
    );
    expect(ok(await runtime.invoke(fn, '{}', { requestId: 'py-req' }))).toEqual([
      fn,
      '$LATEST',
      `arn:aws:lambda:eu-west-1:123456789012:function:${fn}`,
      '128',
      'py-req',
      `/aws/lambda/${fn}`,
      true,
      fn,
      'lambda_function.lambda_handler',
      'eu-west-1',
      'orders',
    ]);
  });

  it('keeps module state in a warm worker', async () => {
    const fn = pythonFunction('n = 0\ndef lambda_handler(event, context):\n    global n\n    n += 1\n    return n\n');
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(1);
    expect(ok(await runtime.invoke(fn, '{}'))).toBe(2);
  });

  it('imports sibling modules of the code folder and a handler in a package folder', async () => {
    const fn = pythonFunction(
      '',
      { handler: 'app/main.handle' },
      {
        'app/__init__.py': '',
        'app/main.py': 'from app import util\ndef handle(e, c):\n    return util.twice(e["n"])\n',
        'app/util.py': 'def twice(n):\n    return 2 * n\n',
      },
    );
    expect(ok(await runtime.invoke(fn, '{"n":5}'))).toBe(10);
  });

  it('returns bytes as the raw payload and Decimals as numbers', async () => {
    const bytesFn = pythonFunction('def lambda_handler(event, context):\n    return b\'"raw"\'\n');
    expect(ok(await runtime.invoke(bytesFn, '{}'))).toBe('raw');
    const decFn = pythonFunction(
      'from decimal import Decimal\ndef lambda_handler(event, context):\n    return {"a": Decimal("1.5"), "b": Decimal("2")}\n',
    );
    expect(ok(await runtime.invoke(decFn, '{}'))).toEqual({ a: 1.5, b: 2 });
  });

  it('captures print output between START and END', async () => {
    const fn = pythonFunction(
      'print("init")\ndef lambda_handler(event, context):\n    print("saving", event["id"])\n    return None\n',
    );
    const r = await runtime.invoke(fn, '{"id":9}', { requestId: 'py-log' });
    expect(r.ok && r.payload).toBe('null');
    expect(r.logs).toMatch(
      /^START RequestId: py-log Version: \$LATEST\ninit\nsaving 9\nEND RequestId: py-log\nREPORT RequestId: py-log\t/,
    );
  });
});

describe('broken Python handlers', () => {
  it('reports an exception as {errorMessage, errorType, requestId, stackTrace} as Lambda does', async () => {
    const fn = pythonFunction('def lambda_handler(event, context):\n    raise ValueError("bad order")\n');
    const r = failed(await runtime.invoke(fn, '{}', { requestId: 'py-err' }));
    const body = JSON.parse(r.payload) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    expect(body).toMatchObject({ errorMessage: 'bad order', errorType: 'ValueError', requestId: 'py-err' });
    expect(body.stackTrace).toEqual([
      expect.stringMatching(
        /^ {2}File ".*lambda_function\.py", line 2, in lambda_handler\n {4}raise ValueError\("bad order"\)\n$/,
      ),
    ]);
  });

  it('shows the code folder as /var/task in stack traces, as Lambda does (the default)', async () => {
    const aliased = new FunctionRuntime();
    try {
      aliased.register({
        name: 'a',
        runtime: 'python3.12',
        handler: 'handler.handler',
        codeDir: functionDir({ 'handler.py': 'def handler(e, c):\n    raise Exception("x")\n' }),
      });
      const body = JSON.parse(failed(await aliased.invoke('a', '{}')).payload) as { stackTrace: string[] };
      expect(body.stackTrace[0]).toBe('  File "/var/task/handler.py", line 2, in handler\n    raise Exception("x")\n');
    } finally {
      await aliased.close();
    }
  });

  it('reports a syntax error as Runtime.UserCodeSyntaxError', async () => {
    const fn = pythonFunction('def lambda_handler(event, context)\n    return 1\n');
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(r.errorMessage).toMatch(/^Syntax error in module 'lambda_function': /);
  });

  it('reports a failed import as Runtime.ImportModuleError', async () => {
    const fn = pythonFunction('import no_such_module\ndef lambda_handler(event, context):\n    return 1\n');
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.ImportModuleError');
    expect(r.errorMessage).toBe("Unable to import module 'lambda_function': No module named 'no_such_module'");
  });

  it('reports a missing handler function as Runtime.HandlerNotFound', async () => {
    const fn = pythonFunction('def other(event, context):\n    return 1\n');
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.HandlerNotFound');
    expect(r.errorMessage).toBe("Handler 'lambda_handler' missing on module 'lambda_function'");
  });

  it('kills a handler past its timeout, then serves the next invocation', async () => {
    const fn = pythonFunction(
      'import time\ndef lambda_handler(event, context):\n    if event.get("sleep"):\n        time.sleep(30)\n    return "ok"\n',
      { timeoutSeconds: 0.3 },
    );
    const r = failed(await runtime.invoke(fn, '{"sleep":true}', { requestId: 'py-slow' }));
    expect(r.errorMessage).toBe('RequestId: py-slow Error: Task timed out after 0.30 seconds');
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('ok');
  });

  it('reports memory over the limit as Runtime.OutOfMemory', async () => {
    const fn = pythonFunction(
      'def lambda_handler(event, context):\n    if not event.get("grow"):\n        return "ok"\n    keep = []\n    while True:\n        keep.append(bytearray(10 * 1024 * 1024))\n',
      { memoryMB: 64 },
    );
    const r = failed(await runtime.invoke(fn, '{"grow":true}', { requestId: 'py-mem' }));
    expect(r.errorType).toBe('Runtime.OutOfMemory');
    expect(ok(await runtime.invoke(fn, '{}'))).toBe('ok');
  });

  it('reports sys.exit as Runtime.ExitError', async () => {
    const fn = pythonFunction('import os\ndef lambda_handler(event, context):\n    os._exit(2)\n');
    const r = failed(await runtime.invoke(fn, '{}', { requestId: 'py-exit' }));
    expect(r.errorMessage).toBe('RequestId: py-exit Error: Runtime exited with error: exit status 2');
  });

  it('refuses a response over 6 MB', async () => {
    const fn = pythonFunction('def lambda_handler(event, context):\n    return "x" * (7 * 1024 * 1024)\n');
    expect(failed(await runtime.invoke(fn, '{}')).errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('reports a result that is not JSON serialisable as Runtime.MarshalError', async () => {
    const fn = pythonFunction('def lambda_handler(event, context):\n    return {1, 2}\n');
    const r = failed(await runtime.invoke(fn, '{}'));
    expect(r.errorType).toBe('Runtime.MarshalError');
    expect(r.errorMessage).toBe('Unable to marshal response: Object of type set is not JSON serializable');
  });
});

describe('Python logging', () => {
  it("formats the logging module's records with level, time and request id as Lambda does", async () => {
    const fn = pythonFunction(
      'import logging\nlogger = logging.getLogger()\nlogger.setLevel(logging.INFO)\ndef lambda_handler(event, context):\n    logger.info("stored %s", event["id"])\n    return 1\n',
    );
    const r = await runtime.invoke(fn, '{"id":4}', { requestId: 'py-logging' });
    expect(r.logs).toMatch(/\n\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tpy-logging\tstored 4\n/);
  });
});
