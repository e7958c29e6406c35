import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../src/language/validate/index.js';

/** A one-state machine with `state` as its only state, named S. */
function single(state: Record<string, unknown>, top: Record<string, unknown> = {}): unknown {
  return { ...top, StartAt: 'S', States: { S: state } };
}

function codesAt(def: unknown, options = {}): string[] {
  return validateDefinition(def, options).map((d) => `${d.code} ${d.path} ${d.message}`);
}

const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };

describe('top level', () => {
  it('requires States and StartAt, listing both', () => {
    expect(codesAt({})).toEqual(['SCHEMA_VALIDATION_FAILED / These fields are required: [States, StartAt]']);
  });
  it('refuses unknown top-level fields', () => {
    expect(codesAt(single({ Type: 'Succeed' }, { Foo: 1 }))).toEqual(["SCHEMA_VALIDATION_FAILED / Field 'Foo' is not supported"]);
  });
  it('accepts a minimal machine', () => {
    expect(codesAt(single({ Type: 'Succeed' }))).toEqual([]);
  });
  it('reports a QueryLanguage outside the enum at its field', () => {
    expect(codesAt(single({ Type: 'Succeed' }, { QueryLanguage: 'jsonata' }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /QueryLanguage Value should be one of the following: [JSONPath, JSONata]',
    ]);
  });
});

describe('state fields per type and query language', () => {
  it('refuses a field the state type does not have', () => {
    expect(codesAt(single({ Type: 'Pass', End: true, TimeoutSeconds: 5 }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S Field 'TimeoutSeconds' is not supported",
    ]);
  });
  it('refuses Catch on a Pass state even in JSONata', () => {
    expect(codesAt(single({ Type: 'Pass', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S' }] }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S Field 'Catch' is not supported",
    ]);
  });
  it('refuses JSONata-only fields on a JSONPath state', () => {
    expect(codesAt(single({ ...task, Arguments: { a: 1 } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage",
    ]);
  });
  it('refuses JSONPath-only fields on a JSONata state', () => {
    expect(codesAt(single({ Type: 'Pass', End: true, InputPath: '$.a' }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage",
    ]);
  });
  it('lets a JSONPath machine contain a JSONata state', () => {
    expect(codesAt(single({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true }))).toEqual([]);
  });
  it('refuses a JSONPath state in a JSONata machine, and only that', () => {
    expect(codesAt(single({ Type: 'Pass', QueryLanguage: 'JSONPath', Output: { v: '{% 1 %}' }, End: true }, { QueryLanguage: 'JSONata' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    ]);
  });
  it('does not pass a Map state QueryLanguage to the states inside it', () => {
    const def = single({
      Type: 'Map',
      QueryLanguage: 'JSONata',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% 1 %}', End: true } } },
      End: true,
    });
    expect(codesAt(def)).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S/ItemProcessor/States/P The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
    ]);
  });
  it('refuses QueryLanguage on an ItemProcessor or a branch', () => {
    const def = single({ Type: 'Parallel', Branches: [{ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Succeed' } } }], End: true });
    expect(codesAt(def)).toEqual(["SCHEMA_VALIDATION_FAILED /States/S/Branches[0] Field 'QueryLanguage' is not supported"]);
  });
  it('requires Type and a known Type', () => {
    expect(codesAt(single({ End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S These fields are required: [Type]']);
    expect(codesAt(single({ Type: 'Sleep' }))[0]).toMatch(/^SCHEMA_VALIDATION_FAILED \/States\/S\/Type Value should be one of the following: \[Pass, Task/);
  });
  it('requires a Resource on a Task', () => {
    expect(codesAt(single({ Type: 'Task', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S These fields are required: [Resource]']);
  });
  it('refuses an optimized integration AWS does not have, or a pattern it does not support, with AWS\'s message', () => {
    const message = (r: string): string => `SCHEMA_VALIDATION_FAILED /States/S/Resource The resource provided ${r} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`;
    for (const r of ['arn:aws:states:::dynamodb:query', 'arn:aws:states:::lambda:invoke.sync', 'arn:aws:states:::dynamodb:getItem.waitForTaskToken', 'arn:aws:states:::nosuch:thing']) {
      expect(codesAt(single({ ...task, Resource: r }))).toEqual([message(r)]);
    }
    for (const r of ['arn:aws:states:::dynamodb:getItem', 'arn:aws:states:::states:startExecution.sync:2', 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'arn:aws:states:::aws-sdk:dynamodb:query', 'arn:aws:states:::batch:submitJob.sync']) {
      expect(codesAt(single({ ...task, Resource: r }))).toEqual([]);
    }
  });
  it('refuses a Resource that is not an ARN', () => {
    expect(codesAt(single({ ...task, Resource: 'createToken' }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S/Resource Value is not a valid resource ARN']);
  });
});

describe('transitions', () => {
  it('refuses Next and End together, and neither', () => {
    expect(codesAt(single({ Type: 'Pass', End: true, Next: 'S' }))).toEqual(["SCHEMA_VALIDATION_FAILED /States/S/Next Only one of 'Next' and 'End' can be specified"]);
    expect(codesAt({ StartAt: 'S', States: { S: { Type: 'Pass' }, T: { Type: 'Succeed' } } })).toContain("SCHEMA_VALIDATION_FAILED /States/S Either 'Next' or 'End' is required");
  });
  it('reports a Next, Default or Catch Next naming no state, always with the word Next', () => {
    const def = {
      StartAt: 'A',
      States: {
        A: { ...task, End: undefined, Next: 'Ghost1', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ghost2' }] },
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Ghost3' }], Default: 'Ghost4' },
        Z: { Type: 'Succeed' },
      },
    };
    const got = codesAt(def);
    expect(got).toContain("MISSING_TRANSITION_TARGET /States/A/Next Missing 'Next' target: Ghost1");
    expect(got).toContain("MISSING_TRANSITION_TARGET /States/A/Catch[0]/Next Missing 'Next' target: Ghost2");
    expect(got).toContain("MISSING_TRANSITION_TARGET /States/C/Choices[0]/Next Missing 'Next' target: Ghost3");
    expect(got).toContain("MISSING_TRANSITION_TARGET /States/C/Default Missing 'Next' target: Ghost4");
  });
  it('reports a StartAt naming no state and then every state as unreachable', () => {
    expect(codesAt({ StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } })).toEqual([
      "MISSING_TRANSITION_TARGET /StartAt Missing 'Next' target: Nope",
      'MISSING_TRANSITION_TARGET /States/A State "A" is not reachable.',
    ]);
  });
  it('reports unreachable states inside branches at their full location', () => {
    const def = single({ Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: { Type: 'Succeed' }, Ghost: { Type: 'Succeed' } } }], End: true });
    expect(codesAt(def)).toEqual(['MISSING_TRANSITION_TARGET /States/S/Branches[0]/States/Ghost State "Ghost" is not reachable.']);
  });
  it('keeps each branch a scope of its own', () => {
    const def = { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Next: 'Out' } } }], Next: 'Out' }, Out: { Type: 'Succeed' } } };
    expect(codesAt(def)).toEqual(["MISSING_TRANSITION_TARGET /States/P/Branches[0]/States/B/Next Missing 'Next' target: Out"]);
  });
  it('reports a top-level loop without a terminal state once, without a location', () => {
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, U: { Type: 'Pass', Next: 'A' } } };
    expect(validateDefinition(def)).toEqual([{ code: 'MISSING_END_STATE', path: '', message: 'Workflow has no terminal state', severity: 'ERROR' }]);
  });
  it('survives a Choice whose Default is itself', () => {
    const def = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: true, Next: 'D' }], Default: 'C' }, D: { Type: 'Succeed' } } };
    expect(codesAt(def)).toEqual([]);
  });
});

describe('state names', () => {
  it('refuses names longer than 80 characters', () => {
    const name = 'x'.repeat(81);
    expect(codesAt({ StartAt: name, States: { [name]: { Type: 'Succeed' } } })).toEqual([
      `INVALID_STATE_NAME /States/${name} State name cannot be longer than 80 characters`,
    ]);
    const ok = 'x'.repeat(80);
    expect(codesAt({ StartAt: ok, States: { [ok]: { Type: 'Succeed' } } })).toEqual([]);
  });
  it('refuses control characters in names', () => {
    expect(codesAt({ StartAt: 'a\u0001', States: { 'a\u0001': { Type: 'Succeed' } } })[0]).toMatch(/^INVALID_STATE_NAME/);
  });
  it('refuses a name used twice in one machine, across branches too', () => {
    const def = {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Succeed' } } }, { StartAt: 'X', States: { X: { Type: 'Succeed' } } }], End: true } },
    };
    expect(codesAt(def)).toEqual(['DUPLICATE_STATE_NAME /States/P/Branches[1]/States/X Duplicate State name: X']);
  });
  it('sees a state name written twice in the JSON text', () => {
    const text = '{"StartAt":"A","States":{"A":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}';
    expect(codesAt(text)).toEqual(['DUPLICATE_STATE_NAME /States/A Duplicate State name: A']);
  });
});

describe('Choice rules', () => {
  const choice = (rule: Record<string, unknown>, top = {}): unknown =>
    ({ ...top, StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Next: 'D', ...rule }], Default: 'D' }, D: { Type: 'Succeed' } } });
  it('accepts every operator with the right operand', () => {
    expect(codesAt(choice({ Variable: '$.s', StringEquals: 'x' }))).toEqual([]);
    expect(codesAt(choice({ Variable: '$.n', NumericGreaterThanPath: '$.m' }))).toEqual([]);
    expect(codesAt(choice({ Variable: '$.b', BooleanEquals: true }))).toEqual([]);
    expect(codesAt(choice({ Variable: '$.t', TimestampLessThan: '2016-03-14T01:59:00Z' }))).toEqual([]);
    expect(codesAt(choice({ Variable: '$.s', StringMatches: 'a*' }))).toEqual([]);
  });
  it('refuses an operand of the wrong type', () => {
    expect(codesAt(choice({ Variable: '$.n', NumericEquals: '1' }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/C/Choices[0]/NumericEquals Expected value of type [NUMBER]']);
    expect(codesAt(choice({ Variable: '$.b', IsNull: 'yes' }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/C/Choices[0]/IsNull Expected value of type [BOOLEAN]']);
  });
  it('requires exactly one operator', () => {
    expect(codesAt(choice({ Variable: '$.s', StringEquals: 'x', StringLessThan: 'y' }))[0]).toMatch(/exactly one comparison operator/);
    expect(codesAt(choice({ Variable: '$.s' }))[0]).toMatch(/exactly one comparison operator/);
  });
  it('requires Variable on a comparison', () => {
    expect(codesAt(choice({ StringEquals: 'x' }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/C/Choices[0] These fields are required: [Variable]']);
  });
  it('checks nested And/Or/Not rules and refuses Next inside them', () => {
    expect(codesAt(choice({ And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.b', IsNull: false } }] }))).toEqual([]);
    expect(codesAt(choice({ Or: [{ Variable: '$.a', IsPresent: true, Next: 'D' }] }))).toEqual(["SCHEMA_VALIDATION_FAILED /States/C/Choices[0]/Or[0] Field 'Next' is not supported"]);
    expect(codesAt(choice({ And: [] }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/C/Choices[0]/And The field must contain at least 1 element']);
  });
  it('takes Condition in JSONata and refuses Variable there', () => {
    expect(codesAt(choice({ Condition: '{% $states.input.x > 1 %}' }, { QueryLanguage: 'JSONata' }))).toEqual([]);
    expect(codesAt(choice({ Condition: '{% $states.input.x > 1 %}', Variable: '$.x' }, { QueryLanguage: 'JSONata' }))[0]).toMatch(/field 'Variable' is only supported for the 'JSONPath'/);
  });
  it('refuses a bad Variable path', () => {
    expect(codesAt(choice({ Variable: 'x', IsPresent: true }))).toEqual(["SCHEMA_VALIDATION_FAILED /States/C/Choices[0]/Variable The value for the field 'Variable' must be a valid ReferencePath"]);
  });
});

describe('Retry and Catch', () => {
  it('wants States.ALL alone and in the last retrier', () => {
    expect(codesAt(single({ ...task, Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/ErrorEquals[0] States.ALL must appear alone and at end of list',
    ]);
    expect(codesAt(single({ ...task, Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/ErrorEquals[0] States.ALL must appear alone and at end of list',
    ]);
    expect(codesAt(single({ ...task, Retry: [{ ErrorEquals: ['X'] }, { ErrorEquals: ['States.ALL'] }] }))).toEqual([]);
  });
  it('checks the retrier numbers and JitterStrategy', () => {
    const retrier = { ErrorEquals: ['X'], MaxAttempts: -1, IntervalSeconds: 0, BackoffRate: 0.5, MaxDelaySeconds: 0, JitterStrategy: 'SOME' };
    expect(codesAt(single({ ...task, Retry: [retrier] }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/IntervalSeconds Minimum value is 1',
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/MaxAttempts Minimum value is 0',
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/BackoffRate Minimum value is 1',
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/MaxDelaySeconds Minimum value is 1',
      'SCHEMA_VALIDATION_FAILED /States/S/Retry[0]/JitterStrategy Value should be one of the following: [FULL, NONE]',
    ]);
    expect(codesAt(single({ ...task, Retry: [{ ErrorEquals: ['X'], MaxAttempts: 0, IntervalSeconds: 1, BackoffRate: 1, MaxDelaySeconds: 5, JitterStrategy: 'FULL' }] }))).toEqual([]);
  });
  it('requires ErrorEquals and Next on a catcher', () => {
    expect(codesAt(single({ ...task, Catch: [{}] }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S/Catch[0] These fields are required: [ErrorEquals, Next]']);
  });
});

describe('timeouts', () => {
  it('wants positive integers', () => {
    expect(codesAt(single({ ...task, TimeoutSeconds: 0 }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S/TimeoutSeconds Minimum value is 1']);
    expect(codesAt(single({ ...task, HeartbeatSeconds: 1.5 }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S/HeartbeatSeconds Expected value of type [INTEGER]']);
  });
  it('refuses a value and its Path form together', () => {
    expect(codesAt(single({ ...task, TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S/TimeoutSeconds Only one of 'TimeoutSeconds' and 'TimeoutSecondsPath' can be specified",
    ]);
  });
  it('wants the heartbeat shorter than the timeout', () => {
    expect(codesAt(single({ ...task, TimeoutSeconds: 5, HeartbeatSeconds: 5 }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/HeartbeatSeconds HeartbeatSeconds must be smaller than TimeoutSeconds',
    ]);
    expect(codesAt(single({ ...task, TimeoutSeconds: 5, HeartbeatSeconds: 4 }))).toEqual([]);
  });
  it('takes a JSONata expression in JSONata', () => {
    expect(codesAt(single({ ...task, TimeoutSeconds: '{% 10 %}' }, { QueryLanguage: 'JSONata' }))).toEqual([]);
  });
});

describe('Wait and Fail', () => {
  it('wants exactly one of Seconds, Timestamp, SecondsPath and TimestampPath', () => {
    expect(codesAt(single({ Type: 'Wait', End: true }))[0]).toMatch(/Exactly one of \[Seconds, Timestamp, SecondsPath, TimestampPath\]/);
    expect(codesAt(single({ Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true }))[0]).toMatch(/Exactly one of/);
    expect(codesAt(single({ Type: 'Wait', Seconds: 0, End: true }))).toEqual([]);
  });
  it('checks Timestamp against RFC 3339', () => {
    expect(codesAt(single({ Type: 'Wait', Timestamp: '2016-02-30T00:00:00Z', End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/Timestamp String does not match RFC3339 timestamp',
    ]);
    expect(codesAt(single({ Type: 'Wait', Timestamp: '2016-03-14T01:59:00.123+01:00', End: true }))).toEqual([]);
  });
  it('refuses Error with ErrorPath and Cause with CausePath', () => {
    expect(codesAt(single({ Type: 'Fail', Error: 'E', ErrorPath: '$.e', Cause: 'c', CausePath: '$.c' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S/Error Only one of 'Error' and 'ErrorPath' can be specified",
      "SCHEMA_VALIDATION_FAILED /States/S/Cause Only one of 'Cause' and 'CausePath' can be specified",
    ]);
    expect(codesAt(single({ Type: 'Fail', ErrorPath: "States.Format('{}', $.e)", CausePath: '$.c' }))).toEqual([]);
  });
});

describe('Map', () => {
  const processor = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  it('requires ItemProcessor or the older Iterator', () => {
    expect(codesAt(single({ Type: 'Map', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S These fields are required: [ItemProcessor]']);
    expect(codesAt(single({ Type: 'Map', Iterator: processor, End: true }))).toEqual([]);
  });
  it('checks ProcessorConfig', () => {
    expect(codesAt(single({ Type: 'Map', ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'PARALLEL' } }, End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/ItemProcessor/ProcessorConfig/Mode Value should be one of the following: [INLINE, DISTRIBUTED]',
    ]);
  });
  it('checks MaxConcurrency and the tolerated failures', () => {
    expect(codesAt(single({ Type: 'Map', ItemProcessor: processor, MaxConcurrency: -1, ToleratedFailurePercentage: 101, End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/MaxConcurrency Minimum value is 0',
      'SCHEMA_VALIDATION_FAILED /States/S/ToleratedFailurePercentage Maximum value is 100',
    ]);
  });
  it('checks Label length and characters, and refuses an empty Label, as schema errors at the Label', () => {
    expect(codesAt(single({ Type: 'Map', ItemProcessor: processor, Label: 'a b', End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S/Label Label contains invalid character: ' '",
    ]);
    expect(codesAt(single({ Type: 'Map', ItemProcessor: processor, Label: '', End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED /States/S/Label Label cannot be empty']);
    expect(codesAt(single({ Type: 'Map', ItemProcessor: processor, Label: 'x'.repeat(41), End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED /States/S/Label Label cannot exceed 40 characters',
    ]);
    expect(codesAt(single({ Type: 'Map', ItemProcessor: processor, Label: 'ok_label-1', End: true }))).toEqual([]);
  });
});

describe('expressions', () => {
  it('refuses a template key ending .$ whose value is not a path or an intrinsic call', () => {
    expect(codesAt(single({ Type: 'Pass', Parameters: { 'a.$': 'nope' }, End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED /States/S/Parameters The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
    ]);
    expect(codesAt(single({ Type: 'Pass', Parameters: { nested: { 'a.$': "States.Format('{}', $.x)" } }, End: true }))).toEqual([]);
  });
  it('refuses a malformed intrinsic call', () => {
    expect(codesAt(single({ Type: 'Pass', Parameters: { 'a.$': 'States.Format(' }, End: true }))[0]).toMatch(/'a.\$' must be a valid JSONPath or a valid intrinsic/);
  });
  it('refuses a bad InputPath and ResultPath', () => {
    expect(codesAt(single({ Type: 'Pass', InputPath: 'a', End: true }))).toEqual(["SCHEMA_VALIDATION_FAILED /States/S/InputPath The value for the field 'InputPath' must be a valid JSONPath"]);
    expect(codesAt(single({ Type: 'Pass', ResultPath: '$$.x', End: true }))).toEqual(["SCHEMA_VALIDATION_FAILED /States/S/ResultPath The value for the field 'ResultPath' must be a valid ReferencePath"]);
    expect(codesAt(single({ Type: 'Pass', InputPath: null, ResultPath: null, End: true }))).toEqual([]);
  });
  it('reports a JSONata expression that does not parse, at the nested key, with the parser message', () => {
    expect(codesAt(single({ Type: 'Pass', Output: { v: '{% 1 + %}' }, End: true }, { QueryLanguage: 'JSONata' }))).toEqual([
      'INVALID_JSONATA_EXPRESSION /States/S/Output/v Unexpected end of expression',
    ]);
  });
  it('refuses $$ and bare top-level names in JSONata', () => {
    expect(codesAt(single({ Type: 'Pass', Output: '{% $$ %}', End: true }, { QueryLanguage: 'JSONata' }))).toEqual([
      "UNSUPPORTED_JSONATA_EXPRESSION /States/S/Output Reference to '$$' is not supported.",
    ]);
    expect(codesAt(single({ Type: 'Pass', Output: { v: '{% phone %}' }, End: true }, { QueryLanguage: 'JSONata' }))).toEqual([
      "UNSUPPORTED_JSONATA_EXPRESSION /States/S/Output/v Reference to 'phone' at the top level is not supported.",
    ]);
  });
});

describe('EXPRESS machines', () => {
  it('refuses activities, .sync and .waitForTaskToken', () => {
    const activity = single({ ...task, Resource: 'arn:aws:states:us-east-1:111111111111:activity:a' });
    expect(codesAt(activity, { type: 'EXPRESS' })).toEqual(['SCHEMA_VALIDATION_FAILED /States/S/Resource Express state machine does not support Activity ARN']);
    expect(codesAt(activity)).toEqual([]);
    expect(codesAt(single({ ...task, Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }), { type: 'EXPRESS' })[0]).toMatch(/'.waitForTaskToken'/);
  });
});
