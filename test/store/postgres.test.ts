import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { describeStoreContract } from './contract.js';
import { createTestDatabase, postgresUnavailable } from './postgres-database.js';

// Under CI a missing PostgreSQL fails the run; elsewhere these tests skip and say why.
const unavailable = await postgresUnavailable();
if (unavailable !== undefined) {
  if (process.env.CI === 'true') {
    describe('PostgreSQL store', () => {
      it('needs a PostgreSQL server under CI', () => {
        throw new Error(unavailable);
      });
    });
  } else {
    console.warn(`Skipping the PostgreSQL store tests: ${unavailable}`);
    describe.skip(`PostgreSQL store (skipped: ${unavailable})`, () => {
      it('needs a PostgreSQL server', () => undefined);
    });
  }
} else {
  const db = await createTestDatabase();
  afterAll(() => db.drop());

  /** Empties every table: each contract test starts from a fresh store, without a database each. */
  async function emptyAll(): Promise<void> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      // Every table the migrations made, whichever they are (each migration may add some).
      const tables = (await c.query<{ tablename: string }>("select tablename from pg_tables where schemaname = current_schema() and tablename <> 'schema_migrations'")).rows;
      await c.query(`truncate ${tables.map((t) => `"${t.tablename}"`).join(', ')} restart identity`);
    } finally {
      await c.end();
    }
  }

  /** Two stores over the test database, as two processes sharing it would have; closed after `fn`. */
  async function twoStores(fn: (a: PostgresStore, b: PostgresStore) => Promise<void>): Promise<void> {
    const a = await PostgresStore.open(db.url, { poolSize: 2 });
    const b = await PostgresStore.open(db.url, { poolSize: 2 });
    try {
      await fn(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  }

  // The first open migrates the database; the contract then runs on one store per test.
  await (await PostgresStore.open(db.url)).close();

  describeStoreContract('postgres', async () => {
    await emptyAll();
    const store = await PostgresStore.open(db.url, { poolSize: 4 });
    return { store, dispose: () => store.close() };
  });

  describe('PostgreSQL schema and connections', () => {
    beforeEach(emptyAll);

    it('records each migration once, also when several processes migrate a new database at once', async () => {
      const fresh = await createTestDatabase();
      try {
        const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(fresh.url, { poolSize: 1 })));
        await Promise.all(stores.map((s) => s.close()));
        const c = new pg.Client({ connectionString: fresh.url });
        await c.connect();
        const rows = (await c.query<{ version: number }>('select version from schema_migrations order by version')).rows;
        await c.end();
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      } finally {
        await fresh.drop();
      }
    });

    it('refuses a database migrated by a newer Stepwright', async () => {
      const fresh = await createTestDatabase();
      try {
        await (await PostgresStore.open(fresh.url)).close();
        const c = new pg.Client({ connectionString: fresh.url });
        await c.connect();
        await c.query('insert into schema_migrations (version) values ($1)', [MIGRATIONS.length + 1]);
        await c.end();
        const e = await PostgresStore.open(fresh.url).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(StoreError);
        expect((e as StoreError).code).toBe('TooNew');
      } finally {
        await fresh.drop();
      }
    });

    it('answers an unreachable server with a StoreError naming it, without the password', async () => {
      const e = await PostgresStore.open('postgres://u:secret@127.0.0.1:1/nowhere').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).message).toContain('127.0.0.1:1/nowhere');
      expect((e as StoreError).message).not.toContain('secret');
    });

    it('carries committed signals to another process sharing the database, and none of a rollback', async () =>
      twoStores(async (a, b) => {
        const heard: string[] = [];
        const got = new Promise<void>((resolve) =>
          b.signals.on('workAvailable', undefined, (key) => {
            heard.push(key);
            if (key === 'arn:second') resolve();
          }),
        );
        await a.createStateMachine({ arn: 'arn:sig', name: 'sig', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
        const rec = (name: string) => ({ arn: `arn:${name}`, stateMachineArn: 'arn:sig', revision: 1, name, status: 'RUNNING' as const, input: '{}', startDate: 1 });
        await expect(
          a.commit([{ kind: 'createExecution', execution: rec('rolledback') }, { kind: 'renewClaims', owner: 'x', expiresAt: Number.NaN }]),
        ).rejects.toThrow();
        await a.commit([{ kind: 'createExecution', execution: rec('first') }]);
        a.signals.publish('workAvailable', 'arn:second');
        await got;
        expect(heard).toEqual(['arn:first', 'arn:second']);
      }));

    it('lets one of two workers claim an execution at once, the other skips it', async () =>
      twoStores(async (a, b) => {
        await a.createStateMachine({ arn: 'arn:race', name: 'race', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
        const ops = Array.from({ length: 50 }, (_, i) => ({
          kind: 'createExecution' as const,
          execution: { arn: `arn:race:${i}`, stateMachineArn: 'arn:race', revision: 1, name: `r${i}`, status: 'RUNNING' as const, input: '{}', startDate: 1 },
        }));
        await a.commit(ops);
        const [x, y] = await Promise.all([a.claimWork('wa', 10, 50, 1000), b.claimWork('wb', 10, 50, 1000)]);
        const all = [...x, ...y].map((c) => c.executionArn).sort();
        expect(all).toEqual(ops.map((o) => o.execution.arn).sort());
      }));

    it('claims named executions (claimExecutions) as claimWork would, the others left alone', async () =>
      twoStores(async (a, b) => {
        await a.createStateMachine({ arn: 'arn:named', name: 'named', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
        const rec = (name: string) => ({ arn: `arn:named:${name}`, stateMachineArn: 'arn:named', revision: 1, name, status: 'RUNNING' as const, input: '{}', startDate: 1 });
        await a.commit(['w1', 'w2', 'w3', 'other'].map((n) => ({ kind: 'createExecution' as const, execution: rec(n) })));
        // One with nothing to do: its start event consumed, no timer due.
        const idle = rec('idle');
        await a.commit([{ kind: 'createExecution', execution: idle }]);
        const [{ id: startEvent }] = await a.pendingInbox(idle.arn);
        const snapshot = { version: 1, status: 'RUNNING', lastEventId: 0 } as never;
        await a.commit([
          { kind: 'applyAdvance', executionArn: idle.arn, expectedVersion: 0, snapshot, history: [], consumedInbox: [startEvent], firedTimers: [], cancelledTimers: [], endedAttempts: [], newTimers: [], outbox: [], followUps: [] },
        ]);
        const named = ['w1', 'w2', 'w3', 'idle', 'missing'].map((n) => `arn:named:${n}`);
        const got = await a.claimExecutions('wa', named, 10, 1000);
        expect(got.map((c) => c.executionArn).sort()).toEqual(['arn:named:w1', 'arn:named:w2', 'arn:named:w3']);
        expect(got.every((c) => c.expiresAt === 1010)).toBe(true);
        expect(await a.leaseOf({ executionArn: 'arn:named:other' })).toBeUndefined();
        expect(await a.leaseOf({ executionArn: idle.arn })).toBeUndefined();
        // Another worker is refused until the lease runs out; the holder gets its own back as it is.
        expect(await b.claimExecutions('wb', named, 500, 1000)).toEqual([]);
        expect((await a.claimExecutions('wa', ['arn:named:w1'], 600, 1000))).toEqual([{ executionArn: 'arn:named:w1', expiresAt: 1010 }]);
        expect(await b.claimExecutions('wb', ['arn:named:w2'], 1010, 1000)).toEqual([{ executionArn: 'arn:named:w2', expiresAt: 2010 }]);
      }));

    it('splits named executions between two workers claiming them at once', async () =>
      twoStores(async (a, b) => {
        await a.createStateMachine({ arn: 'arn:split', name: 'split', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
        const arns = Array.from({ length: 50 }, (_, i) => `arn:split:${i}`);
        await a.commit(arns.map((arn, i) => ({ kind: 'createExecution' as const, execution: { arn, stateMachineArn: 'arn:split', revision: 1, name: `s${i}`, status: 'RUNNING' as const, input: '{}', startDate: 1 } })));
        const [x, y] = await Promise.all([a.claimExecutions('wa', arns, 10, 1000), b.claimExecutions('wb', arns, 10, 1000)]);
        expect([...x, ...y].map((c) => c.executionArn).sort()).toEqual([...arns].sort());
      }));
  });
}
