import type { Json } from '../../language/json.js';
import type { ParallelState } from '../compile.js';
import { abortSiblings, spawnFrame, wake } from '../frames.js';
import { argumentsOf, effectiveInput, finishState, parametersOf } from '../io.js';
import type { Frame } from '../snapshot.js';
import type { Outcome, StepContext } from '../step.js';

export function runParallel(ctx: StepContext, frame: Frame, state: ParallelState): Outcome | Promise<Outcome> {
  if (state.queryLanguage === 'JSONata') return argumentsOf(ctx, frame, state, frame.input).then((input) => start(ctx, frame, state, input));
  return start(ctx, frame, state, parametersOf(ctx, frame, state, effectiveInput(ctx, frame, state, frame.input)));
}

function start(ctx: StepContext, frame: Frame, state: ParallelState, input: Json): Outcome {
  ctx.history.emit(frame, 'ParallelStateStarted');
  const n = state.branches.length;
  frame.children = {
    total: n,
    nextIndex: n,
    running: n,
    failedCount: 0,
    results: new Array<Json>(n).fill(null),
    maxConcurrency: 0,
    toleratedFailureCount: 0,
    toleratedFailurePercentage: 0,
    lastIterationEventId: 0,
    stateInput: frame.input,
  };
  frame.wait = { kind: 'children' };
  state.branches.forEach((scope, i) => ctx.ready.push(spawnFrame(ctx, frame, scope, i, input)));
  return { kind: 'wait' };
}

export function parallelChildFinished(ctx: StepContext, parent: Frame, child: Frame): void {
  const progress = parent.children!;
  parent.prevId = Math.max(parent.prevId, child.prevId);
  const result = child.result!;
  if (!result.ok) {
    abortSiblings(ctx, parent, child);
    wake(ctx, parent, { kind: 'childFailed', error: result.error, cause: result.cause });
    return;
  }
  progress.results[child.index] = result.output;
  if (--progress.running === 0) wake(ctx, parent, { kind: 'childrenDone' });
}

export function resumeParallel(ctx: StepContext, frame: Frame, state: ParallelState): Outcome | Promise<Outcome> {
  const resume = frame.resume!;
  const progress = frame.children!;
  frame.children = undefined;
  if (resume.kind === 'childFailed') return { kind: 'fail', error: resume.error, cause: resume.cause };
  // As with Map, AWS links ParallelStateExited to the event before ParallelStateSucceeded.
  ctx.history.emit(frame, 'ParallelStateSucceeded', undefined, undefined, false);
  return Promise.resolve(finishState(ctx, frame, state, frame.input, progress.results)).then((o) => ({ kind: 'next', ...o }));
}
