import path from 'node:path';
import type { Synchronous } from './sqlite/open.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { StoreError, type Store } from './store.js';

/**
 * The store a `--database` URL names: postgres:// (or postgresql://) is the shared PostgreSQL
 * store; absent, the embedded SQLite store in the data dir.
 */
export async function openStore(options: { readonly database?: string; readonly dataDir: string; readonly synchronous?: Synchronous }): Promise<Store> {
  const url = options.database;
  if (url === undefined || url === '') return new SqliteStore(path.resolve(options.dataDir), { synchronous: options.synchronous });
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // Loaded here: the `pg` driver is heap every SQLite process would carry for nothing.
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return PostgresStore.open(url);
  }
  throw new StoreError(`--database takes a postgres://user@host:port/database URL, not ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//…@'))}`, 'IO');
}
