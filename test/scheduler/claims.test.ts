import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRequest, TaskResources, TaskResult } from '../../src/engine/index.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { SqliteStore, type ExecutionRecord, type Store } from '../../src/store/index.js';
import { tempDir } from './fixtures.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const TASK = {
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } },
};
const PASS = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

const opened: { store: Store; scheduler?: Scheduler }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.scheduler?.close();
    await o.store.close();
  }
});

async function setUp(definition: object, options: { leaseMs?: number; pollMs?: number; resources?: TaskResources } = {}) {
  const store = new SqliteStore(tempDir(), { synchronous: 'OFF' });
  const entry: { store: Store; scheduler?: Scheduler } = { store };
  opened.push(entry);
  await store.createStateMachine({ arn: MACHINE, name: 'm', type: 'STANDARD', definition: JSON.stringify(definition), roleArn: 'r', createdAt: 1 });
  const scheduler = new Scheduler({
    store,
    workerId: 'here',
    onError: (e) => {
      throw e;
    },
    ...options,
  });
  entry.scheduler = scheduler;
  await scheduler.start();
  return { store, scheduler };
}

function record(name: string): ExecutionRecord {
  return { arn: `arn:aws:states:us-east-1:123456789012:execution:m:${name}`, stateMachineArn: MACHINE, revision: 1, name, status: 'RUNNING', input: '{}', startDate: Date.now() };
}

/** Task resources whose calls wait until the test answers them. */
function heldTasks() {
  const calls: { request: TaskRequest; answer: (r: TaskResult) => void }[] = [];
  let arrived: () => void = () => undefined;
  const resources: TaskResources = {
    invoke: (request) =>
      new Promise((answer) => {
        calls.push({ request, answer });
        arrived();
      }),
  };
  const next = (): Promise<void> => (calls.length > 0 ? Promise.resolve() : new Promise((r) => (arrived = r)));
  return { resources, calls, next };
}

describe('claims', () => {
  it('claims the execution it starts, lets go once it waits, and holds the effect it dispatches until it is answered', async () => {
    const tasks = heldTasks();
    const { store, scheduler } = await setUp(TASK, { resources: tasks.resources });
    const e = record('e1');
    const created = await scheduler.submit({ kind: 'createExecution', execution: e });
    expect(created).toMatchObject({ kind: 'created', claimed: true });
    expect(await store.leaseOf({ executionArn: e.arn })).toMatchObject({ owner: 'here' });
    scheduler.wake(e.arn);
    await tasks.next();
    // Waiting for its task: nobody needs to hold the execution, but the task is this worker's.
    expect(await store.leaseOf({ executionArn: e.arn })).toBeUndefined();
    const key = (await store.pendingOutbox(10))[0].idempotencyKey;
    expect(await store.leaseOf({ idempotencyKey: key })).toMatchObject({ owner: 'here' });
    const done = scheduler.awaitCompletion(e.arn);
    tasks.calls[0].answer({ ok: true, output: { fine: true } });
    expect((await done)?.status).toBe('SUCCEEDED');
    expect(await store.leaseOf({ executionArn: e.arn })).toBeUndefined();
    expect(await store.leaseOf({ idempotencyKey: key })).toBeUndefined();
  });

  it('leaves an execution another worker holds to it, and advances it once that worker lets go', async () => {
    const { store, scheduler } = await setUp(PASS, { pollMs: 10 });
    const e = record('theirs');
    const far = Date.now() + 3_600_000;
    await store.commit([{ kind: 'createExecution', execution: e, claim: { owner: 'other', now: Date.now(), expiresAt: far } }]);
    scheduler.wake(e.arn);
    // Several polls (every 10 ms) see the work and find it claimed.
    await new Promise((r) => setTimeout(r, 100));
    expect((await store.getExecution(e.arn))?.status).toBe('RUNNING');
    expect(await store.leaseOf({ executionArn: e.arn })).toEqual({ owner: 'other', expiresAt: far });
    const done = scheduler.awaitCompletion(e.arn);
    await store.commit([{ kind: 'releaseClaims', owner: 'other' }]);
    expect((await done)?.status).toBe('SUCCEEDED');
  });

  it('renews what it holds while it holds it, and lets go of everything when it closes', async () => {
    const tasks = heldTasks();
    const { store, scheduler } = await setUp(TASK, { resources: tasks.resources, leaseMs: 150 });
    const e = record('e1');
    await scheduler.submit({ kind: 'createExecution', execution: e });
    scheduler.wake(e.arn);
    await tasks.next();
    const key = (await store.pendingOutbox(10))[0].idempotencyKey;
    const first = (await store.leaseOf({ idempotencyKey: key }))!.expiresAt;
    let later = first;
    while (later === first) {
      await new Promise((r) => setTimeout(r, 25));
      later = (await store.leaseOf({ idempotencyKey: key }))!.expiresAt;
    }
    expect(later).toBeGreaterThan(first);
    await scheduler.close();
    expect(await store.leaseOf({ idempotencyKey: key })).toBeUndefined();
    expect(await store.claimOutbox('next-worker', Date.now(), 10, 1000)).toHaveLength(1);
  });
});

