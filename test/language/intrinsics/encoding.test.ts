import { describe, expect, it } from 'vitest';
import { run } from './scope.js';

describe('States.Base64Encode', () => {
  it('encodes the UTF-8 bytes (AWS guide example, test_base_64_encode__1)', () => {
    expect(run('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run("States.Base64Encode('é')")).toBe('w6k=');
  });

  it('accepts 10000 characters and refuses more', () => {
    expect(run('States.Base64Encode($.s)', { s: 'a'.repeat(10000) })).toHaveLength(13336);
    expect(() => run('States.Base64Encode($.s)', { s: 'a'.repeat(10001) })).toThrow(/more than the limit of 10000/);
  });

  it('refuses a non-string', () => {
    expect(() => run('States.Base64Encode($.s)', { s: 1 })).toThrow(/must be a string/);
  });
});

describe('States.Base64Decode', () => {
  it('decodes to text (AWS guide example, test_base_64_decode__0, __1)', () => {
    expect(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe('Data to encode');
    expect(run('States.Base64Decode($.base64)', { base64: '' })).toBe('');
  });

  it('accepts missing padding and refuses text outside the Base64 alphabet', () => {
    expect(run("States.Base64Decode('w6k')")).toBe('é');
    expect(() => run("States.Base64Decode('not base64!')")).toThrow(/not valid Base64/);
    expect(() => run("States.Base64Decode('abcde')")).toThrow(/not valid Base64/);
  });

  it('refuses more than 10000 characters', () => {
    expect(() => run('States.Base64Decode($.s)', { s: 'A'.repeat(10004) })).toThrow(/limit of 10000/);
  });
});
