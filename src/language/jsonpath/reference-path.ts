import { StatesError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import type { PathToken } from './ast.js';
import { causeJson } from './cause-json.js';
import { copyObject, defineOwn } from './evaluate.js';
import { parsePath } from './parse.js';
import { PathSyntaxError } from './path-syntax-error.js';

/** A single step of a reference path: an object key or an array index. */
export type ReferenceStep =
  { readonly kind: 'key'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

export interface CompiledReferencePath {
  readonly text: string;
  /** Empty for `$` (the result replaces the whole input). */
  readonly steps: readonly ReferenceStep[];
}

/**
 * ResultPath: a reference path into `$` that names one node (names and indexes only, no `$$`, no
 * variables, no `*`, `..`, filters, slices or unions), as the ASL spec's "Reference Paths" requires.
 */
export function compileReferencePath(text: string): CompiledReferencePath {
  const parsed = parsePath(text);
  if (parsed.root !== '$') {
    throw new PathSyntaxError(
      `Invalid reference path '${text}': a ResultPath must start with '$' (not '$$' or a variable)`,
    );
  }
  const steps = parsed.tokens.map((token) => referenceStep(token, text));
  return { text, steps };
}

function referenceStep(token: PathToken, text: string): ReferenceStep {
  if (token.kind === 'property' && token.names.length === 1) return { kind: 'key', name: token.names[0] };
  if (token.kind === 'index' && token.indexes.length === 1 && token.indexes[0] >= 0) {
    return { kind: 'index', index: token.indexes[0] };
  }
  throw new PathSyntaxError(`Invalid reference path '${text}': a reference path must identify a single node`);
}

/** The error AWS raises when ResultPath cannot be applied (the ASL spec's name is States.ResultPathMatchFailure). */
export const REFERENCE_PATH_CONFLICT = 'States.ReferencePathConflict';

/**
 * Applies ResultPath: null keeps the input, `$` returns the result, otherwise the result is set at the
 * path in a copy of the input, creating missing objects along the way. Only the objects and arrays on
 * the path are copied (the input is never mutated). When a step meets a value it cannot step into
 * (a string, an array for a name, an object for an index), AWS fails with States.ReferencePathConflict
 * and `Unable to apply step "<name>" to input <json>`.
 */
export function applyResultPath(input: Json, result: Json, path: CompiledReferencePath | null): Json {
  if (path === null) return input;
  const steps = path.steps;
  if (steps.length === 0) return result;
  return setAt(input, steps, 0, result);
}

function setAt(node: Json, steps: readonly ReferenceStep[], i: number, result: Json): Json {
  const step = steps[i];
  const last = i === steps.length - 1;
  if (step.kind === 'key') {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw conflict(step, node);
    const has = Object.prototype.hasOwnProperty.call(node, step.name);
    const value = last ? result : setAt(has ? node[step.name] : {}, steps, i + 1, result);
    const copy: JsonObject = copyObject(node);
    defineOwn(copy, step.name, value);
    return copy;
  }
  if (!Array.isArray(node) || step.index >= node.length) throw conflict(step, node);
  const copy = node.slice();
  copy[step.index] = last ? result : setAt(node[step.index], steps, i + 1, result);
  return copy;
}

function conflict(step: ReferenceStep, node: Json): StatesError {
  const name = step.kind === 'key' ? step.name : String(step.index);
  return new StatesError(REFERENCE_PATH_CONFLICT, `Unable to apply step "${name}" to input ${causeJson(node)}`);
}
