import type { ExecutionStatus } from '../../engine/index.js';

// Which statuses let what happen, for every store alike.

/** Only a RUNNING execution takes inbox events (results, stop requests); anything for another is dropped. */
export function acceptsEvents(status: string): boolean {
  return status === 'RUNNING';
}

/** An execution whose snapshot says RUNNING has not finished; any other status is final until a redrive. */
export function isFinished(status: ExecutionStatus): boolean {
  return status !== 'RUNNING';
}

const REDRIVABLE: ReadonlySet<string> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * RedriveExecution takes a FAILED, TIMED_OUT or ABORTED execution whose snapshot was kept; anything
 * else (running, succeeded, no snapshot kept) is refused, so two redrives cannot both win.
 */
export function isRedrivable(status: string, snapshotKept: boolean): boolean {
  return REDRIVABLE.has(status) && snapshotKept;
}
