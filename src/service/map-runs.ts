/**
 * The Map Run operations: ListMapRuns, DescribeMapRun. A Map Run is read from its execution: the
 * MapRunStarted / MapRunSucceeded / MapRunFailed events of the history, and while the Map runs,
 * its progress in the execution's snapshot. A Map Run's ARN does not name its execution
 * (`…:mapRun:MACHINE/LABEL:UUID`), so DescribeMapRun looks among the machine's executions, newest
 * first, and remembers what it found.
 */
import { childStateMachineArnOf, mapRunsInProgress, type HistoryEvent, type MapRunProgress } from '../engine/index.js';
import type { ExecutionRecord } from '../store/index.js';
import type { ServiceDeps } from './context.js';
import { parseArn } from './arns.js';
import { executionMissing, resourceMissing, ServiceError, validation } from './errors.js';

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** A Map Run as ListMapRuns lists it. */
export interface MapRunSummary {
  readonly executionArn: string;
  readonly mapRunArn: string;
  /** The Map Run's "state machine": the parent machine's ARN with `/LABEL`. */
  readonly stateMachineArn: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
}

export interface MapRunCounts {
  readonly pending: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  readonly total: number;
  readonly resultsWritten: number;
  readonly failuresNotRedrivable: number;
  readonly pendingRedrive: number;
}

export interface MapRunDescription extends MapRunSummary {
  readonly status: MapRunStatus;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly toleratedFailureCount: number;
  readonly itemCounts: MapRunCounts;
  readonly executionCounts: MapRunCounts;
  readonly redriveCount: number;
}

/** How many executions of a machine DescribeMapRun searches for a Map Run it has not seen. */
const SEARCH_EXECUTIONS = 1000;
/** How deep, and through how many child executions, DescribeMapRun looks for a Map Run started in a child. */
const NESTED_LEVELS = 3;
const SEARCH_CHILDREN = 10_000;
const MAP_RUN_ARN = /^arn:[^:]+:states:[^:]+:\d{12}:mapRun:([^/:]+)\/([^:]+):([^:]+)$/;

interface MapRunFromHistory {
  readonly summary: MapRunSummary;
  readonly status: MapRunStatus;
  /** MapStateStarted's length: the items from the input (0 when an ItemReader read them). */
  readonly length: number;
}