describe('signals through the store', () => {
  it('advances an execution another writer gave work, with neither a wake nor a poll', async () => {
    const { store, scheduler } = await setUp(PASS, { pollMs: 3_600_000 });
    const e = record('from-elsewhere');
    // Written straight to the store, as another process sharing it would.
    await store.commit([{ kind: 'createExecution', execution: e }]);
    expect(await scheduler.awaitCompletion(e.arn)).toMatchObject({ arn: e.arn, status: 'SUCCEEDED', output: '{}' });
  });

  it('hears of an end another writer committed (awaitCompletion waits on the store, not on this scheduler)', async () => {
    const { store, scheduler } = await setUp(TASK, { resources: heldTasks().resources });
    const e = record('ended-elsewhere');
    await scheduler.submit({ kind: 'createExecution', execution: e });
    scheduler.wake(e.arn);
    let ended = false;
    const done = scheduler.awaitCompletion(e.arn).then((r) => ((ended = true), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(false);
    const { snapshot, version } = (await store.loadSnapshot(e.arn))!;
    const failed = { ...snapshot!, version: version + 1, status: 'FAILED' as const, error: 'Elsewhere', cause: 'another worker' };
    await store.commit([
      {
        kind: 'applyAdvance',
        executionArn: e.arn,
        expectedVersion: version,
        snapshot: failed,
        history: [{ id: snapshot!.lastEventId + 1, previousEventId: snapshot!.lastEventId, timestamp: Date.now(), type: 'ExecutionFailed' }],
        consumedInbox: [],
        firedTimers: [],
        cancelledTimers: [],
        endedAttempts: [],
        newTimers: [],
        outbox: [],
        followUps: [],
        stopDate: Date.now(),
      },
    ]);
    expect(await done).toMatchObject({ status: 'FAILED', error: 'Elsewhere', cause: 'another worker' });
  });
});

describe('polling for work nobody announced', () => {
  it('claims no more than it can advance at once, and in time advances all of a backlog', async () => {
    const store = new SqliteStore(tempDir(), { synchronous: 'OFF' });
    opened.push({ store });
    await store.createStateMachine({ arn: MACHINE, name: 'm', type: 'STANDARD', definition: JSON.stringify(PASS), roleArn: 'r', createdAt: 1 });
    // A backlog no scheduler was told about: started unclaimed, as another server's writes are.
    const backlog = Array.from({ length: 20 }, (_, i) => record(`backlog-${i}`));
    await store.commit(backlog.map((execution) => ({ kind: 'createExecution' as const, execution })));
    const asked: number[] = [];
    const claimWork = store.claimWork.bind(store);
    store.claimWork = (owner, now, limit, leaseMs) => {
      asked.push(limit);
      return claimWork(owner, now, limit, leaseMs);
    };
    const scheduler = new Scheduler({ store, workerId: 'here', concurrency: 3, pollMs: 10, onError: (e) => { throw e; } });
    opened[opened.length - 1] = { store, scheduler };
    await scheduler.start();
    for (const e of backlog) expect(await scheduler.awaitCompletion(e.arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.max(...asked)).toBeLessThanOrEqual(3);
  });
});
