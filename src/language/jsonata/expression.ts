import jsonata from 'jsonata';
import type { Json, JsonObject } from '../json.js';
import { StatesError } from '../errors.js';
import { evaluationErrorCause, queryEvaluationError, unsupportedResultCause } from './causes.js';
import { BAIL, compileFastPath } from './fast-path.js';
import { AWS_FUNCTIONS, SERVICES_BINDING } from './functions.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** A `{% … %}` expression that does not parse. The validator turns it into a diagnostic. */
export class JsonataSyntaxError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly position: number | undefined,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'JsonataSyntaxError';
  }
}

/**
 * Whether a value is a JSONata expression: a string that starts with `{%` and ends with `%}`, with
 * nothing before or after (AWS: "no leading spaces … no trailing spaces"; " {% 1 %}" is a plain
 * string). The text between the delimiters is trimmed, as AWS's causes show (`'{% $x %}'` is
 * reported as `'$x'`).
 */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The expression text inside `{% %}`, trimmed. */
export function jsonataExpressionText(value: string): string {
  return value.slice(2, -2).trim();
}

/** `$states` as AWS binds it. `result` exists after a Task/Map/Parallel; `errorOutput` in a Catch. */
export interface StatesBinding {
  input: Json;
  context: Json;
  result?: Json;
  errorOutput?: Json;
}

export interface JsonataEnv {
  states: StatesBinding;
  /** Workflow variables in scope, bound as `$name`. */
  variables: Readonly<Record<string, Json>>;
  /** `$random()` without a seed. */
  random: () => number;
  /** `$uuid()`. */
  uuid: () => string;
  /** Epoch milliseconds for `$now()` / `$millis()`; without it they read the machine clock. */
  now?: () => number;
}

export interface JsonataLimits {
  /** Wall-clock bound of one evaluation (AWS's JSONata library defaults to 5 s). */
  readonly timeoutMs: number;
  /** Nesting bound of one evaluation: AWS accepts depth 100 and refuses 101. */
  readonly maxDepth: number;
}

export const DEFAULT_JSONATA_LIMITS: JsonataLimits = { timeoutMs: 5000, maxDepth: 100 };

export interface CompileJsonataOptions {
  /** The field the expression sits in, as AWS names it in causes (`Output/result`, `Items`). */
  readonly field?: string;
  readonly limits?: Partial<JsonataLimits>;
}

export interface CompiledJsonata {
  readonly text: string;
  /** The value, or undefined when the expression returns nothing. Throws StatesError(States.QueryEvaluationError). */
  evaluate(env: JsonataEnv): Promise<Json | undefined>;
}

interface JsonataErrorShape {
  code?: unknown;
  message?: unknown;
  value?: unknown;
}

/** Names every `$variable` an expression reads, so an evaluation binds only those. */
function referencedVariables(ast: unknown): string[] {
  const names = new Set<string>();
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.type === 'variable' && typeof record.value === 'string' && record.value !== '') names.add(record.value);
    for (const key of Object.keys(record)) walk(record[key]);
  };
  walk(ast);
  return [...names];
}

function usesKeepArray(ast: unknown): boolean {
  const seen = new Set<object>();
  const walk = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return false;
    seen.add(node);
    if (Array.isArray(node)) return node.some(walk);
    const record = node as Record<string, unknown>;
    return record.keepSingletonArray === true || Object.keys(record).some((key) => walk(record[key]));
  };
  return walk(ast);
}

/**
 * jsonata marks the array a `path[]` step answers with `keepSingleton`, and when that array is a
 * value from the payload it marks the payload itself. The flag only means something on jsonata's
 * own sequences, so it is removed from any other array as soon as the step returns: payloads stay
 * untouched. Installed only for expressions that use `[]`, since the hook runs on every node.
 */
function unmarkPayloadArray(_expr: unknown, _input: unknown, _environment: unknown, result: unknown): void {
  if (Array.isArray(result) && (result as { sequence?: unknown }).sequence !== true && Object.prototype.hasOwnProperty.call(result, 'keepSingleton')) {
    delete (result as { keepSingleton?: unknown }).keepSingleton;
  }
}

const UNSUPPORTED = Symbol('unsupported result');

/**
 * Turns a JSONata result into a JSON value, copying only when needed (a jsonata sequence is an
 * array with extra flags). A function anywhere makes the result unsupported, as on AWS. JSON has
 * no non-finite numbers: AWS writes them as the strings JavaScript names them by ("NaN", "Infinity").
 */
