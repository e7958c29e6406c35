import { describe, expect, it } from 'vitest';
import {
  compareEvents,
  compareResult,
  compareValue,
  matchString,
  normaliseLikeParallelTransformer,
  type RecordedEvent,
} from './compare.js';

describe('matchString', () => {
  it('treats the bare word lambda_function_name and the Invoke header names as placeholders', () => {
    expect(matchString('lambda_function_name', 'fn-1')).toBe(true);
    expect(matchString('arn:aws:lambda:us-east-1:111111111111:function:lambda_function_name', 'arn:aws:lambda:us-east-1:123456789012:function:fn-1')).toBe(true);
    expect(matchString('arn:aws:lambda:us-east-1:111111111111:function:lambda_function_name', 'arn:aws:sqs:us-east-1:123456789012:fn-1')).toBe(false);
    expect(matchString('x-amzn-RequestId', '8f1c-…')).toBe(true);
  });

  it('treats a bare lambda_function_1_name inside an ARN as one function name for the whole case', () => {
    const arn = 'arn:aws:lambda:us-east-1:111111111111:function:lambda_function_1_name';
    const bindings = new Map<string, string>();
    expect(matchString(arn, 'arn:aws:lambda:us-east-1:123456789012:function:fn-a', bindings)).toBe(true);
    expect(matchString('lambda_function_1_name', 'fn-a', bindings)).toBe(true);
    expect(matchString('lambda_function_1_name', 'fn-b', bindings)).toBe(false);
    expect(matchString(arn, 'arn:aws:lambda:us-east-1:123456789012:function:', bindings)).toBe(false);
  });

  it('treats <<task_token>:1>, a placeholder the recorder numbered twice, as one token for the whole case', () => {
    const bindings = new Map<string, string>();
    expect(matchString('<<task_token>:1>', 'dG9rZW4tYQ', bindings)).toBe(true);
    expect(matchString('<<task_token>:1>', 'dG9rZW4tYQ', bindings)).toBe(true);
    expect(matchString('<<task_token>:1>', 'b3RoZXI', bindings)).toBe(false);
  });

  it('treats activity_arn, the activity recordings\' word for the activity ARN, as a placeholder alone or inside a cause', () => {
    expect(matchString('activity_arn', 'arn:aws:states:us-east-1:123456789012:activity:a1')).toBe(true);
    expect(matchString("The activity activity_arn does not exist.", 'The activity arn:aws:states:us-east-1:123456789012:activity:a1 does not exist.')).toBe(true);
    expect(matchString("The activity activity_arn does not exist.", 'The activity arn:x was deleted.')).toBe(false);
  });

  it('accepts sfn_role_arn, the README spelling of the role placeholder, as any role', () => {
    expect(matchString('sfn_role_arn', 'arn:aws:iam::123456789012:role/StepwrightExecutionRole')).toBe(true);
    expect(compareValue({ roleArn: 'sfn_role_arn' }, { roleArn: 'arn:aws:iam::1:role/r' })).toEqual([]);
  });

  it('matches identical strings and rejects different ones', () => {
    expect(matchString('abc', 'abc')).toBe(true);
    expect(matchString('abc', 'abd')).toBe(false);
  });

  it('lets a whole-string placeholder match any non-empty string', () => {
    expect(matchString('<uuid:0>', '0f3c6b1e-1111-2222-3333-444455556666')).toBe(true);
    expect(matchString('<uuid:0>', '')).toBe(false);
  });

  it('lets each placeholder inside a longer string match a non-empty run of characters', () => {
    const arn = 'arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>';
    expect(matchString(arn, 'arn:aws:states:us-east-1:123456789012:execution:sm:exec-1')).toBe(true);
    expect(matchString(arn, 'arn:aws:states:us-east-1:123456789012:execution::exec-1')).toBe(false);
    expect(matchString(arn, 'arn:aws:lambda:us-east-1:123456789012:execution:sm:exec-1')).toBe(false);
  });

  it('treats the recorded account id 111111111111 inside a string as any 12-digit account id', () => {
    expect(matchString('arn:aws:iam::111111111111:role/x', 'arn:aws:iam::000000000000:role/x')).toBe(true);
    expect(matchString('arn:aws:iam::111111111111:role/x', 'arn:aws:iam::abc:role/x')).toBe(false);
  });

  it('accepts the literal placeholder words as whole strings only', () => {
    expect(matchString('snf_role_arn', 'arn:aws:iam::1:role/r')).toBe(true);
    expect(matchString('timestamp', '2024-01-01T00:00:00Z')).toBe(true);
    expect(matchString('update', 'upgrade')).toBe(false);
  });

  it('binds a numbered placeholder to one value for the whole case', () => {
    const bindings = new Map<string, string>();
    expect(matchString('<uuid:0>', 'a', bindings)).toBe(true);
    expect(matchString('<uuid:0>', 'a', bindings)).toBe(true);
    expect(matchString('name-<uuid:0>', 'name-b', bindings)).toBe(false);
    expect(matchString('<uuid:1>', 'b', bindings)).toBe(true);
  });

  it('does not bind unnumbered placeholders, which may stand for several values', () => {
    const bindings = new Map<string, string>();
    expect(matchString('<request_id>', 'r1', bindings)).toBe(true);
    expect(matchString('<request_id>', 'r2', bindings)).toBe(true);
  });
});

