// The behaviour every Store implementation must have. Each implementation's test calls
// `describeStoreContract` with a factory for a fresh, empty store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshot, prepareMachine } from '../../src/engine/index.js';
import type { Snapshot } from '../../src/engine/index.js';
import type { ExecutionRecord, FunctionLogRecord, OutboxRecord, Store, StoredHistoryEvent, WriteOp } from '../../src/store/index.js';

export interface StoreFixture {
  readonly store: Store;
  /** Closes the store and removes what it wrote. */
  readonly dispose: () => Promise<void>;
}

const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const DEFINITION = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
const T0 = Date.UTC(2026, 0, 1);

function newExecution(name: string, input = '{}'): { record: ExecutionRecord; snapshot: Snapshot } {
  const arn = `arn:aws:states:us-east-1:123456789012:execution:m:${name}`;
  const snapshot = createSnapshot(prepareMachine(JSON.parse(DEFINITION) as unknown), {
    arn,
    name,
    input: JSON.parse(input) as never,
    startTime: T0,
    roleArn: 'arn:aws:iam::123456789012:role/r',
    stateMachineArn: MACHINE_ARN,
    stateMachineName: 'm',
    redriveCount: 0,
  });
  return {
    record: { arn, stateMachineArn: MACHINE_ARN, revision: 1, name, status: 'RUNNING', input, startDate: T0 },
    snapshot,
  };
}

function events(from: number, to: number): StoredHistoryEvent[] {
  const out: StoredHistoryEvent[] = [];
  for (let id = from; id <= to; id++)
    out.push({
      id,
      previousEventId: id - 1,
      timestamp: T0 + id,
      type: 'PassStateEntered',
      detailsKey: 'stateEnteredEventDetails',
      details: { name: 'A', input: '{}' },
    });
  return out;
}

function advanceOp(
  arn: string,
  snapshot: Snapshot,
  expectedVersion: number,
  extra: Partial<Extract<WriteOp, { kind: 'applyAdvance' }>> = {},
): WriteOp {
  return {
    kind: 'applyAdvance',
    executionArn: arn,
    expectedVersion,
    snapshot,
    history: [],
    consumedInbox: [],
    firedTimers: [],
    cancelledTimers: [],
    endedAttempts: [],
    newTimers: [],
    outbox: [],
    followUps: [],
    ...extra,
  };
}

function outboxRecord(arn: string, attempt: number, taskToken?: string): OutboxRecord {
  return {
    executionArn: arn,
    idempotencyKey: `${arn}:${attempt}`,
    frameId: 'root',
    attempt,
    request: {
      resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      parameters: { n: attempt },
      executionArn: arn,
      stateName: 'T',
      taskToken,
    },
  };
}