export function createMapRuns(deps: ServiceDeps) {
  const { store, scheduler } = deps;
  /** Map Run ARN → its execution's ARN, as found. */
  const owners = new Map<string, string>();

  async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let afterEventId: number | undefined;
    for (;;) {
      const page = await store.getHistory(executionArn, { maxResults: 1000, afterEventId });
      events.push(...page.events);
      if (page.nextEventId === undefined) return events;
      afterEventId = page.nextEventId;
    }
  }

  async function runsOf(e: ExecutionRecord): Promise<MapRunFromHistory[]> {
    const events = await historyOf(e.arn);
    const byId = new Map(events.map((ev) => [ev.id, ev]));
    const runs: MapRunFromHistory[] = [];
    for (const ev of events) {
      if (ev.type !== 'MapRunStarted') continue;
      const arn = String(ev.mapRunStartedEventDetails?.mapRunArn ?? '');
      owners.set(arn, e.arn);
      // The run's end links to its start (no iteration of a distributed Map writes to this history).
      const end = events.find((x) => x.previousEventId === ev.id && (x.type === 'MapRunSucceeded' || x.type === 'MapRunFailed' || x.type === 'MapRunAborted'));
      const started = byId.get(ev.previousEventId);
      const status: MapRunStatus =
        end?.type === 'MapRunSucceeded' ? 'SUCCEEDED' : end?.type === 'MapRunFailed' ? 'FAILED' : end !== undefined || e.status !== 'RUNNING' ? 'ABORTED' : 'RUNNING';
      const stop = end?.timestamp ?? (status === 'ABORTED' && e.stopDate !== undefined ? new Date(e.stopDate) : undefined);
      runs.push({
        summary: { executionArn: e.arn, mapRunArn: arn, stateMachineArn: childStateMachineArnOf(arn), startDate: ev.timestamp, ...(stop !== undefined ? { stopDate: stop } : {}) },
        status,
        length: Number(started?.mapStateStartedEventDetails?.length ?? 0),
      });
    }
    return runs;
  }

  async function executionOf(executionArn: string): Promise<ExecutionRecord> {
    parseArn(executionArn, ['execution']);
    const e = await store.getExecution(executionArn);
    if (e === undefined) throw executionMissing(executionArn);
    return e;
  }

  async function findRun(mapRunArn: string): Promise<{ execution: ExecutionRecord; run: MapRunFromHistory }> {
    parseArn(mapRunArn, ['mapRun']);
    const m = MAP_RUN_ARN.exec(mapRunArn);
    if (m === null) throw resourceMissing(mapRunArn);
    const known = owners.get(mapRunArn);
    const candidates: ExecutionRecord[] = [];
    if (known !== undefined) {
      const e = await store.getExecution(known);
      if (e !== undefined) candidates.push(e);
    } else {
      const machineArn = mapRunArn.slice(0, mapRunArn.indexOf(':mapRun:')) + `:stateMachine:${m[1]}`;
      candidates.push(...(await store.listExecutionsPage({ stateMachineArn: machineArn, limit: SEARCH_EXECUTIONS })).executions);
    }
    for (const e of candidates) {
      const run = (await runsOf(e)).find((r) => r.summary.mapRunArn === mapRunArn);
      if (run !== undefined) return { execution: e, run };
    }
    // A Map Run started inside a child execution (a distributed Map nested in another) is in that
    // child's history: look through the children of the candidates' runs, level by level.
    const budget = { executions: SEARCH_CHILDREN };
    let level = candidates;
    for (let depth = 0; depth < NESTED_LEVELS && level.length > 0; depth++) {
      const next: ExecutionRecord[] = [];
      for (const e of level) {
        for (const parentRun of await runsOf(e)) {
          let after: number | undefined;
          do {
            const page = await store.listExecutionsPage({ mapRunArn: parentRun.summary.mapRunArn, limit: 1000, after });
            for (const child of page.executions) {
              if (budget.executions-- <= 0) throw resourceMissing(mapRunArn);
              const run = (await runsOf(child)).find((r) => r.summary.mapRunArn === mapRunArn);
              if (run !== undefined) return { execution: child, run };
              next.push(child);
            }
            after = page.next;
          } while (after !== undefined);
        }
      }
      level = next;
    }
    throw resourceMissing(mapRunArn);
  }

  /**
   * A finished run's counts from its child executions' records: executions by status, and items by
   * the status of the child that ran them (a batch's child runs the batch's items).
   */
  async function childCounts(execution: ExecutionRecord, mapRunArn: string): Promise<{ executions: MapRunCounts; items: MapRunCounts } | undefined> {
    const batched = await isBatched(execution, mapRunArn);
    const executions = { ...ZERO };
    const items = { ...ZERO };
    let after: number | undefined;
    do {
      const page = await store.listExecutionsPage({ mapRunArn, limit: 1000, after });
      for (const child of page.executions) {
        const key = COUNTED[child.status];
        const size = batched ? batchSize(child.input) : 1;
        executions.total++;
        items.total += size;
        if (key !== undefined) {
          executions[key]++;
          items[key] += size;
        }
      }
      after = page.next;
    } while (after !== undefined);
    // Express children keep no record: nothing to count from.
    return executions.total === 0 ? undefined : { executions, items };
  }

  /** Whether the run's Map state has an ItemBatcher (its children then each run a batch of items). */
  async function isBatched(execution: ExecutionRecord, mapRunArn: string): Promise<boolean> {
    const revision = await store.getStateMachineRevision(execution.stateMachineArn, execution.revision);
    if (revision === undefined) return false;
    const label = childStateMachineArnOf(mapRunArn).split('/').pop();
    return findMapState(JSON.parse(revision.definition) as unknown, label ?? '')?.ItemBatcher !== undefined;
  }

  return {
    /** ListMapRuns: the execution's Map Runs, oldest first, in pages. */
    async listMapRuns(input: { executionArn: string; maxResults?: number; nextToken?: string }): Promise<{ mapRuns: MapRunSummary[]; nextToken?: string }> {
      const runs = (await runsOf(await executionOf(input.executionArn))).map((r) => r.summary);
      const start = input.nextToken === undefined ? 0 : Number(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0) throw new ServiceError('InvalidToken', `Invalid Token: '${input.nextToken}'`);
      const size = input.maxResults === undefined || input.maxResults <= 0 ? 100 : Math.min(input.maxResults, 1000);
      const page = runs.slice(start, start + size);
      return start + size < runs.length ? { mapRuns: page, nextToken: Buffer.from(String(start + size)).toString('base64url') } : { mapRuns: page };
    },

    /**
     * UpdateMapRun: new MaxConcurrency / ToleratedFailureCount / ToleratedFailurePercentage for a
     * running Map Run, delivered to its execution as an inbox event (so it applies in order with
     * the iterations' results). Resolves once the change is queued.
     */
    async updateMapRun(input: { mapRunArn: string; maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number }): Promise<void> {
      const { mapRunArn, maxConcurrency, toleratedFailureCount, toleratedFailurePercentage } = input;
      if (maxConcurrency === undefined && toleratedFailureCount === undefined && toleratedFailurePercentage === undefined) {
        throw validation('At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be given');
      }
      if (maxConcurrency !== undefined && (!Number.isInteger(maxConcurrency) || maxConcurrency < 0)) throw validation('maxConcurrency must be an integer of 0 or more');
      if (toleratedFailureCount !== undefined && (!Number.isInteger(toleratedFailureCount) || toleratedFailureCount < 0)) throw validation('toleratedFailureCount must be an integer of 0 or more');
      if (toleratedFailurePercentage !== undefined && !(toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 100)) throw validation('toleratedFailurePercentage must be between 0 and 100');
      const { execution, run } = await findRun(mapRunArn);
      if (run.status !== 'RUNNING') throw validation(`Map Run is ${run.status} and cannot be updated: '${mapRunArn}'`);
      const event = { type: 'updateMapRun' as const, mapRunArn, maxConcurrency, toleratedFailureCount, toleratedFailurePercentage };
      const r = await scheduler.submit({ kind: 'appendInbox', executionArn: execution.arn, event });
      if (r.kind === 'delivered') scheduler.wake(execution.arn);
    },

    /** The Map Run exists (ResourceNotFound, or InvalidArn, when not): ListExecutions by mapRunArn asks. */
    async findMapRun(mapRunArn: string): Promise<void> {
      await findRun(mapRunArn);
    },

    /** DescribeMapRun: status and counts; live counts while the Map runs, else the child executions' own. */
    async describeMapRun(mapRunArn: string): Promise<MapRunDescription> {
      const { execution, run } = await findRun(mapRunArn);
      const live = run.status === 'RUNNING' ? mapRunsInProgress((await store.loadSnapshot(execution.arn))?.snapshot ?? emptySnapshot).get(mapRunArn) : undefined;
      const children = live === undefined ? await childCounts(execution, mapRunArn) : undefined;
      const counts = countsOf(run, live, children?.executions);
      return {
        ...run.summary,
        status: run.status,
        maxConcurrency: live?.maxConcurrency ?? 0,
        toleratedFailurePercentage: live?.toleratedFailurePercentage ?? 0,
        toleratedFailureCount: live?.toleratedFailureCount ?? 0,
        itemCounts: children?.items ?? counts,
        executionCounts: counts,
        redriveCount: 0,
      };
    },
  };
}

