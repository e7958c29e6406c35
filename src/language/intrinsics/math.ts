import type { Invocation } from './invocation.js';

/** AWS's MathAdd works on Java ints: operands outside this range are refused (AWS guide, Input validation). */
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * States.MathAdd(a, b). Operands are rounded half up to integers first, as AWS does
 * (test_math_add__1: 1.49 + 1.5 → 1 + 2 = 3; __17: -0.5 + 0 → 0), and must fit a Java int.
 */
export function mathAdd(call: Invocation): number {
  const a = call.integer(0);
  const b = call.integer(1);
  for (const [i, v] of [a, b].entries()) {
    if (v < INT_MIN || v > INT_MAX) {
      throw call.fail(`argument ${i + 1} (${v}) is outside the integer range ${INT_MIN} to ${INT_MAX}`);
    }
  }
  return a + b + 0;
}

/**
 * States.MathRandom(start, end[, seed]): an integer from start (inclusive) to end (exclusive), per
 * the AWS guide. Without a seed it draws from scope.random() (injected, so runs replay). With a seed
 * the same seed always gives the same number, as AWS promises; AWS runs on Java, so we draw from
 * java.util.Random(seed), whose nextInt needs a positive bound: end must be greater than start.
 */
export function mathRandom(call: Invocation): number {
  const start = call.integer(0);
  const end = call.integer(1);
  if (end <= start) throw call.fail(`the end (${end}) must be greater than the start (${start})`);
  const size = end - start;
  if (call.args.length === 3) {
    const seed = call.integer(2);
    if (size > INT_MAX) throw call.fail('the range is too large for a seeded random number');
    return start + new JavaRandom(BigInt(seed)).nextInt(size);
  }
  return start + Math.floor(call.scope.random() * size);
}

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

/** java.util.Random: the 48-bit linear congruential generator, exactly as the JDK specifies it. */
export class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (BigInt.asIntN(64, seed) ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  /** Uniform in [0, bound), bound in 1..2^31-1. */
  nextInt(bound: number): number {
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      // Java rejects the draw when bits - val + (bound - 1) overflows a 32-bit int.
      if (bits - val + (bound - 1) <= 0x7fffffff) return val;
    }
  }
}
