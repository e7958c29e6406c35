import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
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

/** The history as [type, previousEventId, details] (details as AWS sends them: payloads are JSON text). */
async function historyOf(client: SFNClient, executionArn: string): Promise<[string, number, unknown][]> {
  const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
  return events!.map((e) => {
    const key = Object.keys(e).find((k) => k.endsWith('EventDetails'));
    return [e.type!, e.previousEventId!, key === undefined ? undefined : (e as unknown as Record<string, unknown>)[key]];
  });
}

async function startOn(client: SFNClient, name: string, definition: object, input = '{"Value1":"HelloWorld"}'): Promise<string> {
  const machine = (await client.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' }))).stateMachineArn!;
  return (await client.send(new StartExecutionCommand({ stateMachineArn: machine, input }))).executionArn!;
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
    // No worker took it: ActivityScheduled, then ActivityTimedOut, with no ActivityStarted between.
    const history = await historyOf(client, executionArn);
    expect(history.slice(2, 4)).toEqual([
      ['ActivityScheduled', 2, { resource: activityArn, input: '{}', inputDetails: { truncated: false }, timeoutInSeconds: 1 }],
      ['ActivityTimedOut', 3, { error: 'States.Timeout' }],
    ]);
  });
});

describe("activity tasks write AWS's Activity* events", () => {
  it('ActivityScheduled, ActivityStarted with the workerName GetActivityTask gave, ActivitySucceeded (activities test_activity_task)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-activity-'));
    dirs.push(dataDir);
    const client = await serve(dataDir);
    const activityArn = (await client.send(new CreateActivityCommand({ name: 'base' }))).activityArn!;
    const executionArn = await startOn(client, 'Base', { StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 60, HeartbeatSeconds: 10, End: true } } });
    let task: { taskToken?: string; input?: string } = {};
    for (let i = 0; i < 20 && task.taskToken === undefined; i++) task = await client.send(new GetActivityTaskCommand({ activityArn, workerName: 'BASE_ID_ACTIVITY_CONSUMER' }));
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: task.input! }));
    expect((await untilDone(client, executionArn)).status).toBe('SUCCEEDED');
    const payload = '{"Value1":"HelloWorld"}';
    expect(await historyOf(client, executionArn)).toEqual([
      ['ExecutionStarted', 0, expect.anything()],
      ['TaskStateEntered', 0, expect.anything()],
      ['ActivityScheduled', 2, { resource: activityArn, input: payload, inputDetails: { truncated: false }, timeoutInSeconds: 60, heartbeatInSeconds: 10 }],
      ['ActivityStarted', 3, { workerName: 'BASE_ID_ACTIVITY_CONSUMER' }],
      ['ActivitySucceeded', 4, { output: payload, outputDetails: { truncated: false } }],
      ['TaskStateExited', 5, expect.anything()],
      ['ExecutionSucceeded', 6, expect.anything()],
    ]);
  });

  it('ActivityStarted has empty details for a worker without a name (activities test_activity_task_no_worker_name)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-activity-'));
    dirs.push(dataDir);
    const client = await serve(dataDir);
    const activityArn = (await client.send(new CreateActivityCommand({ name: 'anonymous' }))).activityArn!;
    const executionArn = await startOn(client, 'Anonymous', { StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: activityArn, End: true } } });
    let task: { taskToken?: string } = {};
    for (let i = 0; i < 20 && task.taskToken === undefined; i++) task = await client.send(new GetActivityTaskCommand({ activityArn }));
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{}' }));
    expect((await untilDone(client, executionArn)).status).toBe('SUCCEEDED');
    const history = await historyOf(client, executionArn);
    expect(history.map((e) => e[0])).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(history[3]).toEqual(['ActivityStarted', 3, {}]);
  });

  it('fails a task on a deleted activity at once with States.Runtime, before scheduling it (activities test_activity_task_on_deleted)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-activity-'));
    dirs.push(dataDir);
    const client = await serve(dataDir);
    const activityArn = (await client.send(new CreateActivityCommand({ name: 'gone' }))).activityArn!;
    await client.send(new DeleteActivityCommand({ activityArn }));
    const executionArn = await startOn(client, 'Gone', { StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: activityArn, End: true } } });
    const d = (await untilDone(client, executionArn)) as { status?: string; error?: string; cause?: string };
    const cause = `An error occurred while executing the state 'ActivityTask' (entered at the event id #2). The activity ${activityArn} does not exist.`;
    expect([d.status, d.error, d.cause]).toEqual(['FAILED', 'States.Runtime', cause]);
    expect(await historyOf(client, executionArn)).toEqual([
      ['ExecutionStarted', 0, expect.anything()],
      ['TaskStateEntered', 0, expect.anything()],
      ['ExecutionFailed', 2, { error: 'States.Runtime', cause }],
    ]);
    // Created again, it serves tasks again.
    await client.send(new CreateActivityCommand({ name: 'gone' }));
    const again = await startOn(client, 'GoneAgain', { StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: activityArn, End: true } } });
    let task: { taskToken?: string } = {};
    for (let i = 0; i < 20 && task.taskToken === undefined; i++) task = await client.send(new GetActivityTaskCommand({ activityArn, workerName: 'w' }));
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{}' }));
    expect((await untilDone(client, again)).status).toBe('SUCCEEDED');
  });
});
