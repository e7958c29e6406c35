import type { EngineEvent, ExecutionStatus, HistoryEvent, Snapshot } from '../engine/index.js';

/**
 * What the scheduler and the API need from durable storage. Implementations: `sqlite/` (the
 * embedded default) and, later, `postgres/`. Every implementation must pass test/store/contract.ts.
 *
 * Writes that belong to the execution model (starting executions, applying an advance, delivering
 * results) are data, not callbacks: the scheduler hands a batch of them to `commit`, which applies
 * them in ONE transaction (group commit), so one fsync covers many executions.
 */
export interface Store {
  // State machines
  createStateMachine(machine: NewStateMachine): Promise<StateMachineRecord>;
  getStateMachine(arn: string): Promise<StateMachineRecord | undefined>;
  listStateMachines(): Promise<StateMachineRecord[]>;
  /** A new revision of the definition and/or role; `publish` also makes it a numbered version. */
  updateStateMachine(arn: string, update: StateMachineUpdate, now: number): Promise<StateMachineRecord>;
  /** The definition an execution runs: revision `revision` of machine `arn`. */
  getStateMachineRevision(arn: string, revision: number): Promise<StateMachineRevision | undefined>;
  listStateMachineVersions(arn: string): Promise<StateMachineRevision[]>;
  deleteStateMachine(arn: string): Promise<boolean>;

  // Executions
  getExecution(arn: string): Promise<ExecutionRecord | undefined>;
  /**
   * The snapshot with its version (the optimistic-concurrency token for `applyAdvance`). `null`
   * before the first advance (the start snapshot follows from the execution and its machine) and
   * after success (nothing can resume a succeeded execution): not storing those halves the bytes
   * each execution writes.
   */
  loadSnapshot(arn: string): Promise<{ snapshot: Snapshot | null; version: number } | undefined>;
  listExecutions(query: {
    stateMachineArn?: string;
    status?: ExecutionStatus;
    limit?: number;
  }): Promise<ExecutionRecord[]>;

  /**
   * One page of executions, newest first, filtered and paged in the store (keyset: `after` is the
   * `next` of the page before, so a page costs its own rows whatever the table holds).
   */
  listExecutionsPage(query: ExecutionQuery): Promise<ExecutionPage>;
  /** How many executions each machine has in each status (the console's summary). */
  countExecutions(): Promise<ExecutionCount[]>;

  // Work
  /** Inbox events not yet applied, oldest first. */
  pendingInbox(executionArn: string): Promise<InboxEvent[]>;
  /** Timers of one execution due at `now` or before, earliest first. */
  dueTimers(executionArn: string, now: number): Promise<TimerRecord[]>;
  /** Executions with pending inbox events or timers due at `now`: what a worker should advance. */
  findWork(now: number, limit: number): Promise<string[]>;
  /** The earliest due date of any timer, to sleep until then. */
  nextTimerDue(): Promise<number | undefined>;
  /** Effects committed and not yet acknowledged: dispatch them (again) after a restart. */
  pendingOutbox(limit: number): Promise<OutboxRecord[]>;

  // History
  getHistory(executionArn: string, page?: HistoryPage): Promise<{ events: HistoryEvent[]; nextEventId?: number }>;

  /** Applies the operations in one transaction, in order; a thrown error rolls all of them back. */
  commit(ops: readonly WriteOp[]): Promise<WriteResult[]>;

  // Activities (CRUD; the activity integration will use them)
  createActivity(name: string, arn: string, now: number): Promise<ActivityRecord>;
  getActivity(arn: string): Promise<ActivityRecord | undefined>;
  listActivities(): Promise<ActivityRecord[]>;
  deleteActivity(arn: string): Promise<boolean>;

  // Task tokens (SendTaskHeartbeat finds the attempt a token belongs to)
  getTaskToken(token: string): Promise<TaskTokenRecord | undefined>;

  /** An unacknowledged effect by its idempotency key (activity heartbeats find their attempt). */
  getOutboxEntry(idempotencyKey: string): Promise<OutboxRecord | undefined>;
  /** DeleteStateMachineVersion: the revision stays (executions may run it) but is no longer a version. */
  unpublishStateMachineVersion(arn: string, version: number): Promise<boolean>;
  /** Forgets the revisions of a deleted machine, so a machine of the same name can be created again. */
  deleteStateMachineRevisions(arn: string): Promise<void>;

