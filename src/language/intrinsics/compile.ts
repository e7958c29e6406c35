import { StatesError, StatesErrors } from '../errors.js';
import type { Json } from '../json.js';
import { compilePath, type CompiledPath } from '../jsonpath/index.js';
import type { Scope } from '../scope.js';
import { array, arrayContains, arrayGetItem, arrayLength, arrayPartition, arrayRange, arrayUnique } from './array.js';
import { base64Decode, base64Encode } from './encoding.js';
import { format } from './format.js';
import { hash } from './hash.js';
import { Invocation, type IntrinsicImplementation } from './invocation.js';
import { jsonMerge, jsonToString, stringToJson } from './json.js';
import { mathAdd, mathRandom } from './math.js';
import { IntrinsicSyntaxError, parseIntrinsic, type IntrinsicArgument, type IntrinsicCall } from './parser.js';
import { stringSplit } from './string.js';
import { uuid } from './uuid.js';

const IMPLEMENTATIONS: Readonly<Record<string, IntrinsicImplementation>> = {
  'States.Format': format,
  'States.StringToJson': stringToJson,
  'States.JsonToString': jsonToString,
  'States.JsonMerge': jsonMerge,
  'States.Array': array,
  'States.ArrayPartition': arrayPartition,
  'States.ArrayContains': arrayContains,
  'States.ArrayRange': arrayRange,
  'States.ArrayGetItem': arrayGetItem,
  'States.ArrayLength': arrayLength,
  'States.ArrayUnique': arrayUnique,
  'States.Base64Encode': base64Encode,
  'States.Base64Decode': base64Decode,
  'States.Hash': hash,
  'States.MathRandom': mathRandom,
  'States.MathAdd': mathAdd,
  'States.StringSplit': stringSplit,
  'States.UUID': uuid,
};

/** An intrinsic call parsed and bound once; `evaluate` runs it against one scope. */
export interface CompiledIntrinsic {
  readonly text: string;
  /** Throws StatesError (AWS's error name and cause, without the engine's state prefix). */
  evaluate(scope: Scope): Json;
}

type Evaluator = (scope: Scope) => Json;

/** Parses and binds an intrinsic call; throws IntrinsicSyntaxError for anything AWS would refuse. */
export function compileIntrinsic(text: string): CompiledIntrinsic {
  const evaluate = compileCall(parseIntrinsic(text), text);
  return { text, evaluate };
}

function compileCall(call: IntrinsicCall, text: string): Evaluator {
  const implementation = IMPLEMENTATIONS[call.name];
  const args = call.args.map((arg) => compileArgument(arg, call, text));
  return (scope) => {
    const values = args.map((evaluate) => evaluate(scope));
    return implementation(new Invocation(call.name, values, call.args, scope));
  };
}

function compileArgument(arg: IntrinsicArgument, call: IntrinsicCall, text: string): Evaluator {
  switch (arg.kind) {
    case 'string':
    case 'number':
    case 'boolean': {
      const value = arg.value;
      return () => value;
    }
    case 'null':
      return () => null;
    case 'call':
      return compileCall(arg.call, text);
    case 'path':
      return compilePathArgument(arg.path, call, text);
  }
}

function compilePathArgument(path: string, call: IntrinsicCall, text: string): Evaluator {
  let compiled: CompiledPath;
  try {
    compiled = compilePath(path);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new IntrinsicSyntaxError(`invalid path argument '${path}' of ${call.name} (${reason})`, text, call.position);
  }
  return (scope) => {
    const value = compiled.select(scope);
    if (value === undefined) throw pathNotFound(compiled, scope);
    return value;
  };
}

/**
 * A path argument that selects nothing fails the state with States.Runtime, as any JSONPath that
 * matches nothing in a payload template does. (No recording shows AWS's exact wording for an
 * intrinsic argument; this follows its wording for template paths.)
 */
function pathNotFound(path: CompiledPath, scope: Scope): StatesError {
  const document =
    path.root === '$' ? scope.input : path.root === '$$' ? scope.context : scope.variable(path.variableName ?? '');
  return new StatesError(
    StatesErrors.Runtime,
    `The JSONPath '${path.text}' specified as an intrinsic function argument could not be found in the input '${JSON.stringify(document ?? null)}'`,
  );
}
