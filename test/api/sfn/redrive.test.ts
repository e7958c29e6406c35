import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARN, client, role, serveForTests } from './fixtures.js';

serveForTests();

/**
 * Prepare (Pass) then a callback Task that hands its token to a nested execution (served here, no
 * outside service): the test fails or completes it through that token.
 */
const approval = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: 'ready', ResultPath: '$.prepared', Next: 'Approve' },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
      Parameters: {
        StateMachineArn: `${ARN}:stateMachine:Inbox`,
        Input: { 'token.$': '$$.Task.Token', 'redrives.$': '$$.Execution.RedriveCount' },
      },
      End: true,
    },
  },
});

/** Where the callback Task sends its token: a machine that takes it and ends. */
beforeAll(async () => {
  await create('Inbox', JSON.stringify({ StartAt: 'Got', States: { Got: { Type: 'Pass', End: true } } }));
});

async function create(name: string, definition: string): Promise<string> {
  return (await client.send(new CreateStateMachineCommand({ name, definition, roleArn: role }))).stateMachineArn!;
}

async function until(executionArn: string, done: (d: DescribeExecutionCommandOutput) => boolean) {
  for (let i = 0; i < 200; i++) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (done(d)) return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${executionArn} did not get there`);
}

/** The token of the `n`th TaskScheduled event (1-based) with the RedriveCount the task saw. */
async function scheduled(executionArn: string, n: number): Promise<{ token: string; redrives: number }> {
  for (let i = 0; i < 200; i++) {
    const h = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const s = h.events?.filter((e) => e.type === 'TaskScheduled')[n - 1];
    // Answered once its message went out (TaskSubmitted), as the token's reader would.
    const sent = (h.events ?? []).filter((e) => e.type === 'TaskSubmitted').length >= n;
    if (s !== undefined && sent) {
      const p = JSON.parse(s.taskScheduledEventDetails!.parameters!) as {
        Input: { token: string; redrives: number };
      };
      return p.Input;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no TaskScheduled');
}

const errorOf = async (p: Promise<unknown>): Promise<{ name: string; message: string }> => {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string };
  }
  throw new Error('no error');
};

describe('RedriveExecution through @aws-sdk/client-sfn', () => {
  it('redrives a failed execution from its failed Task to success, and reports the redrive everywhere', async () => {
    const arn = await create('Approval', approval);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'a-1', input: '{"order":1}' }),
    );
    const first = await scheduled(executionArn!, 1);
    expect(first.redrives).toBe(0);
    await client.send(new SendTaskFailureCommand({ taskToken: first.token, error: 'Rejected', cause: 'later' }));
    const failed = await until(executionArn!, (d) => d.status === 'FAILED');
    expect(failed).toMatchObject({ redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    expect(failed.redriveStatusReason).toBeUndefined();
    expect(failed.redriveDate).toBeUndefined();

    const t0 = Date.now();
    const { redriveDate } = await client.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    expect(redriveDate).toBeInstanceOf(Date);
    expect(Math.abs(redriveDate!.getTime() - t0)).toBeLessThan(2000);
    // A retry with the same client token is the same request: same answer, no second redrive.
    const retried = await client.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    expect(retried.redriveDate).toEqual(redriveDate);
    const running = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(running).toMatchObject({
      status: 'RUNNING',
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
    });
    expect(running.stopDate).toBeUndefined();
    expect(running.error).toBeUndefined();

    const second = await scheduled(executionArn!, 2);
    expect(second.redrives).toBe(1);
    await client.send(new SendTaskSuccessCommand({ taskToken: second.token, output: '{"approved":true}' }));
    const done = await until(executionArn!, (d) => d.status === 'SUCCEEDED');
    expect(done).toMatchObject({ output: '{"approved":true}', redriveCount: 1, redriveDate });

    const h = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = h.events!.map((e) => e.type);
    expect(types.filter((t) => t === 'PassStateEntered')).toHaveLength(1);
    expect(types.slice(types.indexOf('ExecutionFailed'))).toEqual([
      'ExecutionFailed',
      'ExecutionRedriven',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(h.events!.find((e) => e.type === 'ExecutionRedriven')?.executionRedrivenEventDetails).toEqual({
      redriveCount: 1,
    });
    expect(h.events!.map((e) => e.id)).toEqual(h.events!.map((_, i) => i + 1));

    // ListExecutions shows the count and date of redriven executions and filters on them.
    await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a-2' }));
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(listed.executions!.find((e) => e.name === 'a-1')).toMatchObject({ redriveCount: 1, redriveDate });
    expect(listed.executions!.find((e) => e.name === 'a-2')?.redriveCount).toBeUndefined();
    const redriven = await client.send(new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: 'REDRIVEN' }));
    expect(redriven.executions!.map((e) => e.name)).toEqual(['a-1']);
    const notRedriven = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: 'NOT_REDRIVEN' }),
    );
    expect(notRedriven.executions!.map((e) => e.name)).toEqual(['a-2']);
  });

  it('refuses a succeeded execution with ExecutionNotRedrivable and the reason DescribeExecution gives', async () => {
    const arn = await create('Done', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const d = await until(executionArn!, (x) => x.status === 'SUCCEEDED');
    expect(d).toMatchObject({
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    const e = await errorOf(client.send(new RedriveExecutionCommand({ executionArn })));
    expect(e).toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: 'Execution is SUCCEEDED and cannot be redriven',
    });
  });

  it('refuses a running execution with ExecutionNotRedrivable', async () => {
    const arn = await create('Waits', approval);
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await scheduled(executionArn!, 1);
    const e = await errorOf(client.send(new RedriveExecutionCommand({ executionArn })));
    expect(e).toMatchObject({ name: 'ExecutionNotRedrivable', message: 'Execution is RUNNING and cannot be redriven' });
  });

  it('answers ExecutionDoesNotExist for an unknown execution and InvalidArn for a malformed one', async () => {
    const unknown = `${ARN}:execution:Approval:nope`;
    expect(await errorOf(client.send(new RedriveExecutionCommand({ executionArn: unknown })))).toMatchObject({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${unknown}'`,
    });
    expect((await errorOf(client.send(new RedriveExecutionCommand({ executionArn: 'nope' })))).name).toBe('InvalidArn');
    expect(
      (await errorOf(client.send(new RedriveExecutionCommand({ executionArn: `${ARN}:stateMachine:Approval` })))).name,
    ).toBe('InvalidArn');
  });
});
