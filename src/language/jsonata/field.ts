import type { Json, JsonObject } from '../json.js';
import { queryEvaluationError, returnedNothingCause } from './causes.js';
import {
  compileJsonata,
  isJsonataExpression,
  jsonataExpressionText,
  type CompileJsonataOptions,
  type JsonataEnv,
  type JsonataLimits,
} from './expression.js';

export interface CompiledJsonataField {
  /** True when the field holds no expression: `evaluate` then always answers `constant`. */
  readonly isConstant: boolean;
  readonly constant: Json | undefined;
  /** The field's value with every `{% %}` string replaced by its result. Throws StatesError. */
  evaluate(env: JsonataEnv): Promise<Json>;
}

type Template =
  | { kind: 'constant'; value: Json }
  | { kind: 'expression'; run: (env: JsonataEnv) => Promise<Json> }
  | { kind: 'object'; entries: readonly (readonly [string, Template])[] }
  | { kind: 'array'; items: readonly Template[] };

function compileTemplate(value: Json, field: string, limits: Partial<JsonataLimits> | undefined): Template {
  if (isJsonataExpression(value)) {
    const text = jsonataExpressionText(value);
    const options: CompileJsonataOptions = { field, ...(limits ? { limits } : {}) };
    const compiled = compileJsonata(text, options);
    return {
      kind: 'expression',
      async run(env) {
        const result = await compiled.evaluate(env);
        // AWS fails the field rather than dropping it (conformance assign/test_undefined_reference_*).
        if (result === undefined) throw queryEvaluationError(returnedNothingCause(compiled.text, field));
        return result;
      },
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileTemplate(item, `${field}[${i}]`, limits));
    return items.every((t) => t.kind === 'constant') ? { kind: 'constant', value } : { kind: 'array', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).map((key) => [key, compileTemplate(value[key], `${field}/${key}`, limits)] as const);
    return entries.every(([, t]) => t.kind === 'constant') ? { kind: 'constant', value } : { kind: 'object', entries };
  }
  return { kind: 'constant', value };
}

async function run(template: Template, env: JsonataEnv): Promise<Json> {
  switch (template.kind) {
    case 'constant':
      return template.value;
    case 'expression':
      return template.run(env);
    case 'array': {
      // One after the other, in order: the first failing expression is the one AWS reports.
      const out: Json[] = [];
      for (const item of template.items) out.push(await run(item, env));
      return out;
    }
    case 'object': {
      const out: JsonObject = {};
      for (const [key, t] of template.entries) {
        const value = await run(t, env);
        // defineProperty: a key named "__proto__" stays a plain key.
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

/**
 * Compiles a field value once (Arguments, Output, Assign, Items, ItemSelector, Condition,
 * TimeoutSeconds, Fail Error/Cause …): every string that is a whole `{% %}` expression is
 * evaluated at run time, everything else is kept as written. `field` is the field's name as AWS
 * names it in causes; nested expressions are named `Output/a/b[0]`.
 */
export function compileJsonataField(value: Json, field: string, limits?: Partial<JsonataLimits>): CompiledJsonataField {
  const template = compileTemplate(value, field, limits);
  if (template.kind === 'constant') {
    const constant = template.value;
    const resolved = Promise.resolve(constant);
    return { isConstant: true, constant, evaluate: () => resolved };
  }
  return { isConstant: false, constant: undefined, evaluate: (env) => run(template, env) };
}
