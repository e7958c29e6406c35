import { describe, expect, it } from 'vitest';
import {
  systemClock,
  type HistoryEvent,
  type TaskRequest,
  type TaskResources,
  type TaskResult,
} from '../../src/engine/index.js';
import type { App } from '../../src/app/create-app.js';
import { closeAll, stepwright, tempDir } from './fixtures.js';

const CHARGE = 'arn:aws:lambda:us-east-1:123456789012:function:charge';
const PREPARE = 'arn:aws:lambda:us-east-1:123456789012:function:prepare';

/** `prepare` always answers; `charge` fails on its first call and succeeds after. */
function failOnce(): { resources: TaskResources; calls: { prepare: TaskRequest[]; charge: TaskRequest[] } } {
  const calls = { prepare: [] as TaskRequest[], charge: [] as TaskRequest[] };
  const resources: TaskResources = {
    invoke: (r): Promise<TaskResult> => {
      if (r.resource === PREPARE) {
        calls.prepare.push(r);
        return Promise.resolve({ ok: true, output: { prepared: true } });
      }
      calls.charge.push(r);
      return Promise.resolve(
        calls.charge.length === 1
          ? { ok: false, error: 'PaymentDown', cause: 'the payment service is down' }
          : { ok: true, output: { charged: r.parameters } },
      );
    },
  };
  return { resources, calls };
}

const MACHINE = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: PREPARE, ResultPath: '$.prep', Next: 'Charge' },
    Charge: {
      Type: 'Task',
      Resource: CHARGE,
      Parameters: { 'order.$': '$.order', 'redrives.$': '$$.Execution.RedriveCount' },
      End: true,
    },
  },
};

async function allHistory(sw: App, executionArn: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sw.service.getExecutionHistory({ executionArn, nextToken, maxResults: 5 });
    out.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return out;
}

async function startFailed(sw: App): Promise<string> {
  const { stateMachineArn } = await sw.service.createStateMachine({ name: 'orders', definition: MACHINE });
  const { executionArn } = await sw.service.startExecution({ stateMachineArn, name: 'o-1', input: '{"order":7}' });
  expect(await sw.service.awaitExecution(executionArn)).toMatchObject({ status: 'FAILED', error: 'PaymentDown' });
  return executionArn;
}

/** Resolves once the execution is no longer RUNNING (awaitExecution answers at once while it still reads FAILED). */
async function settled(sw: App, executionArn: string) {
  for (;;) {
    const d = await sw.service.awaitExecution(executionArn);
    if (d.status !== 'RUNNING') return d;
  }
}

