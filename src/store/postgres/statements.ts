import type pg from 'pg';
import { ACTIVITY_TASK_COLUMNS, EXECUTION_COLUMNS } from '../rows.js';

/**
 * Every statement the store runs, by name. node-postgres prepares a named statement once per
 * connection and then only binds values (design.md section 6). Times are epoch ms in bigint columns.
 */
export const SQL = {
  insertMachine:
    'insert into state_machines (arn, name, type, role_arn, revision, created_at, updated_at) values ($1, $2, $3, $4, 1, $5, $6)',
  insertRevision:
    'insert into state_machine_revisions (machine_arn, revision, definition, role_arn, created_at, version, description) values ($1, $2, $3, $4, $5, $6, $7)',
  getMachine:
    'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision where m.arn = $1',
  // Row lock: two updates of one machine make revisions one after the other.
  lockMachine:
    'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision where m.arn = $1 for update of m',
  listMachines:
    'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision order by m.created_at, m.name',
  setMachineRevision: 'update state_machines set revision = $1, role_arn = $2, updated_at = $3 where arn = $4',
  getRevision: 'select * from state_machine_revisions where machine_arn = $1 and revision = $2',
  maxVersion: 'select max(version) as v from state_machine_revisions where machine_arn = $1',
  listVersions:
    'select * from state_machine_revisions where machine_arn = $1 and version is not null order by version desc',
  deleteMachine: 'delete from state_machines where arn = $1',
  deleteRevisions: 'delete from state_machine_revisions where machine_arn = $1',
  publishVersion:
    'update state_machine_revisions set version = $1, description = $2 where machine_arn = $3 and revision = $4',
  unpublishVersion:
    'update state_machine_revisions set version = null, description = null where machine_arn = $1 and version = $2',

  executionId: 'select id from executions where arn = $1',
  getExecution: `select ${EXECUTION_COLUMNS} from executions where arn = $1`,
  executionState: 'select id, status, version, last_event_id from executions where arn = $1',
  // A share lock: an event is only queued for a RUNNING execution, and a finishing advance (which
  // locks the row to update it) cannot slip in between the check and the insert.
  lockStatus: 'select arn, status from executions where id = $1 for share',
  lockState: 'select id, status from executions where arn = $1 for share',
  statusById: 'select arn, status from executions where id = $1',
  loadSnapshot: 'select snapshot, version from executions where arn = $1',
  // ARNs (machine name + execution name) are unique: a second start with the same name inserts nothing.
  insertExecution:
    'insert into executions (arn, machine_arn, revision, name, status, input, start_date, version, lease_owner, lease_expires) values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) on conflict (arn) do nothing returning id',
  updateExecution:
    'update executions set status = $1, output = $2, error = $3, cause = $4, stop_date = $5, version = $6, last_event_id = $7, snapshot = $8, lease_owner = $9, lease_expires = $10 where id = $11 and version = $12 and last_event_id = $13',
  redriveExecution:
    'update executions set status = $1, output = null, error = null, cause = null, stop_date = null, redrive_count = redrive_count + 1, redrive_date = $2 where id = $3',
  redrivable: 'select id, status, snapshot is not null as kept from executions where arn = $1 for update',
  listExecutionsAll: `select ${EXECUTION_COLUMNS} from executions where map_run_arn is null order by id desc limit $1`,
  listExecutionsByMachine: `select ${EXECUTION_COLUMNS} from executions where machine_arn = $1 order by id desc limit $2`,
  listExecutionsByStatus: `select ${EXECUTION_COLUMNS} from executions where status = $1 and map_run_arn is null order by id desc limit $2`,
  listExecutionsByBoth: `select ${EXECUTION_COLUMNS} from executions where machine_arn = $1 and status = $2 order by id desc limit $3`,
  countExecutions: 'select machine_arn, status, count(*)::integer as n from executions group by machine_arn, status',

  insertInbox: 'insert into inbox (execution_id, event) values ($1, $2)',
  pendingInbox: 'select id, event from inbox where execution_id = $1 order by id',
  deleteInbox: 'delete from inbox where id = $1 and execution_id = $2',
  deleteInboxOf: 'delete from inbox where execution_id = $1',

  insertHistory: 'insert into history (execution_id, first_event_id, last_event_id, events) values ($1, $2, $3, $4)',
  // Each row holds one or more events: max + 1 rows hold at least max + 1 events.
  historyForward:
    'select events from history where execution_id = $1 and last_event_id > $2 order by first_event_id limit $3',
  historyReverse:
    'select events from history where execution_id = $1 and first_event_id < $2 order by first_event_id desc limit $3',

  insertTimer:
    'insert into timers (execution_id, frame_id, key, due_at) values ($1, $2, $3, $4) on conflict (execution_id, frame_id, key) do update set due_at = excluded.due_at',
  deleteTimer: 'delete from timers where execution_id = $1 and frame_id = $2 and key = $3',
  deleteTimersOf: 'delete from timers where execution_id = $1',
  dueTimers: 'select frame_id, key, due_at from timers where execution_id = $1 and due_at <= $2 order by due_at',
  nextTimer: 'select min(due_at) as t from timers',

  insertOutbox:
    'insert into outbox (idempotency_key, execution_id, frame_id, attempt, request, lease_owner, lease_expires) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing',
  getOutbox: 'select execution_id from outbox where idempotency_key = $1',
  deleteOutbox: 'delete from outbox where idempotency_key = $1',
  takeOutbox: 'delete from outbox where idempotency_key = $1 returning execution_id',
  deleteOutboxOf: 'delete from outbox where execution_id = $1',
  deleteOutboxOfAttempt: 'delete from outbox where execution_id = $1 and attempt = $2',
  pendingOutbox:
    'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request from outbox o join executions e on e.id = o.execution_id order by o.seq limit $1',
  getOutboxEntry:
    'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request from outbox o join executions e on e.id = o.execution_id where o.idempotency_key = $1',

  insertToken:
    'insert into task_tokens (token, execution_id, idempotency_key, frame_id, attempt) values ($1, $2, $3, $4, $5) on conflict do nothing',
  getToken: 'select execution_id, idempotency_key, frame_id, attempt from task_tokens where token = $1',
  getRedriveToken: 'select redrive_date from redrive_tokens where execution_arn = $1 and client_token = $2 and expires_at >= $3',
  putRedriveToken:
    'insert into redrive_tokens (execution_arn, client_token, redrive_date, expires_at) values ($1, $2, $3, $4) on conflict (execution_arn, client_token) do update set redrive_date = excluded.redrive_date, expires_at = excluded.expires_at',
  dropExpiredRedriveTokens: 'delete from redrive_tokens where expires_at < $1',
  takeToken: 'delete from task_tokens where token = $1 returning execution_id',
  deleteTokensOf: 'delete from task_tokens where execution_id = $1',
  deleteTokensOfAttempt: 'delete from task_tokens where execution_id = $1 and attempt = $2',

  findWork:
    'select arn from executions where id in (select execution_id from inbox union select execution_id from timers where due_at <= $1) limit $2',

  // Activity tasks: queued only for a token still waiting (the foreign key ends them with it).
  enqueueActivityTask:
    'insert into activity_tasks (token, activity_arn, execution_id, state_name, input, scheduled_at) select token, $2, execution_id, $3, $4, $5 from task_tokens where token = $1 on conflict (token) do nothing returning seq',
  activityTaskExists: 'select 1 from activity_tasks where token = $1',
  // Read without a lock: the taker locks the execution first and the task after (the order of
  // every write, so a take never deadlocks with the advance that ends the task).
  nextActivityTask:
    'select a.seq, t.execution_id, t.frame_id, t.attempt from activity_tasks a join task_tokens t on t.token = a.token where a.activity_arn = $1 and a.taken_at is null order by a.seq limit 1',
  // Of two takers of one task the second finds it taken once the first commits, and looks again.
  takeActivityTask: 'update activity_tasks set taken_at = $2, worker_name = $3 where seq = $1 and taken_at is null returning token, input',
  activityTasksOf: `select ${ACTIVITY_TASK_COLUMNS} from activity_tasks where execution_id = $1 order by seq`,
  deleteActivityTasks: 'delete from activity_tasks where activity_arn = $1 and taken_at is null',
  insertActivity: 'insert into activities (arn, name, created_at) values ($1, $2, $3) on conflict (arn) do nothing',
  getActivity: 'select arn, name, created_at from activities where arn = $1',
  listActivities: 'select arn, name, created_at from activities order by created_at, name',
  deleteActivity: 'delete from activities where arn = $1',

  // Claims: free, expired or the owner's own rows are granted ($1 owner, $2 now, $3 expires).
  // A row another transaction has locked is not waited for: claims and renewals never join a lock
  // cycle between workers' group commits (measured: 3 workers on one database deadlocked every few
  // seconds when they waited, each deadlock costing a second of deadlock_timeout and a retried batch).
  // A claim refused so is taken by whoever commits that lock, or at the next poll.
  claimExecution:
    'update executions set lease_owner = $1, lease_expires = $3 where id = (select id from executions where id = $4 and (lease_owner is null or lease_owner = $1 or lease_expires <= $2) for update skip locked)',
  // Rows another worker is claiming at this moment are skipped, not waited for; the owner's own
  // live claims come back as they are, without a write.
  claimWork: `
    with picked as (
      select id, arn, lease_owner, lease_expires from executions
      where id in (select execution_id from inbox union select execution_id from timers where due_at <= $2)
        and (lease_owner is null or lease_owner = $1 or lease_expires <= $2)
      limit $4 for update skip locked
    ), granted as (
      update executions e set lease_owner = $1, lease_expires = $3 from picked p
      where e.id = p.id and not (p.lease_owner is not distinct from $1 and p.lease_expires > $2)
      returning e.arn, e.lease_expires
    )
    select arn, lease_expires from granted
    union all
    select arn, lease_expires from picked where lease_owner = $1 and lease_expires > $2`,
  // claimWork among the executions named in $4 (by the arn index): a claim of signalled work reads
  // the rows it names, not every execution that has work (which under load are mostly other
  // workers' claims: measured, three quarters of the backends' CPU per execution with 4 workers).
  // Only RUNNING ones: a row another worker finished meanwhile is re-checked as it is now (its
  // status), while the inbox test sees the statement's snapshot; without it 2.6% of claims were
  // of executions already finished, each a pass with nothing to do and a release. (Written so
  // the status index is not used: with it, the claim read every RUNNING execution's entry.)
  claimExecutions: `
    with picked as (
      select id, arn, lease_owner, lease_expires from executions e
      where arn = any($4::text[]) and coalesce(status, '') = 'RUNNING'
        and (lease_owner is null or lease_owner = $1 or lease_expires <= $2)
        and (exists (select 1 from inbox i where i.execution_id = e.id) or exists (select 1 from timers t where t.execution_id = e.id and t.due_at <= $2))
      for update skip locked
    ), granted as (
      update executions e set lease_owner = $1, lease_expires = $3 from picked p
      where e.id = p.id and not (p.lease_owner is not distinct from $1 and p.lease_expires > $2)
      returning e.arn, e.lease_expires
    )
    select arn, lease_expires from granted
    union all
    select arn, lease_expires from picked where lease_owner = $1 and lease_expires > $2`,
  claimOutbox: `
    with picked as (
      select seq, idempotency_key, lease_owner, lease_expires from outbox
      where lease_owner is null or lease_expires <= $2 or (lease_owner = $1 and $5)
      order by seq limit $4 for update skip locked
    ), granted as (
      update outbox o set lease_owner = $1, lease_expires = $3 from picked p
      where o.idempotency_key = p.idempotency_key and not (p.lease_owner is not distinct from $1 and p.lease_expires > $2)
    )
    select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request
    from picked p join outbox o on o.idempotency_key = p.idempotency_key join executions e on e.id = o.execution_id
    order by p.seq`,
  // Rows locked by another transaction now are renewed at the next renewal, a third of a lease later.
  // The rows are picked once, in a CTE: as `id in (select … for update)` the planner re-ran the
  // locking subquery per row, and one renewal of 300 claims ran for minutes.
  renewExecutionClaims:
    'with mine as (select id from executions where lease_owner = $2 for update skip locked) update executions e set lease_expires = $1 from mine where e.id = mine.id',
  renewOutboxClaims:
    'with mine as (select idempotency_key from outbox where lease_owner = $2 for update skip locked) update outbox o set lease_expires = $1 from mine where o.idempotency_key = mine.idempotency_key',
  releaseExecutionClaim: 'update executions set lease_owner = null, lease_expires = null where id = $1 and lease_owner = $2',
  releaseExecutionClaims: 'update executions set lease_owner = null, lease_expires = null where lease_owner = $1',
  releaseOutboxClaims: 'update outbox set lease_owner = null, lease_expires = null where lease_owner = $1',
  executionLease: 'select lease_owner, lease_expires from executions where arn = $1',
  outboxLease: 'select lease_owner, lease_expires from outbox where idempotency_key = $1',
  acquireLease:
    'insert into leases (name, owner, expires_at) values ($1, $2, $3) on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at where leases.owner = excluded.owner or leases.expires_at <= $4',
  releaseLease: 'delete from leases where name = $1 and owner = $2',

  // Poison pills, per scheduler node ($1).
  beginRun:
    'insert into scheduler_runs (node, running) values ($1, true) on conflict (node) do update set running = true returning (select running from scheduler_runs where node = $1) as was_running',
  endRun: 'update scheduler_runs set running = false where node = $1',
  countAttempt: 'update executions set advance_attempts = advance_attempts + 1 where arn = $1 returning advance_attempts',
  clearAttempts: 'update executions set advance_attempts = 0 where arn = $1 and advance_attempts <> 0',

  putTag:
    'insert into tags (resource_arn, key, value) values ($1, $2, $3) on conflict (resource_arn, key) do update set value = excluded.value',
  deleteTag: 'delete from tags where resource_arn = $1 and key = $2',
  listTags: 'select key, value from tags where resource_arn = $1 order by key',
  putAlias: `insert into aliases (arn, machine_arn, name, description, routing, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7)
    on conflict (arn) do update set machine_arn = excluded.machine_arn, name = excluded.name, description = excluded.description,
      routing = excluded.routing, created_at = excluded.created_at, updated_at = excluded.updated_at`,
  getAlias: 'select * from aliases where arn = $1',
  listAliases: 'select * from aliases where machine_arn = $1 order by created_at, name',
  deleteAlias: 'delete from aliases where arn = $1',

  bumpLambdaVersion:
    'insert into lambda_functions (function_name, last_version) values ($1, 1) on conflict (function_name) do update set last_version = lambda_functions.last_version + 1 returning last_version',
  insertLambdaVersion: 'insert into lambda_versions (function_name, version, config, created_at) values ($1, $2, $3, $4)',
  listLambdaVersions: 'select * from lambda_versions where function_name = $1 order by version',
  deleteLambdaVersion: 'delete from lambda_versions where function_name = $1 and version = $2',
  putLambdaAlias:
    'insert into lambda_aliases (function_name, name, function_version, description, weights, revision_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (function_name, name) do update set function_version = excluded.function_version, description = excluded.description, weights = excluded.weights, revision_id = excluded.revision_id, created_at = excluded.created_at, updated_at = excluded.updated_at',
  getLambdaAlias: 'select * from lambda_aliases where function_name = $1 and name = $2',
  listLambdaAliases: 'select * from lambda_aliases where function_name = $1 order by name',
  deleteLambdaAlias: 'delete from lambda_aliases where function_name = $1 and name = $2',
  putLambdaPolicy: 'insert into lambda_policies (function_name, qualifier, policy, revision_id) values ($1, $2, $3, $4) on conflict (function_name, qualifier) do update set policy = excluded.policy, revision_id = excluded.revision_id',
  getLambdaPolicy: 'select policy, revision_id from lambda_policies where function_name = $1 and qualifier = $2',
  deleteLambdaPolicy: 'delete from lambda_policies where function_name = $1 and qualifier = $2',
  deleteLambdaFunction: 'delete from lambda_functions where function_name = $1',
  deleteLambdaVersions: 'delete from lambda_versions where function_name = $1',
  deleteLambdaAliases: 'delete from lambda_aliases where function_name = $1',
  deleteLambdaPolicies: 'delete from lambda_policies where function_name = $1',
} as const;

