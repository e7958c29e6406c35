import { describe, expect, it } from 'vitest';
import { StatesError } from '../../../src/language/errors.js';
import type { Json } from '../../../src/language/json.js';
import { compileJsonata, type JsonataEnv, type JsonataLimits } from '../../../src/language/jsonata/index.js';
import { DEFAULT_SANDBOX_OPTIONS, JsonataSandbox } from '../../../src/language/jsonata/sandbox.js';

const ENV: JsonataEnv = {
  states: { input: { s: 'a'.repeat(5000) + '!' }, context: {} },
  variables: {},
  random: () => 0.5,
  uuid: () => 'u',
};

const evaluate = (text: string, limits?: Partial<JsonataLimits>): Promise<Json | undefined> =>
  compileJsonata(text, { field: 'Output', ...(limits ? { limits } : {}) }).evaluate(ENV);

async function failureOf(text: string, limits?: Partial<JsonataLimits>): Promise<StatesError> {
  try {
    await evaluate(text, limits);
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('JSONata sandbox', () => {
  it('fails $pad("x", 500000000) with States.QueryEvaluationError instead of crashing the process', async () => {
    const e = await failureOf('$pad("x", 500000000)');
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toBe(
      `The JSONata expression '$pad("x", 500000000)' specified for the field 'Output' threw an error during evaluation. The result is too large`,
    );
  });

  it('stops an evaluation that outgrows its heap and goes on with the next one', async () => {
    const sandbox = new JsonataSandbox({ ...DEFAULT_SANDBOX_OPTIONS, workers: 1, maxOldGenerationSizeMb: 32 });
    try {
      const request = (text: string) => sandbox.evaluate({ text, timeoutMs: 60_000, maxDepth: 100, bindings: {} }, { random: () => 0, uuid: () => '' });
      expect(await request('$count([1..10000000].$string())')).toEqual({ kind: 'memory' });
      expect(await request('$count([1..10].$string())')).toEqual({ kind: 'value', value: 10 });
    } finally {
      await sandbox.close();
    }
  });

  it('fails a V8 fatal out-of-memory (which a worker thread would not survive) with States.QueryEvaluationError', async () => {
    for (const text of ['$count([1..10000000].[1..10000000])', '($a := $pad("x", 100000000); $length($a & $a & $a & $a & $a))']) {
      const e = await failureOf(text);
      expect(e.error).toBe('States.QueryEvaluationError');
      expect(e.cause).toBe(
        `The JSONata expression '${text}' specified for the field 'Output' threw an error during evaluation. Out of memory: the evaluation exceeded the memory an expression may use`,
      );
    }
    expect(await evaluate('$sum([1..4])')).toBe(10);
  });

  it('answers backtracking regexes in $match, $replace, $split and $contains through the linear engine', async () => {
    expect(await evaluate('$contains($states.input.s, /^(a+)+$/)')).toBe(false);
    expect(await evaluate('$count($match($states.input.s, /(a+)+b/))')).toBe(0);
    expect(await evaluate('$replace($states.input.s, /(a|aa)+c/, "x") = $states.input.s')).toBe(true);
    expect(await evaluate('$count($split($states.input.s, /(a+)+c/))')).toBe(1);
  });

  it('terminates a regex the linear engine cannot take (a backreference) at the hard time limit', async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(1), 5);
    const e = await failureOf('$contains($substring($states.input.s, 4970), /^(a+)+\\1$/)', { timeoutMs: 100 });
    clearInterval(timer);
    expect(e.cause).toMatch(/threw an error during evaluation\. Expression evaluation timeout: Check for infinite loop$/);
    // The main thread kept running while the worker was stuck.
    expect(ticks.length).toBeGreaterThan(0);
    expect(await evaluate('$uppercase("ok")')).toBe('OK');
  });

  it('fails an unbounded loop with jsonata\'s own timeout text', async () => {
    const e = await failureOf('($f := function($n){ $n < 0 ? 0 : $f($n) + 0 }; $map([1..100000], function($v){ $f(1) }))', {
      timeoutMs: 100,
    });
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toMatch(/Stack overflow error|Expression evaluation timeout/);
  });

  it('asks the main thread for $random(), $uuid() and $millis() in the order they are called', async () => {
    let n = 0;
    const env: JsonataEnv = { ...ENV, random: () => ++n / 10, uuid: () => `id-${++n}`, now: () => 1000 + ++n };
    const result = await compileJsonata('[$random(), $uuid(), $millis(), $random()]').evaluate(env);
    expect(result).toEqual([0.1, 'id-2', 1003, 0.4]);
  });

  it('runs queued evaluations on a bounded number of workers', async () => {
    const sandbox = new JsonataSandbox({ workers: 1, maxOldGenerationSizeMb: 64, hardLimitGraceMs: 200, maxResultChars: 1000 });
    try {
      const services = { random: () => 0, uuid: () => '' };
      const request = (text: string) => sandbox.evaluate({ text, timeoutMs: 1000, maxDepth: 100, bindings: {} }, services);
      const outcomes = await Promise.all([request('1 + 1'), request('$pad("x", 5000)'), request('"a" & "b"')]);
      expect(outcomes).toEqual([{ kind: 'value', value: 2 }, { kind: 'tooLarge' }, { kind: 'value', value: 'ab' }]);
    } finally {
      await sandbox.close();
    }
  });
});
