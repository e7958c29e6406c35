import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/language/json.js';
import { compilePath, PathSyntaxError } from '../../../src/language/jsonpath/index.js';
import { backtrackingOnlyFeature } from '../../../src/language/linear-regex.js';
import { scopeOf } from './scope.js';

const select = (path: string, input: Json): Json | undefined => compilePath(path).select(scopeOf(input));

describe('JSONPath filter regexes', () => {
  it('answers the catastrophic backtracking pattern (a+)+$ instead of blocking (issue #13)', () => {
    const items = [{ a: 'a'.repeat(5000) + '!' }, { a: 'aaaa' }];
    expect(select('$[?(@.a =~ /(a+)+$/)]', items)).toEqual([{ a: 'aaaa' }]);
    expect(select('$[?(@.a =~ /(a|aa)+/)]', [{ a: 'a'.repeat(3000) + 'b' }])).toEqual([]);
  });

  it('refuses backreferences and lookarounds, which only the backtracking engine runs', () => {
    for (const pattern of ['(a+)+\\1', '(?<x>a)\\k<x>', '(?=a)a+', '(?!b)a', '(?<=a)b', '(?<!a)b']) {
      expect(() => compilePath(`$[?(@.a =~ /${pattern}/)]`), pattern).toThrow(PathSyntaxError);
    }
    expect(() => compilePath('$[?(@.a =~ /(a+)+\\1/)]')).toThrow(/backreference \\1, which can take exponential time/);
  });

  it('tells escaped and bracketed look-alikes from backreferences and lookarounds', () => {
    expect(backtrackingOnlyFeature('\\\\1')).toBeUndefined();
    expect(backtrackingOnlyFeature('[\\1]')).toBeUndefined();
    expect(backtrackingOnlyFeature('\\(?=')).toBeUndefined();
    expect(backtrackingOnlyFeature('(?:a)(?<name>b)')).toBeUndefined();
    expect(backtrackingOnlyFeature('a(?<!b)')).toBe('lookaround (?<!');
  });
});
