/**
 * Runs one conformance case in-process on the engine and compares it with the recording.
 * The engine is passed in (not imported) so the runner can be tested without it.
 */
import type { Json } from '../../src/language/json.js';
import type { Clock, HistoryEvent, TaskResources } from '../../src/engine/types.js';
import { compareResult, type Difference, type RecordedEvent } from './compare.js';
import { planCase, type ConformanceCase } from './cases.js';
import { caseFunctions, clockAwaitingInvocations, conformanceResources, registerCaseFunctions } from './functions/index.js';
import { mockedResources } from '../../src/integrations/mock-config.js';
import { resolveStubs } from './stubs.js';
import { caseTestCase, mockedExpectation, requirementsBeyondMock, withoutSubmittedOutput } from './mock-case.js';
import { needsAwsServices, type AwsFixtures } from './aws-fixtures.js';

export interface EngineResult {
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly HistoryEvent[];
}

export interface EngineOptions {
  input?: Json;
  inputText?: string;
  clock?: Clock;
  random?: () => number;
  uuid?: () => string;
  /** Aborting stops the execution (status ABORTED), even inside a runaway Choice loop. */
  signal?: AbortSignal;
  /** Serves Task states (Lambda functions from test/conformance/functions). */
  resources?: TaskResources;
}

/** The shape of `runExecution` from src/engine. */
export type RunExecution = (definition: unknown, options: EngineOptions) => Promise<EngineResult>;

export interface Engine {
  readonly runExecution: RunExecution;
  readonly virtualClock: (startMs?: number) => Clock;
}

export type CaseOutcome =
  | { readonly id: string; readonly category: string; readonly status: 'skipped'; readonly reason: string }
  | {
      readonly id: string;
      readonly category: string;
      readonly status: 'passed' | 'failed';
      readonly differences: readonly Difference[];
      /** null when no history was compared. */
      readonly exactEventOrder: boolean | null;
      readonly ms: number;
      /** Set when the engine threw, rejected or ran past the time limit. */
      readonly crash?: string;
    };

export const DEFAULT_CASE_TIME_LIMIT_MS = 10_000;

/** A small seeded generator (mulberry32) so that runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Version-4-shaped uuids from a seeded generator. */
export function seededUuid(seed: number): () => string {
  const rnd = seededRandom(seed);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rnd() * 4)]}${hex(3)}-${hex(12)}`;
}

/**
 * The virtual clock starts at the real time the run starts, as AWS's clock did when the cases were
 * recorded: absolute timestamps in the recordings (Wait `TimestampPath` a minute after the recording,
 * base/test_wait.py::test_wait_timestamppath) are then in the past, not more than a year ahead
 * (which AWS refuses as "Wait state delay is too long").
 */
const RUN_START_MS = Date.now();

export async function runCase(c: ConformanceCase, engine: Engine, timeLimitMs = DEFAULT_CASE_TIME_LIMIT_MS, aws?: AwsFixtures): Promise<CaseOutcome> {
  const plan = planCase(c);
  if (!plan.run) return { id: c.id, category: c.category, status: 'skipped', reason: plan.reason };
  const services = needsAwsServices(c);
  if (services && aws === undefined) return { id: c.id, category: c.category, status: 'skipped', reason: 'AWS services (moto_server is not on PATH)' };
  const started = performance.now();
  // Cases that call Lambda get our functions from test/conformance/functions, one shared runtime,
  // unless their mock answers every Lambda task.
  const lambda = requirementsBeyondMock(c.requires, c.definition, c.mock).includes('lambda');
  if (lambda) {
    try {
      registerCaseFunctions(caseFunctions(c.file));
    } catch (e) {
      return failedToRun(c, e instanceof Error ? e.message : String(e), started);
    }
  }
  let input = c.input;
  if (services && aws !== undefined) {
    try {
      input = await aws.prepareInput(c);
    } catch (e) {
      return failedToRun(c, `could not make the case's AWS resources: ${e instanceof Error ? e.message : String(e)}`, started);
    }
  }
  const tracked = lambda || services ? conformanceResources(services && aws !== undefined ? [aws.integration] : []) : undefined;
  let resources: TaskResources | undefined = tracked;
  if (c.mock !== undefined) {
    try {
      resources = mockedResources(caseTestCase(c.mock), tracked);
    } catch (e) {
      return failedToRun(c, e instanceof Error ? e.message : String(e), started);
    }
  }
  const clock = engine.virtualClock(RUN_START_MS);
  const options: EngineOptions = {
    clock: tracked !== undefined ? clockAwaitingInvocations(clock, tracked) : clock,
    ...(resources !== undefined ? { resources } : {}),
    random: seededRandom(1),
    uuid: seededUuid(2),
    // The engine checks the signal between slices of transitions, so even a runaway loop stops;
    // withTimeLimit below is the backstop for a case that never yields.
    signal: AbortSignal.timeout(timeLimitMs),
    ...(c.inputText !== undefined ? { inputText: c.inputText } : { input }),
  };
  let result: EngineResult;
  try {
    result = await withTimeLimit(Promise.resolve().then(() => engine.runExecution(resolveStubs(c.definition, { region: 'us-east-1', accountId: '111111111111' }), options)), timeLimitMs);
  } catch (e) {
    const crash = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ...failedToRun(c, 'the engine did not return a result', started, crash), crash };
  }
  const comparison = compareResult(
    c.mock !== undefined ? mockedExpectation(c.expected) : c.expected,
    // Named fields, not a spread: the engine's result computes output and events on first read.
    { status: result.status, output: result.output, error: result.error, cause: result.cause, events: mockedEvents(c, result.events as unknown as RecordedEvent[]) },
    { events: c.kind !== 'express-sync' },
  );
  return {
    id: c.id,
    category: c.category,
    status: comparison.differences.length === 0 ? 'passed' : 'failed',
    differences: comparison.differences,
    exactEventOrder: comparison.exactEventOrder,
    ms: performance.now() - started,
  };
}

/** A mocked run's TaskSubmitted events carry no output worth comparing (mock-case.ts). */
function mockedEvents(c: ConformanceCase, events: RecordedEvent[]): RecordedEvent[] {
  return c.mock !== undefined ? withoutSubmittedOutput(events) : events;
}

/** A case that could not be run to the end (no functions for it, a crash): failed with the reason. */
export function failedToRun(c: ConformanceCase, note: string, started: number, actual: unknown = null): Extract<CaseOutcome, { status: 'passed' | 'failed' }> {
  return {
    id: c.id,
    category: c.category,
    status: 'failed',
    differences: [{ path: '', expected: c.expected.status, actual, note }],
    exactEventOrder: null,
    ms: performance.now() - started,
  };
}

/**
 * Rejects when `promise` has not settled within `ms` (a case waiting forever). Code that never
 * yields cannot be interrupted in-process; the engine yields between slices of transitions.
 */
export function withTimeLimit<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`time limit of ${ms} ms exceeded`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

export async function runCases(
  cases: readonly ConformanceCase[],
  engine: Engine,
  options: { timeLimitMs?: number; onOutcome?: (o: CaseOutcome) => void; aws?: AwsFixtures } = {},
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const o = await runCase(c, engine, options.timeLimitMs, options.aws);
    options.onOutcome?.(o);
    outcomes.push(o);
  }
  return outcomes;
}
