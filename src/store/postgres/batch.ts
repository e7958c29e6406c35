import { cleanUpOnFinish, executionAfterAdvance, type ExecutionAfterAdvance } from '../rules/advance.js';
import { START_EVENT_TEXT } from '../rules/events.js';
import type { EngineEvent, Snapshot } from '../../engine/index.js';
import type { ExecutionRecord } from '../executions.js';
import { toExecution, EXECUTION_COLUMNS, type ExecutionRow } from '../rows.js';
import type { InboxEvent, WriteOp, WriteResult } from '../work.js';
import { writeChildExecutions } from './child-executions.js';
import { applyOp } from './commit.js';
import type { PgContext } from './statements.js';

// Group commit on PostgreSQL, set-based: every statement is a round trip (node-postgres sends one
// query at a time), so a batch of N starts or advances must not cost N statements each. Runs of
// starts and advances of distinct executions are written with one multi-row statement per table
// (arrays bound as parameters, unnest on the server); the rarer operations go one by one through
// commit.ts. Operations of distinct executions commute, so a run keeps the results and the rows
// the one-by-one order would give; a second operation on one execution ends the run.

type Create = Extract<WriteOp, { kind: 'createExecution' }>;
type Advance = Extract<WriteOp, { kind: 'applyAdvance' }>;
type Value = string | number | boolean | null | readonly (string | number | boolean | null)[];

/**
 * Where the run starting at `start` ends: consecutive operations of its kind, each on an execution
 * the run has not touched (a run of starts or advances is written set-based).
 */
export function runEnd(ops: readonly WriteOp[], start: number): number {
  const kind = ops[start].kind;
  const seen = new Set<string>();
  let end = start;
  while (end < ops.length && ops[end].kind === kind) {
    const arn = arnOf(ops[end]);
    if (seen.has(arn)) break;
    seen.add(arn);
    end++;
  }
  return end;
}

/** Applies `ops` in order inside the caller's transaction, as applyOp one by one would. */
export async function applyBatch(ctx: PgContext, ops: readonly WriteOp[]): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array<WriteResult>(ops.length);
  let i = 0;
  while (i < ops.length) {
    const kind = ops[i].kind;
    if (kind !== 'createExecution' && kind !== 'applyAdvance') {
      results[i] = await applyOp(ctx, ops[i]);
      i++;
      continue;
    }
    const end = runEnd(ops, i);
    const run = ops.slice(i, end);
    // A run of one too: its one statement costs less than the several of applyOp.
    const out = kind === 'createExecution' ? await createExecutions(ctx, run as Create[]) : await applyAdvances(ctx, run as Advance[]);
    for (let k = 0; k < out.length; k++) results[i + k] = out[k];
    i = end;
  }
  return results;
}

function arnOf(op: WriteOp): string {
  return op.kind === 'createExecution' ? op.execution.arn : (op as Advance).executionArn;
}

function query<R extends object>(ctx: PgContext, name: string, text: string, values: readonly Value[]): Promise<{ rows: R[] }> {
  return ctx.runText<R>(name, text, values as never);
}

const CREATE = `
  with input as (
    select * from unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[])
      with ordinality as t(arn, machine_arn, revision, name, status, input, start_date, lease_owner, lease_expires, ord)
  ), inserted as (
    insert into executions (arn, machine_arn, revision, name, status, input, start_date, version, lease_owner, lease_expires)
    select arn, machine_arn, revision, name, status, input, start_date, 0, lease_owner, lease_expires from input order by ord
    on conflict (arn) do nothing
    returning id, arn
  ), started as (
    insert into inbox (execution_id, event) select id, $10 from inserted
  )
  select id, arn from inserted`;

