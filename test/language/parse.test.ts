import { describe, expect, it } from 'vitest';
import { parseDefinitionText } from '../../src/language/parse.js';

describe('parseDefinitionText', () => {
  it('parses JSON definitions', () => {
    expect(parseDefinitionText('{"StartAt":"A","States":{}}')).toEqual({ value: { StartAt: 'A', States: {} } });
  });

  it('reports invalid JSON with line and column, in Jackson words', () => {
    const result = parseDefinitionText('{\n  "StartAt": "A",\n  }');
    expect(result).toEqual({
      diagnostics: [
        {
          code: 'INVALID_JSON_DESCRIPTION',
          path: '',
          message: "Unexpected character ('}' (code 125)): was expecting double-quote to start field name at [line: 3, column: 3]",
          severity: 'ERROR',
        },
      ],
    });
  });

  it('reports a missing colon, a bad literal and a truncated document', () => {
    const message = (text: string): string => {
      const r = parseDefinitionText(text);
      return 'diagnostics' in r ? r.diagnostics[0].message : '';
    };
    expect(message('{"a" 1}')).toBe("Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value at [line: 1, column: 6]");
    expect(message('{"a": tru}')).toMatch(/^Unrecognized token 'tru'/);
    expect(message('{"a": [1, 2')).toMatch(/^Unexpected end-of-input: expected close marker for Array/);
    expect(message('{"a": "x\ny"}')).toMatch(/^Illegal unquoted character \(\(CTRL-CHAR, code 10\)\)/);
    expect(message('{} x')).toMatch(/expected end-of-input/);
  });

  it('reports an empty definition as MISSING_DESCRIPTION', () => {
    const r = parseDefinitionText('  ');
    expect('diagnostics' in r && r.diagnostics[0].code).toBe('MISSING_DESCRIPTION');
  });

  it('refuses nesting deeper than 1000, as Jackson does, without overflowing the stack', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = parseDefinitionText(deep);
    expect('diagnostics' in r && r.diagnostics[0].message).toMatch(/^Document nesting depth \(1001\) exceeds the maximum allowed \(1000/);
  });

  it('keeps __proto__ as a plain key without touching Object.prototype', () => {
    const r = parseDefinitionText('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}');
    expect('value' in r).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses YAML only when asked', () => {
    const yaml = 'StartAt: A\nStates:\n  A:\n    Type: Succeed\n';
    expect(parseDefinitionText(yaml, { allowYaml: true })).toEqual({ value: { StartAt: 'A', States: { A: { Type: 'Succeed' } } } });
    expect('diagnostics' in parseDefinitionText(yaml)).toBe(true);
  });

  it('reports a YAML syntax error with its line', () => {
    const r = parseDefinitionText('StartAt: A\nStates: [\n', { allowYaml: true });
    expect('diagnostics' in r && r.diagnostics[0].message).toMatch(/line: \d+, column: \d+/);
  });
});
