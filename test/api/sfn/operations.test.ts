import {
  CreateActivityCommand,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineVersionCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  ListTagsForResourceCommand,
  PublishStateMachineVersionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  TestStateCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARN, client, role, serveForTests } from './fixtures.js';

serveForTests({ activityPollMs: 300 });
beforeAll(async () => {
  await create('TokenInbox', JSON.stringify({ StartAt: 'Got', States: { Got: { Type: 'Pass', End: true } } }));
});

const pass = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: 1 }, ResultPath: '$.r', End: true } } });
const waiting = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
const callback = JSON.stringify({
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      // The token goes to a nested execution (served here, no outside service) that takes it and ends.
      Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:TokenInbox', Input: { 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 30,
      End: true,
    },
  },
});

async function create(name: string, definition: string, type?: 'STANDARD' | 'EXPRESS'): Promise<string> {
  const r = await client.send(new CreateStateMachineCommand({ name, definition, roleArn: role, type }));
  return r.stateMachineArn!;
}

async function awaitDone(executionArn: string): Promise<{ status?: string; output?: string; error?: string; cause?: string }> {
  for (let i = 0; i < 200; i++) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${executionArn} still running`);
}

async function tokenOf(executionArn: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const h = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const scheduled = h.events?.find((e: HistoryEvent) => e.type === 'TaskScheduled');
    if (scheduled !== undefined) return (JSON.parse(scheduled.taskScheduledEventDetails!.parameters!) as { Input: { token: string } }).Input.token;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no TaskScheduled');
}

const errorOf = async (p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> => {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected an error');
};

describe('state machines', () => {
  it('creates, describes, lists, updates and deletes a state machine with AWS ARNs and dates', async () => {
    const arn = await create('Lifecycle', pass);
    expect(arn).toBe(`${ARN}:stateMachine:Lifecycle`);
    const d = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(d).toMatchObject({ name: 'Lifecycle', status: 'ACTIVE', type: 'STANDARD', definition: pass, roleArn: role });
    expect(d.creationDate).toBeInstanceOf(Date);
    expect(Math.abs(d.creationDate!.getTime() - Date.now())).toBeLessThan(60_000);
    const list = await client.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines?.map((m) => m.name)).toContain('Lifecycle');
    const u = await client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: waiting }));
    expect(u.updateDate).toBeInstanceOf(Date);
    expect((await client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).definition).toBe(waiting);
    await client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    expect(await errorOf(client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })))).toEqual({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${arn}'`,
      status: 400,
    });
    // A deleted name can be used again.
    expect(await create('Lifecycle', pass)).toBe(arn);
  });

  it('answers the same CreateStateMachine idempotently and a different one with StateMachineAlreadyExists', async () => {
    const arn = await create('Idem', pass);
    expect(await create('Idem', pass)).toBe(arn);
    expect(await errorOf(create('Idem', waiting))).toMatchObject({ name: 'StateMachineAlreadyExists', message: `State Machine Already Exists: '${arn}'` });
  });

  it('refuses bad names, invalid definitions and malformed ARNs with AWS error codes', async () => {
    expect(await errorOf(create('bad name', pass))).toMatchObject({ name: 'InvalidName', message: "Invalid Name: 'bad name'" });
    const bad = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } });
    const e = await errorOf(create('Bad', bad));
    expect(e.name).toBe('InvalidDefinition');
    expect(e.message).toMatch(/^Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at \/States\/A\/Next/);
    expect(await errorOf(client.send(new DescribeStateMachineCommand({ stateMachineArn: 'nope' })))).toMatchObject({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Invalid ARN prefix: nope'",
    });
    expect(await errorOf(client.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN}:execution:M:e` })))).toMatchObject({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: execution'",
    });
  });

  it('pages ListStateMachines with maxResults and nextToken, and refuses a forged token', async () => {
    for (const n of ['PageA', 'PageB', 'PageC']) await create(n, pass);
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const r = await client.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      expect(r.stateMachines!.length).toBeLessThanOrEqual(2);
      names.push(...r.stateMachines!.map((m) => m.name!));
      nextToken = r.nextToken;
    } while (nextToken !== undefined);
    expect(names).toEqual(expect.arrayContaining(['PageA', 'PageB', 'PageC']));
    expect(new Set(names).size).toBe(names.length);
    expect((await errorOf(client.send(new ListStateMachinesCommand({ nextToken: 'forged' })))).name).toBe('InvalidToken');
  });
});

describe('executions', () => {
  it('starts an execution, describes it and reads its history in both orders and in pages', async () => {
    const arn = await create('Runs', pass);
    const s = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'first', input: '{"a":1}' }));
    expect(s.executionArn).toBe(`${ARN}:execution:Runs:first`);
    const d = await awaitDone(s.executionArn!);
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '{"a":1,"r":{"ok":1}}' });
    const h = await client.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn }));
    expect(h.events!.map((e) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(h.events![0].timestamp).toBeInstanceOf(Date);
    const rev = await client.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, reverseOrder: true }));
    expect(rev.events!.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    const p1 = await client.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 3 }));
    expect(p1.events!.map((e) => e.id)).toEqual([1, 2, 3]);
    const p2 = await client.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, maxResults: 3, nextToken: p1.nextToken }));
    expect(p2.events!.map((e) => e.id)).toEqual([4]);
    expect(p2.nextToken).toBeUndefined();
    const bare = await client.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, includeExecutionData: false }));
    expect(bare.events![0].executionStartedEventDetails?.input).toBeUndefined();
    expect((await errorOf(client.send(new GetExecutionHistoryCommand({ executionArn: s.executionArn, nextToken: 'garbage!' })))).name).toBe('InvalidToken');
    const forExec = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn: s.executionArn }));
    expect(forExec).toMatchObject({ stateMachineArn: arn, name: 'Runs', definition: pass });
  });

  it('returns the running execution again for the same name and input, and ExecutionAlreadyExists otherwise', async () => {
    const arn = await create('Idempotent', waiting);
    const a = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input: '{"x":1}' }));
    const b = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input: '{"x":1}' }));
    expect(b.executionArn).toBe(a.executionArn);
    expect(b.startDate?.getTime()).toBe(a.startDate?.getTime());
    expect(await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input: '{"x":2}' })))).toMatchObject({
      name: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${a.executionArn}'`,
    });
    const stopped = await client.send(new StopExecutionCommand({ executionArn: a.executionArn, error: 'Manual', cause: 'test' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(await client.send(new DescribeExecutionCommand({ executionArn: a.executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Manual', cause: 'test' });
    // Closed: the same request is now a conflict.
    expect((await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input: '{"x":1}' })))).name).toBe('ExecutionAlreadyExists');
  });

  it('refuses bad input, bad names and unknown machines and executions', async () => {
    const arn = await create('Refusals', pass);
    expect(await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"a":' })))).toMatchObject({
      name: 'InvalidExecutionInput',
      message: expect.stringMatching(/^Invalid State Machine Execution Input: '.*' at line 1, column \d+$/) as string,
    });
    expect((await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a/b' })))).name).toBe('InvalidName');
    expect((await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: `${ARN}:stateMachine:Nope` })))).name).toBe('StateMachineDoesNotExist');
    expect(await errorOf(client.send(new DescribeExecutionCommand({ executionArn: `${ARN}:execution:Refusals:ghost` })))).toEqual({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${ARN}:execution:Refusals:ghost'`,
      status: 400,
    });
  });

  it('lists executions newest first, filtered by status and paged', async () => {
    const arn = await create('Listed', pass);
    const waits = await create('ListedWaits', waiting);
    for (const n of ['e1', 'e2', 'e3']) await awaitDone((await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: n }))).executionArn!);
    const all = await client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(all.executions!.map((e) => e.name)).toEqual(['e3', 'e2', 'e1']);
    const page1 = await client.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    const page2 = await client.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: page1.nextToken }));
    expect([...page1.executions!, ...page2.executions!].map((e) => e.name)).toEqual(['e3', 'e2', 'e1']);
    expect(page2.nextToken).toBeUndefined();
    // A token is bound to the listing it came from.
    await expect(client.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED', nextToken: page1.nextToken }))).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(client.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken: 'bm9wZQ==' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    const running = await client.send(new StartExecutionCommand({ stateMachineArn: waits }));
    expect((await client.send(new ListExecutionsCommand({ stateMachineArn: waits, statusFilter: 'RUNNING' }))).executions!.map((e) => e.executionArn)).toEqual([running.executionArn]);
    expect((await client.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }))).executions).toEqual([]);
    await client.send(new StopExecutionCommand({ executionArn: running.executionArn }));
  });

  it('runs an Express machine with StartSyncExecution and refuses it for a Standard one', async () => {
    const express = await create('Quick', pass, 'EXPRESS');
    const r = await client.send(new StartSyncExecutionCommand({ stateMachineArn: express, input: '{"q":true}' }));
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: '{"q":true,"r":{"ok":1}}', stateMachineArn: express });
    expect(r.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:express:Quick:/);
    const standard = await create('NotQuick', pass);
    expect((await errorOf(client.send(new StartSyncExecutionCommand({ stateMachineArn: standard })))).name).toBe('StateMachineTypeNotSupported');
  });

  it('stops a running Express execution with StopExecution; one that is not running answers as AWS does', async () => {
    const loop = JSON.stringify({
      StartAt: 'L',
      States: { L: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'L' }], Default: 'E' }, E: { Type: 'Succeed' } },
    });
    const express = await create('ExpressLoop', loop, 'EXPRESS');
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: express, input: '{"go":true}' }));
    await client.send(new StopExecutionCommand({ executionArn: started.executionArn }));
    // The server keeps answering; the execution is over, so a second stop finds nothing running.
    const listed = await client.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines!.some((m) => m.name === 'ExpressLoop')).toBe(true);
    expect((await errorOf(client.send(new StopExecutionCommand({ executionArn: started.executionArn })))).name).toBe('StateMachineTypeNotSupported');
    expect((await errorOf(client.send(new StopExecutionCommand({ executionArn: `${express.replace(':stateMachine:', ':express:')}:ghost:00000000-0000-0000-0000-000000000000` })))).name).toBe(
      'StateMachineTypeNotSupported',
    );
  });
});

