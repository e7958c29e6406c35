import type { TaskProgress, TaskRequest, TaskResult } from '../engine/types.js';
import { ActivityQueue } from './activity-queue.js';

/** An activity task of a running execution, as the console lists it. */
export interface ActivityWaiting {
  readonly kind: 'activity';
  readonly stateName: string;
  readonly activityArn: string;
  /** The input the worker gets (GetActivityTask's `input`). */
  readonly input: string;
  /** Epoch ms when the task was scheduled. */
  readonly scheduledAt: number;
  /**
   * Set once a worker took the task with GetActivityTask. As on AWS, the token is handed out to the
   * worker only: until then nobody outside the queue holds it, so the console cannot answer it.
   */
  readonly taskToken?: string;
}

interface Watched {
  readonly request: TaskRequest;
  readonly scheduledAt: number;
  taskToken?: string;
}

/**
 * The server's activity queue, watched for the console: which tasks of an execution wait for a
 * worker, and the token of those a worker took (a person may then answer in its place). Only the
 * queue's public operations are used; the queue itself stays the one workers poll.
 */
export class WatchedActivityQueue extends ActivityQueue {
  private readonly open = new Map<TaskRequest, Watched>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  override dispatch(request: TaskRequest & { readonly idempotencyKey?: string }, progress?: TaskProgress): Promise<TaskResult> {
    const entry: Watched = { request, scheduledAt: this.now() };
    // A re-dispatch with the same idempotency key joins the first task: keep one entry.
    const duplicate = request.idempotencyKey !== undefined && [...this.open.keys()].some((r) => (r as { idempotencyKey?: string }).idempotencyKey === request.idempotencyKey);
    if (!duplicate) this.open.set(request, entry);
    const done = super.dispatch(request, progress);
    const forget = (): void => void this.open.delete(request);
    done.then(forget, forget);
    return done;
  }

  override async poll(activityArn: string, waitMs: number, signal?: AbortSignal, workerName?: string): Promise<{ taskToken: string; input: string } | undefined> {
    const task = await super.poll(activityArn, waitMs, signal, workerName);
    if (task !== undefined) {
      const owner = this.taskOf(task.taskToken);
      const entry = owner === undefined ? undefined : this.open.get(owner.request);
      if (entry !== undefined) entry.taskToken = task.taskToken;
    }
    return task;
  }

  /** The unanswered activity tasks of an execution, oldest first. */
  tasksOf(executionArn: string): ActivityWaiting[] {
    const out: ActivityWaiting[] = [];
    for (const e of this.open.values()) {
      if (e.request.executionArn !== executionArn) continue;
      out.push({
        kind: 'activity',
        stateName: e.request.stateName,
        activityArn: e.request.resource,
        input: JSON.stringify(e.request.parameters),
        scheduledAt: e.scheduledAt,
        ...(e.taskToken !== undefined ? { taskToken: e.taskToken } : {}),
      });
    }
    return out;
  }
}
