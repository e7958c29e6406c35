/**
 * The first `nextDouble()` of `new java.util.Random(seed)`. AWS's `$random(seed)` draws from
 * java.util.Random, so a seeded call must reproduce Java's 48-bit linear congruential generator
 * bit for bit: `$random(42)` is 0.7275636800328681 on AWS.
 */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export function javaRandomFirstDouble(seed: bigint): number {
  let state = (BigInt.asIntN(64, seed) ^ MULTIPLIER) & MASK;
  const next = (bits: bigint): bigint => {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) * 2 ** -53;
}
