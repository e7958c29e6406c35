import type { TaskRequest } from './types.js';

/** The key of a task attempt's TimeoutSeconds timer: a store may cancel it when the attempt ends. */
export const taskTimeoutKey = (attempt: number): string => `timeout:${attempt}`;

/** Requests from the engine to the outside world; the caller answers with engine events. */
export type Effect =
  | { readonly type: 'invokeTask'; readonly frameId: string; readonly attempt: number; readonly request: TaskRequest }
  | { readonly type: 'startTimer'; readonly frameId: string; readonly key: string; readonly dueAt: number }
  | { readonly type: 'executionCompleted' }
  /** The advance ran its budget of transitions; send `continue` to go on (lets a caller stop runaway loops). */
  | { readonly type: 'yield' };

/** What happened to an execution: the input of `advance`. */
export type EngineEvent =
  | { readonly type: 'start' }
  | { readonly type: 'continue' }
  | { readonly type: 'taskStarted'; readonly frameId: string; readonly attempt: number }
  /** A worker took the activity task with GetActivityTask (ActivityStarted, with its workerName). */
  | { readonly type: 'activityStarted'; readonly frameId: string; readonly attempt: number; readonly workerName?: string }
  | { readonly type: 'taskSucceeded'; readonly frameId: string; readonly attempt: number; readonly output: import('../language/json.js').Json }
  | { readonly type: 'taskFailed'; readonly frameId: string; readonly attempt: number; readonly error?: string; readonly cause?: string }
  | { readonly type: 'taskTimedOut'; readonly frameId: string; readonly attempt: number }
  /** A `.sync` integration submitted its job (TaskSubmitted); its result comes later. */
  | { readonly type: 'taskSubmitted'; readonly frameId: string; readonly attempt: number; readonly output: import('../language/json.js').Json }
  /** SendTaskHeartbeat: restarts the HeartbeatSeconds clock of the attempt. */
  | { readonly type: 'taskHeartbeat'; readonly frameId: string; readonly attempt: number }
  | { readonly type: 'timerFired'; readonly frameId: string; readonly key: string }
  | { readonly type: 'stop'; readonly error?: string; readonly cause?: string }
  /** The scheduler gives up on an execution it cannot advance (a poison pill): it ends FAILED. */
  | { readonly type: 'fail'; readonly error: string; readonly cause: string }
  /** UpdateMapRun: new limits for a distributed Map's run in progress. */
  | {
      readonly type: 'updateMapRun';
      readonly mapRunArn: string;
      readonly maxConcurrency?: number;
      readonly toleratedFailureCount?: number;
      readonly toleratedFailurePercentage?: number;
    }
  /** RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution continues from the state that did not succeed. */
  | { readonly type: 'redrive' };
