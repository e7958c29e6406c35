import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStepwrightServer } from '../../src/app/server.js';
import { FunctionRuntime } from '../../src/functions/index.js';
import { FunctionLogRecorder, STORED_LOG_CHARS } from '../../src/integrations/function-logs.js';
import { SqliteStore } from '../../src/store/index.js';
import { functionDir, removeFunctionDirs } from '../functions/fixtures.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeFunctionDirs();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-function-logs-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function echoRuntime(): FunctionRuntime {
  const runtime = new FunctionRuntime();
  cleanups.push(() => runtime.close());
  runtime.register({
    name: 'echo',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    codeDir: functionDir({ 'index.mjs': 'export const handler = async (e) => { console.log("said", e.say ?? ""); return e; };' }),
  });
  return runtime;
}

describe('FunctionLogRecorder', () => {
  it('keeps every invocation in the store, so that a store opened again still has them', async () => {
    const dir = tempDir();
    const runtime = echoRuntime();
    const store = new SqliteStore(dir);
    const recorder = new FunctionLogRecorder(runtime, store);
    const first = await runtime.invoke('echo', '{"say":"one"}');
    const second = await runtime.invoke('echo', '{"say":"two"}');
    // A read right after the invocations sees them: pending logs are written first.
    expect((await recorder.list({ functionName: 'echo' })).map((l) => l.requestId)).toEqual([second.requestId, first.requestId]);
    await recorder.close();
    await store.close();

    const reopened = new SqliteStore(dir);
    cleanups.push(() => reopened.close());
    const [kept] = await reopened.listFunctionLogs({ requestId: first.requestId });
    expect(kept).toMatchObject({ functionName: 'echo', ok: true, memoryMB: 128 });
    expect(kept.logs).toContain(`START RequestId: ${first.requestId}`);
    expect(kept.logs).toMatch(/\tINFO\tsaid one\n/);
  });

  it('bounds what it keeps: the retention per function, and a flood of output cut to one log event', async () => {
    const runtime = echoRuntime();
    const store = new SqliteStore(tempDir());
    cleanups.push(() => store.close());
    const recorder = new FunctionLogRecorder(runtime, store, { retention: { perFunction: 2, maxAgeMs: 60_000 } });
    const ids: string[] = [];
    for (const say of ['a', 'b', 'c', 'x'.repeat(STORED_LOG_CHARS)]) ids.push((await runtime.invoke('echo', JSON.stringify({ say }))).requestId);
    const kept = await recorder.list({ functionName: 'echo' });
    expect(kept.map((l) => l.requestId)).toEqual([ids[3], ids[2]]);
    expect(kept[0].logs.length).toBeLessThan(STORED_LOG_CHARS + 100);
    expect(kept[0].logs).toMatch(/\[log truncated: \d+ more characters\]\n$/);
    await recorder.close();
  });

  it('reports a store that fails, and the invocation still answers', async () => {
    const runtime = echoRuntime();
    const errors: string[] = [];
    const failing = {
      appendFunctionLogs: () => Promise.reject(new Error('disk full')),
      listFunctionLogs: () => Promise.resolve([]),
    };
    const recorder = new FunctionLogRecorder(runtime, failing, { onError: (e, where) => errors.push(`${where}: ${(e as Error).message}`) });
    expect((await runtime.invoke('echo', '{"say":"hi"}')).ok).toBe(true);
    await recorder.flush();
    expect(errors).toEqual(['keeping 1 function log(s): disk full']);
    await recorder.close();
  });
});

describe("the console's function logs after a restart", () => {
  it("shows a Task state's invocation after the server was stopped and started again on its data dir", async () => {
    const dataDir = tempDir();
    const project = functionDir({
      'functions/greet/index.mjs': 'export const handler = async (e) => { console.log("hello", e.name); return { greeting: `hello ${e.name}` }; };',
      'state-machines/hello.asl.json': JSON.stringify({
        StartAt: 'Greet',
        States: { Greet: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'greet', 'Payload.$': '$' }, End: true } },
      }),
    });
    let server = await startStepwrightServer({ port: 0, dataDir, project, logLevel: false });
    const sfn = async (operation: string, input: object): Promise<Record<string, string>> => {
      const res = await fetch(`${server.url}/`, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(input) });
      return (await res.json()) as Record<string, string>;
    };
    try {
      const { executionArn } = await sfn('StartExecution', { stateMachineArn: server.machines.get('hello'), input: '{"name":"ada"}' });
      await server.service.awaitExecution(executionArn);
      await server.close();
      server = await startStepwrightServer({ port: 0, dataDir, project, logLevel: false });
      const res = await fetch(`${server.url}/console/api/function-logs?executionArn=${encodeURIComponent(executionArn)}&stateName=Greet`);
      const { invocations } = (await res.json()) as { invocations: { functionName: string; stateName: string; logs: string }[] };
      expect(invocations).toHaveLength(1);
      expect(invocations[0]).toMatchObject({ functionName: 'greet', stateName: 'Greet' });
      expect(invocations[0].logs).toMatch(/\tINFO\thello ada\n/);
      const recent = await fetch(`${server.url}/console/api/functions/greet/invocations`);
      expect(((await recent.json()) as { invocations: unknown[] }).invocations).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 30_000);
});
