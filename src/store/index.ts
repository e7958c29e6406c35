export * from './store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export type { OpenOptions, Synchronous } from './sqlite/open.js';
