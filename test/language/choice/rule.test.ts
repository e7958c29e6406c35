import { describe, expect, it } from 'vitest';
import { compileChoiceRule } from '../../../src/language/choice/index.js';
import { StatesError } from '../../../src/language/errors.js';
import type { Json, JsonObject } from '../../../src/language/json.js';
import type { Scope } from '../../../src/language/scope.js';
import { testScope } from '../fixtures.js';

const scope = (input: Json, variables: Record<string, Json> = {}, context: Json = {}): Scope => testScope(input, { variables, context });

function test(rule: JsonObject, input: Json, variables: Record<string, Json> = {}): boolean {
  return compileChoiceRule(rule).test(scope(input, variables));
}

/** [operator, operand, value that matches, value that does not] */
const COMPARISONS: [string, Json, Json, Json][] = [
  ['StringEquals', 'abc', 'abc', 'abd'],
  ['StringLessThan', 'b', 'a', 'b'],
  ['StringGreaterThan', 'b', 'c', 'b'],
  ['StringLessThanEquals', 'b', 'b', 'c'],
  ['StringGreaterThanEquals', 'b', 'b', 'a'],
  ['NumericEquals', 1, 1.0, 1.1],
  ['NumericLessThan', 1, 0.5, 1],
  ['NumericGreaterThan', 1, 2, 1],
  ['NumericLessThanEquals', 1, 1, 2],
  ['NumericGreaterThanEquals', 1, 1, 0],
  ['BooleanEquals', true, true, false],
  ['TimestampEquals', '2012-10-09T19:00:55Z', '2012-10-09T20:00:55+01:00', '2012-10-09T19:00:56Z'],
  ['TimestampLessThan', '2012-10-09T19:00:55Z', '2012-10-09T19:00:54Z', '2012-10-09T19:00:55Z'],
  ['TimestampGreaterThan', '2012-10-09T19:00:55Z', '2012-10-09T19:00:56Z', '2012-10-09T19:00:55Z'],
  ['TimestampLessThanEquals', '2012-10-09T19:00:55Z', '2012-10-09T19:00:55Z', '2012-10-09T19:00:56Z'],
  ['TimestampGreaterThanEquals', '2012-10-09T19:00:55Z', '2012-10-09T19:00:55Z', '2012-10-09T19:00:54Z'],
];

describe('compileChoiceRule comparison operators', () => {
  for (const [operator, operand, yes, no] of COMPARISONS) {
    it(`${operator} matches ${JSON.stringify(yes)} and not ${JSON.stringify(no)} against ${JSON.stringify(operand)}`, () => {
      expect(test({ Variable: '$.v', [operator]: operand }, { v: yes })).toBe(true);
      expect(test({ Variable: '$.v', [operator]: operand }, { v: no })).toBe(false);
    });

    it(`${operator}Path reads its right-hand side with a path`, () => {
      expect(test({ Variable: '$.v', [`${operator}Path`]: '$.w' }, { v: yes, w: operand })).toBe(true);
      expect(test({ Variable: '$.v', [`${operator}Path`]: '$.w' }, { v: no, w: operand })).toBe(false);
    });
  }

  it('compares values of another type as false, never as an error (choice_operators recordings)', () => {
    expect(test({ Variable: '$.v', StringEquals: '1' }, { v: 1 })).toBe(false);
    expect(test({ Variable: '$.v', NumericEquals: 0 }, { v: false })).toBe(false);
    expect(test({ Variable: '$.v', NumericEquals: 0 }, { v: '0' })).toBe(false);
    expect(test({ Variable: '$.v', BooleanEquals: false }, { v: 0 })).toBe(false);
    expect(test({ Variable: '$.v', BooleanEquals: false }, { v: null })).toBe(false);
    expect(test({ Variable: '$.v', TimestampEquals: '2012-10-09T19:00:55Z' }, { v: null })).toBe(false);
    expect(test({ Variable: '$.v', TimestampEquals: '2012-10-09T19:00:55Z' }, { v: '2023-02-24 12:15:56.832957' })).toBe(false);
    expect(test({ Variable: '$.v', NumericEqualsPath: '$.w' }, { v: 1, w: '1' })).toBe(false);
  });

  it('orders strings by UTF-16 code unit, as Java String.compareTo', () => {
    expect(test({ Variable: '$.v', StringLessThan: 'a' }, { v: 'B' })).toBe(true);
    expect(test({ Variable: '$.v', StringLessThan: 'A ' }, { v: 'A' })).toBe(true);
    // U+FF21 (fullwidth A) is one code unit above U+D83D (first unit of an emoji) in code points but not in units.
    expect(test({ Variable: '$.v', StringGreaterThan: '\u{1F600}' }, { v: '\uFF21' })).toBe(true);
  });

  it('compares timestamps as instants, down to the nanosecond', () => {
    expect(test({ Variable: '$.v', TimestampLessThan: '2016-03-05T21:29:29.243167253Z' }, { v: '2016-03-05T21:29:29.243167252Z' })).toBe(true);
  });

  it('treats whitespace as significant in string equality', () => {
    expect(test({ Variable: '$.v', StringEquals: '\t\r\n' }, { v: '\t\n' })).toBe(false);
  });
});

