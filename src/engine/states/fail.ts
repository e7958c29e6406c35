import type { Json } from '../../language/json.js';
import { StatesError } from '../../language/errors.js';
import type { CompiledPath } from '../../language/jsonpath/index.js';
import type { CompiledTemplate } from '../../language/template/index.js';
import type { FailState } from '../compile.js';
import { jsonataEnv, jsonPathScope, type Outcome, type StepContext } from '../step.js';
import type { Frame } from '../snapshot.js';

function fromPath(ctx: StepContext, frame: Frame, state: FailState, source: CompiledPath | CompiledTemplate, field: string): string {
  const scope = jsonPathScope(ctx, frame, state, frame.input);
  let value: Json | undefined;
  if ('select' in source) {
    value = source.select(scope);
    if (value === undefined) {
      throw new StatesError(
        'States.Runtime',
        `The JSONPath '${source.text}' specified for the field '${field}' could not be found in the input '${JSON.stringify(frame.input)}'`,
      );
    }
  } else {
    value = (source.evaluate(scope) as { [k: string]: Json })[field];
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export async function runFailJsonata(ctx: StepContext, frame: Frame, state: FailState): Promise<Outcome> {
  const env = jsonataEnv(ctx, frame, state, { input: frame.input });
  const error = state.errorExpr === undefined ? undefined : await state.errorExpr.evaluate(env);
  const cause = state.causeExpr === undefined ? undefined : await state.causeExpr.evaluate(env);
  return { kind: 'fail', error: error as string, cause: cause as string | undefined };
}

export function runFail(ctx: StepContext, frame: Frame, state: FailState): Outcome | Promise<Outcome> {
  if (state.queryLanguage === 'JSONata') return runFailJsonata(ctx, frame, state);
  const error = state.errorPath !== undefined ? fromPath(ctx, frame, state, state.errorPath, 'ErrorPath') : state.error;
  const cause = state.causePath !== undefined ? fromPath(ctx, frame, state, state.causePath, 'CausePath') : state.cause;
  return { kind: 'fail', error: error as string, cause };
}
