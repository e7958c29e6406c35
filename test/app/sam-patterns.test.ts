import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSamTemplate } from '../../src/app/sam/index.js';
import { startStepwrightServer, type StepwrightServer } from '../../src/app/server.js';

/** The shapes of the public sample patterns, on templates written for these tests. */
const fixture = (name: string): string => path.join('test/fixtures/sam', name, 'template.yaml');
const arnOf = (name: string): string => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const servers: StepwrightServer[] = [];
const cleanUp: string[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-patterns-'));

async function serve(template: string, parameterOverrides: Record<string, string> = {}): Promise<SFNClient> {
  const sam = loadSamTemplate(template, { parameterOverrides, inlineCodeDir: path.join(scratch, 'inline') });
  const server = await startStepwrightServer({
    port: 0,
    sam,
    dataDir: fs.mkdtempSync(path.join(scratch, 'data-')),
    logLevel: false,
  });
  servers.push(server);
  // StartSyncExecution goes to the sync- host prefix, which does not resolve here.
  return new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    disableHostPrefix: true,
  });
}

async function finished(
  sfn: SFNClient,
  executionArn: string,
): Promise<{ status?: string; output?: unknown; error?: string; cause?: string }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING')
      return {
        status: d.status,
        output: d.output === undefined ? undefined : JSON.parse(d.output),
        error: d.error,
        cause: d.cause,
      };
    if (Date.now() > deadline) throw new Error(`${executionArn} still running`);
    await sleep(25);
  }
}

async function start(sfn: SFNClient, machine: string, input: unknown): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arnOf(machine), input: JSON.stringify(input) }),
  );
  return executionArn!;
}