describe('compareValue', () => {
  it('returns no difference for equal JSON values', () => {
    expect(compareValue({ a: [1, 'x', null, true] }, { a: [1, 'x', null, true] })).toEqual([]);
  });

  it('compares an actual JSON text with the parsed value the recorder kept', () => {
    expect(compareValue({ a: 1 }, '{"a":1}')).toEqual([]);
    expect(compareValue([1, 2], '[1,2]')).toEqual([]);
    expect(compareValue({ a: 1 }, '{"a":2}')).toEqual([{ path: '/a', expected: 1, actual: 2 }]);
  });

  it('compares two strings as equal when both parse to equal JSON', () => {
    expect(compareValue('{"a": 1, "b": [1]}', '{"a":1,"b":[1]}')).toEqual([]);
    expect(compareValue('"Hello"', '"Hello"')).toEqual([]);
  });

  it('keeps a string and its JSON text apart when the values differ', () => {
    expect(compareValue('1', '2')).toHaveLength(1);
    expect(compareValue('abc', '"abc"')).toHaveLength(1);
  });

  it('compares a scalar JSON text with a parsed number', () => {
    expect(compareValue(3.3, '3.3')).toEqual([]);
    expect(compareValue(3, '3.0')).toEqual([]);
    expect(compareValue(3, '4')).toHaveLength(1);
  });

  it('compares numbers by value, so 1 and 1.0 are the same JSON number', () => {
    expect(compareValue({ n: 1 }, { n: 1.0 })).toEqual([]);
    expect(compareValue({ n: 1 }, { n: 1.5 })).toEqual([{ path: '/n', expected: 1, actual: 1.5 }]);
  });

  it('reports the path of a difference deep inside, escaping / and ~ as in a JSON pointer', () => {
    expect(compareValue({ 'a/b': { 'c~': [0, 1] } }, { 'a/b': { 'c~': [0, 2] } })).toEqual([
      { path: '/a~1b/c~0/1', expected: 1, actual: 2 },
    ]);
  });

  it('reports missing and unexpected keys', () => {
    const diffs = compareValue({ a: 1, b: 2 }, { a: 1, c: 3 });
    expect(diffs).toEqual([
      { path: '/b', expected: 2, actual: undefined, note: 'missing' },
      { path: '/c', expected: undefined, actual: 3, note: 'unexpected' },
    ]);
  });

  it('reports a different array length and compares the common prefix', () => {
    const diffs = compareValue([1, 2, 3], [1, 9]);
    expect(diffs).toContainEqual({ path: '/length', expected: 3, actual: 2 });
    expect(diffs).toContainEqual({ path: '/1', expected: 2, actual: 9 });
  });

  it('matches a nested cause whose JSON text holds placeholders', () => {
    const expected = {
      errorMessage: 'boom',
      requestId: '<request_id>',
      stackTrace: ['  File "/var/task/handler.py", line 2'],
    };
    const actual = JSON.stringify({ errorMessage: 'boom', requestId: 'abc-123', stackTrace: ['  File "/var/task/handler.py", line 2'] });
    expect(compareValue(expected, actual)).toEqual([]);
    expect(compareValue(expected, actual.replace('boom', 'bang'))).toEqual([
      { path: '/errorMessage', expected: 'boom', actual: 'bang' },
    ]);
  });

  it('matches a string placeholder against a JSON text that the recorder left as a string', () => {
    expect(compareValue('{"Arn": "arn:<partition>:states:<region>:111111111111:x"}', '{"Arn":"arn:aws:states:us-east-1:123456789012:x"}')).toEqual([]);
  });

  it('matches a placeholder inside a JSON text of a string, such as "\\"date\\""', () => {
    expect(compareValue('"date"', '"2024-05-01T10:00:00.000Z"')).toEqual([]);
    expect(compareValue('"<uuid:0>"', '"abc"')).toEqual([]);
    expect(compareValue('"plain"', '"other"')).toHaveLength(1);
    expect(compareValue({ BatchTimestamp: 'date' }, '{"BatchTimestamp":"2024-05-01T10:00:00.000Z"}')).toEqual([]);
  });

  it('lets a whole placeholder match a non-string value such as a Date', () => {
    expect(compareValue({ t: 'timestamp' }, { t: new Date(0) })).toEqual([]);
    expect(compareValue({ t: '<start-date>' }, { t: 1700000000 })).toEqual([]);
  });

  it('does not let a non-JSON actual string stand for an object', () => {
    expect(compareValue({ a: 1 }, 'not json')).toHaveLength(1);
  });
});

