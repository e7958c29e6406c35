import pg from 'pg';
import { StoreError } from '../store.js';
import { MIGRATIONS } from './migrations.js';

export interface PostgresOptions {
  /** Connections in the pool (default 10): commits and reads in flight at once. */
  readonly poolSize?: number;
  /**
   * The name this process's scheduler runs under (poison pills: whether its last run ended); the
   * default is one name per host and process id.
   */
  readonly node?: string;
}

// Times are epoch ms in bigint columns and ids are bigserial: both fit a double exactly (< 2^53).
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Connection settings from a postgres:// URL, with our type parsing. */
export function clientConfig(url: string): pg.ClientConfig {
  return { connectionString: url, types, application_name: 'stepwright' };
}

/** Where a URL points, for messages: host, port and database, never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname || '/'}`;
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Serialization failures and deadlocks: PostgreSQL rolled the transaction back, and trying it again is safe. */
export function isRetryable(e: unknown): boolean {
  const code = codeOf(e);
  return code === '40001' || code === '40P01';
}

/** A failure of PostgreSQL as a StoreError whose message says what to check. */
export function pgError(e: unknown, where: string): StoreError {
  if (e instanceof StoreError) return e;
  const code = codeOf(e) ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === '53100') return new StoreError(`The disk of ${where} is full: ${message}`, 'DiskFull', { cause: e });
  if (code === '25006') return new StoreError(`${where} is read-only (a standby?): ${message}`, 'ReadOnly', { cause: e });
  if (code.startsWith('28')) return new StoreError(`${where} refused the login: ${message}`, 'IO', { cause: e });
  if (code === '3D000') return new StoreError(`${where}: the database does not exist (${message})`, 'IO', { cause: e });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || code.startsWith('08') || code === '57P01')
    return new StoreError(`Cannot reach ${where}: ${message}. Work resumes when it is back.`, 'IO', { cause: e });
  return new StoreError(`Storage failure at ${where}: ${message}`, 'IO', { cause: e });
}

/** Any 64-bit number for pg_advisory_lock: "stepwright migrate". */
const MIGRATION_LOCK = 0x5354_5750_6d69;

/**
 * Applies the migrations not yet applied, each in a transaction of its own. A session advisory
 * lock makes processes that start at once take turns: the second finds the work done.
 */
export async function migrate(client: pg.ClientBase, where: string): Promise<void> {
  await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('create table if not exists schema_migrations (version integer primary key, applied_at timestamptz not null default now())');
    const applied = (await client.query<{ v: number | null }>('select max(version) as v from schema_migrations')).rows[0].v ?? 0;
    if (applied > MIGRATIONS.length)
      throw new StoreError(
        `${where} has schema version ${applied}, newer than this Stepwright knows (${MIGRATIONS.length}); upgrade Stepwright`,
        'TooNew',
      );
    for (let v = applied + 1; v <= MIGRATIONS.length; v++) {
      await client.query('begin');
      try {
        await client.query(MIGRATIONS[v - 1]);
        await client.query('insert into schema_migrations (version) values ($1)', [v]);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
