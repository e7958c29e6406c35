import type Database from 'better-sqlite3';
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
import type { SqliteContext } from './statements.js';

// The function logs role on SQLite. Its statements are prepared once per connection, here beside
// the SQL, the list ones once per shape of query (which filters are set: at most 2^4).

interface LogStatements {
  readonly insert: Database.Statement;
  readonly trimFunction: Database.Statement;
  readonly trimAge: Database.Statement;
  readonly lists: Map<string, Database.Statement>;
}

const prepared = new WeakMap<Database.Database, LogStatements>();

function statementsOf(db: Database.Database): LogStatements {
  let s = prepared.get(db);
  if (s === undefined) {
    s = {
      insert: db.prepare(
        `insert into function_logs (function_name, request_id, ended_at, ok, duration_ms, max_memory_used_mb, memory_mb, execution_arn, state_name, logs)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Everything of the function older than its `perFunction`-th newest row.
      trimFunction: db.prepare(
        `delete from function_logs where function_name = ? and id <= (
           select id from function_logs where function_name = ? order by id desc limit 1 offset ?)`,
      ),
      trimAge: db.prepare('delete from function_logs where ended_at < ?'),
      lists: new Map(),
    };
    prepared.set(db, s);
  }
  return s;
}

export function appendFunctionLogs({ db }: SqliteContext, logs: readonly FunctionLogRecord[], retention: FunctionLogRetention, now: number): void {
  const s = statementsOf(db);
  db.transaction(() => {
    for (const l of logs) s.insert.run(...functionLogValues(l).map((v) => (typeof v === 'boolean' ? Number(v) : v)));
    for (const name of new Set(logs.map((l) => l.functionName))) s.trimFunction.run(name, name, Math.max(0, retention.perFunction));
    s.trimAge.run(now - retention.maxAgeMs);
  })();
}

export function listFunctionLogs({ db }: SqliteContext, query: FunctionLogQuery): FunctionLogRecord[] {
  const s = statementsOf(db);
  const filters = functionLogFilters(query);
  const shape = filters.map(([c]) => c).join(',');
  let list = s.lists.get(shape);
  if (list === undefined) {
    const where = filters.length === 0 ? '' : `where ${filters.map(([c]) => `${c} = ?`).join(' and ')}`;
    list = db.prepare(`select * from function_logs ${where} order by id desc limit ?`);
    s.lists.set(shape, list);
  }
  return (list.all(...filters.map(([, v]) => v), functionLogLimit(query)) as FunctionLogRow[]).map(toFunctionLog);
}
