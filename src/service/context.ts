import type { Clock, TaskResources } from '../engine/index.js';
import type { ActivityQueue } from '../integrations/activity-queue.js';
import type { MockConfig, MockedExecutions } from '../integrations/mock-config.js';
import type { Scheduler } from '../scheduler/index.js';
import type { Store } from '../store/index.js';
import type { Identity } from './arns.js';

/** What the operations work on: the composition root (src/app) builds it. */
export interface ServiceDeps extends Identity {
  readonly store: Store;
  readonly scheduler: Scheduler;
  /** Activity tasks handed to GetActivityTask pollers (the activity integration fills it). */
  readonly activities: ActivityQueue;
  /** The Task resources executions use (Express runs and TestState call them too). */
  readonly resources?: TaskResources;
  readonly clock: Clock;
  readonly onError?: (error: unknown, context: string) => void;
  /** How long an Express execution may run before it ends TIMED_OUT (default 5 minutes, as AWS). */
  readonly expressMaxDurationMs?: number;
  /**
   * Step Functions Local's mocked integrations: a start naming `…:stateMachine:NAME#TEST_CASE`
   * runs that test case of the configuration, its answers kept in `executions` (whose resources
   * `resources` already are).
   */
  readonly mocks?: { readonly config?: MockConfig; readonly executions: MockedExecutions };
  /** Wait states and Retry back-off of Express executions take this times their time (default 1). */
  readonly timeScale?: number;
}

/** The role a machine runs under when none is given (AWS requires one; we only record it). */
export const defaultRoleArn = (accountId: string): string => `arn:aws:iam::${accountId}:role/StepwrightExecutionRole`;