describe('compareResult', () => {
  it('compares status, output, error and cause with the JSON-text rule', () => {
    const r = compareResult({ status: 'SUCCEEDED', output: { a: 1 } }, { status: 'SUCCEEDED', output: '{"a":1}' });
    expect(r.differences).toEqual([]);
  });

  it('reports a wrong status and an error that AWS did not have', () => {
    const r = compareResult({ status: 'SUCCEEDED', output: {} }, { status: 'FAILED', error: 'States.Runtime', cause: 'x' });
    expect(r.differences.map((d) => d.path)).toEqual(['/status', '/output', '/error', '/cause']);
  });

  it('compares a cause that is JSON with its parsed recording', () => {
    const r = compareResult(
      { status: 'FAILED', error: 'Exception', cause: { errorMessage: 'x', errorType: 'Exception' } },
      { status: 'FAILED', error: 'Exception', cause: '{"errorType":"Exception","errorMessage":"x"}' },
    );
    expect(r.differences).toEqual([]);
  });

  it('skips the events when told to (express-sync cases carry none)', () => {
    const r = compareResult(
      { status: 'SUCCEEDED', output: 1, events: [ev(1, 0, 'ExecutionStarted')] },
      { status: 'SUCCEEDED', output: '1', events: [] },
      { events: false },
    );
    expect(r).toEqual({ differences: [], exactEventOrder: null });
  });
});

function ev(id: unknown, prev: unknown, type: string, details: Record<string, unknown> = {}): RecordedEvent {
  return { id, previousEventId: prev, type, timestamp: 'timestamp', ...details };
}

const entered = (name: string, input: unknown) => ({ stateEnteredEventDetails: { name, input, inputDetails: { truncated: false } } });
const exited = (name: string, output: unknown) => ({ stateExitedEventDetails: { name, output, outputDetails: { truncated: false } } });

