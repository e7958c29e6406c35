import os from 'node:os';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
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
import type { ExecutionCount, ExecutionPage, ExecutionQuery, ExecutionRecord, HistoryPage, TaskTokenRecord } from '../executions.js';
import type { FunctionLogQuery, FunctionLogRecord, FunctionLogRetention } from '../function-logs.js';
import type { LambdaAliasRecord, LambdaPolicyRecord, LambdaVersionRecord } from '../lambda-catalog.js';
import { signalsOf } from '../rules/signals.js';
import type { SignalKind } from '../signals.js';
import { StoreError, type Store } from '../store.js';
import type { ClaimedExecution, InboxEvent, Lease, OutboxRecord, TimerRecord, WriteOp, WriteResult } from '../work.js';
import * as activityTasks from './activity-tasks.js';
import * as catalog from './catalog.js';
import * as lambdaCatalog from './lambda-catalog.js';
import { applyBatch, Coalesced, executionsWithSnapshots, pendingInboxes } from './batch.js';
import { lockExecutionsOf } from './lock-executions.js';
import * as executions from './executions.js';
import * as functionLogs from './function-logs.js';
import { clientConfig, describeUrl, isRetryable, migrate, pgError, type PostgresOptions } from './open.js';
import { CHANNEL, PgSignals } from './signals.js';
import { contextOf, type PgContext } from './statements.js';
import * as work from './work.js';

/** Bound on the arn → row id cache (ids never change; the bound only caps memory). */
const ID_CACHE_LIMIT = 100_000;
/** A commit that PostgreSQL rolled back for a deadlock or a serialization failure is tried again this often. */
const COMMIT_RETRIES = 3;

/**
 * The shared store: any number of processes on any number of machines over one PostgreSQL database.
 * Each role lives in a module of its own (catalog.ts, executions.ts, work.ts, commit.ts); this class
 * owns the pool, runs transactions, turns failures into StoreErrors and raises a commit's signals
 * (here at once, elsewhere through NOTIFY sent inside the commit, so only committed work is told).
 */
