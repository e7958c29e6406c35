import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { enableLinearRegexFallback } from '../linear-regex.js';
import { SANDBOX_WORKER_SOURCE } from './sandbox-worker-source.js';

/**
 * Runs JSONata evaluations in sandbox processes, where they can be stopped. An expression can take
 * unbounded time or memory (`$pad("x", 500000000)`, `$map([1..1e7], …)`, a backtracking regex in
 * `$match`): in the server it blocks the event loop or kills the process with a V8 fatal error.
 * Here a process gets a heap bound (`--max-old-space-size`) and a hard time limit (it is killed,
 * which stops even a regex, that jsonata's own timeout cannot). A stopped process is replaced; the
 * evaluations queued behind it go on.
 *
 * Processes, not worker threads: a worker's `resourceLimits` do not hold against one large
 * allocation. `[1..1e7].[1..1e7]` or `$a & $a & $a & $a & $a` over a 100 MB string end a 256 MB
 * worker with "FATAL ERROR: Reached heap limit", which takes the whole process down (measured,
 * Node 20). An IPC round trip costs more than a thread's, which is why bounded expressions stay on
 * the fast path in-process.
 *
 * This module is the one place src/language starts processes: it is a bounded executor, and what
 * an evaluation answers depends only on the expression and its bindings.
 */

/** The sources an evaluation reads on the main thread ($random(), $uuid(), $millis(), $now()). */
export interface EvaluationServices {
  readonly random: () => number;
  readonly uuid: () => string;
  /** Epoch milliseconds; the machine clock when absent. */
  readonly now?: () => number;
}

export interface SandboxRequest {
  readonly text: string;
  /** jsonata's own timeout (its D1012 error, checked between steps). */
  readonly timeoutMs: number;
  readonly maxDepth: number;
  /** `$states` and the workflow variables the expression names. */
  readonly bindings: Readonly<Record<string, unknown>>;
}

export type SandboxOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'unsupported' }
  | { readonly kind: 'error'; readonly code?: string; readonly message: string; readonly range: boolean }
  /** The result is larger than SandboxOptions.maxResultChars. */
  | { readonly kind: 'tooLarge' }
  /** The worker ran past its hard time limit and was terminated. */
  | { readonly kind: 'timeout' }
  /** The worker ran out of its heap (or died otherwise) and was replaced. */
  | { readonly kind: 'memory' };

export interface SandboxOptions {
  readonly workers: number;
  /** Heap of one sandbox process (old generation). */
  readonly maxOldGenerationSizeMb: number;
  /** Added to the request's timeoutMs: jsonata's timeout answers first when it can. */
  readonly hardLimitGraceMs: number;
  /**
   * Bound of a result, in characters. AWS's state data limit is 256 KiB and the engine reports
   * States.DataLimitExceeded past it; this bound only keeps a runaway result (a 500 MB string) from
   * being copied to the main thread.
   */
  readonly maxResultChars: number;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  workers: Math.max(2, Math.min(4, availableParallelism())),
  maxOldGenerationSizeMb: 256,
  hardLimitGraceMs: 1000,
  maxResultChars: 8 * 1024 * 1024,
};

interface Job {
  readonly id: number;
  readonly request: SandboxRequest;
  readonly services: EvaluationServices;
  readonly resolve: (outcome: SandboxOutcome) => void;
}

