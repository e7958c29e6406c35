import { StatesError } from '../../src/language/errors.js';
import type { Json } from '../../src/language/json.js';
import type { Scope } from '../../src/language/scope.js';

/** A scope for language tests: fixed random number and UUID so results are exact. */
export function testScope(
  input: Json,
  options: { context?: Json; variables?: Record<string, Json>; random?: number; uuid?: string } = {},
): Scope {
  const variables = options.variables ?? {};
  return {
    input,
    context: options.context ?? {},
    variable: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined),
    random: () => options.random ?? 0.5,
    uuid: () => options.uuid ?? 'ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8',
  };
}

/** The StatesError that `fn` throws (fails the test when it throws nothing or something else). */
export function statesFailure(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error('expected a StatesError');
}
