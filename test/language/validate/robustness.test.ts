import { describe, expect, it } from 'vitest';
import { formatInvalidDefinitionMessage, loadDefinition, validateDefinition } from '../../../src/language/validate/index.js';

function chain(n: number): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) states[`S${i}`] = i === n - 1 ? { Type: 'Succeed' } : { Type: 'Pass', Result: { i }, ResultPath: '$.r', Next: `S${i + 1}` };
  return { StartAt: 'S0', States: states };
}

describe('validating untrusted definitions', () => {
  it('validates a 1,000-state definition without a diagnostic', () => {
    expect(validateDefinition(JSON.stringify(chain(1000)))).toEqual([]);
  });

  it('handles a 10 MB definition without crashing', () => {
    const big = { StartAt: 'A', States: { A: { Type: 'Pass', Result: { blob: 'x'.repeat(10 * 1024 * 1024) }, End: true } } };
    expect(validateDefinition(JSON.stringify(big))).toEqual([]);
  });

  it('reports 10,000-deep nesting as a diagnostic, from text and from a value', () => {
    let nested: unknown = {};
    for (let i = 0; i < 10_000; i++) nested = { a: nested };
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', Result: nested, End: true } } };
    const fromValue = validateDefinition(def);
    expect(fromValue[0].code).toBe('INVALID_JSON_DESCRIPTION');
    const text = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}}}';
    expect(validateDefinition(text)[0].code).toBe('INVALID_JSON_DESCRIPTION');
  });

  it('reports deeply nested Choice rules without recursion trouble', () => {
    let rule: Record<string, unknown> = { Variable: '$.x', IsPresent: true };
    for (let i = 0; i < 900; i++) rule = { Not: rule };
    const def = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ ...rule, Next: 'D' }] }, D: { Type: 'Succeed' } } };
    expect(validateDefinition(def)).toEqual([]);
  });

  it('reports a value with a reference cycle instead of hanging', () => {
    const state: Record<string, unknown> = { Type: 'Pass', End: true };
    state.Result = state;
    expect(validateDefinition({ StartAt: 'A', States: { A: state } })[0].code).toBe('INVALID_JSON_DESCRIPTION');
  });

  it('treats __proto__ and constructor as ordinary state names', () => {
    const text = '{"StartAt":"__proto__","States":{"__proto__":{"Type":"Pass","Next":"constructor"},"constructor":{"Type":"Succeed"}}}';
    expect(validateDefinition(text)).toEqual([]);
    expect(({} as Record<string, unknown>).Type).toBeUndefined();
  });

  it('reports non-string StartAt and Next values', () => {
    const got = validateDefinition({ StartAt: 1, States: { A: { Type: 'Pass', Next: 2 } } });
    expect(got.map((d) => `${d.path} ${d.message}`)).toEqual(expect.arrayContaining(['/StartAt Expected value of type [STRING]', '/States/A/Next Expected value of type [STRING]']));
  });

  it('reports definitions that are not objects', () => {
    expect(validateDefinition('[]').map((d) => d.message)).toEqual(['Expected value of type [OBJECT]']);
    expect(validateDefinition('"x"').map((d) => d.message)).toEqual(['Expected value of type [OBJECT]']);
    expect(validateDefinition(null)[0].code).toBe('MISSING_DESCRIPTION');
  });
});

describe('loadDefinition', () => {
  it('returns a deep-frozen copy of a valid definition', () => {
    const input = chain(3);
    const loaded = loadDefinition(input);
    if (!('definition' in loaded)) throw new Error('expected a definition');
    expect(loaded.definition.StartAt).toBe('S0');
    expect(Object.isFrozen(loaded.definition.States.S0)).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
  });

  it('returns the errors of an invalid one', () => {
    expect(loadDefinition('{}')).toEqual({ diagnostics: [expect.objectContaining({ code: 'SCHEMA_VALIDATION_FAILED' })] });
  });
});

describe('formatInvalidDefinitionMessage', () => {
  it('writes every error as AWS does, "at null" where there is no location', () => {
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'NOPE' } } };
    expect(formatInvalidDefinitionMessage(validateDefinition(def))).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: NOPE at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'",
    );
  });
});
