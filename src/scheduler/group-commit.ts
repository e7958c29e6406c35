import type { Store, WriteOp, WriteResult } from '../store/index.js';

export interface GroupCommitOptions {
  /** Most operations one transaction carries (1 = group commit off: one transaction, one fsync, per operation). */
  readonly maxBatch: number;
  /**
   * How long the first operation of a batch may wait for company. 0 = until the event loop has run
   * what is ready (setImmediate): under load batches fill by themselves, at low load nothing waits.
   */
  readonly maxDelayMs: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 512, maxDelayMs: 0 };
export const NO_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 1, maxDelayMs: 0 };

interface Pending {
  readonly op: WriteOp;
  readonly resolve: (r: WriteResult) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit: write operations from many executions queue here and share one store transaction
 * (one fsync), so durable throughput comes from batching rather than from weaker durability.
 * A failed transaction rejects every operation in it; none of its writes stay.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
  ) {}

  submit(op: WriteOp): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    // A flush still scheduled finds nothing left: waiting for it would spin on microtasks only
    // (the setImmediate that clears `scheduled` never gets its turn).
    while (this.queue.length > 0 || this.flushing !== undefined) {
      if (this.flushing !== undefined) await this.flushing;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing !== undefined) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      void this.flush();
    };
    if (this.options.maxDelayMs > 0) setTimeout(run, this.options.maxDelayMs);
    else setImmediate(run);
  }

  private flush(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        try {
          const results = await this.store.commit(batch.map((p) => p.op));
          for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }
}
