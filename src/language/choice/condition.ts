import { isJsonObject, ownValue, type Json, type JsonObject } from '../json.js';
import {
  compileJsonataField,
  isJsonataExpression,
  jsonataExpressionText,
  queryEvaluationError,
  unexpectedResultTypeCause,
  type CompiledJsonataField,
  type JsonataEnv,
  type JsonataLimits,
} from '../jsonata/index.js';

export interface CompiledConditionChoices {
  /**
   * Index of the first rule whose `Condition` is true, or -1 (the engine then takes `Default` or
   * fails with States.NoChoiceMatched). Later conditions are not evaluated, so an undefined one
   * after the match does not fail the state. Throws StatesError(States.QueryEvaluationError).
   */
  chooseIndex(env: JsonataEnv): Promise<number>;
  /** The `Next` of the rule at an index chooseIndex answered. */
  next(index: number): string;
}

/**
 * Compiles a JSONata-language Choice state's `Choices` (`{ "Condition": "{% … %}", "Next": … }`).
 * A condition is named `Choices[i]/Condition` in causes. AWS's cause for a condition that is not a
 * boolean is not recorded; this uses its "unexpected result type" sentence with 'boolean'.
 */
export function compileConditionChoices(choices: readonly JsonObject[], limits?: Partial<JsonataLimits>): CompiledConditionChoices {
  const compiled: { field: string; condition: CompiledJsonataField; text: string; next: string }[] = choices.map((choice, i) => {
    if (!isJsonObject(choice)) throw new Error(`Choices[${i}] must be a rule object`);
    const next = ownValue(choice, 'Next');
    if (typeof next !== 'string') throw new Error(`Choices[${i}] needs a string Next`);
    const condition: Json | undefined = ownValue(choice, 'Condition');
    if (condition === undefined) throw new Error(`Choices[${i}] needs a Condition`);
    const field = `Choices[${i}]/Condition`;
    const text = isJsonataExpression(condition) ? jsonataExpressionText(condition) : JSON.stringify(condition);
    return { field, condition: compileJsonataField(condition, field, limits), text, next };
  });
  return {
    async chooseIndex(env) {
      for (let i = 0; i < compiled.length; i++) {
        const { condition, field, text } = compiled[i];
        const value = condition.isConstant ? condition.constant : await condition.evaluate(env);
        if (value === true) return i;
        if (value !== false) throw queryEvaluationError(unexpectedResultTypeCause(text, field, 'boolean', value ?? null));
      }
      return -1;
    },
    next: (index) => compiled[index].next,
  };
}
