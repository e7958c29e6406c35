import { describe, expect, it } from 'vitest';
import {
  type HistoryEvent,
  type TaskRequest,
  type TaskResources,
  type TaskResult,
} from '../../src/engine/index.js';
import type { DispatchedTaskRequest } from '../../src/scheduler/index.js';
import { runExecution } from '../../src/scheduler/in-memory.js';
import { SqliteStore, StoreError, type Store, type WriteOp, type WriteResult } from '../../src/store/index.js';
import type { App } from '../../src/app/create-app.js';
import { ServiceError } from '../../src/service/index.js';
import { closeAll, stepwright, tempDir } from './fixtures.js';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:f';

const echo: TaskResources = { invoke: (r) => Promise.resolve({ ok: true, output: r.parameters }) };
const never: TaskResources = { invoke: () => new Promise<TaskResult>(() => undefined) };

function shape(events: readonly HistoryEvent[]): unknown[] {
  return events.map((e) => {
    const { timestamp: _t, ...rest } = e as unknown as Record<string, unknown>;
    return rest;
  });
}

async function allHistory(sw: App, executionArn: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sw.service.getExecutionHistory({ executionArn, nextToken, maxResults: 7 });
    out.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return out;
}

async function runDurably(sw: App, definition: object, input: unknown, name = 'm') {
  const { stateMachineArn } = await sw.service.createStateMachine({ name, definition });
  const { executionArn } = await sw.service.startExecution({ stateMachineArn, input: JSON.stringify(input), name: 'exec' });
  const result = await sw.service.awaitExecution(executionArn);
  return { executionArn, result, history: await allHistory(sw, executionArn) };
}

