import type { ExecutionStatus, HistoryEvent, Snapshot } from '../../engine/index.js';
import type {
  ExecutionCount,
  ExecutionPage,
  ExecutionQuery,
  ExecutionRecord,
  HistoryPage,
  StoredHistoryEvent,
  TaskTokenRecord,
} from '../executions.js';
import { EXECUTION_COLUMNS, toExecution, toHistoryEvent, type ExecutionRow } from '../rows.js';
import type { SqliteContext } from './statements.js';

// The executions role on SQLite: executions, snapshots, history and task tokens, as read.

export function getExecution({ s }: SqliteContext, arn: string): ExecutionRecord | undefined {
  const r = s.getExecution.get(arn) as ExecutionRow | undefined;
  return r && toExecution(r);
}

export function loadSnapshot({ s }: SqliteContext, arn: string): { snapshot: Snapshot | null; version: number } | undefined {
  const r = s.loadSnapshot.get(arn) as { snapshot: string | null; version: number } | undefined;
  return r && { snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as Snapshot), version: r.version };
}

export function listExecutions(
  { s }: SqliteContext,
  query: { stateMachineArn?: string; status?: ExecutionStatus; limit?: number },
): ExecutionRecord[] {
  const limit = query.limit ?? 1000;
  let rows: ExecutionRow[];
  if (query.stateMachineArn !== undefined && query.status !== undefined)
    rows = s.listExecutionsByBoth.all(query.stateMachineArn, query.status, limit) as ExecutionRow[];
  else if (query.stateMachineArn !== undefined) rows = s.listExecutionsByMachine.all(query.stateMachineArn, limit) as ExecutionRow[];
  else if (query.status !== undefined) rows = s.listExecutionsByStatus.all(query.status, limit) as ExecutionRow[];
  else rows = s.listExecutionsAll.all(limit) as ExecutionRow[];
  return rows.map(toExecution);
}

export function listExecutionsPage({ db, pageStatements }: SqliteContext, query: ExecutionQuery): ExecutionPage {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, value: string | number) => (where.push(sql), args.push(value));
  if (query.stateMachineArn !== undefined) add('machine_arn = ?', query.stateMachineArn);
  // A machine's own executions and a Map Run's children never share a machine ARN (`M` and `M/LABEL`).
  if (query.mapRunArn !== undefined) add('map_run_arn = ?', query.mapRunArn);
  else if (query.stateMachineArn === undefined) where.push('map_run_arn is null');
  if (query.status !== undefined) add('status = ?', query.status);
  if (query.redriven !== undefined) where.push(query.redriven ? 'redrive_count > 0' : 'redrive_count = 0');
  if (query.revision !== undefined) add('revision = ?', query.revision);
  if (query.startedAfter !== undefined) add('start_date >= ?', query.startedAfter);
  if (query.after !== undefined) add('id < ?', query.after);
  const sql = `select ${EXECUTION_COLUMNS} from executions${where.length > 0 ? ` where ${where.join(' and ')}` : ''} order by id desc limit ?`;
  let statement = pageStatements.get(sql);
  if (statement === undefined) pageStatements.set(sql, (statement = db.prepare(sql)));
  const limit = Math.max(1, Math.floor(query.limit));
  const rows = statement.all(...args, limit + 1) as ExecutionRow[];
  if (rows.length <= limit) return { executions: rows.map(toExecution) };
  rows.length = limit;
  return { executions: rows.map(toExecution), next: rows[limit - 1].id };
}

export function countExecutions({ s }: SqliteContext): ExecutionCount[] {
  return (s.countExecutions.all() as { machine_arn: string; status: ExecutionStatus; n: number }[]).map((r) => ({
    stateMachineArn: r.machine_arn,
    status: r.status,
    count: r.n,
  }));
}

export function getHistory(ctx: SqliteContext, executionArn: string, page: HistoryPage = {}): { events: HistoryEvent[]; nextEventId?: number } {
  const id = ctx.idOf(executionArn);
  if (id === undefined) return { events: [] };
  const max = page.maxResults ?? 1000;
  const reverse = page.reverseOrder === true;
  const bound = page.afterEventId ?? (reverse ? Number.MAX_SAFE_INTEGER : 0);
  const rows = (reverse ? ctx.s.historyReverse : ctx.s.historyForward).iterate(id, bound) as IterableIterator<{ events: string }>;
  const picked: StoredHistoryEvent[] = [];
  // One more than asked for tells whether a next page exists.
  for (const row of rows) {
    const batch = JSON.parse(row.events) as StoredHistoryEvent[];
    if (reverse) batch.reverse();
    for (const e of batch) if (reverse ? e.id < bound : e.id > bound) picked.push(e);
    if (picked.length > max) {
      rows.return?.();
      break;
    }
  }
  const events = picked.slice(0, max).map(toHistoryEvent);
  return picked.length > max ? { events, nextEventId: events[events.length - 1].id } : { events };
}

export function getTaskToken({ s }: SqliteContext, token: string): TaskTokenRecord | undefined {
  const t = s.getToken.get(token) as { execution_id: number; frame_id: string; attempt: number } | undefined;
  if (t === undefined) return undefined;
  const e = s.statusById.get(t.execution_id) as { arn: string };
  return { executionArn: e.arn, frameId: t.frame_id, attempt: t.attempt };
}

/** RedriveExecution's clientToken (ExecutionStore.redriveClientToken). */
export function redriveClientToken(
  { db, s }: SqliteContext,
  executionArn: string,
  clientToken: string,
  now: number,
  keep?: { readonly redriveDate: number; readonly expiresAt: number },
): number | undefined {
  if (keep === undefined) {
    const row = s.getRedriveToken.get(executionArn, clientToken, now) as { redrive_date: number } | undefined;
    return row?.redrive_date;
  }
  db.transaction(() => {
    s.dropExpiredRedriveTokens.run(now);
    s.putRedriveToken.run(executionArn, clientToken, keep.redriveDate, keep.expiresAt);
  })();
  return keep.redriveDate;
}
