import { attemptNumber } from '../attempts.js';
import { StatesError } from '../../language/errors.js';
import type { Json } from '../../language/json.js';
import { selectPath } from '../../language/jsonpath/index.js';
import { queryEvaluationError, unexpectedResultTypeCause } from '../../language/jsonata/index.js';
import { MAX_PAYLOAD_BYTES, type MapState } from '../compile.js';
import { abortSiblings, spawnFrame, takeRedrive, wake } from '../frames.js';
import { effectiveInput, finishState } from '../io.js';
import { resolveNumber } from '../numbers.js';
import type { Frame, MapRunLimits } from '../snapshot.js';
import type { EngineEvent } from '../effects.js';
import { jsonataEnv, jsonPathScope, type Outcome, type StepContext } from '../step.js';
import { batchItems } from './map-batching.js';
import {
  evaluateMapPayload,
  mapRunArnOf,
  mapScopeInput,
  readItems,
  readerFailed,
  writeResults,
  writerFinished,
} from './map-run.js';
import { endChildExecution, startChildExecution } from './map-children.js';

export function runMap(ctx: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  return state.queryLanguage === 'JSONata' ? startJsonata(ctx, frame, state) : startJsonPath(ctx, frame, state);
}

async function startJsonPath(ctx: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  const effective = effectiveInput(ctx, frame, state, frame.input);
  if (state.itemReader !== undefined) return startReading(ctx, frame, state, effective);
  const items =
    state.itemsPath === undefined
      ? effective
      : selectPath(state.itemsPath, jsonPathScope(ctx, frame, state, effective));
  if (!Array.isArray(items)) {
    throw new StatesError('States.Runtime', `Map state input must be an array but was: ${JSON.stringify(items)}`);
  }
  return startItems(ctx, frame, state, effective, items);
}

async function startJsonata(ctx: StepContext, frame: Frame, state: MapState): Promise<Outcome> {
  const raw = frame.input;
  if (state.itemReader !== undefined) return startReading(ctx, frame, state, raw);
  const items =
    state.items === undefined ? raw : await state.items.evaluate(jsonataEnv(ctx, frame, state, { input: raw }));
  if (!Array.isArray(items)) {
    if (state.items === undefined) {
      throw new StatesError(
        'States.QueryEvaluationError',
        `Map state input must be an array but was: ${JSON.stringify(items)}`,
      );
    }
    throw queryEvaluationError(unexpectedResultTypeCause(state.itemsText ?? '', 'Items', 'array', items));
  }
  return startItems(ctx, frame, state, raw, items);
}

/** Items known from the input: select each, then MapStateStarted, then the tolerance and the iterations. */
async function startItems(
  ctx: StepContext,
  frame: Frame,
  state: MapState,
  input: Json,
  items: Json[],
): Promise<Outcome> {
  if (exceedsPayloadLimit(items)) return itemsTooLarge(state);
  const maxConcurrency = await resolveMaxConcurrency(ctx, frame, state, input);
  const inputs = await selectItems(ctx, frame, state, input, items);
  if (inputs !== items && exceedsPayloadLimit(inputs)) return itemsTooLarge(state);
  ctx.history.emit(frame, 'MapStateStarted', 'mapStateStartedEventDetails', { length: inputs.length });
  // AWS reads the tolerated failure fields after MapStateStarted: a bad ToleratedFailureCountPath
  // fails the execution right after it (test_map_state_tolerated_failure_count_path[NoNumber]).
  const tolerance = await resolveTolerance(ctx, frame, state, input);
  const children = await batchItems(ctx, frame, state, input, inputs);
  if (!Array.isArray(children)) return children;
  if (state.distributed) startMapRun(ctx, frame, state, 'running');
  return start(ctx, frame, state, children, { maxConcurrency, ...tolerance });
}

/**
 * An ItemReader's items come from outside: AWS records MapStateStarted with length 0 and the Map
 * Run, then reads (test_map_item_reader_base_csv_headers_first_line). The read is a task-shaped wait
 * that `resumeMap` picks up.
 */
