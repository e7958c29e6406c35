/**
 * A distributed Map's Map Run and its dealings with the outside: the ARN it is known by, the
 * ItemReader's read and the ResultWriter's write. Both are task-shaped waits on the Map's frame
 * (an `invokeTask` effect carrying `itemReader` or `resultWriter`), answered with the usual task
 * events; `resumeMap` takes the answer up by the run's phase.
 */
import type { Json } from '../../language/json.js';
import { attemptNumber } from '../attempts.js';
import type { CompiledTemplate } from '../../language/template/index.js';
import type { CompiledJsonataField } from '../../language/jsonata/index.js';
import type { CompiledPayload, MapState } from '../compile.js';
import { effectiveInput } from '../io.js';
import { resolveNumber } from '../numbers.js';
import type { ChildrenProgress, Frame, FrameResume } from '../snapshot.js';
import { jsonataEnv, jsonPathScope, type StepContext } from '../step.js';
import type { MapRunChild } from '../types.js';
import { childExecutionNameOf } from './map-children.js';

/** What the Map's fields are evaluated against: the effective input (JSONPath) or the raw input (JSONata). */
export function mapScopeInput(ctx: StepContext, frame: Frame, state: MapState): Json {
  return state.queryLanguage === 'JSONata' ? frame.input : effectiveInput(ctx, frame, state, frame.input);
}

type ContextExtra = Parameters<typeof jsonPathScope>[4];

/** Evaluates an ItemSelector, BatchInput or integration Parameters/Arguments in the state's query language. */
export async function evaluateMapPayload(
  ctx: StepContext,
  frame: Frame,
  state: MapState,
  payload: CompiledPayload,
  input: Json,
  extra?: ContextExtra,
): Promise<Json> {
  // The compiler made a JSONata field for JSONata states and a payload template for JSONPath ones.
  if (state.queryLanguage === 'JSONata')
    return (payload as CompiledJsonataField).evaluate(jsonataEnv(ctx, frame, state, { input }, extra));
  return (payload as CompiledTemplate).evaluate(jsonPathScope(ctx, frame, state, input, extra));
}

/**
 * `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:UUID`, as AWS names a Map Run
 * (scenarios/test_map_state_label: the Label, else the state's name).
 */
export function mapRunArnOf(ctx: StepContext, state: MapState): string {
  const machine = ctx.snapshot.execution.stateMachineArn.replace(':stateMachine:', ':mapRun:');
  return `${machine}/${state.label}:${ctx.ids.uuid()}`;
}

/** Asks for the ItemReader's items; answered for `attempt` (the MapRunStarted event id). */
export async function readItems(
  ctx: StepContext,
  frame: Frame,
  state: MapState,
  input: Json,
  attempt: number,
): Promise<void> {
  const reader = state.itemReader!;
  const parameters =
    reader.parameters === undefined ? {} : await evaluateMapPayload(ctx, frame, state, reader.parameters, input);
  const maxItems =
    reader.maxItems === undefined
      ? undefined
      : await resolveNumber(ctx, frame, state, reader.maxItems, input, 'integer');
  frame.wait = { kind: 'task', attempt, started: true };
  ctx.effects.push({
    type: 'invokeTask',
    frameId: frame.id,
    attempt,
    request: {
      resource: reader.resource,
      parameters,
      executionArn: ctx.snapshot.execution.arn,
      stateName: state.name,
      itemReader: { readerConfig: reader.readerConfig, ...(maxItems !== undefined ? { maxItems } : {}) },
    },
  });
}

/**
 * Asks the ResultWriter to write the run's iterations. Answered for minus the MapStateEntered id,
 * which no read (MapRunStarted's id, positive) of the same state entry can have.
 */
export async function writeResults(
  ctx: StepContext,
  frame: Frame,
  state: MapState,
  progress: ChildrenProgress,
  mapRunArn: string,
): Promise<void> {
  const writer = state.resultWriter!;
  const input = mapScopeInput(ctx, frame, state);
  const parameters =
    writer.parameters === undefined ? {} : await evaluateMapPayload(ctx, frame, state, writer.parameters, input);
  const attempt = frame.childExecution === undefined && frame.silent !== true ? -frame.enteredEventId : attemptNumber(ctx, frame, 0);
  frame.wait = { kind: 'task', attempt, started: true };
  ctx.effects.push({
    type: 'invokeTask',
    frameId: frame.id,
    attempt,
    request: {
      resource: writer.resource ?? '',
      parameters,
      executionArn: ctx.snapshot.execution.arn,
      stateName: state.name,
      resultWriter: {
        mapRunArn,
        ...(writer.writerConfig !== undefined ? { writerConfig: writer.writerConfig } : {}),
        children: childrenOf(progress, mapRunArn),
      },
    },
  });
}

/** Each iteration as a child execution record (named as map-children.ts named it): succeeded, failed (tolerated), or never run. */
function childrenOf(progress: ChildrenProgress, mapRunArn: string): MapRunChild[] {
  const children: MapRunChild[] = [];
  for (let index = 0; index < progress.total; index++) {
    const input = progress.items?.[index] ?? null;
    const name = childExecutionNameOf(mapRunArn, index);
    const result = progress.results[index];
    if (progress.done[index]) children.push({ index, name, status: 'SUCCEEDED', input, output: result });
    else if (index < progress.nextIndex && result !== null && typeof result === 'object' && !Array.isArray(result)) {
      const failure = result as { Error?: Json; Cause?: Json };
      children.push({
        index,
        name,
        status: 'FAILED',
        input,
        ...(typeof failure.Error === 'string' ? { error: failure.Error } : {}),
        ...(typeof failure.Cause === 'string' ? { cause: failure.Cause } : {}),
      });
    } else children.push({ index, name, status: 'PENDING', input });
  }
  return children;
}

/** The Map's output once its results are written: the run's ARN and where the manifest is. */
export function writerFinished(mapRunArn: string, output: Json): Json {
  const details =
    output !== null && typeof output === 'object' && !Array.isArray(output)
      ? (output.ResultWriterDetails ?? output)
      : output;
  return { MapRunArn: mapRunArn, ResultWriterDetails: details };
}

/** A failed read or write as the Map Run's failure (a timeout is States.Timeout). */
export function readerFailed(
  resume: FrameResume,
  fallback = 'States.ItemReaderFailed',
): { error: string; cause?: string } {
  if (resume.kind === 'taskFailed') return { error: resume.error || fallback, cause: resume.cause };
  if (resume.kind === 'taskTimedOut') return { error: 'States.Timeout' };
  return { error: fallback };
}
