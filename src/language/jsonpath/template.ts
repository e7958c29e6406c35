import { StatesError } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { compileIntrinsic, isIntrinsicCall } from '../intrinsics/index.js';
import type { Scope } from '../scope.js';
import { causeJson } from './cause-json.js';
import { defineOwn, PathMiss } from './evaluate.js';
import { JsonPath } from './path.js';
import { PathSyntaxError } from './path-syntax-error.js';

export interface CompiledTemplate {
  /** Throws StatesError with AWS's error and cause when a path matches nothing or an intrinsic fails. */
  evaluate(scope: Scope): Json;
}

type Evaluator = (scope: Scope) => Json;

/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, Assign, Credentials …): keys ending in
 * `.$` take a path (`$` input, `$$` context, `$name` variable) or an intrinsic call, in nested objects
 * and arrays. Static parts are shared, not copied (payloads are immutable). `field` names the template
 * for error texts.
 */
export function compileTemplate(template: Json, field: string): CompiledTemplate {
  const evaluate = compileNode(template, field);
  return { evaluate: evaluate ?? (() => template) };
}

/** Returns undefined when the node has nothing to evaluate (it is its own value). */
function compileNode(node: Json, field: string): Evaluator | undefined {
  if (Array.isArray(node)) {
    const items = node.map((item) => compileNode(item, field));
    if (items.every((e) => e === undefined)) return undefined;
    const evaluators = items.map((e, i): Evaluator => e ?? (() => node[i]));
    return (scope) => evaluators.map((e) => e(scope));
  }
  if (!isJsonObject(node)) return undefined;
  const keys = Object.keys(node);
  const entries: Entry[] = [];
  let dynamic = false;
  for (const key of keys) {
    const value = node[key];
    if (key.endsWith('.$')) {
      entries.push({ key: key.slice(0, -2), evaluate: compileDollarValue(key, value), value, inputName: inputPropertyName(value) });
      dynamic = true;
    } else {
      const evaluate = compileNode(value, field);
      if (evaluate) dynamic = true;
      entries.push({ key, evaluate, value });
    }
  }
  if (!dynamic) return undefined;
  return objectLiteralEvaluator(entries) ?? ((scope) => {
    const out: JsonObject = {};
    for (const entry of entries) defineOwn(out, entry.key, entry.evaluate ? entry.evaluate(scope) : entry.value);
    return out;
  });
}

interface Entry {
  readonly key: string;
  readonly evaluate: Evaluator | undefined;
  readonly value: Json;
  /** Set when the value is `$.name`: the generated code reads it inline. */
  readonly inputName?: string;
}

/** Templates with more keys than this build their objects key by key. */
const MAX_LITERAL_KEYS = 64;

/** `name` for a path `$.name` (one plain property of the input), else undefined. */
function inputPropertyName(value: Json): string | undefined {
  if (typeof value !== 'string' || isIntrinsicCall(value)) return undefined;
  try {
    const path = new JsonPath(value);
    return path.root === '$' && path.names?.length === 1 && path.names[0] !== '__proto__' ? path.names[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A template's object built by one generated object literal: V8 then allocates it at its final
 * shape, where setting keys one by one from a loop goes through a megamorphic keyed store per key
 * (most of a Pass state's cost). The generated text holds only the keys, each a JSON string
 * literal, and parameter names; values come in as arguments. `__proto__` would set the prototype
 * in a literal, so such templates keep the loop.
 */
function objectLiteralEvaluator(entries: readonly Entry[]): Evaluator | undefined {
  if (entries.length > MAX_LITERAL_KEYS || entries.some((e) => e.key === '__proto__')) return undefined;
  const params = entries.map((_, i) => `v${i}`);
  const members = entries.map((e, i) => {
    const value = e.evaluate === undefined ? `v${i}` : `v${i}(scope)`;
    if (e.inputName === undefined) return `${JSON.stringify(e.key)}: ${value}`;
    // `$.name` read in place when the input has it; otherwise the evaluator decides, failing with
    // AWS's text. A JSON value is never undefined or a function, and all a plain object inherits
    // are functions but `__proto__` (never inlined): so a defined value is the input's own (a
    // non-function one, for names Object.prototype has), with no own-property call (which V8
    // does not inline).
    const name = e.inputName;
    const own = name in Object.prototype ? '(v = input[N]) !== undefined && typeof v !== "function"' : '(v = input[N]) !== undefined';
    return `${JSON.stringify(e.key)}: isObject && ${own.replace('N', JSON.stringify(name))} ? v : ${value}`;
  });
  const body =
    'const input = scope.input; const isObject = input !== null && typeof input === "object" && !isArray(input); let v; ' +
    `return { ${members.join(', ')} };`;
  const make = new Function('isArray', ...params, `return function evaluateTemplate(scope) { ${body} };`) as (...args: unknown[]) => Evaluator;
  return make(Array.isArray, ...entries.map((e) => e.evaluate ?? e.value));
}

function compileDollarValue(key: string, value: Json): Evaluator {
  const invalid = (): PathSyntaxError =>
    new PathSyntaxError(`The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`);
  if (typeof value !== 'string') throw invalid();
  if (isIntrinsicCall(value)) {
    const intrinsic = compileIntrinsic(value);
    return (scope) => intrinsic.evaluate(scope);
  }
  let path: JsonPath;
  try {
    path = new JsonPath(value);
  } catch (e) {
    if (e instanceof PathSyntaxError) throw invalid();
    throw e;
  }
  return (scope) => {
    const v = path.evaluate(scope);
    if (v instanceof PathMiss) throw pathNotFound(path, scope, key);
    return v;
  };
}

function pathNotFound(path: JsonPath, scope: Scope, field: string): StatesError {
  const doc = path.document(scope);
  const shown = doc instanceof PathMiss ? scope.input : doc;
  return new StatesError(
    'States.Runtime',
    `The JSONPath '${path.text}' specified for the field '${field}' could not be found in the input '${causeJson(shown)}'`,
  );
}

/**
 * A `*Path` field read for a value that must exist (Fail ErrorPath/CausePath): AWS says
 * `The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '...'`
 * (conformance case scenarios/test_invalid_jsonpath_INVALID_JSONPATH_IN_ERRORPATH).
 */
export function selectFieldPath(path: { readonly text: string }, scope: Scope, field: string): Json {
  const compiled = path instanceof JsonPath ? path : new JsonPath(path.text);
  const v = compiled.evaluate(scope);
  if (v instanceof PathMiss) throw pathNotFound(compiled, scope, field);
  return v;
}