/** Starts: one statement inserts the executions and their start events; names taken come back as they are. */
async function createExecutions(ctx: PgContext, ops: readonly Create[]): Promise<WriteResult[]> {
  const col = <T>(f: (op: Create) => T): T[] => ops.map(f);
  const inserted = await query<{ id: number; arn: string }>(ctx, 'batchCreate', CREATE, [
    col((o) => o.execution.arn),
    col((o) => o.execution.stateMachineArn),
    col((o) => o.execution.revision),
    col((o) => o.execution.name),
    col((o) => o.execution.status),
    col((o) => o.execution.input),
    col((o) => o.execution.startDate),
    col((o) => o.claim?.owner ?? null),
    col((o) => o.claim?.expiresAt ?? null),
    START_EVENT_TEXT,
  ]);
  const ids = new Map<string, number>();
  for (const r of inserted.rows) {
    ids.set(r.arn, r.id);
    ctx.learn(r.arn, r.id);
  }
  const taken = ops.filter((o) => !ids.has(o.execution.arn)).map((o) => o.execution.arn);
  const existing = new Map<string, ExecutionRow>();
  if (taken.length > 0)
    for (const row of (await query<ExecutionRow>(ctx, 'batchExisting', `select ${EXECUTION_COLUMNS} from executions where arn = any($1::text[])`, [taken])).rows)
      existing.set(row.arn, row);
  return ops.map((o): WriteResult => {
    const e = o.execution;
    if (!ids.has(e.arn)) return { kind: 'exists', execution: toExecution(existing.get(e.arn) as ExecutionRow) };
    return o.claim === undefined ? { kind: 'created', execution: e } : { kind: 'created', execution: e, claimed: true };
  });
}

// The large texts of a batch (outputs, snapshots, history) go as one JSON array each, joined from
// the JSON texts they already are, not as PostgreSQL text arrays: node-postgres escapes every
// element of an array parameter (each quote of a JSON text, in JavaScript), a fifth of a worker's
// CPU per execution when measured. json_array_elements gives each element back as its text.
//
// One statement writes what every advance of the hot path writes: it locks the rows in id order
// (so batches never deadlock: lock-executions.ts, which the commit then skips), checks every
// version (the optimistic check of commit.ts), updates the rows, and for the advances that landed
// inserts their history and deletes the inbox events they consumed (a finished one's whole inbox).
// Measured: a worker's socket writes were a fifth of its CPU, one per statement.
const ADVANCE = `
  with v as (
    select v.*, (o.value -> 0)::text as output, nullif(s.value::text, 'null') as snapshot, nullif(h.value::text, 'null') as events
    from unnest($1::bigint[], $2::text[], $4::text[], $5::text[], $6::bigint[], $7::integer[], $8::integer[],
      $10::text[], $11::bigint[], $12::integer[], $13::integer[], $15::integer[], $16::boolean[]) with ordinality
      as v(id, status, error, cause, stop_date, version, last_event_id, lease_owner, lease_expires, expected_version, previous_event_id, first_event_id, finished, ord)
    join json_array_elements($3::json) with ordinality as o(value, ord) on o.ord = v.ord
    join json_array_elements($9::json) with ordinality as s(value, ord) on s.ord = v.ord
    join json_array_elements($14::json) with ordinality as h(value, ord) on h.ord = v.ord
  ), locked as materialized (
    select id from executions where id = any($1::bigint[]) order by id for update
  ), landed as (
    update executions e set status = v.status, output = v.output, error = v.error, cause = v.cause, stop_date = v.stop_date,
      version = v.version, last_event_id = v.last_event_id, snapshot = v.snapshot, lease_owner = v.lease_owner, lease_expires = v.lease_expires
    from v join locked l on l.id = v.id
    where e.id = v.id and e.version = v.expected_version and e.last_event_id = v.previous_event_id
    returning e.id
  ), history_added as (
    insert into history (execution_id, first_event_id, last_event_id, events)
    select v.id, v.first_event_id, v.last_event_id, v.events from v join landed using (id) where v.events is not null
  ), inbox_of_finished as (
    delete from inbox where execution_id = any(array(select v.id from v join landed using (id) where v.finished))
  ), inbox_consumed as (
    delete from inbox i using unnest($17::bigint[], $18::bigint[]) as c(id, execution_id)
    where i.id = c.id and i.execution_id = c.execution_id and c.execution_id in (select id from landed)
  )
  select id from landed`;

