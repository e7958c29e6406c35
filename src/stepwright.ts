import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { prepareMachine, systemClock } from './engine/index.js';
import { runExecution } from './scheduler/in-memory.js';
import type { Clock, ExecutionStatus, HistoryEvent, Ids, TaskResources } from './engine/index.js';
import type { Json } from './language/json.js';
import { Scheduler, type GroupCommitOptions, NO_GROUP_COMMIT } from './scheduler/index.js';
import {
  SqliteStore,
  type ExecutionRecord,
  type MachineType,
  type StateMachineRecord,
  type Store,
  type Synchronous,
} from './store/index.js';

export interface StepwrightOptions {
  /** Where the embedded store lives (default `./.stepwright`). */
  readonly dataDir?: string;
  /** Use this store instead of opening `dataDir` (e.g. PostgreSQL). */
  readonly store?: Store;
  readonly resources?: TaskResources;
  readonly clock?: Clock;
  readonly ids?: Ids;
  /** SQLite durability (default FULL: an acknowledged write survives a power cut). */
  readonly synchronous?: Synchronous;
  /** Group commit bounds; `false` commits every write on its own (for comparison only). */
  readonly groupCommit?: GroupCommitOptions | false;
  readonly region?: string;
  readonly accountId?: string;
  readonly onError?: (error: unknown, context: string) => void;
  /** State entries per advance before the scheduler commits and checks for a stop (default 10,000). */
  readonly transitionsPerSlice?: number;
  /** How long an Express execution may run before it ends TIMED_OUT (default 5 minutes, as AWS). */
  readonly expressMaxDurationMs?: number;
  /** The scheduler's claims: their owner (default host:pid) and lease (SchedulerOptions). */
  readonly workerId?: string;
  readonly leaseMs?: number;
}

/** An API error with AWS's error name (`ExecutionDoesNotExist`, …) as `code`. */
export class StepwrightApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The resource the error is about, when there is one (e.g. the machine that already exists). */
    readonly resourceArn?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface DescribeExecutionOutput {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** How many times RedriveExecution restarted it (0 until then) and when last. */
  readonly redriveCount: number;
  readonly redriveDate?: Date;
  readonly redriveStatus: RedriveStatus;
  /** Why it cannot be redriven (AWS's words), when it cannot. */
  readonly redriveStatusReason?: string;
}

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';

/** AWS: an execution can be redriven within 14 days of its stop… */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 60 * 60 * 1000;
/** …if it has been open (counted from its start) less than a year… */
export const MAX_EXECUTION_TIME_MS = 365 * 24 * 60 * 60 * 1000;
/** …and its history has room for ExecutionRedriven and one more event (25,000 at most). */
export const REDRIVE_EVENT_LIMIT = 24_999;

/**
 * Whether RedriveExecution would accept the execution now, with AWS's reason when not (the same
 * words DescribeExecution's `redriveStatusReason` and the ExecutionNotRedrivable error use).
 * Only Standard executions are stored, so the type needs no check here.
 */
export function redriveStatusOf(
  e: ExecutionRecord,
  now: number,
  lastEventId = e.lastEventId ?? 0,
): { status: RedriveStatus; reason?: string } {
  const no = (reason: string) => ({ status: 'NOT_REDRIVABLE' as const, reason });
  if (e.status === 'RUNNING' || e.status === 'SUCCEEDED' || e.status === 'PENDING_REDRIVE')
    return no(`Execution is ${e.status} and cannot be redriven`);
  if (now - e.startDate >= MAX_EXECUTION_TIME_MS) return no('Execution has exceeded the max execution time');
  if (e.stopDate !== undefined && now - e.stopDate > REDRIVABLE_PERIOD_MS) return no('Execution redrivable period exceeded');
  if (lastEventId >= REDRIVE_EVENT_LIMIT) return no('Execution history event limit exceeded');
  return { status: 'REDRIVABLE' };
}

export interface SyncExecutionOutput
  extends Omit<DescribeExecutionOutput, 'status' | 'redriveCount' | 'redriveStatus'> {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
}

