/**
 * How long the scheduler waits before trying again while the store is in trouble (a full disk, a
 * database that is down): doubling with each retry that fails, up to a cap.
 *
 * A failure counts only once the wait it caused is over. One failed group commit fails every pass
 * in it, and an outage fails claims, reads and commits at once; counted one by one, a single
 * failed commit of 500 passes set the wait to its cap (30 s) and stalled the worker that long
 * after the store had recovered.
 */
export class StoreBackOff {
  private failures = 0;
  private countedAt = -Infinity;

  constructor(
    private readonly firstMs = 1000,
    private readonly maxMs = 30_000,
  ) {}

  /** The store failed at `now`: counts unless it falls within the wait of the last counted failure. */
  failed(now: number): void {
    if (this.failures > 0 && now - this.countedAt < this.delayMs()) return;
    this.failures++;
    this.countedAt = now;
  }

  /** The store works again: the next failure waits the first delay. */
  worked(): void {
    this.failures = 0;
    this.countedAt = -Infinity;
  }

  /** The wait before trying again: the first delay, doubled per counted failure after the first, capped. */
  delayMs(): number {
    return Math.min(this.firstMs * 2 ** Math.min(Math.max(this.failures - 1, 0), 20), this.maxMs);
  }
}
