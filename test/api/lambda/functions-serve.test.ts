import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { runFunctions } from '../../../src/cli/commands/functions.js';
import { nodeZip, ROLE, tempDir } from './lambda-server.js';

/** `stepwright functions serve` lives in src/cli/commands/functions.ts; its tests sit with the API it serves. */
function client(url: string): LambdaClient {
  return new LambdaClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

async function serve(args: string[]): Promise<{ url: string; out: () => string; stop: () => Promise<number> }> {
  let out = '';
  let err = '';
  const abort = new AbortController();
  const exit = runFunctions(['serve', '--port', '0', ...args], { io: { out: (t) => (out += t), err: (t) => (err += t) }, signal: abort.signal });
  const deadline = Date.now() + 10_000;
  while (!/listening on (\S+)/.test(out)) {
    if (Date.now() > deadline) throw new Error(`server did not start: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const url = /listening on (\S+)/.exec(out)?.[1] ?? '';
  return {
    url,
    out: () => out,
    stop: async () => {
      abort.abort();
      return exit;
    },
  };
}

describe('stepwright functions serve', () => {
  it('serves /health and the Lambda API, keeps created functions across a restart, and stops cleanly', async () => {
    const dataDir = tempDir('stepwright-serve-');
    const first = await serve(['--data-dir', dataDir]);
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', functions: 0 });
    const lambda = client(first.url);
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'kept', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip('export const handler = async (e) => e.v + 1;') } }));
    lambda.destroy();
    expect(await first.stop()).toBe(0);
    expect(first.out()).toContain('Lambda API stopped');

    const second = await serve(['--data-dir', dataDir]);
    const again = client(second.url);
    const out = await again.send(new InvokeCommand({ FunctionName: 'kept', Payload: Buffer.from('{"v": 41}') }));
    expect(Buffer.from(out.Payload ?? new Uint8Array()).toString()).toBe('42');
    expect((await fetch(`${second.url}/elsewhere`)).status).toBe(404);
    again.destroy();
    expect(await second.stop()).toBe(0);
  });

  it('serves a functions folder read-only beside the API, with its reserved concurrency throttling as Lambda', async () => {
    const functionsDir = tempDir('stepwright-project-');
    mkdirSync(path.join(functionsDir, 'greet'));
    writeFileSync(path.join(functionsDir, 'greet', 'index.mjs'), 'export const handler = async (e) => `hello ${e.name}`;');
    mkdirSync(path.join(functionsDir, 'closed'));
    writeFileSync(path.join(functionsDir, 'closed', 'index.mjs'), 'export const handler = async () => 1;');
    writeFileSync(path.join(functionsDir, 'closed', 'function.json'), JSON.stringify({ runtime: 'nodejs20.x', reservedConcurrency: 0 }));
    const server = await serve(['--data-dir', tempDir('stepwright-serve-'), '--functions-dir', functionsDir]);
    const lambda = client(server.url);
    try {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'greet', Payload: Buffer.from('{"name": "Ada"}') }));
      expect(Buffer.from(out.Payload ?? new Uint8Array()).toString()).toBe('"hello Ada"');
      const listed = await lambda.send(new ListFunctionsCommand({}));
      expect(listed.Functions?.map((f) => f.FunctionName)).toEqual(['closed', 'greet']);
      await expect(lambda.send(new InvokeCommand({ FunctionName: 'closed' }))).rejects.toMatchObject({
        name: 'TooManyRequestsException',
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        $metadata: { httpStatusCode: 429 },
      });
      await expect(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'greet', Timeout: 9 }))).rejects.toMatchObject({
        name: 'ResourceConflictException',
      });
    } finally {
      lambda.destroy();
      expect(await server.stop()).toBe(0);
    }
  });

  it('runs as `stepwright functions serve` and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', "import('./src/cli/main.ts').then((m) => m.main(['functions', 'serve', '--port', '0', '--data-dir', process.argv[1]])).then((code) => { process.exitCode = code; })", tempDir('stepwright-serve-')],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (!/listening on (\S+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(await (await fetch(`${url}/2015-03-31/functions`)).json()).toEqual({ Functions: [] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('Lambda API stopped');
  }, 20_000);

  it('prints usage for an unknown subcommand', async () => {
    let err = '';
    expect(await runFunctions(['launch'], { io: { out: () => undefined, err: (t) => (err += t) } })).toBe(2);
    expect(err).toContain('usage: stepwright functions serve');
  });
});
