import { describe, expect, it } from 'vitest';
import { IntrinsicSyntaxError, isIntrinsicCall, parseIntrinsic } from '../../../src/language/intrinsics/index.js';

describe('isIntrinsicCall', () => {
  it('recognises a value starting with "States." as an intrinsic call', () => {
    expect(isIntrinsicCall("States.Format('{}', $.a)")).toBe(true);
    expect(isIntrinsicCall('  States.UUID()')).toBe(true);
  });

  it('treats paths and other text as not intrinsic', () => {
    expect(isIntrinsicCall('$.States.Format')).toBe(false);
    expect(isIntrinsicCall('$$.Execution.Id')).toBe(false);
    expect(isIntrinsicCall('states.Format()')).toBe(false);
  });
});

describe('parseIntrinsic', () => {
  it('parses literals of every kind', () => {
    const call = parseIntrinsic("States.Array('a', 1, -2.5, 1e3, true, false, null)");
    expect(call.name).toBe('States.Array');
    expect(call.args).toEqual([
      { kind: 'string', value: 'a', raw: 'a' },
      { kind: 'number', value: 1, text: '1' },
      { kind: 'number', value: -2.5, text: '-2.5' },
      { kind: 'number', value: 1000, text: '1e3' },
      { kind: 'boolean', value: true },
      { kind: 'boolean', value: false },
      { kind: 'null' },
    ]);
  });

  it('parses path arguments of input, context and variables', () => {
    const call = parseIntrinsic('States.Array($, $.a.b, $$.Execution.Id, $myVar.field, $[0])');
    expect(call.args).toEqual([
      { kind: 'path', path: '$' },
      { kind: 'path', path: '$.a.b' },
      { kind: 'path', path: '$$.Execution.Id' },
      { kind: 'path', path: '$myVar.field' },
      { kind: 'path', path: '$[0]' },
    ]);
  });

  it('keeps commas and parentheses inside a path bracket as part of the path', () => {
    const call = parseIntrinsic("States.Array($.a[0,1], $.b[?(@.c == 'x,y)')], $['k,)'])");
    expect(call.args.map((a) => (a.kind === 'path' ? a.path : a.kind))).toEqual([
      '$.a[0,1]',
      "$.b[?(@.c == 'x,y)')]",
      "$['k,)']",
    ]);
  });

  it('parses nested calls', () => {
    const call = parseIntrinsic(
      "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
    );
    expect(call.name).toBe('States.ArrayGetItem');
    const [first, second] = call.args;
    expect(first.kind === 'call' && first.call.name).toBe('States.StringSplit');
    expect(second.kind === 'call' && second.call.name).toBe('States.MathAdd');
    if (second.kind !== 'call') throw new Error('expected a call');
    expect(second.call.args[1]).toEqual({ kind: 'number', value: -1, text: '-1' });
  });

  it("applies the escapes \\' \\{ \\} \\\\ in strings and keeps the raw text", () => {
    const call = parseIntrinsic("States.Format('It\\'s \\{\\} a \\\\ b')");
    expect(call.args[0]).toEqual({ kind: 'string', value: "It's {} a \\ b", raw: "It\\'s \\{\\} a \\\\ b" });
  });

  it('accepts whitespace around names, parentheses and arguments', () => {
    const call = parseIntrinsic('  States.MathAdd ( 1 ,  2 )  ');
    expect(call.args).toHaveLength(2);
  });

  it('accepts an empty argument list', () => {
    expect(parseIntrinsic('States.UUID()').args).toEqual([]);
    expect(parseIntrinsic('States.Array()').args).toEqual([]);
  });

  it('refuses any other backslash escape, as AWS refuses \\" (validation ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION_2)', () => {
    expect(() => parseIntrinsic(`States.Format('He said, \\"Hello, {}!\\"', 'Test \\"Name\\" Here')`)).toThrow(
      IntrinsicSyntaxError,
    );
    expect(() => parseIntrinsic("States.Format('a\\nb')")).toThrow(/invalid escape/);
  });

  it('refuses unknown function names', () => {
    expect(() => parseIntrinsic('States.Nope(1)')).toThrow(/unknown intrinsic function 'States.Nope'/);
    expect(() => parseIntrinsic('States.format(1)')).toThrow(IntrinsicSyntaxError);
    expect(() => parseIntrinsic('States.Array(Foo.Bar(1))')).toThrow(/unknown intrinsic function 'Foo.Bar'/);
  });

  it('refuses a wrong number of arguments', () => {
    expect(() => parseIntrinsic('States.ArrayLength()')).toThrow(/takes 1 argument, got 0/);
    expect(() => parseIntrinsic('States.UUID(1)')).toThrow(/takes 0 arguments, got 1/);
    expect(() => parseIntrinsic('States.MathRandom(1)')).toThrow(/takes 2 to 3 arguments, got 1/);
    expect(() => parseIntrinsic('States.MathRandom(1, 2, 3, 4)')).toThrow(IntrinsicSyntaxError);
    expect(() => parseIntrinsic('States.Format()')).toThrow(/at least 1/);
    expect(() => parseIntrinsic('States.JsonMerge($.a, $.b)')).toThrow(/takes 3 arguments/);
  });

  it('refuses a States.Format template that is a literal number, boolean or null', () => {
    expect(() => parseIntrinsic('States.Format(1)')).toThrow(/must be a string/);
    expect(() => parseIntrinsic('States.Format(null, 1)')).toThrow(IntrinsicSyntaxError);
  });

  it("leaves the '{}' count of States.Format to run time (the AWS guide's own example has 3 '{}' and 2 values)", () => {
    expect(() => parseIntrinsic("States.Format('{}.{}.{}', $.a, $.b)")).not.toThrow();
  });

  it('refuses malformed text', () => {
    for (const bad of [
      'States.Array(',
      'States.Array(1',
      'States.Array(1,)',
      'States.Array(,1)',
      "States.Array('abc)",
      'States.Array(1 2)',
      'States.Array(12abc)',
      'States.Array(truex)',
      'States.Array() extra',
      'States.Array',
      'States.Array($.a[0)',
      'States.Array("double")',
      '',
    ]) {
      expect(() => parseIntrinsic(bad), bad).toThrow(IntrinsicSyntaxError);
    }
  });

  it('says where the problem is', () => {
    expect(() => parseIntrinsic('States.Array(1 2)')).toThrow(/at position 15/);
  });
});
