import jsonata from 'jsonata';
import type { Json, JsonObject } from '../json.js';
import { evaluationErrorCause, queryEvaluationError, unsupportedResultCause } from './causes.js';
import { BAIL, compileFastPath } from './fast-path.js';
import { sharedSandbox, type SandboxOutcome } from './sandbox.js';

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

const stackOverflowDetail = (limits: JsonataLimits): string =>
  `Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive. Depth=${limits.maxDepth + 1} max=${limits.maxDepth}`;

const TIMEOUT_DETAIL = 'Expression evaluation timeout: Check for infinite loop';

/**
 * The detail AWS's JSONata library gives for a failure: `CODE: message`. The time and depth bounds
 * use the texts of the jsonata-java library AWS runs ("Stack overflow error: … Depth=101 max=100").
 * The sandbox's own bounds (hard time limit, heap, result size) have no recorded AWS text: the time
 * limit reads as jsonata's timeout, the others say which bound was hit.
 */
function errorDetail(outcome: Exclude<SandboxOutcome, { kind: 'value' } | { kind: 'unsupported' }>, limits: JsonataLimits): string {
  switch (outcome.kind) {
    case 'timeout':
      return TIMEOUT_DETAIL;
    case 'memory':
      return 'Out of memory: the evaluation exceeded the memory an expression may use';
    case 'tooLarge':
      return 'The result is too large';
    case 'error':
      if (outcome.range || outcome.code === 'D1011') return stackOverflowDetail(limits);
      if (outcome.code === 'D1012') return TIMEOUT_DETAIL;
      return outcome.code !== undefined ? `${outcome.code}: ${outcome.message}` : outcome.message;
  }
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
  const ast = expr.ast();
  const variables = referencedVariables(ast).filter((name) => name !== 'states');
  const fast = compileFastPath(ast);

  return {
    text,
    async evaluate(env) {
      // The fast path is bounded by construction (no ranges, functions but $merge, regexes or
      // loops): it runs here. Everything else runs in the sandbox, where it can be stopped.
      if (fast !== undefined) {
        const lookup = (name: string): unknown =>
          name === 'states' ? env.states : hasOwn.call(env.variables, name) ? env.variables[name] : undefined;
        const quick = fast(lookup);
        if (quick !== BAIL) return quick;
      }
      const bindings: Record<string, unknown> = { states: env.states };
      for (const name of variables) {
        if (hasOwn.call(env.variables, name)) bindings[name] = env.variables[name];
      }
      const outcome = await sharedSandbox().evaluate(
        { text, timeoutMs: limits.timeoutMs, maxDepth: limits.maxDepth, bindings },
        env,
      );
      if (outcome.kind === 'unsupported') throw queryEvaluationError(unsupportedResultCause(text, field));
      if (outcome.kind !== 'value') throw queryEvaluationError(evaluationErrorCause(text, field, errorDetail(outcome, limits)));
      const json = toJson(outcome.value);
      if (json === UNSUPPORTED) throw queryEvaluationError(unsupportedResultCause(text, field));
      return json;
    },
  };
}
