import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { PathToken } from './ast.js';
import { isDefiniteTokens } from './definite.js';
import { compileFilter, type FilterPredicate, type OperandSelector } from './filter.js';
import { bracketPath, javaClassName, javaToString, tokenFragment } from './jayway-text.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** Why a definite path found nothing, in Jayway's words (`No results for path: $['a']`). */
export class PathMiss {
  constructor(readonly message: string) {}
}

/** Evaluates tokens against a document; `root` is what `$` means inside filters. */
export type DocumentSelector = (doc: Json, root: Json) => Json | PathMiss;

/**
 * Compiles path tokens once into a closure. Definite paths return the one value or a PathMiss
 * carrying Jayway's text; indefinite paths always return an array of matches (AWS answers `[]`
 * rather than failing when they match nothing, even below a missing property: conformance cases
 * base/test_json_path_array_wildcard_or_slice_with_no_input_*).
 */
export function compileSelector(tokens: readonly PathToken[]): DocumentSelector {
  if (isDefiniteTokens(tokens)) return compileDefinite(tokens);
  const step = compileSteps(tokens, 0);
  return (doc, root) => {
    const out: Json[] = [];
    step(doc, out, root);
    return out;
  };
}

// ---- definite paths ------------------------------------------------------------------------

function compileDefinite(tokens: readonly PathToken[]): DocumentSelector {
  const fullPath = bracketPath(tokens);
  const noResult = new PathMiss(`No results for path: ${fullPath}`);
  if (tokens.length === 0) return (doc) => doc;

  // Fast path for the common `$.a.b.c`: names only.
  const names = plainNames(tokens);
  if (names !== undefined) {
    const last = names.length - 1;
    const walk: DocumentSelector = (doc) => {
      let cur = doc;
      for (let i = 0; i <= last; i++) {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return notAnObject(tokens, i, cur);
        const name = names[i];
        if (!hasOwn.call(cur, name)) {
          return i === last
            ? noResult
            : new PathMiss(`Missing property in path ${bracketPath(tokens.slice(0, i + 1))}`);
        }
        cur = cur[name];
      }
      return cur;
    };
    return namesSelector(names, walk) ?? walk;
  }

  return (doc) => {
    let cur = doc;
    const last = tokens.length - 1;
    for (let i = 0; i <= last; i++) {
      const token = tokens[i];
      if (token.kind === 'property') {
        if (!isJsonObject(cur)) return notAnObject(tokens, i, cur);
        if (token.names.length > 1) return mergeProperties(cur, token.names);
        const name = token.names[0];
        if (!hasOwn.call(cur, name)) {
          return i === last
            ? noResult
            : new PathMiss(`Missing property in path ${bracketPath(tokens.slice(0, i + 1))}`);
        }
        cur = cur[name];
      } else if (token.kind === 'index') {
        if (cur === null) return new PathMiss(`The path ${bracketPath(tokens.slice(0, i))} is null`);
        if (!Array.isArray(cur)) {
          return new PathMiss(
            `Filter: ${tokenFragment(token)} can only be applied to arrays. Current context is: ${javaToString(cur)}`,
          );
        }
        const index = token.indexes[0] < 0 ? cur.length + token.indexes[0] : token.indexes[0];
        // Jayway ignores an index out of bounds, so the path ends with no result.
        if (index < 0 || index >= cur.length) return noResult;
        cur = cur[index];
      } else {
        throw new Error(`unexpected token ${token.kind} in a definite path`);
      }
    }
    return cur;
  };
}

/** The names of a path made of plain property names only (`$.a.b` → a, b), else undefined. */
export function plainNames(tokens: readonly PathToken[]): string[] | undefined {
  if (!tokens.every((t) => t.kind === 'property' && t.names.length === 1)) return undefined;
  return tokens.map((t) => (t.kind === 'property' ? t.names[0] : ''));
}

/**
 * Generated code that is true when `variable`, just read as `obj[name]` from a JSON object, is the
 * object's own property: a JSON value is never undefined or a function, and all a plain object
 * inherits are functions but `__proto__` (which generated reads never use). So no own-property
 * call, which V8 does not inline; the function test only for names Object.prototype has.
 */
