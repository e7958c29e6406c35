import type { ExecutionStatus, HistoryEvent } from '../engine/index.js';
import type { ActivityTaskRecord } from './activity-tasks.js';
import type { AliasRecord, ActivityRecord, StateMachineRecord, StateMachineRevision } from './catalog.js';
import type { ExecutionRecord, StoredHistoryEvent } from './executions.js';
import type { OutboxRecord } from './work.js';

// Rows as both stores return them (the same columns in SQLite and PostgreSQL), and the records of the contract they map to.

export interface ExecutionRow {
  id: number;
  arn: string;
  machine_arn: string;
  revision: number;
  name: string;
  status: ExecutionStatus;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  start_date: number;
  stop_date: number | null;
  redrive_count: number;
  redrive_date: number | null;
  last_event_id: number;
  map_run_arn: string | null;
}

export const EXECUTION_COLUMNS =
  'id, arn, machine_arn, revision, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, last_event_id, map_run_arn';

export interface MachineRow {
  arn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  role_arn: string;
  revision: number;
  created_at: number;
  updated_at: number;
  definition: string;
}

export interface RevisionRow {
  machine_arn: string;
  revision: number;
  definition: string;
  role_arn: string;
  created_at: number;
  version: number | null;
  description: string | null;
}

export interface AliasRow {
  arn: string;
  machine_arn: string;
  name: string;
  description: string | null;
  routing: string;
  created_at: number;
  updated_at: number;
}

export interface ActivityRow {
  arn: string;
  name: string;
  created_at: number;
}

export interface OutboxRow {
  arn: string;
  idempotency_key: string;
  frame_id: string;
  attempt: number;
  request: string;
}

export interface TokenRow {
  execution_id: number;
  idempotency_key: string;
  frame_id: string;
  attempt: number;
}

export function toExecution(r: ExecutionRow): ExecutionRecord {
  const e: { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] } = {
    arn: r.arn,
    stateMachineArn: r.machine_arn,
    revision: r.revision,
    name: r.name,
    status: r.status,
    input: r.input,
    startDate: r.start_date,
  };
  if (r.output !== null) e.output = r.output;
  if (r.error !== null) e.error = r.error;
  if (r.cause !== null) e.cause = r.cause;
  if (r.stop_date !== null) e.stopDate = r.stop_date;
  if (r.redrive_count > 0) e.redriveCount = r.redrive_count;
  if (r.redrive_date !== null) e.redriveDate = r.redrive_date;
  if (r.last_event_id > 0) e.lastEventId = r.last_event_id;
  if (r.map_run_arn !== null) e.mapRunArn = r.map_run_arn;
  return e;
}

export function toMachine(r: MachineRow): StateMachineRecord {
  return {
    arn: r.arn,
    name: r.name,
    type: r.type,
    roleArn: r.role_arn,
    revision: r.revision,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    definition: r.definition,
  };
}

export function toRevision(r: RevisionRow): StateMachineRevision {
  const v: { -readonly [K in keyof StateMachineRevision]: StateMachineRevision[K] } = {
    stateMachineArn: r.machine_arn,
    revision: r.revision,
    definition: r.definition,
    roleArn: r.role_arn,
    createdAt: r.created_at,
  };
  if (r.version !== null) v.version = r.version;
  if (r.description !== null) v.description = r.description;
  return v;
}

export function toAlias(r: AliasRow): AliasRecord {
  const a: { -readonly [K in keyof AliasRecord]: AliasRecord[K] } = {
    arn: r.arn,
    stateMachineArn: r.machine_arn,
    name: r.name,
    routingConfiguration: JSON.parse(r.routing) as AliasRecord['routingConfiguration'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.description !== null) a.description = r.description;
  return a;
}

export interface ActivityTaskRow {
  token: string;
  activity_arn: string;
  state_name: string;
  input: string;
  scheduled_at: number | string;
  taken_at: number | string | null;
  worker_name: string | null;
}

export const ACTIVITY_TASK_COLUMNS = 'token, activity_arn, state_name, input, scheduled_at, taken_at, worker_name';

/** bigint columns come back from PostgreSQL as text. */
export function toActivityTask(r: ActivityTaskRow, executionArn: string): ActivityTaskRecord {
  return {
    token: r.token,
    activityArn: r.activity_arn,
    executionArn,
    stateName: r.state_name,
    input: r.input,
    scheduledAt: Number(r.scheduled_at),
    ...(r.taken_at !== null ? { takenAt: Number(r.taken_at) } : {}),
    ...(r.worker_name !== null ? { workerName: r.worker_name } : {}),
  };
}

export function toActivity(r: ActivityRow): ActivityRecord {
  return { arn: r.arn, name: r.name, createdAt: r.created_at };
}

export function toOutbox(r: OutboxRow): OutboxRecord {
  return {
    executionArn: r.arn,
    idempotencyKey: r.idempotency_key,
    frameId: r.frame_id,
    attempt: r.attempt,
    request: JSON.parse(r.request) as OutboxRecord['request'],
  };
}

export function toHistoryEvent(s: StoredHistoryEvent): HistoryEvent {
  const e: Record<string, unknown> = {
    timestamp: new Date(s.timestamp),
    type: s.type,
    id: s.id,
    previousEventId: s.previousEventId,
  };
  if (s.detailsKey !== undefined && s.details !== undefined) e[s.detailsKey] = s.details;
  return e as unknown as HistoryEvent;
}
