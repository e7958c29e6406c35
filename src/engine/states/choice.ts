import { StatesError } from '../../language/errors.js';
import type { ChoiceState } from '../compile.js';
import { effectiveInput, selectOutput } from '../io.js';
import type { Frame } from '../snapshot.js';
import { assignFromJsonata, assignFromTemplate, jsonataEnv, jsonPathScope, type Outcome, type StepContext } from '../step.js';

const noMatch = (): Outcome => ({ kind: 'fail', error: 'States.NoChoiceMatched', cause: 'No Matches!' });

export function runChoice(ctx: StepContext, frame: Frame, state: ChoiceState): Outcome | Promise<Outcome> {
  if (state.queryLanguage === 'JSONata') return runJsonataChoice(ctx, frame, state);
  const effective = effectiveInput(ctx, frame, state, frame.input);
  const scope = jsonPathScope(ctx, frame, state, effective);
  const index = state.choices === undefined ? -1 : state.choices.chooseIndex(scope);
  const next = index >= 0 ? state.ruleNext![index] : state.default;
  if (next === undefined) return noMatch();
  // A matched rule assigns with its own Assign; the state's Assign goes with Default.
  const assign = assignFromTemplate(ctx, frame, state, index >= 0 ? state.ruleAssign?.get(index) : state.assignPath, effective);
  return { kind: 'next', next, output: selectOutput(ctx, frame, state, effective), assign };
}

async function runJsonataChoice(ctx: StepContext, frame: Frame, state: ChoiceState): Promise<Outcome> {
  const env = jsonataEnv(ctx, frame, state, { input: frame.input });
  for (const rule of state.conditions ?? []) {
    const verdict = await rule.condition.evaluate(env);
    if (typeof verdict !== 'boolean') {
      throw new StatesError(
        'States.QueryEvaluationError',
        `The JSONata expression specified for the field 'Condition' returned a non-boolean value: ${JSON.stringify(verdict)}`,
      );
    }
    if (verdict) {
      // A matched rule uses its own Output and Assign; the state's go with Default.
      const output = rule.output;
      const assign = rule.assign;
      return {
        kind: 'next',
        next: rule.next,
        output: output === undefined ? frame.input : await output.evaluate(env),
        assign: await assignFromJsonata(assign, env),
      };
    }
  }
  if (state.default === undefined) return noMatch();
  return {
    kind: 'next',
    next: state.default,
    output: state.output === undefined ? frame.input : await state.output.evaluate(env),
    assign: await assignFromJsonata(state.assignJsonata, env),
  };
}
