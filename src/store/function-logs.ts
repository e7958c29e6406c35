/**
 * The function logs role of the store: each invocation's log (Lambda's START / END / REPORT lines
 * and what the handler printed), kept across restarts for the console, bounded by a retention so
 * that logs never fill the disk.
 */
export interface FunctionLogStore {
  /**
   * Keeps `logs`, then applies `retention` to the functions they belong to (count) and to all
   * (age, against `now`), in one transaction.
   */
  appendFunctionLogs(logs: readonly FunctionLogRecord[], retention: FunctionLogRetention, now: number): Promise<void>;
  /** The kept logs that match every field of `query` set, newest first, at most `limit` (default 100, at most 1,000). */
  listFunctionLogs(query: FunctionLogQuery): Promise<FunctionLogRecord[]>;
}

export interface FunctionLogRecord {
  readonly functionName: string;
  readonly requestId: string;
  /** Epoch milliseconds when the invocation ended. */
  readonly endedAt: number;
  readonly ok: boolean;
  readonly logs: string;
  readonly durationMs?: number;
  readonly maxMemoryUsedMB?: number;
  readonly memoryMB?: number;
  /** The execution and Task state the invocation ran for, when a state made it. */
  readonly executionArn?: string;
  readonly stateName?: string;
}

export interface FunctionLogQuery {
  readonly functionName?: string;
  readonly requestId?: string;
  readonly executionArn?: string;
  readonly stateName?: string;
  readonly limit?: number;
}

export interface FunctionLogRetention {
  /** The newest this many invocations of each function are kept. */
  readonly perFunction: number;
  /** Invocations that ended longer ago than this are dropped. */
  readonly maxAgeMs: number;
}

export const FUNCTION_LOG_LIST_LIMIT = 1_000;

/** `limit` of a FunctionLogQuery as a row count: default 100, within 1..1,000. */
export function functionLogLimit(query: FunctionLogQuery): number {
  const n = query.limit;
  return n === undefined || !Number.isFinite(n) ? 100 : Math.max(1, Math.min(FUNCTION_LOG_LIST_LIMIT, Math.floor(n)));
}

/** The filters of a query that are set, as column → value, in a fixed order (one statement per shape). */
export function functionLogFilters(query: FunctionLogQuery): [column: string, value: string][] {
  const out: [string, string][] = [];
  if (query.functionName !== undefined) out.push(['function_name', query.functionName]);
  if (query.requestId !== undefined) out.push(['request_id', query.requestId]);
  if (query.executionArn !== undefined) out.push(['execution_arn', query.executionArn]);
  if (query.stateName !== undefined) out.push(['state_name', query.stateName]);
  return out;
}

export interface FunctionLogRow {
  readonly function_name: string;
  readonly request_id: string;
  readonly ended_at: number | string;
  readonly ok: number | boolean;
  readonly duration_ms: number | null;
  readonly max_memory_used_mb: number | null;
  readonly memory_mb: number | null;
  readonly execution_arn: string | null;
  readonly state_name: string | null;
  readonly logs: string;
}

export function toFunctionLog(r: FunctionLogRow): FunctionLogRecord {
  const l: { -readonly [K in keyof FunctionLogRecord]: FunctionLogRecord[K] } = {
    functionName: r.function_name,
    requestId: r.request_id,
    // PostgreSQL answers bigint as text.
    endedAt: Number(r.ended_at),
    ok: r.ok === true || r.ok === 1,
    logs: r.logs,
  };
  if (r.duration_ms !== null) l.durationMs = Number(r.duration_ms);
  if (r.max_memory_used_mb !== null) l.maxMemoryUsedMB = r.max_memory_used_mb;
  if (r.memory_mb !== null) l.memoryMB = r.memory_mb;
  if (r.execution_arn !== null) l.executionArn = r.execution_arn;
  if (r.state_name !== null) l.stateName = r.state_name;
  return l;
}

/** A record's columns in insert order: function_name … logs. */
export function functionLogValues(l: FunctionLogRecord): (string | number | boolean | null)[] {
  return [
    l.functionName,
    l.requestId,
    l.endedAt,
    l.ok,
    l.durationMs ?? null,
    l.maxMemoryUsedMB ?? null,
    l.memoryMB ?? null,
    l.executionArn ?? null,
    l.stateName ?? null,
    l.logs,
  ];
}
