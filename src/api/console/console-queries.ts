import type { FastifyInstance, FastifyReply } from 'fastify';
import { tasksWaitingByState, waitingCallbacks, type ExecutionStatus } from '../../engine/index.js';
import type { Store } from '../../store/index.js';
import { wireEvent } from '../sfn/history.js';

const STATUSES: readonly string[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const MAX_PAGE = 500;
/** Events per /console/api/history answer (as GetExecutionHistory's largest page). */
const HISTORY_PAGE = 1000;
/**
 * Running executions the approvals inbox and the "waiting" filter look through, newest first: what
 * an execution waits on is in its snapshot, not in an index, so the scan is bounded and says so.
 */
const WAITING_SCAN = 1000;

/** A task waiting for SendTaskSuccess/Failure (`.waitForTaskToken`): the console lists these to approve or reject. */
export interface WaitingTask {
  readonly kind: 'callback';
  readonly stateName: string;
  readonly taskToken: string;
  readonly enteredEventId: number;
  readonly input: unknown;
  /** The branch or iteration index path from the top-level flow ([] for the top level). */
  readonly path: readonly number[];
}

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
   * worker only: until then nobody outside the store holds it, so the console cannot answer it.
   */
  readonly taskToken?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown, fallback: number): number => {
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : fallback;
};
const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ __type: 'ValidationException', message });

/**
 * What the Step Functions API cannot answer in one call and the console needs: executions across
 * every machine, counts by status, and the task tokens an execution is waiting on (AWS keeps those
 * to itself; the console is the person who approves), with its activity tasks.
 */
export function registerConsoleQueries(app: FastifyInstance, store: Store): void {
  /** What a running execution waits on from a person or a worker (none when it ended or waits on nothing). */
  const waitingOf = async (arn: string): Promise<{ tasks: WaitingTask[]; activities: ActivityWaiting[] }> => {
    const snapshot = (await store.loadSnapshot(arn))?.snapshot;
    if (snapshot === null || snapshot === undefined || snapshot.status !== 'RUNNING') return { tasks: [], activities: [] };
    const tasks: WaitingTask[] = waitingCallbacks(snapshot).map((t) => ({ kind: 'callback', ...t }));
    const activities = (await store.listActivityTasks(arn)).map(
      (t): ActivityWaiting => ({
        kind: 'activity',
        stateName: t.stateName,
        activityArn: t.activityArn,
        input: t.input,
        scheduledAt: t.scheduledAt,
        ...(t.takenAt !== undefined ? { taskToken: t.token } : {}),
      }),
    );
    return { tasks, activities: currentActivities(activities, tasksWaitingByState(snapshot)) };
  };
  /** The newest running executions (of one machine, or all) that wait on a callback or an activity task. */
  const waitingExecutions = async (stateMachineArn: string | undefined, startedAfter: number | undefined) => {
    const { executions: running } = await store.listExecutionsPage({ stateMachineArn, status: 'RUNNING', startedAfter, limit: WAITING_SCAN + 1 });
    const found = [];
    for (const e of running.slice(0, WAITING_SCAN)) {
      const waiting = await waitingOf(e.arn);
      if (waiting.tasks.length + waiting.activities.length > 0) found.push({ execution: e, ...waiting });
    }
    return { found, scanned: Math.min(running.length, WAITING_SCAN), truncated: running.length > WAITING_SCAN };
  };
  const listed = (e: { arn: string; stateMachineArn: string; name: string; status: string; startDate: number; stopDate?: number }) => ({
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate / 1000,
    ...(e.stopDate === undefined ? {} : { stopDate: e.stopDate / 1000 }),
  });

  // Executions of every machine (or one), newest first, with offset paging. `status=WAITING`: the
  // running ones that wait on a person or a worker.
  app.get('/console/api/executions', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const status = text(q.status);
    if (status !== undefined && status !== 'WAITING' && !STATUSES.includes(status)) return bad(reply, `Unknown status ${status}`);
    const offset = int(q.offset, 0);
    const limit = Math.min(Math.max(int(q.limit, 50), 1), MAX_PAGE);
    const since = int(q.startedAfter, 0);
    if (status === 'WAITING') {
      const { found, truncated } = await waitingExecutions(text(q.stateMachineArn), since > 0 ? since : undefined);
      return { executions: found.slice(offset, offset + limit).map((w) => listed(w.execution)), hasMore: found.length > offset + limit, ...(truncated ? { scanLimit: WAITING_SCAN } : {}) };
    }
    // Filtered and limited in SQL: a page costs its own rows (and the offset's), not the table.
    const { executions: rows } = await store.listExecutionsPage({
      stateMachineArn: text(q.stateMachineArn),
      status: status as ExecutionStatus | undefined,
      startedAfter: since > 0 ? since : undefined,
      limit: offset + limit + 1,
    });
    const page = rows.slice(offset, offset + limit);
    return { executions: page.map(listed), hasMore: rows.length > offset + limit };
  });

  // The approvals inbox: every task a person or a worker can answer, across running executions.
  app.get('/console/api/inbox', async () => {
    const { found, scanned, truncated } = await waitingExecutions(undefined, undefined);
    return { executions: found.map((w) => ({ ...listed(w.execution), tasks: w.tasks, activities: w.activities })), scanned, ...(truncated ? { scanLimit: WAITING_SCAN } : {}) };
  });

  // Executions of each machine by status, counted in SQL (not by loading rows).
  app.get('/console/api/machines/summary', async () => {
    const counts: Record<string, Record<string, number>> = {};
    for (const m of await store.listStateMachines()) counts[m.arn] = {};
    for (const c of await store.countExecutions()) {
      const byStatus = counts[c.stateMachineArn];
      if (byStatus !== undefined) byStatus[c.status] = c.count; // executions of a deleted machine are not shown
    }
    return { counts };
  });

  // The events of an execution after one the console has (GetExecutionHistory shapes, oldest
  // first): a live page fetches what is new, not the whole history, at each change.
  app.get('/console/api/history', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const arn = text(q.executionArn);
    if (arn === undefined) return bad(reply, 'executionArn is required');
    const page = await store.getHistory(arn, { afterEventId: int(q.afterEventId, 0), maxResults: HISTORY_PAGE });
    return { events: page.events.map((e) => wireEvent(e, true)), ...(page.nextEventId !== undefined ? { more: true } : {}) };
  });

  app.get('/console/api/waiting-tasks', async (request, reply) => {
    const arn = text((request.query as Record<string, unknown>).executionArn);
    if (arn === undefined) return bad(reply, 'executionArn is required');
    return waitingOf(arn);
  });
}

/**
 * The activity tasks frames still wait for. A task that timed out (or was retried) stays unanswered
 * in the queue while the execution moves on, so keep per state only as many of the newest tasks as
 * frames wait there (a Map runs one state in many frames at once).
 */
function currentActivities(tasks: ActivityWaiting[], waitingIn: Map<string, number>): ActivityWaiting[] {
  const kept: ActivityWaiting[] = [];
  for (let i = tasks.length - 1; i >= 0; i--) {
    const left = waitingIn.get(tasks[i].stateName) ?? 0;
    if (left === 0) continue;
    waitingIn.set(tasks[i].stateName, left - 1);
    kept.unshift(tasks[i]);
  }
  return kept;
}