export interface Stepwright {
  createStateMachine(input: {
    name: string;
    definition: string | object;
    roleArn?: string;
    type?: MachineType;
  }): Promise<{ stateMachineArn: string; creationDate: Date }>;
  updateStateMachine(input: {
    stateMachineArn: string;
    definition?: string | object;
    roleArn?: string;
    publish?: boolean;
  }): Promise<{ updateDate: Date }>;
  describeStateMachine(
    stateMachineArn: string,
  ): Promise<{
    stateMachineArn: string;
    name: string;
    type: MachineType;
    definition: string;
    roleArn: string;
    creationDate: Date;
  }>;
  /** Resolves once the execution is durably stored (for Standard machines). */
  startExecution(input: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }>;
  /** Runs an Express machine in memory and answers with its result, as StartSyncExecution. */
  startSyncExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<SyncExecutionOutput>;
  describeExecution(executionArn: string): Promise<DescribeExecutionOutput>;
  /** Resolves when the execution is no longer RUNNING. */
  awaitExecution(executionArn: string): Promise<DescribeExecutionOutput>;
  getExecutionHistory(input: {
    executionArn: string;
    reverseOrder?: boolean;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }>;
  stopExecution(input: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }>;
  /**
   * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution continues from the state that did
   * not succeed (ExecutionNotRedrivable otherwise, with AWS's reason). Resolves once the redrive is
   * durably queued; the execution is RUNNING from then on.
   */
  redriveExecution(input: { executionArn: string }): Promise<{ redriveDate: Date }>;
  sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void>;
  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Promise<void>;
  close(): Promise<void>;
  /** The store and scheduler underneath, for the server's operations (listing, tags, heartbeats …). */
  readonly store: Store;
  readonly scheduler: Scheduler;
}

/** AWS refuses names with whitespace, brackets, wildcards, special and control characters. */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const isValidName = (name: string): boolean =>
  name.length >= 1 &&
  name.length <= 80 &&
  !NAME_FORBIDDEN.test(name) &&
  ![...name].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));

function describe(e: ExecutionRecord, now: number): DescribeExecutionOutput {
  const redrive = redriveStatusOf(e, now);
  const d: { -readonly [K in keyof DescribeExecutionOutput]: DescribeExecutionOutput[K] } = {
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    input: e.input,
    redriveCount: e.redriveCount ?? 0,
    redriveStatus: redrive.status,
  };
  if (e.redriveDate !== undefined) d.redriveDate = new Date(e.redriveDate);
  if (redrive.reason !== undefined) d.redriveStatusReason = redrive.reason;
  if (e.stopDate !== undefined) d.stopDate = new Date(e.stopDate);
  if (e.output !== undefined) d.output = e.output;
  if (e.error !== undefined) d.error = e.error;
  if (e.cause !== undefined) d.cause = e.cause;
  return d;
}

/**
 * A default execution name: a UUID as AWS makes, but time-ordered (version 7) rather than random,
 * so that new executions land at the end of the store's index instead of on a random page each.
 */
