export type * from './catalog.js';
export type * from './executions.js';
export type * from './work.js';
export { SignalHub, type SignalKind, type StoreSignals } from './signals.js';
export { StoreError, type Store } from './store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export type { OpenOptions, Synchronous } from './sqlite/open.js';
export { PostgresStore } from './postgres/postgres-store.js';
export type { PostgresOptions } from './postgres/open.js';
