import { randomUUID } from 'node:crypto';
import type { TaskProgress, TaskRequest, TaskResult } from '../engine/types.js';
// The one value the integrations take from the engine: a token for tasks stored before tokens
// came with their attempt must decode as the engine's do (SendTask* names their execution).
import { encodeTaskToken } from '../engine/task-token.js';

/** An activity task waiting for (or held by) a worker. */
interface ActivityTask {
  readonly token: string;
  /**
   * The token came with the attempt (made by the engine, kept in the store): the worker's answer
   * goes through the store like any task token's, and the token outlives a restart. Tasks stored
   * before tokens came with them get one made here, answered through this queue.
   */
  readonly durable: boolean;
  readonly activityArn: string;
  readonly input: string;
  readonly request: TaskRequest;
  readonly idempotencyKey?: string;
  /** Told when a worker takes the task (ActivityStarted); a dispatch repeated after a restart brings its own. */
  progress?: TaskProgress;
  resolve(result: TaskResult): void;
}

/**
 * Where "a task of activity X is available" travels: the store's signals (src/store/signals.ts),
 * so that a GetActivityTask long poll hears of tasks wherever the store raises them. Until one is
 * connected, the queue's own in-process signals.
 */
export interface ActivitySignals {
  on(kind: 'activityTaskAvailable', activityArn: string, listener: () => void): () => void;
  publish(kind: 'activityTaskAvailable', activityArn: string): void;
}

/** Signals within this process only (a queue no store is connected to). */
class LocalSignals implements ActivitySignals {
  private readonly listeners = new Map<string, Set<() => void>>();

  on(_kind: 'activityTaskAvailable', activityArn: string, listener: () => void): () => void {
    let set = this.listeners.get(activityArn);
    if (set === undefined) this.listeners.set(activityArn, (set = new Set()));
    set.add(listener);
    const list = set;
    return () => {
      list.delete(listener);
      if (list.size === 0 && this.listeners.get(activityArn) === list) this.listeners.delete(activityArn);
    };
  }

  publish(_kind: 'activityTaskAvailable', activityArn: string): void {
    for (const l of [...(this.listeners.get(activityArn) ?? [])]) l();
  }
}

/**
 * Activities: Task states whose resource is an activity ARN put their input here; workers take it
 * with GetActivityTask (long poll) and answer with SendTaskSuccess/Failure/Heartbeat and the token
 * they got. The queue is in memory; the tasks and their tokens are in the store: after a restart
 * the scheduler dispatches unanswered tasks again with the same tokens, so a worker that took one
 * before can still answer it, and another may be handed it again (at least once, as AWS's are).
 */
export class ActivityQueue {
  private readonly waiting = new Map<string, ActivityTask[]>();
  private signals: ActivitySignals = new LocalSignals();
  private readonly byToken = new Map<string, ActivityTask>();
  private readonly byKey = new Map<string, ActivityTask>();
  /** Activities deleted while the server runs (and not created again): their tasks fail at once. */
  private readonly deleted = new Set<string>();

  /** Announces and hears of available tasks through `signals` (the store's) from now on. */
  connectSignals(signals: ActivitySignals): void {
    this.signals = signals;
  }

  /** Queues the task and resolves with the worker's answer. */
  dispatch(request: TaskRequest & { readonly idempotencyKey?: string }, progress?: TaskProgress): Promise<TaskResult> {
    const existing = request.idempotencyKey === undefined ? undefined : this.byKey.get(request.idempotencyKey);
    if (existing !== undefined) return new Promise((resolve) => {
      if (progress !== undefined) existing.progress = progress;
      const previous = existing.resolve;
      existing.resolve = (r) => {
        previous(r);
        resolve(r);
      };
    });
    return new Promise((resolve) => {
      const task: ActivityTask = {
        token: request.taskToken ?? encodeTaskToken(request.executionArn, randomUUID()),
        durable: request.taskToken !== undefined,
        activityArn: request.resource,
        input: JSON.stringify(request.parameters),
        request,
        idempotencyKey: request.idempotencyKey,
        progress,
        resolve,
      };
      this.byToken.set(task.token, task);
      if (task.idempotencyKey !== undefined) this.byKey.set(task.idempotencyKey, task);
      this.waiting.set(task.activityArn, [...(this.waiting.get(task.activityArn) ?? []), task]);
      // The long polls waiting for this activity hear of it; the first to look takes it.
      this.signals.publish('activityTaskAvailable', task.activityArn);
    });
  }

  /**
   * GetActivityTask: the next task of the activity, waiting up to `waitMs` (AWS: 60 s). The task's
   * dispatcher is told that `workerName` took it.
   */
  poll(activityArn: string, waitMs: number, signal?: AbortSignal, workerName?: string): Promise<{ taskToken: string; input: string } | undefined> {
    const take = (t: ActivityTask): { taskToken: string; input: string } => {
      t.progress?.started?.(workerName);
      return { taskToken: t.token, input: t.input };
    };
    const queued = this.waiting.get(activityArn)?.shift();
    if (queued !== undefined) return Promise.resolve(take(queued));
    return new Promise((resolve) => {
      let settled = false;
      const done = (value: { taskToken: string; input: string } | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        off();
        resolve(value);
      };
      // A signal says "look again": another poll may have taken the task first.
      const look = (): void => {
        const task = settled ? undefined : this.waiting.get(activityArn)?.shift();
        if (task !== undefined) done(take(task));
      };
      const abort = (): void => done(undefined);
      const off = this.signals.on('activityTaskAvailable', activityArn, look);
      const timer = setTimeout(() => done(undefined), waitMs);
      signal?.addEventListener('abort', abort);
    });
  }

  /** The task a token was handed out for, while it is unanswered (`durable`: see ActivityTask). */
  taskOf(token: string): { request: TaskRequest; idempotencyKey?: string; durable: boolean } | undefined {
    return this.byToken.get(token);
  }

  /** Answers a task whose token this queue made; false for any other token (the store answers those). */
  complete(token: string, result: TaskResult): boolean {
    const task = this.byToken.get(token);
    if (task === undefined || task.durable) return false;
    this.remove(task);
    task.resolve(result);
    return true;
  }

  /**
   * A durable task was answered through the store (or is over): no worker gets it any more, and
   * its dispatch ends with nothing left to deliver.
   */
  forget(token: string): void {
    const task = this.byToken.get(token);
    if (task === undefined) return;
    this.remove(task);
    const queued = this.waiting.get(task.activityArn);
    const i = queued?.indexOf(task) ?? -1;
    if (i >= 0) queued!.splice(i, 1);
    task.resolve({ ok: true, output: null });
  }

  private remove(task: ActivityTask): void {
    this.byToken.delete(task.token);
    if (task.idempotencyKey !== undefined) this.byKey.delete(task.idempotencyKey);
  }

  /**
   * Forgets the tasks of an activity that was deleted (their executions wait for their timeouts);
   * tasks scheduled on it from now on fail at once (see `activityExists`).
   */
  dropActivity(activityArn: string): void {
    this.waiting.delete(activityArn);
    this.deleted.add(activityArn);
  }

  /** CreateActivity: an activity deleted before exists again. */
  addActivity(activityArn: string): void {
    this.deleted.delete(activityArn);
  }

  /** False for an activity deleted while the server runs; the engine fails a task on it at once, as AWS does. */
  activityExists(activityArn: string): boolean {
    return !this.deleted.has(activityArn);
  }
}