describe('task tokens', () => {
  it('completes a .waitForTaskToken task with SendTaskSuccess, after heartbeats', async () => {
    const arn = await create('Callback', callback);
    const s = await client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const token = await tokenOf(s.executionArn!);
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    expect(await awaitDone(s.executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
  });

  it('fails the task with SendTaskFailure, and refuses unknown tokens and bad output', async () => {
    const arn = await create('CallbackFail', callback);
    const s = await client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const token = await tokenOf(s.executionArn!);
    expect((await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{nope' })))).name).toBe('InvalidOutput');
    await client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'no' }));
    expect(await awaitDone(s.executionArn!)).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'no' });
    expect(await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: 'NoSuchTaskToken', output: '{}' })))).toMatchObject({
      name: 'InvalidToken',
      message: "Invalid Token: 'Invalid token'",
    });
    expect((await errorOf(client.send(new SendTaskHeartbeatCommand({ taskToken: 'NoSuchTaskToken' })))).name).toBe('InvalidToken');
    // The token was ours, but its task is over: AWS answers TaskTimedOut, not InvalidToken.
    expect(await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toMatchObject({
      name: 'TaskTimedOut',
      message: "Task Timed Out: 'Provided task does not exist anymore'",
    });
    expect((await errorOf(client.send(new SendTaskHeartbeatCommand({ taskToken: token })))).name).toBe('TaskTimedOut');
  });
});

