import { activityOperations } from './activities.js';
import type { SfnBackend } from './backend.js';
import { executionOperations } from './executions.js';
import { historyOperations } from './history.js';
import { mapRunOperations } from './map-runs.js';
import type { Operation } from './operations.js';
import { stateMachineOperations } from './state-machines.js';
import { tagOperations } from './tags.js';
import { taskOperations } from './tasks.js';
import { testStateOperations } from './test-state.js';
import { versionAliasOperations } from './versions-aliases.js';

export type { SfnBackend } from './backend.js';

/** Every service-backed Step Functions operation, for `createServer({ operations })`. */
export function createSfnOperations(backend: SfnBackend, options: { activityPollMs?: number; signal?: AbortSignal } = {}): Record<string, Operation> {
  return {
    ...stateMachineOperations(backend),
    ...executionOperations(backend),
    ...historyOperations(backend),
    ...mapRunOperations(backend),
    ...taskOperations(backend),
    ...activityOperations(backend, { pollMs: options.activityPollMs, signal: options.signal }),
    ...tagOperations(backend),
    ...versionAliasOperations(backend),
    ...testStateOperations(backend),
  };
}
