import type { ActivityTaskStore } from './activity-tasks.js';
import type { CatalogStore } from './catalog.js';
import type { ExecutionStore } from './executions.js';
import type { FunctionLogStore } from './function-logs.js';
import type { LambdaCatalogStore } from './lambda-catalog.js';
import type { StoreSignals } from './signals.js';
import type { WorkStore } from './work.js';

/**
 * What the scheduler and the API need from durable storage, by role: the catalog (machines,
 * activities, tags; Lambda versions, aliases and policies), executions and their history, work
 * (claim, advance, commit), activity tasks (the queue GetActivityTask takes from), and signals that
 * reach every process sharing the store. Implementations: `sqlite/` (the embedded default) and
 * `postgres/`; every implementation must pass test/store/contract.ts. The domain rules a write
 * implies (which events, which clean-up, which signals) live in `rules/`, shared by all.
 */
export interface Store extends CatalogStore, LambdaCatalogStore, ExecutionStore, WorkStore, ActivityTaskStore, FunctionLogStore {
  readonly signals: StoreSignals;
  close(): Promise<void>;
}

/** An I/O failure of the store with a message a user can act on. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'Corrupt' | 'Foreign' | 'TooNew' | 'Locked' | 'ReadOnly' | 'DiskFull' | 'IO',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
