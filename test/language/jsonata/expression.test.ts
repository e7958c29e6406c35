import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/language/errors.js';
import type { Json } from '../../../src/language/json.js';
import {
  compileJsonata,
  isJsonataExpression,
  jsonataExpressionText,
  JsonataSyntaxError,
  type JsonataEnv,
} from '../../../src/language/jsonata/index.js';

function env(overrides: Partial<JsonataEnv> = {}): JsonataEnv {
  return {
    states: { input: { name: 'Ada', items: [1, 2, 3], nested: { n: null } }, context: { Execution: { Name: 'exec-1' } } },
    variables: { limit: 2, greeting: 'hi', list: ['a', 'b'] },
    random: () => 0.25,
    uuid: () => '11111111-2222-4333-8444-555555555555',
    ...overrides,
  };
}

async function evaluate(text: string, e: JsonataEnv = env()): Promise<Json | undefined> {
  return compileJsonata(text, { field: 'Output' }).evaluate(e);
}

async function failure(text: string, e: JsonataEnv = env(), limits?: { timeoutMs?: number; maxDepth?: number }): Promise<StatesError> {
  try {
    await compileJsonata(text, { field: 'Output', ...(limits ? { limits } : {}) }).evaluate(e);
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('isJsonataExpression', () => {
  it('recognises a whole string delimited by {% and %}', () => {
    expect(isJsonataExpression('{% $states.input %}')).toBe(true);
    expect(isJsonataExpression('{%1%}')).toBe(true);
  });

  it('refuses leading or trailing whitespace, partial delimiters and non-strings', () => {
    expect(isJsonataExpression(' {% 1 %}')).toBe(false);
    expect(isJsonataExpression('{% 1 %} ')).toBe(false);
    expect(isJsonataExpression('hello {% 1 %}')).toBe(false);
    expect(isJsonataExpression('{%}')).toBe(false);
    expect(isJsonataExpression('$.a')).toBe(false);
    expect(isJsonataExpression(12)).toBe(false);
  });

  it('trims the text inside the delimiters, as AWS quotes it in causes', () => {
    expect(jsonataExpressionText('{%  $doesNotExist  %}')).toBe('$doesNotExist');
  });
});

describe('compileJsonata', () => {
  it('binds $states.input and $states.context', async () => {
    expect(await evaluate('$states.input.name')).toBe('Ada');
    expect(await evaluate('$states.context.Execution.Name')).toBe('exec-1');
  });

  it('binds $states.result and $states.errorOutput when given', async () => {
    const e = env({ states: { input: {}, context: {}, result: { ok: 1 }, errorOutput: { Error: 'E' } } });
    expect(await evaluate('$states.result.ok', e)).toBe(1);
    expect(await evaluate('$states.errorOutput.Error', e)).toBe('E');
  });

  it('binds workflow variables as $name', async () => {
    expect(await evaluate('$greeting & " " & $states.input.name')).toBe('hi Ada');
    expect(await evaluate('$limit * 2')).toBe(4);
  });

  it('keeps a JSON null as a value and answers undefined for nothing', async () => {
    expect(await evaluate('$states.input.nested.n')).toBeNull();
    expect(await evaluate('$states.input.absent')).toBeUndefined();
    expect(await evaluate('$undefinedVariable')).toBeUndefined();
  });

  it('returns plain JSON arrays for jsonata sequences', async () => {
    const result = await evaluate('$states.input.items.($ * 10)');
    expect(result).toEqual([10, 20, 30]);
    expect(Object.keys(result as object)).toEqual(['0', '1', '2']);
  });

  it('evaluates AWS regular expressions (evaluate_jsonata/test_base_jsonata_regular_expressions)', async () => {
    expect(await evaluate('$contains("hello$world", /^hello\\$/)')).toBe(true);
    expect(await evaluate("$contains('hello$world', /^hello\\ /)")).toBe(false);
  });

  it('merges objects (evaluate_jsonata/test_merge_with_dynamic_args)', async () => {
    const e = env({ states: { input: { part1: { hello: 'world' }, part2: { foo: 'bar' } }, context: {} } });
    expect(await evaluate('$merge([$states.input.part1, $states.input.part2])', e)).toEqual({ hello: 'world', foo: 'bar' });
  });

  it('keeps the same compiled expression independent across concurrent evaluations', async () => {
    const compiled = compileJsonata('$states.input.v', { field: 'Output' });
    const results = await Promise.all(
      [1, 2, 3].map((v) => compiled.evaluate(env({ states: { input: { v }, context: {} } }))),
    );
    expect(results).toEqual([1, 2, 3]);
  });

  it('leaves payload arrays untouched, even under jsonata\'s keep-array [] operator', async () => {
    const input = { one: [5], objs: [{ a: [1] }] };
    const e = env({ states: { input, context: {} }, variables: { v: [7] } });
    expect(await evaluate('$states.input.one[]', e)).toEqual([5]);
    expect(await evaluate('$v[]', e)).toEqual([7]);
    expect(await evaluate('$states.input.objs.a[]', e)).toEqual([1]);
    const extraKeys = (a: unknown[]): string[] => Object.keys(a).filter((k) => !/^\d+$/.test(k));
    expect(extraKeys(input.one)).toEqual([]);
    expect(extraKeys(input.objs[0].a)).toEqual([]);
    expect(extraKeys(e.variables.v as unknown[])).toEqual([]);
  });

  it('does not let workflow variables named like $states replace $states', async () => {
    expect(await evaluate('$states.input.name', env({ variables: { states: 'nope' } }))).toBe('Ada');
  });

  it('writes non-finite numbers as their JavaScript names', async () => {
    expect(await evaluate('1/0')).toBe('Infinity');
  });

  it('throws JsonataSyntaxError for an expression that does not parse', () => {
    expect(() => compileJsonata('a[1,2)')).toThrow(JsonataSyntaxError);
    try {
      compileJsonata('1 +');
    } catch (e) {
      expect(e).toBeInstanceOf(JsonataSyntaxError);
      expect((e as JsonataSyntaxError).code).toMatch(/^S0/);
    }
  });
});

describe('compileJsonata failures', () => {
  it('reports a function result as an unsupported result type (map Items with a function)', async () => {
    const e = await failure('$fn := function($x){$x}');
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toBe("The JSONata expression '$fn := function($x){$x}' specified for the field 'Output' returned an unsupported result type.");
  });

  it('reports a function nested in the result the same way', async () => {
    expect((await failure('{"f": function($x){$x}}')).cause).toMatch(/returned an unsupported result type\.$/);
  });

  it('reports a jsonata runtime error with its code and message', async () => {
    const e = await failure('"a" + 1');
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toBe(
      'The JSONata expression \'"a" + 1\' specified for the field \'Output\' threw an error during evaluation. T2001: The left side of the "+" operator must evaluate to a number',
    );
  });

  it('disables $eval as AWS does', async () => {
    expect((await failure('$eval("1")')).cause).toMatch(/T1006: Attempted to invoke a non-function$/);
  });

  it('stops deep recursion at depth 100: AWS accepts $f(31) of a non-tail-recursive count and refuses $f(32)', async () => {
    const count = (n: number): string => `($f := function($n){$n <= 0 ? 0 : 1 + $f($n-1)}; $f(${n}))`;
    expect(await evaluate(count(31))).toBe(31);
    const e = await failure(count(32));
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toMatch(/Stack overflow error: .* Depth=101 max=100$/);
  });

  it('accepts an addition chain of 100 terms and refuses 101', async () => {
    expect(await evaluate(Array(100).fill('1').join('+'))).toBe(100);
    expect((await failure(Array(101).fill('1').join('+'))).cause).toMatch(/Stack overflow error/);
  });

  it('stops an endless tail-recursive loop within its time bound', async () => {
    const started = Date.now();
    const e = await failure('($f := function($n){$f($n+1)}; $f(0))', env(), { timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toMatch(/Expression evaluation timeout: Check for infinite loop$/);
  });

  it('survives an expression nested far beyond the depth bound without crashing the process', async () => {
    const deep = '['.repeat(5000) + '1' + ']'.repeat(5000);
    let outcome: unknown;
    try {
      outcome = await compileJsonata(deep, { field: 'Output' }).evaluate(env());
    } catch (e) {
      outcome = e;
    }
    expect(outcome instanceof StatesError || outcome instanceof JsonataSyntaxError).toBe(true);
  });
});