describe('activities', () => {
  it('hands an activity task to GetActivityTask and completes it with the token', async () => {
    const a = await client.send(new CreateActivityCommand({ name: 'approve' }));
    expect(a.activityArn).toBe(`${ARN}:activity:approve`);
    expect((await client.send(new CreateActivityCommand({ name: 'approve' }))).activityArn).toBe(a.activityArn);
    expect(await client.send(new DescribeActivityCommand({ activityArn: a.activityArn }))).toMatchObject({ name: 'approve', activityArn: a.activityArn });
    expect((await client.send(new ListActivitiesCommand({}))).activities!.map((x) => x.name)).toContain('approve');
    // Nothing queued: the long poll ends with no task.
    expect((await client.send(new GetActivityTaskCommand({ activityArn: a.activityArn }))).taskToken).toBeUndefined();
    const arn = await create('UsesActivity', JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: a.activityArn, End: true } } }));
    const s = await client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"job":7}' }));
    let task = await client.send(new GetActivityTaskCommand({ activityArn: a.activityArn, workerName: 'w1' }));
    for (let i = 0; task.taskToken === undefined && i < 10; i++) task = await client.send(new GetActivityTaskCommand({ activityArn: a.activityArn }));
    expect(task.input).toBe('{"job":7}');
    await client.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":7}' }));
    expect(await awaitDone(s.executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: '{"done":7}' });
    await client.send(new DeleteActivityCommand({ activityArn: a.activityArn }));
    expect((await errorOf(client.send(new DescribeActivityCommand({ activityArn: a.activityArn })))).name).toBe('ActivityDoesNotExist');
    expect((await errorOf(client.send(new GetActivityTaskCommand({ activityArn: a.activityArn })))).name).toBe('ActivityDoesNotExist');
  });
});

