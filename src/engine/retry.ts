import type { CompiledCatcher, CompiledRetrier } from './compile.js';

/**
 * States.Runtime can be neither retried nor caught. States.ALL matches every other error, including
 * States.DataLimitExceeded (recorded: error_handling/test_service_task_lambada_catch_state_all_data_limit_exceeded…).
 */
const UNCATCHABLE = 'States.Runtime';

/**
 * Does an ErrorEquals list match an error name, with AWS's wildcard rules? `alias` is a name the
 * error also answers to here (a heartbeat timeout is States.Timeout, and States.HeartbeatTimeout
 * in Catch and Retry only).
 */
export function errorMatches(errorEquals: readonly string[], error: string | undefined, alias?: string): boolean {
  if (error === UNCATCHABLE) return false;
  // A task failed with no error name (SendTaskFailure without one): only States.ALL matches it
  // (callback/test_callback.py::test_sqs_failure_in_wait_for_task_tok_no_error_field).
  if (error === undefined) return errorEquals.includes('States.ALL');
  for (const name of errorEquals) {
    if (name === error || (alias !== undefined && name === alias)) return true;
    if (name === 'States.ALL') return true;
    // States.TaskFailed is a wildcard for every error except States.Timeout.
    if (name === 'States.TaskFailed' && error !== 'States.Timeout' && error !== 'States.DataLimitExceeded') return true;
  }
  return false;
}

export function findRetrier(retriers: readonly CompiledRetrier[], error: string | undefined, alias?: string): number {
  return retriers.findIndex((r) => errorMatches(r.errorEquals, error, alias));
}

export function findCatcher(catchers: readonly CompiledCatcher[], error: string | undefined, alias?: string): CompiledCatcher | undefined {
  return catchers.find((c) => errorMatches(c.errorEquals, error, alias));
}

/**
 * Seconds to wait before retry number `attempt` (0-based): IntervalSeconds × BackoffRate^attempt,
 * capped by MaxDelaySeconds; with JitterStrategy FULL a uniform random fraction of that.
 */
export function retryDelaySeconds(r: CompiledRetrier, attempt: number, random: () => number): number {
  let delay = r.intervalSeconds * Math.pow(r.backoffRate, attempt);
  if (r.maxDelaySeconds !== undefined) delay = Math.min(delay, r.maxDelaySeconds);
  if (r.jitter === 'FULL') delay = random() * delay;
  return delay;
}
