import { createActivities } from './activities.js';
import type { ServiceDeps } from './context.js';
import { createExecutions } from './executions.js';
import { createMachines } from './machines.js';
import { createMapRuns } from './map-runs.js';
import { createTags } from './tags.js';
import { createTasks } from './tasks.js';
import { createTestState } from './test-state.js';
import { createVersionsAliases } from './versions-aliases.js';

export { ACTIVITY_POLL_MS } from './activities.js';
export { activityArnOf, parseArn, parseMachineArn, stateMachineArnOf, type Identity, type MachineRef, type ParsedArn, type ResourceType } from './arns.js';
export { defaultRoleArn, type ServiceDeps } from './context.js';
export * from './errors.js';
export {
  CLIENT_TOKEN_MS,
  MAX_EXECUTION_TIME_MS,
  REDRIVABLE_PERIOD_MS,
  REDRIVE_EVENT_LIMIT,
  redriveStatusOf,
  type DescribeExecutionOutput,
  type RedriveStatus,
  type StartExecutionInput,
  type SyncExecutionOutput,
} from './executions.js';
export type { MachineDescription, MachineForExecution, MachineUpdateInput, NewMachineInput, PreparedRevision } from './machines.js';
export { checkName, isValidName } from './names.js';
export type { TestStateInput } from './test-state.js';
export type { MapRunCounts, MapRunDescription, MapRunStatus, MapRunSummary } from './map-runs.js';
export type { TestStateConfiguration } from './test-state-request.js';

/**
 * The Step Functions operations, once, over the store, the scheduler and the integrations' ports:
 * inputs arrive typed (the API parses the wire), refusals are ServiceErrors with AWS's names.
 */
export function createService(deps: ServiceDeps) {
  const machines = createMachines(deps);
  const mapRuns = createMapRuns(deps);
  const executions = createExecutions(deps, machines, mapRuns.findMapRun);
  const { machineOf, cachedLatest: _c, preparedOf: _p, revisionOf: _r, latestVersionArn: _l, forget: _f, ...machineOperations } = machines;
  let closing: Promise<void> | undefined;
  return {
    ...machineOperations,
    /** The machine record, or StateMachineDoesNotExist. */
    stateMachineOf: machineOf,
    ...createVersionsAliases(deps, machines),
    ...executions,
    ...createTasks(deps),
    ...createActivities(deps),
    ...createTags(deps),
    ...createTestState(deps),
    ...mapRuns,
    /** Ends the Express executions still running (once); the app closes the scheduler and store after. */
    close(): Promise<void> {
      return (closing ??= executions.stopAll());
    },
  };
}

export type Service = ReturnType<typeof createService>;