  // Tags (TagResource / UntagResource / ListTagsForResource)
  tagResource(resourceArn: string, tags: readonly { readonly key: string; readonly value: string }[]): Promise<void>;
  untagResource(resourceArn: string, keys: readonly string[]): Promise<void>;
  listTags(resourceArn: string): Promise<{ key: string; value: string }[]>;

  // State machine aliases
  putAlias(alias: AliasRecord): Promise<void>;
  getAlias(arn: string): Promise<AliasRecord | undefined>;
  listAliases(stateMachineArn: string): Promise<AliasRecord[]>;
  deleteAlias(arn: string): Promise<boolean>;

  /**
   * RedriveExecution's clientToken: the redrive date kept for (execution, token) if it has not
   * expired at `now`; with `keep`, keeps that redrive date for the token until `keep.expiresAt`
   * (replacing an expired one) and drops the expired tokens of every execution.
   */
  redriveClientToken(
    executionArn: string,
    clientToken: string,
    now: number,
    keep?: { readonly redriveDate: number; readonly expiresAt: number },
  ): Promise<number | undefined>;

  // Leases: a named claim with an owner and an expiry (workers sharing a PostgreSQL database).
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;

  // Poison pills: an advance that crashes the process is counted across restarts.
  /** Marks a scheduler run begun; answers whether the run before it ended with endRun (false after a crash). */
  beginRun(): Promise<{ previousRunEnded: boolean }>;
  endRun(): Promise<void>;
  /** Counts one more attempt to advance the execution, durably, before it is made; answers the count. */
  countAdvanceAttempt(executionArn: string): Promise<number>;
  clearAdvanceAttempts(executionArn: string): Promise<void>;
  close(): Promise<void>;
}

export type MachineType = 'STANDARD' | 'EXPRESS';

export interface NewStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly type: MachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly createdAt: number;
}

export interface StateMachineRecord extends NewStateMachine {
  /** The revision new executions run. */
  readonly revision: number;
  readonly updatedAt: number;
}

export interface StateMachineUpdate {
  readonly definition?: string;
  readonly roleArn?: string;
  readonly publish?: boolean;
  readonly versionDescription?: string;
}

export interface StateMachineRevision {
  readonly stateMachineArn: string;
  readonly revision: number;
  readonly definition: string;
  readonly roleArn: string;
  readonly createdAt: number;
  /** Set when the revision was published as a version (1, 2, …). */
  readonly version?: number;
  readonly description?: string;
}

export interface ExecutionRecord {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly revision: number;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** JSON text, as StartExecution received it. */
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: number;
  readonly stopDate?: number;
  /** RedriveExecution: how many times it was redriven and when last (both absent until the first redrive). */
  readonly redriveCount?: number;
  readonly redriveDate?: number;
  /** The id of its last history event, as stored (set by the store; the history quota is 25,000). */
  readonly lastEventId?: number;
}

export interface ExecutionQuery {
  readonly stateMachineArn?: string;
  readonly status?: ExecutionStatus;
  /** Only executions redriven at least once (true) or never (false). */
  readonly redriven?: boolean;
  /** Only executions of this revision of the machine (a version's). */
  readonly revision?: number;
  /** Only executions started at or after this time (epoch ms). */
  readonly startedAfter?: number;
  /** Continue after this position: the `next` of the previous page. */
  readonly after?: number;
  readonly limit: number;
}

