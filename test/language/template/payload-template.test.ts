import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/language/json.js';
import { compilePath, PathSyntaxError } from '../../../src/language/jsonpath/index.js';
import { compileTemplate, selectFieldPath } from '../../../src/language/template/index.js';
import { scopeOf } from '../jsonpath/scope.js';
import { statesFailure } from '../fixtures.js';

const failure = statesFailure;

describe('compileTemplate', () => {
  it('selects from the input for keys ending in .$ (AWS developer guide "Parameters" example)', () => {
    const input: Json = {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    };
    const template = compileTemplate(
      {
        comment: 'Selecting what I care about.',
        MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' },
      },
      'Parameters',
    );
    expect(template.evaluate(scopeOf(input))).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });

  it('evaluates paths inside arrays and keeps key order', () => {
    const template = compileTemplate(
      { list: [{ 'a.$': '$.x' }, 'static', [{ 'b.$': '$$.Map.Item.Index' }]], z: 1 },
      'Parameters',
    );
    const out = template.evaluate(scopeOf({ x: 'X' }, { Map: { Item: { Index: 3 } } }));
    expect(out).toEqual({ list: [{ a: 'X' }, 'static', [{ b: 3 }]], z: 1 });
    expect(Object.keys(out as object)).toEqual(['list', 'z']);
  });

  it('reads the context object and variables', () => {
    const template = compileTemplate(
      { 'name.$': '$$.Execution.Name', 'v.$': '$theAnswer', 'w.$': '$obj.k' },
      'Parameters',
    );
    expect(
      template.evaluate(scopeOf({}, { Execution: { Name: 'run-1' } }, { theAnswer: 42, obj: { k: [1] } })),
    ).toEqual({
      name: 'run-1',
      v: 42,
      w: [1],
    });
  });

  it('returns static templates as they are', () => {
    const t = { a: { b: [1, 2] } };
    expect(compileTemplate(t, 'Parameters').evaluate(scopeOf({}))).toBe(t);
    expect(compileTemplate('plain', 'Parameters').evaluate(scopeOf({}))).toBe('plain');
  });

  it('returns [] for an indefinite path that matches nothing (case test_json_path_array_wildcard_or_slice_with_no_input_)', () => {
    expect(compileTemplate({ 'item.$': '$.items[*].itemValue' }, 'Parameters').evaluate(scopeOf({}))).toEqual({
      item: [],
    });
  });

  it("fails with AWS's text when a path matches nothing", () => {
    const e = failure(() => compileTemplate({ 'JobName.$': '$.JobName' }, 'Parameters').evaluate(scopeOf({})));
    expect(e.error).toBe('States.Runtime');
    expect(e.cause).toBe(
      "The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'",
    );
    const deep = failure(() =>
      compileTemplate({ 'missing.$': '$.nope.deep' }, 'Parameters').evaluate(scopeOf({ other: 1 })),
    );
    expect(deep.cause).toBe(
      "The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input '{\"other\":1}'",
    );
  });

  it('evaluates intrinsic function calls', () => {
    const template = compileTemplate(
      { 'greeting.$': "States.Format('Hello, {}', $.name)", 'n.$': 'States.ArrayLength($.list)' },
      'Parameters',
    );
    expect(template.evaluate(scopeOf({ name: 'World', list: [1, 2, 3] }))).toEqual({ greeting: 'Hello, World', n: 3 });
  });

  it('rejects values of .$ keys that are neither paths nor intrinsic calls', () => {
    expect(() => compileTemplate({ 'lorem.$': 'ipsum' }, 'Parameters')).toThrow(PathSyntaxError);
    expect(() => compileTemplate({ 'n.$': 3 }, 'Parameters')).toThrow(PathSyntaxError);
    expect(() => compileTemplate({ a: [{ 'b.$': '$.a b' }] }, 'Parameters')).toThrow(
      "The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
    );
  });

  it('strips ".$" from the key and may select the whole input', () => {
    expect(compileTemplate({ 'a.$': '$' }, 'Parameters').evaluate(scopeOf(5))).toEqual({ a: 5 });
  });

  it('builds __proto__ and constructor as ordinary own keys', () => {
    const template = compileTemplate(
      JSON.parse('{"__proto__.$": "$.x", "constructor": 1, "inner": {"__proto__": {"polluted": true}}}') as Json,
      'Parameters',
    );
    const out = template.evaluate(scopeOf({ x: { polluted: true } })) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe(
      '{"__proto__":{"polluted":true},"constructor":1,"inner":{"__proto__":{"polluted":true}}}',
    );
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps keys that look like code as plain keys (the object is built by generated code)', () => {
    const keys = ['"}; throw 1; ({"', "'); process.exit(1); ('", '\\', '\u2028\u2029', '${x}', '`', '*/', '0', '10', '2', 'a b', ''];
    const template: Record<string, Json> = {};
    for (const k of keys) template[`${k}.$`] = '$.v';
    template.static = 's';
    const out = compileTemplate(template, 'Parameters').evaluate(scopeOf({ v: 7 })) as Record<string, Json>;
    // Integer-like keys come first, in ascending order, as JSON.parse would order them too.
    expect(Object.keys(out)).toEqual(['0', '2', '10', ...keys.filter((k) => !/^\d+$/.test(k)), 'static']);
    expect(Object.values(out)).toEqual([...keys.map(() => 7), 's']);
  });

  it('reads `$.name` in place, and fails or falls back like the full path evaluation', () => {
    const template = compileTemplate({ 'id.$': '$.id', 'all.$': '$', 'deep.$': '$.a.b' }, 'Parameters');
    expect(template.evaluate(scopeOf({ id: null, a: { b: [1] } }))).toEqual({ id: null, all: { id: null, a: { b: [1] } }, deep: [1] });
    // Not an object: Jayway's text from the full evaluation.
    expect(failure(() => template.evaluate(scopeOf([1, 2]))).cause).toBe(
      "The JSONPath '$.id' specified for the field 'id.$' could not be found in the input '[1,2]'",
    );
    // Inherited properties are not the input's.
    expect(failure(() => template.evaluate(scopeOf({ a: { b: 1 } }))).error).toBe('States.Runtime');
    expect(failure(() => compileTemplate({ 'c.$': '$.constructor' }, 'Parameters').evaluate(scopeOf({}))).cause).toBe(
      "The JSONPath '$.constructor' specified for the field 'c.$' could not be found in the input '{}'",
    );
  });

  it('builds templates wider than the generated literal allows key by key, the same way', () => {
    const template: Record<string, Json> = {};
    for (let i = 0; i < 100; i++) template[i % 2 === 0 ? `k${i}.$` : `k${i}`] = i % 2 === 0 ? '$.v' : i;
    const out = compileTemplate(template, 'Parameters').evaluate(scopeOf({ v: 'x' })) as Record<string, Json>;
    expect(Object.keys(out)).toHaveLength(100);
    expect(out.k0).toBe('x');
    expect(out.k99).toBe(99);
  });
});

describe('selectFieldPath', () => {
  it('fails with the field named (case test_invalid_jsonpath_INVALID_JSONPATH_IN_ERRORPATH)', () => {
    const e = failure(() => selectFieldPath(compilePath('$.ErrorX'), scopeOf({ Error: 'E' }), 'ErrorPath'));
    expect(e.cause).toBe(
      "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"Error\":\"E\"}'",
    );
    expect(selectFieldPath(compilePath('$.Error'), scopeOf({ Error: 'E' }), 'ErrorPath')).toBe('E');
  });
});
