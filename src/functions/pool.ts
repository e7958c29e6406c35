/**
 * The warm workers of one function: one invocation at a time per worker, at most `maxWorkers`
 * processes (further invocations wait for a free worker), idle workers reaped after `idleMs`.
 */
import { Worker, type WorkerSpec } from './worker.js';

export interface PoolOptions {
  readonly maxWorkers: number;
  readonly idleMs: number;
}

export class FunctionPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly waiters: ((w: Worker) => void)[] = [];
  private reaper: NodeJS.Timeout | undefined;
  private retired = false;

  constructor(
    private readonly spec: () => WorkerSpec,
    private readonly options: PoolOptions,
  ) {}

  /** Number of worker processes alive (busy, idle or starting). */
  get size(): number {
    return this.workers.size;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /**
   * A worker for one invocation: a warm idle one (most recently used first, as Lambda reuses the
   * warmest environment), a new one while under the limit, or the next one released.
   */
  acquire(): Promise<Worker> {
    while (this.idle.length > 0) {
      const w = this.idle.pop()!;
      if (!w.dead) {
        w.busy = true;
        return Promise.resolve(w);
      }
      this.workers.delete(w);
    }
    if (this.workers.size < this.options.maxWorkers) {
      const w = new Worker(this.spec());
      w.busy = true;
      this.workers.add(w);
      return Promise.resolve(w);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives a worker back after an invocation (a dead one is dropped and its slot freed). */
  release(w: Worker): void {
    w.busy = false;
    w.lastUsed = Date.now();
    if (w.dead || this.retired) {
      w.kill();
      this.workers.delete(w);
      const next = this.waiters.shift();
      if (next !== undefined) {
        const fresh = new Worker(this.spec());
        fresh.busy = true;
        this.workers.add(fresh);
        next(fresh);
      }
      return;
    }
    const next = this.waiters.shift();
    if (next !== undefined) {
      w.busy = true;
      next(w);
      return;
    }
    this.idle.push(w);
    this.scheduleReaping();
  }

  private scheduleReaping(): void {
    if (this.reaper !== undefined) return;
    const period = Math.max(10, Math.min(this.options.idleMs, 1000));
    this.reaper = setInterval(() => this.reap(), period);
    this.reaper.unref();
  }

  /** Kills workers idle for longer than `idleMs`. */
  reap(now = Date.now()): void {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const w = this.idle[i];
      if (w.dead || now - w.lastUsed >= this.options.idleMs) {
        this.idle.splice(i, 1);
        this.workers.delete(w);
        w.kill();
      }
    }
    if (this.idle.length === 0 && this.reaper !== undefined) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }

  /** No new invocations; idle workers are killed now, busy ones when they are released. */
  retire(): void {
    this.retired = true;
    for (const w of this.idle.splice(0)) {
      this.workers.delete(w);
      w.kill();
    }
    if (this.reaper !== undefined) clearInterval(this.reaper);
    this.reaper = undefined;
  }

  /** Kills every worker, busy or not, and waits for the processes to end. */
  async close(): Promise<void> {
    this.retire();
    const all = [...this.workers];
    this.workers.clear();
    await Promise.all(all.map((w) => w.stop()));
  }
}
