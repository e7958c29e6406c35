import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { startStepwrightServer, type StepwrightServer } from '../../../src/app/server.js';

const dirs: string[] = [];
const servers: StepwrightServer[] = [];
const clients: SFNClient[] = [];

async function serve(dataDir: string): Promise<SFNClient> {
  const server = await startStepwrightServer({ port: 0, dataDir, logLevel: false, activityPollMs: 300 });
  servers.push(server);
  const client = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function takeTask(client: SFNClient, activityArn: string): Promise<{ taskToken: string; input: string }> {
  for (let i = 0; i < 20; i++) {
    const t = await client.send(new GetActivityTaskCommand({ activityArn, workerName: 'w' }));
    if (t.taskToken !== undefined) return { taskToken: t.taskToken, input: t.input! };
  }
  throw new Error('no activity task');
}

async function untilDone(client: SFNClient, executionArn: string): Promise<{ status?: string; output?: string }> {
  let d = await client.send(new DescribeExecutionCommand({ executionArn }));
  for (let i = 0; d.status === 'RUNNING' && i < 200; i++) {
    await new Promise((r) => setTimeout(r, 20));
    d = await client.send(new DescribeExecutionCommand({ executionArn }));
  }
  return d;
}

describe('activity tasks kept in the store', () => {
  it('keeps the token a worker took: the worker answers after the server restarted', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-activity-'));
    dirs.push(dataDir);
    const first = await serve(dataDir);
    const activityArn = (await first.send(new CreateActivityCommand({ name: 'review' }))).activityArn!;
    const definition = { StartAt: 'Review', States: { Review: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 60, End: true } } };
    const machine = (await first.send(new CreateStateMachineCommand({ name: 'Reviews', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' }))).stateMachineArn!;
    const executionArn = (await first.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"doc":42}' }))).executionArn!;
    const task = await takeTask(first, activityArn);
    expect(JSON.parse(task.input)).toEqual({ doc: 42 });

    await servers.shift()!.close();
    clients.shift()!.destroy();
    const second = await serve(dataDir);

    // The worker still holds its token: heartbeats and the answer reach the execution.
    await second.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await second.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"approved":true}' }));
    const d = await untilDone(second, executionArn);
    expect([d.status, d.output]).toEqual(['SUCCEEDED', '{"approved":true}']);
    // Answered: no other worker is handed it again.
    expect((await second.send(new GetActivityTaskCommand({ activityArn }))).taskToken).toBeUndefined();
  });

  it('hands no worker a task whose attempt timed out while it waited in the queue', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-activity-'));
    dirs.push(dataDir);
    const client = await serve(dataDir);
    const activityArn = (await client.send(new CreateActivityCommand({ name: 'slow' }))).activityArn!;
    const definition = {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Gave up' }], End: true },
        'Gave up': { Type: 'Pass', Result: 'timed out', End: true },
      },
    };
    const machine = (await client.send(new CreateStateMachineCommand({ name: 'Slow', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' }))).stateMachineArn!;
    const executionArn = (await client.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }))).executionArn!;
    const d = await untilDone(client, executionArn);
    expect([d.status, d.output]).toEqual(['SUCCEEDED', '"timed out"']);
    expect((await client.send(new GetActivityTaskCommand({ activityArn }))).taskToken).toBeUndefined();
  });
});