export type StatementName = keyof typeof SQL;

type Value = string | number | boolean | null;

/** What the store's modules share: one connection (inside a transaction or not) and execution ids. */
export interface PgContext {
  /** Runs the named statement with its values. */
  run<R extends object = Record<string, unknown>>(name: StatementName, values?: readonly Value[]): Promise<pg.QueryResult<R>>;
  /** Runs an ad-hoc statement (ListExecutions pages: one per shape of query, prepared under its own name). */
  runText<R extends object = Record<string, unknown>>(name: string, text: string, values: readonly Value[]): Promise<pg.QueryResult<R>>;
  /** The row id of an execution (ids never change; learned ids are kept once their transaction commits). */
  idOf(arn: string): Promise<number | undefined>;
  /** The row id of an execution if it is known without a query. */
  knownId(arn: string): number | undefined;
  /** An id read or written by a batched statement (kept like idOf's). */
  learn(arn: string, id: number): void;
  /** Within a transaction, one unit of work: several statements that must see each other. */
  transaction<T>(fn: (ctx: PgContext) => Promise<T>): Promise<T>;
}

/** A connection's PgContext: named statements, ids from `ids` (read-through) and `learned` (this transaction's). */
export function contextOf(
  client: pg.ClientBase | pg.Pool,
  ids: { get(arn: string): number | undefined; learn(arn: string, id: number): void },
  transaction: <T>(fn: (ctx: PgContext) => Promise<T>) => Promise<T>,
): PgContext {
  const ctx: PgContext = {
    run: <R extends object>(name: StatementName, values: readonly Value[] = []) =>
      client.query<R>({ name, text: SQL[name], values: values as Value[] }),
    runText: <R extends object>(name: string, text: string, values: readonly Value[]) =>
      client.query<R>({ name, text, values: values as Value[] }),
    idOf: async (arn) => {
      const hit = ids.get(arn);
      if (hit !== undefined) return hit;
      const r = await client.query<{ id: number }>({ name: 'executionId', text: SQL.executionId, values: [arn] });
      if (r.rows.length === 0) return undefined;
      ids.learn(arn, r.rows[0].id);
      return r.rows[0].id;
    },
    knownId: (arn) => ids.get(arn),
    learn: (arn, id) => ids.learn(arn, id),
    transaction,
  };
  return ctx;
}
