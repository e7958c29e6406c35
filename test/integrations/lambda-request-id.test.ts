import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskRequest, TaskResult } from '../../src/engine/types.js';
import { FunctionRuntime, requestIdForKey } from '../../src/functions/index.js';
import { createLambdaIntegration } from '../../src/integrations/lambda.js';
import { createTaskRouter } from '../../src/integrations/router.js';
import type { Json } from '../../src/language/json.js';
import type { DispatchedTaskRequest } from '../../src/scheduler/index.js';
import { functionDir, removeFunctionDirs } from '../functions/fixtures.js';
import { closeAll, stepwright, tempDir } from '../scheduler/fixtures.js';

const ACCOUNT = '111111111111';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXECUTION = `arn:aws:states:us-east-1:${ACCOUNT}:execution:m:e`;

const runtimes: FunctionRuntime[] = [];
function newRuntime(): FunctionRuntime {
  const r = new FunctionRuntime({ region: 'us-east-1', accountId: ACCOUNT });
  runtimes.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  removeFunctionDirs();
});

/** A folder every worker user may write to: the handlers below keep a journal there. */
function journalDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-journal-'));
  fs.chmodSync(dir, 0o777);
  return dir;
}

function output(r: TaskResult): Json {
  if (!r.ok) throw new Error(`expected success, got ${r.error}: ${r.cause}`);
  return r.output;
}

function dispatched(resource: string, key: string | undefined): TaskRequest {
  const request: TaskRequest = { resource, parameters: {}, executionArn: EXECUTION, stateName: 'Call' };
  if (key === undefined) return request;
  const withKey: DispatchedTaskRequest = { ...request, idempotencyKey: key };
  return withKey;
}

describe('the request id a handler sees for a Task attempt', () => {
  const runtime = newRuntime();
  runtime.register({
    name: 'node-id',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    codeDir: functionDir({ 'index.mjs': 'export const handler = async (e, context) => context.awsRequestId;' }),
  });
  runtime.register({
    name: 'python-id',
    runtime: 'python3.12',
    handler: 'handler.handler',
    codeDir: functionDir({ 'handler.py': 'def handler(event, context):\n    return context.aws_request_id\n' }),
  });
  const resources = createTaskRouter([createLambdaIntegration(runtime)]);

  for (const [family, name] of [
    ['Node', 'node-id'],
    ['Python', 'python-id'],
  ] as const) {
    it(`${family}: is the same for two deliveries of one attempt and differs across attempts`, async () => {
      const legacy = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
      const first = output(await resources.invoke(dispatched(legacy, `${EXECUTION}:3`)));
      const again = output(await resources.invoke(dispatched(legacy, `${EXECUTION}:3`)));
      const retry = output(await resources.invoke(dispatched(legacy, `${EXECUTION}:7`)));
      expect(first).toMatch(UUID);
      expect(again).toBe(first);
      expect(first).toBe(requestIdForKey(`${EXECUTION}:3`));
      expect(retry).toBe(requestIdForKey(`${EXECUTION}:7`));
      expect(retry).not.toBe(first);
    });
  }

  it('is the request id of the optimized integration’s Invoke response too', async () => {
    const request = {
      ...dispatched('arn:aws:states:::lambda:invoke', `${EXECUTION}:5`),
      parameters: { FunctionName: 'node-id', Payload: {} },
    };
    const out = output(await resources.invoke(request)) as { Payload: string; SdkResponseMetadata: { RequestId: string } };
    expect(out.Payload).toBe(requestIdForKey(`${EXECUTION}:5`));
    expect(out.SdkResponseMetadata.RequestId).toBe(out.Payload);
  });

  it('stays random without an idempotency key (the in-memory loop, direct Invoke)', async () => {
    const legacy = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:node-id`;
    const a = output(await resources.invoke(dispatched(legacy, undefined)));
    const b = output(await resources.invoke(dispatched(legacy, undefined)));
    expect(a).toMatch(UUID);
    expect(b).not.toBe(a);
    const direct = await runtime.invoke('node-id', '{}');
    expect(JSON.parse(direct.payload)).toBe(direct.requestId);
    expect([a, b]).not.toContain(direct.requestId);
  });
});

describe('the request id across a crash and across retries, durably', () => {
  // Appends context.awsRequestId to the journal; the first delivery then never answers (the server
  // "crashes" under it), later ones fail until the third, so that Retry makes a new attempt.
  const handler = `
import fs from 'node:fs';
export const handler = async (event, context) => {
  fs.appendFileSync(process.env.JOURNAL, context.awsRequestId + '\\n');
  const seen = fs.readFileSync(process.env.JOURNAL, 'utf8').trim().split('\\n');
  if (seen.length === 1) return new Promise(() => undefined);
  if (seen.length === 2) throw new Error('once more');
  return seen;
};`;

  it('gives the re-delivered attempt the same id after a restart and the retry a new one', async () => {
    const journal = path.join(journalDir(), 'ids');
    const code = functionDir({ 'index.mjs': handler });
    const config = {
      name: 'journal',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      codeDir: code,
      timeoutSeconds: 60,
      environment: { JOURNAL: journal },
    } as const;
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:journal`,
          Retry: [{ ErrorEquals: ['Error'], IntervalSeconds: 1, MaxAttempts: 2 }],
          End: true,
        },
      },
    };
    const dir = tempDir();
    const before = newRuntime();
    before.register(config);
    const first = await stepwright({ dataDir: dir, resources: createTaskRouter([createLambdaIntegration(before)]) });
    const { stateMachineArn } = await first.service.createStateMachine({ name: 'm', definition });
    const { executionArn } = await first.service.startExecution({ stateMachineArn, name: 'e', input: '{}' });
    while (!fs.existsSync(journal)) await new Promise((r) => setTimeout(r, 10));
    await closeAll();
    await before.close();

    const after = newRuntime();
    after.register(config);
    const second = await stepwright({ dataDir: dir, resources: createTaskRouter([createLambdaIntegration(after)]) });
    const result = await second.service.awaitExecution(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    const ids = fs.readFileSync(journal, 'utf8').trim().split('\n');
    expect(ids).toHaveLength(3);
    const history = (await second.service.getExecutionHistory({ executionArn, maxResults: 100 })).events;
    const scheduled = history.filter((e) => e.type === 'LambdaFunctionScheduled').map((e) => e.id);
    expect(scheduled).toHaveLength(2);
    expect(ids[0]).toBe(requestIdForKey(`${executionArn}:${scheduled[0]}`));
    expect(ids[1]).toBe(ids[0]); // the same attempt, delivered again after the restart
    expect(ids[2]).toBe(requestIdForKey(`${executionArn}:${scheduled[1]}`));
    expect(ids[2]).not.toBe(ids[0]); // the retry is a new attempt
  });
});