describe('compareEvents', () => {
  it('accepts the same history with JSON texts, placeholders and other timestamps', () => {
    const expected = [
      ev(1, 0, 'ExecutionStarted', { executionStartedEventDetails: { input: { a: 1 }, roleArn: 'snf_role_arn' } }),
      ev(2, 0, 'PassStateEntered', entered('P', { a: 1 })),
    ];
    const actual = [
      { ...ev(1, 0, 'ExecutionStarted', { executionStartedEventDetails: { input: '{"a":1}', roleArn: 'arn:aws:iam::1:role/x' } }), timestamp: new Date() },
      { ...ev(2, 0, 'PassStateEntered', entered('P', '{"a":1}')), timestamp: new Date() },
    ];
    expect(compareEvents(expected, actual)).toEqual({ differences: [], exactEventOrder: true });
  });

  it('reports a different count, type, id, previousEventId and detail', () => {
    const expected = [ev(1, 0, 'ExecutionStarted'), ev(2, 0, 'PassStateEntered', entered('P', {})), ev(3, 2, 'PassStateExited')];
    const actual = [ev(1, 0, 'ExecutionStarted'), ev(2, 1, 'PassStateEntered', entered('Q', {}))];
    const paths = compareEvents(expected, actual).differences.map((d) => d.path);
    expect(paths).toEqual(['/events/length', '/events/1/previousEventId', '/events/1/stateEnteredEventDetails/name']);
  });

  it('reports an extra details object that AWS did not record', () => {
    const expected = [ev(1, 0, 'MapStateSucceeded')];
    const actual = [ev(1, 0, 'MapStateSucceeded', { mapStateSucceededEventDetails: {} })];
    expect(compareEvents(expected, actual).differences).toHaveLength(1);
  });

  // Two Map iterations running at once: AWS ran iteration 0 first, we ran iteration 1 first.
  const mapExpected = [
    ev(1, 0, 'ExecutionStarted'),
    ev(2, 1, 'MapStateStarted', { mapStateStartedEventDetails: { length: 2 } }),
    ev(3, 2, 'MapIterationStarted', { mapIterationStartedEventDetails: { index: 0, name: 'M' } }),
    ev(4, 3, 'PassStateEntered', entered('P', 0)),
    ev(5, 2, 'MapIterationStarted', { mapIterationStartedEventDetails: { index: 1, name: 'M' } }),
    ev(6, 5, 'PassStateEntered', entered('P', 1)),
    ev(7, 4, 'PassStateExited', exited('P', 0)),
    ev(8, 6, 'PassStateExited', exited('P', 1)),
  ];

  it('accepts another interleaving of concurrent iterations but reports that the exact order differs', () => {
    const actual = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 1, 'MapStateStarted', { mapStateStartedEventDetails: { length: 2 } }),
      ev(3, 2, 'MapIterationStarted', { mapIterationStartedEventDetails: { index: 1, name: 'M' } }),
      ev(4, 3, 'PassStateEntered', entered('P', 1)),
      ev(5, 4, 'PassStateExited', exited('P', 1)),
      ev(6, 2, 'MapIterationStarted', { mapIterationStartedEventDetails: { index: 0, name: 'M' } }),
      ev(7, 6, 'PassStateEntered', entered('P', 0)),
      ev(8, 7, 'PassStateExited', exited('P', 0)),
    ];
    expect(compareEvents(mapExpected, actual)).toEqual({ differences: [], exactEventOrder: false });
  });

  it('rejects an interleaving that breaks the order inside one iteration', () => {
    const actual = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 1, 'MapStateStarted', { mapStateStartedEventDetails: { length: 2 } }),
      ev(3, 2, 'MapIterationStarted', { mapIterationStartedEventDetails: { index: 0, name: 'M' } }),
      ev(4, 3, 'PassStateExited', exited('P', 0)), // exited before entered
      ev(5, 4, 'PassStateEntered', entered('P', 0)),
      ev(6, 2, 'MapIterationStarted', { mapIterationStartedEventDetails: { index: 1, name: 'M' } }),
      ev(7, 6, 'PassStateEntered', entered('P', 1)),
      ev(8, 7, 'PassStateExited', exited('P', 1)),
    ];
    const r = compareEvents(mapExpected, actual);
    expect(r.exactEventOrder).toBe(false);
    expect(r.differences.length).toBeGreaterThan(0);
  });

  it('rejects a reordering when nothing ran concurrently', () => {
    const expected = [ev(1, 0, 'ExecutionStarted'), ev(2, 0, 'PassStateEntered', entered('A', 1)), ev(3, 2, 'PassStateExited', exited('A', 1))];
    const actual = [ev(1, 0, 'ExecutionStarted'), ev(2, 0, 'PassStateExited', exited('A', 1)), ev(3, 2, 'PassStateEntered', entered('A', 1))];
    expect(compareEvents(expected, actual).differences.length).toBeGreaterThan(0);
  });

  it('rejects concurrent events whose multiset differs', () => {
    const actual = mapExpected.map((e) => (e.id === 8 ? ev(8, 6, 'PassStateExited', exited('P', 99)) : e));
    expect(compareEvents(mapExpected, actual).differences.length).toBeGreaterThan(0);
  });
});

