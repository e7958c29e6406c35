/**
 * `--time-scale N` (env WAIT_TIME_SCALE): Wait states and Retry back-off take N times their time,
 * so tests need not sit through them (0: no real time at all). Only those two kinds of timer are
 * scaled: TimeoutSeconds, HeartbeatSeconds and the execution's timeout keep their real length, so
 * a Task that runs for real is not timed out early. The clock is not touched either: history
 * timestamps are the times things happened, so a scaled Wait shows the time it really took.
 */

/** The engine's keys of the timers a Wait state (`wait:…`) and a Retry back-off (`retry:…`) set. */
const SCALED_TIMER = /^(?:wait|retry):/;

/** When a timer the engine asked for at `dueAt` (at time `now`) falls due with this scale. */
export function scaledDueAt(key: string, dueAt: number, now: number, scale: number): number {
  if (scale === 1 || !SCALED_TIMER.test(key) || dueAt <= now) return dueAt;
  return now + Math.round((dueAt - now) * scale);
}

/** A valid time scale from flag or environment text: a finite number from 0 up. */
export function parseTimeScale(text: string, source = '--time-scale'): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(
      `${source} must be a number from 0 up (0: Wait states and Retry back-off take no real time), not '${text}'`,
    );
  return value;
}
