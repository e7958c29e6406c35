import type { EngineEvent } from '../../engine/index.js';
import type { WriteOp } from '../work.js';

// The engine events that writes imply, built once for every store (stored as JSON text).

/** The first inbox event of every execution (createExecution). */
export const START_EVENT: EngineEvent = { type: 'start' };
export const START_EVENT_TEXT = JSON.stringify(START_EVENT);

/** The inbox event RedriveExecution adds: it makes the kept snapshot run again. */
export const REDRIVE_EVENT: EngineEvent = { type: 'redrive' };
export const REDRIVE_EVENT_TEXT = JSON.stringify(REDRIVE_EVENT);

/** SendTaskSuccess/Failure as the event of the attempt that waits on the token. */
export function taskTokenEvent(
  attempt: { readonly frameId: string; readonly attempt: number },
  result: Extract<WriteOp, { kind: 'completeTaskToken' }>['result'],
): EngineEvent {
  return result.ok
    ? { type: 'taskSucceeded', frameId: attempt.frameId, attempt: attempt.attempt, output: result.output }
    : { type: 'taskFailed', frameId: attempt.frameId, attempt: attempt.attempt, error: result.error, cause: result.cause };
}

/** GetActivityTask took the attempt's task: ActivityStarted, with the worker's name when it gave one. */
export function activityStartedEvent(attempt: { readonly frameId: string; readonly attempt: number }, workerName: string | undefined): EngineEvent {
  return { type: 'activityStarted', frameId: attempt.frameId, attempt: attempt.attempt, ...(workerName !== undefined ? { workerName } : {}) };
}
