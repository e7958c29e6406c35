import type { ActivityTaskRecord, NewActivityTask, TakenActivityTask } from '../activity-tasks.js';
import { toActivityTask, type ActivityTaskRow } from '../rows.js';
import { activityStartedEvent } from '../rules/events.js';
import { acceptsEvents } from '../rules/status.js';
import type { SqliteContext } from './statements.js';

// The activity-task role on SQLite: one process owns the file, so a take is one transaction that
// nothing else interleaves with.

export function enqueueActivityTask({ s }: SqliteContext, task: NewActivityTask): 'queued' | 'exists' | 'over' {
  if (s.enqueueActivityTask.run(task.activityArn, task.stateName, task.input, task.scheduledAt, task.token).changes > 0) return 'queued';
  return s.activityTaskExists.get(task.token) !== undefined ? 'exists' : 'over';
}

/** Takes the oldest waiting task and queues its ActivityStarted; answers it with the execution to signal. */
export function takeActivityTask({ db, s }: SqliteContext, activityArn: string, workerName: string | undefined, now: number): TakenActivityTask | undefined {
  return db.transaction(() => {
    const next = s.nextActivityTask.get(activityArn) as
      | { seq: number; token: string; input: string; execution_id: number; frame_id: string; attempt: number }
      | undefined;
    if (next === undefined) return undefined;
    s.takeActivityTask.run(now, workerName ?? null, next.seq);
    const e = s.statusById.get(next.execution_id) as { arn: string; status: string };
    if (acceptsEvents(e.status)) s.insertInbox.run(next.execution_id, JSON.stringify(activityStartedEvent({ frameId: next.frame_id, attempt: next.attempt }, workerName)));
    return { taskToken: next.token, input: next.input, executionArn: e.arn };
  })();
}

export function listActivityTasks(ctx: SqliteContext, executionArn: string): ActivityTaskRecord[] {
  const id = ctx.idOf(executionArn);
  if (id === undefined) return [];
  return (ctx.s.activityTasksOf.all(id) as ActivityTaskRow[]).map((r) => toActivityTask(r, executionArn));
}

export function deleteActivityTasks({ s }: SqliteContext, activityArn: string): void {
  s.deleteActivityTasks.run(activityArn);
}
