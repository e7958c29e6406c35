/**
 * A server-wide budget of request-body bytes held in memory at once. A CreateFunction body of
 * 70 MB costs about four times that while it is read, parsed and decoded, so without a budget eight
 * parallel uploads took 1.9 GB; with it, requests beyond the budget wait their turn (their sockets
 * are not read, so TCP holds the rest of the body back) and are refused only after `waitMs`.
 */
export class RequestBudget {
  private used = 0;
  private peak = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(
    /** Bytes that may be held at once. A single request larger than this still runs, alone. */
    readonly capacityBytes = DEFAULT_BUDGET_BYTES,
    /** How long a request waits for room before it is refused as throttled. */
    readonly waitMs = DEFAULT_WAIT_MS,
  ) {}

  /** The most bytes held at once so far (tests and benchmarks read it). */
  get peakBytes(): number {
    return this.peak;
  }

  get usedBytes(): number {
    return this.used;
  }

  /**
   * Resolves with a release function once `bytes` fit, or with undefined after `waitMs` (the caller
   * answers with its API's throttling error). Release is idempotent.
   */
  acquire(bytes: number): Promise<(() => void) | undefined> {
    const amount = Math.max(0, Math.ceil(bytes));
    if (this.fits(amount) && this.waiting.length === 0) return Promise.resolve(this.take(amount));
    return new Promise((resolve) => {
      const entry = {
        bytes: amount,
        grant: () => {
          clearTimeout(timer);
          resolve(this.take(amount));
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
        this.grantWaiting();
      }, this.waitMs);
      timer.unref();
      this.waiting.push(entry);
    });
  }

  /** An oversized request may run only when nothing else is held, so the bound is max(capacity, one request). */
  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.capacityBytes;
  }

  private take(bytes: number): () => void {
    this.used += bytes;
    this.peak = Math.max(this.peak, this.used);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.grantWaiting();
    };
  }

  /** First come, first served: a large request at the head is not overtaken by small ones forever. */
  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift() as { grant: () => void };
      next.grant();
    }
  }
}

/**
 * Room for one 70 MB code upload with small requests alongside: an upload costs about 375 MB of
 * memory while it is parsed, decoded and unpacked (bench/upload-memory.ts), so a second one waits.
 */
export const DEFAULT_BUDGET_BYTES = 96 * 1024 * 1024;
export const DEFAULT_WAIT_MS = 60_000;
