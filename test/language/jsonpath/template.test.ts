import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/language/json.js';
import {
  compilePath,
  compileTemplate,
  PathSyntaxError,
  selectFieldPath,
} from '../../../src/language/jsonpath/index.js';
import { scopeOf } from './scope.js';
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