/** JSON texts (or nulls) as one JSON array text; `wrap` keeps a text that is JSON's null apart from no text. */
function jsonArray(texts: readonly (string | null)[], wrap = false): string {
  let out = '[';
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    out += (i > 0 ? ',' : '') + (t === null ? 'null' : wrap ? `[${t}]` : t);
  }
  return out + ']';
}

/**
 * Advances: one statement (ADVANCE) checks every version, writes every row with its history and
 * consumed inbox; then one statement per other kind of row that hangs off them, only for the
 * advances that landed and only when some advance has such rows.
 */
async function applyAdvances(ctx: PgContext, ops: readonly Advance[]): Promise<WriteResult[]> {
  const ids = await idsOf(ctx, ops.map((o) => o.executionArn));
  const live: { op: Advance; id: number; after: ExecutionAfterAdvance }[] = [];
  for (const op of ops) {
    const id = ids.get(op.executionArn);
    if (id !== undefined) live.push({ op, id, after: executionAfterAdvance(op) });
  }
  const col = <T>(f: (a: (typeof live)[number]) => T): T[] => live.map(f);
  // The inbox events the advances that go on consumed (a finished one's inbox goes whole).
  const consumed = live.flatMap((a) => (a.after.finished ? [] : a.op.consumedInbox.map((i) => [i, a.id] as const)));
  const updated =
    live.length === 0
      ? new Set<number>()
      : new Set(
          (
            await query<{ id: number }>(ctx, 'batchAdvance', ADVANCE, [
              col((a) => a.id),
              col((a) => a.after.status),
              jsonArray(col((a) => a.after.output), true),
              col((a) => a.after.error),
              col((a) => a.after.cause),
              col((a) => a.after.stopDate),
              col((a) => a.after.version),
              col((a) => a.after.lastEventId),
              jsonArray(col((a) => a.after.snapshot)),
              col((a) => a.after.leaseOwner),
              col((a) => a.after.leaseExpires),
              col((a) => a.op.expectedVersion),
              col((a) => a.after.firstEventId - 1),
              jsonArray(col((a) => (a.op.history.length > 0 ? JSON.stringify(a.op.history) : null))),
              col((a) => a.after.firstEventId),
              col((a) => a.after.finished),
              consumed.map((c) => c[0]),
              consumed.map((c) => c[1]),
            ])
          ).rows.map((r) => r.id),
        );
  const landed = live.filter((a) => updated.has(a.id));
  const refused = new Map<string, WriteResult>();
  for (const a of live) {
    if (updated.has(a.id)) continue;
    const row = (await ctx.run<{ version: number; last_event_id: number }>('executionState', [a.op.executionArn])).rows[0];
    if (row.version !== a.op.expectedVersion) {
      refused.set(a.op.executionArn, { kind: 'conflict' });
      continue;
    }
    // History is append-only and gapless: events that do not follow the stored ones are a bug.
    throw new Error(`history of ${a.op.executionArn} continues at event ${row.last_event_id + 1}, not ${a.after.firstEventId}`);
  }
  await writeAdvanceRows(ctx, landed);
  await writeChildExecutions(ctx, landed.flatMap((a) => a.op.childExecutions ?? []));
  return ops.map((op): WriteResult => (ids.get(op.executionArn) === undefined ? { kind: 'conflict' } : (refused.get(op.executionArn) ?? { kind: 'applied' })));
}

/** The ids of these executions: from the cache, the rest in one query. */
async function idsOf(ctx: PgContext, arns: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const missing: string[] = [];
  for (const arn of arns) {
    const id = ctx.knownId(arn);
    if (id === undefined) missing.push(arn);
    else out.set(arn, id);
  }
  if (missing.length > 0)
    for (const r of (await query<{ id: number; arn: string }>(ctx, 'batchIds', 'select id, arn from executions where arn = any($1::text[])', [missing])).rows) {
      out.set(r.arn, r.id);
      ctx.learn(r.arn, r.id);
    }
  return out;
}

