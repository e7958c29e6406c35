import type { Json } from '../../language/json.js';
import type { ParallelState } from '../compile.js';
import { abortSiblings, spawnFrame, takeRedrive, wake } from '../frames.js';
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
  const carried = takeRedrive(frame, n);
  const done = carried?.done ?? new Array<boolean>(n).fill(false);
  const toRun = state.branches.map((_, i) => i).filter((i) => !done[i]);
  frame.children = {
    total: n,
    nextIndex: n,
    running: toRun.length,
    failedCount: 0,
    results: carried?.results ?? new Array<Json>(n).fill(null),
    done,
    maxConcurrency: 0,
    toleratedFailureCount: 0,
    toleratedFailurePercentage: 0,
    lastIterationEventId: 0,
    stateInput: frame.input,
  };
  frame.wait = { kind: 'children' };
  for (const i of toRun) ctx.ready.push(spawnFrame(ctx, frame, state.branches[i], i, input));
  if (toRun.length === 0) wake(ctx, frame, { kind: 'childrenDone' });
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
  progress.done[child.index] = true;
  if (--progress.running === 0) wake(ctx, parent, { kind: 'childrenDone' });
}

export function resumeParallel(ctx: StepContext, frame: Frame, state: ParallelState): Outcome | Promise<Outcome> {
  const resume = frame.resume!;
  const progress = frame.children!;
  // A failed Parallel keeps its progress: a redrive runs only the branches that did not succeed.
  if (resume.kind === 'childFailed') return { kind: 'fail', error: resume.error, cause: resume.cause };
  frame.children = undefined;
  // As with Map, AWS links ParallelStateExited to the event before ParallelStateSucceeded.
  ctx.history.emit(frame, 'ParallelStateSucceeded', undefined, undefined, false);
  return Promise.resolve(finishState(ctx, frame, state, frame.input, progress.results));
}