interface Slot {
  worker: ChildProcess;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class JsonataSandbox {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private readonly jsonataPath: string;
  private closed = false;

  constructor(private readonly options: SandboxOptions = DEFAULT_SANDBOX_OPTIONS) {
    this.jsonataPath = createRequire(import.meta.url).resolve('jsonata');
    enableLinearRegexFallback();
  }

  evaluate(request: SandboxRequest, services: EvaluationServices): Promise<SandboxOutcome> {
    if (this.closed) return Promise.reject(new Error('The JSONata sandbox is closed'));
    return new Promise((resolve) => {
      this.queue.push({ id: ++this.nextId, request, services, resolve });
      this.pump();
    });
  }

  /** Stops every sandbox process; queued and running evaluations are refused. For tests and shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ kind: 'error', message: 'The JSONata sandbox is closed', range: false });
    for (const slot of this.slots.splice(0)) slot.worker.kill('SIGKILL');
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (slot === undefined) {
        if (this.slots.length >= this.options.workers) return;
        slot = this.spawn();
      }
      this.run(slot, this.queue.shift() as Job);
    }
  }

  private spawn(): Slot {
    const env = { ...process.env };
    // The server's own loaders (tsx, a debugger) have no business in the sandbox.
    delete env.NODE_OPTIONS;
    const worker = spawn(
      process.execPath,
      [
        `--max-old-space-size=${this.options.maxOldGenerationSizeMb}`,
        '--enable-experimental-regexp-engine-on-excessive-backtracks',
        '-e',
        SANDBOX_WORKER_SOURCE,
        this.jsonataPath,
      ],
      // Its output (a V8 fatal error report) is not the execution's and must not reach the server's.
      { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced', env },
    );
    const slot: Slot = { worker, job: undefined, timer: undefined };
    this.idle(slot);
    worker.on('message', (m: WorkerMessage) => this.receive(slot, m));
    // Out of memory (a V8 fatal error), killed, or any other death: the job fails, the slot goes.
    worker.on('error', () => this.retire(slot, { kind: 'memory' }));
    worker.on('exit', () => this.retire(slot, { kind: 'memory' }));
    this.slots.push(slot);
    return slot;
  }

  /** An idle sandbox does not keep the server's event loop alive; a busy one does. */
  private idle(slot: Slot): void {
    slot.worker.unref();
    (slot.worker.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  private busy(slot: Slot): void {
    slot.worker.ref();
    (slot.worker.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    this.busy(slot);
    slot.timer = setTimeout(() => {
      this.retire(slot, { kind: 'timeout' });
    }, job.request.timeoutMs + this.options.hardLimitGraceMs);
    slot.worker.send({
      type: 'evaluate',
      id: job.id,
      text: job.request.text,
      timeoutMs: job.request.timeoutMs,
      maxDepth: job.request.maxDepth,
      maxResultChars: this.options.maxResultChars,
      bindings: job.request.bindings,
    });
  }

  private receive(slot: Slot, m: WorkerMessage): void {
    const job = slot.job;
    if (job === undefined || m.id !== job.id) return;
    if (m.type === 'service') {
      const s = job.services;
      let value: number | string;
      try {
        value = m.name === 'random' ? s.random() : m.name === 'uuid' ? s.uuid() : s.now ? s.now() : Date.now();
      } catch (e) {
        this.retire(slot, { kind: 'error', message: e instanceof Error ? e.message : String(e), range: false });
        return;
      }
      slot.worker.send({ type: 'service', seq: m.seq, value });
      return;
    }
    this.finish(slot);
    this.idle(slot);
    job.resolve(m.outcome);
    this.pump();
  }

  private finish(slot: Slot): Job | undefined {
    const job = slot.job;
    slot.job = undefined;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    return job;
  }

  /** Ends a worker (past its time, out of memory, or dead) and fails its job; a new one spawns on demand. */
  private retire(slot: Slot, outcome: SandboxOutcome): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const job = this.finish(slot);
    slot.worker.kill('SIGKILL');
    job?.resolve(outcome);
    if (!this.closed) this.pump();
  }
}

type WorkerMessage =
  | { readonly type: 'service'; readonly id: number; readonly seq: number; readonly name: 'random' | 'uuid' | 'now' }
  | { readonly type: 'done'; readonly id: number; readonly outcome: SandboxOutcome };

let shared: JsonataSandbox | undefined;

/** The process's sandbox, started on first use. */
export function sharedSandbox(): JsonataSandbox {
  shared ??= new JsonataSandbox();
  return shared;
}
