import type { ChildExecutionWrite } from '../work.js';
import type { PgContext } from './statements.js';

// The child executions of distributed Maps, written with their parents' advances: set-based, three
// statements per commit however many children its advances touched (each is a round trip).

const INSERT = `
  insert into executions (arn, machine_arn, revision, name, status, input, start_date, version, map_run_arn)
  select arn, machine_arn, revision, name, 'RUNNING', input, start_date, 0, map_run_arn
  from unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::bigint[], $7::text[])
    with ordinality as t(arn, machine_arn, revision, name, input, start_date, map_run_arn, ord)
  order by ord
  on conflict (arn) do nothing`;

const HISTORY = `
  insert into history (execution_id, first_event_id, last_event_id, events)
  select e.id, u.first_event_id, u.last_event_id, u.events
  from unnest($1::text[], $2::integer[], $3::integer[], $4::text[]) as u(arn, first_event_id, last_event_id, events)
  join executions e on e.arn = u.arn`;

const UPDATE = `
  update executions e set
    status = coalesce(u.status, e.status),
    output = coalesce(u.output, e.output),
    error = coalesce(u.error, e.error),
    cause = coalesce(u.cause, e.cause),
    stop_date = coalesce(u.stop_date, e.stop_date),
    last_event_id = greatest(e.last_event_id, u.last_event_id)
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::integer[])
    as u(arn, status, output, error, cause, stop_date, last_event_id)
  where e.arn = u.arn`;

/** Inserts the children that started, appends their events and records their ends, in the caller's transaction. */
export async function writeChildExecutions(ctx: PgContext, children: readonly ChildExecutionWrite[]): Promise<void> {
  if (children.length === 0) return;
  // Arrays bound as parameters (unnest on the server), as batch.ts binds them: pg sends them as arrays.
  const run = (name: string, text: string, values: readonly unknown[]) => ctx.runText(name, text, values as never);
  const started = children.filter((c) => c.start !== undefined);
  if (started.length > 0) {
    const col = <T>(f: (s: NonNullable<ChildExecutionWrite['start']>) => T): T[] => started.map((c) => f(c.start!));
    await run('childInsert', INSERT, [
      started.map((c) => c.arn),
      col((s) => s.stateMachineArn),
      col((s) => s.revision),
      col((s) => s.name),
      col((s) => s.input),
      col((s) => s.startDate),
      col((s) => s.mapRunArn),
    ]);
  }
  const written = children.filter((c) => c.history.length > 0);
  if (written.length > 0)
    await run('childHistory', HISTORY, [
      written.map((c) => c.arn),
      written.map((c) => c.history[0].id),
      written.map((c) => c.history[c.history.length - 1].id),
      written.map((c) => JSON.stringify(c.history)),
    ]);
  const changed = children.filter((c) => c.history.length > 0 || c.end !== undefined);
  if (changed.length > 0)
    await run('childUpdate', UPDATE, [
      changed.map((c) => c.arn),
      changed.map((c) => c.end?.status ?? null),
      changed.map((c) => c.end?.output ?? null),
      changed.map((c) => c.end?.error ?? null),
      changed.map((c) => c.end?.cause ?? null),
      changed.map((c) => c.end?.stopDate ?? null),
      changed.map((c) => (c.history.length > 0 ? c.history[c.history.length - 1].id : 0)),
    ]);
}