export class PostgresStore implements Store {
  readonly signals: PgSignals;
  private readonly ids = new Map<string, number>();
  private readonly node: string;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    config: pg.ClientConfig,
    options: PostgresOptions,
  ) {
    this.node = options.node ?? `${os.hostname()}:${process.pid}`;
    this.signals = new PgSignals(config, pool, randomUUID());
  }

  /** Connects, migrates the schema (safe with several processes at once) and starts listening for signals. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const where = describeUrl(url);
    const config = clientConfig(url);
    const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, where, config, options);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, where);
      } finally {
        client.release();
      }
      await store.signals.listen();
    } catch (e) {
      await store.signals.close();
      await pool.end().catch(() => undefined);
      throw pgError(e, where);
    }
    return store;
  }

  private readonly cache = {
    get: (arn: string) => this.ids.get(arn),
    learn: (arn: string, id: number) => {
      if (this.ids.size >= ID_CACHE_LIMIT) this.ids.clear();
      this.ids.set(arn, id);
    },
  };

  private readonly ctx: PgContext = contextOf(this.pool, this.cache, (fn) => this.transaction(fn));
  /** The reads a worker makes of each execution it advances, one query per turn for all (batch.ts). */
  private readonly inboxReads = new Coalesced<InboxEvent[]>((arns) => this.run((c) => pendingInboxes(c, arns)), () => []);
  private readonly rowReads = new Coalesced<{ record: ExecutionRecord; snapshot: Snapshot | null; version: number } | undefined>(
    (arns) => this.run((c) => executionsWithSnapshots(c, arns)),
    () => undefined,
  );

  /** Runs `fn` in one transaction on one connection; ids learned in it are kept only if it commits. */
  private async transaction<T>(fn: (ctx: PgContext) => Promise<T>, beforeCommit?: (client: pg.PoolClient, result: T) => Promise<void>): Promise<T> {
    const client = await this.pool.connect();
    const learned = new Map<string, number>();
    const ids = { get: (arn: string) => this.ids.get(arn) ?? learned.get(arn), learn: (arn: string, id: number) => void learned.set(arn, id) };
    let broken = false;
    // A connection the server ends while this transaction holds it (a restart, pg_terminate_backend)
    // fails the query in flight; the client's 'error' event besides must not end the process.
    const lost = (): void => void (broken = true);
    client.on('error', lost);
    try {
      await client.query('begin');
      const ctx: PgContext = contextOf(client, ids, (inner) => inner(ctx));
      const result = await fn(ctx);
      if (beforeCommit !== undefined) await beforeCommit(client, result);
      await client.query('commit');
      for (const [arn, id] of learned) this.cache.learn(arn, id);
      return result;
    } catch (e) {
      await client.query('rollback').catch(() => (broken = true));
      throw e;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }

  private async run<T>(fn: (ctx: PgContext) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('The store is closed', 'IO');
    try {
      return await fn(this.ctx);
    } catch (e) {
      throw pgError(e, this.where);
    }
  }

  // Work: the commit

  async commit(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    if (this.closed) throw new StoreError('The store is closed', 'IO');
    const raised: [SignalKind, string][] = [];
    for (let attempt = 0; ; attempt++) {
      raised.length = 0;
      try {
        const results = await this.transaction(
          async (ctx) => {
            // In id order first: workers batching the same executions wait for each other instead of deadlocking.
            await lockExecutionsOf(ctx, ops);
            return applyBatch(ctx, ops);
          },
          async (client, results) => {
            for (let i = 0; i < ops.length; i++) signalsOf(ops[i], results[i], (kind, key) => raised.push([kind, key]));
            // NOTIFY is transactional: the other processes hear of the work only if it commits.
            const payloads = this.signals.payloads(raised);
            if (payloads.length > 0) await client.query({ name: 'notifyAll', text: 'select pg_notify($1, p) from unnest($2::text[]) as p', values: [CHANNEL, payloads] });
          },
        );
        for (const [kind, key] of raised) this.signals.raiseHere(kind, key);
        return results;
      } catch (e) {
        if (attempt < COMMIT_RETRIES && isRetryable(e)) continue;
        throw pgError(e, this.where);
      }
    }
  }

  /**
   * One transaction that raises `signal` of its result (NOTIFY inside it, here after it), tried
   * again after a deadlock or a serialization failure as commits are.
   */
  private async signalled<T>(fn: (ctx: PgContext) => Promise<T>, signal: (result: T) => readonly [SignalKind, string] | undefined): Promise<T> {
    if (this.closed) throw new StoreError('The store is closed', 'IO');
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.transaction(fn, async (client, r) => {
          const raised = signal(r);
          if (raised !== undefined) for (const payload of this.signals.payloads([raised])) await client.query('select pg_notify($1, $2)', [CHANNEL, payload]);
        });
        const raised = signal(result);
        if (raised !== undefined) this.signals.raiseHere(raised[0], raised[1]);
        return result;
      } catch (e) {
        if (attempt < COMMIT_RETRIES && isRetryable(e)) continue;
        throw pgError(e, this.where);
      }
    }
  }

  // Activity tasks

  enqueueActivityTask(task: NewActivityTask): Promise<'queued' | 'exists' | 'over'> {
    return this.signalled((c) => activityTasks.enqueueActivityTask(c, task), (r) => (r === 'queued' ? ['activityTaskAvailable', task.activityArn] : undefined));
  }
  takeActivityTask(activityArn: string, workerName: string | undefined, now: number): Promise<TakenActivityTask | undefined> {
    return this.signalled((c) => activityTasks.takeActivityTask(c, activityArn, workerName, now), (t) => (t === undefined ? undefined : ['workAvailable', t.executionArn]));
  }
  listActivityTasks(executionArn: string): Promise<ActivityTaskRecord[]> {
    return this.run((c) => activityTasks.listActivityTasks(c, executionArn));
  }
  deleteActivityTasks(activityArn: string): Promise<void> {
    return this.run((c) => activityTasks.deleteActivityTasks(c, activityArn));
  }

  // Work: reads, claims, leases, runs

  pendingInbox(executionArn: string): Promise<InboxEvent[]> {
    return this.inboxReads.get(executionArn);
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
  claimExecutions(owner: string, executionArns: readonly string[], now: number, leaseMs: number): Promise<ClaimedExecution[]> {
    return this.run((c) => work.claimExecutions(c, owner, executionArns, now, leaseMs));
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
    return this.run((c) => work.beginRun(c, this.node));
  }
  endRun(): Promise<void> {
    return this.run((c) => work.endRun(c, this.node));
  }
  countAdvanceAttempt(executionArn: string): Promise<number> {
    return this.run((c) => work.countAdvanceAttempt(c, executionArn));
  }
  clearAdvanceAttempts(executionArn: string): Promise<void> {
    return this.run((c) => work.clearAdvanceAttempts(c, executionArn));
  }

  // Executions

  getExecution(arn: string): Promise<ExecutionRecord | undefined> {
    return this.rowReads.get(arn).then((r) => r?.record);
  }
  loadSnapshot(arn: string): Promise<{ snapshot: Snapshot | null; version: number } | undefined> {
    return this.rowReads.get(arn).then((r) => r && { snapshot: r.snapshot, version: r.version });
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.signals.close();
    await this.pool.end();
  }
}
