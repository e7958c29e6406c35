import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createSnapshot, prepareMachine, type Snapshot } from '../../../src/engine/index.js';
import { SqliteStore, type ExecutionRecord, type Store, type WriteOp } from '../../../src/store/index.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { createApp } from '../../../src/app/create-app.js';
import { createTestDatabase, postgresUnavailable } from '../postgres-database.js';

// Group commit on PostgreSQL writes runs of starts and advances with multi-row statements
// (src/store/postgres/batch.ts). These tests hold it to the one-by-one meaning (SQLite applying
// the same operations is the reference) and show that a batch is one transaction.

const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const DEFINITION = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
const T0 = Date.UTC(2026, 0, 1);

function execution(name: string): { record: ExecutionRecord; snapshot: Snapshot } {
  const arn = `arn:aws:states:us-east-1:123456789012:execution:m:${name}`;
  const snapshot = createSnapshot(prepareMachine(DEFINITION), {
    arn, name, input: {}, startTime: T0, roleArn: 'arn:aws:iam::123456789012:role/r', stateMachineArn: MACHINE_ARN, stateMachineName: 'm', redriveCount: 0,
  });
  return { record: { arn, stateMachineArn: MACHINE_ARN, revision: 1, name, status: 'RUNNING', input: `{"n":"${name}"}`, startDate: T0 }, snapshot };
}

function advance(arn: string, snapshot: Snapshot, expectedVersion: number, extra: Partial<Extract<WriteOp, { kind: 'applyAdvance' }>>): WriteOp {
  return {
    kind: 'applyAdvance', executionArn: arn, expectedVersion, snapshot, history: [], consumedInbox: [], firedTimers: [], cancelledTimers: [],
    endedAttempts: [], newTimers: [], outbox: [], followUps: [], ...extra,
  };
}

const historyOf = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => ({ id: from + k, previousEventId: from + k - 1, timestamp: T0 + from + k, type: 'PassStateEntered' as const }));

/** What a store holds of these executions after the operations, in a shape both backends share. */
async function stateOf(store: Store, arns: readonly string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const arn of arns) {
    const e = await store.getExecution(arn);
    const snap = await store.loadSnapshot(arn);
    out.push({
      arn,
      status: e?.status,
      output: e?.output,
      version: snap?.version,
      snapshot: snap?.snapshot,
      inbox: (await store.pendingInbox(arn)).map((i) => i.event),
      timers: await store.dueTimers(arn, Number.MAX_SAFE_INTEGER),
      outbox: [await store.getOutboxEntry(`${arn}:1`), await store.getOutboxEntry(`${arn}:2`)],
      token: await store.getTaskToken(`token-${arn}`),
      history: (await store.getHistory(arn)).events,
      lease: await store.leaseOf({ executionArn: arn }),
    });
  }
  return out;
}

/** Runs the same rounds of operations on a store, each round one commit (`oneByOne`: one commit per operation). */
async function play(store: Store, oneByOne: boolean): Promise<{ results: unknown[]; state: unknown[] }> {
  await store.createStateMachine({ arn: MACHINE_ARN, name: 'm', type: 'STANDARD', definition: JSON.stringify(DEFINITION), roleArn: 'arn:aws:iam::123456789012:role/r', createdAt: T0 });
  const es = Array.from({ length: 12 }, (_, i) => execution(`e${i}`));
  const arns = es.map((e) => e.record.arn);
  const commit = async (ops: WriteOp[]): Promise<unknown[]> => {
    if (!oneByOne) return store.commit(ops);
    const out: unknown[] = [];
    for (const op of ops) out.push(...(await store.commit([op])));
    return out;
  };
  const results: unknown[] = [];
  // Starts, one of them a name taken within the round, with and without claims.
  results.push(
    await commit([
      ...es.map((e, i): WriteOp => ({ kind: 'createExecution', execution: e.record, ...(i % 2 === 0 ? { claim: { owner: 'w', now: T0, expiresAt: T0 + 1000 } } : {}) })),
      { kind: 'createExecution', execution: { ...es[3].record, input: '{"other":true}' } },
    ]),
  );
  const inbox = await Promise.all(arns.map((a) => store.pendingInbox(a)));
  const running = (e: { snapshot: Snapshot }, version: number, lastEventId: number): Snapshot => ({ ...e.snapshot, version, lastEventId });
  const done = (e: { snapshot: Snapshot }, version: number, lastEventId: number): Snapshot => ({ ...e.snapshot, version, lastEventId, status: 'SUCCEEDED', output: { ok: version } });
  // Advances: finished at once; going on with timers, effects, tokens and follow-ups; a stale version.
  results.push(
    await commit([
      advance(arns[0], done(es[0], 1, 3), 0, { history: historyOf(1, 3), consumedInbox: [inbox[0][0].id], stopDate: T0 + 5, claim: { owner: 'w', expiresAt: T0 + 2000, keep: false } }),
      advance(arns[1], running(es[1], 1, 2), 0, {
        history: historyOf(1, 2), consumedInbox: [inbox[1][0].id],
        newTimers: [{ frameId: 'root', key: 'wait', dueAt: T0 + 10 }, { frameId: 'root', key: 'wait', dueAt: T0 + 20 }, { frameId: 'f', key: 'hb', dueAt: T0 + 30 }],
      }),
      advance(arns[2], running(es[2], 1, 4), 0, {
        history: historyOf(1, 4), consumedInbox: [inbox[2][0].id],
        outbox: [
          { executionArn: arns[2], idempotencyKey: `${arns[2]}:1`, frameId: 'root', attempt: 1, request: { resource: 'r', parameters: { a: 1 }, executionArn: arns[2], stateName: 'T', taskToken: `token-${arns[2]}` } },
          { executionArn: arns[2], idempotencyKey: `${arns[2]}:2`, frameId: 'root', attempt: 2, request: { resource: 'r', parameters: { a: "it's \"quoted\" \\ and {braced}" }, executionArn: arns[2], stateName: 'T' } },
        ],
        claim: { owner: 'w', expiresAt: T0 + 3000, keep: true },
      }),
      advance(arns[3], running(es[3], 1, 1), 0, { history: historyOf(1, 1), consumedInbox: [inbox[3][0].id], followUps: [{ type: 'continue' }, { type: 'stop', error: 'E', cause: 'C' }] }),
      advance(arns[4], running(es[4], 1, 1), 7, { history: historyOf(1, 1), consumedInbox: [inbox[4][0].id] }),
      advance('arn:aws:states:us-east-1:123456789012:execution:m:nobody', running(es[5], 1, 1), 0, {}),
      // One ends with no output (JSON's null, not no output), one with texts JSON must escape.
      ...es.slice(5).map((e, k) =>
        advance(arns[5 + k], k === 0 ? { ...done(e, 1, 2), output: undefined } : k === 1 ? { ...done(e, 1, 2), output: { s: 'a "q" \\ \u00e9 \ud83d\ude00 \u2028' } } : done(e, 1, 2), 0, {
          history: historyOf(1, 2), consumedInbox: [inbox[5 + k][0].id], stopDate: T0 + 9,
        }),
      ),
    ]),
  );
  // Further advances: timers fired and cancelled, an attempt ended, and ends that clean up what was left.
  results.push(
    await commit([
      advance(arns[1], running(es[1], 2, 3), 1, { history: historyOf(3, 3), firedTimers: [{ frameId: 'root', key: 'wait' }], cancelledTimers: [{ frameId: 'f', key: 'hb' }], newTimers: [{ frameId: 'root', key: 'next', dueAt: T0 + 40 }] }),
      advance(arns[2], running(es[2], 2, 5), 1, { history: historyOf(5, 5), endedAttempts: [2] }),
      advance(arns[3], done(es[3], 2, 2), 1, { history: historyOf(2, 2), stopDate: T0 + 50 }),
    ]),
  );
  return { results, state: await stateOf(store, arns) };
}