export function describeStoreContract(name: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
      await store.createStateMachine({
        arn: MACHINE_ARN,
        name: 'm',
        type: 'STANDARD',
        definition: DEFINITION,
        roleArn: 'arn:aws:iam::123456789012:role/r',
        createdAt: T0,
      });
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    async function start(name: string, input = '{}'): Promise<{ record: ExecutionRecord; snapshot: Snapshot }> {
      const e = newExecution(name, input);
      const [r] = await store.commit([{ kind: 'createExecution', execution: e.record }]);
      expect(r.kind).toBe('created');
      return e;
    }

    describe('state machines', () => {
      it('keeps a created machine with its definition as revision 1', async () => {
        const m = await store.getStateMachine(MACHINE_ARN);
        expect(m).toMatchObject({ name: 'm', type: 'STANDARD', definition: DEFINITION, revision: 1, createdAt: T0 });
        expect((await store.listStateMachines()).map((x) => x.arn)).toEqual([MACHINE_ARN]);
        expect(await store.getStateMachine(`${MACHINE_ARN}x`)).toBeUndefined();
      });

      it('refuses a second machine with the same name', async () => {
        await expect(
          store.createStateMachine({
            arn: MACHINE_ARN,
            name: 'm',
            type: 'STANDARD',
            definition: DEFINITION,
            roleArn: 'r',
            createdAt: T0,
          }),
        ).rejects.toThrow();
      });

      it('makes a new revision when the definition changes and keeps the old one for running executions', async () => {
        const other = JSON.stringify({ StartAt: 'B', States: { B: { Type: 'Succeed' } } });
        const m = await store.updateStateMachine(MACHINE_ARN, { definition: other }, T0 + 5);
        expect(m.revision).toBe(2);
        expect(m.definition).toBe(other);
        expect((await store.getStateMachineRevision(MACHINE_ARN, 1))?.definition).toBe(DEFINITION);
        expect((await store.getStateMachineRevision(MACHINE_ARN, 2))?.definition).toBe(other);
      });

      it('numbers published versions 1, 2, … and lists the newest first', async () => {
        await store.updateStateMachine(MACHINE_ARN, { publish: true }, T0 + 1);
        await store.updateStateMachine(
          MACHINE_ARN,
          { definition: JSON.stringify({ StartAt: 'B', States: { B: { Type: 'Succeed' } } }), publish: true },
          T0 + 2,
        );
        const versions = await store.listStateMachineVersions(MACHINE_ARN);
        expect(versions.map((v) => [v.version, v.revision])).toEqual([
          [2, 2],
          [1, 1],
        ]);
      });

      it('deletes a machine', async () => {
        expect(await store.deleteStateMachine(MACHINE_ARN)).toBe(true);
        expect(await store.getStateMachine(MACHINE_ARN)).toBeUndefined();
        expect(await store.deleteStateMachine(MACHINE_ARN)).toBe(false);
      });
    });

    describe('executions', () => {
      it('stores a new execution as RUNNING with its snapshot and a start event in its inbox', async () => {
        const { record } = await start('e1', '{"a":1}');
        expect(await store.getExecution(record.arn)).toEqual(record);
        // The start snapshot follows from the row: stores keep none before the first advance.
        expect(await store.loadSnapshot(record.arn)).toEqual({ snapshot: null, version: 0 });
        expect((await store.pendingInbox(record.arn)).map((i) => i.event)).toEqual([{ type: 'start' }]);
      });

      it('answers an existing execution instead of creating a second one with the same name', async () => {
        const { record } = await start('e1', '{"a":1}');
        const again = newExecution('e1', '{"a":2}');
        const [r] = await store.commit([{ kind: 'createExecution', execution: again.record }]);
        expect(r).toEqual({ kind: 'exists', execution: record });
        expect(await store.pendingInbox(record.arn)).toHaveLength(1);
      });

      it('sees an execution created earlier in the same batch', async () => {
        const a = newExecution('same');
        const rs = await store.commit([
          { kind: 'createExecution', execution: a.record },
          { kind: 'createExecution', execution: a.record },
        ]);
        expect(rs.map((r) => r.kind)).toEqual(['created', 'exists']);
      });

      it('lists executions newest first, by machine and status', async () => {
        await start('e1');
        await start('e2');
        expect((await store.listExecutions({})).map((e) => e.name)).toEqual(['e2', 'e1']);
        expect(
          (await store.listExecutions({ stateMachineArn: MACHINE_ARN, status: 'RUNNING', limit: 1 })).map(
            (e) => e.name,
          ),
        ).toEqual(['e2']);
        expect(await store.listExecutions({ status: 'SUCCEEDED' })).toEqual([]);
      });

      it('pages executions newest first in the store, each page after the last position, with every filter', async () => {
        const other = 'arn:aws:states:us-east-1:123456789012:stateMachine:other';
        await store.createStateMachine({ arn: other, name: 'other', type: 'STANDARD', definition: DEFINITION, roleArn: 'r', createdAt: T0 });
        const names: string[] = [];
        for (let i = 0; i < 25; i++) {
          const e = newExecution(`p${i}`);
          const record = { ...e.record, stateMachineArn: i % 5 === 0 ? other : MACHINE_ARN, startDate: T0 + i, revision: i < 10 ? 1 : 2 };
          await store.commit([{ kind: 'createExecution', execution: record }]);
          if (i % 3 === 0) {
            await store.commit([advanceOp(record.arn, { ...e.snapshot, version: 1, lastEventId: 2, status: 'FAILED' }, 0, { history: events(1, 2), stopDate: T0 + 100 })]);
          }
          if (record.stateMachineArn === MACHINE_ARN) names.unshift(record.name);
        }
        const pages: string[][] = [];
        let after: number | undefined;
        do {
          const page = await store.listExecutionsPage({ stateMachineArn: MACHINE_ARN, limit: 7, after });
          pages.push(page.executions.map((e) => e.name));
          after = page.next;
        } while (after !== undefined);
        expect(pages.map((p) => p.length)).toEqual([7, 7, 6]);
        expect(pages.flat()).toEqual(names);

        // A page begun before new executions arrive is not shifted by them.
        const first = await store.listExecutionsPage({ stateMachineArn: MACHINE_ARN, limit: 7 });
        await start('newest');
        const second = await store.listExecutionsPage({ stateMachineArn: MACHINE_ARN, limit: 7, after: first.next });
        expect(second.executions.map((e) => e.name)).toEqual(names.slice(7, 14));

        const failed = await store.listExecutionsPage({ stateMachineArn: MACHINE_ARN, status: 'FAILED', limit: 100 });
        expect(failed.executions.map((e) => e.name)).toEqual(names.filter((n) => Number(n.slice(1)) % 3 === 0));
        expect(failed.next).toBeUndefined();
        const anyMachine = await store.listExecutionsPage({ status: 'FAILED', limit: 100 });
        expect(anyMachine.executions).toHaveLength(9);
        const v2 = await store.listExecutionsPage({ stateMachineArn: MACHINE_ARN, revision: 2, limit: 100 });
        expect(v2.executions.every((e) => e.revision === 2 && Number(e.name.slice(1)) >= 10)).toBe(true);
        expect(v2.executions).toHaveLength(12);
        const recent = await store.listExecutionsPage({ startedAfter: T0 + 20, limit: 100 });
        expect(recent.executions.map((e) => e.name)).toEqual(['p24', 'p23', 'p22', 'p21', 'p20']);
        expect((await store.listExecutionsPage({ redriven: true, limit: 10 })).executions).toEqual([]);
        expect((await store.listExecutionsPage({ redriven: false, limit: 100 })).executions).toHaveLength(26);
      });

      it('counts executions by machine and status', async () => {
        const a = await start('c1');
        await start('c2');
        await store.commit([advanceOp(a.record.arn, { ...a.snapshot, version: 1, lastEventId: 2, status: 'SUCCEEDED', output: 1 }, 0, { history: events(1, 2), stopDate: T0 + 5 })]);
        const counts = await store.countExecutions();
        expect(counts.sort((x, y) => x.status.localeCompare(y.status))).toEqual([
          { stateMachineArn: MACHINE_ARN, status: 'RUNNING', count: 1 },
          { stateMachineArn: MACHINE_ARN, status: 'SUCCEEDED', count: 1 },
        ]);
      });

      it('knows the id of the last history event of an execution', async () => {
        const { record, snapshot } = await start('h1');
        expect((await store.getExecution(record.arn))?.lastEventId).toBeUndefined();
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 1, lastEventId: 2 }, 0, { history: events(1, 2) })]);
        expect((await store.getExecution(record.arn))?.lastEventId).toBe(2);
      });

      it('returns nothing for unknown executions', async () => {
        expect(await store.getExecution('nope')).toBeUndefined();
        expect(await store.loadSnapshot('nope')).toBeUndefined();
        expect(await store.pendingInbox('nope')).toEqual([]);
        expect((await store.getHistory('nope')).events).toEqual([]);
      });
    });

    describe('applying an advance', () => {
      it('writes snapshot, history, timers and outbox and consumes the inbox in one step', async () => {
        const { record, snapshot } = await start('e1');
        const [inbox] = await store.pendingInbox(record.arn);
        snapshot.version = 1;
        snapshot.lastEventId = 3;
        const [r] = await store.commit([
          advanceOp(record.arn, snapshot, 0, {
            history: events(1, 3),
            consumedInbox: [inbox.id],
            newTimers: [{ frameId: 'root', key: 'wait', dueAt: T0 + 1000 }],
            outbox: [outboxRecord(record.arn, 2)],
          }),
        ]);
        expect(r.kind).toBe('applied');
        expect((await store.loadSnapshot(record.arn))?.version).toBe(1);
        expect((await store.loadSnapshot(record.arn))?.snapshot?.lastEventId).toBe(3);
        expect(await store.pendingInbox(record.arn)).toEqual([]);
        expect((await store.getHistory(record.arn)).events.map((e) => e.id)).toEqual([1, 2, 3]);
        expect(await store.dueTimers(record.arn, T0 + 999)).toEqual([]);
        expect(await store.dueTimers(record.arn, T0 + 1000)).toEqual([
          { frameId: 'root', key: 'wait', dueAt: T0 + 1000 },
        ]);
        expect(await store.pendingOutbox(10)).toEqual([outboxRecord(record.arn, 2)]);
      });

      it('refuses an advance from a version that is no longer stored, writing nothing', async () => {
        const { record, snapshot } = await start('e1');
        snapshot.version = 1;
        await store.commit([advanceOp(record.arn, snapshot, 0, { history: events(1, 1) })]);
        const [r] = await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 2 }, 0, {
            history: events(2, 2),
            newTimers: [{ frameId: 'root', key: 'k', dueAt: T0 }],
          }),
        ]);
        expect(r).toEqual({ kind: 'conflict' });
        expect((await store.loadSnapshot(record.arn))?.version).toBe(1);
        expect((await store.getHistory(record.arn)).events.map((e) => e.id)).toEqual([1]);
        expect(await store.dueTimers(record.arn, T0 + 10)).toEqual([]);
      });

      it('records the end of an execution and drops its pending work', async () => {
        const { record, snapshot } = await start('e1');
        snapshot.version = 1;
        await store.commit([
          advanceOp(record.arn, snapshot, 0, {
            newTimers: [{ frameId: 'root', key: 'w', dueAt: T0 }],
            outbox: [outboxRecord(record.arn, 2, 'tok')],
          }),
        ]);
        const done: Snapshot = { ...snapshot, version: 2, status: 'SUCCEEDED', output: { ok: true } };
        await store.commit([advanceOp(record.arn, done, 1, { history: events(1, 2), stopDate: T0 + 50 })]);
        expect(await store.getExecution(record.arn)).toEqual({
          ...record,
          status: 'SUCCEEDED',
          output: '{"ok":true}',
          stopDate: T0 + 50,
          lastEventId: 2,
        });
        expect(await store.findWork(T0 + 10_000, 10)).toEqual([]);
        expect(await store.pendingOutbox(10)).toEqual([]);
        expect(await store.nextTimerDue()).toBeUndefined();
        // Nothing can resume a succeeded execution: its snapshot is not kept.
        expect(await store.loadSnapshot(record.arn)).toEqual({ snapshot: null, version: 2 });
        const [r] = await store.commit([{ kind: 'completeTaskToken', token: 'tok', result: { ok: true, output: 1 } }]);
        expect(r.kind).toBe('dropped');
      });

      it('keeps error and cause of a failed execution', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1, status: 'FAILED', error: 'E', cause: 'C' }, 0, {
            stopDate: T0 + 1,
          }),
        ]);
        expect(await store.getExecution(record.arn)).toMatchObject({
          status: 'FAILED',
          error: 'E',
          cause: 'C',
          stopDate: T0 + 1,
        });
        expect((await store.getExecution(record.arn))?.output).toBeUndefined();
        expect((await store.loadSnapshot(record.arn))?.snapshot?.status).toBe('FAILED');
      });

      it('queues follow-up events in the inbox', async () => {
        const { record, snapshot } = await start('e1');
        const [inbox] = await store.pendingInbox(record.arn);
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, {
            consumedInbox: [inbox.id],
            followUps: [{ type: 'continue' }],
          }),
        ]);
        expect((await store.pendingInbox(record.arn)).map((i) => i.event)).toEqual([{ type: 'continue' }]);
      });

      it('rolls back the whole batch when one operation fails', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 1 }, 0, { history: events(1, 2) })]);
        const other = newExecution('e2');
        await expect(
          store.commit([
            { kind: 'createExecution', execution: other.record },
            // event 2 exists already: history is append-only, so this must fail
            advanceOp(record.arn, { ...snapshot, version: 2 }, 1, { history: events(2, 3) }),
          ]),
        ).rejects.toThrow();
        expect(await store.getExecution(other.record.arn)).toBeUndefined();
        expect((await store.loadSnapshot(record.arn))?.version).toBe(1);
      });
    });

    describe('child executions of a Map Run', () => {
      const RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:m/L:run-1';
      const childArn = (i: number) => `arn:aws:states:us-east-1:123456789012:execution:m/L:child-${i}`;
      const startOf = (i: number) => ({ stateMachineArn: `${MACHINE_ARN}/L`, mapRunArn: RUN, name: `child-${i}`, revision: 1, input: `{"i":${i}}`, startDate: T0 + i });

      it('writes each child with its parent\'s advances, lists them by Map Run only, and keeps their histories apart', async () => {
        const { record, snapshot } = await start('parent');
        snapshot.version = 1;
        const [inbox] = await store.pendingInbox(record.arn);
        const [first] = await store.commit([
          advanceOp(record.arn, snapshot, 0, {
            history: events(1, 2),
            consumedInbox: [inbox.id],
            childExecutions: [0, 1, 2].map((i) => ({ arn: childArn(i), start: startOf(i), history: events(1, 2) })),
          }),
        ]);
        expect(first.kind).toBe('applied');
        const second: Snapshot = { ...snapshot, version: 2 };
        await store.commit([
          advanceOp(record.arn, second, 1, {
            history: events(3, 3),
            childExecutions: [
              { arn: childArn(0), end: { status: 'SUCCEEDED', output: '{"ok":true}', stopDate: T0 + 10 }, history: events(3, 4) },
              { arn: childArn(1), end: { status: 'FAILED', error: 'Boom', cause: 'bad', stopDate: T0 + 11 }, history: events(3, 3) },
              { arn: childArn(2), history: events(3, 5) },
            ],
          }),
        ]);
        expect(await store.getExecution(childArn(0))).toEqual({
          arn: childArn(0),
          stateMachineArn: `${MACHINE_ARN}/L`,
          revision: 1,
          name: 'child-0',
          status: 'SUCCEEDED',
          input: '{"i":0}',
          output: '{"ok":true}',
          startDate: T0,
          stopDate: T0 + 10,
          lastEventId: 4,
          mapRunArn: RUN,
        });
        expect(await store.getExecution(childArn(1))).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'bad', stopDate: T0 + 11, lastEventId: 3 });
        expect(await store.getExecution(childArn(2))).toMatchObject({ status: 'RUNNING', lastEventId: 5 });
        expect((await store.getExecution(childArn(2)))?.stopDate).toBeUndefined();
        expect((await store.getHistory(childArn(2))).events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
        expect((await store.getHistory(record.arn)).events.map((e) => e.id)).toEqual([1, 2, 3]);
        expect(await store.loadSnapshot(childArn(0))).toEqual({ snapshot: null, version: 0 });

        const byRun = await store.listExecutionsPage({ mapRunArn: RUN, limit: 2 });
        expect(byRun.executions.map((e) => e.name)).toEqual(['child-2', 'child-1']);
        const rest = await store.listExecutionsPage({ mapRunArn: RUN, limit: 2, after: byRun.next });
        expect(rest.executions.map((e) => e.name)).toEqual(['child-0']);
        expect((await store.listExecutionsPage({ mapRunArn: RUN, status: 'FAILED', limit: 10 })).executions.map((e) => e.name)).toEqual(['child-1']);
        expect((await store.listExecutionsPage({ stateMachineArn: MACHINE_ARN, limit: 10 })).executions.map((e) => e.name)).toEqual(['parent']);
        expect((await store.listExecutionsPage({ limit: 10 })).executions.map((e) => e.name)).toEqual(['parent']);
        expect((await store.listExecutions({})).map((e) => e.name)).toEqual(['parent']);
        expect(await store.findWork(T0 + 100, 10)).toEqual([]);
      });

      it('writes no child of an advance that is refused', async () => {
        const { record, snapshot } = await start('parent');
        snapshot.version = 1;
        await store.commit([advanceOp(record.arn, snapshot, 0, { history: events(1, 1) })]);
        const [r] = await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 2 }, 0, { history: events(2, 2), childExecutions: [{ arn: childArn(0), start: startOf(0), history: events(1, 1) }] }),
        ]);
        expect(r).toEqual({ kind: 'conflict' });
        expect(await store.getExecution(childArn(0))).toBeUndefined();
      });

      it('writes the children of advances of several executions committed together', async () => {
        const a = await start('a');
        const b = await start('b');
        a.snapshot.version = 1;
        b.snapshot.version = 1;
        const results = await store.commit([
          advanceOp(a.record.arn, a.snapshot, 0, { history: events(1, 1), childExecutions: [{ arn: childArn(0), start: startOf(0), history: events(1, 2) }] }),
          advanceOp(b.record.arn, b.snapshot, 0, { history: events(1, 1), childExecutions: [{ arn: childArn(1), start: startOf(1), history: events(1, 1), end: { status: 'ABORTED', stopDate: T0 + 5 } }] }),
        ]);
        expect(results.map((r) => r.kind)).toEqual(['applied', 'applied']);
        expect(await store.getExecution(childArn(0))).toMatchObject({ status: 'RUNNING', lastEventId: 2 });
        expect(await store.getExecution(childArn(1))).toMatchObject({ status: 'ABORTED', stopDate: T0 + 5, lastEventId: 1 });
        expect((await store.getHistory(childArn(0))).events.map((e) => e.id)).toEqual([1, 2]);
      });
    });

    describe('history', () => {
      it('pages forward and backward with a continuation id', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 1 }, 0, { history: events(1, 5) })]);
        const p1 = await store.getHistory(record.arn, { maxResults: 2 });
        expect(p1.events.map((e) => e.id)).toEqual([1, 2]);
        expect(p1.nextEventId).toBe(2);
        const p3 = await store.getHistory(record.arn, { maxResults: 2, afterEventId: 4 });
        expect(p3.events.map((e) => e.id)).toEqual([5]);
        expect(p3.nextEventId).toBeUndefined();
        const r1 = await store.getHistory(record.arn, { maxResults: 3, reverseOrder: true });
        expect(r1.events.map((e) => e.id)).toEqual([5, 4, 3]);
        const r2 = await store.getHistory(record.arn, {
          maxResults: 3,
          reverseOrder: true,
          afterEventId: r1.nextEventId,
        });
        expect(r2.events.map((e) => e.id)).toEqual([2, 1]);
      });

      it('returns events in AWS shape with a Date timestamp and their details', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 1 }, 0, { history: events(1, 1) })]);
        const [e] = (await store.getHistory(record.arn)).events;
        expect(e).toEqual({
          id: 1,
          previousEventId: 0,
          timestamp: new Date(T0 + 1),
          type: 'PassStateEntered',
          stateEnteredEventDetails: { name: 'A', input: '{}' },
        });
      });
    });

    describe('work, results and tokens', () => {
      it('finds executions with inbox events or due timers, and when the next timer falls due', async () => {
        const a = await start('a');
        const b = await start('b');
        const [ia] = await store.pendingInbox(a.record.arn);
        const [ib] = await store.pendingInbox(b.record.arn);
        await store.commit([
          advanceOp(a.record.arn, { ...a.snapshot, version: 1 }, 0, {
            consumedInbox: [ia.id],
            newTimers: [{ frameId: 'root', key: 'w', dueAt: T0 + 100 }],
          }),
          advanceOp(b.record.arn, { ...b.snapshot, version: 1 }, 0, {
            consumedInbox: [ib.id],
            newTimers: [{ frameId: 'root', key: 'w', dueAt: T0 + 200 }],
          }),
        ]);
        expect(await store.findWork(T0, 10)).toEqual([]);
        expect(await store.nextTimerDue()).toBe(T0 + 100);
        expect(await store.findWork(T0 + 150, 10)).toEqual([a.record.arn]);
        expect((await store.findWork(T0 + 250, 10)).sort()).toEqual([a.record.arn, b.record.arn].sort());
        await store.commit([
          advanceOp(a.record.arn, { ...a.snapshot, version: 2 }, 1, { firedTimers: [{ frameId: 'root', key: 'w' }] }),
        ]);
        expect(await store.findWork(T0 + 250, 10)).toEqual([b.record.arn]);
      });

      it('delivers a task result once and drops a second delivery as stale', async () => {
        const { record, snapshot } = await start('e1');
        const [i] = await store.pendingInbox(record.arn);
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, {
            consumedInbox: [i.id],
            outbox: [outboxRecord(record.arn, 2)],
          }),
        ]);
        const event = { type: 'taskSucceeded' as const, frameId: 'root', attempt: 2, output: 7 };
        const rs = await store.commit([
          { kind: 'deliverTaskResult', idempotencyKey: `${record.arn}:2`, event },
          { kind: 'deliverTaskResult', idempotencyKey: `${record.arn}:2`, event },
        ]);
        expect(rs).toEqual([
          { kind: 'delivered', executionArn: record.arn },
          { kind: 'dropped', reason: 'stale' },
        ]);
        expect((await store.pendingInbox(record.arn)).map((x) => x.event)).toEqual([event]);
        expect(await store.pendingOutbox(10)).toEqual([]);
      });

      it('acknowledges a dispatched effect so that it is not dispatched again', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, { outbox: [outboxRecord(record.arn, 2, 'tok')] }),
        ]);
        await store.commit([{ kind: 'acknowledgeEffect', idempotencyKey: `${record.arn}:2` }]);
        expect(await store.pendingOutbox(10)).toEqual([]);
      });

      it('turns a task token result into an inbox event for the waiting attempt, once', async () => {
        const { record, snapshot } = await start('e1');
        const [i] = await store.pendingInbox(record.arn);
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, {
            consumedInbox: [i.id],
            outbox: [outboxRecord(record.arn, 4, 'tok-1')],
          }),
        ]);
        const [ok] = await store.commit([
          { kind: 'completeTaskToken', token: 'tok-1', result: { ok: false, error: 'E', cause: 'C' } },
        ]);
        expect(ok).toEqual({ kind: 'delivered', executionArn: record.arn });
        expect((await store.pendingInbox(record.arn)).map((x) => x.event)).toEqual([
          { type: 'taskFailed', frameId: 'root', attempt: 4, error: 'E', cause: 'C' },
        ]);
        const [again] = await store.commit([
          { kind: 'completeTaskToken', token: 'tok-1', result: { ok: true, output: 1 } },
        ]);
        expect(again).toEqual({ kind: 'dropped', reason: 'unknownToken' });
      });

      it('appends events only to running executions', async () => {
        const { record, snapshot } = await start('e1');
        const [r1] = await store.commit([{ kind: 'appendInbox', executionArn: record.arn, event: { type: 'stop' } }]);
        expect(r1.kind).toBe('delivered');
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1, status: 'ABORTED' }, 0, { stopDate: T0 }),
        ]);
        const [r2] = await store.commit([{ kind: 'appendInbox', executionArn: record.arn, event: { type: 'stop' } }]);
        expect(r2).toEqual({ kind: 'dropped', reason: 'notRunning' });
        const [r3] = await store.commit([{ kind: 'appendInbox', executionArn: 'nope', event: { type: 'stop' } }]);
        expect(r3.kind).toBe('dropped');
      });
    });

    describe('redrive', () => {
      async function endAs(status: 'FAILED' | 'SUCCEEDED' | 'ABORTED' | 'TIMED_OUT') {
        const { record, snapshot } = await start('e1');
        const ended: Snapshot = { ...snapshot, version: 1, lastEventId: 2, status };
        if (status === 'SUCCEEDED') ended.output = 1;
        else Object.assign(ended, { error: 'E', cause: 'C' });
        await store.commit([advanceOp(record.arn, ended, 0, { history: events(1, 2), stopDate: T0 + 5 })]);
        return { record, ended };
      }

      it('moves a failed execution back to RUNNING, counts the redrive and queues a redrive event', async () => {
        const { record, ended } = await endAs('FAILED');
        const [r] = await store.commit([{ kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 9 }]);
        const running = { ...record, status: 'RUNNING', redriveCount: 1, redriveDate: T0 + 9, lastEventId: 2 };
        expect(r).toEqual({ kind: 'redriven', execution: running });
        expect(await store.getExecution(record.arn)).toEqual(running);
        expect((await store.pendingInbox(record.arn)).map((i) => i.event)).toEqual([{ type: 'redrive' }]);
        expect(await store.findWork(T0, 10)).toEqual([record.arn]);
        // The snapshot (how it ended) stays until the scheduler applies the redrive, from the same version.
        expect(await store.loadSnapshot(record.arn)).toEqual({ snapshot: ended, version: 1 });
        expect((await store.listExecutions({ status: 'RUNNING' })).map((e) => e.redriveCount)).toEqual([1]);
      });

      it('lets the redriven execution advance on from its history and end again', async () => {
        const { record, ended } = await endAs('TIMED_OUT');
        await store.commit([{ kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 9 }]);
        const [inbox] = await store.pendingInbox(record.arn);
        const again: Snapshot = { ...ended, version: 2, lastEventId: 4, status: 'FAILED' };
        const [r] = await store.commit([
          advanceOp(record.arn, again, 1, { history: events(3, 4), consumedInbox: [inbox.id], stopDate: T0 + 20 }),
        ]);
        expect(r.kind).toBe('applied');
        expect(await store.getExecution(record.arn)).toEqual({
          ...record,
          status: 'FAILED',
          error: 'E',
          cause: 'C',
          stopDate: T0 + 20,
          redriveCount: 1,
          redriveDate: T0 + 9,
          lastEventId: 4,
        });
        expect((await store.getHistory(record.arn)).events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
        const [second] = await store.commit([
          { kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 30 },
        ]);
        expect(second).toMatchObject({ kind: 'redriven', execution: { redriveCount: 2, redriveDate: T0 + 30 } });
      });

      it('redrives aborted executions too', async () => {
        const { record } = await endAs('ABORTED');
        const [r] = await store.commit([{ kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 9 }]);
        expect(r.kind).toBe('redriven');
      });

      it('refuses running, succeeded and unknown executions, so that two redrives cannot both win', async () => {
        const { record } = await endAs('FAILED');
        const [a, b] = await store.commit([
          { kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 9 },
          { kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 9 },
        ]);
        expect([a.kind, b]).toEqual(['redriven', { kind: 'notRedrivable', status: 'RUNNING' }]);
        expect(await store.pendingInbox(record.arn)).toHaveLength(1);
        const [c] = await store.commit([{ kind: 'redriveExecution', executionArn: 'nope', redriveDate: T0 }]);
        expect(c).toEqual({ kind: 'notRedrivable' });
      });

      it('refuses a succeeded execution (whose snapshot is not kept)', async () => {
        const { record } = await endAs('SUCCEEDED');
        const [r] = await store.commit([{ kind: 'redriveExecution', executionArn: record.arn, redriveDate: T0 + 9 }]);
        expect(r).toEqual({ kind: 'notRedrivable', status: 'SUCCEEDED' });
        expect((await store.getExecution(record.arn))?.redriveCount).toBeUndefined();
      });
    });

    describe('activity tasks', () => {
      const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';
      const task = (token: string, n: number) => ({ token, activityArn: ACTIVITY, stateName: 'T', input: JSON.stringify({ n }), scheduledAt: T0 + n });

      /** An execution waiting on attempts 2 and 3, whose tokens are tok-2 and tok-3. */
      async function waiting(): Promise<ExecutionRecord> {
        const { record, snapshot } = await start('e1');
        const [i] = await store.pendingInbox(record.arn);
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, {
            consumedInbox: [i.id],
            outbox: [outboxRecord(record.arn, 2, 'tok-2'), outboxRecord(record.arn, 3, 'tok-3')],
          }),
        ]);
        return record;
      }

      it('queues a task once for a waiting token, and none for a token no attempt waits on', async () => {
        await waiting();
        expect(await store.enqueueActivityTask(task('tok-2', 2))).toBe('queued');
        expect(await store.enqueueActivityTask(task('tok-2', 2))).toBe('exists');
        expect(await store.enqueueActivityTask(task('nope', 9))).toBe('over');
      });

      it('hands out the oldest task first, each to one taker, and records ActivityStarted with the worker name', async () => {
        const record = await waiting();
        await store.enqueueActivityTask(task('tok-3', 3));
        await store.enqueueActivityTask(task('tok-2', 2));
        const taken = await Promise.all([
          store.takeActivityTask(ACTIVITY, 'w1', T0 + 10),
          store.takeActivityTask(ACTIVITY, undefined, T0 + 11),
          store.takeActivityTask(ACTIVITY, 'w3', T0 + 12),
        ]);
        expect(taken.map((t) => t?.taskToken ?? 'none').sort()).toEqual(['none', 'tok-2', 'tok-3']);
        for (const t of taken) if (t !== undefined) expect(t).toEqual({ taskToken: t.taskToken, executionArn: record.arn, input: `{"n":${t.taskToken.slice(4)}}` });
        const workers = ['w1', undefined, 'w3'];
        const started = (await store.pendingInbox(record.arn)).map((x) => x.event);
        expect(started).toHaveLength(2);
        taken.forEach((t, i) => {
          if (t === undefined) return;
          const w = workers[i];
          expect(started).toContainEqual({ type: 'activityStarted', frameId: 'root', attempt: Number(t.taskToken.slice(4)), ...(w !== undefined ? { workerName: w } : {}) });
        });
        // One at a time, the first queued comes first.
        const { record: second, snapshot } = await start('e2');
        await store.commit([advanceOp(second.arn, { ...snapshot, version: 1 }, 0, { outbox: [outboxRecord(second.arn, 5, 'tok-5'), outboxRecord(second.arn, 6, 'tok-6')] })]);
        await store.enqueueActivityTask(task('tok-6', 6));
        await store.enqueueActivityTask(task('tok-5', 5));
        expect((await store.takeActivityTask(ACTIVITY, 'w', T0 + 13))?.taskToken).toBe('tok-6');
        expect((await store.takeActivityTask(ACTIVITY, 'w', T0 + 14))?.taskToken).toBe('tok-5');
        expect(await store.takeActivityTask('arn:aws:states:us-east-1:123456789012:activity:other', 'w', T0)).toBeUndefined();
      });

      it('ends a task with its attempt: answered, timed out, or its execution over', async () => {
        const { record, snapshot } = await start('e1');
        const [i] = await store.pendingInbox(record.arn);
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, {
            consumedInbox: [i.id],
            outbox: [outboxRecord(record.arn, 2, 'tok-2'), outboxRecord(record.arn, 3, 'tok-3'), outboxRecord(record.arn, 4, 'tok-4')],
          }),
        ]);
        for (const n of [2, 3, 4]) await store.enqueueActivityTask(task(`tok-${n}`, n));
        await store.commit([{ kind: 'completeTaskToken', token: 'tok-2', result: { ok: true, output: 1 } }]);
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 2 }, 1, { endedAttempts: [3] })]);
        expect((await store.listActivityTasks(record.arn)).map((t) => t.token)).toEqual(['tok-4']);
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 3, status: 'FAILED' }, 2, { stopDate: T0 + 5 })]);
        expect(await store.listActivityTasks(record.arn)).toEqual([]);
        expect(await store.takeActivityTask(ACTIVITY, 'w', T0 + 6)).toBeUndefined();
        expect(await store.enqueueActivityTask(task('tok-4', 4))).toBe('over');
      });

      it("lists an execution's tasks with who took them, and DeleteActivity drops those nobody took", async () => {
        const record = await waiting();
        await store.enqueueActivityTask(task('tok-2', 2));
        await store.enqueueActivityTask(task('tok-3', 3));
        await store.takeActivityTask(ACTIVITY, 'w1', T0 + 20);
        expect(await store.listActivityTasks(record.arn)).toEqual([
          { token: 'tok-2', activityArn: ACTIVITY, executionArn: record.arn, stateName: 'T', input: '{"n":2}', scheduledAt: T0 + 2, takenAt: T0 + 20, workerName: 'w1' },
          { token: 'tok-3', activityArn: ACTIVITY, executionArn: record.arn, stateName: 'T', input: '{"n":3}', scheduledAt: T0 + 3 },
        ]);
        await store.deleteActivityTasks(ACTIVITY);
        expect((await store.listActivityTasks(record.arn)).map((t) => t.token)).toEqual(['tok-2']);
        expect(await store.takeActivityTask(ACTIVITY, 'w2', T0 + 21)).toBeUndefined();
        expect(await store.listActivityTasks('nope')).toEqual([]);
      });

      it('signals a queued task to the listeners of its activity, and the work a take brings', async () => {
        const record = await waiting();
        const available: string[] = [];
        const work: string[] = [];
        const offs = [
          store.signals.on('activityTaskAvailable', ACTIVITY, (k) => available.push(k)),
          store.signals.on('workAvailable', undefined, (k) => work.push(k)),
        ];
        await store.enqueueActivityTask(task('tok-2', 2));
        await store.enqueueActivityTask(task('tok-2', 2));
        expect(available).toEqual([ACTIVITY]);
        await store.takeActivityTask(ACTIVITY, 'w', T0 + 1);
        expect(work).toEqual([record.arn]);
        for (const off of offs) off();
      });
    });

    describe('ended attempts', () => {
      it('drops the outbox entry and task token of an attempt that is no longer awaited', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, {
            outbox: [outboxRecord(record.arn, 2, 'tok-2'), outboxRecord(record.arn, 3)],
          }),
        ]);
        await store.commit([advanceOp(record.arn, { ...snapshot, version: 2 }, 1, { endedAttempts: [2] })]);
        expect(await store.pendingOutbox(10)).toEqual([outboxRecord(record.arn, 3)]);
        expect(await store.getTaskToken('tok-2')).toBeUndefined();
      });
    });

    describe('lookups, tags and aliases', () => {
      it('finds the attempt a task token and an outbox entry belong to', async () => {
        const { record, snapshot } = await start('e1');
        await store.commit([
          advanceOp(record.arn, { ...snapshot, version: 1 }, 0, { outbox: [outboxRecord(record.arn, 5, 'tok-5')] }),
        ]);
        expect(await store.getTaskToken('tok-5')).toEqual({ executionArn: record.arn, frameId: 'root', attempt: 5 });
        expect(await store.getTaskToken('nope')).toBeUndefined();
        expect(await store.getOutboxEntry(`${record.arn}:5`)).toEqual(outboxRecord(record.arn, 5, 'tok-5'));
        expect(await store.getOutboxEntry('nope')).toBeUndefined();
      });

      it('lets a deleted machine be created again once its revisions are forgotten', async () => {
        await store.deleteStateMachine(MACHINE_ARN);
        await store.deleteStateMachineRevisions(MACHINE_ARN);
        expect(await store.getStateMachineRevision(MACHINE_ARN, 1)).toBeUndefined();
        const m = await store.createStateMachine({
          arn: MACHINE_ARN,
          name: 'm',
          type: 'EXPRESS',
          definition: DEFINITION,
          roleArn: 'r',
          createdAt: T0 + 9,
        });
        expect(m.revision).toBe(1);
        expect((await store.getStateMachine(MACHINE_ARN))?.type).toBe('EXPRESS');
      });

      it('tags a resource, replaces a tag by key, lists by key and untags', async () => {
        await store.tagResource(MACHINE_ARN, [
          { key: 'team', value: 'a' },
          { key: 'env', value: 'dev' },
        ]);
        await store.tagResource(MACHINE_ARN, [{ key: 'team', value: 'b' }]);
        expect(await store.listTags(MACHINE_ARN)).toEqual([
          { key: 'env', value: 'dev' },
          { key: 'team', value: 'b' },
        ]);
        await store.untagResource(MACHINE_ARN, ['env', 'missing']);
        expect(await store.listTags(MACHINE_ARN)).toEqual([{ key: 'team', value: 'b' }]);
        expect(await store.listTags('other')).toEqual([]);
      });

      it('keeps, replaces, lists and deletes aliases', async () => {
        const alias = {
          arn: `${MACHINE_ARN}:prod`,
          stateMachineArn: MACHINE_ARN,
          name: 'prod',
          routingConfiguration: [{ stateMachineVersionArn: `${MACHINE_ARN}:1`, weight: 100 }],
          createdAt: T0,
          updatedAt: T0,
        };
        await store.putAlias(alias);
        expect(await store.getAlias(alias.arn)).toEqual(alias);
        const updated = { ...alias, description: 'live', updatedAt: T0 + 1 };
        await store.putAlias(updated);
        expect(await store.listAliases(MACHINE_ARN)).toEqual([updated]);
        expect(await store.deleteAlias(alias.arn)).toBe(true);
        expect(await store.getAlias(alias.arn)).toBeUndefined();
        expect(await store.deleteAlias(alias.arn)).toBe(false);
      });
    });

    describe('Lambda versions, aliases and policies', () => {
      it('numbers versions 1, 2, … per function, keeps each configuration as given, and never reuses a number', async () => {
        const one = await store.publishLambdaVersion('fn', '{"Handler":"a.h","b":1,"a":2}', T0);
        const two = await store.publishLambdaVersion('fn', '{"Handler":"b.h"}', T0 + 1);
        const other = await store.publishLambdaVersion('other', '{}', T0 + 2);
        expect([one.version, two.version, other.version]).toEqual([1, 2, 1]);
        expect(await store.listLambdaVersions('fn')).toEqual([
          { functionName: 'fn', version: 1, config: '{"Handler":"a.h","b":1,"a":2}', createdAt: T0 },
          { functionName: 'fn', version: 2, config: '{"Handler":"b.h"}', createdAt: T0 + 1 },
        ]);
        expect(await store.deleteLambdaVersion('fn', 2)).toBe(true);
        expect(await store.deleteLambdaVersion('fn', 2)).toBe(false);
        expect((await store.publishLambdaVersion('fn', '{}', T0 + 3)).version).toBe(3);
        expect((await store.listLambdaVersions('fn')).map((v) => v.version)).toEqual([1, 3]);
      });

      it('gives concurrent publishers of one function distinct numbers', async () => {
        const published = await Promise.all(Array.from({ length: 8 }, (_, i) => store.publishLambdaVersion('fn', `{"i":${i}}`, T0 + i)));
        expect(published.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('creates, replaces, lists by name and deletes aliases per function', async () => {
        const live = { functionName: 'fn', name: 'live', functionVersion: '1', description: '', revisionId: 'r1', createdAt: T0, updatedAt: T0 };
        await store.putLambdaAlias(live);
        await store.putLambdaAlias({ ...live, name: 'beta', functionVersion: '$LATEST' });
        await store.putLambdaAlias({ ...live, functionName: 'other' });
        expect(await store.getLambdaAlias('fn', 'live')).toEqual(live);
        const moved = { ...live, functionVersion: '2', description: 'canary', additionalVersionWeights: { '1': 0.25 }, revisionId: 'r2', updatedAt: T0 + 5 };
        await store.putLambdaAlias(moved);
        expect(await store.listLambdaAliases('fn')).toEqual([{ ...live, name: 'beta', functionVersion: '$LATEST' }, moved]);
        expect(await store.deleteLambdaAlias('fn', 'live')).toBe(true);
        expect(await store.deleteLambdaAlias('fn', 'live')).toBe(false);
        expect(await store.getLambdaAlias('fn', 'live')).toBeUndefined();
        expect(await store.getLambdaAlias('other', 'live')).toEqual({ ...live, functionName: 'other' });
      });

      it('keeps one policy per function and qualifier, replaces it, and removes it when given none', async () => {
        await store.putLambdaPolicy('fn', '', { policy: '{"Statement":[1]}', revisionId: 'a' });
        await store.putLambdaPolicy('fn', 'live', { policy: '{"Statement":[2]}', revisionId: 'b' });
        expect(await store.getLambdaPolicy('fn', '')).toEqual({ policy: '{"Statement":[1]}', revisionId: 'a' });
        await store.putLambdaPolicy('fn', '', { policy: '{"Statement":[1,3]}', revisionId: 'c' });
        expect(await store.getLambdaPolicy('fn', '')).toEqual({ policy: '{"Statement":[1,3]}', revisionId: 'c' });
        await store.putLambdaPolicy('fn', '', undefined);
        expect(await store.getLambdaPolicy('fn', '')).toBeUndefined();
        expect(await store.getLambdaPolicy('fn', 'live')).toEqual({ policy: '{"Statement":[2]}', revisionId: 'b' });
      });

      it('forgets everything of a deleted function, so a function of the same name starts again at version 1', async () => {
        await store.publishLambdaVersion('fn', '{}', T0);
        await store.publishLambdaVersion('fn', '{}', T0);
        await store.putLambdaAlias({ functionName: 'fn', name: 'live', functionVersion: '1', description: '', revisionId: 'r', createdAt: T0, updatedAt: T0 });
        await store.putLambdaPolicy('fn', '', { policy: '{}', revisionId: 'p' });
        await store.publishLambdaVersion('kept', '{}', T0);
        await store.deleteLambdaFunction('fn');
        expect(await store.listLambdaVersions('fn')).toEqual([]);
        expect(await store.listLambdaAliases('fn')).toEqual([]);
        expect(await store.getLambdaPolicy('fn', '')).toBeUndefined();
        expect((await store.publishLambdaVersion('fn', '{}', T0)).version).toBe(1);
        expect((await store.listLambdaVersions('kept')).length).toBe(1);
      });
    });

    describe('activities and leases', () => {
      it('creates, lists and deletes activities; creating again answers the existing one', async () => {
        const a = await store.createActivity('act', 'arn:aws:states:us-east-1:123456789012:activity:act', T0);
        expect(await store.createActivity('act', a.arn, T0 + 5)).toEqual(a);
        expect(await store.getActivity(a.arn)).toEqual(a);
        expect(await store.listActivities()).toEqual([a]);
        expect(await store.deleteActivity(a.arn)).toBe(true);
        expect(await store.getActivity(a.arn)).toBeUndefined();
      });

      it('grants a lease to one owner until it expires or is released', async () => {
        expect(await store.acquireLease('worker', 'a', T0, 1000)).toBe(true);
        expect(await store.acquireLease('worker', 'b', T0 + 500, 1000)).toBe(false);
        expect(await store.acquireLease('worker', 'a', T0 + 500, 1000)).toBe(true);
        expect(await store.acquireLease('worker', 'b', T0 + 1600, 1000)).toBe(true);
        await store.releaseLease('worker', 'b');
        expect(await store.acquireLease('worker', 'a', T0 + 1700, 1000)).toBe(true);
      });

      it('keeps a redrive client token per execution until it expires, and drops expired ones', async () => {
        const e1 = 'arn:aws:states:us-east-1:123456789012:execution:m:one';
        const e2 = 'arn:aws:states:us-east-1:123456789012:execution:m:two';
        expect(await store.redriveClientToken(e1, 'tok', T0)).toBeUndefined();
        expect(await store.redriveClientToken(e1, 'tok', T0, { redriveDate: T0, expiresAt: T0 + 1000 })).toBe(T0);
        expect(await store.redriveClientToken(e1, 'tok', T0 + 1000)).toBe(T0);
        // The same token of another execution is another token.
        expect(await store.redriveClientToken(e2, 'tok', T0 + 500)).toBeUndefined();
        expect(await store.redriveClientToken(e1, 'tok', T0 + 1001)).toBeUndefined();
        // An expired token is replaced by the next redrive that uses it.
        await store.redriveClientToken(e1, 'tok', T0 + 2000, { redriveDate: T0 + 2000, expiresAt: T0 + 3000 });
        expect(await store.redriveClientToken(e1, 'tok', T0 + 2500)).toBe(T0 + 2000);
      });
    });

    describe('claims', () => {
      const claim = (owner: string, now: number, ttl = 1000) => ({ owner, now, expiresAt: now + ttl });

      it('grants work to one worker until its lease expires; the holder gets its own back at once', async () => {
        const { record } = await start('e1');
        expect(await store.claimWork('a', T0, 10, 1000)).toEqual([{ executionArn: record.arn, expiresAt: T0 + 1000 }]);
        expect(await store.leaseOf({ executionArn: record.arn })).toEqual({ owner: 'a', expiresAt: T0 + 1000 });
        expect(await store.claimWork('b', T0 + 500, 10, 1000)).toEqual([]);
        // Its own live claim comes back as it is (a restarted worker of the same id takes it at once).
        expect(await store.claimWork('a', T0 + 600, 10, 1000)).toEqual([{ executionArn: record.arn, expiresAt: T0 + 1000 }]);
        expect(await store.claimWork('b', T0 + 1000, 10, 1000)).toEqual([{ executionArn: record.arn, expiresAt: T0 + 2000 }]);
        const [refused] = await store.commit([{ kind: 'claimExecution', executionArn: record.arn, claim: claim('a', T0 + 1500) }]);
        expect(refused).toEqual({ kind: 'claimRefused' });
        await store.commit([{ kind: 'releaseClaims', owner: 'b' }]);
        expect(await store.leaseOf({ executionArn: record.arn })).toBeUndefined();
        const [granted] = await store.commit([{ kind: 'claimExecution', executionArn: record.arn, claim: claim('a', T0 + 1500) }]);
        expect(granted).toEqual({ kind: 'claimed', expiresAt: T0 + 2500 });
      });

      it('claims with the write that brings work, keeps or lets go with the advance, and leases its effects', async () => {
        const e = newExecution('e1');
        const [created] = await store.commit([{ kind: 'createExecution', execution: e.record, claim: claim('a', T0) }]);
        expect(created).toMatchObject({ kind: 'created', claimed: true });
        expect(await store.leaseOf({ executionArn: e.record.arn })).toEqual({ owner: 'a', expiresAt: T0 + 1000 });
        e.snapshot.version = 1;
        const [advanced] = await store.commit([
          advanceOp(e.record.arn, e.snapshot, 0, { outbox: [outboxRecord(e.record.arn, 2, 'tok')], claim: { owner: 'a', expiresAt: T0 + 1000, keep: false } }),
        ]);
        expect(advanced).toEqual({ kind: 'applied' });
        expect(await store.leaseOf({ executionArn: e.record.arn })).toBeUndefined();
        expect(await store.leaseOf({ idempotencyKey: `${e.record.arn}:2` })).toEqual({ owner: 'a', expiresAt: T0 + 1000 });
        // Another worker finds the effect taken until its lease runs out.
        expect(await store.claimOutbox('b', T0 + 10, 10, 1000)).toEqual([]);
        await store.commit([{ kind: 'renewClaims', owner: 'a', expiresAt: T0 + 5000 }]);
        expect(await store.claimOutbox('b', T0 + 1500, 10, 1000)).toEqual([]);
        expect(await store.claimOutbox('b', T0 + 5000, 10, 1000)).toEqual([outboxRecord(e.record.arn, 2, 'tok')]);
        expect(await store.leaseOf({ idempotencyKey: `${e.record.arn}:2` })).toEqual({ owner: 'b', expiresAt: T0 + 6000 });
        // Abandoned only: not the owner's live claims (those it dispatches already), but once they expire, yes.
        expect(await store.claimOutbox('b', T0 + 5100, 10, 1000, true)).toEqual([]);
        expect(await store.claimOutbox('b', T0 + 5100, 10, 1000)).toEqual([outboxRecord(e.record.arn, 2, 'tok')]);
        expect(await store.claimOutbox('b', T0 + 6000, 10, 1000, true)).toEqual([outboxRecord(e.record.arn, 2, 'tok')]);
        expect(await store.leaseOf({ idempotencyKey: `${e.record.arn}:2` })).toEqual({ owner: 'b', expiresAt: T0 + 7000 });
        // The result's write claims the execution for whoever will advance it, unless it is held.
        await store.commit([{ kind: 'claimExecution', executionArn: e.record.arn, claim: claim('c', T0 + 5000, 10_000) }]);
        const [held] = await store.commit([{ kind: 'completeTaskToken', token: 'tok', result: { ok: true, output: 1 }, claim: claim('b', T0 + 5001) }]);
        expect(held).toEqual({ kind: 'delivered', executionArn: e.record.arn, claimed: false });
        expect(await store.leaseOf({ executionArn: e.record.arn })).toMatchObject({ owner: 'c' });
        const [kept] = await store.commit([advanceOp(e.record.arn, { ...e.snapshot, version: 2 }, 1, { claim: { owner: 'c', expiresAt: T0 + 9000, keep: true } })]);
        expect(kept).toEqual({ kind: 'applied' });
        expect(await store.leaseOf({ executionArn: e.record.arn })).toEqual({ owner: 'c', expiresAt: T0 + 9000 });
        const [free] = await store.commit([
          { kind: 'appendInbox', executionArn: e.record.arn, event: { type: 'continue' }, claim: claim('b', T0 + 9000) },
        ]);
        expect(free).toEqual({ kind: 'delivered', executionArn: e.record.arn, claimed: true });
      });
    });

    describe('signals', () => {
      function record(): { seen: string[]; stop: () => void } {
        const seen: string[] = [];
        const offs = (['executionFinished', 'workAvailable', 'activityTaskAvailable'] as const).map((kind) =>
          store.signals.on(kind, undefined, (key) => seen.push(`${kind} ${key}`)),
        );
        return { seen, stop: () => offs.forEach((off) => off()) };
      }

      it('raises work available for inbox events and execution finished for an end, once each commit is done', async () => {
        const watch = record();
        const { record: e, snapshot } = await start('e1');
        expect(watch.seen).toEqual([`workAvailable ${e.arn}`]);
        snapshot.version = 1;
        await store.commit([advanceOp(e.arn, snapshot, 0, { outbox: [outboxRecord(e.arn, 2, 'tok')] })]);
        expect(watch.seen).toHaveLength(1); // waiting for a task: nothing to tell
        await store.commit([{ kind: 'completeTaskToken', token: 'tok', result: { ok: true, output: 1 } }]);
        expect(watch.seen.slice(1)).toEqual([`workAvailable ${e.arn}`]);
        const done: Snapshot = { ...snapshot, version: 2, status: 'FAILED', error: 'E', cause: 'c' };
        await store.commit([advanceOp(e.arn, done, 1, { history: events(1, 1), stopDate: T0 + 5 })]);
        expect(watch.seen.slice(2)).toEqual([`executionFinished ${e.arn}`]);
        await store.commit([{ kind: 'redriveExecution', executionArn: e.arn, redriveDate: T0 + 9 }]);
        expect(watch.seen.slice(3)).toEqual([`workAvailable ${e.arn}`]);
        watch.stop();
      });

      it('raises nothing for a commit that rolls back, nor for writes refused or dropped', async () => {
        const { record: e, snapshot } = await start('e1');
        const watch = record();
        snapshot.version = 1;
        const bad: WriteOp = advanceOp(e.arn, { ...snapshot, version: 2 }, 0, { history: events(5, 5) });
        await expect(store.commit([{ kind: 'appendInbox', executionArn: e.arn, event: { type: 'continue' } }, bad])).rejects.toThrow();
        await store.commit([{ kind: 'appendInbox', executionArn: `${e.arn}-unknown`, event: { type: 'continue' } }]);
        await store.commit([advanceOp(e.arn, snapshot, 7)]);
        expect(watch.seen).toEqual([]);
        watch.stop();
      });

      it('delivers a published signal to the listeners of its key and to those of every key', async () => {
        const mine: string[] = [];
        const any: string[] = [];
        const off = store.signals.on('activityTaskAvailable', 'arn:a', (k) => mine.push(k));
        const offAny = store.signals.on('activityTaskAvailable', undefined, (k) => any.push(k));
        store.signals.publish('activityTaskAvailable', 'arn:a');
        store.signals.publish('activityTaskAvailable', 'arn:b');
        off();
        store.signals.publish('activityTaskAvailable', 'arn:a');
        offAny();
        store.signals.publish('activityTaskAvailable', 'arn:a');
        expect(mine).toEqual(['arn:a']);
        expect(any).toEqual(['arn:a', 'arn:b', 'arn:a']);
      });
    });

    describe('function logs', () => {
      const KEEP = { perFunction: 100, maxAgeMs: 7 * 86_400_000 };
      const log = (functionName: string, n: number, extra: Partial<FunctionLogRecord> = {}): FunctionLogRecord => ({
        functionName,
        requestId: `req-${functionName}-${n}`,
        endedAt: T0 + n,
        ok: n % 2 === 0,
        logs: `START RequestId: req-${functionName}-${n} Version: $LATEST\nline ${n}\n`,
        ...extra,
      });

      it('keeps each invocation with its facts and answers newest first, filtered by function, request, execution and state', async () => {
        const caller = { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e1', stateName: 'Charge' };
        await store.appendFunctionLogs(
          [log('a', 1, { durationMs: 12.5, maxMemoryUsedMB: 40, memoryMB: 128, ...caller }), log('b', 2), log('a', 3, { executionArn: caller.executionArn, stateName: 'Ship' })],
          KEEP,
          T0 + 10,
        );
        expect((await store.listFunctionLogs({})).map((l) => l.requestId)).toEqual(['req-a-3', 'req-b-2', 'req-a-1']);
        expect((await store.listFunctionLogs({ functionName: 'a', limit: 1 })).map((l) => l.requestId)).toEqual(['req-a-3']);
        expect(await store.listFunctionLogs({ requestId: 'req-a-1' })).toEqual([
          { functionName: 'a', requestId: 'req-a-1', endedAt: T0 + 1, ok: false, logs: 'START RequestId: req-a-1 Version: $LATEST\nline 1\n', durationMs: 12.5, maxMemoryUsedMB: 40, memoryMB: 128, ...caller },
        ]);
        expect((await store.listFunctionLogs({ executionArn: caller.executionArn })).map((l) => l.stateName)).toEqual(['Ship', 'Charge']);
        expect((await store.listFunctionLogs({ executionArn: caller.executionArn, stateName: 'Charge' })).map((l) => l.requestId)).toEqual(['req-a-1']);
        expect(await store.listFunctionLogs({ requestId: 'req-b-2' })).toEqual([log('b', 2)]);
      });

      it('keeps at most the newest perFunction invocations of each function, and none older than maxAgeMs', async () => {
        await store.appendFunctionLogs([1, 2, 3, 4, 5].map((n) => log('a', n)), { perFunction: 3, maxAgeMs: 1_000 }, T0 + 10);
        await store.appendFunctionLogs([log('b', 6)], { perFunction: 3, maxAgeMs: 1_000 }, T0 + 10);
        expect((await store.listFunctionLogs({ functionName: 'a' })).map((l) => l.requestId)).toEqual(['req-a-5', 'req-a-4', 'req-a-3']);
        // A later write drops what has aged, whichever function it was of.
        await store.appendFunctionLogs([log('c', 2_000)], { perFunction: 3, maxAgeMs: 1_000 }, T0 + 1_004);
        expect((await store.listFunctionLogs({})).map((l) => l.requestId)).toEqual(['req-c-2000', 'req-b-6', 'req-a-5', 'req-a-4']);
      });

      it('answers logs of any size and text as written', async () => {
        const text = `${'x'.repeat(300_000)}\n'"; drop table function_logs; --\u00e9\n`;
        await store.appendFunctionLogs([log('a', 1, { logs: text })], KEEP, T0);
        expect((await store.listFunctionLogs({ functionName: 'a' }))[0].logs).toBe(text);
      });
    });
  });
}