describe('compileChoiceRule type tests', () => {
  const values: Record<string, Json> = { nul: null, str: 'x', num: 1.5, bool: false, ts: '2012-10-09T19:00:55Z', obj: {}, arr: [] };

  it.each([
    ['IsNull', 'nul', 'str'],
    ['IsString', 'str', 'num'],
    ['IsNumeric', 'num', 'str'],
    ['IsBoolean', 'bool', 'nul'],
    ['IsTimestamp', 'ts', 'str'],
    ['IsPresent', 'obj', 'missing'],
  ])('%s true matches $.%s and not $.%s', (operator, yes, no) => {
    expect(test({ Variable: `$.${yes}`, [operator]: true }, values)).toBe(true);
    if (operator === 'IsPresent') expect(test({ Variable: `$.${no}`, [operator]: true }, values)).toBe(false);
    else expect(test({ Variable: `$.${no}`, [operator]: true }, values)).toBe(false);
    expect(test({ Variable: `$.${yes}`, [operator]: false }, values)).toBe(false);
  });

  it('IsTimestamp is false for a timestamp without an offset and for non-strings', () => {
    expect(test({ Variable: '$.v', IsTimestamp: true }, { v: '2012-10-09T19:00:55' })).toBe(false);
    expect(test({ Variable: '$.v', IsTimestamp: false }, { v: 12 })).toBe(true);
  });

  it('IsPresent false matches a path that matches nothing, without an error', () => {
    expect(test({ Variable: '$.missing', IsPresent: false }, {})).toBe(true);
    expect(test({ Variable: '$.a.b.c', IsPresent: false }, { a: 1 })).toBe(true);
  });

  it('IsNull false does not match null and IsNumeric false does not match 0 (choice_operators/test_is_*)', () => {
    expect(test({ Variable: '$.v', IsNull: false }, { v: null })).toBe(false);
    expect(test({ Variable: '$.v', IsNumeric: false }, { v: 0 })).toBe(false);
  });
});

describe('compileChoiceRule StringMatches', () => {
  it('matches * as any run of characters', () => {
    const rule = { Variable: '$.v', StringMatches: 'log-*.txt' };
    expect(test(rule, { v: 'log-2024.txt' })).toBe(true);
    expect(test(rule, { v: 'log-.txt' })).toBe(true);
    expect(test(rule, { v: 'log-2024.txt.bak' })).toBe(false);
    expect(test(rule, { v: 'xlog-1.txt' })).toBe(false);
  });

  it('reads \\* as a literal asterisk and \\\\ as a literal backslash', () => {
    expect(test({ Variable: '$.v', StringMatches: 'a\\*b' }, { v: 'a*b' })).toBe(true);
    expect(test({ Variable: '$.v', StringMatches: 'a\\*b' }, { v: 'axxb' })).toBe(false);
    expect(test({ Variable: '$.v', StringMatches: 'a\\\\*' }, { v: 'a\\xyz' })).toBe(true);
    expect(test({ Variable: '$.v', StringMatches: 'a\\\\*' }, { v: 'axyz' })).toBe(false);
  });

  it('treats regular expression characters literally and matches across lines', () => {
    expect(test({ Variable: '$.v', StringMatches: '(a|b).+' }, { v: '(a|b).+' })).toBe(true);
    expect(test({ Variable: '$.v', StringMatches: '(a|b).+' }, { v: 'a.+' })).toBe(false);
    expect(test({ Variable: '$.v', StringMatches: 'a*z' }, { v: 'a\nz' })).toBe(true);
  });

  it('is false for a non-string value', () => {
    expect(test({ Variable: '$.v', StringMatches: '*' }, { v: 1 })).toBe(false);
  });
});