describe('tags, versions and aliases', () => {
  it('tags and untags state machines and activities', async () => {
    const arn = await create('Tagged', pass);
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'team', value: 'orders' }, { key: 'env', value: 'dev' }] }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'env', value: 'dev' },
      { key: 'team', value: 'orders' },
    ]);
    await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: 'team', value: 'orders' }]);
    expect(await errorOf(client.send(new ListTagsForResourceCommand({ resourceArn: `${ARN}:stateMachine:Ghost` })))).toMatchObject({
      name: 'ResourceNotFound',
      message: `Resource not found: '${ARN}:stateMachine:Ghost'`,
    });
  });

  it('publishes versions and routes executions through an alias to the version it names', async () => {
    const v1def = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'v1', End: true } } });
    const v2def = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'v2', End: true } } });
    const arn = (await client.send(new CreateStateMachineCommand({ name: 'Versioned', definition: v1def, roleArn: role, publish: true }))).stateMachineArn!;
    const v1 = `${arn}:1`;
    const u = await client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: v2def, publish: true, versionDescription: 'second' }));
    expect(u.stateMachineVersionArn).toBe(`${arn}:2`);
    expect((await client.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }))).stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:2`, v1]);
    expect((await client.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn }))).stateMachineVersionArn).toBe(`${arn}:2`);
    expect((await client.send(new DescribeStateMachineCommand({ stateMachineArn: v1 }))).definition).toBe(v1def);
    const alias = await client.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }));
    expect(alias.stateMachineAliasArn).toBe(`${arn}:live`);
    expect(await client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }))).toMatchObject({
      name: 'live',
      routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
    });
    expect((await client.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn }))).stateMachineAliases!.map((a) => a.stateMachineAliasArn)).toEqual([alias.stateMachineAliasArn]);
    const viaAlias = await client.send(new StartExecutionCommand({ stateMachineArn: alias.stateMachineAliasArn }));
    expect((await awaitDone(viaAlias.executionArn!)).output).toBe('"v1"');
    const latest = await client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    expect((await awaitDone(latest.executionArn!)).output).toBe('"v2"');
    expect(
      (await errorOf(client.send(new CreateStateMachineAliasCommand({ name: 'half', routingConfiguration: [{ stateMachineVersionArn: v1, weight: 50 }] })))).name,
    ).toBe('ValidationException');
    expect((await errorOf(client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 })))).name).toBe('ConflictException');
    await client.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }));
    await client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 }));
    expect((await client.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }))).stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:2`]);
    expect((await errorOf(client.send(new DescribeStateMachineCommand({ stateMachineArn: v1 })))).name).toBe('StateMachineDoesNotExist');
  });
});

