/**
 * AWS's quotas that the engine enforces, with AWS's words where AWS has them
 * (docs/reliability.md, "Limits as AWS", lists each one and the test that shows it).
 */

/**
 * Standard executions: the history holds at most 25,000 events. Event number 25,000 may only be
 * ExecutionSucceeded; anything else is replaced by ExecutionFailed with States.Runtime and
 * HISTORY_LIMIT_CAUSE (AWS, "Avoid reaching the history quota"). Map iterations and Parallel
 * branches count in their execution's history; distributed Map iterations (child executions on
 * AWS) do not. Express executions keep no history and have no such limit.
 */
export const MAX_HISTORY_EVENTS = 25_000;

export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;

/** Express executions: at most 5 minutes, then TIMED_OUT with States.Timeout (AWS, "Quotas for Express Workflows"). */
export const EXPRESS_MAX_DURATION_MS = 5 * 60 * 1000;
