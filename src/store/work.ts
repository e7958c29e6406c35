import type { EngineEvent, ExecutionStatus, Snapshot, TaskRequest } from '../engine/index.js';
import type { Json } from '../language/json.js';
import type { ExecutionRecord, StoredHistoryEvent } from './executions.js';

/**
 * The work role of the store: what a worker advances and dispatches, and the one write path of the
 * execution model. Writes that belong to the execution model (starting executions, applying an
 * advance, delivering results) are data, not callbacks: the scheduler hands a batch of them to
 * `commit`, which applies them in ONE transaction (group commit), so one fsync covers many executions.
 */
export interface WorkStore {
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
  /** An unacknowledged effect by its idempotency key (activity heartbeats find their attempt). */
  getOutboxEntry(idempotencyKey: string): Promise<OutboxRecord | undefined>;

  /** Applies the operations in one transaction, in order; a thrown error rolls all of them back. */
  commit(ops: readonly WriteOp[]): Promise<WriteResult[]>;

  // Claims: the worker advancing an execution or dispatching an effect holds it with a lease.
  // Claims go in `commit` too (claimExecution, renewClaims, releaseClaims and the `claim` of the
  // writes that bring an execution work), so they share its transaction and its fsync.
  /**
   * Executions with work (as findWork) that `owner` may advance: free, expired, or its own (a
   * restarted worker takes its own back at once). Claims them until `now + leaseMs`.
   */
  claimWork(owner: string, now: number, limit: number, leaseMs: number): Promise<ClaimedExecution[]>;
  /**
   * claimWork among the named executions only (those the store signalled work for). Optional: a
   * backend where finding work means reading every execution that has some (PostgreSQL, with many
   * workers sharing the load) looks the named ones up by key instead; without it the scheduler
   * uses claimWork.
   */
  claimExecutions?(owner: string, executionArns: readonly string[], now: number, leaseMs: number): Promise<ClaimedExecution[]>;
  /**
   * Unacknowledged effects (as pendingOutbox) that `owner` may dispatch, claimed likewise. With
   * `abandonedOnly`, only free and expired ones (not its own live claims): what a worker that died
   * or stopped left, which the others take over while they run.
   */
  claimOutbox(owner: string, now: number, limit: number, leaseMs: number, abandonedOnly?: boolean): Promise<OutboxRecord[]>;
  /** Who holds an execution or an outbox entry (by idempotency key) now, if anyone. */
  leaseOf(what: { readonly executionArn: string } | { readonly idempotencyKey: string }): Promise<Lease | undefined>;

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
}

/**
 * What an advance did to one child execution of a distributed Map: inserted when it started (its
 * row then is RUNNING), its history appended to (gapless, as the parent's), its end recorded.
 */
export interface ChildExecutionWrite {
  readonly arn: string;
  readonly start?: {
    readonly stateMachineArn: string;
    readonly mapRunArn: string;
    readonly name: string;
    /** The parent's revision (the child runs a part of that definition). */
    readonly revision: number;
    /** JSON text. */
    readonly input: string;
    readonly startDate: number;
  };
  readonly end?: {
    readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
    /** JSON text, on success only. */
    readonly output?: string;
    readonly error?: string;
    readonly cause?: string;
    readonly stopDate: number;
  };
  readonly history: readonly StoredHistoryEvent[];
}

/** A worker's hold on an execution or an effect: it alone works on it until `expiresAt` or until it lets go. */
export interface Lease {
  readonly owner: string;
  readonly expiresAt: number;
}

/** A claim made with a write: granted when the row is free, expired (at `now`) or `owner`'s already. */
export interface Claim extends Lease {
  readonly now: number;
}

export interface ClaimedExecution {
  readonly executionArn: string;
  readonly expiresAt: number;
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
  readonly request: TaskRequest;
}

export type WriteOp =
  | {
      /** Inserts the execution (running, version 0, no snapshot yet) with a `start` inbox event. */
      readonly kind: 'createExecution';
      readonly execution: ExecutionRecord;
      /** Claims the new execution for the worker that will advance it first. */
      readonly claim?: Claim;
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
      /** The child executions (distributed Map iterations) the advance started, ran or ended. */
      readonly childExecutions?: readonly ChildExecutionWrite[];
      /**
       * The advancing worker's lease: the outbox entries written are its to dispatch, and it keeps
       * the execution when `keep` (it advances it again at once), else lets go. Absent: both free.
       */
      readonly claim?: Lease & { readonly keep: boolean };
    }
  | {
      /** A task's result: appended to the inbox only while its outbox entry still exists (else stale). */
      readonly kind: 'deliverTaskResult';
      readonly idempotencyKey: string;
      readonly event: EngineEvent;
      /** Claims the execution the event goes to (when free) for the worker that will advance it. */
      readonly claim?: Claim;
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
        | { readonly ok: true; readonly output: Json }
        /** SendTaskFailure may name neither error nor cause (AWS then records neither). */
        | { readonly ok: false; readonly error?: string; readonly cause?: string };
      /** Claims the execution the event goes to (when free) for the worker that will advance it. */
      readonly claim?: Claim;
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
      readonly claim?: Claim;
    }
  | {
      /** An event for a running execution (e.g. `stop`). */
      readonly kind: 'appendInbox';
      readonly executionArn: string;
      readonly event: EngineEvent;
      /** Claims the execution the event goes to (when free) for the worker that will advance it. */
      readonly claim?: Claim;
    }
  | {
      /** Claims an execution to advance it (see Claim). */
      readonly kind: 'claimExecution';
      readonly executionArn: string;
      readonly claim: Claim;
    }
  | {
      /** Extends every lease `owner` holds, on executions and effects, to `expiresAt`. */
      readonly kind: 'renewClaims';
      readonly owner: string;
      readonly expiresAt: number;
    }
  | {
      /** Lets go of the leases `owner` holds: on these executions, or on everything (a worker that stops). */
      readonly kind: 'releaseClaims';
      readonly owner: string;
      readonly executionArns?: readonly string[];
    };

export type WriteResult =
  | { readonly kind: 'created'; readonly execution: ExecutionRecord; readonly claimed?: boolean }
  /** An execution with that name exists already (StartExecution decides idempotent or conflict). */
  | { readonly kind: 'exists'; readonly execution: ExecutionRecord }
  | { readonly kind: 'applied' }
  /** The stored version moved on: the advance was not written. */
  | { readonly kind: 'conflict' }
  /** Appended to the inbox of this execution. */
  | { readonly kind: 'delivered'; readonly executionArn: string; readonly claimed?: boolean }
  /** Dropped: stale result, unknown token, or execution no longer running. */
  | { readonly kind: 'dropped'; readonly reason: 'stale' | 'unknownToken' | 'notRunning' }
  /** Redriven: the execution as it is now (RUNNING, with its new redrive count and date). */
  | { readonly kind: 'redriven'; readonly execution: ExecutionRecord; readonly claimed?: boolean }
  /** Not redriven: the execution's status then (undefined when there is no such execution or no snapshot). */
  | { readonly kind: 'notRedrivable'; readonly status?: ExecutionStatus }
  /** claimExecution: granted, or held by another worker (or no such execution). */
  | { readonly kind: 'claimed'; readonly expiresAt: number }
  | { readonly kind: 'claimRefused' };
