import type { CompiledState, PassState } from '../compile.js';
import type { Json } from '../../language/json.js';
import { effectiveInput, finishState, jsonPathOutput, parametersOf, placeResult } from '../io.js';
import type { Frame } from '../snapshot.js';
import { dataLimitExceeded, type Outcome, type StepContext } from '../step.js';

export function runPass(ctx: StepContext, frame: Frame, state: PassState): Outcome | Promise<Outcome> {
  const raw = frame.input;
  if (state.resultTooLarge) return dataLimitExceeded(state.name);
  if (state.queryLanguage === 'JSONata') {
    return Promise.resolve(finishState(ctx, frame, state, raw, undefined));
  }
  const effective = effectiveInput(ctx, frame, state, raw);
  const result = state.result !== undefined ? state.result : parametersOf(ctx, frame, state, effective);
  return jsonPathOutput(ctx, frame, state, raw, result);
}

/**
 * A Pass state that goes from input to output by paths alone: JSONPath, no Assign, no oversized
 * Result. Nothing in it can wait, retry or be caught (ASL gives Pass no Retry or Catch), so the
 * interpreter runs it in a straight line with `passOutput` (see advance.ts).
 */
export function isPlainPass(state: CompiledState): state is PassState {
  return state.type === 'Pass' && state.queryLanguage === 'JSONPath' && state.assignPath === undefined && !state.resultTooLarge;
}

/** The output of a plain Pass state (InputPath → Parameters or Result → ResultPath → OutputPath); throws StatesError. */
export function passOutput(ctx: StepContext, frame: Frame, state: PassState): Json {
  const raw = frame.input;
  const effective = state.inputPath === undefined ? raw : effectiveInput(ctx, frame, state, raw);
  const result = state.result !== undefined ? state.result : parametersOf(ctx, frame, state, effective);
  return placeResult(ctx, frame, state, raw, result);
}
