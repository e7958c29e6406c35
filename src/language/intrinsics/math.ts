import type { Invocation } from './invocation.js';

/**
 * States.MathAdd(a, b). Operands are rounded half up to integers first, as AWS does
 * (test_math_add__1: 1.49 + 1.5 → 1 + 2 = 3; __17: -0.5 + 0 → 0).
 */
export function mathAdd(call: Invocation): number {
  return call.integer(0) + call.integer(1) + 0;
}

/**
 * States.MathRandom(start, end[, seed]): an integer from start to end inclusive. Without a seed it
 * draws from scope.random() (injected, so runs replay). With a seed the same seed always gives the
 * same number, as AWS promises; AWS runs on Java, so we draw from java.util.Random(seed).
 */
export function mathRandom(call: Invocation): number {
  const start = call.integer(0);
  const end = call.integer(1);
  if (end < start) throw call.fail(`the end (${end}) must not be less than the start (${start})`);
  const size = end - start + 1;
  if (call.args.length === 3) {
    const seed = call.integer(2);
    if (size > 0x7fffffff) throw call.fail('the range is too large for a seeded random number');
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
