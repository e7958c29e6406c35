import { describe, expect, it } from 'vitest';
import { run } from './scope.js';

describe('States.StringSplit', () => {
  it('splits at the delimiter (AWS guide example, test_string_split__4)', () => {
    expect(run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' })).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('drops empty pieces (test_string_split__0 .. __3)', () => {
    expect(run("States.StringSplit($.s, ',')", { s: ' ' })).toEqual([' ']);
    expect(run("States.StringSplit($.s, ',')", { s: ' , ' })).toEqual([' ', ' ']);
    expect(run("States.StringSplit($.s, ',')", { s: ', , ,' })).toEqual([' ', ' ']);
    expect(run("States.StringSplit($.s, ',')", { s: ',,,,' })).toEqual([]);
  });

  it('splits at each character of the delimiter string (test_string_split__5, __6)', () => {
    expect(run('States.StringSplit($.s, $.d)', { s: 'This.is+a,test=string', d: '.+,=' })).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
    expect(run('States.StringSplit($.s, $.d)', { s: 'split on T and \nnew line', d: 'T\n' })).toEqual([
      'split on ',
      ' and ',
      'new line',
    ]);
  });

  it('refuses non-strings', () => {
    expect(() => run("States.StringSplit($.s, ',')", { s: 1 })).toThrow(/argument 1 must be a string/);
    expect(() => run('States.StringSplit($.s, 1)', { s: 'a' })).toThrow(/argument 2 must be a string/);
  });
});
