import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { advance, createSnapshot, materializeEvent, prepareMachine, systemClock, taskTimeoutKey, waitingAttempts } from '../engine/index.js';
import type { Json } from '../language/json.js';
import type {
  ChildExecutionChange,
  Clock,
  CompiledMachine,
  EngineEvent,
  HistoryRecord,
  PayloadTexts,
  Ids,
  Snapshot,
  TaskResources,
  TaskResult,
} from '../engine/index.js';
import type {
  ChildExecutionWrite,
  Claim,
  ExecutionRecord,
  OutboxRecord,
  Store,
  StoredHistoryEvent,
  TimerRecord,
  WriteOp,
  WriteResult,
} from '../store/index.js';
import { StoreError } from '../store/index.js';
import { DEFAULT_GROUP_COMMIT, GroupCommitter, type GroupCommitOptions } from './group-commit.js';
import { dispatchTask } from './dispatch.js';
import { scaledDueAt } from './time-scale.js';
import { StoreBackOff } from './back-off.js';

export interface SchedulerOptions {
  readonly store: Store;
  readonly resources?: TaskResources;
  readonly clock?: Clock;
  readonly ids?: Ids;
  readonly groupCommit?: GroupCommitOptions;
  /** State entries per advance before the scheduler commits and lets other executions run. */
  readonly transitionsPerSlice?: number;
  /** Executions advanced at once. */
  readonly concurrency?: number;
  /** How often the store is asked for work nobody announced (a safety net; timers are armed directly). */
  readonly pollMs?: number;
  readonly onError?: (error: unknown, context: string) => void;
  /** Something that went wrong is fine again (the store writes after a full disk). */
  readonly onNotice?: (message: string) => void;
  /**
   * Attempts to advance one execution before it is failed with States.Runtime: advances that throw,
   * and advances that end the whole process (counted in the store across restarts).
   */
  readonly maxAdvanceAttempts?: number;
  /**
   * The owner this scheduler's claims carry (default: host name and process id). Workers sharing a
   * store need distinct ids; a worker restarted under the same id takes its own claims back at once.
   */
  readonly workerId?: string;
  /** How long a claim holds without renewal (renewed every third of it while held). */
  readonly leaseMs?: number;
  /** Wait states and Retry back-off take this times their time (time-scale.ts; default 1). */
  readonly timeScale?: number;
  /**
   * Writes only (`stepwright server --serve-only`): the API's writes go through the group
   * committer, but nothing is claimed, advanced or dispatched here; workers sharing the store hear
   * of the work through its signals.
   */
  readonly serveOnly?: boolean;
}

interface Cached {
  snapshot: Snapshot;
  version: number;
  /** The execution as stored while it runs (its final record is built from it and the snapshot). */
  readonly record: ExecutionRecord;
  /** False while the execution surely has no timers (started here, none scheduled yet): saves a read. */
  mayHaveTimers: boolean;
  /** Its compiled revision, once looked up. */
  machine?: CompiledMachine;
}

/** A pass's pending event: from the inbox (id) or a due timer. */
type Work = { readonly event: EngineEvent; readonly inboxId?: number; readonly timer?: TimerRecord };

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const SNAPSHOT_CACHE_LIMIT = 50_000;
const RETRY_AFTER_FAILURE_MS = 1000;
const MAX_RETRY_AFTER_FAILURE_MS = 30_000;
const DEFAULT_MAX_ADVANCE_ATTEMPTS = 3;
const DEFAULT_LEASE_MS = 30_000;
const POISON_ERROR = 'States.Runtime';
/**
 * Executions one claim of signalled work takes at most: a burst is claimed in slices, so workers
 * hearing the same signals share it (each slice skips what another worker holds). Measured with 4
 * PostgreSQL workers: slices of 16 cost the backends twice the CPU per execution of 64 (more
 * claims, smaller commits), and 64 still split a burst evenly (within 10%).
 */
const SIGNALLED_CLAIM_BATCH = 64;
/** Signalled executions waiting for a claim here at most. */
const MAX_UNCLAIMED = 8192;

const crashedCause = (attempts: number): string =>
  `Stepwright stopped advancing this execution: ${attempts} attempts to advance it ended the server process (a crash, running out of memory, or a kill).`;
const thrownCause = (attempts: number, e: unknown): string =>
  `Stepwright stopped advancing this execution: ${attempts} attempts to advance it failed. Last error: ${e instanceof Error ? e.message : String(e)}`;


/** The execution as its last advance leaves it, built from what the scheduler has (no read). */
function finalRecord(record: ExecutionRecord, snapshot: Snapshot, now: number): ExecutionRecord {
  const final: { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] } = { ...record, status: snapshot.status, stopDate: now };
  if (snapshot.status === 'SUCCEEDED') final.output = JSON.stringify(snapshot.output ?? null);
  if (snapshot.error !== undefined) final.error = snapshot.error;
  if (snapshot.cause !== undefined) final.cause = snapshot.cause;
  return final;
}