async function startReading(ctx: StepContext, frame: Frame, state: MapState, input: Json): Promise<Outcome> {
  await resolveMaxConcurrency(ctx, frame, state, input);
  ctx.history.emit(frame, 'MapStateStarted', 'mapStateStartedEventDetails', { length: 0 });
  await resolveTolerance(ctx, frame, state, input);
  const attempt = startMapRun(ctx, frame, state, 'reading');
  await readItems(ctx, frame, state, input, attempt);
  return { kind: 'wait' };
}

/** MapRunStarted: its event id is the "attempt" the Map's reads and writes are answered for. */
function startMapRun(ctx: StepContext, frame: Frame, state: MapState, phase: 'reading' | 'running'): number {
  const arn = mapRunArnOf(ctx, state);
  frame.mapRun = { arn, phase };
  return attemptNumber(ctx, frame, ctx.history.emit(frame, 'MapRunStarted', 'mapRunStartedEventDetails', { mapRunArn: arn }));
}

async function selectItems(
  ctx: StepContext,
  frame: Frame,
  state: MapState,
  input: Json,
  items: Json[],
): Promise<Json[]> {
  if (state.itemSelector === undefined) return items;
  const inputs: Json[] = [];
  for (let index = 0; index < items.length; index++) {
    const mapItem = { index, value: items[index] };
    inputs.push(await evaluateMapPayload(ctx, frame, state, state.itemSelector, input, { mapItem }));
  }
  return inputs;
}

/**
 * The items an inline Map iterates over are state data, bound as all state data is (256 KiB of
 * UTF-8). An Items expression or ItemSelector could make far more (`[1..1000000]`): refused before
 * any iteration starts, instead of allocating a frame per item.
 */
function exceedsPayloadLimit(items: readonly Json[]): boolean {
  // Every item takes two bytes at least ("0,"): a longer array cannot fit and is not serialised to find out.
  if (items.length * 2 + 1 > MAX_PAYLOAD_BYTES) return true;
  return Buffer.byteLength(JSON.stringify(items), 'utf8') > MAX_PAYLOAD_BYTES;
}

/** Our wording (AWS's for this case is not recorded); the error is AWS's for state data over the limit. */
const itemsTooLarge = (state: MapState): Outcome => ({
  kind: 'fail',
  error: 'States.DataLimitExceeded',
  cause: `The items of the Map state '${state.name}' exceed the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES} bytes).`,
});

interface Tolerance {
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
}

interface Limits extends Tolerance {
  maxConcurrency: number;
}

async function resolveMaxConcurrency(ctx: StepContext, frame: Frame, state: MapState, input: Json): Promise<number> {
  return state.maxConcurrency === undefined
    ? 0
    : resolveNumber(ctx, frame, state, state.maxConcurrency, input, 'integer');
}

async function resolveTolerance(ctx: StepContext, frame: Frame, state: MapState, input: Json): Promise<Tolerance> {
  const toleratedFailureCount =
    state.toleratedFailureCount === undefined
      ? 0
      : await resolveNumber(ctx, frame, state, state.toleratedFailureCount, input, 'integer');
  const toleratedFailurePercentage =
    state.toleratedFailurePercentage === undefined
      ? 0
      : await resolveNumber(ctx, frame, state, state.toleratedFailurePercentage, input, 'float');
  if (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100) {
    throw new StatesError('States.Runtime', 'ToleratedFailurePercentage must be between 0 and 100.');
  }
  return { toleratedFailureCount, toleratedFailurePercentage };
}

function start(ctx: StepContext, frame: Frame, state: MapState, items: Json[], resolved: Limits): Outcome {
  const carried = takeRedrive(frame, items.length);
  const limits = { ...resolved, ...frame.mapRun?.updates };
  frame.children = {
    total: items.length,
    nextIndex: 0,
    running: 0,
    failedCount: 0,
    results: carried?.results ?? new Array<Json>(items.length).fill(null),
    done: carried?.done ?? new Array<boolean>(items.length).fill(false),
    items,
    ...limits,
    lastIterationEventId: 0,
    stateInput: frame.input,
  };
  frame.wait = { kind: 'children' };
  fillSlots(ctx, frame, state);
  return { kind: 'wait' };
}

