import type Database from 'better-sqlite3';
import type { ExecutionStatus, HistoryEvent, Snapshot } from '../../engine/index.js';
import type { ActivityTaskRecord, NewActivityTask, TakenActivityTask } from '../activity-tasks.js';
import type {
  ActivityRecord,
  AliasRecord,
  NewStateMachine,
  StateMachineRecord,
  StateMachineRevision,
  StateMachineUpdate,
} from '../catalog.js';
import type { LambdaAliasRecord, LambdaPolicyRecord, LambdaVersionRecord } from '../lambda-catalog.js';
import type {
  ExecutionCount,
  ExecutionPage,
  ExecutionQuery,
  ExecutionRecord,
  HistoryPage,
  TaskTokenRecord,
} from '../executions.js';
import type { FunctionLogQuery, FunctionLogRecord, FunctionLogRetention } from '../function-logs.js';
import { signalsOf } from '../rules/signals.js';
import { SignalHub } from '../signals.js';
import { StoreError, type Store } from '../store.js';
import type { ClaimedExecution, InboxEvent, Lease, OutboxRecord, TimerRecord, WriteOp, WriteResult } from '../work.js';
import * as activityTasks from './activity-tasks.js';
import * as catalog from './catalog.js';
import * as lambdaCatalog from './lambda-catalog.js';
import { ExecutionClaims } from './claims.js';
import { applyOp } from './commit.js';
import * as executions from './executions.js';
import * as functionLogs from './function-logs.js';
import { ioError, openDataDir, type OpenOptions } from './open.js';
import { prepareStatements, type SqliteContext } from './statements.js';
import * as work from './work.js';

/** Bound on the arn → row id cache (ids never change; the bound only caps memory). */
const ID_CACHE_LIMIT = 100_000;

/**
 * The embedded store: one process owns the data dir; better-sqlite3, WAL, prepared statements.
 * Each role lives in a module of its own (catalog.ts, executions.ts, work.ts, commit.ts); this
 * class owns the connection, turns failures into StoreErrors and raises the signals of a commit.
 */
export class SqliteStore implements Store {
  readonly signals = new SignalHub((e) => console.error('stepwright store: a signal listener failed:', e));
  private readonly db: Database.Database;
  private readonly releaseLock: () => void;
  private readonly dbPath: string;
  private readonly ids = new Map<string, number>();
  /** Ids of the executions the running commit inserted (its first advance then reads none). */
  private readonly inserted: [string, number][] = [];
  private readonly ctx: SqliteContext;
  private closed = false;

  constructor(dataDir: string, options: OpenOptions = {}) {
    const opened = openDataDir(dataDir, options);
    this.db = opened.db;
    this.releaseLock = opened.releaseLock;
    this.dbPath = opened.dbPath;
    const s = prepareStatements(this.db);
    this.ctx = { db: this.db, s, claims: new ExecutionClaims(), idOf: (arn) => this.idOf(arn), learnId: (arn, id) => void this.inserted.push([arn, id]), pageStatements: new Map() };
  }

