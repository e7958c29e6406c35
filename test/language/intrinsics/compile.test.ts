import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/language/errors.js';
import { compileIntrinsic, IntrinsicSyntaxError } from '../../../src/language/intrinsics/index.js';
import { run, testScope } from './scope.js';

describe('compileIntrinsic', () => {
  it('compiles once and evaluates against many scopes', () => {
    const compiled = compileIntrinsic('States.MathAdd($.n, 1)');
    expect(compiled.text).toBe('States.MathAdd($.n, 1)');
    expect(compiled.evaluate(testScope({ n: 1 }))).toBe(2);
    expect(compiled.evaluate(testScope({ n: 41 }))).toBe(42);
  });

  it('reads workflow variables and the context object (assign MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION)', () => {
    const out = run(
      'States.Format($AnswerTemplate, $$.Map.Item.Value)',
      {},
      {
        variables: { AnswerTemplate: "It's {}!" },
        context: { Map: { Item: { Value: 'Pikachu' } } },
      },
    );
    expect(out).toBe("It's Pikachu!");
  });

  it('evaluates nested calls inside out (assign BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE)', () => {
    const out = run(
      'States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)',
      {},
      {
        variables: { xCurrent: 1, yCurrent: 2, zCurrent: 3, bias: 4 },
      },
    );
    expect(out).toBe(10);
  });

  it("evaluates the nine-call example of the AWS guide (with two '{}', as its two values need)", () => {
    const out = run(
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))",
      { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123:image-recipe/my.recipe.v1/1.0.0' } },
    );
    expect(out).toBe('1.0');
  });

  it('fails with States.Runtime when a path argument matches nothing', () => {
    let caught: unknown;
    try {
      run('States.Array($.missing)', { other: 1 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StatesError);
    expect((caught as StatesError).error).toBe('States.Runtime');
    expect((caught as StatesError).cause).toContain("'$.missing'");
    expect((caught as StatesError).cause).toContain('{"other":1}');
  });

  it('fails with States.Runtime when a variable is not bound', () => {
    expect(() => run('States.Array($nope)')).toThrow(/States.Runtime/);
  });

  it('refuses an invalid path argument when compiling', () => {
    expect(() => compileIntrinsic('States.Array($.a b)')).toThrow(IntrinsicSyntaxError);
  });

  it('does not evaluate anything when compiling', () => {
    expect(() => compileIntrinsic('States.ArrayGetItem($.a, 99)')).not.toThrow();
  });
});
