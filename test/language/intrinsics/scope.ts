import { compileIntrinsic } from '../../../src/language/intrinsics/index.js';
import type { Json } from '../../../src/language/json.js';
import type { Scope } from '../../../src/language/scope.js';

/** A scope for tests: fixed random number and UUID so results are exact. */
export function testScope(
  input: Json,
  options: { context?: Json; variables?: Record<string, Json>; random?: number } = {},
): Scope {
  const variables = options.variables ?? {};
  return {
    input,
    context: options.context ?? {},
    variable: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined),
    random: () => options.random ?? 0.5,
    uuid: () => 'ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8',
  };
}

/** Compiles and evaluates an intrinsic against `input` (and optional context/variables). */
export function run(text: string, input: Json = {}, options: Parameters<typeof testScope>[1] = {}): Json {
  return compileIntrinsic(text).evaluate(testScope(input, options));
}