beforeAll(() => fs.mkdirSync(path.join(scratch, 'inline'), { recursive: true }));
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const dir of [scratch, ...cleanUp]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SAM templates on the server', () => {
  it('runs a chain of responsibility: DefinitionUri, DefinitionSubstitutions of !GetAtt Arns, Globals, parameters and conditions', async () => {
    const sfn = await serve(fixture('chain-of-responsibility'));
    const small = await finished(sfn, await start(sfn, 'ExpenseApproval', { amount: 80 }));
    expect(small).toMatchObject({
      status: 'SUCCEEDED',
      output: { approved: true, approvedBy: 'clerk', trail: ['clerk'], stage: 'dev' },
    });
    const big = await finished(sfn, await start(sfn, 'ExpenseApproval', { amount: 7000 }));
    // The director's limit is !If [IsProd, 5000, 10000]: 10000 with Stage's default, dev.
    expect(big).toMatchObject({
      status: 'SUCCEEDED',
      output: { approvedBy: 'director', trail: ['clerk', 'manager', 'director'] },
    });
    const tooBig = await finished(sfn, await start(sfn, 'ExpenseApproval', { amount: 20000 }));
    expect(tooBig).toMatchObject({ status: 'FAILED', error: 'ExpenseRejected' });
  });

  it('runs a chain of responsibility with a parameter override changing a condition', async () => {
    const sfn = await serve(fixture('chain-of-responsibility'), { Stage: 'prod', ClerkLimit: '10' });
    const r = await finished(sfn, await start(sfn, 'ExpenseApproval', { amount: 80 }));
    // Over the clerk's overridden limit of 10, within the manager's 1000.
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { approvedBy: 'manager', stage: 'prod' } });
    const big = await finished(sfn, await start(sfn, 'ExpenseApproval', { amount: 7000 }));
    expect(big).toMatchObject({ status: 'FAILED', error: 'ExpenseRejected' });
  });

  it('retries a flaky Python function with back-off until it answers', async () => {
    // Function workers may run as another user (nobody, when the tests run as root).
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sam-attempts-'));
    cleanUp.push(shared);
    fs.chmodSync(shared, 0o777);
    const attempts = path.join(shared, 'attempts.txt');
    const sfn = await serve(fixture('retry-backoff'), { AttemptsFile: attempts });
    const executionArn = await start(sfn, 'RetryWithBackoff', { order: 'o-1' });
    const r = await finished(sfn, executionArn);
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { ok: true, attempts: 3, order: 'o-1' } });
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const failed = events!.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failed).toEqual(['ServiceUnavailable', 'ServiceUnavailable']);
    const scheduled = events!.filter((e) => e.type === 'TaskScheduled').map((e) => e.timestamp!.getTime());
    // IntervalSeconds 1, BackoffRate 2: the second retry waits twice as long as the first.
    expect(scheduled[1] - scheduled[0]).toBeGreaterThanOrEqual(1000);
    expect(scheduled[2] - scheduled[1]).toBeGreaterThanOrEqual(2000);
  });

  it('catches the failure of one Parallel branch and runs the compensation', async () => {
    const sfn = await serve(fixture('parallel-failure'));
    const ok = await finished(sfn, await start(sfn, 'ParallelWithFailure', { items: ['lamp'], total: 80, card: 'ok' }));
    expect(ok).toMatchObject({ status: 'SUCCEEDED', output: [{ reserved: ['lamp'] }, { charged: 80 }] });
    const executionArn = await start(sfn, 'ParallelWithFailure', { items: ['lamp'], total: 80, card: 'declined' });
    const failed = await finished(sfn, executionArn);
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'OrderFailed',
      cause: 'The payment was declined; the reservation was released',
    });
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const compensation = events!.find((e) => e.type === 'TaskSucceeded');
    expect(JSON.parse(compensation!.taskSucceededEventDetails!.output!)).toMatchObject({
      Payload: { released: ['lamp'], reason: 'PaymentDeclined' },
    });
  });

  it('answers StartSyncExecution on a synchronous Express machine with inline code and !GetAtt in its Definition', async () => {
    const sfn = await serve(fixture('sync-express'));
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines!.map((m) => [m.name, m.type])).toEqual([['SyncOrder', 'EXPRESS']]);
    const r = await sfn.send(
      new StartSyncExecutionCommand({
        stateMachineArn: arnOf('SyncOrder'),
        input: JSON.stringify({ items: [{ price: 10, quantity: 2 }] }),
      }),
    );
    expect(r.status).toBe('SUCCEEDED');
    // TAX_RATE comes from !FindInMap [Tax, !Ref AWS::Region, Rate].
    expect(JSON.parse(r.output!)).toEqual({ items: [{ price: 10, quantity: 2 }], price: { net: 20, total: 25 } });
    const invalid = await sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: arnOf('SyncOrder'), input: '{"items":[]}' }),
    );
    expect([invalid.status, invalid.error]).toEqual(['FAILED', 'InvalidOrder']);
  });

  it('waits for a human approval (waitForTaskToken) from a JSON template with DefinitionString and Fn::Sub', async () => {
    const sfn = await serve(path.join('test/fixtures/sam/human-approval/template.yaml'));
    const executionArn = await start(sfn, 'HumanApproval', { expense: 'laptop' });
    let token: string | undefined;
    const deadline = Date.now() + 20_000;
    while (token === undefined) {
      const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const scheduled = events!.find((e) => e.type === 'TaskScheduled');
      if (scheduled !== undefined && events!.some((e) => e.type === 'TaskStarted'))
        token = (JSON.parse(scheduled.taskScheduledEventDetails!.parameters!) as { Payload: { token: string } }).Payload
          .token;
      else if (Date.now() > deadline) throw new Error('the approval was never requested');
      else await sleep(25);
    }
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true, by: 'ada' }) }),
    );
    expect(await finished(sfn, executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'approved', by: 'ada' },
    });
  });

  it('runs a workflow within a workflow: the child by !Ref ARN in DefinitionSubstitutions, a YAML DefinitionUri', async () => {
    const sfn = await serve(fixture('nested-workflow'));
    const r = await finished(sfn, await start(sfn, 'GreetParent', { names: ['Ada', 'Grace'] }));
    expect(r).toMatchObject({
      status: 'SUCCEEDED',
      output: [{ greeting: 'Hello, Ada!' }, { greeting: 'Hello, Grace!' }],
    });
  });

  it('creates the activity of a template and runs its task through a polling worker', async () => {
    const sfn = await serve(fixture('activity'));
    const executionArn = await start(sfn, 'Shipping', { order: 'o-7' });
    const task = await sfn.send(
      new GetActivityTaskCommand({
        activityArn: 'arn:aws:states:us-east-1:123456789012:activity:ship-order',
        workerName: 'test',
      }),
    );
    expect(JSON.parse(task.input!)).toEqual({ order: 'o-7' });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"carrier":"ups"}' }));
    expect(await finished(sfn, executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: { order: 'o-7', shipment: { carrier: 'ups' } },
    });
  });
});
