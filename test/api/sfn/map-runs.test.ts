import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
  type DescribeMapRunCommandOutput,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ARN, client, role, serveForTests } from './fixtures.js';

serveForTests();

const distributed = (iteration: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        Label: 'Items',
        MaxConcurrency: 1,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { ...iteration, End: true } } },
        End: true,
        ...extra,
      },
    },
  });

async function startOn(name: string, definition: string, input: unknown): Promise<string> {
  const machine = (await client.send(new CreateStateMachineCommand({ name, definition, roleArn: role }))).stateMachineArn!;
  return (await client.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify(input) }))).executionArn!;
}

async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}

describe('ListMapRuns and DescribeMapRun', () => {
  it('list a finished Map Run of an execution and describe it as succeeded with its counts', async () => {
    const executionArn = await startOn('map-runs-done', distributed({ Type: 'Pass' }), ['a', 'b', 'c']);
    await poll(
      () => client.send(new DescribeExecutionCommand({ executionArn })),
      (d) => d.status !== 'RUNNING',
    );
    const list = await client.send(new ListMapRunsCommand({ executionArn }));
    expect(list.mapRuns).toHaveLength(1);
    const run = list.mapRuns![0];
    expect(run.mapRunArn).toMatch(new RegExp(`^${ARN}:mapRun:map-runs-done/Items:[0-9a-f-]{36}$`));
    expect(run.stateMachineArn).toBe(`${ARN}:stateMachine:map-runs-done/Items`);
    expect(run.executionArn).toBe(executionArn);
    const d = await client.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
    expect(d).toMatchObject({ status: 'SUCCEEDED', executionArn, itemCounts: { succeeded: 3, total: 3, failed: 0 } });
    expect(d.stopDate).toBeInstanceOf(Date);
  });

  it('describe a running Map Run with live counts, and as aborted once its execution is stopped', async () => {
    const executionArn = await startOn('map-runs-live', distributed({ Type: 'Wait', Seconds: 100000 }), [1, 2]);
    const mapRunArn = (await poll(
      () => client.send(new ListMapRunsCommand({ executionArn })),
      (l) => (l.mapRuns?.length ?? 0) > 0,
    )).mapRuns![0].mapRunArn!;
    const live: DescribeMapRunCommandOutput = await poll(
      () => client.send(new DescribeMapRunCommand({ mapRunArn })),
      (d) => d.itemCounts?.running === 1,
    );
    expect(live).toMatchObject({ status: 'RUNNING', maxConcurrency: 1, itemCounts: { running: 1, pending: 1, succeeded: 0, total: 2 } });
    await client.send(new StopExecutionCommand({ executionArn }));
    const stopped = await client.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(stopped.status).toBe('ABORTED');
  });

  it('update a running Map Run: a higher MaxConcurrency starts the waiting iterations at once', async () => {
    const executionArn = await startOn('map-runs-update', distributed({ Type: 'Wait', Seconds: 100000 }), [1, 2, 3]);
    const mapRunArn = (await poll(
      () => client.send(new ListMapRunsCommand({ executionArn })),
      (l) => (l.mapRuns?.length ?? 0) > 0,
    )).mapRuns![0].mapRunArn!;
    await poll(
      () => client.send(new DescribeMapRunCommand({ mapRunArn })),
      (d) => d.itemCounts?.running === 1,
    );
    await expect(client.send(new UpdateMapRunCommand({ mapRunArn }))).rejects.toMatchObject({ name: 'ValidationException' });
    await client.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 3, toleratedFailureCount: 2 }));
    const updated = await poll(
      () => client.send(new DescribeMapRunCommand({ mapRunArn })),
      (d) => d.itemCounts?.running === 3,
    );
    expect(updated).toMatchObject({ maxConcurrency: 3, toleratedFailureCount: 2, itemCounts: { running: 3, pending: 0 } });
    await client.send(new StopExecutionCommand({ executionArn }));
    await expect(client.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 1 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answer ExecutionDoesNotExist for the Map Runs of an execution that does not exist', async () => {
    await expect(client.send(new ListMapRunsCommand({ executionArn: `${ARN}:execution:nothing:e` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('answer ResourceNotFound for a Map Run that does not exist', async () => {
    await expect(client.send(new DescribeMapRunCommand({ mapRunArn: `${ARN}:mapRun:nothing/Items:00000000-0000-4000-8000-000000000000` }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
  });
});
