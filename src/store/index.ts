export type * from './activity-tasks.js';
export type * from './catalog.js';
export type * from './executions.js';
export type * from './function-logs.js';
export type * from './lambda-catalog.js';
export type * from './work.js';
export { SignalHub, type SignalKind, type StoreSignals } from './signals.js';
export { StoreError, type Store } from './store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export type { OpenOptions, Synchronous } from './sqlite/open.js';
// A type only: `pg` loads when a postgres:// store is opened (open-store.ts), not with every process.
export type { PostgresStore } from './postgres/postgres-store.js';
export type { PostgresOptions } from './postgres/open.js';
export { openStore } from './open-store.js';
