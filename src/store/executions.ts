import type { ExecutionStatus, HistoryEvent, Snapshot } from '../engine/index.js';

/**
 * The executions role of the store: executions as the API and the console read them, their
 * snapshots and their history. Writes to executions go through the work role's `commit`.
 */
export interface ExecutionStore {
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
  getHistory(executionArn: string, page?: HistoryPage): Promise<{ events: HistoryEvent[]; nextEventId?: number }>;
  /** The attempt a task token belongs to (SendTaskHeartbeat finds it so). */
  getTaskToken(token: string): Promise<TaskTokenRecord | undefined>;
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
  /**
   * Set on the child executions of a distributed Map (its Map Run's ARN). They are driven by their
   * parent's advances, have no snapshot, inbox or timers of their own, and are listed only by Map Run.
   */
  readonly mapRunArn?: string;
}

export interface ExecutionQuery {
  readonly stateMachineArn?: string;
  /** The child executions of this Map Run; without it, only executions that are no Map Run's children. */
  readonly mapRunArn?: string;
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

export interface HistoryPage {
  readonly reverseOrder?: boolean;
  readonly maxResults?: number;
  /** Continue after this event id (exclusive; before it in reverse order). */
  readonly afterEventId?: number;
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

export interface TaskTokenRecord {
  readonly executionArn: string;
  readonly frameId: string;
  readonly attempt: number;
}
