import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip, ROLE, startLambdaApi, tempDir, type LambdaApiUnderTest } from './lambda-server.js';

let api: LambdaApiUnderTest;
let work: string;

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aws lambda …` against the API under test (asynchronously: the server lives in this process). */
function aws(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['lambda', ...args, '--endpoint-url', api.url, '--output', 'json'],
      {
        cwd: work,
        timeout: 30_000,
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '' },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function json(result: CliResult): Record<string, unknown> {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const HANDLER = `exports.handler = async (event) => {
  if (event.fail) throw new Error('cli asked to fail');
  console.log('from the cli', event.n);
  return { n: event.n, twice: event.n * 2, tag: process.env.TAG ?? null };
};`;

beforeAll(async () => {
  api = await startLambdaApi();
  work = tempDir('stepwright-aws-cli-');
  writeFileSync(path.join(work, 'fn.zip'), buildZip([{ name: 'index.js', content: HANDLER }]));
  writeFileSync(path.join(work, 'v2.zip'), buildZip([{ name: 'index.js', content: 'exports.handler = async () => "second version";' }]));
  writeFileSync(path.join(work, 'evil.zip'), buildZip([{ name: 'index.js', content: HANDLER }, { name: '../../aws-cli-escaped.js', content: 'x' }]));
  const created = json(
    await aws('create-function', '--function-name', 'cli-fn', '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE, '--zip-file', 'fileb://fn.zip'),
  );
  expect(created).toMatchObject({ FunctionName: 'cli-fn', State: 'Active', Runtime: 'nodejs20.x' });
}, 40_000);
afterAll(async () => {
  await api?.close();
});

describe('the Lambda API driven by the AWS CLI', () => {
  it('invokes with --log-type Tail, writing the payload to the outfile', async () => {
    const out = json(await aws('invoke', '--function-name', 'cli-fn', '--payload', '{"n": 21}', '--log-type', 'Tail', 'out.json'));
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(out).not.toHaveProperty('FunctionError');
    expect(JSON.parse(readFileSync(path.join(work, 'out.json'), 'utf8'))).toEqual({ n: 21, twice: 42, tag: null });
    expect(Buffer.from(String(out.LogResult), 'base64').toString()).toContain('INFO\tfrom the cli 21');
  });

  it('reports a function error with FunctionError Unhandled and the error body in the outfile', async () => {
    const out = json(await aws('invoke', '--function-name', 'cli-fn', '--payload', '{"fail": true}', 'err.json'));
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(JSON.parse(readFileSync(path.join(work, 'err.json'), 'utf8'))).toMatchObject({ errorType: 'Error', errorMessage: 'cli asked to fail' });
  });

  it('answers Event with 202 and DryRun with 204', async () => {
    const [event, dry] = await Promise.all([
      aws('invoke', '--function-name', 'cli-fn', '--invocation-type', 'Event', '--payload', '{"n": 1}', 'event.json'),
      aws('invoke', '--function-name', 'cli-fn', '--invocation-type', 'DryRun', 'dry.json'),
    ]);
    expect(json(event)).toMatchObject({ StatusCode: 202 });
    expect(json(dry)).toMatchObject({ StatusCode: 204 });
  });

  it('updates configuration and code, then lists and deletes', async () => {
    const config = json(await aws('update-function-configuration', '--function-name', 'cli-fn', '--environment', 'Variables={TAG=blue}', '--timeout', '7'));
    expect(config).toMatchObject({ Timeout: 7, Environment: { Variables: { TAG: 'blue' } } });
    json(await aws('invoke', '--function-name', 'cli-fn', '--payload', '{"n": 2}', 'tag.json'));
    expect(JSON.parse(readFileSync(path.join(work, 'tag.json'), 'utf8'))).toMatchObject({ tag: 'blue' });

    const code = json(await aws('update-function-code', '--function-name', 'cli-fn', '--zip-file', 'fileb://v2.zip'));
    expect(code.CodeSize).toBe(readFileSync(path.join(work, 'v2.zip')).length);
    json(await aws('invoke', '--function-name', 'cli-fn', 'v2.json'));
    expect(JSON.parse(readFileSync(path.join(work, 'v2.json'), 'utf8'))).toBe('second version');

    const listed = json(await aws('list-functions'));
    expect((listed.Functions as { FunctionName: string }[]).map((f) => f.FunctionName)).toEqual(['cli-fn']);

    expect((await aws('delete-function', '--function-name', 'cli-fn')).code).toBe(0);
    const gone = await aws('get-function', '--function-name', 'cli-fn');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:cli-fn');
  }, 20_000);

  it('prints AWS error codes for an unknown function, a bad runtime and a traversal zip', async () => {
    const [unknown, runtime, evil] = await Promise.all([
      aws('invoke', '--function-name', 'nope', 'nope.json'),
      aws('create-function', '--function-name', 'cli-bad', '--runtime', 'nodejs99.x', '--handler', 'index.handler', '--role', ROLE, '--zip-file', 'fileb://fn.zip'),
      aws('create-function', '--function-name', 'cli-evil', '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--role', ROLE, '--zip-file', 'fileb://evil.zip'),
    ]);
    expect(unknown.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope');
    expect(runtime.stderr).toContain("An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: Value nodejs99.x at 'runtime'");
    expect(evil.stderr).toContain('An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: Could not unzip uploaded file: invalid relative path: ../../aws-cli-escaped.js');
  }, 20_000);
});
