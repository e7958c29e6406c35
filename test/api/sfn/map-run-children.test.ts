import fs from 'node:fs';
import path from 'node:path';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARN, client, role, serveForTests } from './fixtures.js';

serveForTests();

/** A project-relative folder for the ItemReader and ResultWriter (`file://` buckets resolve under the working directory). */
let bucketDir: string;
let bucket: string;
beforeAll(() => {
  bucketDir = fs.mkdtempSync(path.join(process.cwd(), '.map-children-'));
  bucket = `file://${path.basename(bucketDir)}`;
  fs.writeFileSync(path.join(bucketDir, 'items.json'), JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]));
});
afterAll(() => fs.rmSync(bucketDir, { recursive: true, force: true }));

const DISTRIBUTED = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };

async function runToEnd(name: string, definition: unknown, input: unknown): Promise<{ machine: string; executionArn: string; mapRunArn: string }> {
  const machine = (await client.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: role }))).stateMachineArn!;
  const executionArn = (await client.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify(input) }))).executionArn!;
  for (let i = 0; i < 400; i++) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const runs = await client.send(new ListMapRunsCommand({ executionArn }));
  return { machine, executionArn, mapRunArn: runs.mapRuns![0].mapRunArn! };
}

async function historyTypes(executionArn: string): Promise<string[]> {
  return ((await client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []).map((e) => e.type!);
}

describe('child executions of a distributed Map', () => {
  it('are listed by Map Run, described with their mapRunArn, and have histories of their own', async () => {
    const { machine, executionArn, mapRunArn } = await runToEnd(
      'children-basic',
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            Label: 'Items',
            ItemProcessor: {
              ProcessorConfig: DISTRIBUTED,
              StartAt: 'Check',
              States: {
                Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 2, Next: 'Boom' }], Default: 'Double' },
                Double: { Type: 'Pass', Parameters: { 'twice.$': 'States.MathAdd($.n, $.n)' }, End: true },
                Boom: { Type: 'Fail', Error: 'Two', Cause: 'no twos' },
              },
            },
            ToleratedFailureCount: 1,
            End: true,
          },
        },
      },
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('SUCCEEDED');
    // The parent's history keeps only the Map Run's events.
    expect(await historyTypes(executionArn)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);

    const listed = (await client.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
    expect(listed).toHaveLength(3);
    for (const e of listed) {
      expect(e.executionArn).toMatch(new RegExp(`^${ARN}:execution:children-basic/Items:[0-9a-f-]{36}$`));
      expect(e.stateMachineArn).toBe(`${ARN}:stateMachine:children-basic/Items`);
    }
    expect(listed.map((e) => e.status).sort()).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    const failed = (await client.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'FAILED' }))).executions!;
    expect(failed).toHaveLength(1);

    const child = await client.send(new DescribeExecutionCommand({ executionArn: failed[0].executionArn }));
    expect(child).toMatchObject({ status: 'FAILED', error: 'Two', cause: 'no twos', input: '{"n":2}', mapRunArn, stateMachineArn: `${ARN}:stateMachine:children-basic/Items`, redriveStatus: 'NOT_REDRIVABLE' });
    expect(child.stopDate).toBeInstanceOf(Date);
    const childMachine = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn: failed[0].executionArn }));
    expect(childMachine).toMatchObject({ stateMachineArn: `${ARN}:stateMachine:children-basic/Items`, mapRunArn, label: 'Items' });
    expect(JSON.parse(childMachine.definition!)).toHaveProperty('States.Fan.Type', 'Map');
    expect(await historyTypes(failed[0].executionArn!)).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'FailStateEntered', 'ExecutionFailed']);

    const ok = listed.find((e) => e.status === 'SUCCEEDED')!;
    const okHistory = (await client.send(new GetExecutionHistoryCommand({ executionArn: ok.executionArn }))).events!;
    expect(okHistory.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ChoiceStateEntered'],
      [3, 2, 'ChoiceStateExited'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 5, 'ExecutionSucceeded'],
    ]);
    expect(JSON.parse(okHistory[5].executionSucceededEventDetails!.output!)).toHaveProperty('twice');

    // The machine's own executions are the parent only; a Map Run's counts come from its children.
    const own = (await client.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions!;
    expect(own.map((e) => e.executionArn)).toEqual([executionArn]);
    const run = await client.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run.executionCounts).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
  });

  it('pages the children as ListExecutions pages a machine\'s executions', async () => {
    const { mapRunArn } = await runToEnd(
      'children-paged',
      { StartAt: 'Fan', States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: DISTRIBUTED, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
      [1, 2, 3, 4, 5],
    );
    const first = await client.send(new ListExecutionsCommand({ mapRunArn, maxResults: 2 }));
    expect(first.executions).toHaveLength(2);
    const second = await client.send(new ListExecutionsCommand({ mapRunArn, maxResults: 2, nextToken: first.nextToken }));
    const third = await client.send(new ListExecutionsCommand({ mapRunArn, maxResults: 2, nextToken: second.nextToken }));
    expect(third.nextToken).toBeUndefined();
    const all = [...first.executions!, ...second.executions!, ...third.executions!].map((e) => e.executionArn);
    expect(new Set(all).size).toBe(5);
  });

  it('counts the items an ItemReader read, and the ResultWriter names the real child executions', async () => {
    const { mapRunArn } = await runToEnd(
      'children-reader',
      {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: bucket, Key: 'items.json' } },
            ItemBatcher: { MaxItemsPerBatch: 3 },
            ItemProcessor: { ProcessorConfig: DISTRIBUTED, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'out' } },
            End: true,
          },
        },
      },
      {},
    );
    const run = await client.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.itemCounts).toMatchObject({ total: 4, succeeded: 4 });
    expect(run.executionCounts).toMatchObject({ total: 2, succeeded: 2 });
    const children = (await client.send(new ListExecutionsCommand({ mapRunArn }))).executions!.map((e) => e.executionArn).sort();
    const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    const written = JSON.parse(fs.readFileSync(path.join(bucketDir, 'out', runId, 'SUCCEEDED_0.json'), 'utf8')) as { ExecutionArn: string }[];
    expect(written.map((r) => r.ExecutionArn).sort()).toEqual(children);
  });

  it('keeps no records of Express children: ListExecutions by their Map Run lists none', async () => {
    const { mapRunArn } = await runToEnd(
      'children-express',
      { StartAt: 'Fan', States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
      [1, 2],
    );
    expect((await client.send(new ListExecutionsCommand({ mapRunArn }))).executions).toEqual([]);
  });

  it('refuses a mapRunArn with a stateMachineArn, and an unknown Map Run', async () => {
    const { machine, mapRunArn } = await runToEnd(
      'children-errors',
      { StartAt: 'Fan', States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: DISTRIBUTED, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
      [1],
    );
    await expect(client.send(new ListExecutionsCommand({ mapRunArn, stateMachineArn: machine }))).rejects.toMatchObject({ name: 'ValidationException' });
    const unknown = `${ARN}:mapRun:children-errors/Fan:00000000-0000-4000-8000-000000000000`;
    await expect(client.send(new ListExecutionsCommand({ mapRunArn: unknown }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });

  it('answer the tasks of children that wait at once each to its own child', async () => {
    const activityArn = (await client.send(new CreateActivityCommand({ name: 'children-work' }))).activityArn!;
    const machine = (
      await client.send(
        new CreateStateMachineCommand({
          name: 'children-activities',
          roleArn: role,
          definition: JSON.stringify({
            StartAt: 'Fan',
            States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: DISTRIBUTED, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } }, End: true } },
          }),
        }),
      )
    ).stateMachineArn!;
    const executionArn = (await client.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]) }))).executionArn!;
    for (let i = 0; i < 3; i++) {
      const task = await client.send(new GetActivityTaskCommand({ activityArn }));
      const { n } = JSON.parse(task.input!) as { n: number };
      await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ squared: n * n }) }));
    }
    let d = await client.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; i < 400 && d.status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      d = await client.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual([{ squared: 1 }, { squared: 4 }, { squared: 9 }]);
  });

  it('find a Map Run nested in a child execution, with its own children', async () => {
    const inner = { Type: 'Map', Label: 'Inner', ItemsPath: '$.jobs', ItemProcessor: { ProcessorConfig: DISTRIBUTED, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true };
    const { mapRunArn } = await runToEnd(
      'children-nested',
      { StartAt: 'Outer', States: { Outer: { Type: 'Map', Label: 'Outer', ItemProcessor: { ProcessorConfig: DISTRIBUTED, StartAt: 'Inner', States: { Inner: inner } }, End: true } } },
      [{ jobs: [1, 2, 3] }, { jobs: [4, 5, 6] }],
    );
    const outerChildren = (await client.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
    expect(outerChildren.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const events = (await client.send(new GetExecutionHistoryCommand({ executionArn: outerChildren[0].executionArn }))).events!;
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
    const innerRun = events[3].mapRunStartedEventDetails!.mapRunArn!;
    const described = await client.send(new DescribeMapRunCommand({ mapRunArn: innerRun }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', executionArn: outerChildren[0].executionArn, executionCounts: { total: 3, succeeded: 3 } });
    expect((await client.send(new ListExecutionsCommand({ mapRunArn: innerRun }))).executions).toHaveLength(3);
  });
});
