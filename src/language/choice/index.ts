import { isJsonObject, ownValue, type JsonObject } from '../json.js';
import type { Scope } from '../scope.js';
import { compileChoiceRule, type CompiledChoiceRule } from './rule.js';

export { compileChoiceRule, CHOICE_OPERATORS, type CompiledChoiceRule } from './rule.js';
export { compileStringMatches } from './string-matches.js';

export interface CompiledChoices {
  /**
   * The `Next` of the first rule that matches, or undefined when none does (the engine then takes
   * `Default` or fails with States.NoChoiceMatched). Rules after the first match are not evaluated,
   * so a later rule whose Variable is missing does not fail the state.
   */
  choose(scope: Scope): string | undefined;
  /** Index of the first matching rule, or -1 (the engine needs it for the rule's own Assign/Output). */
  chooseIndex(scope: Scope): number;
}

/** Compiles a JSONPath-language Choice state's `Choices` array once, for many evaluations. */
export function compileChoices(choices: readonly JsonObject[]): CompiledChoices {
  const compiled: { rule: CompiledChoiceRule; next: string }[] = choices.map((choice, i) => {
    if (!isJsonObject(choice)) throw new Error(`Choices[${i}] must be a rule object`);
    const next = ownValue(choice, 'Next');
    if (typeof next !== 'string') throw new Error(`Choices[${i}] needs a string Next`);
    return { rule: compileChoiceRule(choice), next };
  });
  const chooseIndex = (scope: Scope): number => {
    for (let i = 0; i < compiled.length; i++) if (compiled[i].rule.test(scope)) return i;
    return -1;
  };
  return {
    chooseIndex,
    choose(scope) {
      const i = chooseIndex(scope);
      return i < 0 ? undefined : compiled[i].next;
    },
  };
}
export { compileConditionChoices, type CompiledConditionChoices } from './condition.js';
