import type { PassState } from '../compile.js';
import { effectiveInput, finishState, jsonPathOutput, parametersOf } from '../io.js';
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