function fillSlots(ctx: StepContext, frame: Frame, state: MapState): void {
  const p = frame.children!;
  const limit = p.maxConcurrency > 0 ? p.maxConcurrency : Infinity;
  // Stops as soon as the execution ends (the history quota can end it while iterations start).
  while (p.running < limit && p.nextIndex < p.total && ctx.snapshot.status === 'RUNNING') {
    const index = p.nextIndex++;
    if (p.done[index]) continue; // succeeded before a redrive
    p.running++;
    const item = p.items![index];
    // A Standard child execution has a history of its own; an Express one (or any under one) none.
    const silent = frame.silent === true || (state.distributed && state.expressChildren);
    const childArn = state.distributed && !silent ? startChildExecution(ctx, frame.mapRun!.arn, index, item) : undefined;
    const child = spawnFrame(ctx, frame, state.processor, index, item, { index, value: item }, silent, childArn ?? frame.childExecution);
    if (childArn !== undefined) child.prevId = 0;
    if (!state.distributed) ctx.history.emit(child, 'MapIterationStarted', 'mapIterationStartedEventDetails', { index, name: state.name });
    ctx.ready.push(child);
  }
  if (p.running === 0 && p.nextIndex >= p.total) wake(ctx, frame, { kind: 'childrenDone' });
}

function toleranceExceeded(p: NonNullable<Frame['children']>): boolean {
  if (p.toleratedFailureCount === 0 && p.toleratedFailurePercentage === 0) return p.failedCount > 0;
  const overCount = p.failedCount > p.toleratedFailureCount;
  const overPercent = (p.failedCount / p.total) * 100 > p.toleratedFailurePercentage;
  return overCount && overPercent;
}

