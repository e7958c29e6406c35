import { compileIntrinsic } from '../../../src/language/intrinsics/index.js';
import type { Json } from '../../../src/language/json.js';
import { testScope } from '../fixtures.js';

export { testScope };

/** Compiles and evaluates an intrinsic against `input` (and optional context/variables). */
export function run(text: string, input: Json = {}, options: Parameters<typeof testScope>[1] = {}): Json {
  return compileIntrinsic(text).evaluate(testScope(input, options));
}
