import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/language/errors.js';
import type { Json } from '../../../src/language/json.js';
import {
  compileJsonataField,
  unexpectedResultTypeCause,
  type JsonataEnv,
} from '../../../src/language/jsonata/index.js';

const ENV: JsonataEnv = {
  states: { input: { condition: true, list: [1, 2], user: { name: 'Ada' } }, context: {} },
  variables: { count: 3 },
  random: () => 0.5,
  uuid: () => 'u',
};

async function causeOf(value: Json, field: string): Promise<string> {
  try {
    await compileJsonataField(value, field).evaluate(ENV);
  } catch (e) {
    if (e instanceof StatesError) {
      expect(e.error).toBe('States.QueryEvaluationError');
      return e.cause;
    }
    throw e;
  }
  throw new Error('expected a failure');
}

describe('compileJsonataField', () => {
  it('evaluates a field that is a whole expression', async () => {
    expect(await compileJsonataField('{% $states.input.user.name %}', 'Output').evaluate(ENV)).toBe('Ada');
    expect(await compileJsonataField('{% $states.input.condition %}', 'Condition').evaluate(ENV)).toBe(true);
  });

  it('evaluates expressions nested in objects and arrays and keeps everything else as written', async () => {
    const field = compileJsonataField(
      { static: 'Hello', name: '{% $states.input.user.name %}', list: [1, '{% $count %}', { deep: '{% $count + 1 %}' }], 'not-evaluated': '$count', n: null },
      'Arguments',
    );
    expect(field.isConstant).toBe(false);
    expect(await field.evaluate(ENV)).toEqual({
      static: 'Hello',
      name: 'Ada',
      list: [1, 3, { deep: 4 }],
      'not-evaluated': '$count',
      n: null,
    });
  });

  it('treats a value without expressions as a constant that costs nothing to evaluate', async () => {
    const value = { a: [1, 'two', { three: 3 }], b: ' {% not an expression %}' };
    const field = compileJsonataField(value, 'Output');
    expect(field.isConstant).toBe(true);
    expect(field.constant).toBe(value);
    expect(await field.evaluate(ENV)).toBe(value);
  });

  it('fails the field when an expression returns nothing, naming the field as AWS does (assign/test_undefined_reference_*)', async () => {
    expect(await causeOf('{% $doesNotExist %}', 'Output')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).",
    );
    expect(await causeOf({ result: '{% $doesNotExist %}' }, 'Output')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).",
    );
    expect(await causeOf({ FunctionName: '{% $doesNotExist %}' }, 'Arguments')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' returned nothing (undefined).",
    );
    expect(await causeOf({ result: '{% $doesNotExist %}' }, 'Assign')).toBe(
      "The JSONata expression '$doesNotExist' specified for the field 'Assign/result' returned nothing (undefined).",
    );
  });

  it('names array elements with [i]', async () => {
    expect(await causeOf({ a: [1, { b: ['{% $nope %}'] }] }, 'Output')).toBe(
      "The JSONata expression '$nope' specified for the field 'Output/a[1]/b[0]' returned nothing (undefined).",
    );
  });

  it('reports the first failing expression in document order', async () => {
    expect(await causeOf({ first: '{% $one %}', second: '{% $two %}' }, 'Output')).toMatch(/'\$one'/);
  });

  it('keeps a key named __proto__ as a plain key', async () => {
    const value = JSON.parse('{"__proto__": "{% $count %}"}') as Json;
    const result = (await compileJsonataField(value, 'Output').evaluate(ENV)) as Record<string, Json>;
    expect(Object.prototype.hasOwnProperty.call(result, '__proto__')).toBe(true);
    expect(result['__proto__']).toBe(3);
  });

  it('compiles every expression when compiled, so a syntax error surfaces before any run', () => {
    expect(() => compileJsonataField({ ok: '{% 1 %}', bad: '{% a[1,2) %}' }, 'Output')).toThrow();
  });
});

describe('unexpectedResultTypeCause', () => {
  it('reproduces the recorded Items causes', () => {
    expect(unexpectedResultTypeCause('$ItemsVar', 'Items', 'array', { foo: 'bar' })).toBe(
      "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}",
    );
    expect(unexpectedResultTypeCause('$ItemsVar', 'Items', 'array', 'string')).toBe(
      "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'string' for value: \"string\"",
    );
    expect(unexpectedResultTypeCause('null', 'Items', 'array', null)).toMatch(/but was 'null' for value: null$/);
    expect(unexpectedResultTypeCause('1', 'Items', 'array', 1)).toMatch(/but was 'number' for value: 1$/);
    expect(unexpectedResultTypeCause('$ItemsVar', 'Items', 'array', true)).toMatch(/but was 'boolean' for value: true$/);
  });
});

describe('compile once, evaluate many', () => {
  // How much faster than compiling per evaluation is measured by `npm run bench`, not here.
  it('evaluates one compiled field many times with the same result', async () => {
    const field = compileJsonataField('{% $states.input.user.name & " has " & $string($count) & " items" %}', 'Output');
    for (let i = 0; i < 3; i++) expect(await field.evaluate(ENV)).toBe('Ada has 3 items');
  });
});