  private run<T>(fn: (ctx: SqliteContext) => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('The store is closed', 'IO'));
    try {
      return Promise.resolve(fn(this.ctx));
    } catch (e) {
      return Promise.reject(e instanceof StoreError ? e : ioError(e, this.dbPath));
    }
  }

  private idOf(arn: string): number | undefined {
    const hit = this.ids.get(arn);
    if (hit !== undefined) return hit;
    const row = this.ctx.s.executionId.get(arn) as { id: number } | undefined;
    if (row === undefined) return undefined;
    this.keepId(arn, row.id);
    return row.id;
  }

  private keepId(arn: string, id: number): void {
    if (this.ids.size >= ID_CACHE_LIMIT) this.ids.clear();
    this.ids.set(arn, id);
  }

  // Work: the commit

  commit(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    this.inserted.length = 0;
    const landed = this.run((ctx) => ctx.claims.transaction(ctx.db.transaction(() => ops.map((op) => applyOp(ctx, op)))));
    // Synchronous: the transaction is over (committed or rolled back) when run answers.
    const inserted = this.inserted.splice(0);
    return landed.then((results) => {
      for (const [arn, id] of inserted) this.keepId(arn, id);
      // Durable now: tell whoever waits (in this process; SQLite has no other).
      const raise = (kind: Parameters<SignalHub['publish']>[0], key: string) => this.signals.publish(kind, key);
      for (let i = 0; i < ops.length; i++) signalsOf(ops[i], results[i], raise);
      return results;
    });
  }

  // Work: reads, leases, runs

  pendingInbox(executionArn: string): Promise<InboxEvent[]> {
    return this.run((c) => work.pendingInbox(c, executionArn));
  }
  dueTimers(executionArn: string, now: number): Promise<TimerRecord[]> {
    return this.run((c) => work.dueTimers(c, executionArn, now));
  }
  findWork(now: number, limit: number): Promise<string[]> {
    return this.run((c) => work.findWork(c, now, limit));
  }
  nextTimerDue(): Promise<number | undefined> {
    return this.run((c) => work.nextTimerDue(c));
  }
  pendingOutbox(limit: number): Promise<OutboxRecord[]> {
    return this.run((c) => work.pendingOutbox(c, limit));
  }
  getOutboxEntry(idempotencyKey: string): Promise<OutboxRecord | undefined> {
    return this.run((c) => work.getOutboxEntry(c, idempotencyKey));
  }
  claimWork(owner: string, now: number, limit: number, leaseMs: number): Promise<ClaimedExecution[]> {
    return this.run((c) => work.claimWork(c, owner, now, limit, leaseMs));
  }
  claimOutbox(owner: string, now: number, limit: number, leaseMs: number, abandonedOnly?: boolean): Promise<OutboxRecord[]> {
    return this.run((c) => work.claimOutbox(c, owner, now, limit, leaseMs, abandonedOnly));
  }
  leaseOf(what: { readonly executionArn: string } | { readonly idempotencyKey: string }): Promise<Lease | undefined> {
    return this.run((c) => work.leaseOf(c, what));
  }
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.run((c) => work.acquireLease(c, name, owner, now, ttlMs));
  }
  releaseLease(name: string, owner: string): Promise<void> {
    return this.run((c) => work.releaseLease(c, name, owner));
  }
  beginRun(): Promise<{ previousRunEnded: boolean }> {
    return this.run((c) => work.beginRun(c));
  }
  endRun(): Promise<void> {
    return this.run((c) => work.endRun(c));
  }
  countAdvanceAttempt(executionArn: string): Promise<number> {
    return this.run((c) => work.countAdvanceAttempt(c, executionArn));
  }
  clearAdvanceAttempts(executionArn: string): Promise<void> {
    return this.run((c) => work.clearAdvanceAttempts(c, executionArn));
  }

  // Activity tasks: what they imply is signalled once written (SQLite writes are durable at return).

  enqueueActivityTask(task: NewActivityTask): Promise<'queued' | 'exists' | 'over'> {
    return this.run((c) => activityTasks.enqueueActivityTask(c, task)).then((r) => {
      if (r === 'queued') this.signals.publish('activityTaskAvailable', task.activityArn);
      return r;
    });
  }
  takeActivityTask(activityArn: string, workerName: string | undefined, now: number): Promise<TakenActivityTask | undefined> {
    return this.run((c) => activityTasks.takeActivityTask(c, activityArn, workerName, now)).then((t) => {
      if (t !== undefined) this.signals.publish('workAvailable', t.executionArn);
      return t;
    });
  }
  listActivityTasks(executionArn: string): Promise<ActivityTaskRecord[]> {
    return this.run((c) => activityTasks.listActivityTasks(c, executionArn));
  }
  deleteActivityTasks(activityArn: string): Promise<void> {
    return this.run((c) => activityTasks.deleteActivityTasks(c, activityArn));
  }

  // Executions

  getExecution(arn: string): Promise<ExecutionRecord | undefined> {
    return this.run((c) => executions.getExecution(c, arn));
  }
  loadSnapshot(arn: string): Promise<{ snapshot: Snapshot | null; version: number } | undefined> {
    return this.run((c) => executions.loadSnapshot(c, arn));
  }
  listExecutions(query: { stateMachineArn?: string; status?: ExecutionStatus; limit?: number }): Promise<ExecutionRecord[]> {
    return this.run((c) => executions.listExecutions(c, query));
  }
  listExecutionsPage(query: ExecutionQuery): Promise<ExecutionPage> {
    return this.run((c) => executions.listExecutionsPage(c, query));
  }
  countExecutions(): Promise<ExecutionCount[]> {
    return this.run((c) => executions.countExecutions(c));
  }
  getHistory(executionArn: string, page?: HistoryPage): Promise<{ events: HistoryEvent[]; nextEventId?: number }> {
    return this.run((c) => executions.getHistory(c, executionArn, page));
  }
  getTaskToken(token: string): Promise<TaskTokenRecord | undefined> {
    return this.run((c) => executions.getTaskToken(c, token));
  }
  redriveClientToken(
    executionArn: string,
    clientToken: string,
    now: number,
    keep?: { readonly redriveDate: number; readonly expiresAt: number },
  ): Promise<number | undefined> {
    return this.run((c) => executions.redriveClientToken(c, executionArn, clientToken, now, keep));
  }

  // Function logs

  appendFunctionLogs(logs: readonly FunctionLogRecord[], retention: FunctionLogRetention, now: number): Promise<void> {
    return this.run((c) => functionLogs.appendFunctionLogs(c, logs, retention, now));
  }
  listFunctionLogs(query: FunctionLogQuery): Promise<FunctionLogRecord[]> {
    return this.run((c) => functionLogs.listFunctionLogs(c, query));
  }

  // Catalog

  createStateMachine(m: NewStateMachine): Promise<StateMachineRecord> {
    return this.run((c) => catalog.createStateMachine(c, m));
  }
  getStateMachine(arn: string): Promise<StateMachineRecord | undefined> {
    return this.run((c) => catalog.getStateMachine(c, arn));
  }
  listStateMachines(): Promise<StateMachineRecord[]> {
    return this.run((c) => catalog.listStateMachines(c));
  }
  updateStateMachine(arn: string, update: StateMachineUpdate, now: number): Promise<StateMachineRecord> {
    return this.run((c) => catalog.updateStateMachine(c, arn, update, now));
  }
  getStateMachineRevision(arn: string, revision: number): Promise<StateMachineRevision | undefined> {
    return this.run((c) => catalog.getStateMachineRevision(c, arn, revision));
  }
  listStateMachineVersions(arn: string): Promise<StateMachineRevision[]> {
    return this.run((c) => catalog.listStateMachineVersions(c, arn));
  }
  deleteStateMachine(arn: string): Promise<boolean> {
    return this.run((c) => catalog.deleteStateMachine(c, arn));
  }
  unpublishStateMachineVersion(arn: string, version: number): Promise<boolean> {
    return this.run((c) => catalog.unpublishStateMachineVersion(c, arn, version));
  }
  deleteStateMachineRevisions(arn: string): Promise<void> {
    return this.run((c) => catalog.deleteStateMachineRevisions(c, arn));
  }
  putAlias(alias: AliasRecord): Promise<void> {
    return this.run((c) => catalog.putAlias(c, alias));
  }
  getAlias(arn: string): Promise<AliasRecord | undefined> {
    return this.run((c) => catalog.getAlias(c, arn));
  }
  listAliases(stateMachineArn: string): Promise<AliasRecord[]> {
    return this.run((c) => catalog.listAliases(c, stateMachineArn));
  }
  deleteAlias(arn: string): Promise<boolean> {
    return this.run((c) => catalog.deleteAlias(c, arn));
  }
  createActivity(name: string, arn: string, now: number): Promise<ActivityRecord> {
    return this.run((c) => catalog.createActivity(c, name, arn, now));
  }
  getActivity(arn: string): Promise<ActivityRecord | undefined> {
    return this.run((c) => catalog.getActivity(c, arn));
  }
  listActivities(): Promise<ActivityRecord[]> {
    return this.run((c) => catalog.listActivities(c));
  }
  deleteActivity(arn: string): Promise<boolean> {
    return this.run((c) => catalog.deleteActivity(c, arn));
  }
  tagResource(resourceArn: string, tags: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
    return this.run((c) => catalog.tagResource(c, resourceArn, tags));
  }
  untagResource(resourceArn: string, keys: readonly string[]): Promise<void> {
    return this.run((c) => catalog.untagResource(c, resourceArn, keys));
  }
  listTags(resourceArn: string): Promise<{ key: string; value: string }[]> {
    return this.run((c) => catalog.listTags(c, resourceArn));
  }

  // Lambda catalog: versions, aliases, policies

  publishLambdaVersion(functionName: string, config: string, now: number): Promise<LambdaVersionRecord> {
    return this.run((c) => lambdaCatalog.publishLambdaVersion(c, functionName, config, now));
  }
  listLambdaVersions(functionName: string): Promise<LambdaVersionRecord[]> {
    return this.run((c) => lambdaCatalog.listLambdaVersions(c, functionName));
  }
  deleteLambdaVersion(functionName: string, version: number): Promise<boolean> {
    return this.run((c) => lambdaCatalog.deleteLambdaVersion(c, functionName, version));
  }
  putLambdaAlias(alias: LambdaAliasRecord): Promise<void> {
    return this.run((c) => lambdaCatalog.putLambdaAlias(c, alias));
  }
  getLambdaAlias(functionName: string, name: string): Promise<LambdaAliasRecord | undefined> {
    return this.run((c) => lambdaCatalog.getLambdaAlias(c, functionName, name));
  }
  listLambdaAliases(functionName: string): Promise<LambdaAliasRecord[]> {
    return this.run((c) => lambdaCatalog.listLambdaAliases(c, functionName));
  }
  deleteLambdaAlias(functionName: string, name: string): Promise<boolean> {
    return this.run((c) => lambdaCatalog.deleteLambdaAlias(c, functionName, name));
  }
  putLambdaPolicy(functionName: string, qualifier: string, policy: LambdaPolicyRecord | undefined): Promise<void> {
    return this.run((c) => lambdaCatalog.putLambdaPolicy(c, functionName, qualifier, policy));
  }
  getLambdaPolicy(functionName: string, qualifier: string): Promise<LambdaPolicyRecord | undefined> {
    return this.run((c) => lambdaCatalog.getLambdaPolicy(c, functionName, qualifier));
  }
  deleteLambdaFunction(functionName: string): Promise<void> {
    return this.run((c) => lambdaCatalog.deleteLambdaFunction(c, functionName));
  }

  /** Test-only: moves the page cap of OpenOptions.maxPageCount (a disk that fills or frees up). */
  setMaxPageCount(pages: number): void {
    this.db.pragma(`max_page_count = ${Math.floor(pages)}`);
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
