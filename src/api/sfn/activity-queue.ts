import { randomUUID } from 'node:crypto';
import type { TaskRequest, TaskResult } from '../../engine/index.js';
import { encodeTaskToken } from '../../engine/index.js';

/** An activity task waiting for (or held by) a worker. */
interface ActivityTask {
  readonly token: string;
  readonly activityArn: string;
  readonly input: string;
  readonly request: TaskRequest;
  readonly idempotencyKey?: string;
  resolve(result: TaskResult): void;
}

interface Poller {
  deliver(task: ActivityTask): void;
}

const ACTIVITY = /^arn:aws[a-z-]*:states:[^:]+:\d{12}:activity:[^:]+$/;

export const isActivityResource = (resource: string): boolean => ACTIVITY.test(resource);

/**
 * Activities: Task states whose resource is an activity ARN put their input here; workers take it
 * with GetActivityTask (long poll) and answer with SendTaskSuccess/Failure/Heartbeat and the token
 * they got. Held in memory: after a restart the scheduler dispatches unanswered tasks again, so a
 * worker may see a task twice (at least once, as AWS activities are).
 */
export class ActivityQueue {
  private readonly waiting = new Map<string, ActivityTask[]>();
  private readonly pollers = new Map<string, Poller[]>();
  private readonly byToken = new Map<string, ActivityTask>();
  private readonly byKey = new Map<string, ActivityTask>();

  /** Queues the task and resolves with the worker's answer. */
  dispatch(request: TaskRequest & { readonly idempotencyKey?: string }): Promise<TaskResult> {
    const existing = request.idempotencyKey === undefined ? undefined : this.byKey.get(request.idempotencyKey);
    if (existing !== undefined) return new Promise((resolve) => {
      const previous = existing.resolve;
      existing.resolve = (r) => {
        previous(r);
        resolve(r);
      };
    });
    return new Promise((resolve) => {
      const task: ActivityTask = {
        token: encodeTaskToken(request.executionArn, randomUUID()),
        activityArn: request.resource,
        input: JSON.stringify(request.parameters),
        request,
        idempotencyKey: request.idempotencyKey,
        resolve,
      };
      this.byToken.set(task.token, task);
      if (task.idempotencyKey !== undefined) this.byKey.set(task.idempotencyKey, task);
      const poller = this.pollers.get(task.activityArn)?.shift();
      if (poller !== undefined) poller.deliver(task);
      else this.waiting.set(task.activityArn, [...(this.waiting.get(task.activityArn) ?? []), task]);
    });
  }

  /** GetActivityTask: the next task of the activity, waiting up to `waitMs` (AWS: 60 s). */
  poll(activityArn: string, waitMs: number, signal?: AbortSignal): Promise<{ taskToken: string; input: string } | undefined> {
    const queued = this.waiting.get(activityArn)?.shift();
    if (queued !== undefined) return Promise.resolve({ taskToken: queued.token, input: queued.input });
    return new Promise((resolve) => {
      const list = this.pollers.get(activityArn) ?? [];
      const done = (value: { taskToken: string; input: string } | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        const i = list.indexOf(poller);
        if (i >= 0) list.splice(i, 1);
        resolve(value);
      };
      const poller: Poller = { deliver: (t) => done({ taskToken: t.token, input: t.input }) };
      const abort = (): void => done(undefined);
      const timer = setTimeout(() => done(undefined), waitMs);
      signal?.addEventListener('abort', abort);
      list.push(poller);
      this.pollers.set(activityArn, list);
    });
  }

  /** The task a token was handed out for, while it is unanswered. */
  taskOf(token: string): { request: TaskRequest; idempotencyKey?: string } | undefined {
    return this.byToken.get(token);
  }

  /** Answers a task; false when the token is not one of ours (or was answered already). */
  complete(token: string, result: TaskResult): boolean {
    const task = this.byToken.get(token);
    if (task === undefined) return false;
    this.byToken.delete(token);
    if (task.idempotencyKey !== undefined) this.byKey.delete(task.idempotencyKey);
    task.resolve(result);
    return true;
  }

  /** Forgets the tasks of an activity that was deleted (their executions wait for their timeouts). */
  dropActivity(activityArn: string): void {
    this.waiting.delete(activityArn);
  }
}