function toJson(value: unknown): Json | undefined | typeof UNSUPPORTED {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'function':
      return UNSUPPORTED;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        let copy: Json[] | undefined = 'sequence' in value || 'keepSingleton' in value || 'outerWrapper' in value ? [] : undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const json = toJson(item);
          if (json === UNSUPPORTED) return UNSUPPORTED;
          const element = json === undefined ? null : json;
          if (copy === undefined && element !== item) copy = value.slice(0, i) as Json[];
          if (copy !== undefined) copy.push(element);
        }
        return copy ?? (value as Json[]);
      }
      const record = value as Record<string, unknown>;
      if ('_jsonata_function' in record || '_jsonata_lambda' in record) return UNSUPPORTED;
      let copy: JsonObject | undefined;
      const keys = Object.keys(record);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const item = record[key];
        const json = toJson(item);
        if (json === UNSUPPORTED) return UNSUPPORTED;
        if (copy === undefined && json !== item) {
          copy = {};
          for (let j = 0; j < i; j++) copy[keys[j]] = record[keys[j]] as Json;
        }
        if (copy !== undefined && json !== undefined) copy[key] = json;
      }
      return copy ?? (record as JsonObject);
    }
    default:
      return UNSUPPORTED;
  }
}

/**
 * The detail AWS's JSONata library gives for a failure: `CODE: message`. The time and depth bounds
 * use the texts of the jsonata-java library AWS runs ("Stack overflow error: … Depth=101 max=100").
 */
function errorDetail(error: unknown, limits: JsonataLimits): string {
  if (error instanceof RangeError) {
    return `Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive. Depth=${limits.maxDepth + 1} max=${limits.maxDepth}`;
  }
  if (typeof error === 'object' && error !== null) {
    const e = error as JsonataErrorShape;
    if (e.code === 'D1011') {
      return `Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive. Depth=${limits.maxDepth + 1} max=${limits.maxDepth}`;
    }
    if (e.code === 'D1012') return 'Expression evaluation timeout: Check for infinite loop';
    const message = typeof e.message === 'string' ? e.message : String(error);
    return typeof e.code === 'string' ? `${e.code}: ${message}` : message;
  }
  return String(error);
}

/**
 * Compiles the text between `{%` and `%}` once; each evaluation binds `$states`, the workflow
 * variables it names, and AWS's extra functions. Throws JsonataSyntaxError when it does not parse.
 */
export function compileJsonata(expression: string, options: CompileJsonataOptions = {}): CompiledJsonata {
  const text = expression.trim();
  const field = options.field ?? '';
  const limits: JsonataLimits = { ...DEFAULT_JSONATA_LIMITS, ...options.limits };
  let expr: jsonata.Expression;
  try {
    expr = jsonata(text, { timeout: limits.timeoutMs, stack: limits.maxDepth });
  } catch (error) {
    const e = (typeof error === 'object' && error !== null ? error : {}) as JsonataErrorShape & { position?: unknown };
    throw new JsonataSyntaxError(
      typeof e.message === 'string' ? e.message : String(error),
      typeof e.code === 'string' ? e.code : undefined,
      typeof e.position === 'number' ? e.position : undefined,
      text,
    );
  }
  for (const [name, fn] of Object.entries(AWS_FUNCTIONS)) expr.registerFunction(name, fn);
  // AWS disables $eval ($parse replaces it): calling it is jsonata's T1006 "Attempted to invoke a non-function".
  expr.registerFunction('eval', () => {
    throw { code: 'T1006', stack: new Error().stack };
  });
  const ast = expr.ast();
  if (usesKeepArray(ast)) expr.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, unmarkPayloadArray);
  const variables = referencedVariables(ast).filter((name) => name !== 'states');
  const fast = compileFastPath(ast);

  return {
    text,
    async evaluate(env) {
      if (fast !== undefined) {
        const lookup = (name: string): unknown =>
          name === 'states' ? env.states : hasOwn.call(env.variables, name) ? env.variables[name] : undefined;
        const quick = fast(lookup);
        if (quick !== BAIL) return quick;
      }
      const bindings: Record<string, unknown> = { states: env.states, [SERVICES_BINDING]: env };
      for (const name of variables) {
        if (Object.prototype.hasOwnProperty.call(env.variables, name)) bindings[name] = env.variables[name];
      }
      let result: unknown;
      try {
        result = await expr.evaluate(undefined, bindings);
      } catch (error) {
        if (error instanceof StatesError) throw error;
        throw queryEvaluationError(evaluationErrorCause(text, field, errorDetail(error, limits)));
      }
      const json = toJson(result);
      if (json === UNSUPPORTED) throw queryEvaluationError(unsupportedResultCause(text, field));
      return json;
    },
  };
}
