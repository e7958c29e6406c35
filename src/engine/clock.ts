import type { Clock } from './types.js';

/** setTimeout takes at most 2^31-1 ms; longer waits sleep in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(epochMs, signal) {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      let timer: NodeJS.Timeout;
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const arm = (): void => {
        const left = epochMs - Date.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          return resolve();
        }
        timer = setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};

/**
 * A clock that jumps to each requested time instead of waiting, so Wait states, retries and
 * timeouts cost nothing in tests. Work already in flight gets one event-loop turn to finish first.
 */
export function virtualClock(startMs = Date.UTC(2026, 0, 1)): Clock {
  let t = startMs;
  return {
    now: () => t,
    sleepUntil(epochMs, signal) {
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          if (!signal?.aborted) t = Math.max(t, epochMs);
          resolve();
        }),
      );
    },
  };
}
