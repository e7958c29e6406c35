import { describe, expect, it } from 'vitest';
import { compileStringMatches } from '../../../src/language/choice/string-matches.js';

/** The regex translation the matcher replaced: the reference for the differential test. */
function regexMatcher(pattern: string): (text: string) => boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') source += '[\\s\\S]*';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return (text) => new RegExp(source + '$').test(text);
}

/** A small deterministic generator (the test must not depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('compileStringMatches', () => {
  it('agrees with the regex translation on random patterns and texts', () => {
    const rand = lcg(7);
    const pick = (alphabet: string, n: number): string => {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
      return out;
    };
    let matched = 0;
    for (let i = 0; i < 5000; i++) {
      const pattern = pick('ab*\\', Math.floor(rand() * 8));
      const text = pick('ab*\\', Math.floor(rand() * 10));
      const expected = regexMatcher(pattern)(text);
      if (expected) matched++;
      expect(compileStringMatches(pattern)(text), `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`).toBe(expected);
    }
    // Both outcomes occur often enough for the comparison to mean something.
    expect(matched).toBeGreaterThan(300);
    expect(matched).toBeLessThan(4500);
  });

  it('keeps prefix and suffix apart when they could overlap', () => {
    expect(compileStringMatches('a*a')('a')).toBe(false);
    expect(compileStringMatches('a*a')('aa')).toBe(true);
    expect(compileStringMatches('ab*ba')('aba')).toBe(false);
    expect(compileStringMatches('*ab*ab*')('xabyab')).toBe(true);
    expect(compileStringMatches('*aab*')('aaab')).toBe(true);
  });

  it('answers the backtracking poison pill *a*a*a*a*a*a*b at once (issue #13)', () => {
    const matches = compileStringMatches('*a*a*a*a*a*a*b');
    expect(matches('a'.repeat(100))).toBe(false);
    expect(matches('a'.repeat(200_000))).toBe(false);
    expect(matches('a'.repeat(200_000) + 'b')).toBe(true);
    const manyStars = compileStringMatches('*a'.repeat(200) + '*b');
    expect(manyStars('a'.repeat(100_000))).toBe(false);
  });
});