describe('histories recorded through LocalStack’s parallel transformer', () => {
  // Our history of a Parallel with two one-Pass branches, as AWS numbers it.
  const ours = [
    ev(1, 0, 'ExecutionStarted'),
    ev(2, 0, 'ParallelStateEntered', entered('Par', {})),
    ev(3, 2, 'ParallelStateStarted'),
    ev(4, 3, 'PassStateEntered', entered('B0', {})),
    ev(5, 3, 'PassStateEntered', entered('B1', {})),
    ev(6, 4, 'PassStateExited', exited('B0', {})),
    ev(7, 5, 'PassStateExited', exited('B1', {})),
    ev(8, 7, 'ParallelStateSucceeded'),
    ev(9, 8, 'ParallelStateExited', exited('Par', [{}, {}])),
    ev(10, 9, 'ExecutionSucceeded'),
  ];

  it('masks branch events and drops the Succeeded event before Exited, as the transformer did', () => {
    const out = normaliseLikeParallelTransformer(ours);
    expect(out.map((e) => [e.id, e.type])).toEqual([
      [1, 'ExecutionStarted'],
      [2, 'ParallelStateEntered'],
      [3, 'ParallelStateStarted'],
      [[0], 'PassStateEntered'],
      [[0], 'PassStateEntered'],
      [[0], 'PassStateExited'],
      [[0], 'PassStateExited'],
      [9, 'ParallelStateExited'],
      [10, 'ExecutionSucceeded'],
    ]);
  });

  it('matches a recording whose masked events were sorted differently', () => {
    const recorded = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'ParallelStateEntered', entered('Par', {})),
      ev(3, 2, 'ParallelStateStarted'),
      ev([0], 0, 'PassStateEntered', entered('B1', {})),
      ev([0], 0, 'PassStateEntered', entered('B0', {})),
      ev([0], 0, 'PassStateExited', exited('B0', {})),
      ev([0], 0, 'PassStateExited', exited('B1', {})),
      ev(9, 8, 'ParallelStateExited', exited('Par', '[{},{}]')),
      ev(10, 9, 'ExecutionSucceeded'),
    ];
    expect(compareEvents(recorded, ours)).toEqual({ differences: [], exactEventOrder: true });
  });

  it('still finds a wrong branch event among the masked ones', () => {
    const recorded = normaliseLikeParallelTransformer(ours).map((e) =>
      e.type === 'PassStateExited' && JSON.stringify(e).includes('B1') ? ev([0], 0, 'PassStateExited', exited('B1', { x: 1 })) : e,
    );
    expect(compareEvents(recorded, ours).differences).toHaveLength(1);
  });
});
