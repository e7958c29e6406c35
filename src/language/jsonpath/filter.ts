import { isJsonObject, type Json } from '../json.js';
import type { FilterExpression, FilterOperand } from './ast.js';

/** Evaluates a path operand of a filter against a document; undefined when it matches nothing. */
export type OperandSelector = (doc: Json, root: Json) => Json | undefined;

export type FilterPredicate = (item: Json, root: Json) => boolean;

type Value = Json | undefined | RegExp;

/**
 * Compiles a filter `[?(...)]` with the comparison rules of Jayway JsonPath's evaluators: numbers
 * compare as numbers, strings as strings, mixed types are unequal (but a number equals a string that
 * reads as the same number), `!=` is the negation of `==` (so a missing field is "not equal"), `=~`
 * must match the whole string.
 */
export function compileFilter(
  expression: FilterExpression,
  compileOperandPath: (operand: Extract<FilterOperand, { kind: 'path' }>) => OperandSelector,
): FilterPredicate {
  switch (expression.kind) {
    case 'and': {
      const l = compileFilter(expression.left, compileOperandPath);
      const r = compileFilter(expression.right, compileOperandPath);
      return (item, root) => l(item, root) && r(item, root);
    }
    case 'or': {
      const l = compileFilter(expression.left, compileOperandPath);
      const r = compileFilter(expression.right, compileOperandPath);
      return (item, root) => l(item, root) || r(item, root);
    }
    case 'not': {
      const inner = compileFilter(expression.operand, compileOperandPath);
      return (item, root) => !inner(item, root);
    }
    case 'exists': {
      const operand = compileOperand(expression.operand, compileOperandPath);
      return (item, root) => {
        const v = operand(item, root);
        return v !== undefined && !(Array.isArray(v) && v.length === 0 && isIndefinite(expression.operand));
      };
    }
    case 'compare': {
      const left = compileOperand(expression.left, compileOperandPath);
      const right = compileOperand(expression.right, compileOperandPath);
      const compare = RELATIONS[expression.operator];
      return (item, root) => compare(left(item, root), right(item, root));
    }
  }
}

function isIndefinite(operand: FilterOperand): boolean {
  return operand.kind === 'path' && !operand.definite;
}

function compileOperand(
  operand: FilterOperand,
  compileOperandPath: (operand: Extract<FilterOperand, { kind: 'path' }>) => OperandSelector,
): (item: Json, root: Json) => Value {
  if (operand.kind === 'literal') {
    const value = operand.value;
    return () => value;
  }
  if (operand.kind === 'regex') {
    const pattern = operand.pattern;
    return () => pattern;
  }
  const select = compileOperandPath(operand);
  return operand.relative ? (item, root) => select(item, root) : (_item, root) => select(root, root);
}

function isJson(v: Value): v is Json {
  return v !== undefined && !(v instanceof RegExp);
}

/** Jayway's ValueNode.equals between a path result or literal and another. */
export function jaywayEquals(a: Value, b: Value): boolean {
  if (!isJson(a) || !isJson(b)) return false;
  if (typeof a === 'number') {
    if (typeof b === 'number') return a === b;
    if (typeof b === 'string') return /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(b) && Number(b) === a;
    return false;
  }
  if (typeof a === 'string') {
    if (typeof b === 'string') return a === b;
    if (typeof b === 'number') return a === String(b);
    return false;
  }
  if (typeof a === 'boolean' || a === null) return a === b;
  if (typeof b !== 'object' || b === null) return false;
  return deepEqual(a, b);
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (Array.isArray(b) || !isJsonObject(a) || !isJsonObject(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

function sameKind(a: Value, b: Value): boolean {
  const kind = (v: Value): string =>
    v === null ? 'null' : Array.isArray(v) || isJsonObject(v) ? 'json' : v instanceof RegExp ? 'regex' : typeof v;
  return kind(a) === kind(b);
}

function ordered(a: Value, b: Value, test: (c: number) => boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return test(a < b ? -1 : a > b ? 1 : 0);
  if (typeof a === 'string' && typeof b === 'string') return test(a < b ? -1 : a > b ? 1 : 0);
  return false;
}

function contains(list: Value, v: Value): boolean {
  return Array.isArray(list) && list.some((el) => jaywayEquals(v, el));
}

function regexInput(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function size(v: Value): number | undefined {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isJson(v) && isJsonObject(v)) return Object.keys(v).length;
  return undefined;
}

const RELATIONS: Record<string, (a: Value, b: Value) => boolean> = {
  '==': jaywayEquals,
  '!=': (a, b) => !jaywayEquals(a, b),
  '===': (a, b) => sameKind(a, b) && jaywayEquals(a, b),
  '!==': (a, b) => !(sameKind(a, b) && jaywayEquals(a, b)),
  '<': (a, b) => ordered(a, b, (c) => c < 0),
  '<=': (a, b) => ordered(a, b, (c) => c <= 0),
  '>': (a, b) => ordered(a, b, (c) => c > 0),
  '>=': (a, b) => ordered(a, b, (c) => c >= 0),
  '=~': (a, b) => {
    if (a instanceof RegExp === b instanceof RegExp) return false;
    return a instanceof RegExp ? a.test(regexInput(b)) : (b as RegExp).test(regexInput(a));
  },
  in: (a, b) => contains(b, a),
  nin: (a, b) => !contains(b, a),
  subsetof: (a, b) => Array.isArray(a) && Array.isArray(b) && a.every((x) => contains(b, x)),
  anyof: (a, b) => Array.isArray(a) && Array.isArray(b) && a.some((x) => contains(b, x)),
  noneof: (a, b) => Array.isArray(a) && Array.isArray(b) && !a.some((x) => contains(b, x)),
  contains: (a, b) => {
    if (typeof a === 'string' && typeof b === 'string') return a.includes(b);
    return contains(a, b);
  },
  size: (a, b) => typeof b === 'number' && size(a) === b,
  empty: (a, b) => {
    const n = typeof a === 'string' || Array.isArray(a) || (isJson(a) && isJsonObject(a)) ? size(a) : undefined;
    return typeof b === 'boolean' && n !== undefined && (n === 0) === b;
  },
};
