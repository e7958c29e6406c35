import type Database from 'better-sqlite3';
import type { EngineEvent, ExecutionStatus, HistoryEvent, Snapshot } from '../../engine/index.js';
import type {
  ActivityRecord,
  AliasRecord,
  ExecutionCount,
  ExecutionPage,
  ExecutionQuery,
  ExecutionRecord,
  HistoryPage,
  InboxEvent,
  NewStateMachine,
  OutboxRecord,
  StateMachineRecord,
  StateMachineRevision,
  StateMachineUpdate,
  Store,
  StoredHistoryEvent,
  TaskTokenRecord,
  TimerRecord,
  WriteOp,
  WriteResult,
} from '../store.js';
import { StoreError } from '../store.js';
import { ioError, openDataDir, type OpenOptions } from './open.js';

interface ExecutionRow {
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
}

interface MachineRow {
  arn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  role_arn: string;
  revision: number;
  created_at: number;
  updated_at: number;
  definition: string;
}

interface RevisionRow {
  machine_arn: string;
  revision: number;
  definition: string;
  role_arn: string;
  created_at: number;
  version: number | null;
  description: string | null;
}

const EXECUTION_COLUMNS =
  'id, arn, machine_arn, revision, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, last_event_id';

const REDRIVABLE = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

function toExecution(r: ExecutionRow): ExecutionRecord {
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
  return e;
}