type ChildWriteDraft = { -readonly [K in keyof ChildExecutionWrite]: K extends 'history' ? StoredHistoryEvent[] : ChildExecutionWrite[K] };

/** Folds what one advance did to a child execution into the commit's write for it (several advances make one commit). */
function takeChild(into: Map<string, ChildWriteDraft>, c: ChildExecutionChange, now: number, revision: number, texts: PayloadTexts): void {
  let w = into.get(c.arn);
  if (w === undefined) into.set(c.arn, (w = { arn: c.arn, history: [] }));
  if (c.start !== undefined) {
    const { mapRunArn, stateMachineArn, name, input } = c.start;
    w.start = { stateMachineArn, mapRunArn, name, revision, input: JSON.stringify(input), startDate: now };
  }
  const end = c.end;
  if (end !== undefined)
    w.end = {
      status: end.status,
      stopDate: now,
      ...(end.status === 'SUCCEEDED' ? { output: JSON.stringify(end.output ?? null) } : {}),
      ...(end.error !== undefined ? { error: end.error } : {}),
      ...(end.cause !== undefined ? { cause: end.cause } : {}),
    };
  for (const rec of c.records) w.history.push(toStored(rec, texts));
}

function toStored(r: HistoryRecord, texts: PayloadTexts): StoredHistoryEvent {
  if (r.detailsKey === undefined)
    return { id: r.id, previousEventId: r.previousEventId, timestamp: r.timestamp, type: r.type };
  const details = (materializeEvent(r, texts) as unknown as Record<string, { [k: string]: unknown }>)[r.detailsKey];
  return {
    id: r.id,
    previousEventId: r.previousEventId,
    timestamp: r.timestamp,
    type: r.type,
    detailsKey: r.detailsKey,
    details,
  };
}

/**
 * The worker loop of design.md section 3: finds executions with inbox events or due timers,
 * advances them, commits each advance (snapshot + history + consumed inbox + timers + outbox) in one
 * group-committed transaction with a version check, then dispatches the effects; task results come
 * back as inbox events.
 */
export class Scheduler {
  readonly committer: GroupCommitter;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly slice: number;
  private readonly concurrency: number;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly cache = new Map<string, Cached>();
  private readonly machines = new Map<string, Promise<{ machine: CompiledMachine; roleArn: string }>>();
  private readonly ready = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly inFlight = new Set<string>();
  private stopListening: (() => void) | undefined;
  /**
   * Ends this scheduler is committing: the record it will be (undefined if the commit does not
   * land), so a waiter here hears the end without reading it back.
   */
  private readonly ending = new Map<string, Promise<ExecutionRecord | undefined>>();
  /** Executions the store signalled work for, woken at the next turn of the event loop. */
  private readonly signalled = new Set<string>();
  private readonly passes = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;
  /** After an unclean stop: the executions that had work are advanced one at a time first. */
  private recovering = false;
  private readonly maxAttempts: number;
  /** Advances of an execution that threw, in a row. */
  private readonly failures = new Map<string, number>();
  /** Executions to fail with States.Runtime at their next pass, with the cause. */
  private readonly verdicts = new Map<string, string>();
  /** The store's trouble now (DiskFull …), logged once when it starts and once when it ends. */
  private storeCondition: string | undefined;
  private readonly backOff = new StoreBackOff(RETRY_AFTER_FAILURE_MS, MAX_RETRY_AFTER_FAILURE_MS);
  /** This scheduler's name in the store's claims. */
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly timeScale: number;
  /** Executions this scheduler holds a claim on, with its expiry (wall clock: claims are between processes). */
  private readonly held = new Map<string, number>();
  private renewer: NodeJS.Timeout | undefined;
  /** A batch claim of signalled work is in flight; signals meanwhile are counted for the next. */
  private claiming = false;
  private readonly unclaimed: string[] = [];

  constructor(private readonly options: SchedulerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? { uuid: randomUUID, random: Math.random };
    this.slice = options.transitionsPerSlice ?? 10_000;
    this.concurrency = options.concurrency ?? 2048;
    this.onError = options.onError ?? ((e, where) => console.error(`stepwright scheduler (${where}):`, e));
    this.maxAttempts = options.maxAdvanceAttempts ?? DEFAULT_MAX_ADVANCE_ATTEMPTS;
    this.committer = new GroupCommitter(this.store, options.groupCommit ?? DEFAULT_GROUP_COMMIT);
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.timeScale = options.timeScale ?? 1;
  }