describe('TestState', () => {
  const test = (definition: object, input: string, extra: object = {}) => client.send(new TestStateCommand({ definition: JSON.stringify(definition), roleArn: role, input, ...extra }));

  it('runs one state and names the state it would go to next', async () => {
    expect(await test({ Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, 1)' }, Next: 'After' }, '{"a":2}')).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"sum":3}',
      nextState: 'After',
    });
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }], Default: 'Small' };
    expect((await test(choice, '{"n":11}')).nextState).toBe('Big');
    expect((await test(choice, '{"n":1}')).nextState).toBe('Small');
  });

  it('answers RETRIABLE, CAUGHT_ERROR and FAILED as AWS does, with mocked task results', async () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'f' },
      Retry: [{ ErrorEquals: ['Transient'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Handle' }],
      Next: 'Done',
    };
    expect(await test(task, '{}', { mock: { errorOutput: { error: 'Transient', cause: 'try again' } } })).toMatchObject({ status: 'RETRIABLE', error: 'Transient', cause: 'try again' });
    expect(await test(task, '{"k":1}', { mock: { errorOutput: { error: 'Boom', cause: 'bad' } } })).toMatchObject({
      status: 'CAUGHT_ERROR',
      error: 'Boom',
      nextState: 'Handle',
      output: '{"k":1,"err":{"Error":"Boom","Cause":"bad"}}',
    });
    expect(await test(task, '{}', { mock: { result: '{"Payload":{"ok":true}}' } })).toMatchObject({ status: 'SUCCEEDED', nextState: 'Done', output: '{"Payload":{"ok":true}}' });
    expect(await test({ Type: 'Fail', Error: 'E', Cause: 'C' }, '{}')).toMatchObject({ status: 'FAILED', error: 'E', cause: 'C' });
    expect((await errorOf(test({ Type: 'Pass', Next: 5 }, '{}'))).name).toBe('InvalidDefinition');
  });
});

describe('nested executions', () => {
  it('starts a child execution and, with .sync and .sync:2, answers with its description', async () => {
    const child = await create('Child', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'got.$': '$.n' }, End: true } } }));
    const failing = await create('ChildFails', JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'SomeFailure', Cause: 'boom' } } }));
    const parent = (resource: string) =>
      JSON.stringify({ StartAt: 'Run', States: { Run: { Type: 'Task', Resource: resource, Parameters: { 'StateMachineArn.$': '$.arn', Input: { n: 7 } }, End: true } } });
    const plain = await create('ParentPlain', parent('arn:aws:states:::states:startExecution'));
    const sync = await create('ParentSync', parent('arn:aws:states:::states:startExecution.sync'));
    const sync2 = await create('ParentSync2', parent('arn:aws:states:::states:startExecution.sync:2'));
    const start = async (m: string, arn: string) => awaitDone((await client.send(new StartExecutionCommand({ stateMachineArn: m, input: JSON.stringify({ arn }) }))).executionArn!);

    const p = JSON.parse((await start(plain, child)).output!) as { ExecutionArn: string; StartDate: number; SdkHttpMetadata: { HttpStatusCode: number } };
    expect(p.ExecutionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:Child:/);
    expect(p.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(await awaitDone(p.ExecutionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"got":7}' });

    const parentArn = (await client.send(new StartExecutionCommand({ stateMachineArn: sync, input: JSON.stringify({ arn: child }) }))).executionArn!;
    const synced = await awaitDone(parentArn);
    expect(JSON.parse(synced.output!)).toMatchObject({ Status: 'SUCCEEDED', Output: '{"got":7}', Input: '{"n":7}', InputDetails: { Included: true } });
    // As AWS records a .sync integration: the job is submitted (StartExecution's response), then done.
    const events = (await client.send(new GetExecutionHistoryCommand({ executionArn: parentArn }))).events!;
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const submitted = events[4].taskSubmittedEventDetails!;
    expect(submitted).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync', outputDetails: { truncated: false } });
    expect(JSON.parse(submitted.output!)).toMatchObject({ ExecutionArn: JSON.parse(synced.output!).ExecutionArn, SdkHttpMetadata: { HttpStatusCode: 200 } });
    expect(JSON.parse((await start(sync2, child)).output!)).toMatchObject({ Status: 'SUCCEEDED', Output: { got: 7 }, Input: { n: 7 } });
    const failed = await start(sync, failing);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(JSON.parse(failed.cause!)).toMatchObject({ Error: 'SomeFailure', Cause: 'boom', Status: 'FAILED' });
  });
});
