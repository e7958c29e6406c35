import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/language/errors.js';
import { run } from './scope.js';

describe('States.Format', () => {
  it('fills each {} with the value in its position (AWS guide example)', () => {
    const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
    expect(run("States.Format('Hello, my name is {}.', $.name)", input)).toBe('Hello, my name is Arnav.');
    expect(run('States.Format($.template, $.name)', input)).toBe('Hello, my name is Arnav.');
  });

  it('prints strings bare, null as null and numbers as Java does (test_format_1, test_format_2)', () => {
    expect(run("States.Format('a={} b={} c={} d={}', $.s, $.n, $.i, $.f)", { s: '', n: null, i: 1, f: 1.1 })).toBe(
      'a= b=null c=1 d=1.1',
    );
    expect(run("States.Format('{}', 'Hello')")).toBe('Hello');
    expect(run("States.Format('{} {}', true, 2020)")).toBe('true 2020');
  });

  it('prints objects and arrays as Java maps and lists (test_format_2__7, test_context_json_path__0)', () => {
    const input = { o: { Arg1: 1, Arg2: [] }, sm: { Id: 'arn:x', Name: 'n' }, l: ['a', 1, null, { k: 'v' }] };
    expect(run("States.Format('fst={} snd={}', $.o, $.sm)", input)).toBe(
      'fst={Arg1=1, Arg2=[]} snd={Id=arn:x, Name=n}',
    );
    expect(run("States.Format('{}', $.l)", input)).toBe('[a, 1, null, {k=v}]');
  });

  it('does not re-read braces that come from a value', () => {
    expect(run("States.Format('x{}y', $.v)", { v: '{}' })).toBe('x{}y');
    expect(run("States.Format('{}', $.v)", { v: '{"Arg1": 1, "Arg2": []}' })).toBe('{"Arg1": 1, "Arg2": []}');
  });

  it('keeps escaped braces and quotes of a literal template as text', () => {
    expect(run("States.Format('\\{\\} is {}, it\\'s \\\\', 'braces')")).toBe("{} is braces, it's \\");
  });

  it('fails with States.IntrinsicFailure when a literal template has the wrong number of {}', () => {
    expect(() => run("States.Format('{} and {}', 1)")).toThrow(/2 '\{\}' but 1 value/);
    expect(() => run("States.Format('\\{}', 1)")).toThrow(/0 '\{\}' but 1 value/);
    expect(run("States.Format('\\{}')")).toBe('{}');
  });

  it('fails with States.IntrinsicFailure when a template from a path has the wrong number of {}', () => {
    expect(() => run('States.Format($.t, 1)', { t: '{} {}' })).toThrow(StatesError);
    try {
      run('States.Format($.t, 1)', { t: 'none' });
    } catch (e) {
      expect(e).toBeInstanceOf(StatesError);
      expect((e as StatesError).error).toBe('States.IntrinsicFailure');
      expect((e as StatesError).cause).toContain('States.Format');
    }
  });

  it('fails when a template from a path is not a string', () => {
    expect(() => run('States.Format($.t)', { t: 1 })).toThrow(/must be a string/);
  });
});
