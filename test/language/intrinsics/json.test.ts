import { describe, expect, it } from 'vitest';
import { run } from './scope.js';

describe('States.StringToJson', () => {
  it('parses escaped JSON text (AWS guide example)', () => {
    expect(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' })).toEqual({
      foo: 'bar',
    });
  });

  it('parses scalars and arrays (test_string_to_json__5, __6, __8)', () => {
    expect(run('States.StringToJson($.s)', { s: '1.1' })).toBe(1.1);
    expect(run('States.StringToJson($.s)', { s: 'true' })).toBe(true);
    expect(run('States.StringToJson($.s)', { s: '[1, 2, "HelloWorld"]' })).toEqual([1, 2, 'HelloWorld']);
  });

  it('gives null for blank text (test_string_to_json__1)', () => {
    expect(run('States.StringToJson($.s)', { s: ' ' })).toBeNull();
    expect(run('States.StringToJson($.s)', { s: '' })).toBeNull();
  });

  it('parses a literal with double quotes (test_json_merge_escaped_argument)', () => {
    expect(run('States.StringToJson(\'{"constant_in_literal": "false"}\')')).toEqual({ constant_in_literal: 'false' });
  });

  it('fails with States.IntrinsicFailure on text that is not JSON or not a string', () => {
    expect(() => run('States.StringToJson($.s)', { s: '{nope' })).toThrow(/States.IntrinsicFailure/);
    expect(() => run('States.StringToJson($.s)', { s: 1 })).toThrow(/must be a string/);
  });

  it('keeps a "__proto__" key as plain data', () => {
    const out = run('States.StringToJson($.s)', { s: '{"__proto__": {"polluted": 1}}' }) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('States.JsonToString', () => {
  it('writes compact JSON (AWS guide example, test_json_to_string__6)', () => {
    expect(run('States.JsonToString($.someJson)', { someJson: { name: 'Foo', year: 2020 } })).toBe(
      '{"name":"Foo","year":2020}',
    );
    expect(run('States.JsonToString($.v)', { v: [1, 2, 'HelloWorld'] })).toBe('[1,2,"HelloWorld"]');
  });

  it('writes scalars as JSON text (test_json_to_string__0 .. __5)', () => {
    expect(run('States.JsonToString($.v)', { v: null })).toBe('null');
    expect(run('States.JsonToString($.v)', { v: 0 })).toBe('0');
    expect(run('States.JsonToString($.v)', { v: true })).toBe('true');
    expect(run('States.JsonToString($.v)', { v: 'HelloWorld' })).toBe('"HelloWorld"');
  });

  it('prints non-integral numbers as Java doubles and escapes with upper-case hex', () => {
    expect(run('States.JsonToString($.v)', { v: [1.5, 12345678.5, 0.0001, 1e21, 10000000] })).toBe(
      '[1.5,1.23456785E7,1.0E-4,1.0E21,10000000]',
    );
    expect(run('States.JsonToString($.v)', { v: '\u001f"\n' })).toBe('"\\u001F\\"\\n"');
  });
});

describe('States.JsonMerge', () => {
  it('merges shallowly, the second object winning (AWS guide example, test_json_merge__0)', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2, d: 3 }, json2: { a: { a3: 1, a4: 2 }, c: 3, d: 4 } };
    expect(run('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({ a: { a3: 1, a4: 2 }, b: 2, c: 3, d: 4 });
  });

  it('merges the result of a nested call with a context path (test_json_merge_escaped_argument)', () => {
    const out = run(
      'States.JsonMerge(States.StringToJson(\'{"constant_in_literal": "false"}\'), $$.Execution.Input.input_field, false)',
      {},
      { context: { Execution: { Input: { input_field: { constant_input_field: 'constant_value' } } } } },
    );
    expect(out).toEqual({ constant_in_literal: 'false', constant_input_field: 'constant_value' });
  });

  it('refuses deep merge and non-objects', () => {
    expect(() => run('States.JsonMerge($.a, $.b, true)', { a: {}, b: {} })).toThrow(/deep merging is not supported/);
    expect(() => run('States.JsonMerge($.a, $.b, false)', { a: [], b: {} })).toThrow(/argument 1 must be an object/);
    expect(() => run("States.JsonMerge($.a, $.b, 'false')", { a: {}, b: {} })).toThrow(/argument 3 must be a boolean/);
  });
});
