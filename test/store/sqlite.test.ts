import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, StoreError } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { describeStoreContract } from './contract.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describeStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-contract-'));
  // synchronous=OFF only to keep the contract suite quick; durability is the crash test's job.
  const store = new SqliteStore(dir, { synchronous: 'OFF' });
  return {
    store,
    dispose: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

function openError(dir: string): StoreError {
  try {
    new SqliteStore(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('the store opened');
}

describe('SQLite data dir', () => {
  it('creates the data dir and keeps what was written across a reopen', async () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const a = new SqliteStore(dir);
    await a.createStateMachine({
      arn: 'arn:m',
      name: 'm',
      type: 'STANDARD',
      definition: '{}',
      roleArn: 'r',
      createdAt: 1,
    });
    await a.close();
    const b = new SqliteStore(dir);
    expect((await b.getStateMachine('arn:m'))?.name).toBe('m');
    await b.close();
  });

  it('uses WAL and synchronous=FULL by default', () => {
    const dir = tempDir();
    const s = new SqliteStore(dir);
    // The lock is per process, so a second connection from here is only for reading pragmas.
    void s.close();
    const db = new Database(path.join(dir, 'stepwright.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    db.close();
  });

  it('refuses a second store on the same data dir and says why', async () => {
    const dir = tempDir();
    const a = new SqliteStore(dir);
    const e = openError(dir);
    expect(e.code).toBe('Locked');
    expect(e.message).toContain('in use by another Stepwright process');
    expect(e.message).toContain(`pid ${process.pid}`);
    await a.close();
    const b = new SqliteStore(dir);
    await b.close();
  });

  it('refuses a data dir that another process holds, and takes it over once that process is killed', async () => {
    const dir = tempDir();
    const holder = `
      const { SqliteStore } = await import(${JSON.stringify(path.resolve('src/store/index.ts'))});
      new SqliteStore(${JSON.stringify(dir)});
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holder], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      expect(openError(dir).message).toContain(`pid ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const s = new SqliteStore(dir);
    await s.close();
    // Starting a second Node with tsx can take long on a loaded CI machine.
  }, 90_000);

  it('refuses a file that is not a database', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stepwright.db'), 'this is not sqlite '.repeat(100));
    const e = openError(dir);
    expect(e.code).toBe('Corrupt');
    expect(e.message).toContain('not a valid Stepwright database');
  });

  it('refuses an SQLite database that some other program made', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'stepwright.db'));
    db.exec('create table customers (id integer)');
    db.close();
    const e = openError(dir);
    expect(e.code).toBe('Foreign');
    expect(e.message).toContain('did not create');
  });

  it('refuses a database from a newer Stepwright', async () => {
    const dir = tempDir();
    await new SqliteStore(dir).close();
    const db = new Database(path.join(dir, 'stepwright.db'));
    db.pragma('user_version = 999');
    db.close();
    expect(openError(dir).code).toBe('TooNew');
  });

  it('refuses a data dir that cannot be created', () => {
    const file = path.join(tempDir(), 'plain-file');
    fs.writeFileSync(file, 'x');
    const e = openError(path.join(file, 'data'));
    expect(e.message).toContain(path.join(file, 'data'));
    expect(e.message).toContain('not a directory');
  });

  it.skipIf(process.getuid?.() === 0)('refuses a read-only data dir', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o500);
    try {
      expect(openError(dir).code).toBe('ReadOnly');
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });

  it('reports a full disk as such and keeps nothing of the failed transaction', async () => {
    const dir = tempDir();
    const s = new SqliteStore(dir);
    await s.createStateMachine({
      arn: 'arn:m',
      name: 'm',
      type: 'STANDARD',
      definition: '{}',
      roleArn: 'r',
      createdAt: 1,
    });
    // Simulate a full disk: cap the database at its current page count.
    const db = (s as unknown as { db: Database.Database }).db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(200_000);
    const err = await s
      .createStateMachine({
        arn: 'arn:big',
        name: 'big',
        type: 'STANDARD',
        definition: big,
        roleArn: 'r',
        createdAt: 2,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('DiskFull');
    expect(await s.getStateMachine('arn:big')).toBeUndefined();
    await s.close();
  });

  it('upgrades a data dir written before redrive existed: its failed executions can be redriven', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'stepwright.db'));
    db.pragma(`application_id = ${0x53545750}`);
    for (const [i, m] of MIGRATIONS.slice(0, 3).entries()) {
      db.exec(m);
      db.pragma(`user_version = ${i + 1}`);
    }
    db.prepare(
      "insert into executions (arn, machine_arn, revision, name, status, input, error, start_date, stop_date, version, snapshot) values ('arn:e', 'arn:m', 1, 'e', 'FAILED', '{}', 'E', 1, 2, 1, '{}')",
    ).run();
    db.close();
    const s = new SqliteStore(dir);
    expect(await s.getExecution('arn:e')).toEqual({
      arn: 'arn:e',
      stateMachineArn: 'arn:m',
      revision: 1,
      name: 'e',
      status: 'FAILED',
      input: '{}',
      error: 'E',
      startDate: 1,
      stopDate: 2,
    });
    const [r] = await s.commit([{ kind: 'redriveExecution', executionArn: 'arn:e', redriveDate: 3 }]);
    expect(r).toMatchObject({ kind: 'redriven', execution: { status: 'RUNNING', redriveCount: 1, redriveDate: 3 } });
    await s.close();
  });

  it('keeps execution claims in memory: a store opened after a crash holds none of the crashed run', async () => {
    const dir = tempDir();
    const a = new SqliteStore(dir);
    await a.beginRun();
    await a.createStateMachine({ arn: 'arn:m', name: 'm', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
    const execution = { arn: 'arn:e', stateMachineArn: 'arn:m', revision: 1, name: 'e', status: 'RUNNING' as const, input: '{}', startDate: 1 };
    const far = Date.now() + 3_600_000;
    await a.commit([{ kind: 'createExecution', execution, claim: { owner: 'crashed-worker', now: 1, expiresAt: far } }]);
    expect(await a.leaseOf({ executionArn: 'arn:e' })).toEqual({ owner: 'crashed-worker', expiresAt: far });
    expect(await a.claimWork('another-id', Date.now(), 10, 1000)).toEqual([]);
    await a.close(); // no endRun: a crash
    const b = new SqliteStore(dir);
    expect(await b.beginRun()).toEqual({ previousRunEnded: false });
    expect(await b.leaseOf({ executionArn: 'arn:e' })).toBeUndefined();
    expect(await b.claimWork('another-id', Date.now(), 10, 1000)).toEqual([{ executionArn: 'arn:e', expiresAt: expect.any(Number) }]);
    await b.close();
  });

  it('takes back the claims of a commit that rolls back', async () => {
    const s = new SqliteStore(tempDir());
    await s.beginRun();
    await s.createStateMachine({ arn: 'arn:m', name: 'm', type: 'STANDARD', definition: '{}', roleArn: 'r', createdAt: 1 });
    const execution = (name: string) => ({ arn: `arn:${name}`, stateMachineArn: 'arn:m', revision: 1, name, status: 'RUNNING' as const, input: '{}', startDate: 1 });
    const far = Date.now() + 3_600_000;
    await s.commit([{ kind: 'createExecution', execution: execution('held'), claim: { owner: 'w1', now: 1, expiresAt: far } }]);
    // The second op's history does not follow the stored one: the whole commit rolls back.
    const broken = {
      kind: 'applyAdvance' as const,
      executionArn: 'arn:held',
      expectedVersion: 0,
      snapshot: { status: 'RUNNING', version: 1, lastEventId: 5 } as never,
      history: [{ id: 7, timestamp: 1, type: 'PassStateEntered' }] as never,
      consumedInbox: [],
      firedTimers: [],
      newTimers: [],
      cancelledTimers: [],
      endedAttempts: [],
      outbox: [],
      followUps: [],
    };
    await expect(
      s.commit([
        { kind: 'createExecution', execution: execution('new'), claim: { owner: 'w2', now: 1, expiresAt: far } },
        { kind: 'releaseClaims', owner: 'w1' },
        broken,
      ]),
    ).rejects.toThrow(/continues at event 1, not 7/);
    expect(await s.getExecution('arn:new')).toBeUndefined();
    expect(await s.leaseOf({ executionArn: 'arn:new' })).toBeUndefined();
    expect(await s.leaseOf({ executionArn: 'arn:held' })).toEqual({ owner: 'w1', expiresAt: far });
    await s.close();
  });
});
