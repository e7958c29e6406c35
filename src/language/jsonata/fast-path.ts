import type { Json } from '../json.js';

/**
 * A fast evaluator for the simplest, most common JSONata expressions (`$states.input.a.b`,
 * `$x + 1`, `{"k": $v}`, `$merge([...])`), run over the official parser's AST. It never decides
 * anything the official evaluator might decide differently: whenever a value is not the plain case
 * (an array in a path, undefined, a non-number in arithmetic, a non-finite result …) it answers
 * BAIL and the expression is evaluated by the `jsonata` package as usual. A differential test checks
 * it against that package.
 */
export const BAIL: unique symbol = Symbol('bail');
export type FastResult = Json | typeof BAIL;
/** Reads a bound variable (`states`, workflow variables); undefined when unbound. */
export type VariableLookup = (name: string) => unknown;
export type FastEvaluator = (lookup: VariableLookup) => FastResult;

type Node = { readonly type?: unknown; readonly value?: unknown; readonly [key: string]: unknown };

const hasOwn = Object.prototype.hasOwnProperty;

function onlyKeys(node: Node, allowed: readonly string[]): boolean {
  for (const key of Object.keys(node)) if (!allowed.includes(key)) return false;
  return true;
}

const isPlainObject = (v: unknown): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON-safe: arrays and objects are checked one level deep by the callers that build them. */
function fromValue(v: unknown): FastResult {
  if (v === undefined || Array.isArray(v) || typeof v === 'function') return BAIL;
  if (typeof v === 'number' && !Number.isFinite(v)) return BAIL;
  return v as Json;
}

/**
 * Deeper expressions go to the official evaluator, which enforces AWS's depth limit (100): the
 * fast path stays well inside it.
 */
const MAX_FAST_DEPTH = 32;

function depthOf(node: unknown, limit: number): number {
  if (typeof node !== 'object' || node === null) return 0;
  if (limit <= 0) return Infinity;
  let max = 0;
  for (const child of Array.isArray(node) ? node : Object.values(node)) max = Math.max(max, depthOf(child, limit - 1));
  return max + 1;
}

/** Compiles an expression's AST, or returns undefined when it is outside the fast subset. */
export function compileFastPath(ast: unknown): FastEvaluator | undefined {
  // Each AST level is at most two object levels (nodes and their argument lists).
  if (depthOf(ast, 2 * MAX_FAST_DEPTH) > 2 * MAX_FAST_DEPTH) return undefined;
  return compileNode(ast);
}

function compileNode(node: unknown): FastEvaluator | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const n = node as Node;
  switch (n.type) {
    case 'number':
    case 'string':
    case 'value': {
      if (!onlyKeys(n, ['type', 'value', 'position'])) return undefined;
      const v = n.value as Json;
      return () => v;
    }
    case 'variable': {
      if (!onlyKeys(n, ['type', 'value', 'position']) || typeof n.value !== 'string' || n.value === '') return undefined;
      const name = n.value;
      return (lookup) => fromValue(lookup(name));
    }
    case 'path':
      return compilePath(n);
    case 'binary':
      return compileBinary(n);
    case 'unary':
      return compileUnary(n);
    case 'function':
      return compileMerge(n);
    default:
      return undefined;
  }
}

function compilePath(n: Node): FastEvaluator | undefined {
  if (!onlyKeys(n, ['type', 'steps'])) return undefined;
  const steps = n.steps as Node[];
  if (!Array.isArray(steps) || steps.length < 2) return undefined;
  const [first, ...rest] = steps;
  if (first.type !== 'variable' || typeof first.value !== 'string' || first.value === '' || !onlyKeys(first, ['type', 'value', 'position'])) {
    return undefined;
  }
  const names: string[] = [];
  for (const step of rest) {
    if (step.type !== 'name' || typeof step.value !== 'string' || !onlyKeys(step, ['type', 'value', 'position'])) return undefined;
    names.push(step.value);
  }
  const root = first.value;
  return (lookup) => {
    let v = lookup(root);
    for (const name of names) {
      // Arrays map over their items in JSONata: leave them to the real evaluator.
      if (!isPlainObject(v) || !hasOwn.call(v, name)) return BAIL;
      v = v[name];
    }
    return fromValue(v);
  };
}

