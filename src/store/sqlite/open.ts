import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../store.js';
import { MIGRATIONS } from './migrations.js';

/** Marks a database file as ours ("STWP"), so a foreign SQLite file is recognised before we touch it. */
const APPLICATION_ID = 0x53545750;
const DB_FILE = 'stepwright.db';
const LOCK_FILE = 'stepwright.lock';
const OWNER_FILE = 'owner.json';

export type Synchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface OpenOptions {
  /** Default FULL: an acknowledged commit survives a power cut. */
  readonly synchronous?: Synchronous;
  /** Test-only: caps the database at this many pages, so a test can fill the "disk" (SQLITE_FULL). */
  readonly maxPageCount?: number;
}

export interface OpenedDatabase {
  readonly db: Database.Database;
  readonly dbPath: string;
  /** Releases the data dir lock (closing the lock connection releases the OS lock). */
  readonly releaseLock: () => void;
}

function sqliteCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * The data dir lock: a tiny SQLite file held with an exclusive lock for the life of the process.
 * The operating system drops the lock when the process dies (even by kill -9), so a crash never
 * leaves a stale lock behind, unlike a PID file.
 */
function lockDataDir(dir: string): () => void {
  const lockPath = path.join(dir, LOCK_FILE);
  let lock: Database.Database;
  try {
    lock = new Database(lockPath, { timeout: 0 });
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('create table if not exists owner (pid integer)');
    lock.exec('begin exclusive');
    lock.exec('delete from owner');
    lock.prepare('insert into owner values (?)').run(process.pid);
    lock.exec('commit');
  } catch (e) {
    if (sqliteCode(e) === 'SQLITE_BUSY') {
      let owner = '';
      try {
        const o = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as { pid?: number; host?: string };
        owner = ` (pid ${o.pid ?? '?'}${o.host ? ` on ${o.host}` : ''})`;
      } catch {
        // the owner file is informational only
      }
      throw new StoreError(
        `The data dir ${dir} is in use by another Stepwright process${owner}. One process owns an SQLite data dir; stop the other one or use another --data-dir.`,
        'Locked',
        { cause: e },
      );
    }
    throw ioError(e, dir);
  }
  try {
    fs.writeFileSync(
      path.join(dir, OWNER_FILE),
      JSON.stringify({ pid: process.pid, host: process.env.HOSTNAME, since: new Date().toISOString() }),
    );
  } catch {
    // informational only
  }
  return () => lock.close();
}

export function ioError(e: unknown, where: string): StoreError {
  const code = sqliteCode(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new StoreError(`The disk holding ${where} is full: ${message}`, 'DiskFull', { cause: e });
  if (
    code === 'SQLITE_READONLY' ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'SQLITE_CANTOPEN'
  ) {
    return new StoreError(`Cannot write to ${where} (read-only or no permission): ${message}`, 'ReadOnly', {
      cause: e,
    });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new StoreError(`${where} is not a valid Stepwright database (${message})`, 'Corrupt', { cause: e });
  if (e instanceof StoreError) return e;
  return new StoreError(`Storage failure at ${where}: ${message}`, 'IO', { cause: e });
}

/** Opens (creating if needed) the data dir: lock, WAL database, schema migrations. */
export function openDataDir(dir: string, options: OpenOptions = {}): OpenedDatabase {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK);
  } catch (e) {
    throw ioError(e, `the data dir ${abs}`);
  }
  const releaseLock = lockDataDir(abs);
  const dbPath = path.join(abs, DB_FILE);
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath);
    checkIdentity(db, dbPath);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = OFF');
    migrate(db);
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    return { db, dbPath, releaseLock };
  } catch (e) {
    db?.close();
    releaseLock();
    throw e instanceof StoreError ? e : ioError(e, dbPath);
  }
}

function checkIdentity(db: Database.Database, dbPath: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return;
  const tables = (db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n;
  if (appId !== 0 || tables > 0) {
    throw new StoreError(
      `${dbPath} is an SQLite database that Stepwright did not create (application_id ${appId}, ${tables} tables); refusing to use it.`,
      'Foreign',
    );
  }
  db.pragma(`application_id = ${APPLICATION_ID}`);
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      `The database has schema version ${current}, newer than this Stepwright knows (${MIGRATIONS.length}); upgrade Stepwright.`,
      'TooNew',
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
