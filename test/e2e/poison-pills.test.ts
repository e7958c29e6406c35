// Issue #13: each poison pill runs as an execution through the AWS SDK against a real server
// process; the server keeps answering, other executions succeed, the poisoned ones end FAILED.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE = 'arn:aws:iam::123456789012:role/test';

let dataDir: string;
let server: { child: ChildProcess; url: string; sfn: SFNClient } | undefined;

async function startServer(): Promise<{ child: ChildProcess; url: string; sfn: SFNClient }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stderr!.on('data', () => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 20_000);
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout}`)));
  });
  return { child, url, sfn: new SFNClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 }) };
}

async function stopServer(signal: NodeJS.Signals): Promise<void> {
  if (server === undefined) return;
  const { child, sfn } = server;
  server = undefined;
  sfn.destroy();
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-poison-'));
  server = await startServer();
}, 30_000);

afterAll(async () => {
  await stopServer('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sfn = (): SFNClient => server!.sfn;

async function machine(name: string, definition: object): Promise<string> {
  const r = await sfn().send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }));
  return r.stateMachineArn!;
}

const jsonataOutput = (expression: string): object => ({
  QueryLanguage: 'JSONata',
  StartAt: 'Eval',
  States: { Eval: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } },
});

async function start(stateMachineArn: string, input: object = {}): Promise<string> {
  return (await sfn().send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
}

async function awaitDone(executionArn: string): Promise<{ status?: string; output?: string; error?: string; cause?: string }> {
  for (let i = 0; i < 1200; i++) {
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${executionArn} still running`);
}

async function health(): Promise<unknown> {
  return (await fetch(`${server!.url}/health`)).json();
}

describe('poison pills against a server', () => {
  it('fails the JSONata pills with States.QueryEvaluationError while the server answers and others succeed', async () => {
    const healthy = await machine('healthy', { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: 'ok', End: true } } });
    const pad = await machine('pad', jsonataOutput('$pad("x", 500000000)'));
    const product = await machine('product', jsonataOutput('$count([1..10000000].[1..10000000])'));
    const pills = [await start(pad), await start(product)];
    expect(await health()).toEqual({ status: 'ok' });
    expect((await awaitDone(await start(healthy))).status).toBe('SUCCEEDED');
    for (const arn of pills) {
      const d = await awaitDone(arn);
      expect(d.status).toBe('FAILED');
      expect(d.error).toBe('States.QueryEvaluationError');
      expect(d.cause).toMatch(/threw an error during evaluation\. (The result is too large|Out of memory)/);
    }
  }, 60_000);

  it('answers the backtracking regex pills (JSONata $match/$contains, JSONPath =~, StringMatches) at once', async () => {
    const s = 'a'.repeat(5000) + '!';
    const regex = await machine('regex', jsonataOutput('[$contains($states.input.s, /(a+)+$/), $count($match($states.input.s, /(a+)+b/))]'));
    const filter = await machine('filter', {
      StartAt: 'F',
      States: { F: { Type: 'Pass', InputPath: '$.items[?(@.a =~ /(a+)+$/)]', End: true } },
    });
    const matches = await machine('matches', {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.s', StringMatches: '*a*a*a*a*a*a*b', Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Pass', Result: 'yes', End: true },
        No: { Type: 'Pass', Result: 'no', End: true },
      },
    });
    expect(await awaitDone(await start(regex, { s }))).toMatchObject({ status: 'SUCCEEDED', output: '[false,0]' });
    expect(await awaitDone(await start(filter, { items: [{ a: s }, { a: 'aa' }] }))).toMatchObject({ status: 'SUCCEEDED', output: '[{"a":"aa"}]' });
    expect(await awaitDone(await start(matches, { s: 'a'.repeat(100) }))).toMatchObject({ status: 'SUCCEEDED', output: '"no"' });
  }, 30_000);

  it('survives a kill -9 in the middle of a runaway regex and fails it after the restart', async () => {
    const backref = await machine('backref', jsonataOutput('$contains($states.input.s, /^(a+)+\\1$/)'));
    const arn = await start(backref, { s: 'a'.repeat(30) + '!' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await sfn().send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await stopServer('SIGKILL');
    server = await startServer();
    expect(await health()).toEqual({ status: 'ok' });
    const d = await awaitDone(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(d.cause).toMatch(/Expression evaluation timeout: Check for infinite loop$/);
  }, 60_000);
});