function compileBinary(n: Node): FastEvaluator | undefined {
  if (!onlyKeys(n, ['type', 'value', 'position', 'lhs', 'rhs'])) return undefined;
  const lhs = compileNode(n.lhs);
  const rhs = compileNode(n.rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  const op = n.value;
  const numeric = (f: (a: number, b: number) => number): FastEvaluator => (lookup) => {
    const a = lhs(lookup);
    const b = rhs(lookup);
    if (typeof a !== 'number' || typeof b !== 'number') return BAIL;
    const r = f(a, b);
    return Number.isFinite(r) ? r : BAIL;
  };
  const compare = (f: (a: number | string, b: number | string) => boolean): FastEvaluator => (lookup) => {
    const a = lhs(lookup);
    const b = rhs(lookup);
    if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return BAIL;
    return f(a, b);
  };
  switch (op) {
    case '+':
      return numeric((a, b) => a + b);
    case '-':
      return numeric((a, b) => a - b);
    case '*':
      return numeric((a, b) => a * b);
    case '/':
      return numeric((a, b) => a / b);
    case '%':
      return numeric((a, b) => a % b);
    case '<':
      return compare((a, b) => a < b);
    case '<=':
      return compare((a, b) => a <= b);
    case '>':
      return compare((a, b) => a > b);
    case '>=':
      return compare((a, b) => a >= b);
    case '=':
      return compare((a, b) => a === b);
    case '!=':
      return compare((a, b) => a !== b);
    case '&':
      return (lookup) => {
        const a = lhs(lookup);
        const b = rhs(lookup);
        return typeof a === 'string' && typeof b === 'string' ? a + b : BAIL;
      };
    case 'and':
    case 'or':
      return (lookup) => {
        const a = lhs(lookup);
        const b = rhs(lookup);
        if (typeof a !== 'boolean' || typeof b !== 'boolean') return BAIL;
        return op === 'and' ? a && b : a || b;
      };
    default:
      return undefined;
  }
}

function compileUnary(n: Node): FastEvaluator | undefined {
  if (n.value === '-') {
    if (!onlyKeys(n, ['type', 'value', 'position', 'expression'])) return undefined;
    const e = compileNode(n.expression);
    if (e === undefined) return undefined;
    return (lookup) => {
      const v = e(lookup);
      return typeof v === 'number' ? -v : BAIL;
    };
  }
  if (n.value === '{') {
    if (!onlyKeys(n, ['type', 'value', 'position', 'lhs']) || !Array.isArray(n.lhs)) return undefined;
    const entries: [string, FastEvaluator][] = [];
    const seen = new Set<string>();
    for (const pair of n.lhs as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) return undefined;
      const key = pair[0] as Node;
      if (key.type !== 'string' || typeof key.value !== 'string' || seen.has(key.value)) return undefined;
      seen.add(key.value);
      const value = compileNode(pair[1]);
      if (value === undefined) return undefined;
      entries.push([key.value, value]);
    }
    return (lookup) => {
      const out: { [k: string]: Json } = {};
      for (const [key, value] of entries) {
        const v = value(lookup);
        if (v === BAIL) return BAIL;
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    };
  }
  if (n.value === '[') {
    if (!onlyKeys(n, ['type', 'value', 'position', 'expressions']) || !Array.isArray(n.expressions)) return undefined;
    const items = (n.expressions as unknown[]).map(compileNode);
    if (items.some((i) => i === undefined)) return undefined;
    const evaluators = items as FastEvaluator[];
    return (lookup) => {
      const out: Json[] = [];
      for (const e of evaluators) {
        const v = e(lookup);
        if (v === BAIL) return BAIL;
        out.push(v);
      }
      return out;
    };
  }
  return undefined;
}

/** `$merge([o1, o2, …])` over plain objects, when no workflow variable named `merge` shadows it. */
function compileMerge(n: Node): FastEvaluator | undefined {
  // The parser leaves `name: undefined` on function nodes.
  if (!onlyKeys(n, ['type', 'name', 'value', 'position', 'arguments', 'procedure']) || n.name !== undefined) return undefined;
  const procedure = n.procedure as Node;
  const args = n.arguments as unknown[];
  if (procedure?.type !== 'variable' || procedure.value !== 'merge' || !onlyKeys(procedure, ['type', 'value', 'position'])) return undefined;
  if (!Array.isArray(args) || args.length !== 1) return undefined;
  const list = args[0] as Node;
  if (list.type !== 'unary' || list.value !== '[') return undefined;
  const items = compileUnary(list);
  if (items === undefined) return undefined;
  return (lookup) => {
    if (lookup('merge') !== undefined) return BAIL;
    const objects = items(lookup);
    if (objects === BAIL || !Array.isArray(objects) || objects.length === 0) return BAIL;
    const out: { [k: string]: Json } = {};
    for (const o of objects) {
      if (!isPlainObject(o)) return BAIL;
      for (const key of Object.keys(o)) Object.defineProperty(out, key, { value: o[key], enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
}