export function ownValueTest(variable: string, name: string): string {
  return name in Object.prototype ? `${variable} !== undefined && typeof ${variable} !== 'function'` : `${variable} !== undefined`;
}

/** Paths with more names than this walk them in a loop. */
const MAX_GENERATED_NAMES = 8;

/**
 * `$.a.b.c` as straight-line generated code with each name a literal: every property read is then
 * its own inline-cache site (monomorphic for a given input shape), where the loop's one keyed read
 * of a variable name goes megamorphic across all the paths of a machine. The text holds only JSON
 * string literals. Any miss goes to `walk`, which knows Jayway's reason.
 */
function namesSelector(names: readonly string[], walk: DocumentSelector): DocumentSelector | undefined {
  if (names.length > MAX_GENERATED_NAMES || names.includes('__proto__')) return undefined;
  const steps = names.map(
    (n) => `if (cur === null || typeof cur !== 'object' || isArray(cur)) return walk(doc, root); cur = cur[${JSON.stringify(n)}]; if (!(${ownValueTest('cur', n)})) return walk(doc, root);`,
  );
  const make = new Function('walk', 'isArray', `return function selectNames(doc, root) { let cur = doc; ${steps.join(' ')} return cur; };`) as (
    w: DocumentSelector,
    a: typeof Array.isArray,
  ) => DocumentSelector;
  return make(walk, Array.isArray);
}

function notAnObject(tokens: readonly PathToken[], i: number, model: Json): PathMiss {
  return new PathMiss(
    `Expected to find an object with property ${tokenFragment(tokens[i])} in path ${bracketPath(tokens.slice(0, i))} ` +
      `but found '${javaClassName(model)}'. This is not a json object according to the JsonProvider: ` +
      `'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.`,
  );
}

/** `$['a','b']` as the last token: a new object with those of the names the node has. */
function mergeProperties(node: JsonObject, names: readonly string[]): JsonObject {
  const merged: JsonObject = {};
  for (const name of names) {
    if (hasOwn.call(node, name)) defineOwn(merged, name, node[name]);
  }
  return merged;
}

/** Sets a key on a fresh object; `__proto__` becomes an ordinary own key, never the prototype. */
export function defineOwn(target: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * A shallow copy keeping key order, `__proto__` included as an own key. (A for-in loop into a
 * literal: V8 makes spread copies slow to extend, and ResultPath adds a key to the copy.)
 */
export function copyObject(node: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const key in node) {
    if (!hasOwn.call(node, key)) continue;
    if (key === '__proto__') defineOwn(copy, key, node[key]);
    else copy[key] = node[key];
  }
  return copy;
}

// ---- indefinite paths ----------------------------------------------------------------------

/** One token applied to a node; matches are pushed to `out`. Misses are silent (indefinite path). */
type Step = (node: Json, out: Json[], root: Json) => void;

const emit: Step = (node, out) => {
  out.push(node);
};

function compileSteps(tokens: readonly PathToken[], i: number): Step {
  if (i >= tokens.length) return emit;
  const token = tokens[i];
  const leaf = i === tokens.length - 1;
  if (token.kind === 'scan') return compileScan(tokens, i + 1);
  const next = compileSteps(tokens, i + 1);
  return applyToken(token, leaf, next);
}