function toMachine(r: MachineRow): StateMachineRecord {
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

function toRevision(r: RevisionRow): StateMachineRevision {
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

function toHistoryEvent(s: StoredHistoryEvent): HistoryEvent {
  const e: Record<string, unknown> = {
    timestamp: new Date(s.timestamp),
    type: s.type,
    id: s.id,
    previousEventId: s.previousEventId,
  };
  if (s.detailsKey !== undefined && s.details !== undefined) e[s.detailsKey] = s.details;
  return e as unknown as HistoryEvent;
}

interface AliasRow {
  arn: string;
  machine_arn: string;
  name: string;
  description: string | null;
  routing: string;
  created_at: number;
  updated_at: number;
}

function toAlias(r: AliasRow): AliasRecord {
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

/** Bound on the arn → row id cache (ids never change; the bound only caps memory). */
const ID_CACHE_LIMIT = 100_000;

/** The embedded store: one process owns the data dir; better-sqlite3, WAL, prepared statements. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly releaseLock: () => void;
  private readonly dbPath: string;
  private readonly ids = new Map<string, number>();
  private closed = false;
  private readonly s;

  constructor(dataDir: string, options: OpenOptions = {}) {
    const opened = openDataDir(dataDir, options);
    this.db = opened.db;
    this.releaseLock = opened.releaseLock;
    this.dbPath = opened.dbPath;
    const db = this.db;
    this.s = {
      insertMachine: db.prepare(
        'insert into state_machines (arn, name, type, role_arn, revision, created_at, updated_at) values (?, ?, ?, ?, 1, ?, ?)',
      ),
      insertRevision: db.prepare(
        'insert into state_machine_revisions (machine_arn, revision, definition, role_arn, created_at, version, description) values (?, ?, ?, ?, ?, ?, ?)',
      ),
      getMachine: db.prepare(
        'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision where m.arn = ?',
      ),
      listMachines: db.prepare(
        'select m.*, r.definition from state_machines m join state_machine_revisions r on r.machine_arn = m.arn and r.revision = m.revision order by m.created_at, m.name',
      ),
      setMachineRevision: db.prepare(
        'update state_machines set revision = ?, role_arn = ?, updated_at = ? where arn = ?',
      ),
      getRevision: db.prepare('select * from state_machine_revisions where machine_arn = ? and revision = ?'),
      maxVersion: db.prepare('select max(version) as v from state_machine_revisions where machine_arn = ?'),
      listVersions: db.prepare(
        'select * from state_machine_revisions where machine_arn = ? and version is not null order by version desc',
      ),
      deleteMachine: db.prepare('delete from state_machines where arn = ?'),
      deleteRevisions: db.prepare('delete from state_machine_revisions where machine_arn = ?'),

      executionId: db.prepare('select id from executions where arn = ?'),
      getExecution: db.prepare(`select ${EXECUTION_COLUMNS} from executions where arn = ?`),
      executionState: db.prepare('select id, status, version, last_event_id from executions where arn = ?'),
      statusById: db.prepare('select arn, status from executions where id = ?'),
      loadSnapshot: db.prepare('select snapshot, version from executions where arn = ?'),
      // ARNs (machine name + execution name) are unique: a second start with the same name inserts nothing.
      insertExecution: db.prepare(
        'insert into executions (arn, machine_arn, revision, name, status, input, start_date, version) values (?, ?, ?, ?, ?, ?, ?, 0) on conflict do nothing',
      ),
      updateExecution: db.prepare(
        'update executions set status = ?, output = ?, error = ?, cause = ?, stop_date = ?, version = ?, last_event_id = ?, snapshot = ? where id = ? and version = ? and last_event_id = ?',
      ),
      redriveExecution: db.prepare(
        'update executions set status = ?, output = null, error = null, cause = null, stop_date = null, redrive_count = redrive_count + 1, redrive_date = ? where id = ?',
      ),
      redrivable: db.prepare('select id, status, snapshot is not null as kept from executions where arn = ?'),
      listExecutionsAll: db.prepare(`select ${EXECUTION_COLUMNS} from executions order by id desc limit ?`),
      listExecutionsByMachine: db.prepare(
        `select ${EXECUTION_COLUMNS} from executions where machine_arn = ? order by id desc limit ?`,
      ),
      listExecutionsByStatus: db.prepare(
        `select ${EXECUTION_COLUMNS} from executions where status = ? order by id desc limit ?`,
      ),
      listExecutionsByBoth: db.prepare(
        `select ${EXECUTION_COLUMNS} from executions where machine_arn = ? and status = ? order by id desc limit ?`,
      ),

      // Read from the (machine_arn, status) index alone: no row of the table is read.
      countExecutions: db.prepare('select machine_arn, status, count(*) as n from executions group by machine_arn, status'),

      insertInbox: db.prepare('insert into inbox (execution_id, event) values (?, ?)'),
      pendingInbox: db.prepare('select id, event from inbox where execution_id = ? order by id'),
      deleteInbox: db.prepare('delete from inbox where id = ? and execution_id = ?'),
      deleteInboxOf: db.prepare('delete from inbox where execution_id = ?'),

      insertHistory: db.prepare(
        'insert into history (execution_id, first_event_id, last_event_id, events) values (?, ?, ?, ?)',
      ),
      historyForward: db.prepare(
        'select events from history where execution_id = ? and last_event_id > ? order by first_event_id',
      ),
      historyReverse: db.prepare(
        'select events from history where execution_id = ? and first_event_id < ? order by first_event_id desc',
      ),

      insertTimer: db.prepare(
        'insert or replace into timers (execution_id, frame_id, key, due_at) values (?, ?, ?, ?)',
      ),
      deleteTimer: db.prepare('delete from timers where execution_id = ? and frame_id = ? and key = ?'),
      deleteTimersOf: db.prepare('delete from timers where execution_id = ?'),
      dueTimers: db.prepare(
        'select frame_id, key, due_at from timers where execution_id = ? and due_at <= ? order by due_at',
      ),
      nextTimer: db.prepare('select min(due_at) as t from timers'),

      insertOutbox: db.prepare(
        'insert or ignore into outbox (idempotency_key, execution_id, frame_id, attempt, request) values (?, ?, ?, ?, ?)',
      ),
      getOutbox: db.prepare('select execution_id from outbox where idempotency_key = ?'),
      deleteOutbox: db.prepare('delete from outbox where idempotency_key = ?'),
      deleteOutboxOf: db.prepare('delete from outbox where execution_id = ?'),
      deleteOutboxOfAttempt: db.prepare('delete from outbox where execution_id = ? and attempt = ?'),
      pendingOutbox: db.prepare(
        'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request from outbox o join executions e on e.id = o.execution_id order by o.rowid limit ?',
      ),

      insertToken: db.prepare(
        'insert or ignore into task_tokens (token, execution_id, idempotency_key, frame_id, attempt) values (?, ?, ?, ?, ?)',
      ),
      getToken: db.prepare('select execution_id, idempotency_key, frame_id, attempt from task_tokens where token = ?'),
      deleteToken: db.prepare('delete from task_tokens where token = ?'),
      deleteTokensOf: db.prepare('delete from task_tokens where execution_id = ?'),
      deleteTokensOfAttempt: db.prepare('delete from task_tokens where execution_id = ? and attempt = ?'),

      findWork: db.prepare(
        'select arn from executions where id in (select execution_id from inbox union select execution_id from timers where due_at <= ?) limit ?',
      ),

      insertActivity: db.prepare('insert into activities (arn, name, created_at) values (?, ?, ?)'),
      getActivity: db.prepare('select arn, name, created_at from activities where arn = ?'),
      listActivities: db.prepare('select arn, name, created_at from activities order by created_at, name'),
      deleteActivity: db.prepare('delete from activities where arn = ?'),

      acquireLease: db.prepare(
        'insert into leases (name, owner, expires_at) values (?, ?, ?) on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at where leases.owner = excluded.owner or leases.expires_at <= ?',
      ),
      releaseLease: db.prepare('delete from leases where name = ? and owner = ?'),

      getRedriveToken: db.prepare('select redrive_date from redrive_tokens where execution_arn = ? and client_token = ? and expires_at >= ?'),
      putRedriveToken: db.prepare(
        'insert into redrive_tokens (execution_arn, client_token, redrive_date, expires_at) values (?, ?, ?, ?) on conflict (execution_arn, client_token) do update set redrive_date = excluded.redrive_date, expires_at = excluded.expires_at',
      ),
      dropExpiredRedriveTokens: db.prepare('delete from redrive_tokens where expires_at < ?'),

      runState: db.prepare('select running from scheduler_run where id = 1'),
      setRunState: db.prepare(
        'insert into scheduler_run (id, running) values (1, ?) on conflict (id) do update set running = excluded.running',
      ),
      countAttempt: db.prepare(
        'update executions set advance_attempts = advance_attempts + 1 where arn = ? returning advance_attempts',
      ),
      clearAttempts: db.prepare('update executions set advance_attempts = 0 where arn = ? and advance_attempts <> 0'),
    };
  }

  private run<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('The store is closed', 'IO'));
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof StoreError ? e : ioError(e, this.dbPath));
    }
  }

  private idOf(arn: string): number | undefined {
    const hit = this.ids.get(arn);
    if (hit !== undefined) return hit;
    const row = this.s.executionId.get(arn) as { id: number } | undefined;
    if (row === undefined) return undefined;
    if (this.ids.size >= ID_CACHE_LIMIT) this.ids.clear();
    this.ids.set(arn, row.id);
    return row.id;
  }

  // State machines

  createStateMachine(m: NewStateMachine): Promise<StateMachineRecord> {
    return this.run(() =>
      this.db.transaction(() => {
        this.s.insertMachine.run(m.arn, m.name, m.type, m.roleArn, m.createdAt, m.createdAt);
        this.s.insertRevision.run(m.arn, 1, m.definition, m.roleArn, m.createdAt, null, null);
        return { ...m, revision: 1, updatedAt: m.createdAt };
      })(),
    );
  }

  getStateMachine(arn: string): Promise<StateMachineRecord | undefined> {
    return this.run(() => {
      const r = this.s.getMachine.get(arn) as MachineRow | undefined;
      return r && toMachine(r);
    });
  }

  listStateMachines(): Promise<StateMachineRecord[]> {
    return this.run(() => (this.s.listMachines.all() as MachineRow[]).map(toMachine));
  }

  updateStateMachine(arn: string, update: StateMachineUpdate, now: number): Promise<StateMachineRecord> {
    return this.run(() =>
      this.db.transaction(() => {
        const m = this.s.getMachine.get(arn) as MachineRow | undefined;
        if (m === undefined) throw new Error(`State machine does not exist: ${arn}`);
        const definition = update.definition ?? m.definition;
        const roleArn = update.roleArn ?? m.role_arn;
        const changed = definition !== m.definition || roleArn !== m.role_arn;
        let revision = m.revision;
        if (changed) {
          revision = m.revision + 1;
          this.s.insertRevision.run(arn, revision, definition, roleArn, now, null, null);
          this.s.setMachineRevision.run(revision, roleArn, now, arn);
        }
        if (update.publish === true) {
          const cur = this.s.getRevision.get(arn, revision) as RevisionRow;
          if (cur.version === null) {
            const max = (this.s.maxVersion.get(arn) as { v: number | null }).v ?? 0;
            this.db
              .prepare(
                'update state_machine_revisions set version = ?, description = ? where machine_arn = ? and revision = ?',
              )
              .run(max + 1, update.versionDescription ?? null, arn, revision);
          }
        }
        return toMachine(this.s.getMachine.get(arn) as MachineRow);
      })(),
    );
  }

  getStateMachineRevision(arn: string, revision: number): Promise<StateMachineRevision | undefined> {
    return this.run(() => {
      const r = this.s.getRevision.get(arn, revision) as RevisionRow | undefined;
      return r && toRevision(r);
    });
  }

  listStateMachineVersions(arn: string): Promise<StateMachineRevision[]> {
    return this.run(() => (this.s.listVersions.all(arn) as RevisionRow[]).map(toRevision));
  }

  deleteStateMachine(arn: string): Promise<boolean> {
    // Revisions stay while executions may still run them; AWS lets running executions finish.
    return this.run(() => this.s.deleteMachine.run(arn).changes > 0);
  }

  // Executions

  getExecution(arn: string): Promise<ExecutionRecord | undefined> {
    return this.run(() => {
      const r = this.s.getExecution.get(arn) as ExecutionRow | undefined;
      return r && toExecution(r);
    });
  }

  loadSnapshot(arn: string): Promise<{ snapshot: Snapshot | null; version: number } | undefined> {
    return this.run(() => {
      const r = this.s.loadSnapshot.get(arn) as { snapshot: string | null; version: number } | undefined;
      return r && { snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as Snapshot), version: r.version };
    });
  }

  listExecutions(query: {
    stateMachineArn?: string;
    status?: ExecutionStatus;
    limit?: number;
  }): Promise<ExecutionRecord[]> {
    return this.run(() => {
      const limit = query.limit ?? 1000;
      let rows: ExecutionRow[];
      if (query.stateMachineArn !== undefined && query.status !== undefined)
        rows = this.s.listExecutionsByBoth.all(query.stateMachineArn, query.status, limit) as ExecutionRow[];
      else if (query.stateMachineArn !== undefined)
        rows = this.s.listExecutionsByMachine.all(query.stateMachineArn, limit) as ExecutionRow[];
      else if (query.status !== undefined)
        rows = this.s.listExecutionsByStatus.all(query.status, limit) as ExecutionRow[];
      else rows = this.s.listExecutionsAll.all(limit) as ExecutionRow[];
      return rows.map(toExecution);
    });
  }

  /** Prepared once per shape of query (which filters are set): at most 2^6 statements. */
  private readonly pageStatements = new Map<string, Database.Statement>();

  listExecutionsPage(query: ExecutionQuery): Promise<ExecutionPage> {
    return this.run(() => {
      const where: string[] = [];
      const args: (string | number)[] = [];
      const add = (sql: string, value: string | number) => (where.push(sql), args.push(value));
      if (query.stateMachineArn !== undefined) add('machine_arn = ?', query.stateMachineArn);
      if (query.status !== undefined) add('status = ?', query.status);
      if (query.redriven !== undefined) where.push(query.redriven ? 'redrive_count > 0' : 'redrive_count = 0');
      if (query.revision !== undefined) add('revision = ?', query.revision);
      if (query.startedAfter !== undefined) add('start_date >= ?', query.startedAfter);
      if (query.after !== undefined) add('id < ?', query.after);
      const sql = `select ${EXECUTION_COLUMNS} from executions${where.length > 0 ? ` where ${where.join(' and ')}` : ''} order by id desc limit ?`;
      let statement = this.pageStatements.get(sql);
      if (statement === undefined) this.pageStatements.set(sql, (statement = this.db.prepare(sql)));
      const limit = Math.max(1, Math.floor(query.limit));
      const rows = statement.all(...args, limit + 1) as ExecutionRow[];
      if (rows.length <= limit) return { executions: rows.map(toExecution) };
      rows.length = limit;
      return { executions: rows.map(toExecution), next: rows[limit - 1].id };
    });
  }

  countExecutions(): Promise<ExecutionCount[]> {
    return this.run(() =>
      (this.s.countExecutions.all() as { machine_arn: string; status: ExecutionStatus; n: number }[]).map((r) => ({
        stateMachineArn: r.machine_arn,
        status: r.status,
        count: r.n,
      })),
    );
  }

  // Work

  pendingInbox(executionArn: string): Promise<InboxEvent[]> {
    return this.run(() => {
      const id = this.idOf(executionArn);
      if (id === undefined) return [];
      return (this.s.pendingInbox.all(id) as { id: number; event: string }[]).map((r) => ({
        id: r.id,
        event: JSON.parse(r.event) as EngineEvent,
      }));
    });
  }

  dueTimers(executionArn: string, now: number): Promise<TimerRecord[]> {
    return this.run(() => {
      const id = this.idOf(executionArn);
      if (id === undefined) return [];
      return (this.s.dueTimers.all(id, now) as { frame_id: string; key: string; due_at: number }[]).map((r) => ({
        frameId: r.frame_id,
        key: r.key,
        dueAt: r.due_at,
      }));
    });
  }

  findWork(now: number, limit: number): Promise<string[]> {
    return this.run(() => (this.s.findWork.all(now, limit) as { arn: string }[]).map((r) => r.arn));
  }

  nextTimerDue(): Promise<number | undefined> {
    return this.run(() => (this.s.nextTimer.get() as { t: number | null }).t ?? undefined);
  }

  pendingOutbox(limit: number): Promise<OutboxRecord[]> {
    return this.run(() =>
      (
        this.s.pendingOutbox.all(limit) as {
          arn: string;
          idempotency_key: string;
          frame_id: string;
          attempt: number;
          request: string;
        }[]
      ).map((r) => ({
        executionArn: r.arn,
        idempotencyKey: r.idempotency_key,
        frameId: r.frame_id,
        attempt: r.attempt,
        request: JSON.parse(r.request) as OutboxRecord['request'],
      })),
    );
  }

  getHistory(executionArn: string, page: HistoryPage = {}): Promise<{ events: HistoryEvent[]; nextEventId?: number }> {
    return this.run(() => {
      const id = this.idOf(executionArn);
      if (id === undefined) return { events: [] };
      const max = page.maxResults ?? 1000;
      const reverse = page.reverseOrder === true;
      const bound = page.afterEventId ?? (reverse ? Number.MAX_SAFE_INTEGER : 0);
      const rows = (reverse ? this.s.historyReverse : this.s.historyForward).iterate(id, bound) as IterableIterator<{
        events: string;
      }>;
      const picked: StoredHistoryEvent[] = [];
      // One more than asked for tells whether a next page exists.
      for (const row of rows) {
        const batch = JSON.parse(row.events) as StoredHistoryEvent[];
        if (reverse) batch.reverse();
        for (const e of batch) if (reverse ? e.id < bound : e.id > bound) picked.push(e);
        if (picked.length > max) {
          rows.return?.();
          break;
        }
      }
      const events = picked.slice(0, max).map(toHistoryEvent);
      return picked.length > max ? { events, nextEventId: events[events.length - 1].id } : { events };
    });
  }

  // Writes

  // Poison pills

  beginRun(): Promise<{ previousRunEnded: boolean }> {
    return this.run(() =>
      this.db.transaction(() => {
        const row = this.s.runState.get() as { running: number } | undefined;
        this.s.setRunState.run(1);
        return { previousRunEnded: row === undefined || row.running === 0 };
      })(),
    );
  }

  endRun(): Promise<void> {
    return this.run(() => void this.s.setRunState.run(0));
  }

  countAdvanceAttempt(executionArn: string): Promise<number> {
    return this.run(() => {
      const row = this.s.countAttempt.get(executionArn) as { advance_attempts: number } | undefined;
      return row?.advance_attempts ?? 0;
    });
  }

  clearAdvanceAttempts(executionArn: string): Promise<void> {
    return this.run(() => void this.s.clearAttempts.run(executionArn));
  }

  /** Test-only: moves the page cap of OpenOptions.maxPageCount (a disk that fills or frees up). */
  setMaxPageCount(pages: number): void {
    this.db.pragma(`max_page_count = ${Math.floor(pages)}`);
  }

  commit(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    return this.run(() => this.db.transaction(() => ops.map((op) => this.apply(op)))());
  }

  private apply(op: WriteOp): WriteResult {
    const s = this.s;
    switch (op.kind) {
      case 'createExecution': {
        const e = op.execution;
        const inserted = s.insertExecution.run(
          e.arn,
          e.stateMachineArn,
          e.revision,
          e.name,
          e.status,
          e.input,
          e.startDate,
        );
        if (inserted.changes === 0) {
          const existing = s.getExecution.get(e.arn) as ExecutionRow;
          return { kind: 'exists', execution: toExecution(existing) };
        }
        const id = Number(inserted.lastInsertRowid);
        s.insertInbox.run(id, '{"type":"start"}');
        return { kind: 'created', execution: e };
      }
      case 'applyAdvance': {
        const id = this.idOf(op.executionArn);
        if (id === undefined) return { kind: 'conflict' };
        const snap = op.snapshot;
        const done = snap.status !== 'RUNNING';
        const first = op.history.length > 0 ? op.history[0].id : snap.lastEventId + 1;
        const last = op.history.length > 0 ? op.history[op.history.length - 1].id : snap.lastEventId;
        const updated = s.updateExecution.run(
          snap.status,
          snap.status === 'SUCCEEDED' ? JSON.stringify(snap.output ?? null) : null,
          snap.error ?? null,
          snap.cause ?? null,
          done ? (op.stopDate ?? null) : null,
          snap.version,
          last,
          snap.status === 'SUCCEEDED' ? null : JSON.stringify(snap),
          id,
          op.expectedVersion,
          first - 1,
        );
        if (updated.changes === 0) {
          const row = s.executionState.get(op.executionArn) as { version: number; last_event_id: number };
          if (row.version !== op.expectedVersion) return { kind: 'conflict' };
          // History is append-only and gapless: events that do not follow the stored ones are a bug.
          throw new Error(`history of ${op.executionArn} continues at event ${row.last_event_id + 1}, not ${first}`);
        }
        if (op.history.length > 0) s.insertHistory.run(id, first, last, JSON.stringify(op.history));
        if (done) {
          // Nothing can happen to a finished execution: its pending work goes. Its first advance
          // (from version 0) cannot have left timers, effects or tokens behind.
          s.deleteInboxOf.run(id);
          if (op.expectedVersion > 0) {
            s.deleteTimersOf.run(id);
            s.deleteOutboxOf.run(id);
            s.deleteTokensOf.run(id);
          }
          return { kind: 'applied' };
        }
        for (const i of op.consumedInbox) s.deleteInbox.run(i, id);
        for (const t of op.firedTimers) s.deleteTimer.run(id, t.frameId, t.key);
        for (const t of op.cancelledTimers) s.deleteTimer.run(id, t.frameId, t.key);
        for (const a of op.endedAttempts) {
          s.deleteOutboxOfAttempt.run(id, a);
          s.deleteTokensOfAttempt.run(id, a);
        }
        for (const t of op.newTimers) s.insertTimer.run(id, t.frameId, t.key, t.dueAt);
        for (const o of op.outbox) {
          s.insertOutbox.run(o.idempotencyKey, id, o.frameId, o.attempt, JSON.stringify(o.request));
          if (o.request.taskToken !== undefined)
            s.insertToken.run(o.request.taskToken, id, o.idempotencyKey, o.frameId, o.attempt);
        }
        for (const f of op.followUps) s.insertInbox.run(id, JSON.stringify(f));
        return { kind: 'applied' };
      }
      case 'deliverTaskResult': {
        const o = s.getOutbox.get(op.idempotencyKey) as { execution_id: number } | undefined;
        if (o === undefined) return { kind: 'dropped', reason: 'stale' };
        const e = s.statusById.get(o.execution_id) as { arn: string; status: string };
        s.deleteOutbox.run(op.idempotencyKey);
        if (e.status !== 'RUNNING') return { kind: 'dropped', reason: 'notRunning' };
        s.insertInbox.run(o.execution_id, JSON.stringify(op.event));
        return { kind: 'delivered', executionArn: e.arn };
      }
      case 'acknowledgeEffect':
        s.deleteOutbox.run(op.idempotencyKey);
        return { kind: 'applied' };
      case 'completeTaskToken': {
        const t = s.getToken.get(op.token) as
          { execution_id: number; idempotency_key: string; frame_id: string; attempt: number } | undefined;
        if (t === undefined) return { kind: 'dropped', reason: 'unknownToken' };
        const e = s.statusById.get(t.execution_id) as { arn: string; status: string };
        s.deleteToken.run(op.token);
        s.deleteOutbox.run(t.idempotency_key);
        if (e.status !== 'RUNNING') return { kind: 'dropped', reason: 'notRunning' };
        const r = op.result;
        const event: EngineEvent = r.ok
          ? { type: 'taskSucceeded', frameId: t.frame_id, attempt: t.attempt, output: r.output }
          : { type: 'taskFailed', frameId: t.frame_id, attempt: t.attempt, error: r.error, cause: r.cause };
        s.insertInbox.run(t.execution_id, JSON.stringify(event));
        return { kind: 'delivered', executionArn: e.arn };
      }
      case 'redriveExecution': {
        const row = s.redrivable.get(op.executionArn) as
          { id: number; status: ExecutionStatus; kept: number } | undefined;
        if (row === undefined) return { kind: 'notRedrivable' };
        if (!REDRIVABLE.has(row.status) || row.kept === 0) return { kind: 'notRedrivable', status: row.status };
        // The version stays: the snapshot is unchanged until the scheduler applies the redrive event.
        s.redriveExecution.run('RUNNING', op.redriveDate, row.id);
        s.insertInbox.run(row.id, '{"type":"redrive"}');
        return { kind: 'redriven', execution: toExecution(s.getExecution.get(op.executionArn) as ExecutionRow) };
      }
      case 'appendInbox': {
        const row = s.executionState.get(op.executionArn) as { id: number; status: string } | undefined;
        if (row === undefined || row.status !== 'RUNNING') return { kind: 'dropped', reason: 'notRunning' };
        s.insertInbox.run(row.id, JSON.stringify(op.event));
        return { kind: 'delivered', executionArn: op.executionArn };
      }
    }
  }

  // Activities

  createActivity(name: string, arn: string, now: number): Promise<ActivityRecord> {
    return this.run(() => {
      const existing = this.s.getActivity.get(arn) as { arn: string; name: string; created_at: number } | undefined;
      if (existing !== undefined) return { arn: existing.arn, name: existing.name, createdAt: existing.created_at };
      this.s.insertActivity.run(arn, name, now);
      return { arn, name, createdAt: now };
    });
  }

  getActivity(arn: string): Promise<ActivityRecord | undefined> {
    return this.run(() => {
      const r = this.s.getActivity.get(arn) as { arn: string; name: string; created_at: number } | undefined;
      return r && { arn: r.arn, name: r.name, createdAt: r.created_at };
    });
  }

  listActivities(): Promise<ActivityRecord[]> {
    return this.run(() =>
      (this.s.listActivities.all() as { arn: string; name: string; created_at: number }[]).map((r) => ({
        arn: r.arn,
        name: r.name,
        createdAt: r.created_at,
      })),
    );
  }

  deleteActivity(arn: string): Promise<boolean> {
    return this.run(() => this.s.deleteActivity.run(arn).changes > 0);
  }

  // Task tokens

  getTaskToken(token: string): Promise<TaskTokenRecord | undefined> {
    return this.run(() => {
      const t = this.s.getToken.get(token) as { execution_id: number; frame_id: string; attempt: number } | undefined;
      if (t === undefined) return undefined;
      const e = this.s.statusById.get(t.execution_id) as { arn: string };
      return { executionArn: e.arn, frameId: t.frame_id, attempt: t.attempt };
    });
  }

  getOutboxEntry(idempotencyKey: string): Promise<OutboxRecord | undefined> {
    return this.run(() => {
      const r = this.db
        .prepare(
          'select e.arn, o.idempotency_key, o.frame_id, o.attempt, o.request from outbox o join executions e on e.id = o.execution_id where o.idempotency_key = ?',
        )
        .get(idempotencyKey) as
        { arn: string; idempotency_key: string; frame_id: string; attempt: number; request: string } | undefined;
      return (
        r && {
          executionArn: r.arn,
          idempotencyKey: r.idempotency_key,
          frameId: r.frame_id,
          attempt: r.attempt,
          request: JSON.parse(r.request) as OutboxRecord['request'],
        }
      );
    });
  }

  unpublishStateMachineVersion(arn: string, version: number): Promise<boolean> {
    return this.run(
      () =>
        this.db
          .prepare(
            'update state_machine_revisions set version = null, description = null where machine_arn = ? and version = ?',
          )
          .run(arn, version).changes > 0,
    );
  }

  deleteStateMachineRevisions(arn: string): Promise<void> {
    return this.run(() => {
      this.s.deleteRevisions.run(arn);
    });
  }

  // Tags

  tagResource(resourceArn: string, tags: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
    return this.run(() =>
      this.db.transaction(() => {
        const put = this.db.prepare('insert or replace into tags (resource_arn, key, value) values (?, ?, ?)');
        for (const t of tags) put.run(resourceArn, t.key, t.value);
      })(),
    );
  }

  untagResource(resourceArn: string, keys: readonly string[]): Promise<void> {
    return this.run(() =>
      this.db.transaction(() => {
        const del = this.db.prepare('delete from tags where resource_arn = ? and key = ?');
        for (const k of keys) del.run(resourceArn, k);
      })(),
    );
  }

  listTags(resourceArn: string): Promise<{ key: string; value: string }[]> {
    return this.run(
      () =>
        this.db.prepare('select key, value from tags where resource_arn = ? order by key').all(resourceArn) as {
          key: string;
          value: string;
        }[],
    );
  }

  // Aliases

  putAlias(a: AliasRecord): Promise<void> {
    return this.run(() => {
      this.db
        .prepare(
          'insert or replace into aliases (arn, machine_arn, name, description, routing, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          a.arn,
          a.stateMachineArn,
          a.name,
          a.description ?? null,
          JSON.stringify(a.routingConfiguration),
          a.createdAt,
          a.updatedAt,
        );
    });
  }

  getAlias(arn: string): Promise<AliasRecord | undefined> {
    return this.run(() => {
      const r = this.db.prepare('select * from aliases where arn = ?').get(arn) as AliasRow | undefined;
      return r && toAlias(r);
    });
  }

  listAliases(stateMachineArn: string): Promise<AliasRecord[]> {
    return this.run(() =>
      (
        this.db
          .prepare('select * from aliases where machine_arn = ? order by created_at, name')
          .all(stateMachineArn) as AliasRow[]
      ).map(toAlias),
    );
  }

  deleteAlias(arn: string): Promise<boolean> {
    return this.run(() => this.db.prepare('delete from aliases where arn = ?').run(arn).changes > 0);
  }

  redriveClientToken(
    executionArn: string,
    clientToken: string,
    now: number,
    keep?: { readonly redriveDate: number; readonly expiresAt: number },
  ): Promise<number | undefined> {
    return this.run(() => {
      if (keep === undefined) {
        const row = this.s.getRedriveToken.get(executionArn, clientToken, now) as { redrive_date: number } | undefined;
        return row?.redrive_date;
      }
      this.db.transaction(() => {
        this.s.dropExpiredRedriveTokens.run(now);
        this.s.putRedriveToken.run(executionArn, clientToken, keep.redriveDate, keep.expiresAt);
      })();
      return keep.redriveDate;
    });
  }

  // Leases

  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.run(() => this.s.acquireLease.run(name, owner, now + ttlMs, now).changes > 0);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.run(() => {
      this.s.releaseLease.run(name, owner);
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    try {
      this.db.close();
    } finally {
      this.releaseLock();
    }
    return Promise.resolve();
  }
}