const unavailable = await postgresUnavailable();
if (unavailable !== undefined) {
  if (process.env.CI === 'true')
    describe('PostgreSQL batched group commit', () => {
      it('needs a PostgreSQL server under CI', () => {
        throw new Error(unavailable);
      });
    });
  else describe.skip(`PostgreSQL batched group commit (skipped: ${unavailable})`, () => it('needs a PostgreSQL server', () => undefined));
} else {
  const db = await createTestDatabase();
  const dirs: string[] = [];
  afterAll(async () => {
    await db.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('PostgreSQL batched group commit', () => {
    it('leaves the results and rows that the same operations one by one leave (SQLite as the reference)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-batch-'));
      dirs.push(dir);
      const sqlite = new SqliteStore(dir);
      const reference = await play(sqlite, true);
      await sqlite.close();
      const store = await PostgresStore.open(db.url);
      try {
        const batched = await play(store, false);
        expect(batched.results).toEqual(reference.results);
        expect(batched.state).toEqual(reference.state);
        // Not trivially equal: the rounds did write something of each kind.
        expect(JSON.stringify(reference.state)).toContain('"key":"next"');
        expect(JSON.stringify(reference.results)).toContain('"conflict"');
        expect(JSON.stringify(reference.results)).toContain('"exists"');
      } finally {
        await store.close();
      }
    });

    it('commits the advances of many executions in few transactions (the rows share their xmin)', async () => {
      await (async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        await c.query('truncate executions, inbox, history, outbox, timers, task_tokens, state_machines, state_machine_revisions restart identity cascade');
        await c.end();
      })();
      const app = await createApp({ store: await PostgresStore.open(db.url) });
      const N = 400;
      try {
        const { stateMachineArn } = await app.service.createStateMachine({
          name: 'three',
          definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Pass', End: true } } },
        });
        const started = await Promise.all(Array.from({ length: N }, (_, i) => app.service.startExecution({ stateMachineArn, input: `{"i":${i}}` })));
        const ended = await Promise.all(started.map((s) => app.service.awaitExecution(s.executionArn)));
        expect(ended.every((d) => d.status === 'SUCCEEDED')).toBe(true);
      } finally {
        await app.close();
      }
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        // Each execution's row was last written by the transaction of its final advance.
        const finals = (await c.query<{ n: number; rows: number }>("select count(distinct xmin::text)::integer as n, count(*)::integer as rows from executions where status = 'SUCCEEDED'")).rows[0];
        const starts = (await c.query<{ n: number }>('select count(distinct xmin::text)::integer as n from history')).rows[0];
        expect(finals.rows).toBe(N);
        expect(finals.n).toBeLessThanOrEqual(N / 20);
        expect(starts.n).toBeLessThanOrEqual(N / 20);
      } finally {
        await c.end();
      }
    });
  });
}