const MIXED = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'items.$': '$.items', 'mode.$': '$.mode' }, Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.mode', StringEquals: 'fan', Next: 'Fan' }], Default: 'Done' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 2,
              ItemProcessor: {
                StartAt: 'Work',
                States: { Work: { Type: 'Task', Resource: LAMBDA, Parameters: { 'n.$': '$' }, End: true } },
              },
              End: true,
            },
          },
        },
        { StartAt: 'Const', States: { Const: { Type: 'Pass', Result: 'b', End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describe('durable executions', () => {
  it('runs Pass, Choice, Parallel, Map and Task durably with the output of the in-memory engine', async () => {
    const input = { items: [1, 2, 3], mode: 'fan' };
    const sw = await stepwright({ dataDir: tempDir(), resources: echo });
    const durable = await runDurably(sw, MIXED, input);
    const memory = await runExecution(MIXED, { input, resources: echo, name: 'exec', stateMachineName: 'm' });
    expect(durable.result.status).toBe('SUCCEEDED');
    expect(durable.result.output).toBe(memory.output);
    expect(durable.result.output).toBe('[[{"n":1},{"n":2},{"n":3}],"b"]');
    // Concurrent iterations may interleave differently; the events themselves are the same.
    const count = (events: readonly HistoryEvent[]) => events.map((e) => e.type).sort();
    expect(count(durable.history)).toEqual(count(memory.events));
    expect(durable.history.map((e) => e.id)).toEqual(durable.history.map((_, i) => i + 1));
  });

  it('records exactly the history of the in-memory engine for a sequential machine', async () => {
    const def = {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.p', Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.p.x', NumericEquals: 1, Next: 'T' }], Default: 'F' },
        T: { Type: 'Task', Resource: LAMBDA, Parameters: { 'v.$': '$.p.x' }, ResultPath: '$.t', Next: 'S' },
        S: { Type: 'Succeed' },
        F: { Type: 'Fail', Error: 'E' },
      },
    };
    const sw = await stepwright({ dataDir: tempDir(), resources: echo });
    const durable = await runDurably(sw, def, { a: 1 });
    const memory = await runExecution(def, { input: { a: 1 }, resources: echo, name: 'exec', stateMachineName: 'm' });
    expect(durable.result.output).toBe('{"a":1,"p":{"x":1},"t":{"v":1}}');
    expect(shape(durable.history)).toEqual(shape(memory.events));
  });

  it('answers startExecution only after the execution is committed', async () => {
    const dir = tempDir();
    const store = new SqliteStore(dir);
    const sw = await stepwright({ store, resources: never });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
    });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn, input: '{"a":1}' });
    expect(await store.getExecution(executionArn)).toMatchObject({ status: 'RUNNING', input: '{"a":1}' });
    expect((await sw.service.describeExecution(executionArn)).status).toBe('RUNNING');
  });

  it('treats a repeated start with the same name and input as the same request, and anything else as a conflict', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: never });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
    });
    const a = await sw.service.startExecution({ stateMachineArn, name: 'x', input: '{}' });
    const b = await sw.service.startExecution({ stateMachineArn, name: 'x', input: '{}' });
    expect(b.executionArn).toBe(a.executionArn);
    await expect(sw.service.startExecution({ stateMachineArn, name: 'x', input: '{"other":1}' })).rejects.toMatchObject({
      code: 'ExecutionAlreadyExists',
    });
    await expect(sw.service.startExecution({ stateMachineArn, input: '{' })).rejects.toMatchObject({
      code: 'InvalidExecutionInput',
    });
    await expect(sw.service.startExecution({ stateMachineArn: `${stateMachineArn}-nope` })).rejects.toBeInstanceOf(
      ServiceError,
    );
    await expect(sw.service.describeExecution('arn:nope')).rejects.toMatchObject({ code: 'ExecutionDoesNotExist' });
  });

  it('fires a Wait timer and records the Wait as AWS does', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const t0 = Date.now();
    const { result, history } = await runDurably(
      sw,
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } },
      { a: 1 },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(history.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('fires at once, after a restart, a timer that fell due while the server was down', async () => {
    const dir = tempDir();
    const first = await stepwright({ dataDir: dir });
    const { stateMachineArn } = await first.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } },
    });
    const { executionArn } = await first.service.startExecution({ stateMachineArn, name: 'e' });
    await new Promise((r) => setTimeout(r, 100));
    await closeAll();
    await new Promise((r) => setTimeout(r, 1100));
    const restarted = Date.now();
    const second = await stepwright({ dataDir: dir });
    expect((await second.service.awaitExecution(executionArn)).status).toBe('SUCCEEDED');
    expect(Date.now() - restarted).toBeLessThan(500);
  });

  it('retries a failed task after its back-off and counts the attempts as AWS does', async () => {
    let calls = 0;
    const flaky: TaskResources = {
      invoke: () =>
        Promise.resolve(++calls < 3 ? { ok: false, error: 'Boom', cause: 'c' } : { ok: true, output: 'fine' }),
    };
    const sw = await stepwright({ dataDir: tempDir(), resources: flaky });
    const def = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1 }],
          End: true,
        },
      },
    };
    const t0 = Date.now();
    const { result, history } = await runDurably(sw, def, {});
    expect(result.output).toBe('"fine"');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(history.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(3);
    expect(history.filter((e) => e.type === 'LambdaFunctionFailed')).toHaveLength(2);
  });

  it('times out a task that does not answer within TimeoutSeconds', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: never });
    const { result, history } = await runDurably(
      sw,
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 1, End: true } } },
      {},
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(history.map((e) => e.type)).toContain('LambdaFunctionTimedOut');
  });

  it('fires timers due at the same instant in one advance: a Map whose 4 iterations time out records 4 TaskTimedOut (timeouts test_service_lambda_map_timeout)', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: never });
    const processor = { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 1, Parameters: { FunctionName: 'f' }, End: true } } };
    const { result, history } = await runDurably(sw, { StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: processor, End: true } } }, [1, 2, 3, 4]);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const types = history.map((e) => e.type);
    expect(types.filter((t) => t === 'TaskTimedOut')).toHaveLength(4);
    // As AWS: every timeout first, then the failed iteration and the aborts of the others.
    expect(types.slice(types.indexOf('TaskTimedOut'), types.indexOf('TaskTimedOut') + 6)).toEqual(['TaskTimedOut', 'TaskTimedOut', 'TaskTimedOut', 'TaskTimedOut', 'MapIterationFailed', 'TaskStateAborted']);
  });

  it('times out the execution after the machine TimeoutSeconds', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: never });
    const { result, history } = await runDurably(
      sw,
      { TimeoutSeconds: 1, StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
      {},
    );
    expect(result).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(history[history.length - 1].type).toBe('ExecutionTimedOut');
  });

  it('stops an execution, records ExecutionAborted, and drops the result that comes later', async () => {
    let answer: (r: TaskResult) => void = () => undefined;
    const late: TaskResources = { invoke: () => new Promise<TaskResult>((resolve) => (answer = resolve)) };
    const sw = await stepwright({ dataDir: tempDir(), resources: late });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
    });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn });
    await new Promise((r) => setTimeout(r, 50));
    const { stopDate } = await sw.service.stopExecution({ executionArn, error: 'Manual', cause: 'operator' });
    const d = await sw.service.describeExecution(executionArn);
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Manual', cause: 'operator' });
    expect(d.stopDate).toEqual(stopDate);
    answer({ ok: true, output: 'too late' });
    await new Promise((r) => setTimeout(r, 50));
    const history = await allHistory(sw, executionArn);
    expect(history[history.length - 1]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Manual', cause: 'operator' },
    });
    expect(history.map((e) => e.type)).not.toContain('LambdaFunctionSucceeded');
    expect((await sw.service.describeExecution(executionArn)).status).toBe('ABORTED');
  });

  it('commits a runaway loop in slices, so that StopExecution can end it', async () => {
    // Slices of 1,000 transitions: a loop ends at the history quota (25,000 events) within 13.
    const sw = await stepwright({ dataDir: tempDir(), transitionsPerSlice: 1000 });
    const loop = {
      StartAt: 'Spin',
      States: {
        Spin: { Type: 'Pass', Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.never', IsPresent: true, Next: 'End' }], Default: 'Spin' },
        End: { Type: 'Succeed' },
      },
    };
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'loop', definition: loop });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn });
    // Wait until at least one slice (1,000 transitions) is committed.
    const lastId = async (): Promise<number> =>
      (await sw.service.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 1 })).events[0]?.id ?? 0;
    while ((await lastId()) < 2_000) await new Promise((r) => setTimeout(r, 5));
    await sw.service.stopExecution({ executionArn });
    const d = await sw.service.describeExecution(executionArn);
    expect(d.status).toBe('ABORTED');
    const [last] = (await sw.service.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 1 })).events;
    expect(last.type).toBe('ExecutionAborted');
  });

  it('completes a .waitForTaskToken task with SendTaskSuccess, and refuses an unknown token', async () => {
    const requests: TaskRequest[] = [];
    const callback: TaskResources = { invoke: (r) => (requests.push(r), Promise.resolve({ ok: true, output: null })) };
    const sw = await stepwright({ dataDir: tempDir(), resources: callback });
    const def = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'f', 'token.$': '$$.Task.Token' },
          End: true,
        },
      },
    };
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'm', definition: def });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn });
    while (requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const token = requests[0].taskToken!;
    expect((requests[0].parameters as { token: string }).token).toBe(token);
    await sw.service.sendTaskSuccess({ taskToken: token, output: '{"approved":true}' });
    expect(await sw.service.awaitExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    // The one completion path answers as AWS does for a task that is over (the API always did).
    await expect(sw.service.sendTaskSuccess({ taskToken: token, output: '{}' })).rejects.toMatchObject({
      code: 'TaskTimedOut',
      message: "Task Timed Out: 'Provided task does not exist anymore'",
    });
    await expect(sw.service.sendTaskSuccess({ taskToken: 'not-a-token', output: '{}' })).rejects.toMatchObject({ code: 'InvalidToken' });
  });

  it('dispatches an unanswered task again after a restart, with the same idempotency key', async () => {
    const dir = tempDir();
    const keys: string[] = [];
    const first = await stepwright({
      dataDir: dir,
      resources: {
        invoke: (r) => (
          keys.push((r as DispatchedTaskRequest).idempotencyKey),
          new Promise<TaskResult>(() => undefined)
        ),
      },
    });
    const { stateMachineArn } = await first.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
    });
    const { executionArn } = await first.service.startExecution({ stateMachineArn, name: 'e', input: '{"v":1}' });
    while (keys.length === 0) await new Promise((r) => setTimeout(r, 10));
    await closeAll();
    const second = await stepwright({
      dataDir: dir,
      resources: {
        invoke: (r) => (
          keys.push((r as DispatchedTaskRequest).idempotencyKey),
          Promise.resolve({ ok: true, output: r.parameters })
        ),
      },
    });
    expect(await second.service.awaitExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"v":1}' });
    expect(keys).toEqual([`${executionArn}:3`, `${executionArn}:3`]);
    const history = await allHistory(second, executionArn);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(history.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(1);
  });

  // The children of a distributed Map record no history events, so each of their tasks has attempt 0:
  // aws-samples' sfn-dynamodb-batchwriteitem (three batches, each writing at once) never ended.
  it('dispatches the tasks of a distributed Map run at once, each once, and a retry in a child again', async () => {
    const keys: string[] = [];
    const tries = new Map<number, number>();
    const sw = await stepwright({
      dataDir: tempDir(),
      resources: {
        invoke: async (r) => {
          keys.push((r as DispatchedTaskRequest).idempotencyKey);
          const item = (r.parameters as { item: number }).item;
          tries.set(item, (tries.get(item) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return item === 2 && tries.get(item) === 1 ? { ok: false, error: 'Boom', cause: 'once' } : { ok: true, output: item * 10 };
        },
      },
    });
    const def = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Work',
            States: { Work: { Type: 'Task', Resource: LAMBDA, Parameters: { 'item.$': '$' }, Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, BackoffRate: 1 }], End: true } },
          },
          End: true,
        },
      },
    };
    const { result } = await runDurably(sw, def, [1, 2, 3]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '[10,20,30]' });
    expect([...tries.entries()].sort()).toEqual([[1, 1], [2, 2], [3, 1]]);
    expect(new Set(keys).size).toBe(4);
  });

  it('does not dispatch a timed-out attempt again after a restart', async () => {
    const dir = tempDir();
    const keys: string[] = [];
    const keyOf = (r: TaskRequest): string => (r as DispatchedTaskRequest).idempotencyKey;
    const first = await stepwright({
      dataDir: dir,
      resources: { invoke: (r) => (keys.push(keyOf(r)), new Promise<TaskResult>(() => undefined)) },
    });
    const def = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          TimeoutSeconds: 1,
          Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        },
      },
    };
    const { stateMachineArn } = await first.service.createStateMachine({ name: 'm', definition: def });
    const { executionArn } = await first.service.startExecution({ stateMachineArn, name: 'e' });
    const timedOut = async (): Promise<boolean> =>
      (await first.service.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 1 })).events[0]?.type ===
      'LambdaFunctionTimedOut';
    while (!(await timedOut())) await new Promise((r) => setTimeout(r, 20));
    await closeAll();
    const second = await stepwright({
      dataDir: dir,
      resources: { invoke: (r) => (keys.push(keyOf(r)), Promise.resolve({ ok: true, output: 'second' })) },
    });
    expect(await second.service.awaitExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"second"' });
    expect(keys).toEqual([`${executionArn}:3`, `${executionArn}:6`]);
  });

  it('shares one transaction among the advances of many executions (group commit)', async () => {
    const dir = tempDir();
    const inner = new SqliteStore(dir);
    let commits = 0;
    const counting: Store = Object.create(inner, {
      commit: { value: (ops: readonly WriteOp[]): Promise<WriteResult[]> => (commits++, inner.commit(ops)) },
    }) as Store;
    const sw = await stepwright({ store: counting });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'm',
      definition: {
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Pass', End: true } },
      },
    });
    const started = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sw.service.startExecution({ stateMachineArn, input: JSON.stringify({ i }) })),
    );
    const done = await Promise.all(started.map((s) => sw.service.awaitExecution(s.executionArn)));
    expect(done.every((d, i) => d.status === 'SUCCEEDED' && d.output === JSON.stringify({ i }))).toBe(true);
    // 200 starts + 200 advances, each its own transaction without group commit.
    expect(commits).toBeLessThan(40);
  });

  it('survives failed commits: the advance is retried and the task result kept until it is stored', async () => {
    const inner = new SqliteStore(tempDir());
    const failOnce = new Set<WriteOp['kind']>(['applyAdvance', 'deliverTaskResult']);
    const flaky: Store = Object.create(inner, {
      commit: {
        value: (ops: readonly WriteOp[]): Promise<WriteResult[]> => {
          const hit = ops.find((op) => failOnce.has(op.kind));
          if (hit !== undefined) {
            failOnce.delete(hit.kind);
            return Promise.reject(new StoreError('The disk is full', 'DiskFull'));
          }
          return inner.commit(ops);
        },
      },
    }) as Store;
    const errors: string[] = [];
    const sw = await stepwright({ store: flaky, resources: echo, onError: (e) => errors.push((e as Error).message) });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
    });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn, input: '{"v":2}' });
    expect(await sw.service.awaitExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"v":2}' });
    expect(errors).toEqual(['The disk is full', 'The disk is full']);
    const history = await allHistory(sw, executionArn);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(history.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(1);
  });

  it('runs an Express machine in memory with startSyncExecution', async () => {
    const sw = await stepwright({ dataDir: tempDir(), resources: echo });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'x',
      type: 'EXPRESS',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, End: true } } },
    });
    const r = await sw.service.startSyncExecution({ stateMachineArn, input: '{"k":2}' });
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: '{"k":2}' });
    expect(r.executionArn).toContain(':express:x:');
  });

  it('refuses an invalid definition with AWS diagnostics', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    await expect(
      sw.service.createStateMachine({
        name: 'bad',
        definition: { StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } },
      }),
    ).rejects.toThrow(/Invalid State Machine Definition/);
  });
});
