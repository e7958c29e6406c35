/**
 * Schema migrations, applied in order at open; `PRAGMA user_version` records the last one applied.
 * Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the execution model of design.md section 3.
  `
  create table state_machines (
    arn text primary key,
    name text not null unique,
    type text not null,
    role_arn text not null,
    revision integer not null,
    created_at integer not null,
    updated_at integer not null
  );
  create table state_machine_revisions (
    machine_arn text not null,
    revision integer not null,
    definition text not null,
    role_arn text not null,
    created_at integer not null,
    version integer,
    description text,
    primary key (machine_arn, revision)
  ) without rowid;
  -- The execution ARN is made of the machine's name and the execution's: its uniqueness is the
  -- name's uniqueness per machine, so no second unique index (each costs a random page write per start).
  create table executions (
    id integer primary key,
    arn text not null unique,
    machine_arn text not null,
    revision integer not null,
    name text not null,
    status text not null,
    input text not null,
    output text,
    error text,
    cause text,
    start_date integer not null,
    stop_date integer,
    version integer not null,
    last_event_id integer not null default 0,
    -- null before the first advance (the start snapshot follows from the row) and after success
    snapshot text
  );
  create index executions_by_status on executions (machine_arn, status);
  create table inbox (
    id integer primary key autoincrement,
    execution_id integer not null,
    event text not null
  );
  create index inbox_by_execution on inbox (execution_id, id);
  -- One row per committed advance: the events it made, as a JSON array. An advance makes several
  -- events; one row for all of them is most of group commit's gain in rows written.
  create table history (
    execution_id integer not null,
    first_event_id integer not null,
    last_event_id integer not null,
    events text not null,
    primary key (execution_id, first_event_id)
  ) without rowid;
  create table outbox (
    idempotency_key text primary key,
    execution_id integer not null,
    frame_id text not null,
    attempt integer not null,
    request text not null
  );
  create index outbox_by_execution on outbox (execution_id);
  create table timers (
    execution_id integer not null,
    frame_id text not null,
    key text not null,
    due_at integer not null,
    primary key (execution_id, frame_id, key)
  ) without rowid;
  create index timers_by_due on timers (due_at);
  create table task_tokens (
    token text primary key,
    execution_id integer not null,
    idempotency_key text not null,
    frame_id text not null,
    attempt integer not null
  );
  create index task_tokens_by_execution on task_tokens (execution_id);
  create table activities (
    arn text primary key,
    name text not null unique,
    created_at integer not null
  );
  create table leases (
    name text primary key,
    owner text not null,
    expires_at integer not null
  );
  `,
  // 2: tags and state machine aliases of the Step Functions API.
  `
  create table tags (
    resource_arn text not null,
    key text not null,
    value text not null,
    primary key (resource_arn, key)
  ) without rowid;
  create table aliases (
    arn text primary key,
    machine_arn text not null,
    name text not null,
    description text,
    routing text not null,
    created_at integer not null,
    updated_at integer not null
  );
  create index aliases_by_machine on aliases (machine_arn);
  `,
  // 3: history in a rowid table. A WITHOUT ROWID table keeps at most ~1 KB of a row in its page and
  // spills the rest to an overflow page of its own, so every advance's events cost two pages.
  `
  create table history_rows (
    id integer primary key,
    execution_id integer not null,
    first_event_id integer not null,
    last_event_id integer not null,
    events text not null
  );
  insert into history_rows (execution_id, first_event_id, last_event_id, events)
    select execution_id, first_event_id, last_event_id, events from history order by execution_id, first_event_id;
  drop table history;
  alter table history_rows rename to history;
  create unique index history_by_execution on history (execution_id, first_event_id);
  `,
  // 4: RedriveExecution: how many times an execution was redriven and when last.
  `
  alter table executions add column redrive_count integer not null default 0;
  alter table executions add column redrive_date integer;
  `,
  // 5: ListExecutions pages in SQL, newest first (id desc): per machine, and per status across
  // machines (the console). Per machine and status is executions_by_status (its rowid is the id).
  `
  create index executions_by_machine on executions (machine_arn);
  create index executions_by_status_only on executions (status);
  `,
  // 6: poison pills. Whether the scheduler's last run ended cleanly, and per execution the attempts
  // to advance it made since its last successful advance after an unclean restart.
  `
  create table scheduler_run (id integer primary key check (id = 1), running integer not null);
  alter table executions add column advance_attempts integer not null default 0;
  `,
  // 7: RedriveExecution's clientToken: the redrive a token made, answered again for 15 minutes
  // (kept in the store so that a restart does not redrive a retried request twice).
  `
  create table redrive_tokens (
    execution_arn text not null,
    client_token text not null,
    redrive_date integer not null,
    expires_at integer not null,
    primary key (execution_arn, client_token)
  );
  create index redrive_tokens_by_expiry on redrive_tokens (expires_at);
  `,
  // 8: claims. The worker advancing an execution, or dispatching an outbox entry, holds it until
  // the lease expires or it lets go. Only held rows are in the partial index: renewing and letting
  // go of a worker's claims reads its own rows, whatever the tables hold.
  `
  alter table executions add column lease_owner text;
  alter table executions add column lease_expires integer;
  create index executions_by_lease_owner on executions (lease_owner) where lease_owner is not null;
  alter table outbox add column lease_owner text;
  alter table outbox add column lease_expires integer;
  `,
  // 9: function logs: each invocation's log, kept across restarts for the console; the retention
  // (newest N per function, nothing older than an age) trims by id per function and by end time.
  `
  create table function_logs (
    id integer primary key,
    function_name text not null,
    request_id text not null,
    ended_at integer not null,
    ok integer not null,
    duration_ms real,
    max_memory_used_mb integer,
    memory_mb integer,
    execution_arn text,
    state_name text,
    logs text not null
  );
  create index function_logs_by_function on function_logs (function_name, id);
  create index function_logs_by_request on function_logs (request_id);
  create index function_logs_by_execution on function_logs (execution_arn, state_name) where execution_arn is not null;
  create index function_logs_by_end on function_logs (ended_at);
  `,
  // 10: activity tasks in the store (GetActivityTask takes from here, whichever process queued
  // them). A task lives as long as its attempt's token: the trigger ends it with the token.
  `
  create table activity_tasks (
    seq integer primary key autoincrement,
    token text not null unique,
    activity_arn text not null,
    execution_id integer not null,
    state_name text not null,
    input text not null,
    scheduled_at integer not null,
    taken_at integer,
    worker_name text
  );
  create index activity_tasks_waiting on activity_tasks (activity_arn, seq) where taken_at is null;
  create index activity_tasks_by_execution on activity_tasks (execution_id);
  create trigger activity_tasks_end_with_token after delete on task_tokens
  begin
    delete from activity_tasks where token = old.token;
  end;
  `,
  // 11: the Lambda API's versions (a configuration snapshot each; the counter never goes back while
  // the function exists), aliases and resource policies. $LATEST stays under the data dir with its code.
  `
  create table lambda_functions (
    function_name text primary key,
    last_version integer not null
  );
  create table lambda_versions (
    function_name text not null,
    version integer not null,
    config text not null,
    created_at integer not null,
    primary key (function_name, version)
  ) without rowid;
  create table lambda_aliases (
    function_name text not null,
    name text not null,
    function_version text not null,
    description text not null,
    weights text,
    revision_id text not null,
    created_at integer not null,
    updated_at integer not null,
    primary key (function_name, name)
  ) without rowid;
  create table lambda_policies (
    function_name text not null,
    qualifier text not null,
    policy text not null,
    revision_id text not null,
    primary key (function_name, qualifier)
  ) without rowid;
  `,
  // 12: execution claims leave the table for memory (claims.ts): one process owns the data dir and
  // lets go of every claim when its run begins, so the columns and their index only cost writes.
  `
  drop index executions_by_lease_owner;
  alter table executions drop column lease_owner;
  alter table executions drop column lease_expires;
  `,
  // 13: the child executions of distributed Maps: rows of their own (status, input, output, history)
  // that name their Map Run; ListExecutions with a mapRunArn reads them by it.
  `
  alter table executions add column map_run_arn text;
  create index executions_by_map_run on executions (map_run_arn, id) where map_run_arn is not null;
  `,
];