describe('RedriveExecution in the durable scheduler', () => {
  it('continues a failed execution from the failed Task: SUCCEEDED, contiguous history, earlier states not run again', async () => {
    const { resources, calls } = failOnce();
    const sw = await stepwright({ dataDir: tempDir(), resources });
    const executionArn = await startFailed(sw);
    const before = await sw.service.describeExecution(executionArn);
    expect(before).toMatchObject({ redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    expect(before.redriveDate).toBeUndefined();

    const { redriveDate } = await sw.service.redriveExecution({ executionArn });
    expect((await sw.service.describeExecution(executionArn)).status).toBe('RUNNING');
    const done = await settled(sw, executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
    expect(done.redriveDate).toEqual(redriveDate);
    expect(done.error).toBeUndefined();
    expect(JSON.parse(done.output!)).toEqual({ charged: { order: 7, redrives: 1 } });

    expect(calls.prepare).toHaveLength(1);
    expect(calls.charge.map((r) => r.parameters)).toEqual([
      { order: 7, redrives: 0 },
      { order: 7, redrives: 1 },
    ]);
    const history = await allHistory(sw, executionArn);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(
      history
        .map((e) => e.previousEventId)
        .slice(1)
        .every((p, i) => p <= i + 1),
    ).toBe(true);
    const types = history.map((e) => e.type);
    const redriven = types.indexOf('ExecutionRedriven');
    expect(types.slice(0, redriven)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'ExecutionFailed',
    ]);
    expect(history[redriven].executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(types.slice(redriven + 1)).toEqual([
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(JSON.parse(history[redriven + 1].stateEnteredEventDetails!.input as string)).toEqual({
      order: 7,
      prep: { prepared: true },
    });
  });

  it('refuses to redrive a running or succeeded execution, with the reason DescribeExecution gives', async () => {
    const { resources } = failOnce();
    const sw = await stepwright({ dataDir: tempDir(), resources });
    const executionArn = await startFailed(sw);
    await sw.service.redriveExecution({ executionArn });
    // A second redrive while the first runs (or after it succeeded) is refused.
    await expect(sw.service.redriveExecution({ executionArn })).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: expect.stringMatching(/^Execution is (RUNNING|SUCCEEDED) and cannot be redriven$/) as unknown,
    });
    await settled(sw, executionArn);
    await expect(sw.service.redriveExecution({ executionArn })).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(await sw.service.describeExecution(executionArn)).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    await expect(sw.service.redriveExecution({ executionArn: `${executionArn}-nope` })).rejects.toMatchObject({
      code: 'ExecutionDoesNotExist',
    });
  });

  it('refuses a redrive more than 14 days after the execution stopped', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { resources } = failOnce();
    const sw = await stepwright({ dataDir: tempDir(), resources, clock: { ...systemClock, now: () => now } });
    const executionArn = await startFailed(sw);
    now += 14 * 24 * 3600 * 1000 + 1;
    expect(await sw.service.describeExecution(executionArn)).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution redrivable period exceeded',
    });
    await expect(sw.service.redriveExecution({ executionArn })).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: 'Execution redrivable period exceeded',
    });
  });

  it('refuses to redrive an execution whose machine was deleted with its revisions', async () => {
    const { resources } = failOnce();
    const sw = await stepwright({ dataDir: tempDir(), resources });
    const executionArn = await startFailed(sw);
    const { stateMachineArn } = await sw.service.describeExecution(executionArn);
    await sw.store.deleteStateMachine(stateMachineArn);
    await sw.store.deleteStateMachineRevisions(stateMachineArn);
    await expect(sw.service.redriveExecution({ executionArn })).rejects.toMatchObject({
      code: 'ExecutionNotRedrivable',
      message: 'State machine is in DELETING status',
    });
    expect((await sw.service.describeExecution(executionArn)).status).toBe('FAILED');
  });

  it('redrives an aborted execution, which can then be stopped again', async () => {
    let answer: (r: TaskResult) => void = () => undefined;
    const pending: TaskResources = { invoke: () => new Promise<TaskResult>((resolve) => (answer = resolve)) };
    const sw = await stepwright({ dataDir: tempDir(), resources: pending });
    const { stateMachineArn } = await sw.service.createStateMachine({
      name: 'm',
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: CHARGE, End: true } } },
    });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn, name: 'e' });
    await new Promise((r) => setTimeout(r, 50));
    await sw.service.stopExecution({ executionArn, error: 'Manual' });
    await sw.service.redriveExecution({ executionArn });
    await new Promise((r) => setTimeout(r, 50));
    expect((await sw.service.describeExecution(executionArn)).status).toBe('RUNNING');
    answer({ ok: true, output: 'late but redriven' });
    const done = await settled(sw, executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '"late but redriven"', redriveCount: 1 });
    const types = (await allHistory(sw, executionArn)).map((e) => e.type);
    expect(types.filter((t) => t === 'LambdaFunctionScheduled')).toHaveLength(2);
    expect(types.indexOf('ExecutionAborted')).toBeLessThan(types.indexOf('ExecutionRedriven'));
  });

  it('redrives an execution that failed before a restart of the data dir, and counts a second redrive', async () => {
    const dir = tempDir();
    let fail = true;
    const flaky: TaskResources = {
      invoke: (r) =>
        Promise.resolve(
          r.resource === PREPARE
            ? { ok: true, output: 'p' }
            : fail
              ? { ok: false, error: 'PaymentDown', cause: 'down' }
              : { ok: true, output: r.parameters },
        ),
    };
    const first = await stepwright({ dataDir: dir, resources: flaky });
    const executionArn = await startFailed(first);
    await closeAll();

    const second = await stepwright({ dataDir: dir, resources: flaky });
    await second.service.redriveExecution({ executionArn });
    expect(await settled(second, executionArn)).toMatchObject({ status: 'FAILED', redriveCount: 1 });
    await closeAll();

    fail = false;
    const third = await stepwright({ dataDir: dir, resources: flaky });
    await third.service.redriveExecution({ executionArn });
    const done = await settled(third, executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 2 });
    expect(JSON.parse(done.output!)).toEqual({ order: 7, redrives: 2 });
    const history = await allHistory(third, executionArn);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(history.filter((e) => e.type === 'ExecutionRedriven').map((e) => e.executionRedrivenEventDetails)).toEqual([
      { redriveCount: 1 },
      { redriveCount: 2 },
    ]);
  });

  it('redrives when the scheduler restarts between the redrive request and its advance', async () => {
    const dir = tempDir();
    const { resources } = failOnce();
    const first = await stepwright({ dataDir: dir, resources });
    const executionArn = await startFailed(first);
    // Queue the redrive in the store only (as if the process died before the scheduler ran it).
    const r = await first.scheduler.submit({ kind: 'redriveExecution', executionArn, redriveDate: Date.now() });
    expect(r.kind).toBe('redriven');
    await closeAll();
    const second = await stepwright({ dataDir: dir, resources });
    expect(await settled(second, executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  });
});
