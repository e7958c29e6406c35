import type { Json } from './json.js';

/**
 * Everything an expression (path, payload template, intrinsic, Choice rule, JSONata) may read.
 * The engine builds one per evaluation; the language layer never reads the clock or makes ids itself.
 */
export interface Scope {
  /** `$` in JSONPath; `$states.input` in JSONata. */
  readonly input: Json;
  /** `$$` in JSONPath; `$states.context` in JSONata. */
  readonly context: Json;
  /** Workflow variables visible here (`$name`); undefined when the name is not bound. */
  readonly variable: (name: string) => Json | undefined;
  /** Uniform random number in [0, 1): injected so runs can be replayed. */
  readonly random: () => number;
  /** A fresh v4 UUID: injected for the same reason. */
  readonly uuid: () => string;
}