function timeOrderedName(now: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function definitionText(definition: string | object): string {
  return typeof definition === 'string' ? definition : JSON.stringify(definition);
}

/** Durable Stepwright in one process: the store, the scheduler and the operations the server exposes. */
export async function createStepwright(options: StepwrightOptions = {}): Promise<Stepwright> {
  const store =
    options.store ??
    new SqliteStore(path.resolve(options.dataDir ?? '.stepwright'), { synchronous: options.synchronous });
  const clock = options.clock ?? systemClock;
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '123456789012';
  const scheduler = new Scheduler({
    store,
    resources: options.resources,
    clock,
    ids: options.ids,
    groupCommit: options.groupCommit === false ? NO_GROUP_COMMIT : options.groupCommit,
    transitionsPerSlice: options.transitionsPerSlice,
    onError: options.onError,
    workerId: options.workerId,
    leaseMs: options.leaseMs,
  });
  try {
    await scheduler.start();
  } catch (e) {
    await store.close();
    throw e;
  }

  // Machines are read on every start: keep them a moment (another server may update a shared store).
  const machines = new Map<string, { record: StateMachineRecord; until: number }>();
  const MACHINE_CACHE_MS = 1000;
  /** Each Express machine revision's parsed definition, so the engine validates and compiles it once. */
  const expressDefinitions = new Map<string, { readonly revision: number; readonly definition: unknown }>();

  /** Express executions running now, by ARN: stopExecution and close() end them. */
  const runningExpress = new Map<string, { readonly stop: AbortController; readonly result: ReturnType<typeof runExecution> }>();

  /**
   * Express executions keep no history in the store (as on AWS): they run in memory, keep no
   * history events at all (a long loop holds no memory for them) and end TIMED_OUT after
   * `expressMaxDurationMs`.
   */
  function runExpress(
    m: StateMachineRecord,
    name: string,
    payload: { readonly input: Json } | { readonly inputText: string },
  ): { executionArn: string; startDate: Date; result: ReturnType<typeof runExecution> } {
    let cached = expressDefinitions.get(m.arn);
    if (cached === undefined || cached.revision !== m.revision) {
      cached = { revision: m.revision, definition: JSON.parse(m.definition) as unknown };
      expressDefinitions.set(m.arn, cached);
    }
    const executionArn = `arn:aws:states:${region}:${account}:express:${m.name}:${name}:${randomUUID()}`;
    const startDate = new Date(clock.now());
    const stop = new AbortController();
    const result = runExecution(cached.definition, {
      ...payload,
      name,
      stateMachineName: m.name,
      region,
      accountId: account,
      roleArn: m.roleArn,
      resources: options.resources,
      clock,
      type: 'EXPRESS',
      maxDurationMs: options.expressMaxDurationMs,
      signal: stop.signal,
    });
    runningExpress.set(executionArn, { stop, result });
    const forget = () => void runningExpress.delete(executionArn);
    result.then(forget, forget);
    return { executionArn, startDate, result };
  }

  const machineOf = async (arn: string): Promise<StateMachineRecord> => {
    const hit = machines.get(arn);
    const now = Date.now();
    if (hit !== undefined && hit.until > now) return hit.record;
    const m = await store.getStateMachine(arn);
    if (m === undefined)
      throw new StepwrightApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    machines.set(arn, { record: m, until: now + MACHINE_CACHE_MS });
    return m;
  };
  const executionOf = async (arn: string) => {
    const e = await store.getExecution(arn);
    if (e === undefined) throw new StepwrightApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  };
  const parseInput = (text: string): Json => {
    try {
      return JSON.parse(text) as Json;
    } catch (e) {
      throw new StepwrightApiError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(e as Error).message}'`,
      );
    }
  };
  const checkName = (name: string): void => {
    if (!isValidName(name)) throw new StepwrightApiError('InvalidName', `Invalid Name: '${name}'`);
  };

  let closing: Promise<void> | undefined;
  const api: Stepwright = {
    store,
    scheduler,

    async createStateMachine(input) {
      checkName(input.name);
      const definition = definitionText(input.definition);
      prepareMachine(JSON.parse(definition) as unknown); // throws InvalidDefinitionError with AWS's diagnostics
      const arn = `arn:aws:states:${region}:${account}:stateMachine:${input.name}`;
      const existing = await store.getStateMachine(arn);
      if (existing !== undefined) {
        // AWS: creating the same machine again is idempotent; a different one is a conflict.
        if (existing.definition === definition && existing.type === (input.type ?? 'STANDARD'))
          return { stateMachineArn: arn, creationDate: new Date(existing.createdAt) };
        throw new StepwrightApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`, arn);
      }
      const now = clock.now();
      await store.createStateMachine({
        arn,
        name: input.name,
        type: input.type ?? 'STANDARD',
        definition,
        roleArn: input.roleArn ?? `arn:aws:iam::${account}:role/StepwrightExecutionRole`,
        createdAt: now,
      });
      return { stateMachineArn: arn, creationDate: new Date(now) };
    },

    async updateStateMachine(input) {
      await machineOf(input.stateMachineArn);
      const definition = input.definition === undefined ? undefined : definitionText(input.definition);
      if (definition !== undefined) prepareMachine(JSON.parse(definition) as unknown);
      const now = clock.now();
      await store.updateStateMachine(
        input.stateMachineArn,
        { definition, roleArn: input.roleArn, publish: input.publish },
        now,
      );
      machines.delete(input.stateMachineArn);
      return { updateDate: new Date(now) };
    },

    async describeStateMachine(arn) {
      const m = await machineOf(arn);
      return {
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        definition: m.definition,
        roleArn: m.roleArn,
        creationDate: new Date(m.createdAt),
      };
    },

    async startExecution(input) {
      const m = await machineOf(input.stateMachineArn);
      const name = input.name ?? timeOrderedName(clock.now());
      checkName(name);
      const inputText = input.input ?? '{}';
      const value = parseInput(inputText);
      if (m.type === 'EXPRESS') {
        const express = runExpress(m, name, { input: value });
        void express.result.catch((e: unknown) => options.onError?.(e, `express execution ${express.executionArn}`));
        return { executionArn: express.executionArn, startDate: express.startDate };
      }
      const executionArn = `arn:aws:states:${region}:${account}:execution:${m.name}:${name}`;
      const startDate = clock.now();
      const record: ExecutionRecord = {
        arn: executionArn,
        stateMachineArn: m.arn,
        revision: m.revision,
        name,
        status: 'RUNNING',
        input: inputText,
        startDate,
      };
      const snapshot = await scheduler.startSnapshot(record);
      const r = await scheduler.submit({ kind: 'createExecution', execution: record });
      if (r.kind === 'exists') {
        // AWS: the same name and input while it runs is the same request; anything else is a conflict.
        if (r.execution.status === 'RUNNING' && r.execution.input === inputText)
          return { executionArn: r.execution.arn, startDate: new Date(r.execution.startDate) };
        throw new StepwrightApiError(
          'ExecutionAlreadyExists',
          `Execution Already Exists: '${r.execution.arn}'`,
          r.execution.arn,
        );
      }
      scheduler.remember(record, snapshot);
      scheduler.wake(executionArn);
      return { executionArn, startDate: new Date(startDate) };
    },

    async startSyncExecution(input) {
      const m = await machineOf(input.stateMachineArn);
      if (m.type !== 'EXPRESS')
        throw new StepwrightApiError(
          'StateMachineTypeNotSupported',
          'This operation is not supported by this type of state machine',
        );
      const name = input.name ?? randomUUID();
      checkName(name);
      const inputText = input.input ?? '{}';
      parseInput(inputText);
      const { executionArn, startDate, result } = runExpress(m, name, { inputText });
      const r = await result;
      const out: { -readonly [K in keyof SyncExecutionOutput]: SyncExecutionOutput[K] } = {
        executionArn,
        stateMachineArn: m.arn,
        name,
        status: r.status as SyncExecutionOutput['status'],
        startDate,
        stopDate: new Date(clock.now()),
        input: inputText,
      };
      if (r.output !== undefined) out.output = r.output;
      if (r.error !== undefined) out.error = r.error;
      if (r.cause !== undefined) out.cause = r.cause;
      return out;
    },

    async describeExecution(arn) {
      return describe(await executionOf(arn), clock.now());
    },

    async awaitExecution(arn) {
      let e = await scheduler.awaitCompletion(arn);
      if (e === undefined) throw new StepwrightApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      // Whether it can be redriven depends on its history's length, which only the stored row knows
      // (the scheduler's record of a running execution does not follow it).
      if (e.status !== 'RUNNING' && e.status !== 'SUCCEEDED') e = (await store.getExecution(arn)) ?? e;
      return describe(e, clock.now());
    },

    async getExecutionHistory(input) {
      await executionOf(input.executionArn);
      let afterEventId: number | undefined;
      if (input.nextToken !== undefined) {
        afterEventId = Number(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
        if (!Number.isInteger(afterEventId))
          throw new StepwrightApiError('InvalidToken', `Invalid Token: '${input.nextToken}'`);
      }
      // AWS: maxResults 0 means the default page size, 100 (at most 1000).
      const maxResults =
        input.maxResults === undefined || input.maxResults === 0 ? 100 : Math.min(input.maxResults, 1000);
      const page = await store.getHistory(input.executionArn, {
        reverseOrder: input.reverseOrder,
        maxResults,
        afterEventId,
      });
      return page.nextEventId === undefined
        ? { events: page.events }
        : { events: page.events, nextToken: Buffer.from(String(page.nextEventId)).toString('base64url') };
    },

    async stopExecution(input) {
      const express = runningExpress.get(input.executionArn);
      if (express !== undefined) {
        // An Express execution runs in this process only: abort it where it runs (ABORTED).
        express.stop.abort();
        await express.result.catch(() => undefined);
        return { stopDate: new Date(clock.now()) };
      }
      const e = await executionOf(input.executionArn);
      if (e.status !== 'RUNNING') return { stopDate: new Date(e.stopDate ?? clock.now()) };
      const done = scheduler.awaitCompletion(input.executionArn);
      const r = await scheduler.submit({
        kind: 'appendInbox',
        executionArn: input.executionArn,
        event: { type: 'stop', error: input.error, cause: input.cause },
      });
      if (r.kind === 'delivered') scheduler.wake(input.executionArn);
      const stopped = await done;
      return { stopDate: new Date(stopped?.stopDate ?? clock.now()) };
    },

    async redriveExecution(input) {
      const arn = input.executionArn;
      const [e, kept] = await Promise.all([executionOf(arn), store.loadSnapshot(arn)]);
      const now = clock.now();
      const notRedrivable = (reason: string) => new StepwrightApiError('ExecutionNotRedrivable', reason);
      const check = redriveStatusOf(e, now, kept?.snapshot?.lastEventId ?? 0);
      if (check.reason !== undefined) throw notRedrivable(check.reason);
      // The redrive runs the revision the execution ran: a machine deleted since cannot.
      if ((await store.getStateMachineRevision(e.stateMachineArn, e.revision)) === undefined)
        throw notRedrivable('State machine is in DELETING status');
      const r = await scheduler.submit({ kind: 'redriveExecution', executionArn: arn, redriveDate: now });
      if (r.kind !== 'redriven') {
        // Another redrive (or a stop that raced it) changed the execution since it was read.
        const status = r.kind === 'notRedrivable' ? r.status : undefined;
        throw notRedrivable(status === undefined ? `Execution Does Not Exist: '${arn}'` : `Execution is ${status} and cannot be redriven`);
      }
      scheduler.wake(arn);
      return { redriveDate: new Date(now) };
    },

    async sendTaskSuccess(input) {
      let output: Json;
      try {
        output = JSON.parse(input.output) as Json;
      } catch (e) {
        throw new StepwrightApiError('InvalidOutput', `Invalid Output: '${(e as Error).message}'`);
      }
      await completeToken(input.taskToken, { ok: true, output });
    },

    async sendTaskFailure(input) {
      await completeToken(input.taskToken, { ok: false, error: input.error ?? '', cause: input.cause ?? '' });
    },

    close() {
      // Once: a second close (a test's clean-up after its own) finds nothing left to close.
      return (closing ??= (async () => {
        for (const running of runningExpress.values()) running.stop.abort();
        await Promise.all([...runningExpress.values()].map((r) => r.result.catch(() => undefined)));
        await scheduler.close();
        await store.close();
      })());
    },
  };

  async function completeToken(
    token: string,
    result: { ok: true; output: Json } | { ok: false; error: string; cause: string },
  ): Promise<void> {
    const r = await scheduler.submit({ kind: 'completeTaskToken', token, result });
    if (r.kind === 'delivered') {
      scheduler.wake(r.executionArn);
      return;
    }
    throw new StepwrightApiError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  return api;
}
