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
  const entries: { key: string; evaluate: Evaluator | undefined; value: Json }[] = [];
  let dynamic = false;
  for (const key of keys) {
    const value = node[key];
    if (key.endsWith('.$')) {
      entries.push({ key: key.slice(0, -2), evaluate: compileDollarValue(key, value), value });
      dynamic = true;
    } else {
      const evaluate = compileNode(value, field);
      if (evaluate) dynamic = true;
      entries.push({ key, evaluate, value });
    }
  }
  if (!dynamic) return undefined;
  return (scope) => {
    const out: JsonObject = {};
    for (const entry of entries) defineOwn(out, entry.key, entry.evaluate ? entry.evaluate(scope) : entry.value);
    return out;
  };
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
