import type Database from 'better-sqlite3';
import { ACTIVITY_TASK_COLUMNS, EXECUTION_COLUMNS } from '../rows.js';
import type { ExecutionClaims } from './claims.js';

const SQL = {
  insertMachine:
    'insert into state_machines (arn, name, type, role_arn, revision, created_at, updated_at) values (?, ?, ?, ?, 1, ?, ?)',
  insertRevision:
    'insert into state_machine_revisions (machine_arn, revision, definition, role_arn, created_at, version, description) values (?, ?, ?, ?, ?, ?, ?)',
  getMachine:
    'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision where m.arn = ?',
  listMachines:
    'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision order by m.created_at, m.name',
  setMachineRevision: 'update state_machines set revision = ?, role_arn = ?, updated_at = ? where arn = ?',
  getRevision: 'select * from state_machine_revisions where machine_arn = ? and revision = ?',
  maxVersion: 'select max(version) as v from state_machine_revisions where machine_arn = ?',
  listVersions:
    'select * from state_machine_revisions where machine_arn = ? and version is not null order by version desc',
  deleteMachine: 'delete from state_machines where arn = ?',
  deleteRevisions: 'delete from state_machine_revisions where machine_arn = ?',

  getRedriveToken: 'select redrive_date from redrive_tokens where execution_arn = ? and client_token = ? and expires_at >= ?',
  putRedriveToken:
    'insert into redrive_tokens (execution_arn, client_token, redrive_date, expires_at) values (?, ?, ?, ?) on conflict (execution_arn, client_token) do update set redrive_date = excluded.redrive_date, expires_at = excluded.expires_at',
  dropExpiredRedriveTokens: 'delete from redrive_tokens where expires_at < ?',

  executionId: 'select id from executions where arn = ?',
  getExecution: `select ${EXECUTION_COLUMNS} from executions where arn = ?`,
  executionState: 'select id, status, version, last_event_id from executions where arn = ?',
  statusById: 'select arn, status from executions where id = ?',
  loadSnapshot: 'select snapshot, version from executions where arn = ?',
  // ARNs (machine name + execution name) are unique: a second start with the same name inserts nothing.
  insertExecution:
    'insert into executions (arn, machine_arn, revision, name, status, input, start_date, version) values (?, ?, ?, ?, ?, ?, ?, 0) on conflict do nothing',
  updateExecution:
    'update executions set status = ?, output = ?, error = ?, cause = ?, stop_date = ?, version = ?, last_event_id = ?, snapshot = ? where id = ? and version = ? and last_event_id = ?',
  // A child execution of a distributed Map: written by its parent's advances, never claimed itself.
  insertChildExecution:
    "insert into executions (arn, machine_arn, revision, name, status, input, start_date, version, map_run_arn) values (?, ?, ?, ?, 'RUNNING', ?, ?, 0, ?) on conflict do nothing",
  // Started and ended in one commit (a short iteration): one row written once.
  insertEndedChildExecution:
    'insert into executions (arn, machine_arn, revision, name, status, input, output, error, cause, start_date, stop_date, version, last_event_id, map_run_arn) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) on conflict do nothing',
  advanceChildExecution: 'update executions set last_event_id = ? where id = ?',
  endChildExecution: 'update executions set status = ?, output = ?, error = ?, cause = ?, stop_date = ?, last_event_id = max(last_event_id, ?) where id = ?',
  redriveExecution:
    'update executions set status = ?, output = null, error = null, cause = null, stop_date = null, redrive_count = redrive_count + 1, redrive_date = ? where id = ?',
  redrivable: 'select id, status, snapshot is not null as kept from executions where arn = ?',
  listExecutionsAll: `select ${EXECUTION_COLUMNS} from executions where map_run_arn is null order by id desc limit ?`,
  listExecutionsByMachine: `select ${EXECUTION_COLUMNS} from executions where machine_arn = ? order by id desc limit ?`,
  listExecutionsByStatus: `select ${EXECUTION_COLUMNS} from executions where status = ? and map_run_arn is null order by id desc limit ?`,
  listExecutionsByBoth: `select ${EXECUTION_COLUMNS} from executions where machine_arn = ? and status = ? order by id desc limit ?`,

  // Read from the (machine_arn, status) index alone: no row of the table is read.
  countExecutions: 'select machine_arn, status, count(*) as n from executions group by machine_arn, status',

  insertInbox: 'insert into inbox (execution_id, event) values (?, ?)',
  pendingInbox: 'select id, event from inbox where execution_id = ? order by id',
  deleteInbox: 'delete from inbox where id = ? and execution_id = ?',
  deleteInboxOf: 'delete from inbox where execution_id = ?',

  insertHistory: 'insert into history (execution_id, first_event_id, last_event_id, events) values (?, ?, ?, ?)',
  historyForward: 'select events from history where execution_id = ? and last_event_id > ? order by first_event_id',
  historyReverse:
    'select events from history where execution_id = ? and first_event_id < ? order by first_event_id desc',

  insertTimer: 'insert or replace into timers (execution_id, frame_id, key, due_at) values (?, ?, ?, ?)',
  deleteTimer: 'delete from timers where execution_id = ? and frame_id = ? and key = ?',
  deleteTimersOf: 'delete from timers where execution_id = ?',
  dueTimers: 'select frame_id, key, due_at from timers where execution_id = ? and due_at <= ? order by due_at',
  nextTimer: 'select min(due_at) as t from timers',

  insertOutbox:
    'insert or ignore into outbox (idempotency_key, execution_id, frame_id, attempt, request, lease_owner, lease_expires) values (?, ?, ?, ?, ?, ?, ?)',
  getOutbox: 'select execution_id from outbox where idempotency_key = ?',
  deleteOutbox: 'delete from outbox where idempotency_key = ?',
  deleteOutboxOf: 'delete from outbox where execution_id = ?',
  deleteOutboxOfAttempt: 'delete from outbox where execution_id = ? and attempt = ?',
  pendingOutbox:
    'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request from outbox o join executions e on e.id = o.execution_id order by o.rowid limit ?',

  insertToken:
    'insert or ignore into task_tokens (token, execution_id, idempotency_key, frame_id, attempt) values (?, ?, ?, ?, ?)',
  getToken: 'select execution_id, idempotency_key, frame_id, attempt from task_tokens where token = ?',
  deleteToken: 'delete from task_tokens where token = ?',
  deleteTokensOf: 'delete from task_tokens where execution_id = ?',
  deleteTokensOfAttempt: 'delete from task_tokens where execution_id = ? and attempt = ?',

  findWork:
    'select arn from executions where id in (select execution_id from inbox union select execution_id from timers where due_at <= ?) limit ?',

  // Activity tasks: queued only for a token still waiting; taken oldest first.
  enqueueActivityTask:
    'insert or ignore into activity_tasks (token, activity_arn, execution_id, state_name, input, scheduled_at) select token, ?, execution_id, ?, ?, ? from task_tokens where token = ?',
  nextActivityTask:
    'select a.seq, a.token, a.input, t.execution_id, t.frame_id, t.attempt from activity_tasks a join task_tokens t on t.token = a.token where a.activity_arn = ? and a.taken_at is null order by a.seq limit 1',
  takeActivityTask: 'update activity_tasks set taken_at = ?, worker_name = ? where seq = ?',
  activityTaskExists: 'select 1 from activity_tasks where token = ?',
  activityTasksOf: `select ${ACTIVITY_TASK_COLUMNS} from activity_tasks where execution_id = ? order by seq`,
  deleteActivityTasks: 'delete from activity_tasks where activity_arn = ? and taken_at is null',
  insertActivity: 'insert into activities (arn, name, created_at) values (?, ?, ?)',
  getActivity: 'select arn, name, created_at from activities where arn = ?',
  listActivities: 'select arn, name, created_at from activities order by created_at, name',
  deleteActivity: 'delete from activities where arn = ?',

  // Effect claims (execution claims are in memory: claims.ts): free, expired or the owner's own rows are granted.
  claimableOutbox:
    'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request, o.lease_owner, o.lease_expires from outbox o join executions e on e.id = o.execution_id where o.lease_owner is null or o.lease_expires <= @now or (o.lease_owner = @owner and @own) order by o.rowid limit @limit',
  claimOutboxEntry: 'update outbox set lease_owner = ?, lease_expires = ? where idempotency_key = ?',
  renewOutboxClaims: 'update outbox set lease_expires = ? where lease_owner = ?',
  releaseOutboxClaims: 'update outbox set lease_owner = null, lease_expires = null where lease_owner = ?',
  releaseAllOutboxClaims: 'update outbox set lease_owner = null, lease_expires = null where lease_owner is not null',
  outboxLease: 'select lease_owner, lease_expires from outbox where idempotency_key = ?',
  acquireLease:
    'insert into leases (name, owner, expires_at) values (?, ?, ?) on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at where leases.owner = excluded.owner or leases.expires_at <= ?',
  releaseLease: 'delete from leases where name = ? and owner = ?',

  runState: 'select running from scheduler_run where id = 1',
  setRunState:
    'insert into scheduler_run (id, running) values (1, ?) on conflict (id) do update set running = excluded.running',
  countAttempt:
    'update executions set advance_attempts = advance_attempts + 1 where arn = ? returning advance_attempts',
  clearAttempts: 'update executions set advance_attempts = 0 where arn = ? and advance_attempts <> 0',

  publishVersion:
    'update state_machine_revisions set version = ?, description = ? where machine_arn = ? and revision = ?',
  unpublishVersion:
    'update state_machine_revisions set version = null, description = null where machine_arn = ? and version = ?',
  getOutboxEntry:
    'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request from outbox o join executions e on e.id = o.execution_id where o.idempotency_key = ?',
  putTag: 'insert or replace into tags (resource_arn, key, value) values (?, ?, ?)',
  deleteTag: 'delete from tags where resource_arn = ? and key = ?',
  listTags: 'select key, value from tags where resource_arn = ? order by key',
  putAlias:
    'insert or replace into aliases (arn, machine_arn, name, description, routing, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
  getAlias: 'select * from aliases where arn = ?',
  listAliases: 'select * from aliases where machine_arn = ? order by created_at, name',
  deleteAlias: 'delete from aliases where arn = ?',

  bumpLambdaVersion:
    'insert into lambda_functions (function_name, last_version) values (?, 1) on conflict (function_name) do update set last_version = last_version + 1 returning last_version',
  insertLambdaVersion: 'insert into lambda_versions (function_name, version, config, created_at) values (?, ?, ?, ?)',
  listLambdaVersions: 'select * from lambda_versions where function_name = ? order by version',
  deleteLambdaVersion: 'delete from lambda_versions where function_name = ? and version = ?',
  putLambdaAlias:
    'insert or replace into lambda_aliases (function_name, name, function_version, description, weights, revision_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  getLambdaAlias: 'select * from lambda_aliases where function_name = ? and name = ?',
  listLambdaAliases: 'select * from lambda_aliases where function_name = ? order by name',
  deleteLambdaAlias: 'delete from lambda_aliases where function_name = ? and name = ?',
  putLambdaPolicy: 'insert or replace into lambda_policies (function_name, qualifier, policy, revision_id) values (?, ?, ?, ?)',
  getLambdaPolicy: 'select policy, revision_id from lambda_policies where function_name = ? and qualifier = ?',
  deleteLambdaPolicy: 'delete from lambda_policies where function_name = ? and qualifier = ?',
  deleteLambdaFunction: 'delete from lambda_functions where function_name = ?',
  deleteLambdaVersions: 'delete from lambda_versions where function_name = ?',
  deleteLambdaAliases: 'delete from lambda_aliases where function_name = ?',
  deleteLambdaPolicies: 'delete from lambda_policies where function_name = ?',
};

export type Statements = { readonly [K in keyof typeof SQL]: Database.Statement };

/** Every statement the store runs, prepared once at open (design.md section 6). */
export function prepareStatements(db: Database.Database): Statements {
  const out: Partial<Record<keyof typeof SQL, Database.Statement>> = {};
  for (const name of Object.keys(SQL) as (keyof typeof SQL)[]) out[name] = db.prepare(SQL[name]);
  return out as Statements;
}

/** What the store's modules share: the database, its statements, and execution ids by ARN. */
export interface SqliteContext {
  readonly db: Database.Database;
  readonly s: Statements;
  /** Who advances which execution (in memory: one process owns the data dir). */
  readonly claims: ExecutionClaims;
  /** The row id of an execution (cached: ids never change). */
  idOf(arn: string): number | undefined;
  /** The id of a row the running commit inserted: cached once the commit lands (a rollback forgets it). */
  learnId(arn: string, id: number): void;
  /** ListExecutions pages, prepared once per shape of query (which filters are set): at most 2^6 statements. */
  readonly pageStatements: Map<string, Database.Statement>;
}
