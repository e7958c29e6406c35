import type { SucceedState } from '../compile.js';
import { effectiveInput, jsonataOutput, selectOutput } from '../io.js';
import type { Frame } from '../snapshot.js';
import type { Outcome, StepContext } from '../step.js';

export function runSucceed(ctx: StepContext, frame: Frame, state: SucceedState): Outcome | Promise<Outcome> {
  if (state.queryLanguage === 'JSONata') {
    return jsonataOutput(ctx, frame, state, frame.input, undefined);
  }
  return { kind: 'next', output: selectOutput(ctx, frame, state, effectiveInput(ctx, frame, state, frame.input)) };
}