/** What an advance writes besides what ADVANCE wrote, in the order applyAdvance writes it. */
async function writeAdvanceRows(ctx: PgContext, landed: readonly { op: Advance; id: number; after: ExecutionAfterAdvance }[]): Promise<void> {
  // Finished: its pending work goes (rules/advance.ts says which).
  const finished = landed.filter((a) => a.after.finished);
  if (finished.length > 0) {
    const clean = finished.filter((a) => cleanUpOnFinish(a.op).timersEffectsTokens).map((a) => a.id);
    if (clean.length > 0) {
      await query(ctx, 'batchDeleteTimersOf', 'delete from timers where execution_id = any($1::bigint[])', [clean]);
      await query(ctx, 'batchDeleteOutboxOf', 'delete from outbox where execution_id = any($1::bigint[])', [clean]);
      await query(ctx, 'batchDeleteTokensOf', 'delete from task_tokens where execution_id = any($1::bigint[])', [clean]);
    }
  }

  const going = landed.filter((a) => !a.after.finished);
  if (going.length === 0) return;
  const gone = going.flatMap((a) => [...a.op.firedTimers, ...a.op.cancelledTimers].map((t) => [a.id, t.frameId, t.key] as const));
  if (gone.length > 0)
    await query(ctx, 'batchDeleteTimers', 'delete from timers t using unnest($1::bigint[], $2::text[], $3::text[]) as v(execution_id, frame_id, key) where t.execution_id = v.execution_id and t.frame_id = v.frame_id and t.key = v.key', [
      gone.map((t) => t[0]),
      gone.map((t) => t[1]),
      gone.map((t) => t[2]),
    ]);
  const ended = going.flatMap((a) => a.op.endedAttempts.map((n) => [a.id, n] as const));
  if (ended.length > 0) {
    const values = [ended.map((e) => e[0]), ended.map((e) => e[1])];
    await query(ctx, 'batchDeleteOutboxOfAttempt', 'delete from outbox o using unnest($1::bigint[], $2::integer[]) as v(execution_id, attempt) where o.execution_id = v.execution_id and o.attempt = v.attempt', values);
    await query(ctx, 'batchDeleteTokensOfAttempt', 'delete from task_tokens t using unnest($1::bigint[], $2::integer[]) as v(execution_id, attempt) where t.execution_id = v.execution_id and t.attempt = v.attempt', values);
  }
  // One row per timer (an upsert may not touch a row twice in one statement): the last one set wins, as one by one.
  const timers = new Map<string, readonly [number, string, string, number]>();
  for (const a of going) for (const t of a.op.newTimers) timers.set(JSON.stringify([a.id, t.frameId, t.key]), [a.id, t.frameId, t.key, t.dueAt]);
  if (timers.size > 0) {
    const rows = [...timers.values()];
    await query(ctx, 'batchInsertTimers', 'insert into timers (execution_id, frame_id, key, due_at) select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) on conflict (execution_id, frame_id, key) do update set due_at = excluded.due_at', [
      rows.map((t) => t[0]),
      rows.map((t) => t[1]),
      rows.map((t) => t[2]),
      rows.map((t) => t[3]),
    ]);
  }
  const outbox = going.flatMap((a) => a.op.outbox.map((o) => ({ a, o })));
  if (outbox.length > 0) {
    await query(ctx, 'batchInsertOutbox', 'insert into outbox (idempotency_key, execution_id, frame_id, attempt, request, lease_owner, lease_expires) select k, e, f, a, r, lo, le from unnest($1::text[], $2::bigint[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::bigint[]) with ordinality as v(k, e, f, a, r, lo, le, ord) order by ord on conflict do nothing', [
      outbox.map(({ o }) => o.idempotencyKey),
      outbox.map(({ a }) => a.id),
      outbox.map(({ o }) => o.frameId),
      outbox.map(({ o }) => o.attempt),
      outbox.map(({ o }) => JSON.stringify(o.request)),
      outbox.map(({ a }) => a.op.claim?.owner ?? null),
      outbox.map(({ a }) => a.op.claim?.expiresAt ?? null),
    ]);
    const tokens = outbox.filter(({ o }) => o.request.taskToken !== undefined);
    if (tokens.length > 0)
      await query(ctx, 'batchInsertTokens', 'insert into task_tokens (token, execution_id, idempotency_key, frame_id, attempt) select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::integer[]) on conflict do nothing', [
        tokens.map(({ o }) => o.request.taskToken as string),
        tokens.map(({ a }) => a.id),
        tokens.map(({ o }) => o.idempotencyKey),
        tokens.map(({ o }) => o.frameId),
        tokens.map(({ o }) => o.attempt),
      ]);
  }
  const followUps = going.flatMap((a) => a.op.followUps.map((f) => [a.id, JSON.stringify(f)] as const));
  if (followUps.length > 0)
    await query(ctx, 'batchInsertInbox', 'insert into inbox (execution_id, event) select e, v from unnest($1::bigint[], $2::text[]) with ordinality as t(e, v, ord) order by ord', [
      followUps.map((f) => f[0]),
      followUps.map((f) => f[1]),
    ]);
}

