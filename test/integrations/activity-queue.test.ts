import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityQueue } from '../../src/integrations/activity-queue.js';
import { SqliteStore } from '../../src/store/index.js';

const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:m:e';
const request = (n: number) => ({
  resource: ACTIVITY,
  parameters: { n },
  executionArn: EXECUTION,
  stateName: 'Work',
  taskToken: `token-${n}`,
  idempotencyKey: `${EXECUTION}:${n}`,
});

describe('ActivityQueue over the store', () => {
  let dir: string;
  let store: SqliteStore;
  let queue: ActivityQueue;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-activity-queue-'));
    store = new SqliteStore(dir, { synchronous: 'OFF' });
    await store.createStateMachine({ arn: MACHINE, name: 'm', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
    await store.commit([{ kind: 'createExecution', execution: { arn: EXECUTION, stateMachineArn: MACHINE, revision: 1, name: 'e', status: 'RUNNING', input: '{}', startDate: 1 } }]);
    const snapshot = { version: 1, lastEventId: 0, status: 'RUNNING' } as never;
    // Attempts 1-3 wait on their tokens, as an advance that scheduled three activity tasks leaves them.
    const [start] = await store.pendingInbox(EXECUTION);
    await store.commit([
      {
        kind: 'applyAdvance', executionArn: EXECUTION, expectedVersion: 0, snapshot, history: [], consumedInbox: [start.id], firedTimers: [], newTimers: [],
        cancelledTimers: [], endedAttempts: [], followUps: [],
        outbox: [1, 2, 3].map((n) => ({ executionArn: EXECUTION, idempotencyKey: `${EXECUTION}:${n}`, frameId: 'root', attempt: n, request: request(n) })),
      },
    ]);
    queue = new ActivityQueue();
    queue.connect(store);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands a task queued while a poll waits to that poll, and the next to the next poll', async () => {
    const first = queue.poll(ACTIVITY, 10_000, undefined, 'w1');
    const second = queue.poll(ACTIVITY, 10_000);
    expect(await queue.dispatch(request(1))).toEqual({ ok: true, output: null });
    await queue.dispatch(request(2));
    const got = [await first, await second];
    expect(got.map((t) => t?.taskToken).sort()).toEqual(['token-1', 'token-2']);
    expect((await store.pendingInbox(EXECUTION)).map((i) => i.event.type)).toEqual(['activityStarted', 'activityStarted']);
  });

  it('queues a task once however often it is dispatched, and answers no poll with it twice', async () => {
    await queue.dispatch(request(1));
    await queue.dispatch(request(1));
    expect(await queue.poll(ACTIVITY, 0)).toEqual({ taskToken: 'token-1', input: '{"n":1}' });
    expect(await queue.poll(ACTIVITY, 0)).toBeUndefined();
  });

  it('answers nothing at the end of the poll, and keeps a later task for the next poll', async () => {
    expect(await queue.poll(ACTIVITY, 30)).toBeUndefined();
    await queue.dispatch(request(3));
    expect(await queue.poll(ACTIVITY, 0, undefined, 'w')).toEqual({ taskToken: 'token-3', input: '{"n":3}' });
    expect((await store.listActivityTasks(EXECUTION))[0]).toMatchObject({ token: 'token-3', workerName: 'w' });
  });

  it('takes nothing for a poll whose caller went away', async () => {
    const gone = new AbortController();
    const poll = queue.poll(ACTIVITY, 10_000, gone.signal);
    gone.abort();
    expect(await poll).toBeUndefined();
    await queue.dispatch(request(1));
    expect(await queue.poll(ACTIVITY, 0)).toMatchObject({ taskToken: 'token-1' });
  });

  it('fails a task of a run that has no store (an in-memory run) with States.Runtime', async () => {
    const alone = new ActivityQueue();
    expect(await alone.dispatch(request(1))).toMatchObject({ ok: false, error: 'States.Runtime' });
    expect(await queue.dispatch({ ...request(1), idempotencyKey: undefined })).toMatchObject({ ok: false, error: 'States.Runtime' });
  });
});
