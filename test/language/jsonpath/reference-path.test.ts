import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/language/json.js';
import { applyResultPath, compileReferencePath, PathSyntaxError } from '../../../src/language/jsonpath/index.js';
import { statesFailure } from '../fixtures.js';

const input: Json = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };

const failure = statesFailure;

describe('compileReferencePath', () => {
  it.each(['$', '$.a', '$.a.b', "$['a b'].c", '$.a[0]', '$.a[2].b'])('accepts %j', (text) => {
    expect(compileReferencePath(text).text).toBe(text);
  });

  it.each([
    '$$.Execution',
    '$var',
    '$.a[*]',
    '$..a',
    '$.a[0,1]',
    '$.a[1:]',
    '$.a[?(@.b)]',
    "$['a','b']",
    '$.*',
    '$.a[-1]',
    'a',
  ])('rejects %j', (text) => {
    expect(() => compileReferencePath(text)).toThrow(PathSyntaxError);
  });
});

describe('applyResultPath (AWS developer guide "ResultPath" examples)', () => {
  it('replaces the whole input with the result for "$"', () => {
    expect(applyResultPath(input, 'Hello, Step Functions!', compileReferencePath('$'))).toBe('Hello, Step Functions!');
  });

  it('keeps the input unchanged for ResultPath null', () => {
    expect(applyResultPath(input, 'Hello', null)).toBe(input);
  });

  it('adds the result under a new key', () => {
    expect(applyResultPath(input, 'Hello, Step Functions!', compileReferencePath('$.taskresult'))).toEqual({
      ...(input as object),
      taskresult: 'Hello, Step Functions!',
    });
  });

  it('inserts the result into a child node, creating missing parents', () => {
    const withStrings: Json = { comment: 'An input comment.', strings: { string1: 'foo', string2: 'bar' } };
    expect(applyResultPath(withStrings, 'Hello', compileReferencePath('$.strings.lambdaresult'))).toEqual({
      comment: 'An input comment.',
      strings: { string1: 'foo', string2: 'bar', lambdaresult: 'Hello' },
    });
    expect(applyResultPath({}, 1, compileReferencePath('$.a.b.c'))).toEqual({ a: { b: { c: 1 } } });
  });

  it('overwrites an existing key, keeping key order', () => {
    const out = applyResultPath({ a: 1, b: 2 }, 'x', compileReferencePath('$.a'));
    expect(Object.keys(out as object)).toEqual(['a', 'b']);
    expect(out).toEqual({ a: 'x', b: 2 });
  });

  it('replaces an element of an existing array', () => {
    expect(applyResultPath({ a: [1, 2, 3] }, 'x', compileReferencePath('$.a[1]'))).toEqual({ a: [1, 'x', 3] });
  });

  it('never mutates the input and copies only the objects on the path', () => {
    const shared = { deep: [1, 2] };
    const original = { a: { b: 1 }, other: shared };
    const frozen = JSON.stringify(original);
    const out = applyResultPath(original, 2, compileReferencePath('$.a.c')) as { a: object; other: object };
    expect(JSON.stringify(original)).toBe(frozen);
    expect(out.other).toBe(shared);
    expect(out.a).not.toBe(original.a);
  });

  it('fails with States.ReferencePathConflict when the input is not an object', () => {
    const e = failure(() => applyResultPath('input1', 'r', compileReferencePath('$.someTaskResult')));
    expect(e.error).toBe('States.ReferencePathConflict');
    expect(e.cause).toBe('Unable to apply step "someTaskResult" to input "input1"');
    const list = failure(() => applyResultPath([1, 2], 'r', compileReferencePath('$.x')));
    expect(list.cause).toBe('Unable to apply step "x" to input [1,2]');
  });

  it('fails when a step meets a value it cannot step into', () => {
    expect(failure(() => applyResultPath({ a: 'text' }, 'r', compileReferencePath('$.a.b'))).cause).toBe(
      'Unable to apply step "b" to input "text"',
    );
    expect(failure(() => applyResultPath({ a: [1] }, 'r', compileReferencePath('$.a[3]'))).cause).toBe(
      'Unable to apply step "3" to input [1]',
    );
  });

  it('sets __proto__ as an own key without touching any prototype', () => {
    const out = applyResultPath({}, { polluted: true }, compileReferencePath('$.__proto__')) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const nested = applyResultPath({}, 1, compileReferencePath('$.__proto__.polluted')) as Record<string, unknown>;
    expect(JSON.stringify(nested)).toBe('{"__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