// Reads, coalesced: the scheduler reads each execution it advances (its inbox; on a takeover its
// row and snapshot too), many at once under load. Reads asked for in one turn of the event loop
// go out as one query for all of them instead of one round trip each.

/** Batches `fetch` over the keys asked for in one turn; each caller gets its own key's value. */
export class Coalesced<V> {
  private waiting = new Map<string, { resolve: (v: V) => void; reject: (e: unknown) => void }[]>();

  constructor(private readonly fetch: (keys: string[]) => Promise<Map<string, V>>, private readonly missing: () => V) {}

  get(key: string): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      if (this.waiting.size === 0) setImmediate(() => void this.flush());
      let list = this.waiting.get(key);
      if (list === undefined) this.waiting.set(key, (list = []));
      list.push({ resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    try {
      const found = await this.fetch([...batch.keys()]);
      for (const [key, list] of batch) for (const w of list) w.resolve(found.get(key) ?? this.missing());
    } catch (e) {
      for (const list of batch.values()) for (const w of list) w.reject(e);
    }
  }
}

/** Pending inbox events of many executions (by ARN), oldest first each. */
export async function pendingInboxes(ctx: PgContext, arns: readonly string[]): Promise<Map<string, InboxEvent[]>> {
  const ids = await idsOf(ctx, arns);
  const byId = new Map<number, string>();
  for (const [arn, id] of ids) byId.set(id, arn);
  const out = new Map<string, InboxEvent[]>();
  if (byId.size === 0) return out;
  const rows = (await query<{ execution_id: number; id: number; event: string }>(ctx, 'batchPendingInbox', 'select execution_id, id, event from inbox where execution_id = any($1::bigint[]) order by execution_id, id', [[...byId.keys()]])).rows;
  for (const r of rows) {
    const arn = byId.get(r.execution_id) as string;
    let list = out.get(arn);
    if (list === undefined) out.set(arn, (list = []));
    list.push({ id: r.id, event: JSON.parse(r.event) as EngineEvent });
  }
  return out;
}

/** Many executions' rows with their snapshots: what a worker reads to take them over. */
export async function executionsWithSnapshots(ctx: PgContext, arns: readonly string[]): Promise<Map<string, { record: ExecutionRecord; snapshot: Snapshot | null; version: number }>> {
  const rows = (await query<ExecutionRow & { snapshot: string | null; version: number }>(ctx, 'batchExecutions', `select ${EXECUTION_COLUMNS}, snapshot, version from executions where arn = any($1::text[])`, [arns])).rows;
  const out = new Map<string, { record: ExecutionRecord; snapshot: Snapshot | null; version: number }>();
  for (const r of rows) {
    // Its id too: the inbox read and the advance that follow need no query for it.
    ctx.learn(r.arn, r.id);
    out.set(r.arn, { record: toExecution(r), snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as Snapshot), version: r.version });
  }
  return out;
}