function applyToken(token: PathToken, leaf: boolean, next: Step): Step {
  switch (token.kind) {
    case 'property': {
      const names = token.names;
      if (names.length === 1) {
        const name = names[0];
        return (node, out, root) => {
          if (isJsonObject(node) && hasOwn.call(node, name)) next(node[name], out, root);
        };
      }
      if (leaf) {
        return (node, out) => {
          if (isJsonObject(node)) out.push(mergeProperties(node, names));
        };
      }
      return (node, out, root) => {
        if (!isJsonObject(node)) return;
        for (const name of names) if (hasOwn.call(node, name)) next(node[name], out, root);
      };
    }
    case 'index': {
      const indexes = token.indexes;
      return (node, out, root) => {
        if (!Array.isArray(node)) return;
        for (const raw of indexes) {
          const index = raw < 0 ? node.length + raw : raw;
          if (index >= 0 && index < node.length) next(node[index], out, root);
        }
      };
    }
    case 'slice': {
      const { from, to } = token;
      return (node, out, root) => {
        if (!Array.isArray(node)) return;
        for (const index of sliceIndexes(node.length, from, to)) next(node[index], out, root);
      };
    }
    case 'wildcard':
      return (node, out, root) => {
        if (Array.isArray(node)) {
          for (const el of node) next(el, out, root);
        } else if (isJsonObject(node)) {
          for (const key of Object.keys(node)) next(node[key], out, root);
        }
      };
    case 'filter': {
      const accept = compileFilter(token.filter, compileOperandSelector);
      return (node, out, root) => {
        if (Array.isArray(node)) {
          for (const el of node) if (accept(el, root)) next(el, out, root);
        } else if (isJsonObject(node)) {
          // Jayway applies a filter on an object to the object itself.
          if (accept(node, root)) next(node, out, root);
        }
      };
    }
    case 'scan':
      throw new Error('scan is compiled by compileScan');
  }
}

/**
 * Jayway's slice: `[from:]` and `[:to]` count negatives from the end; `[from:to]` does not clamp a
 * negative `from`, so its indexes wrap (`[-2:2]` of [a,b,c,d] is c,d,a,b). A step (`[::2]`) is
 * ignored, as Jayway reads only the first two numbers.
 */
function sliceIndexes(length: number, from: number | undefined, to: number | undefined): number[] {
  const indexes: number[] = [];
  if (length === 0) return indexes;
  if (to === undefined) {
    let start = from ?? 0;
    if (start < 0) start = length + start;
    start = Math.max(0, start);
    for (let i = start; i < length; i++) indexes.push(i);
  } else if (from === undefined) {
    let end = to < 0 ? length + to : to;
    end = Math.min(length, end);
    for (let i = 0; i < end; i++) indexes.push(i);
  } else {
    const end = Math.min(length, to);
    for (let i = from; i < end; i++) {
      const index = i < 0 ? length + i : i;
      if (index >= 0 && index < length) indexes.push(index);
    }
  }
  return indexes;
}

/**
 * Recursive descent `..X`: Jayway walks the tree depth first, applying X at every object (and at
 * every array when X works on arrays) before descending into its children.
 */
function compileScan(tokens: readonly PathToken[], i: number): Step {
  const target = tokens[i];
  if (target === undefined) throw new Error('scan without a following token');
  const leaf = i === tokens.length - 1;
  const next = compileSteps(tokens, i + 1);
  const apply = applyToken(target, leaf, next);
  let matchesObject: (node: JsonObject, root: Json) => boolean;
  let appliesToArrays: boolean;
  switch (target.kind) {
    case 'property': {
      const names = target.names;
      matchesObject = (node) => names.every((n) => hasOwn.call(node, n));
      appliesToArrays = false;
      break;
    }
    case 'index':
    case 'slice':
      matchesObject = () => false;
      appliesToArrays = true;
      break;
    case 'wildcard':
      matchesObject = () => true;
      appliesToArrays = true;
      break;
    case 'filter': {
      const accept: FilterPredicate = compileFilter(target.filter, compileOperandSelector);
      matchesObject = (node, root) => accept(node, root);
      appliesToArrays = false;
      break;
    }
    default:
      throw new Error('a scan cannot follow a scan');
  }
  const walk: Step = (node, out, root) => {
    if (Array.isArray(node)) {
      if (appliesToArrays) {
        if (leaf) apply(node, out, root);
        // Jayway quirk (ScanPathToken.walkArray): below `..` a non-last array token applies the rest
        // of the path to every element, whatever the index or slice says.
        else for (const el of node) next(el, out, root);
      }
      for (const el of node) walk(el, out, root);
    } else if (isJsonObject(node)) {
      if (matchesObject(node, root)) apply(node, out, root);
      for (const key of Object.keys(node)) walk(node[key], out, root);
    }
  };
  return walk;
}

function compileOperandSelector(operand: { tokens: readonly PathToken[] }): OperandSelector {
  const select = compileSelector(operand.tokens);
  return (doc, root) => {
    const v = select(doc, root);
    return v instanceof PathMiss ? undefined : v;
  };
}