  /** Recovery, then work: re-dispatches unacknowledged effects and advances whatever is pending or due. */
  async start(): Promise<void> {
    if (this.options.serveOnly === true) return;
    const { previousRunEnded } = await this.store.beginRun();
    this.recovering = !previousRunEnded;
    for (const o of await this.store.claimOutbox(this.workerId, Date.now(), Number.MAX_SAFE_INTEGER, this.leaseMs)) this.dispatch(o);
    if (this.recovering) await this.recoverSuspects();
    await this.pollWork();
    const pollMs = this.options.pollMs ?? 1000;
    this.poller = setInterval(
      () =>
        void this.pollWork().catch((e: unknown) => {
          if (!this.isStoreTrouble(e, 'poll')) this.onError(e, 'poll');
        }),
      pollMs,
    );
    this.poller.unref();
    this.renewer = setInterval(() => this.renewClaims(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.renewer.unref();
    this.stopListening = this.store.signals.on('workAvailable', undefined, (arn) => this.workAvailable(arn));
  }

  /**
   * The store says an execution has inbox events (this process's commits or another's). A pass
   * running now may have read the inbox before that commit: it runs again. Otherwise the
   * execution waits a turn: the writers here wake what they wrote right after their commit (with
   * what they know of it), and those wakes come first.
   */
  private workAvailable(arn: string): void {
    if (this.closed) return;
    if (this.running.has(arn)) {
      this.dirty.add(arn);
      return;
    }
    if (this.signalled.size === 0)
      setImmediate(() => {
        const arns = [...this.signalled];
        this.signalled.clear();
        if (this.closed) return;
        // Woken meanwhile (wake removes it from the set) or running: it saw the events. Held here:
        // advanced at once. The rest is claimed in one batch (every worker hears every signal, and
        // claiming each execution one by one would cost each worker a write per signal, refused
        // for all but one).
        const unheld: string[] = [];
        for (const a of arns) {
          if (this.running.has(a) || this.ready.has(a)) continue;
          if (this.holds(a)) this.ready.add(a);
          else unheld.push(a);
        }
        this.pump();
        if (unheld.length > 0) this.claimSignalled(unheld);
      });
    this.signalled.add(arn);
  }

  /**
   * Executions signalled here and not held: claimed together, at most one claim in flight. A store
   * that claims named executions (claimExecutions) is asked for these; another for as many.
   */
  private claimSignalled(arns: readonly string[]): void {
    for (const a of arns) this.unclaimed.push(a);
    // The oldest go first: most likely another worker's by now, and the poll is the safety net.
    if (this.unclaimed.length > MAX_UNCLAIMED) this.unclaimed.splice(0, this.unclaimed.length - MAX_UNCLAIMED);
    if (this.claiming) return;
    // No more than this scheduler can advance now; when it can advance none, the others claim
    // (pump asks again once a pass ends).
    const room = this.room();
    if (room <= 0) return;
    this.claiming = true;
    const named = this.unclaimed.splice(0, Math.min(SIGNALLED_CLAIM_BATCH, room));
    const limit = named.length;
    const now = Date.now();
    (this.store.claimExecutions !== undefined
      ? this.store.claimExecutions(this.workerId, named, now, this.leaseMs)
      : this.store.claimWork(this.workerId, now, limit, this.leaseMs)
    )
      .then(
        (claimed) => {
          if (this.closed) return;
          // Fewer than asked of any work: the rest is another worker's (or done); no use asking again.
          if (this.store.claimExecutions === undefined && claimed.length < limit) this.unclaimed.length = 0;
          for (const { executionArn: a, expiresAt } of claimed) {
            this.held.set(a, expiresAt);
            if (!this.running.has(a)) this.ready.add(a);
          }
          this.pump();
        },
        (e: unknown) => {
          // Not retried at once: the poll finds the work again once the store answers.
          this.unclaimed.length = 0;
          if (!this.isStoreTrouble(e, 'claiming signalled work')) this.onError(e, 'claiming signalled work');
        },
      )
      .finally(() => {
        this.claiming = false;
        if (this.unclaimed.length > 0 && !this.closed) this.claimSignalled([]);
      });
  }

  /** How many more executions this scheduler can take on now (running or queued to run count against it). */
  private room(): number {
    return this.concurrency - this.running.size - this.ready.size;
  }

  private claimNow(): Claim {
    const now = Date.now();
    return { owner: this.workerId, now, expiresAt: now + this.leaseMs };
  }

  /** Whether this scheduler holds the execution with time to spare (a third of a lease). */
  private holds(arn: string): boolean {
    const until = this.held.get(arn);
    return until !== undefined && until - this.leaseMs / 3 > Date.now();
  }

  /** Claims the execution (which this scheduler does not hold yet); false while another worker does. */
  private async claim(arn: string): Promise<boolean> {
    const r = await this.committer.submit({ kind: 'claimExecution', executionArn: arn, claim: this.claimNow() });
    if (r.kind === 'claimed') {
      this.held.set(arn, r.expiresAt);
      return true;
    }
    this.held.delete(arn);
    return false;
  }

  /** Lets go of a claim the scheduler no longer needs; it rides along with the next commit. */
  private letGo(arn: string): void {
    if (!this.held.delete(arn)) return;
    this.committer.submit({ kind: 'releaseClaims', owner: this.workerId, executionArns: [arn] }).catch((e: unknown) => {
      if (!this.isStoreTrouble(e, `releasing ${arn}`)) this.onError(e, `releasing ${arn}`);
    });
  }

  /** Extends every claim held (executions being advanced, effects being dispatched) in one write. */
  private renewClaims(): void {
    if (this.closed || (this.held.size === 0 && this.inFlight.size === 0)) return;
    const expiresAt = Date.now() + this.leaseMs;
    this.committer.submit({ kind: 'renewClaims', owner: this.workerId, expiresAt }).then(
      () => {
        for (const arn of this.held.keys()) this.held.set(arn, expiresAt);
      },
      (e: unknown) => {
        if (!this.isStoreTrouble(e, 'renewing claims')) this.onError(e, 'renewing claims');
      },
    );
  }

  /**
   * The process stopped without close(): one of the executions it was advancing may be a poison
   * pill that crashes it (a whole group-committed batch dies with it). Each suspect is advanced
   * alone, with its attempt counted durably before and cleared after, so a crash is charged to the
   * one execution being advanced; past maxAdvanceAttempts it is failed instead. Everything else
   * waits meanwhile, so nothing else can be charged. Clean restarts skip this.
   */
  private async recoverSuspects(): Promise<void> {
    try {
      for (const { executionArn: arn, expiresAt } of await this.store.claimWork(this.workerId, Date.now(), Number.MAX_SAFE_INTEGER, this.leaseMs)) {
        if (this.closed) return;
        this.held.set(arn, expiresAt);
        const attempts = await this.store.countAdvanceAttempt(arn);
        try {
          await this.pass(arn, attempts > this.maxAttempts ? crashedCause(attempts - 1) : undefined);
          await this.store.clearAdvanceAttempts(arn);
        } catch (e) {
          this.cache.delete(arn);
          if (!this.isStoreTrouble(e, `advancing ${arn}`)) this.onError(e, `advancing ${arn}`);
        }
      }
    } finally {
      this.recovering = false;
    }
  }

  /**
   * Writes through the group committer. A write that brings an execution work also claims it for
   * this scheduler (in the same transaction), which advances it next.
   */
  submit(op: WriteOp): Promise<WriteResult> {
    // Nothing advances here: the execution is left free for a worker to claim.
    if (this.options.serveOnly === true) return this.committer.submit(op);
    switch (op.kind) {
      case 'createExecution':
      case 'deliverTaskResult':
      case 'completeTaskToken':
      case 'appendInbox':
      case 'redriveExecution': {
        if (op.claim !== undefined) break;
        const claim = this.claimNow();
        return this.committer.submit({ ...op, claim }).then((r) => {
          if ((r.kind === 'created' || r.kind === 'delivered' || r.kind === 'redriven') && r.claimed === true)
            this.held.set(r.kind === 'delivered' ? r.executionArn : r.execution.arn, claim.expiresAt);
          return r;
        });
      }
    }
    return this.committer.submit(op);
  }

  /** Keeps an execution just created by the caller, so its first advance need not read it back. */
  remember(record: ExecutionRecord, snapshot: Snapshot, machine?: CompiledMachine): void {
    if (this.options.serveOnly === true) return;
    this.keep({ snapshot, version: snapshot.version, record, mayHaveTimers: false, machine });
  }

  private keep(c: Cached): void {
    if (this.cache.size >= SNAPSHOT_CACHE_LIMIT) this.cache.clear();
    this.cache.set(c.record.arn, c);
  }

  /** The execution has something to do (an inbox event was committed, a timer fell due). */
  wake(arn: string): void {
    if (this.closed || this.options.serveOnly === true) return;
    // Woken by the writer itself: the store's signal for the same write has nothing to add.
    this.signalled.delete(arn);
    if (this.running.has(arn)) {
      this.dirty.add(arn);
      return;
    }
    this.ready.add(arn);
    this.pump();
  }

  /**
   * Resolves with the execution once it is no longer RUNNING (undefined when there is no such
   * execution), whichever process advances it: the store signals its end.
   */
  async awaitCompletion(arn: string): Promise<ExecutionRecord | undefined> {
    let resolve: (e: ExecutionRecord | undefined) => void = () => undefined;
    let reject: (e: unknown) => void = () => undefined;
    const done = new Promise<ExecutionRecord | undefined>((res, rej) => ((resolve = res), (reject = rej)));
    const look = (): void =>
      void this.store.getExecution(arn).then((e) => {
        if (e === undefined || TERMINAL.has(e.status)) resolve(e);
      }, reject);
    const ended = (): void => {
      const mine = this.ending.get(arn);
      if (mine === undefined) look();
      else void mine.then((e) => (e === undefined ? look() : resolve(e)));
    };
    // Listening before looking: an end between the two is heard.
    const off = this.store.signals.on('executionFinished', arn, ended);
    try {
      // In the cache it runs here and has not ended (its end removes it): only the signal can tell.
      if (!this.cache.has(arn)) look();
      return await done;
    } finally {
      off();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.poller !== undefined) clearInterval(this.poller);
    if (this.renewer !== undefined) clearInterval(this.renewer);
    this.stopListening?.();
    this.ready.clear();
    while (this.passes.size > 0) await Promise.allSettled([...this.passes]);
    await this.committer.drain();
    if (this.options.serveOnly === true) return;
    try {
      // Another worker may take over at once what this one held (effects still unanswered included).
      await this.committer.submit({ kind: 'releaseClaims', owner: this.workerId });
      this.held.clear();
      await this.store.endRun();
    } catch (e) {
      this.onError(e, 'recording a clean stop');
    }
  }

  /** A StoreError is the store's trouble, not the execution's: logged once per condition, retried with back-off. */
  private isStoreTrouble(e: unknown, where: string): boolean {
    if (!(e instanceof StoreError)) return false;
    this.backOff.failed(Date.now());
    if (this.storeCondition !== e.code) {
      this.storeCondition = e.code;
      this.onError(e, `${where} (retrying with back-off; logged once until it clears)`);
    }
    return true;
  }

  private storeWorks(): void {
    this.backOff.worked();
    if (this.storeCondition === undefined) return;
    const was = this.storeCondition;
    this.storeCondition = undefined;
    (this.options.onNotice ?? ((m: string) => console.error(`stepwright scheduler: ${m}`)))(`the store writes again (it failed with ${was})`);
  }

  /** A pass threw: the store's trouble is retried; the execution's counts towards its verdict. */
  private passFailed(arn: string, e: unknown): void {
    this.cache.delete(arn);
    if (this.verdicts.delete(arn)) {
      this.onError(e, `failing ${arn} with ${POISON_ERROR}`);
      return;
    }
    if (this.isStoreTrouble(e, `advancing ${arn}`)) {
      if (!this.closed) setTimeout(() => this.wake(arn), this.backOff.delayMs()).unref();
      return;
    }
    this.onError(e, `advancing ${arn}`);
    const attempts = (this.failures.get(arn) ?? 0) + 1;
    if (attempts >= this.maxAttempts) {
      this.failures.delete(arn);
      this.verdicts.set(arn, thrownCause(attempts, e));
      if (!this.closed) setImmediate(() => this.wake(arn));
      return;
    }
    this.failures.set(arn, attempts);
    if (!this.closed) setTimeout(() => this.wake(arn), RETRY_AFTER_FAILURE_MS).unref();
  }

  private pump(): void {
    if (this.recovering) return;
    if (this.unclaimed.length > 0 && !this.claiming) this.claimSignalled([]);
    for (const arn of this.ready) {
      if (this.running.size >= this.concurrency) return;
      this.ready.delete(arn);
      this.running.add(arn);
      const p: Promise<void> = this.pass(arn, this.verdicts.get(arn))
        .then(() => {
          this.verdicts.delete(arn);
          this.failures.delete(arn);
        })
        .catch((e: unknown) => this.passFailed(arn, e))
        .finally(() => {
          this.passes.delete(p);
          this.running.delete(arn);
          if (this.dirty.delete(arn)) this.ready.add(arn);
          if (!this.closed) this.pump();
        });
      this.passes.add(p);
    }
  }

  private async pollWork(): Promise<void> {
    const now = this.clock.now();
    // Executions queued or running here will look at their inbox anyway: the poll is a safety net.
    // It claims what this scheduler can advance now, no more: a backlog is shared between the
    // workers polling it instead of going whole to the first (and waiting there, held, while the
    // others idle).
    const room = this.room();
    if (room > 0)
      for (const { executionArn: arn, expiresAt } of await this.store.claimWork(this.workerId, Date.now(), room, this.leaseMs)) {
        this.held.set(arn, expiresAt);
        if (!this.running.has(arn) && !this.ready.has(arn)) this.wake(arn);
      }
    // Effects a worker that died was dispatching (their leases ran out): dispatched again here.
    for (const o of await this.store.claimOutbox(this.workerId, Date.now(), 1000, this.leaseMs, true)) this.dispatch(o);
    const next = await this.store.nextTimerDue();
    if (next !== undefined) this.armTimer(Math.max(next, now + 10));
  }

  private armTimer(at: number): void {
    if (this.closed || at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    // setTimeout takes at most 2^31-1 ms; a far timer re-arms from the poll.
    const delay = Math.min(Math.max(0, at - this.clock.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.pollWork().catch((e: unknown) => this.onError(e, 'timers'));
    }, delay);
  }

  /** The compiled definition of one machine revision (compiled once, kept). */
  async machineFor(arn: string, revision: number): Promise<CompiledMachine> {
    return (await this.revisionFor(arn, revision)).machine;
  }

  private revisionFor(arn: string, revision: number): Promise<{ machine: CompiledMachine; roleArn: string }> {
    const key = `${arn}#${revision}`;
    let m = this.machines.get(key);
    if (m === undefined) {
      m = this.store.getStateMachineRevision(arn, revision).then((r) => {
        if (r === undefined) throw new Error(`revision ${revision} of ${arn} is missing from the store`);
        return { machine: prepareMachine(JSON.parse(r.definition) as unknown), roleArn: r.roleArn };
      });
      m.catch(() => this.machines.delete(key));
      this.machines.set(key, m);
    }
    return m;
  }

  /**
   * The snapshot an execution starts from. It follows from the stored row, so the store keeps none
   * until the first advance; startExecution and recovery build the same one.
   */
  async startSnapshot(record: ExecutionRecord): Promise<Snapshot> {
    const { machine, roleArn } = await this.revisionFor(record.stateMachineArn, record.revision);
    return createSnapshot(machine, {
      arn: record.arn,
      name: record.name,
      input: JSON.parse(record.input) as Json,
      startTime: record.startDate,
      roleArn,
      stateMachineArn: record.stateMachineArn,
      stateMachineName: record.stateMachineArn.slice(record.stateMachineArn.lastIndexOf(':') + 1),
      redriveCount: 0,
    });
  }

  private async load(arn: string): Promise<Cached | undefined> {
    const hit = this.cache.get(arn);
    if (hit !== undefined) return hit;
    const [row, snap] = await Promise.all([this.store.getExecution(arn), this.store.loadSnapshot(arn)]);
    if (row === undefined || snap === undefined) return undefined;
    if (row.status !== 'RUNNING') return undefined;
    const snapshot = snap.snapshot ?? (await this.startSnapshot(row));
    const c: Cached = { snapshot, version: snap.version, record: row, mayHaveTimers: snap.snapshot !== null };
    this.keep(c);
    return c;
  }

  /**
   * Applies everything pending for one execution and commits it in one operation. With a verdict
   * the pending work is consumed unapplied and the execution fails with States.Runtime.
   */
  private pass(arn: string, verdict?: string): Promise<void> {
    // Another worker holds it: it advances it (the store's workAvailable signal told it). Held
    // already (the common case: claimed with the write that brought the work) costs no claim. Not
    // an async function: every promise on this path is paid per execution (bench/durable.ts).
    const advanced = (r: 'committed' | 'idle'): void => {
      if (r === 'idle') this.letGo(arn);
    };
    if (this.holds(arn)) return this.advance(arn, verdict).then(advanced);
    return this.claim(arn).then((claimed) => (claimed ? this.advance(arn, verdict).then(advanced) : undefined));
  }

  /** One pass over the claimed execution: 'idle' when it had nothing to do (its claim is not needed). */
  private async advance(arn: string, verdict?: string): Promise<'committed' | 'idle'> {
    // Awaited only when missing: a cached snapshot, machine or timer-free execution costs no promise.
    const hit = this.cache.get(arn);
    const cached = hit !== undefined ? hit : await this.load(arn);
    if (cached === undefined) return 'idle';
    const now = this.clock.now();
    const [inbox, timers] = cached.mayHaveTimers
      ? await Promise.all([this.store.pendingInbox(arn), this.store.dueTimers(arn, now)])
      : [await this.store.pendingInbox(arn), []];
    if (inbox.length === 0 && timers.length === 0) return 'idle';
    // A redriven execution is RUNNING in the store while its kept snapshot still says how it ended:
    // the redrive event comes first (it makes the snapshot run again), then a stop request (AWS
    // stops the execution whatever else is pending), then the rest in order.
    const redriven = inbox.some((i) => i.event.type === 'redrive');
    if (cached.snapshot.status !== 'RUNNING' && !redriven) return 'idle';
    const rank = (e: EngineEvent): number => (e.type === 'redrive' ? 0 : e.type === 'stop' ? 1 : 2);
    const work: Work[] = [];
    for (let r = 0; r <= 2; r++)
      for (const i of inbox) if (rank(i.event) === r) work.push({ event: i.event, inboxId: i.id });
    for (const t of timers) work.push({ event: { type: 'timerFired', frameId: t.frameId, key: t.key }, timer: t });

    const machine = cached.machine ?? (cached.machine = await this.machineFor(cached.record.stateMachineArn, cached.record.revision));
    const snapshot = cached.snapshot;
    const expectedVersion = cached.version;
    const waitingBefore = waitingAttempts(snapshot);
    const history: StoredHistoryEvent[] = [];
    const consumedInbox: number[] = [];
    const firedTimers: { frameId: string; key: string }[] = [];
    const cancelledTimers: { frameId: string; key: string }[] = [];
    const newTimers: TimerRecord[] = [];
    const outbox: OutboxRecord[] = [];
    const followUps: EngineEvent[] = [];
    const children = new Map<string, ChildWriteDraft>();
    const revision = cached.record.revision;

    const step = async (event: EngineEvent | readonly EngineEvent[]): Promise<boolean> => {
      const r = await advance(machine, snapshot, event, now, this.ids, this.slice);
      const texts: PayloadTexts = new Map();
      for (const rec of r.historyRecords) history.push(toStored(rec, texts));
      for (const c of r.childExecutions) takeChild(children, c, now, revision, texts);
      let yielded = false;
      const started: EngineEvent[] = [];
      for (const effect of r.effects) {
        if (effect.type === 'invokeTask') {
          outbox.push({
            executionArn: arn,
            idempotencyKey: `${arn}:${effect.attempt}`,
            frameId: effect.frameId,
            attempt: effect.attempt,
            request: effect.request,
          });
          // The dispatch follows this commit at once, so TaskStarted is recorded with TaskScheduled
          // (as in the in-memory loop of in-memory.ts), saving an extra advance and commit per task.
          started.push({ type: 'taskStarted', frameId: effect.frameId, attempt: effect.attempt });
        } else if (effect.type === 'startTimer')
          newTimers.push({ frameId: effect.frameId, key: effect.key, dueAt: scaledDueAt(effect.key, effect.dueAt, now, this.timeScale) });
        else if (effect.type === 'yield') yielded = true;
      }
      for (const s of started)
        await advance(machine, snapshot, s, now, this.ids, this.slice).then((r2) => {
          for (const rec of r2.historyRecords) history.push(toStored(rec, texts));
          for (const c of r2.childExecutions) takeChild(children, c, now, revision, texts);
        });
      return yielded;
    };

    let yielded = false;
    if (verdict !== undefined) {
      for (const w of work) {
        if (w.inboxId !== undefined) consumedInbox.push(w.inboxId);
        if (w.timer !== undefined) firedTimers.push({ frameId: w.timer.frameId, key: w.timer.key });
      }
      work.length = 0;
      await step({ type: 'fail', error: POISON_ERROR, cause: verdict });
    }
    for (let i = 0; i < work.length; i++) {
      const w = work[i];
      // Timers due at the same instant fire in one advance (as in run.ts): AWS records every
      // TaskTimedOut of a Map's iterations before the failure that follows from the first.
      const due = [w];
      while (w.timer !== undefined && work[i + 1]?.timer?.dueAt === w.timer.dueAt) due.push(work[++i]);
      for (const d of due) if (d.timer !== undefined) firedTimers.push({ frameId: d.timer.frameId, key: d.timer.key });
      if (w.inboxId !== undefined) consumedInbox.push(w.inboxId);
      // Consumed, but nothing happens to a finished execution (unless it is the redrive itself).
      if (snapshot.status !== 'RUNNING' && w.event.type !== 'redrive') continue;
      if (await step(due.length === 1 ? w.event : due.map((d) => d.event))) {
        yielded = true;
        break;
      }
    }
    if (yielded && snapshot.status === 'RUNNING') followUps.push({ type: 'continue' });

    // Attempts that ended (answered, timed out, or their Map/Parallel branch aborted) take their
    // effect, token and timers with them: a restart must not dispatch a timed-out attempt again.
    const endedAttempts: number[] = [];
    const waitingAfter = waitingAttempts(snapshot);
    for (const [attempt, before] of waitingBefore) {
      const after = waitingAfter.get(attempt);
      if (after === undefined) {
        endedAttempts.push(attempt);
        cancelledTimers.push({ frameId: before.frameId, key: taskTimeoutKey(attempt) });
      }
      if (before.heartbeatKey !== undefined && before.heartbeatKey !== after?.heartbeatKey)
        cancelledTimers.push({ frameId: before.frameId, key: before.heartbeatKey });
    }

    const done = snapshot.status !== 'RUNNING';
    // The scheduler keeps its claim when it advances the execution again at once; else lets go.
    const keep = !done && (yielded || this.dirty.has(arn) || newTimers.some((t) => t.dueAt <= now));
    const claim = { owner: this.workerId, expiresAt: Date.now() + this.leaseMs, keep };
    let endedAs: (e: ExecutionRecord | undefined) => void = () => undefined;
    if (done) this.ending.set(arn, new Promise((r) => (endedAs = r)));
    let result: WriteResult;
    try {
      result = await this.committer.submit({
        kind: 'applyAdvance',
        executionArn: arn,
        expectedVersion,
        snapshot,
        history,
        consumedInbox,
        firedTimers,
        cancelledTimers,
        endedAttempts,
        newTimers,
        outbox,
        followUps,
        stopDate: done ? now : undefined,
        ...(children.size > 0 ? { childExecutions: [...children.values()] } : {}),
        claim,
      });
    } catch (e) {
      this.cache.delete(arn);
      if (done) {
        this.ending.delete(arn);
        endedAs(undefined);
      }
      throw e;
    }
    this.storeWorks();
    if (done) {
      this.ending.delete(arn);
      endedAs(result.kind === 'applied' ? finalRecord(cached.record, snapshot, now) : undefined);
    }
    if (result.kind === 'conflict') {
      this.cache.delete(arn);
      this.dirty.add(arn);
      return 'committed';
    }
    if (keep) this.held.set(arn, claim.expiresAt);
    else this.held.delete(arn);
    cached.version = snapshot.version;
    if (done) {
      // Whoever waits for its end hears it from the store (awaitCompletion).
      this.cache.delete(arn);
      return 'committed';
    }
    if (yielded) this.dirty.add(arn);
    if (newTimers.length > 0) cached.mayHaveTimers = true;
    for (const t of newTimers) {
      if (t.dueAt <= this.clock.now()) this.dirty.add(arn);
      else this.armTimer(t.dueAt);
    }
    for (const o of outbox) this.dispatch(o);
    return 'committed';
  }

  /** Runs an outbox effect (at least once: a crash before its result is committed dispatches it again). */
  private dispatch(o: OutboxRecord): void {
    if (this.inFlight.has(o.idempotencyKey) || this.closed) return;
    this.inFlight.add(o.idempotencyKey);
    const { frameId, attempt } = o;
    const progress = {
      submitted: (output: Json) => void this.reportProgress(o, { type: 'taskSubmitted', frameId, attempt, output }),
      started: (workerName: string | undefined) =>
        void this.reportProgress(o, { type: 'activityStarted', frameId, attempt, ...(workerName !== undefined ? { workerName } : {}) }),
    };
    void dispatchTask(this.options.resources, o, progress)
      .then((r: TaskResult) => this.settleUntilStored(o, r))
      .finally(() => this.inFlight.delete(o.idempotencyKey));
  }

  /**
   * TaskSubmitted, or ActivityStarted when a worker took an activity task: through the inbox ahead
   * of the result (the committer keeps their order). Lost if it cannot be stored: the history then
   * lacks one informative event, and the result still comes.
   */
  private async reportProgress(o: OutboxRecord, event: EngineEvent): Promise<void> {
    if (this.closed) return;
    try {
      const r = await this.submit({ kind: 'appendInbox', executionArn: o.request.executionArn, event });
      if (r.kind === 'delivered') this.wake(r.executionArn);
    } catch (e) {
      this.onError(e, `recording ${event.type} of ${o.idempotencyKey}`);
    }
  }

  /** A result that could not be stored (disk full …) is kept and offered again, not lost until a restart. */
  private async settleUntilStored(o: OutboxRecord, r: TaskResult): Promise<void> {
    for (let delay = RETRY_AFTER_FAILURE_MS; !this.closed; delay = Math.min(delay * 2, 30_000)) {
      try {
        await this.settle(o, r);
        return;
      } catch (e) {
        if (!this.isStoreTrouble(e, `storing the result of ${o.idempotencyKey}`)) this.onError(e, `storing the result of ${o.idempotencyKey}`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  private async settle(o: OutboxRecord, r: TaskResult): Promise<void> {
    if (this.closed) return;
    if (o.request.taskToken !== undefined && r.ok && r.final !== true) {
      // A callback task: the message went out; the result comes with SendTaskSuccess/Failure.
      await this.committer.submit({ kind: 'acknowledgeEffect', idempotencyKey: o.idempotencyKey });
      return;
    }
    const event: EngineEvent = r.ok
      ? { type: 'taskSucceeded', frameId: o.frameId, attempt: o.attempt, output: r.output }
      : { type: 'taskFailed', frameId: o.frameId, attempt: o.attempt, error: r.error, cause: r.cause };
    const res = await this.submit({ kind: 'deliverTaskResult', idempotencyKey: o.idempotencyKey, event });
    if (res.kind === 'delivered') this.wake(res.executionArn);
  }
}
