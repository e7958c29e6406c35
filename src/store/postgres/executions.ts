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
import type { PgContext } from './statements.js';

// The executions role on PostgreSQL: executions, snapshots, history and task tokens, as read.

const INT4_MAX = 2_147_483_647;

export async function getExecution(ctx: PgContext, arn: string): Promise<ExecutionRecord | undefined> {
  const r = (await ctx.run<ExecutionRow>('getExecution', [arn])).rows[0];
  return r && toExecution(r);
}

export async function loadSnapshot(ctx: PgContext, arn: string): Promise<{ snapshot: Snapshot | null; version: number } | undefined> {
  const r = (await ctx.run<{ snapshot: string | null; version: number }>('loadSnapshot', [arn])).rows[0];
  return r && { snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as Snapshot), version: r.version };
}

export async function listExecutions(
  ctx: PgContext,
  query: { stateMachineArn?: string; status?: ExecutionStatus; limit?: number },
): Promise<ExecutionRecord[]> {
  const limit = query.limit ?? 1000;
  let rows: ExecutionRow[];
  if (query.stateMachineArn !== undefined && query.status !== undefined)
    rows = (await ctx.run<ExecutionRow>('listExecutionsByBoth', [query.stateMachineArn, query.status, limit])).rows;
  else if (query.stateMachineArn !== undefined) rows = (await ctx.run<ExecutionRow>('listExecutionsByMachine', [query.stateMachineArn, limit])).rows;
  else if (query.status !== undefined) rows = (await ctx.run<ExecutionRow>('listExecutionsByStatus', [query.status, limit])).rows;
  else rows = (await ctx.run<ExecutionRow>('listExecutionsAll', [limit])).rows;
  return rows.map(toExecution);
}

/** One statement per shape of query (which filters are set), named by its shape: at most 2^6. */
export async function listExecutionsPage(ctx: PgContext, query: ExecutionQuery): Promise<ExecutionPage> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  let shape = '';
  const filter = (letter: string, column: string, op: string, value: string | number | undefined) => {
    if (value === undefined) return;
    args.push(value);
    where.push(`${column} ${op} $${args.length}`);
    shape += letter;
  };
  filter('m', 'machine_arn', '=', query.stateMachineArn);
  // A machine's own executions and a Map Run's children never share a machine ARN (`M` and `M/LABEL`).
  filter('c', 'map_run_arn', '=', query.mapRunArn);
  if (query.mapRunArn === undefined && query.stateMachineArn === undefined) {
    where.push('map_run_arn is null');
    shape += 'P';
  }
  filter('s', 'status', '=', query.status);
  if (query.redriven !== undefined) {
    where.push(query.redriven ? 'redrive_count > 0' : 'redrive_count = 0');
    shape += query.redriven ? 'R' : 'N';
  }
  filter('v', 'revision', '=', query.revision);
  filter('t', 'start_date', '>=', query.startedAfter);
  filter('a', 'id', '<', query.after);
  const limit = Math.max(1, Math.floor(query.limit));
  args.push(limit + 1);
  const sql = `select ${EXECUTION_COLUMNS} from executions${where.length > 0 ? ` where ${where.join(' and ')}` : ''} order by id desc limit $${args.length}`;
  const rows = (await ctx.runText<ExecutionRow>(`page:${shape}`, sql, args)).rows;
  if (rows.length <= limit) return { executions: rows.map(toExecution) };
  rows.length = limit;
  return { executions: rows.map(toExecution), next: rows[limit - 1].id };
}

export async function countExecutions(ctx: PgContext): Promise<ExecutionCount[]> {
  return (await ctx.run<{ machine_arn: string; status: ExecutionStatus; n: number }>('countExecutions')).rows.map((r) => ({
    stateMachineArn: r.machine_arn,
    status: r.status,
    count: r.n,
  }));
}

export async function getHistory(ctx: PgContext, executionArn: string, page: HistoryPage = {}): Promise<{ events: HistoryEvent[]; nextEventId?: number }> {
  const id = await ctx.idOf(executionArn);
  if (id === undefined) return { events: [] };
  const max = Math.max(1, Math.floor(page.maxResults ?? 1000));
  const reverse = page.reverseOrder === true;
  // Event ids are int4: any bound past them means "from the end" (or "from the start").
  const bound = Math.max(-1, Math.min(INT4_MAX, Math.floor(page.afterEventId ?? (reverse ? INT4_MAX : 0))));
  const rows = (await ctx.run<{ events: string }>(reverse ? 'historyReverse' : 'historyForward', [id, bound, max + 1])).rows;
  const picked: StoredHistoryEvent[] = [];
  // One more than asked for tells whether a next page exists.
  for (const row of rows) {
    const batch = JSON.parse(row.events) as StoredHistoryEvent[];
    if (reverse) batch.reverse();
    for (const e of batch) if (reverse ? e.id < bound : e.id > bound) picked.push(e);
    if (picked.length > max) break;
  }
  const events = picked.slice(0, max).map(toHistoryEvent);
  return picked.length > max ? { events, nextEventId: events[events.length - 1].id } : { events };
}

export async function getTaskToken(ctx: PgContext, token: string): Promise<TaskTokenRecord | undefined> {
  const t = (await ctx.run<{ execution_id: number; frame_id: string; attempt: number }>('getToken', [token])).rows[0];
  if (t === undefined) return undefined;
  const e = (await ctx.run<{ arn: string }>('statusById', [t.execution_id])).rows[0];
  return { executionArn: e.arn, frameId: t.frame_id, attempt: t.attempt };
}

/** RedriveExecution's clientToken (ExecutionStore.redriveClientToken). */
export async function redriveClientToken(
  ctx: PgContext,
  executionArn: string,
  clientToken: string,
  now: number,
  keep?: { readonly redriveDate: number; readonly expiresAt: number },
): Promise<number | undefined> {
  if (keep === undefined) {
    const row = (await ctx.run<{ redrive_date: number }>('getRedriveToken', [executionArn, clientToken, now])).rows[0];
    return row?.redrive_date;
  }
  await ctx.transaction(async (t) => {
    await t.run('dropExpiredRedriveTokens', [now]);
    await t.run('putRedriveToken', [executionArn, clientToken, keep.redriveDate, keep.expiresAt]);
  });
  return keep.redriveDate;
}