describe('compileChoiceRule And / Or / Not', () => {
  const positive = { Variable: '$.n', NumericGreaterThan: 0 };
  const even = { Variable: '$.even', BooleanEquals: true };

  it('And matches when every rule matches', () => {
    expect(test({ And: [positive, even] }, { n: 2, even: true })).toBe(true);
    expect(test({ And: [positive, even] }, { n: 2, even: false })).toBe(false);
  });

  it('Or matches when one rule matches', () => {
    expect(test({ Or: [positive, even] }, { n: -1, even: true })).toBe(true);
    expect(test({ Or: [positive, even] }, { n: -1, even: false })).toBe(false);
  });

  it('Not inverts a rule', () => {
    expect(test({ Not: positive }, { n: -1 })).toBe(true);
    expect(test({ Not: positive }, { n: 1 })).toBe(false);
  });

  it('nests to any depth', () => {
    const rule: JsonObject = { Or: [{ And: [positive, { Not: even }] }, { Variable: '$.n', NumericEquals: 0 }] };
    expect(test(rule, { n: 3, even: false })).toBe(true);
    expect(test(rule, { n: 4, even: true })).toBe(false);
    expect(test(rule, { n: 0, even: true })).toBe(true);
  });

  it('stops at the first deciding rule, so a later missing Variable does not fail (scenarios map_state_break_condition)', () => {
    const rule: JsonObject = { And: [{ Variable: '$', IsNumeric: true }, { Variable: '$.missing', NumericEquals: 3 }] };
    expect(compileChoiceRule(rule).test(scope('Hello'))).toBe(false);
    expect(test({ Or: [positive, { Variable: '$.missing', IsNull: true }] }, { n: 1 })).toBe(true);
  });
});

describe('compileChoiceRule paths', () => {
  it('reads Variable from the context object with $$', () => {
    const rule = compileChoiceRule({ Variable: '$$.Execution.Name', StringEquals: 'run-1' });
    expect(rule.test(scope({}, {}, { Execution: { Name: 'run-1' } }))).toBe(true);
  });

  it('reads Variable and Path operands from workflow variables with $name', () => {
    expect(test({ Variable: '$limit', NumericGreaterThan: 3 }, {}, { limit: 5 })).toBe(true);
    expect(test({ Variable: '$.n', NumericLessThanPath: '$limits.max' }, { n: 2 }, { limits: { max: 3 } })).toBe(true);
  });

  it('fails with States.Runtime when Variable matches nothing', () => {
    const run = (): boolean => test({ Variable: '$.missing', StringEquals: 'x' }, {});
    expect(run).toThrow(StatesError);
    try {
      run();
    } catch (e) {
      expect((e as StatesError).error).toBe('States.Runtime');
      expect((e as StatesError).cause).toBe("Invalid path '$.missing': The choice state's condition path references an invalid value.");
    }
  });

  it('fails with States.Runtime when a …Path operand matches nothing', () => {
    expect(() => test({ Variable: '$.v', StringEqualsPath: '$.other' }, { v: 'x' })).toThrow(
      "Invalid path '$.other': The choice state's condition path references an invalid value.",
    );
  });

  it('fails for an unbound workflow variable, except under IsPresent', () => {
    expect(() => test({ Variable: '$nope', IsNull: true }, {})).toThrow(StatesError);
    expect(test({ Variable: '$nope', IsPresent: false }, {})).toBe(true);
  });
});

describe('compileChoiceRule malformed rules', () => {
  it('refuses a rule without an operator or with two', () => {
    expect(() => compileChoiceRule({ Variable: '$.v', Next: 'X' })).toThrow(/exactly one/);
    expect(() => compileChoiceRule({ Variable: '$.v', StringEquals: 'a', NumericEquals: 1 })).toThrow(/exactly one/);
  });

  it('refuses an operand of the wrong kind', () => {
    expect(() => compileChoiceRule({ Variable: '$.v', IsNull: 'yes' })).toThrow();
    expect(() => compileChoiceRule({ Variable: '$.v', StringEqualsPath: 3 })).toThrow();
    expect(() => compileChoiceRule({ And: [] })).toThrow();
  });
});
