import { StatesError } from '../errors.js';
import type { Json } from '../json.js';
import type { Scope } from '../scope.js';
import { isDefiniteTokens } from './definite.js';
import { compileSelector, PathMiss, plainNames, type DocumentSelector } from './evaluate.js';
import { parsePath } from './parse.js';

export interface CompiledPath {
  readonly text: string;
  /** `$...` input, `$$...` context object, `$name...` workflow variable. */
  readonly root: '$' | '$$' | 'variable';
  readonly variableName?: string;
  /** False when the path has filters, wildcards, slices, unions or recursive descent. */
  readonly definite: boolean;
  /** undefined = no match; indefinite paths return an array of matches (`[]` when none). */
  select(scope: Scope): Json | undefined;
}

/** The compiled path with its miss reason kept, for the error texts of this folder. */
export class JsonPath implements CompiledPath {
  readonly root: '$' | '$$' | 'variable';
  readonly variableName?: string;
  readonly definite: boolean;
  /** For paths made of plain property names only (`$.a.b`): the names. */
  readonly names?: readonly string[];
  /** The whole evaluation, bound once to the root so the hot path is one closure call. */
  readonly evaluate: (scope: Scope) => Json | PathMiss;

  constructor(readonly text: string) {
    const parsed = parsePath(text);
    this.root = parsed.root;
    if (parsed.variableName !== undefined) this.variableName = parsed.variableName;
    this.definite = isDefiniteTokens(parsed.tokens);
    const names = plainNames(parsed.tokens);
    if (names !== undefined) this.names = names;
    const selector: DocumentSelector = compileSelector(parsed.tokens);
    if (this.root === '$') this.evaluate = (scope) => selector(scope.input, scope.input);
    else if (this.root === '$$') this.evaluate = (scope) => selector(scope.context, scope.context);
    else {
      this.evaluate = (scope) => {
        const doc = this.document(scope);
        return doc instanceof PathMiss ? doc : selector(doc, doc);
      };
    }
  }

  /** The document the path starts from, or a miss when the variable is not bound. */
  document(scope: Scope): Json | PathMiss {
    if (this.root === '$') return scope.input;
    if (this.root === '$$') return scope.context;
    const value = scope.variable(this.variableName as string);
    return value === undefined ? new PathMiss(`Variable '${this.variableName as string}' is not defined`) : value;
  }

  select(scope: Scope): Json | undefined {
    const v = this.evaluate(scope);
    return v instanceof PathMiss ? undefined : v;
  }
}

/** Compiles a JSONPath once; throws PathSyntaxError when AWS would reject it. */
export function compilePath(text: string): CompiledPath {
  return new JsonPath(text);
}

function asJsonPath(path: CompiledPath): JsonPath {
  return path instanceof JsonPath ? path : new JsonPath(path.text);
}

/**
 * InputPath / OutputPath / ItemsPath and the other `*Path` fields read through Jayway: a path that
 * matches nothing fails the state with States.Runtime and Jayway's message, e.g.
 * `Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']` and
 * `Invalid path '$.no.such.result.path' : Missing property in path $['no']`
 * (conformance cases scenarios/test_invalid_jsonpath_*, scenarios/test_catch_states_runtime).
 */
export function selectPath(path: CompiledPath, scope: Scope): Json {
  const v = asJsonPath(path).evaluate(scope);
  if (v instanceof PathMiss) throw new StatesError('States.Runtime', `Invalid path '${path.text}' : ${v.message}`);
  return v;
}
