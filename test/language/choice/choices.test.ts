import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileChoices } from '../../../src/language/choice/index.js';
import { isJsonObject, type Json, type JsonObject } from '../../../src/language/json.js';
import type { Scope } from '../../../src/language/scope.js';
import { RECORDED_CASES_DIR } from '../../conformance/cases.js';

function scope(input: Json): Scope {
  return { input, context: {}, variable: () => undefined, random: () => 0.5, uuid: () => 'u' };
}

describe('compileChoices', () => {
  const choices = compileChoices([
    { Variable: '$.n', NumericLessThan: 0, Next: 'Negative' },
    { Variable: '$.n', NumericEquals: 0, Next: 'Zero' },
    { Variable: '$.n', NumericGreaterThan: -100, Next: 'NotVeryNegative' },
  ]);

  it('answers the Next of the first rule that matches', () => {
    expect(choices.choose(scope({ n: -5 }))).toBe('Negative');
    expect(choices.choose(scope({ n: 0 }))).toBe('Zero');
    expect(choices.chooseIndex(scope({ n: 0 }))).toBe(1);
  });

  it('answers undefined when no rule matches, leaving Default to the engine', () => {
    expect(compileChoices([{ Variable: '$.s', StringEquals: 'a', Next: 'A' }]).choose(scope({ s: 'b' }))).toBeUndefined();
    expect(choices.chooseIndex(scope({ n: 'text' }))).toBe(-1);
  });

  it('does not evaluate rules after the first match', () => {
    const c = compileChoices([
      { Variable: '$.ok', BooleanEquals: true, Next: 'First' },
      { Variable: '$.missing', BooleanEquals: true, Next: 'Second' },
    ]);
    expect(c.choose(scope({ ok: true }))).toBe('First');
    expect(() => c.choose(scope({ ok: false }))).toThrow(/Invalid path '\$.missing'/);
  });

  it('refuses a rule without Next', () => {
    expect(() => compileChoices([{ Variable: '$.s', StringEquals: 'a' }])).toThrow(/Next/);
  });
});

// Every recording in choice_operators is a one-rule Choice between ConditionTrue and the Default
// ConditionFalse; the branch AWS took is the output's TestResult.$.
const CASES = join(RECORDED_CASES_DIR, 'choice_operators');

describe('compileChoices against the choice_operators recordings', () => {
  const files = readdirSync(CASES).filter((f) => f.endsWith('.json'));

  it('takes the branch AWS took in every recording', () => {
    const mismatches: string[] = [];
    for (const file of files) {
      const recorded = JSON.parse(readFileSync(join(CASES, file), 'utf8')) as JsonObject;
      const definition = recorded.definition as JsonObject;
      const states = definition.States as JsonObject;
      const choice = Object.values(states).find((s) => isJsonObject(s) && s.Type === 'Choice') as JsonObject;
      const expected = ((recorded.expected as JsonObject).output as JsonObject)['TestResult.$'];
      const next = compileChoices(choice.Choices as JsonObject[]).choose(scope(recorded.input)) ?? choice.Default;
      if (next !== expected) mismatches.push(`${file}: took ${String(next)}, AWS took ${String(expected)}`);
    }
    expect(files.length).toBeGreaterThan(300);
    expect(mismatches).toEqual([]);
  });
});