export interface ExecutionPage {
  readonly executions: ExecutionRecord[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: number;
}

export interface ExecutionCount {
  readonly stateMachineArn: string;
  readonly status: ExecutionStatus;
  readonly count: number;
}

export interface InboxEvent {
  readonly id: number;
  readonly event: EngineEvent;
}

export interface TimerRecord {
  readonly frameId: string;
  readonly key: string;
  readonly dueAt: number;
}

/** An effect to perform outside: today a Task invocation. */
export interface OutboxRecord {
  readonly executionArn: string;
  /** Execution ARN + TaskScheduled event id: the same for every dispatch of one attempt. */
  readonly idempotencyKey: string;
  readonly frameId: string;
  readonly attempt: number;
  readonly request: import('../engine/index.js').TaskRequest;
}

export interface HistoryPage {
  readonly reverseOrder?: boolean;
  readonly maxResults?: number;
  /** Continue after this event id (exclusive; before it in reverse order). */
  readonly afterEventId?: number;
}

export interface ActivityRecord {
  readonly arn: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface TaskTokenRecord {
  readonly executionArn: string;
  readonly frameId: string;
  readonly attempt: number;
}

export interface AliasRecord {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly description?: string;
  /** Versions (their ARNs) and the percentage of executions each one gets. */
  readonly routingConfiguration: readonly { readonly stateMachineVersionArn: string; readonly weight: number }[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A history event as stored: AWS's shape with the timestamp as epoch ms. */
export interface StoredHistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly detailsKey?: string;
  readonly details?: { readonly [key: string]: unknown };
}

export type WriteOp =
  | {
      /** Inserts the execution (running, version 0, no snapshot yet) with a `start` inbox event. */
      readonly kind: 'createExecution';
      readonly execution: ExecutionRecord;
    }
  | {
      /** The result of advancing one execution: everything lands or nothing does. */
      readonly kind: 'applyAdvance';
      readonly executionArn: string;
      /** The version the advance started from; a different stored version refuses the write. */
      readonly expectedVersion: number;
      readonly snapshot: Snapshot;
      readonly history: readonly StoredHistoryEvent[];
      readonly consumedInbox: readonly number[];
      readonly firedTimers: readonly { readonly frameId: string; readonly key: string }[];
      readonly newTimers: readonly TimerRecord[];
      readonly cancelledTimers: readonly { readonly frameId: string; readonly key: string }[];
      /** Task attempts no longer awaited: their outbox entries and task tokens go. */
      readonly endedAttempts: readonly number[];
      readonly outbox: readonly OutboxRecord[];
      /** Events to apply in a later advance (e.g. `continue` after a yield). */
      readonly followUps: readonly EngineEvent[];
      readonly stopDate?: number;
    }
  | {
      /** A task's result: appended to the inbox only while its outbox entry still exists (else stale). */
      readonly kind: 'deliverTaskResult';
      readonly idempotencyKey: string;
      readonly event: EngineEvent;
    }
  | {
      /** The effect was handed over and its result will come another way (e.g. a task token). */
      readonly kind: 'acknowledgeEffect';
      readonly idempotencyKey: string;
    }
  | {
      /** SendTaskSuccess/Failure: the result for the task waiting on `token`. */
      readonly kind: 'completeTaskToken';
      readonly token: string;
      readonly result:
        | { readonly ok: true; readonly output: import('../language/json.js').Json }
        | { readonly ok: false; readonly error: string; readonly cause: string };
    }
  | {
      /**
       * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution becomes RUNNING again (no stop
       * date, error or cause), counts the redrive and gets a `redrive` inbox event; the scheduler
       * then advances it from its kept snapshot like any execution with inbox events. Anything else
       * (running, succeeded, no snapshot kept, unknown) is refused, so two redrives cannot both win.
       */
      readonly kind: 'redriveExecution';
      readonly executionArn: string;
      readonly redriveDate: number;
    }
  | {
      /** An event for a running execution (e.g. `stop`). */
      readonly kind: 'appendInbox';
      readonly executionArn: string;
      readonly event: EngineEvent;
    };

export type WriteResult =
  | { readonly kind: 'created'; readonly execution: ExecutionRecord }
  /** An execution with that name exists already (StartExecution decides idempotent or conflict). */
  | { readonly kind: 'exists'; readonly execution: ExecutionRecord }
  | { readonly kind: 'applied' }
  /** The stored version moved on: the advance was not written. */
  | { readonly kind: 'conflict' }
  /** Appended to the inbox of this execution. */
  | { readonly kind: 'delivered'; readonly executionArn: string }
  /** Dropped: stale result, unknown token, or execution no longer running. */
  | { readonly kind: 'dropped'; readonly reason: 'stale' | 'unknownToken' | 'notRunning' }
  /** Redriven: the execution as it is now (RUNNING, with its new redrive count and date). */
  | { readonly kind: 'redriven'; readonly execution: ExecutionRecord }
  /** Not redriven: the execution's status then (undefined when there is no such execution or no snapshot). */
  | { readonly kind: 'notRedrivable'; readonly status?: ExecutionStatus };

/** An I/O failure of the store with a message a user can act on. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'Corrupt' | 'Foreign' | 'TooNew' | 'Locked' | 'ReadOnly' | 'DiskFull' | 'IO',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
