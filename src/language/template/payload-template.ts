import { StatesError } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { compileIntrinsic, isIntrinsicCall } from '../intrinsics/index.js';
import type { Scope } from '../scope.js';
import { causeJson } from '../jsonpath/cause-json.js';
import { defineOwn, ownValueTest, PathMiss } from '../jsonpath/evaluate.js';
import { JsonPath } from '../jsonpath/path.js';
import { PathSyntaxError } from '../jsonpath/path-syntax-error.js';

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
      const compiled = compileDollarValue(key, value);
      entries.push({ key: key.slice(0, -2), evaluate: compiled.evaluate, value, inputName: compiled.inputName });
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
    // AWS's text.
    return `${JSON.stringify(e.key)}: isObject && ((v = input[${JSON.stringify(e.inputName)}]), ${ownValueTest('v', e.inputName)}) ? v : ${value}`;
  });
  const body =
    'const input = scope.input; const isObject = input !== null && typeof input === "object" && !isArray(input); let v; ' +
    `return { ${members.join(', ')} };`;
  const make = new Function('isArray', ...params, `return function evaluateTemplate(scope) { ${body} };`) as (...args: unknown[]) => Evaluator;
  return make(Array.isArray, ...entries.map((e) => e.evaluate ?? e.value));
}

/** A `.$` value compiled; `inputName` is set for `$.name` (one plain property of the input). */
function compileDollarValue(key: string, value: Json): { evaluate: Evaluator; inputName?: string } {
  const invalid = (): PathSyntaxError =>
    new PathSyntaxError(`The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`);
  if (typeof value !== 'string') throw invalid();
  if (isIntrinsicCall(value)) {
    const intrinsic = compileIntrinsic(value);
    return { evaluate: (scope) => intrinsic.evaluate(scope) };
  }
  let path: JsonPath;
  try {
    path = new JsonPath(value);
  } catch (e) {
    if (e instanceof PathSyntaxError) throw invalid();
    throw e;
  }
  const evaluate: Evaluator = (scope) => {
    const v = path.evaluate(scope);
    if (v instanceof PathMiss) throw pathNotFound(path, scope, key);
    return v;
  };
  const names = path.root === '$' ? path.names : undefined;
  return names?.length === 1 && names[0] !== '__proto__' ? { evaluate, inputName: names[0] } : { evaluate };
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