const emptySnapshot = { frames: {} } as unknown as Parameters<typeof mapRunsInProgress>[0]; // only its frames are read

type MutableCounts = { -readonly [K in keyof MapRunCounts]: number };
const ZERO: MapRunCounts = { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0 };
const COUNTED: { readonly [status: string]: keyof MutableCounts | undefined } = { RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', TIMED_OUT: 'timedOut', ABORTED: 'aborted' };

/** How many items a batch's child ran: its input's `Items`. */
function batchSize(input: string): number {
  try {
    const parsed = JSON.parse(input) as { Items?: unknown };
    return Array.isArray(parsed?.Items) ? parsed.Items.length : 1;
  } catch {
    return 1;
  }
}

/** The Map state named (or labelled) `label` anywhere in a definition. */
function findMapState(node: unknown, label: string): { ItemBatcher?: unknown } | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const states = (node as { States?: unknown }).States;
  if (states === null || typeof states !== 'object') return undefined;
  for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
    if (state === null || typeof state !== 'object') continue;
    const s = state as { Type?: unknown; Label?: unknown; ItemBatcher?: unknown; ItemProcessor?: unknown; Iterator?: unknown; Branches?: unknown };
    if (s.Type === 'Map' && (s.Label ?? name) === label) return s;
    for (const inner of [s.ItemProcessor, s.Iterator, ...(Array.isArray(s.Branches) ? s.Branches : [])]) {
      const found = findMapState(inner, label);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function countsOf(run: MapRunFromHistory, live: MapRunProgress | undefined, children: MapRunCounts | undefined): MapRunCounts {
  if (live !== undefined) return { ...ZERO, pending: live.pending, running: live.running, succeeded: live.succeeded, failed: live.failed, total: live.total };
  if (children !== undefined) return children;
  // A finished run of Express children left no records: its counts follow from how it ended and how many items the input gave.
  if (run.status === 'SUCCEEDED') return { ...ZERO, succeeded: run.length, total: run.length };
  return { ...ZERO, total: run.length };
}
