import { describe, expect, it } from 'vitest';
import { run } from './scope.js';

describe('States.Array', () => {
  it('returns its arguments in order (AWS guide and spec examples)', () => {
    expect(run('States.Array($.Id)', { Id: 123456 })).toEqual([123456]);
    expect(run("States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: 'abcdefg' } })).toEqual([
      'Foo',
      2020,
      { random: 'abcdefg' },
      null,
    ]);
  });

  it('returns an empty array without arguments and keeps null values (test_array_0, test_array_2__3)', () => {
    expect(run('States.Array()')).toEqual([]);
    expect(run('States.Array($.a, $.b)', { a: null, b: null })).toEqual([null, null]);
  });
});

describe('States.ArrayPartition', () => {
  it('cuts the array into chunks, the last one shorter (AWS guide example)', () => {
    expect(run('States.ArrayPartition($.inputArray,4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
  });

  it('gives [] for an empty array and one chunk when the size exceeds the length (test_array_partition)', () => {
    expect(run('States.ArrayPartition($.a, 3)', { a: [] })).toEqual([]);
    expect(run('States.ArrayPartition($.a, 5)', { a: [0, 1, 2] })).toEqual([[0, 1, 2]]);
    expect(run('States.ArrayPartition($.a, 1)', { a: [0, 1] })).toEqual([[0], [1]]);
  });

  it('refuses a chunk size that is not positive, and a non-array', () => {
    expect(() => run('States.ArrayPartition($.a, 0)', { a: [1] })).toThrow(/States.IntrinsicFailure/);
    expect(() => run('States.ArrayPartition($.a, -1)', { a: [1] })).toThrow(/positive/);
    expect(() => run('States.ArrayPartition($.a, 1)', { a: 'x' })).toThrow(/must be an array/);
  });
});

describe('States.ArrayContains', () => {
  it('finds a value (AWS guide example)', () => {
    expect(run('States.ArrayContains($.inputArray, $.lookingFor)', { inputArray: [1, 2, 3], lookingFor: 2 })).toBe(
      true,
    );
    expect(run('States.ArrayContains($.inputArray, 7)', { inputArray: [1, 2, 3] })).toBe(false);
  });

  it('compares arrays and objects by content (test_array_contains__1, __3, __4, __6, __7)', () => {
    expect(run('States.ArrayContains($.a, $.b)', { a: [], b: [] })).toBe(false);
    expect(run('States.ArrayContains($.a, $.b)', { a: [[1, 2, 3], 2], b: null })).toBe(false);
    expect(run('States.ArrayContains($.a, $.b)', { a: [[1, 2, 3], 2], b: [1, 2, 3] })).toBe(true);
    expect(run('States.ArrayContains($.a, $.b)', { a: [{ 1: 2, 2: [] }], b: { 2: [], 1: 2 } })).toBe(true);
    expect(run('States.ArrayContains($.a, $.b)', { a: [true, false], b: false })).toBe(true);
  });
});

describe('States.ArrayRange', () => {
  it('counts from first to last by step (AWS guide example, test_array_range__2, __3)', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(1, 9, 9)')).toEqual([1]);
    expect(run('States.ArrayRange(0, 10, 3)')).toEqual([0, 3, 6, 9]);
  });

  it('counts down with a negative step and gives [] when the step points away from last', () => {
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(run('States.ArrayRange(1, 5, -1)')).toEqual([]);
  });

  it('allows 1000 items and refuses more', () => {
    expect(run('States.ArrayRange(1, 1000, 1)')).toHaveLength(1000);
    expect(() => run('States.ArrayRange(0, 1000, 1)')).toThrow(/1001 items, more than the limit of 1000/);
  });

  it('refuses a zero step and non-numbers', () => {
    expect(() => run('States.ArrayRange(1, 5, 0)')).toThrow(/must not be zero/);
    expect(() => run("States.ArrayRange('1', 5, 1)")).toThrow(/argument 1 must be a number/);
  });
});

describe('States.ArrayGetItem', () => {
  it('returns the item at a zero-based index (AWS guide example, test_array_get_item__0)', () => {
    expect(
      run('States.ArrayGetItem($.inputArray, $.index)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 }),
    ).toBe(6);
  });

  it('refuses an index outside the array', () => {
    expect(() => run('States.ArrayGetItem($.a, 3)', { a: [1, 2, 3] })).toThrow(/out of bounds/);
    expect(() => run('States.ArrayGetItem($.a, -1)', { a: [1, 2, 3] })).toThrow(/out of bounds/);
  });
});

describe('States.ArrayLength', () => {
  it('returns the length (AWS guide example, test_array_length__0)', () => {
    expect(run('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toBe(9);
    expect(run('States.ArrayLength($.a)', { a: [] })).toBe(0);
  });

  it('refuses a non-array', () => {
    expect(() => run('States.ArrayLength($.a)', { a: { length: 1 } })).toThrow(/must be an array, but was object/);
  });
});

describe('States.ArrayUnique', () => {
  it('drops repeated values keeping first occurrences (AWS guide example)', () => {
    expect(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([1, 2, 3, 4]);
  });

  it('treats equal arrays and objects as duplicates', () => {
    expect(
      run('States.ArrayUnique($.a)', { a: [{ x: 1, y: 2 }, { y: 2, x: 1 }, [1], [1], 'a', 'a', null, null] }),
    ).toEqual([{ x: 1, y: 2 }, [1], 'a', null]);
  });
});
