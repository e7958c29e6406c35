import { randomBytes, randomUUID } from 'node:crypto';
import { createSnapshot, InvalidExecutionInputError, parseExecutionInput, type ExecutionStatus, type HistoryEvent } from '../engine/index.js';
import { runExecution } from '../scheduler/in-memory.js';
import type { Json } from '../language/json.js';
import type { ExecutionQuery, ExecutionRecord, StateMachineRecord } from '../store/index.js';
import { findTestCase, MockTestCaseNotFoundError, splitTestCaseArn, type MockTestCase } from '../integrations/mock-config.js';
import { parseMachineArn, type MachineRef } from './arns.js';
import type { ServiceDeps } from './context.js';
import { executionMissing, machineMissing, resourceMissing, ServiceError, typeNotSupported, validation } from './errors.js';
import type { Machines, PreparedRevision } from './machines.js';
import { checkName } from './names.js';

export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';

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
  /** The Map Run a child execution of a distributed Map belongs to. */
  readonly mapRunArn?: string;
}

export interface SyncExecutionOutput extends Omit<DescribeExecutionOutput, 'status' | 'redriveCount' | 'redriveStatus'> {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
}

export interface StartExecutionInput {
  /** A machine, one of its versions (`:3`) or one of its aliases (`:prod`). */
  readonly stateMachineArn: string;
  readonly name?: string;
  /** JSON text (default `{}`), parsed once here. */
  readonly input?: string;
}

/** AWS: an execution can be redriven within 14 days of its stop… */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 60 * 60 * 1000;
/** …if it has been open (counted from its start) less than a year… */
export const MAX_EXECUTION_TIME_MS = 365 * 24 * 60 * 60 * 1000;
/** …and its history has room for ExecutionRedriven and one more event (25,000 at most). */
export const REDRIVE_EVENT_LIMIT = 24_999;
/** AWS answers a RedriveExecution retried with the same clientToken as the first time, for 15 minutes. */
export const CLIENT_TOKEN_MS = 15 * 60 * 1000;

/**
 * Whether RedriveExecution would accept the execution now, with AWS's reason when not (the same
 * words DescribeExecution's `redriveStatusReason` and the ExecutionNotRedrivable error use).
 * Only Standard executions are stored, so the type needs no check here.
 */
export function redriveStatusOf(e: ExecutionRecord, now: number, lastEventId = e.lastEventId ?? 0): { status: RedriveStatus; reason?: string } {
  const no = (reason: string) => ({ status: 'NOT_REDRIVABLE' as const, reason });
  if (e.status === 'RUNNING' || e.status === 'SUCCEEDED' || e.status === 'PENDING_REDRIVE') return no(`Execution is ${e.status} and cannot be redriven`);
  // Our words: a Map Run's children run again when their parent is redriven (its Map runs the failed ones again).
  if (e.mapRunArn !== undefined) return no('Child executions of a Map Run are redriven with their parent execution');
  if (now - e.startDate >= MAX_EXECUTION_TIME_MS) return no('Execution has exceeded the max execution time');
  if (e.stopDate !== undefined && now - e.stopDate > REDRIVABLE_PERIOD_MS) return no('Execution redrivable period exceeded');
  if (lastEventId >= REDRIVE_EVENT_LIMIT) return no('Execution history event limit exceeded');
  return { status: 'REDRIVABLE' };
}

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
  if (e.mapRunArn !== undefined) d.mapRunArn = e.mapRunArn;
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

/** Execution input text parsed once, refused as StartExecution refuses it (size, syntax, depth). */
export function inputOf(text: string): Json {
  try {
    return parseExecutionInput(text);
  } catch (e) {
    if (e instanceof InvalidExecutionInputError) throw new ServiceError(e.code, e.message);
    throw e;
  }
}

/** The machine revision a start runs: the latest, a version's, or one an alias picks by weight. */
interface Target {
  readonly machine: StateMachineRecord;
  readonly revision: number;
  readonly prepared: PreparedRevision;
}

export type Executions = ReturnType<typeof createExecutions>;

type StartTarget = { readonly t: Target; readonly testCase?: MockTestCase };

/** Answers whether a Map Run exists (ResourceNotFound when not): map-runs.ts finds it. */
export type MapRunLookup = (mapRunArn: string) => Promise<void>;

