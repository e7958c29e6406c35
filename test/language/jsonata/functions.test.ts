import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/language/errors.js';
import type { Json } from '../../../src/language/json.js';
import { compileJsonata, javaRandomFirstDouble, type JsonataEnv } from '../../../src/language/jsonata/index.js';

const ENV: JsonataEnv = {
  states: { input: { items: ['a', 'b', 'c', 'd', 'e'] }, context: {} },
  variables: {},
  random: () => 0.125,
  uuid: () => '9b2f3c4e-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
};

const evaluate = (text: string): Promise<Json | undefined> => compileJsonata(text, { field: 'Output' }).evaluate(ENV);

async function errorOf(text: string): Promise<string> {
  try {
    await evaluate(text);
  } catch (e) {
    if (e instanceof StatesError) return e.cause;
    throw e;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('$partition', () => {
  it('splits an array into chunks, the last one holding the remainder', async () => {
    expect(await evaluate('$partition($states.input.items, 2)')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(await evaluate('$partition([1,2,3,4], 4)')).toEqual([[1, 2, 3, 4]]);
    expect(await evaluate('$partition([1,2], 5)')).toEqual([[1, 2]]);
  });

  it('rounds a non-integer size towards zero', async () => {
    expect(await evaluate('$partition([1,2,3], 2.9)')).toEqual([[1, 2], [3]]);
  });

  it('answers nothing for an empty array or a zero size, and fails for a negative size', async () => {
    expect(await evaluate('$partition([], 2)')).toBeUndefined();
    expect(await evaluate('$partition([1], 0)')).toBeUndefined();
    expect(await errorOf('$partition([1], -2)')).toMatch(/D3137: Second argument must be zero or greater$/);
  });

  it('fails for a first argument that is not an array', async () => {
    expect(await errorOf('$partition("abc", 1)')).toMatch(/T0410: Argument 1 of function "partition" does not match function signature$/);
  });
});

describe('$range', () => {
  it('counts from start to end by step, including end when a step lands on it', async () => {
    expect(await evaluate('$range(0, 10, 2)')).toEqual([0, 2, 4, 6, 8, 10]);
    expect(await evaluate('$range(0, 9, 2)')).toEqual([0, 2, 4, 6, 8]);
    expect(await evaluate('$range(5, 1, -2)')).toEqual([5, 3, 1]);
  });

  it('answers the bare number for a one-element range', async () => {
    expect(await evaluate('$range(3, 3, 1)')).toBe(3);
    // AWS answers a bare number whenever the range has one element (conformance test_array_range#2).
    expect(await evaluate('$range(1, 9, 9)')).toBe(1);
  });

  it('rounds arguments towards zero', async () => {
    expect(await evaluate('$range(-1.7, 2, 1)')).toEqual([-1, 0, 1, 2]);
  });

  it('answers nothing without a step, with a zero step, or with a step pointing away from end', async () => {
    expect(await evaluate('$range(1, 5)')).toBeUndefined();
    expect(await evaluate('$range(1, 5, 0)')).toBeUndefined();
    expect(await evaluate('$range(1, 5, -1)')).toBeUndefined();
  });

  it('fails for a non-numeric argument', async () => {
    expect(await errorOf('$range("a", 5, 1)')).toMatch(/T0410: Argument 1 of function "range"/);
  });
});

describe('$hash', () => {
  it.each([
    ['MD5', 'md5'],
    ['SHA-1', 'sha1'],
    ['SHA-256', 'sha256'],
    ['SHA-384', 'sha384'],
    ['SHA-512', 'sha512'],
  ])('computes %s as lowercase hex', async (algorithm, node) => {
    expect(await evaluate(`$hash("Hello ünïcode", "${algorithm}")`)).toBe(createHash(node).update('Hello ünïcode', 'utf8').digest('hex'));
  });

  it('knows the SHA-256 of "hello"', async () => {
    expect(await evaluate('$hash("hello", "SHA-256")')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  it('refuses an unknown or lowercase algorithm and answers nothing without one', async () => {
    expect(await errorOf('$hash("x", "sha256")')).toMatch(/D3137: Hash algorithm 'sha256' must be one of/);
    expect(await evaluate('$hash("x")')).toBeUndefined();
  });
});

describe('$random', () => {
  // Expected values printed by `new java.util.Random(seed).nextDouble()` on a JDK.
  it('with a seed returns the first nextDouble() of java.util.Random(seed), as AWS does', async () => {
    expect(await evaluate('$random(42)')).toBe(0.7275636800328681);
    expect(await evaluate('$random(0)')).toBe(0.730967787376657);
    expect(await evaluate('$random(1)')).toBe(0.7308781907032909);
    expect(await evaluate('$random(-1)')).toBe(0.26894263088050496);
  });

  it('rounds a fractional seed towards zero', async () => {
    expect(await evaluate('$random(42.9)')).toBe(0.7275636800328681);
  });

  it('without a seed draws from the injected source', async () => {
    expect(await evaluate('$random()')).toBe(0.125);
  });

  it('matches java.util.Random for large seeds (64-bit wrap-around)', () => {
    expect(javaRandomFirstDouble(123456789n)).toBe(0.664038103272266);
    expect(javaRandomFirstDouble(-(2n ** 63n))).toBe(0.730967787376657);
    expect(javaRandomFirstDouble(2n ** 63n)).toBe(0.730967787376657);
    expect(javaRandomFirstDouble(9007199254740993n)).toBe(0.7308781907032909);
  });
});

describe('$uuid', () => {
  it('returns the injected v4 uuid', async () => {
    expect(await evaluate('$uuid()')).toBe('9b2f3c4e-1a2b-4c3d-8e4f-5a6b7c8d9e0f');
  });

  it('refuses arguments', async () => {
    expect(await errorOf('$uuid(1)')).toMatch(/T0410: Argument 1 of function "uuid"/);
  });
});

describe('$parse', () => {
  it('parses a JSON string', async () => {
    expect(await evaluate('$parse(\'{"a":[1,true,null]}\')')).toEqual({ a: [1, true, null] });
    expect(await evaluate('$parse("3")')).toBe(3);
  });

  it('fails for invalid JSON', async () => {
    expect(await errorOf('$parse("{nope")')).toMatch(/D3137: Invalid JSON$/);
  });
});

describe('workflow variables and AWS functions', () => {
  it('lets a workflow variable shadow a function of the same name only when referenced', async () => {
    const e: JsonataEnv = { ...ENV, variables: { hash: 'mine' } };
    expect(await compileJsonata('$hash').evaluate(e)).toBe('mine');
    expect(await compileJsonata('$uuid()').evaluate(e)).toBe(ENV.uuid());
  });
});

describe('$now and $millis', () => {
  const at = Date.UTC(2024, 4, 6, 7, 8, 9, 10);
  const clocked: JsonataEnv = { ...ENV, now: () => at };

  it('read the injected clock', async () => {
    expect(await compileJsonata('$millis()').evaluate(clocked)).toBe(at);
    expect(await compileJsonata('$now()').evaluate(clocked)).toBe('2024-05-06T07:08:09.010Z');
    expect(await compileJsonata("$now('[Y0001]-[M01]-[D01]')").evaluate(clocked)).toBe('2024-05-06');
  });

  it('fall back to the machine clock without one', async () => {
    const before = Date.now();
    const value = (await compileJsonata('$millis()').evaluate(ENV)) as number;
    expect(value).toBeGreaterThanOrEqual(before);
    expect(value).toBeLessThanOrEqual(Date.now());
  });
});
