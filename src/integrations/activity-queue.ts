import type { TaskRequest, TaskResult } from '../engine/types.js';

/**
 * Where activity tasks wait: the store's activity-task role (src/store/activity-tasks.ts), so that
 * any process sharing the store hands out any task, and its signals, so that a long poll hears of
 * a task queued by another process.
 */
export interface ActivityTasksPort {
  enqueueActivityTask(task: {
    readonly token: string;
    readonly activityArn: string;
    readonly stateName: string;
    readonly input: string;
    readonly scheduledAt: number;
  }): Promise<'queued' | 'exists' | 'over'>;
  takeActivityTask(activityArn: string, workerName: string | undefined, now: number): Promise<{ taskToken: string; input: string } | undefined>;
  readonly signals: {
    on(kind: 'activityTaskAvailable' | 'activityDeleted' | 'activityCreated', activityArn: string | undefined, listener: (activityArn: string) => void): () => void;
  };
}

/**
 * A poll looks again this often without a signal: a signal lost while a listener reconnects to
 * PostgreSQL costs a waiting worker at most this long.
 */
const LOOK_AGAIN_MS = 1000;

/** Queuing a task the store refused is tried again after this, doubling up to the maximum. */
const RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

const notStored: TaskResult = {
  ok: false,
  error: 'States.Runtime',
  cause: 'Activity tasks run only in Standard executions kept in the store.',
};

/**
 * Activities: Task states whose resource is an activity ARN queue their input in the store;
 * workers take it with GetActivityTask (long poll) and answer with SendTaskSuccess/Failure/Heartbeat
 * and the task token they got, through the store like any task token's. The dispatch ends once the
 * task is queued: the result comes with the token, and the task outlives the process that queued it.
 */
export class ActivityQueue {
  private tasks: ActivityTasksPort | undefined;
  /** Activities deleted while this process runs, here or in a process sharing the store (and not created again): their tasks fail at once. */
  private readonly deleted = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The store the tasks wait in; its signals say which activities any process deleted or created. */
  connect(tasks: ActivityTasksPort): void {
    this.tasks = tasks;
    tasks.signals.on('activityDeleted', undefined, (arn) => this.dropActivity(arn));
    tasks.signals.on('activityCreated', undefined, (arn) => this.addActivity(arn));
  }

  /** Queues the attempt's task (once, however often it is dispatched); its result comes with the token. */
  async dispatch(request: TaskRequest & { readonly idempotencyKey?: string }): Promise<TaskResult> {
    const token = request.taskToken;
    // Tokens come with the attempts of stored executions; in-memory runs (TestState) have no store.
    if (this.tasks === undefined || token === undefined || request.idempotencyKey === undefined) return notStored;
    const task = { token, activityArn: request.resource, stateName: request.stateName, input: JSON.stringify(request.parameters), scheduledAt: this.now() };
    // The store's trouble (the database down) is not the task's: queue it once the store writes again.
    for (let delayMs = RETRY_MS; ; delayMs = Math.min(delayMs * 2, MAX_RETRY_MS)) {
      try {
        await this.tasks.enqueueActivityTask(task);
        return { ok: true, output: null };
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      }
    }
  }

  /**
   * GetActivityTask: the oldest task of the activity, waiting up to `waitMs` (AWS: 60 s) for one.
   * Taking it records ActivityStarted with `workerName`.
   */
  async poll(activityArn: string, waitMs: number, signal?: AbortSignal, workerName?: string): Promise<{ taskToken: string; input: string } | undefined> {
    const tasks = this.tasks;
    if (tasks === undefined) return undefined;
    const deadline = this.now() + waitMs;
    let heard: boolean;
    let wake: (() => void) | undefined;
    // Listening before looking: a task queued between a look and the wait is heard.
    const off = tasks.signals.on('activityTaskAvailable', activityArn, () => {
      heard = true;
      wake?.();
    });
    const abort = (): void => wake?.();
    const isAborted = (): boolean => signal?.aborted === true;
    signal?.addEventListener('abort', abort);
    try {
      for (;;) {
        // A worker that went away gets nothing: a task taken for it would wait for its timeout.
        if (isAborted()) return undefined;
        heard = false;
        const task = await tasks.takeActivityTask(activityArn, workerName, this.now());
        if (task !== undefined) return { taskToken: task.taskToken, input: task.input };
        const left = deadline - this.now();
        if (left <= 0 || isAborted()) return undefined;
        if (heard) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, LOOK_AGAIN_MS));
          function done(): void {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      }
    } finally {
      off();
      signal?.removeEventListener('abort', abort);
    }
  }

  /** DeleteActivity: tasks scheduled on it from now on fail at once (see `activityExists`). */
  dropActivity(activityArn: string): void {
    this.deleted.add(activityArn);
  }

  /** CreateActivity: an activity deleted before exists again. */
  addActivity(activityArn: string): void {
    this.deleted.delete(activityArn);
  }

  /** False for an activity deleted while this process runs (heard through the store's signals); the engine fails a task on it at once, as AWS does. */
  activityExists(activityArn: string): boolean {
    return !this.deleted.has(activityArn);
  }
}
