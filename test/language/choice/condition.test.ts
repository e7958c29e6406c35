import { describe, expect, it } from 'vitest';
import { compileConditionChoices } from '../../../src/language/choice/index.js';
import { StatesError } from '../../../src/language/errors.js';
import type { Json } from '../../../src/language/json.js';
import type { JsonataEnv } from '../../../src/language/jsonata/index.js';

const env = (input: Json): JsonataEnv => ({ states: { input, context: {} }, variables: {}, random: () => 0.5, uuid: () => 'u' });

describe('compileConditionChoices', () => {
  const choices = compileConditionChoices([
    { Condition: '{% $states.input.n < 0 %}', Next: 'Negative' },
    { Condition: '{% $states.input.n = 0 %}', Next: 'Zero' },
  ]);

  it('answers the index of the first true Condition and its Next', async () => {
    expect(await choices.chooseIndex(env({ n: -1 }))).toBe(0);
    const i = await choices.chooseIndex(env({ n: 0 }));
    expect(i).toBe(1);
    expect(choices.next(i)).toBe('Zero');
  });

  it('answers -1 when no Condition is true (assign/test_assign_in_choice_CONDITION_FALSE)', async () => {
    const c = compileConditionChoices([{ Condition: '{% $states.input.condition %}', Next: 'ConditionTrue' }]);
    expect(await c.chooseIndex(env({ condition: false }))).toBe(-1);
    expect(await c.chooseIndex(env({ condition: true }))).toBe(0);
  });

  it('accepts a constant boolean Condition', async () => {
    expect(await compileConditionChoices([{ Condition: true, Next: 'A' }]).chooseIndex(env({}))).toBe(0);
  });

  it('fails with States.QueryEvaluationError naming Choices[i]/Condition when a condition returns nothing', async () => {
    await expect(choices.chooseIndex(env({}))).rejects.toThrow(
      "The JSONata expression '$states.input.n < 0' specified for the field 'Choices[0]/Condition' returned nothing (undefined).",
    );
  });

  it('fails for a condition that is not a boolean', async () => {
    const c = compileConditionChoices([{ Condition: '{% $states.input.n %}', Next: 'A' }]);
    const error = await c.chooseIndex(env({ n: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatesError);
    expect((error as StatesError).error).toBe('States.QueryEvaluationError');
    expect((error as StatesError).cause).toMatch(/Choices\[0\]\/Condition' returned an unexpected result type\. Expected 'boolean', but was 'number' for value: 1$/);
  });

  it('does not evaluate conditions after the first true one', async () => {
    const c = compileConditionChoices([
      { Condition: '{% true %}', Next: 'A' },
      { Condition: '{% $missing %}', Next: 'B' },
    ]);
    expect(await c.chooseIndex(env({}))).toBe(0);
  });
});
