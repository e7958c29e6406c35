import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDev } from '../../src/cli/commands/dev.js';

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-dev-'));
const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
};
const handler = (version: number): string => `exports.handler = async (event) => ({ version: ${version}, got: event });\n`;
const machine = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:hello', End: true, ...extra } },
  });

let out = '';
let err = '';
const stop = new AbortController();
let done: Promise<number>;
let client: SFNClient;
const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:flow';

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; out: ${out} err: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function runOnce(name: string): Promise<unknown> {
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: '{"n":1}' }));
  for (;;) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d.status === 'SUCCEEDED' ? JSON.parse(d.output!) : `${d.status} ${d.error} ${d.cause}`;
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  write('functions/hello/index.js', handler(1));
  write('state-machines/flow.asl.json', machine());
  done = runDev([project, '--port', '0', '--log-level', 'silent'], { io: { out: (t) => (out += t), err: (t) => (err += t) }, signal: stop.signal });
  await until(() => out.includes('Stepwright dev on '), 'the server');
  const url = /on (http:\/\/[^:]+:\d+)/.exec(out)![1];
  client = new SFNClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  stop.abort();
  expect(await done).toBe(0);
  client.destroy();
  fs.rmSync(project, { recursive: true, force: true });
});

describe('stepwright dev', () => {
  it('serves the project and reloads a function when its code changes', async () => {
    expect(await runOnce('first')).toEqual({ version: 1, got: { n: 1 } });
    write('functions/hello/index.js', handler(2));
    await until(() => out.includes('reloaded functions: hello'), 'the function reload');
    expect(await runOnce('second')).toEqual({ version: 2, got: { n: 1 } });
  });

  it('updates a state machine when its definition changes, and reports a broken one without stopping', async () => {
    write('state-machines/flow.asl.json', machine({ ResultPath: '$.call' }));
    await until(() => out.includes('reloaded state machines: flow'), 'the definition reload');
    expect(await runOnce('third')).toEqual({ n: 1, call: { version: 2, got: { n: 1 } } });

    write('state-machines/flow.asl.json', machine({ Next: 'Nowhere' }));
    await until(() => err.includes('flow.asl.json'), 'the error report');
    expect(err).toMatch(/Nowhere/);
    expect(await runOnce('fourth')).toEqual({ n: 1, call: { version: 2, got: { n: 1 } } });
  });
});