export function mapChildFinished(ctx: StepContext, parent: Frame, child: Frame, state: MapState): void {
  const p = parent.children!;
  const result = child.result!;
  const details = { index: child.index, name: state.name };
  p.running--;
  if (state.distributed) endChildExecution(ctx, child, result);
  if (result.ok) {
    // A child execution's events are numbered in its own history: the parent's source stays.
    if (!state.distributed) {
      p.lastIterationEventId = ctx.history.emit(child, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', details, false);
      parent.prevId = Math.max(parent.prevId, child.prevId);
    }
    p.results[child.index] = result.output;
    p.done[child.index] = true;
    fillSlots(ctx, parent, state);
    return;
  }
  if (!state.distributed) {
    ctx.history.emit(child, 'MapIterationFailed', 'mapIterationFailedEventDetails', details, false);
    parent.prevId = Math.max(parent.prevId, child.prevId);
  }
  p.failedCount++;
  if (toleranceExceeded(p)) {
    const tolerant = p.toleratedFailureCount > 0 || p.toleratedFailurePercentage > 0;
    abortSiblings(ctx, parent, child, state.name, state.distributed);
    wake(
      ctx,
      parent,
      tolerant
        ? {
            kind: 'childFailed',
            error: 'States.ExceedToleratedFailureThreshold',
            cause: 'The specified tolerated failure threshold was exceeded',
          }
        : { kind: 'childFailed', error: result.error, cause: result.cause },
    );
    return;
  }
  const errorOutput: { [k: string]: Json } = {};
  if (result.error !== undefined) errorOutput.Error = result.error;
  if (result.cause !== undefined) errorOutput.Cause = result.cause;
  p.results[child.index] = errorOutput;
  fillSlots(ctx, parent, state);
}

export function resumeMap(ctx: StepContext, frame: Frame, state: MapState): Outcome | Promise<Outcome> {
  const resume = frame.resume!;
  const run = frame.mapRun;
  if (run?.phase === 'reading') {
    if (resume.kind === 'taskSucceeded') return itemsRead(ctx, frame, state, resume.output);
    return failMapRun(ctx, frame, readerFailed(resume));
  }
  if (run?.phase === 'writing') {
    if (resume.kind === 'taskSucceeded') return finishMap(ctx, frame, state, writerFinished(run.arn, resume.output));
    return failMapRun(ctx, frame, readerFailed(resume, 'States.ResultWriterFailed'));
  }
  const progress = frame.children!;
  // A failed Map keeps its progress: a redrive runs only the iterations that did not succeed.
  if (resume.kind === 'childFailed') {
    if (state.distributed) return failMapRun(ctx, frame, { error: resume.error, cause: resume.cause });
    return { kind: 'fail', error: resume.error, cause: resume.cause };
  }
  // The progress stays while the results are written: DescribeMapRun still counts the iterations.
  if (state.distributed && state.resultWriter?.resource !== undefined && run !== undefined) {
    run.phase = 'writing';
    return writeResults(ctx, frame, state, progress, run.arn).then(() => ({ kind: 'wait' }) as const);
  }
  frame.children = undefined;
  // AWS links MapStateSucceeded and MapStateExited to the last MapIterationSucceeded (inline) or
  // to MapRunSucceeded (distributed).
  if (!state.distributed && progress.lastIterationEventId > 0) frame.prevId = progress.lastIterationEventId;
  return finishMap(ctx, frame, state, progress.results);
}

/** The reader answered: the items go through ItemSelector and ItemBatcher as items from the input do. */
async function itemsRead(ctx: StepContext, frame: Frame, state: MapState, read: Json): Promise<Outcome> {
  if (!Array.isArray(read))
    return failMapRun(ctx, frame, {
      error: 'States.ItemReaderFailed',
      cause: 'Attempting to map over non-iterable node.',
    });
  const input = mapScopeInput(ctx, frame, state);
  const maxConcurrency = await resolveMaxConcurrency(ctx, frame, state, input);
  const tolerance = await resolveTolerance(ctx, frame, state, input);
  const inputs = await selectItems(ctx, frame, state, input, read);
  const children = await batchItems(ctx, frame, state, input, inputs);
  if (!Array.isArray(children))
    return failMapRun(ctx, frame, { error: children.error ?? 'States.Runtime', cause: children.cause });
  frame.mapRun!.phase = 'running';
  return start(ctx, frame, state, children, { maxConcurrency, ...tolerance });
}

function failMapRun(ctx: StepContext, frame: Frame, failure: { error?: string; cause?: string }): Outcome {
  const details: { error?: string; cause?: string } = {};
  if (failure.error !== undefined) details.error = failure.error;
  if (failure.cause !== undefined) details.cause = failure.cause;
  ctx.history.emit(frame, 'MapRunFailed', 'mapRunFailedEventDetails', details);
  frame.mapRun = undefined;
  return { kind: 'fail', error: failure.error, cause: failure.cause };
}

function finishMap(ctx: StepContext, frame: Frame, state: MapState, result: Json): Promise<Outcome> {
  if (state.distributed) ctx.history.emit(frame, 'MapRunSucceeded');
  frame.mapRun = undefined;
  frame.children = undefined;
  ctx.history.emit(frame, 'MapStateSucceeded', undefined, undefined, false);
  return Promise.resolve(finishState(ctx, frame, state, frame.input, result));
}

/**
 * UpdateMapRun: the run's new MaxConcurrency and tolerated failures take effect at once (more
 * iterations start when the concurrency grew); before the items are read they are kept for then.
 */
export function updateMapRun(ctx: StepContext, event: Extract<EngineEvent, { type: 'updateMapRun' }>): void {
  const frame = Object.values(ctx.snapshot.frames).find((f) => f.mapRun?.arn === event.mapRunArn);
  if (frame === undefined) return; // the run ended meanwhile
  const updates: MapRunLimits = {
    ...frame.mapRun!.updates,
    ...(event.maxConcurrency !== undefined ? { maxConcurrency: event.maxConcurrency } : {}),
    ...(event.toleratedFailureCount !== undefined ? { toleratedFailureCount: event.toleratedFailureCount } : {}),
    ...(event.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: event.toleratedFailurePercentage } : {}),
  };
  frame.mapRun!.updates = updates;
  const p = frame.children;
  if (p === undefined || frame.mapRun!.phase !== 'running') return;
  Object.assign(p, updates);
  const state = ctx.machine.scopes.get(frame.scope)?.states.get(frame.state);
  if (state?.type === 'Map') fillSlots(ctx, frame, state);
}
