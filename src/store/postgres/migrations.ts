/**
 * Schema migrations of the PostgreSQL store, applied in order at open, each in a transaction of
 * its own; `schema_migrations` records those applied. Never edit a released migration: add one.
 *
 * User JSON (inputs, outputs, snapshots, history, requests) is kept as text, not JSONB: JSONB
 * reorders object keys and drops duplicates, and AWS hands JSON back in the order it was given.
 * No query reads inside those values, so JSONB would cost a parse per write and help nothing.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the execution model of design.md section 3, as SQLite's migrations 1-7 left it.
  `
  create table state_machines (
    arn text primary key,
    name text not null unique,
    type text not null,
    role_arn text not null,
    revision integer not null,
    created_at bigint not null,
    updated_at bigint not null
  );
  create table state_machine_revisions (
    machine_arn text not null,
    revision integer not null,
    definition text not null,
    role_arn text not null,
    created_at bigint not null,
    version integer,
    description text,
    primary key (machine_arn, revision)
  );
  create table executions (
    id bigserial primary key,
    arn text not null unique,
    machine_arn text not null,
    revision integer not null,
    name text not null,
    status text not null,
    input text not null,
    output text,
    error text,
    cause text,
    start_date bigint not null,
    stop_date bigint,
    version integer not null,
    last_event_id integer not null default 0,
    -- null before the first advance (the start snapshot follows from the row) and after success
    snapshot text,
    redrive_count integer not null default 0,
    redrive_date bigint,
    advance_attempts integer not null default 0,
    lease_owner text,
    lease_expires bigint
  );
  -- ListExecutions pages newest first (id desc) per machine and status, per status, per machine.
  create index executions_by_status on executions (machine_arn, status, id);
  create index executions_by_status_only on executions (status, id);
  -- Only held rows: renewing and letting go of a worker's claims reads its own rows.
  create index executions_by_lease_owner on executions (lease_owner) where lease_owner is not null;
  create table inbox (
    id bigserial primary key,
    execution_id bigint not null,
    event text not null
  );
  create index inbox_by_execution on inbox (execution_id, id);
  -- One row per committed advance: the events it made, as a JSON array.
  create table history (
    execution_id bigint not null,
    first_event_id integer not null,
    last_event_id integer not null,
    events text not null,
    primary key (execution_id, first_event_id)
  );
  create table outbox (
    seq bigserial not null,
    idempotency_key text primary key,
    execution_id bigint not null,
    frame_id text not null,
    attempt integer not null,
    request text not null,
    lease_owner text,
    lease_expires bigint
  );
  create index outbox_by_execution on outbox (execution_id);
  create index outbox_by_seq on outbox (seq);
  create table timers (
    execution_id bigint not null,
    frame_id text not null,
    key text not null,
    due_at bigint not null,
    primary key (execution_id, frame_id, key)
  );
  create index timers_by_due on timers (due_at);
  create table task_tokens (
    token text primary key,
    execution_id bigint not null,
    idempotency_key text not null,
    frame_id text not null,
    attempt integer not null
  );
  create index task_tokens_by_execution on task_tokens (execution_id);
  create table activities (
    arn text primary key,
    name text not null unique,
    created_at bigint not null
  );
  create table leases (
    name text primary key,
    owner text not null,
    expires_at bigint not null
  );
  create table tags (
    resource_arn text not null,
    key text not null,
    value text not null,
    primary key (resource_arn, key)
  );
  create table aliases (
    arn text primary key,
    machine_arn text not null,
    name text not null,
    description text,
    routing text not null,
    created_at bigint not null,
    updated_at bigint not null
  );
  create index aliases_by_machine on aliases (machine_arn);
  -- Poison pills: whether each scheduler run (by its node name) ended cleanly.
  create table scheduler_runs (
    node text primary key,
    running boolean not null
  );
  `,
  // 2: RedriveExecution's clientToken: the redrive a token made, answered again for 15 minutes.
  `
  create table redrive_tokens (
    execution_arn text not null,
    client_token text not null,
    redrive_date bigint not null,
    expires_at bigint not null,
    primary key (execution_arn, client_token)
  );
  create index redrive_tokens_by_expiry on redrive_tokens (expires_at);
  `,
  // 3: activity tasks in the store (GetActivityTask takes from here, on whichever server). A task
  // lives as long as its attempt's token: the foreign key ends it with the token.
  `
  create table activity_tasks (
    seq bigserial primary key,
    token text not null unique references task_tokens (token) on delete cascade,
    activity_arn text not null,
    execution_id bigint not null,
    state_name text not null,
    input text not null,
    scheduled_at bigint not null,
    taken_at bigint,
    worker_name text
  );
  create index activity_tasks_waiting on activity_tasks (activity_arn, seq) where taken_at is null;
  create index activity_tasks_by_execution on activity_tasks (execution_id);
  `,
  // 4: function logs: each invocation's log, kept across restarts for the console; the retention
  // (newest N per function, nothing older than an age) trims by id per function and by end time.
  `
  create table function_logs (
    id bigserial primary key,
    function_name text not null,
    request_id text not null,
    ended_at bigint not null,
    ok boolean not null,
    duration_ms double precision,
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
  // 5: the Lambda API's versions (a configuration snapshot each; the counter never goes back while
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
    created_at bigint not null,
    primary key (function_name, version)
  );
  create table lambda_aliases (
    function_name text not null,
    name text not null,
    function_version text not null,
    description text not null,
    weights text,
    revision_id text not null,
    created_at bigint not null,
    updated_at bigint not null,
    primary key (function_name, name)
  );
  create table lambda_policies (
    function_name text not null,
    qualifier text not null,
    policy text not null,
    revision_id text not null,
    primary key (function_name, qualifier)
  );
  `,
  // 6: the child executions of distributed Maps: rows of their own (status, input, output, history)
  // that name their Map Run; ListExecutions with a mapRunArn reads them by it.
  `
  alter table executions add column map_run_arn text;
  create index executions_by_map_run on executions (map_run_arn, id) where map_run_arn is not null;
  `,
];
