import {
  functionLogFilters,
  functionLogLimit,
  functionLogValues,
  toFunctionLog,
  type FunctionLogQuery,
  type FunctionLogRecord,
  type FunctionLogRetention,
  type FunctionLogRow,
} from '../function-logs.js';
import type { PgContext } from './statements.js';

// The function logs role on PostgreSQL: named statements beside their SQL, one list statement per
// shape of query (which filters are set).

const INSERT = `insert into function_logs (function_name, request_id, ended_at, ok, duration_ms, max_memory_used_mb, memory_mb, execution_arn, state_name, logs)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
/** Everything of the function older than its `perFunction`-th newest row. */
const TRIM_FUNCTION = `delete from function_logs where function_name = $1 and id <= (
  select id from function_logs where function_name = $1 order by id desc limit 1 offset $2)`;
const TRIM_AGE = 'delete from function_logs where ended_at < $1';

export function appendFunctionLogs(ctx: PgContext, logs: readonly FunctionLogRecord[], retention: FunctionLogRetention, now: number): Promise<void> {
  return ctx.transaction(async (t) => {
    for (const l of logs) await t.runText('insertFunctionLog', INSERT, functionLogValues(l));
    for (const name of new Set(logs.map((l) => l.functionName))) await t.runText('trimFunctionLogs', TRIM_FUNCTION, [name, Math.max(0, retention.perFunction)]);
    await t.runText('trimFunctionLogsByAge', TRIM_AGE, [now - retention.maxAgeMs]);
  });
}

export async function listFunctionLogs(ctx: PgContext, query: FunctionLogQuery): Promise<FunctionLogRecord[]> {
  const filters = functionLogFilters(query);
  const where = filters.length === 0 ? '' : `where ${filters.map(([c], i) => `${c} = $${i + 1}`).join(' and ')}`;
  const text = `select * from function_logs ${where} order by id desc limit $${filters.length + 1}`;
  const name = `listFunctionLogs:${filters.map(([c]) => c).join(',')}`;
  const { rows } = await ctx.runText<FunctionLogRow>(name, text, [...filters.map(([, v]) => v), functionLogLimit(query)]);
  return rows.map(toFunctionLog);
}
