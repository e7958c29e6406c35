import type { ActivityTaskRecord, NewActivityTask, TakenActivityTask } from '../activity-tasks.js';
import { toActivityTask, type ActivityTaskRow } from '../rows.js';
import { activityStartedEvent } from '../rules/events.js';
import { acceptsEvents } from '../rules/status.js';
import type { PgContext } from './statements.js';

// The activity-task role on PostgreSQL: any server takes any task; takers racing for one task
// queue on it, and the loser looks again.

/** Takers that lost the race for the oldest task look again this often before answering none. */
const TAKE_TRIES = 8;
/** A token deleted between the insert's read of it and its foreign-key check. */
const FOREIGN_KEY_VIOLATION = '23503';

export async function enqueueActivityTask(ctx: PgContext, task: NewActivityTask): Promise<'queued' | 'exists' | 'over'> {
  try {
    const r = await ctx.run('enqueueActivityTask', [task.token, task.activityArn, task.stateName, task.input, task.scheduledAt]);
    if (r.rows.length > 0) return 'queued';
  } catch (e) {
    if ((e as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) return 'over';
    throw e;
  }
  return (await ctx.run('activityTaskExists', [task.token])).rows.length > 0 ? 'exists' : 'over';
}

/** Inside a transaction: takes the oldest waiting task and queues its ActivityStarted. */
export async function takeActivityTask(ctx: PgContext, activityArn: string, workerName: string | undefined, now: number): Promise<TakenActivityTask | undefined> {
  for (let i = 0; i < TAKE_TRIES; i++) {
    const next = (await ctx.run<{ seq: number; execution_id: number; frame_id: string; attempt: number }>('nextActivityTask', [activityArn])).rows[0];
    if (next === undefined) return undefined;
    const e = (await ctx.run<{ arn: string; status: string }>('lockStatus', [next.execution_id])).rows[0];
    const taken = (await ctx.run<{ token: string; input: string }>('takeActivityTask', [next.seq, now, workerName ?? null])).rows[0];
    if (taken === undefined || e === undefined) continue;
    if (acceptsEvents(e.status)) await ctx.run('insertInbox', [next.execution_id, JSON.stringify(activityStartedEvent({ frameId: next.frame_id, attempt: next.attempt }, workerName))]);
    return { taskToken: taken.token, input: taken.input, executionArn: e.arn };
  }
  return undefined;
}

export async function listActivityTasks(ctx: PgContext, executionArn: string): Promise<ActivityTaskRecord[]> {
  const id = await ctx.idOf(executionArn);
  if (id === undefined) return [];
  return (await ctx.run<ActivityTaskRow>('activityTasksOf', [id])).rows.map((r) => toActivityTask(r, executionArn));
}

export async function deleteActivityTasks(ctx: PgContext, activityArn: string): Promise<void> {
  await ctx.run('deleteActivityTasks', [activityArn]);
}
