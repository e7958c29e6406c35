export { Scheduler, type SchedulerOptions } from './worker.js';
export { GroupCommitter, DEFAULT_GROUP_COMMIT, NO_GROUP_COMMIT, type GroupCommitOptions } from './group-commit.js';
export type { DispatchedTaskRequest } from './dispatch.js';
export { runExecution, type ExecutionResult, type RunExecutionOptions } from './in-memory.js';
