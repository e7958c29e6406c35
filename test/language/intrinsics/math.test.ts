import { describe, expect, it } from 'vitest';
import { JavaRandom } from '../../../src/language/intrinsics/math.js';
import { run } from './scope.js';

describe('States.MathAdd', () => {
  it('adds (AWS guide example)', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
  });

  it('rounds each operand half up first, as Java Math.round (test_math_add__1 .. __20)', () => {
    const cases: [number, number, number][] = [
      [1.49, 1.5, 3],
      [-1.49, -1.5, -2],
      [1.49, -1.49, 0],
      [1.51, 0, 2],
      [-1.5, 0, -1],
      [-1.51, 0, -2],
      [0.5, 0, 1],
      [2.5, 0, 3],
      [3.5, 0, 4],
      [-0.5, 0.5, 1],
      [-2.5, 0, -2],
      [-3.5, 0, -3],
    ];
    for (const [a, b, sum] of cases) expect(run('States.MathAdd($.a, $.b)', { a, b }), `${a} + ${b}`).toBe(sum);
  });

  it('gives 0, not -0, for -0.5 + 0 (test_math_add__17)', () => {
    expect(Object.is(run('States.MathAdd($.a, 0)', { a: -0.5 }), 0)).toBe(true);
  });

  it('refuses operands outside the Java int range (AWS guide)', () => {
    expect(run('States.MathAdd(2147483647, -2147483648)')).toBe(-1);
    expect(() => run('States.MathAdd(2147483648, 0)')).toThrow(/outside the integer range/);
    expect(() => run('States.MathAdd(0, -2147483649)')).toThrow(/argument 2/);
  });

  it('refuses non-numbers', () => {
    expect(() => run("States.MathAdd('1', 2)")).toThrow(/argument 1 must be a number, but was string/);
  });
});

describe('States.MathRandom', () => {
  it('draws an integer from start (inclusive) to end (exclusive) with scope.random() (AWS guide)', () => {
    expect(run('States.MathRandom(1, 999)', {}, { random: 0 })).toBe(1);
    expect(run('States.MathRandom(1, 999)', {}, { random: 0.999999 })).toBe(998);
    expect(run('States.MathRandom($.s, $.e)', { s: 9999, e: 99999 }, { random: 0.5 })).toBe(54999);
    expect(run('States.MathRandom($.s, $.e)', { s: -99999, e: -9999 }, { random: 0 })).toBe(-99999);
  });

  it('rounds non-integer bounds (test_math_random__0 uses 12.5 and 44.51)', () => {
    const v = run('States.MathRandom($.s, $.e)', { s: 12.5, e: 44.51 }, { random: 0 });
    expect(v).toBe(13);
  });

  it('gives the same number for the same seed, whatever scope.random() says', () => {
    const a = run('States.MathRandom(0, 999, 3)', {}, { random: 0.1 });
    const b = run('States.MathRandom(0, 999, 3)', {}, { random: 0.9 });
    expect(a).toBe(b);
    // java.util.Random(3).nextInt(999) is 734 too on a JDK (range 0..998)
    expect(a).toBe(new JavaRandom(3n).nextInt(999));
  });

  it('refuses an end that is not above the start', () => {
    expect(() => run('States.MathRandom(5, 1)')).toThrow(/must be greater than the start/);
    expect(() => run('States.MathRandom(5, 5)')).toThrow(/States.IntrinsicFailure/);
  });
});

describe('JavaRandom', () => {
  it('reproduces java.util.Random: new Random(42).nextInt(10) is 0, then 3', () => {
    const r = new JavaRandom(42n);
    expect(r.nextInt(10)).toBe(0);
    expect(r.nextInt(10)).toBe(3);
  });

  it('reproduces java.util.Random for a power-of-two bound: new Random(0).nextInt(16) is 11', () => {
    expect(new JavaRandom(0n).nextInt(16)).toBe(11);
  });

  it('reproduces java.util.Random for negative and long seeds (values checked on a JDK 17)', () => {
    expect(new JavaRandom(3n).nextInt(1000)).toBe(734);
    expect(new JavaRandom(-7n).nextInt(1000)).toBe(662);
    expect(new JavaRandom(123456789012n).nextInt(999999)).toBe(712491);
  });
});