export function createExecutions(d: ServiceDeps, machines: Machines, findMapRun: MapRunLookup) {
  const { store, scheduler, clock } = d;
  /** Express executions running now, by ARN: stopExecution and close() end them. */
  const runningExpress = new Map<string, { readonly stop: AbortController; readonly result: ReturnType<typeof runExecution> }>();

  async function target(arn: string): Promise<Target> {
    let ref: MachineRef = parseMachineArn(arn);
    let refArn = arn;
    if (ref.alias !== undefined) {
      const alias = await store.getAlias(arn);
      if (alias === undefined) throw resourceMissing(arn);
      let roll = Math.random() * 100;
      const route = alias.routingConfiguration.find((r) => (roll -= r.weight) < 0) ?? alias.routingConfiguration[0];
      refArn = route.stateMachineVersionArn;
      ref = parseMachineArn(refArn);
    }
    if (ref.version !== undefined) {
      // A version: the execution runs the published revision, not the machine's latest.
      const { machine, revision } = await machines.revisionOf(ref, refArn);
      return { machine, revision: revision.revision, prepared: await machines.preparedOf(machine.arn, revision) };
    }
    const machine = await machines.machineOf(ref.machineArn);
    const prepared = await machines.preparedOf(machine.arn, machine.revision).catch((e: unknown) => {
      throw e instanceof ServiceError && e.code === 'StateMachineDoesNotExist' ? machineMissing(arn) : e;
    });
    return { machine, revision: machine.revision, prepared };
  }

  /** The target of an unqualified machine ARN while its record and revision are cached (no promise). */
  function cachedTarget(arn: string): Target | undefined {
    const hit = machines.cachedLatest(arn);
    return hit === undefined ? undefined : { machine: hit.machine, revision: hit.machine.revision, prepared: hit.prepared };
  }

  /**
   * Express executions keep no history in the store (as on AWS): they run in memory, keep no
   * history events at all (a long loop holds no memory for them) and end TIMED_OUT after
   * `expressMaxDurationMs`.
   */
  function runExpress(t: Target, name: string, input: Json, testCase: MockTestCase | undefined): { executionArn: string; startDate: Date; result: ReturnType<typeof runExecution> } {
    const m = t.machine;
    const executionArn = `arn:aws:states:${d.region}:${d.accountId}:express:${m.name}:${name}:${randomUUID()}`;
    if (testCase !== undefined) d.mocks?.executions.select(executionArn, testCase);
    const startDate = new Date(clock.now());
    const stop = new AbortController();
    const result = runExecution(t.prepared.definition, {
      input,
      name,
      stateMachineName: m.name,
      region: d.region,
      accountId: d.accountId,
      roleArn: t.prepared.roleArn,
      resources: d.resources,
      clock,
      type: 'EXPRESS',
      executionArn,
      maxDurationMs: d.expressMaxDurationMs,
      signal: stop.signal,
      ...(d.timeScale !== undefined ? { timeScale: d.timeScale } : {}),
    });
    runningExpress.set(executionArn, { stop, result });
    const forget = () => {
      runningExpress.delete(executionArn);
      d.mocks?.executions.forget(executionArn);
    };
    result.then(forget, forget);
    return { executionArn, startDate, result };
  }

  /**
   * The machine a start names and the mock test case after its `#` (as Step Functions Local and
   * LocalStack take it), which must exist in the loaded mock configuration. A promise only when the
   * machine is not cached: the common start awaits nothing before its write.
   */
  function startTarget(arn: string): StartTarget | Promise<StartTarget> {
    const split = splitTestCaseArn(arn);
    const withTestCase = (t: Target): StartTarget => {
      if (split.testCase === undefined) return { t };
      try {
        return { t, testCase: findTestCase(d.mocks?.config, t.machine.name, split.testCase) };
      } catch (e) {
        if (e instanceof MockTestCaseNotFoundError) throw validation(e.message);
        throw e;
      }
    };
    const cached = cachedTarget(split.arn);
    return cached !== undefined ? withTestCase(cached) : target(split.arn).then(withTestCase);
  }

  async function executionOf(arn: string): Promise<ExecutionRecord> {
    const e = await store.getExecution(arn);
    if (e === undefined) throw executionMissing(arn);
    return e;
  }

  return {
    /**
     * StartExecution, the one start path: Standard executions resolve once durably stored; Express
     * ones start in memory. Versions and aliases run the revision they name.
     */
    async startExecution(input: StartExecutionInput): Promise<{ executionArn: string; startDate: Date }> {
      const given = input.name === undefined ? undefined : checkName(input.name);
      const inputText = input.input ?? '{}';
      const value = inputOf(inputText);
      const started = startTarget(input.stateMachineArn);
      const { t, testCase } = started instanceof Promise ? await started : started;
      const name = given ?? timeOrderedName(clock.now());
      if (t.machine.type === 'EXPRESS') {
        const express = runExpress(t, name, value, testCase);
        void express.result.catch((e: unknown) => d.onError?.(e, `express execution ${express.executionArn}`));
        return { executionArn: express.executionArn, startDate: express.startDate };
      }
      const executionArn = `arn:aws:states:${d.region}:${d.accountId}:execution:${t.machine.name}:${name}`;
      const startDate = clock.now();
      const record: ExecutionRecord = { arn: executionArn, stateMachineArn: t.machine.arn, revision: t.revision, name, status: 'RUNNING', input: inputText, startDate };
      // The start snapshot from the input parsed above and the revision compiled once.
      const snapshot = createSnapshot(t.prepared.machine, {
        arn: executionArn,
        name,
        input: value,
        startTime: startDate,
        roleArn: t.prepared.roleArn,
        stateMachineArn: t.machine.arn,
        stateMachineName: t.machine.name,
        redriveCount: 0,
      });
      // Before it is stored: its first Task may be dispatched as soon as it is.
      const earlier = d.mocks?.executions.testCaseOf(executionArn);
      if (testCase !== undefined) d.mocks?.executions.select(executionArn, testCase);
      const r = await scheduler.submit({ kind: 'createExecution', execution: record });
      if (r.kind === 'exists' && testCase !== undefined) {
        if (earlier !== undefined) d.mocks?.executions.select(executionArn, earlier);
        else d.mocks?.executions.forget(executionArn);
      }
      if (r.kind === 'exists') {
        // AWS: the same name and input while it runs is the same request; anything else is a conflict.
        if (r.execution.status === 'RUNNING' && r.execution.input === inputText) return { executionArn: r.execution.arn, startDate: new Date(r.execution.startDate) };
        throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${r.execution.arn}'`, r.execution.arn);
      }
      scheduler.remember(record, snapshot, t.prepared.machine);
      scheduler.wake(executionArn);
      return { executionArn, startDate: new Date(startDate) };
    },

    /** StartSyncExecution: runs an Express machine in memory and answers with its result. */
    async startSyncExecution(input: StartExecutionInput): Promise<SyncExecutionOutput> {
      const given = input.name === undefined ? undefined : checkName(input.name);
      const inputText = input.input ?? '{}';
      const value = inputOf(inputText);
      const { t, testCase } = await startTarget(input.stateMachineArn);
      if (t.machine.type !== 'EXPRESS') throw typeNotSupported();
      const name = given ?? randomUUID();
      const { executionArn, startDate, result } = runExpress(t, name, value, testCase);
      const r = await result;
      const out: { -readonly [K in keyof SyncExecutionOutput]: SyncExecutionOutput[K] } = {
        executionArn,
        stateMachineArn: t.machine.arn,
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

    /** The stored execution (Standard executions only: Express ones are not kept, as on AWS). */
    executionOf,

    async describeExecution(arn: string): Promise<DescribeExecutionOutput> {
      return describe(await executionOf(arn), clock.now());
    },

    /** Resolves when the execution is no longer RUNNING. */
    async awaitExecution(arn: string): Promise<DescribeExecutionOutput> {
      let e = await scheduler.awaitCompletion(arn);
      if (e === undefined) throw executionMissing(arn);
      // Whether it can be redriven depends on its history's length, which only the stored row knows
      // (the scheduler's record of a running execution does not follow it).
      if (e.status !== 'RUNNING' && e.status !== 'SUCCEEDED') e = (await store.getExecution(arn)) ?? e;
      return describe(e, clock.now());
    },

    async getExecutionHistory(input: { executionArn: string; reverseOrder?: boolean; maxResults?: number; nextToken?: string }): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
      await executionOf(input.executionArn);
      let afterEventId: number | undefined;
      if (input.nextToken !== undefined) {
        const text = Buffer.from(input.nextToken, 'base64url').toString('utf8');
        if (!/^\d+$/.test(text)) throw new ServiceError('InvalidToken', `Invalid Token: '${input.nextToken}'`);
        afterEventId = Number(text);
      }
      // AWS: maxResults 0 means the default page size, 100 (at most 1000).
      const maxResults = input.maxResults === undefined || input.maxResults <= 0 ? 100 : Math.min(input.maxResults, 1000);
      const page = await store.getHistory(input.executionArn, { reverseOrder: input.reverseOrder, maxResults, afterEventId });
      return page.nextEventId === undefined ? { events: page.events } : { events: page.events, nextToken: Buffer.from(String(page.nextEventId)).toString('base64url') };
    },

    /**
     * StopExecution. A running Express execution (in this process) is aborted where it runs; one
     * that is not running here is ExecutionDoesNotExist.
     */
    async stopExecution(input: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }> {
      const express = runningExpress.get(input.executionArn);
      if (express !== undefined) {
        express.stop.abort();
        await express.result.catch(() => undefined);
        return { stopDate: new Date(clock.now()) };
      }
      const e = await executionOf(input.executionArn);
      if (e.status !== 'RUNNING') return { stopDate: new Date(e.stopDate ?? clock.now()) };
      const done = scheduler.awaitCompletion(input.executionArn);
      const r = await scheduler.submit({ kind: 'appendInbox', executionArn: input.executionArn, event: { type: 'stop', error: input.error, cause: input.cause } });
      if (r.kind === 'delivered') scheduler.wake(input.executionArn);
      const stopped = await done;
      return { stopDate: new Date(stopped?.stopDate ?? clock.now()) };
    },

    /**
     * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution continues from the state that did
     * not succeed (ExecutionNotRedrivable otherwise, with AWS's reason). Resolves once the redrive is
     * durably queued. A retry with the same clientToken within 15 minutes answers as the first.
     */
    async redriveExecution(input: { executionArn: string; clientToken?: string }): Promise<{ redriveDate: Date }> {
      const arn = input.executionArn;
      const [e, kept] = await Promise.all([executionOf(arn), store.loadSnapshot(arn)]);
      const now = clock.now();
      const token = input.clientToken;
      if (token !== undefined) {
        const previous = await store.redriveClientToken(arn, token, now);
        if (previous !== undefined) return { redriveDate: new Date(previous) };
      }
      const notRedrivable = (reason: string) => new ServiceError('ExecutionNotRedrivable', reason);
      const check = redriveStatusOf(e, now, kept?.snapshot?.lastEventId ?? 0);
      if (check.reason !== undefined) throw notRedrivable(check.reason);
      // The redrive runs the revision the execution ran: a machine deleted since cannot.
      if ((await store.getStateMachineRevision(e.stateMachineArn, e.revision)) === undefined) throw notRedrivable('State machine is in DELETING status');
      const r = await scheduler.submit({ kind: 'redriveExecution', executionArn: arn, redriveDate: now });
      if (r.kind !== 'redriven') {
        // Another redrive (or a stop that raced it) changed the execution since it was read.
        const status = r.kind === 'notRedrivable' ? r.status : undefined;
        throw notRedrivable(status === undefined ? `Execution Does Not Exist: '${arn}'` : `Execution is ${status} and cannot be redriven`);
      }
      scheduler.wake(arn);
      if (token !== undefined) await store.redriveClientToken(arn, token, now, { redriveDate: now, expiresAt: now + CLIENT_TOKEN_MS });
      return { redriveDate: new Date(now) };
    },

    /** What ListExecutions lists (everything but the page), or AWS's refusal of the filter. */
    async executionFilter(input: { stateMachineArn?: string; mapRunArn?: string; statusFilter?: string; redriveFilter?: string }): Promise<Omit<ExecutionQuery, 'after' | 'limit'>> {
      const arn = input.stateMachineArn;
      const status = input.statusFilter as ExecutionRecord['status'] | undefined;
      if (arn !== undefined && input.mapRunArn !== undefined) throw validation('Must provide either a StateMachine ARN or a MapRun ARN, not both');
      if (arn === undefined) {
        if (input.mapRunArn === undefined) throw validation('Must provide a StateMachine ARN or MapRun ARN');
        // A Map Run's children: the Standard ones (Express children keep no record, as on AWS).
        await findMapRun(input.mapRunArn);
        return { mapRunArn: input.mapRunArn, status, redriven: input.redriveFilter === undefined ? undefined : input.redriveFilter === 'REDRIVEN' };
      }
      const ref = parseMachineArn(arn);
      const machine = await machines.machineOf(ref.machineArn);
      if (machine.type === 'EXPRESS') throw typeNotSupported();
      if (status === 'PENDING_REDRIVE') throw validation('PENDING_REDRIVE statusFilter is only supported with a mapRunArn');
      let revision: number | undefined;
      if (ref.version !== undefined) {
        const v = (await store.listStateMachineVersions(machine.arn)).find((r) => r.version === ref.version);
        // A version that does not exist has no executions (-1 is no revision).
        revision = v?.revision ?? -1;
      }
      return { stateMachineArn: machine.arn, status, redriven: input.redriveFilter === undefined ? undefined : input.redriveFilter === 'REDRIVEN', revision };
    },

    listExecutions(query: ExecutionQuery) {
      return store.listExecutionsPage(query);
    },

    /** Ends the Express executions still running (close). */
    async stopAll(): Promise<void> {
      for (const running of runningExpress.values()) running.stop.abort();
      await Promise.all([...runningExpress.values()].map((r) => r.result.catch(() => undefined)));
    },
  };
}
