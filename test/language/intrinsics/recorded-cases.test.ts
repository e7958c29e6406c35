import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileIntrinsic, isIntrinsicCall } from '../../../src/language/intrinsics/index.js';
import { compilePath } from '../../../src/language/jsonpath/index.js';
import { isJsonObject, type Json } from '../../../src/language/json.js';
import { RECORDED_CASES_DIR } from '../../conformance/cases.js';
import { testScope } from './scope.js';

/*
 * Every recorded AWS execution (test/conformance/cases) whose machine is a single JSONPath Pass state
 * with Parameters using intrinsics: evaluate the Parameters template with our intrinsics and compare
 * with AWS's output. The template walk here is the trivial one (no InputPath/ResultPath in these cases).
 */
const CASES = RECORDED_CASES_DIR;

interface RecordedCase {
  id: string;
  queryLanguage: string;
  definition: { States: Record<string, Record<string, Json>> };
  input: Json;
  expected: { status: string; output?: Json };
}

function recordedSinglePassCases(): RecordedCase[] {
  const found: RecordedCase[] = [];
  for (const dir of readdirSync(CASES)) {
    for (const file of readdirSync(join(CASES, dir))) {
      if (!file.endsWith('.json')) continue;
      const c = JSON.parse(readFileSync(join(CASES, dir, file), 'utf8')) as RecordedCase;
      const states = Object.values(c.definition?.States ?? {});
      if (c.queryLanguage !== 'JSONPath' || states.length !== 1) continue;
      const [state] = states;
      const plain = ['InputPath', 'ResultPath', 'OutputPath', 'ResultSelector', 'Result'].every((k) => !(k in state));
      if (state.Type !== 'Pass' || !isJsonObject(state.Parameters) || !plain) continue;
      if (c.expected.status !== 'SUCCEEDED' || !JSON.stringify(state.Parameters).includes('"States.')) continue;
      // The recorder masked the random numbers of MathRandom: nothing to compare.
      if (JSON.stringify(c.expected.output).includes('RandomNumberGenerated')) continue;
      found.push(c);
    }
  }
  return found;
}

function evaluateTemplate(template: Json, scope: ReturnType<typeof testScope>): Json {
  if (Array.isArray(template)) return template.map((t) => evaluateTemplate(t, scope));
  if (!isJsonObject(template)) return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const selected = isIntrinsicCall(value)
        ? compileIntrinsic(value).evaluate(scope)
        : compilePath(value).select(scope);
      if (selected === undefined) throw new Error(`path ${value} matched nothing`);
      out[key.slice(0, -2)] = selected;
    } else {
      out[key] = evaluateTemplate(value, scope);
    }
  }
  return out;
}

/** The recorder's placeholders (`<ArnPart_0idx>`, `<partition>`, ...) match any non-empty text. */
function matchesRecorded(actual: Json, expected: Json): boolean {
  if (typeof expected === 'string' && typeof actual === 'string' && expected.includes('<')) {
    const pattern = expected
      .split(/<[^<>]+>/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    return new RegExp(`^${pattern}$`, 's').test(actual);
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => matchesRecorded(actual[i], e))
    );
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(actual) || Object.keys(actual).length !== Object.keys(expected).length) return false;
    return Object.keys(expected).every((k) => k in actual && matchesRecorded(actual[k], expected[k]));
  }
  return actual === expected;
}

function contextFor(c: RecordedCase, stateName: string): Json {
  const machine = 'recorded-machine';
  const machineArn = `arn:aws:states:us-east-1:111111111111:stateMachine:${machine}`;
  return {
    Execution: {
      Id: `arn:aws:states:us-east-1:111111111111:execution:${machine}:exec-1`,
      Input: c.input,
      Name: 'exec-1',
      RoleArn: 'arn:aws:iam::111111111111:role/sfn',
      StartTime: '2024-01-01T00:00:00.000Z',
    },
    State: { EnteredTime: '2024-01-01T00:00:00.000Z', Name: stateName, RetryCount: 0 },
    StateMachine: { Id: machineArn, Name: machine },
  };
}

const cases = recordedSinglePassCases();

describe('recorded AWS executions of single Pass states with intrinsics', () => {
  it('finds the recorded cases', () => {
    expect(cases.length).toBeGreaterThan(60);
  });

  it('compares strictly apart from the placeholders', () => {
    expect(matchesRecorded({ r: 'abc-1' }, { r: '<ArnPart_0idx>-1' })).toBe(true);
    expect(matchesRecorded({ r: '-1' }, { r: '<ArnPart_0idx>-1' })).toBe(false);
    expect(matchesRecorded({ r: [1, 2] }, { r: [1, 2, 3] })).toBe(false);
    expect(matchesRecorded({ r: 1, extra: 2 }, { r: 1 })).toBe(false);
  });

  it.each(cases.map((c) => [c.id, c] as const))('reproduces %s', (_id, c) => {
    const [stateName, state] = Object.entries(c.definition.States)[0];
    const scope = testScope(c.input, { context: contextFor(c, stateName) });
    const output = evaluateTemplate(state.Parameters, scope);
    expect(matchesRecorded(output, c.expected.output ?? null), JSON.stringify(output)).toBe(true);
  });
});
